import numpy as np


def drop_block2d(x, seeds, p, block_size, training=True):
    if not training or p == 0:
        return x
    grid_h, grid_w = seeds.shape[2], seeds.shape[3]
    # A seed at (i, j) drops a block_size x block_size square starting there: mark every
    # position the square covers by shifting the seed grid over the block's offsets.
    dropped = np.zeros(x.shape, dtype=bool)
    for di in range(block_size):
        for dj in range(block_size):
            dropped[:, :, di:di + grid_h, dj:dj + grid_w] |= seeds
    keep = ~dropped
    # Rescale by the fraction actually kept (blocks overlap), over the whole batch.
    scale = keep.size / (1e-6 + keep.sum())
    return x * keep * scale
