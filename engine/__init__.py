"""A NumPy reference for normalization and regularization in deep networks.

Every op mirrors ``torch.nn.functional`` (names, argument order, defaults and semantics), so what a
candidate learns here transfers to PyTorch and back.  The package is pure NumPy: it imports nothing
from the app, reads no YAML and draws no UI.

Modules, one family each:

- :mod:`engine.norms`      BatchNorm, LayerNorm, GroupNorm, InstanceNorm, RMSNorm, weight norm
- :mod:`engine.dropout`    dropout (inverted and original), Dropout2d, DropPath, MC dropout
- :mod:`engine.augment`    label smoothing, MixUp, CutMix, flips, crops, noise, cutout
- :mod:`engine.regularize` cross-entropy, L1/L2, SGD/Adam/AdamW steps, early stopping
- :mod:`engine.blocks`     residual blocks, Pre-LN and Post-LN Transformer sublayers
- :mod:`engine.exercises`  live numeric exercises built on the ops above
- :mod:`engine.answers`    reading (the answer grammar) and checking what a person types
"""
