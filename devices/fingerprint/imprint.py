"""The red imprint for the visible signature: the fingerprint as red ink on a transparent ground.

Like a fingerprint in red ink paste on paper: ridges opaque red, valleys and the glass fully
transparent. Opacity follows how much darker than the glass a pixel is, only where the
finger touched (the quality measure's contact blocks, smoothed); the result is cropped to the
finger. Pure numpy and Pillow: the same image gives the same pixels.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

__all__ = ["IMPRINT_RED", "render_imprint"]

IMPRINT_RED = (200, 16, 36)   # seal-paste red


def render_imprint(image: np.ndarray, *, colour: tuple[int, int, int] = IMPRINT_RED,
                   height_px: int | None = None, crop: bool = True) -> Image.Image:
    """An RGBA Pillow image of the fingerprint in ``colour`` with a transparent background.

    ``height_px`` scales the result (keeping its aspect ratio); ``crop`` trims it to the inked
    area with a small margin. An image with no finger gives a fully transparent image.
    """
    grey = np.asarray(image, dtype=np.float32)
    if grey.ndim != 2:
        raise ValueError(f"need a greyscale image, got shape {grey.shape}")
    glass = np.percentile(grey, 97)
    ridge = np.percentile(grey, 3)
    depth = max(float(glass - ridge), 1.0)
    ink = np.clip((glass - grey) / depth, 0.0, 1.0)
    ink = np.clip((ink - 0.18) / 0.6, 0.0, 1.0)        # valleys and noise stay clear
    alpha = (ink * _contact_mask(grey, glass) * 255).round().astype(np.uint8)

    rgba = np.zeros(grey.shape + (4,), dtype=np.uint8)
    rgba[..., 0], rgba[..., 1], rgba[..., 2] = colour
    rgba[..., 3] = alpha
    if crop and alpha.any():
        ys, xs = np.nonzero(alpha > 8)
        if ys.size:
            m = 6
            rgba = rgba[max(ys.min() - m, 0):ys.max() + m + 1, max(xs.min() - m, 0):xs.max() + m + 1]
    out = Image.fromarray(np.ascontiguousarray(rgba))
    if height_px is not None and height_px != out.height:
        width = max(1, round(out.width * height_px / out.height))
        # Every pixel carries the ink colour, transparent or not, so resampling RGBA directly
        # cannot bleed a foreign colour into the edges.
        out = out.resize((width, height_px), Image.Resampling.LANCZOS)
    return out


def _contact_mask(grey: np.ndarray, glass: float, block: int = 16) -> np.ndarray:
    """1 where the finger touched, fading over one block at the edge of the contact area."""
    h = grey.shape[0] // block * block
    w = grey.shape[1] // block * block
    tiles = grey[:h, :w].reshape(h // block, block, w // block, block)
    low, high = np.percentile(tiles.transpose(0, 2, 1, 3).reshape(h // block, w // block, -1),
                              [10, 90], axis=-1)
    spread = high - low
    darkening = glass - tiles.mean(axis=(1, 3))
    blocks = ((spread > 40) | (darkening > 28)).astype(np.float32)
    mask = np.asarray(Image.fromarray((blocks * 255).astype(np.uint8)).resize(
        (w, h), Image.Resampling.BILINEAR), dtype=np.float32) / 255.0
    full = np.zeros(grey.shape, dtype=np.float32)
    full[:h, :w] = mask
    return full

