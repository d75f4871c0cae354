"""A NumPy reference for normalization and regularization in deep networks.

Every op mirrors ``torch.nn.functional`` (names, argument order, defaults and semantics), so what a
candidate learns here transfers to PyTorch and back.  The package is pure NumPy: it imports nothing
from the app, reads no YAML and draws no UI.

Modules, one family each:

- :mod:`engine.norms`      BatchNorm, LayerNorm, GroupNorm, InstanceNorm, RMSNorm, weight norm,
                           spectral norm, weight standardization
- :mod:`engine.dropout`    dropout (inverted and original), Dropout2d, DropPath, MC dropout,
                           alpha dropout, DropBlock
- :mod:`engine.augment`    label smoothing, MixUp, CutMix, flips, crops, noise, cutout,
                           Random Erasing
- :mod:`engine.regularize` cross-entropy, L1/L2, SGD/Adam/AdamW steps, early stopping,
                           class weights and ignore_index, gradient clipping, AMSGrad
- :mod:`engine.blocks`     residual blocks, Pre-LN and Post-LN Transformer sublayers
- :mod:`engine.lora`       LoRA: low-rank adapters, their parameter count and merged weight
- :mod:`engine.exercises`  live numeric exercises built on the ops above
- :mod:`engine.answers`    reading (the answer grammar) and checking what a person types
"""
