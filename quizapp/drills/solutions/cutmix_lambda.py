import numpy as np


def cutmix_lambda(height, width, lam, center):
    cy, cx = center
    ratio = np.sqrt(1 - lam)  # the box covers 1 - lam of the AREA, so each side scales by sqrt
    cut_h, cut_w = int(height * ratio), int(width * ratio)
    yl = int(np.clip(cy - cut_h // 2, 0, height))
    yh = int(np.clip(cy + cut_h // 2, 0, height))
    xl = int(np.clip(cx - cut_w // 2, 0, width))
    xh = int(np.clip(cx + cut_w // 2, 0, width))
    # Clipping can shrink the box: lambda must say what was really pasted.
    lam_corrected = 1 - (yh - yl) * (xh - xl) / (height * width)
    return (yl, yh, xl, xh), lam_corrected
