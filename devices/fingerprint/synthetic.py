"""Synthetic fingerprints: ridge patterns that belong to nobody, deterministic from a seed.

The method follows the published synthetic-fingerprint approach (SFinGe, Cappelli et al.):
an orientation field from the zero-pole model around cores and deltas (Sherlock and Monro),
then noise grown into ridges by repeated Gabor-like band-pass filtering along that field.
A press then lays the ridges on a sensor background: good, partial, smudged, dry, or no finger.
Only numpy is used; the same seed and press give the same pixels.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np

from devices.fingerprint.protocol import IMAGE_HEIGHT, IMAGE_WIDTH

__all__ = ["Press", "synthetic_fingerprint"]

_BINS = 16            # orientation bins of the ridge-growing filter bank
_ITERATIONS = 6


class Press(StrEnum):
    """How the finger meets the sensor."""

    GOOD = "good"          # centred, firm, clean
    PARTIAL = "partial"    # only a corner of the finger touches the sensor
    SMUDGED = "smudged"    # moved while pressing, wet: ridges smeared into blots
    DRY = "dry"            # dry skin, light press: broken, faint ridges
    NONE = "none"          # nothing on the glass: background and sensor noise


def synthetic_fingerprint(seed: int, press: Press | str = Press.GOOD, *, attempt: int = 0,
                          width: int = IMAGE_WIDTH, height: int = IMAGE_HEIGHT) -> np.ndarray:
    """A greyscale sensor image (uint8, dark ridges on a light background) for one press.

    The finger (its pattern type, cores and deltas, ridge spacing) depends on ``seed`` only,
    so one finger can be pressed well or badly; the press and ``attempt`` (pressing again)
    only change the press's own seeded noise.
    """
    if seed < 0 or attempt < 0:
        raise ValueError("seed and attempt must not be negative")
    press = Press(press)
    finger = np.random.default_rng([seed, 0])
    noise = np.random.default_rng([seed, 1 + list(Press).index(press), attempt])
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float64)
    background = _background(noise, xx, yy, width, height)
    if press is Press.NONE:
        image = background + noise.normal(0.0, 4.0, background.shape)
        return np.clip(image, 0, 255).round().astype(np.uint8)

    cx = width / 2 + finger.uniform(-12, 12)
    cy = height / 2 + finger.uniform(-15, 15)
    if press is Press.PARTIAL:
        # The same finger pressed off-centre: only one corner of it is on the glass.
        cx += noise.choice([-1.0, 1.0]) * noise.uniform(105, 125)
        cy += noise.choice([-1.0, 1.0]) * noise.uniform(125, 150)
    theta = _orientation(finger, xx, yy, cx, cy)
    period = finger.uniform(8.2, 9.6)
    ridges = _grow_ridges(finger, theta, 1.0 / period)
    darkness = (ridges + 1.0) / 2.0  # 1 on a ridge crest, 0 in a valley

    contact = _finger_mask(finger, xx, yy, cx, cy)
    contrast = 175.0
    if press is Press.SMUDGED:
        shift = (round(noise.uniform(3, 6)), round(noise.uniform(4, 8)))
        darkness = 0.5 * (darkness + np.roll(darkness, shift, axis=(0, 1)))
        darkness = _blur(darkness, noise.uniform(2.6, 3.2))
        blots = _blur(noise.normal(size=darkness.shape), 10.0)
        darkness = np.clip(0.55 * darkness + 0.45 + 2.5 * blots, 0.0, 1.0)
        contrast = 120.0
    elif press is Press.DRY:
        breaks = _blur(noise.normal(size=darkness.shape), 1.6)
        darkness = darkness ** 1.8 * (breaks > np.quantile(breaks, 0.45))
        patches = _blur(noise.normal(size=darkness.shape), 14.0)
        contact = contact * (patches > np.quantile(patches, 0.25))
        contrast = 95.0
    pressure = contact * (0.78 + 0.22 * _unit(_blur(noise.normal(size=contact.shape), 20.0)))
    image = background - contrast * pressure * darkness
    image += noise.normal(0.0, 4.0, image.shape)
    return np.clip(image, 0, 255).round().astype(np.uint8)


def _background(rng: np.random.Generator, xx: np.ndarray, yy: np.ndarray,
                width: int, height: int) -> np.ndarray:
    # Optical sensors are brightest in the middle and fall off a little towards the corners.
    r2 = ((xx - width / 2) / width) ** 2 + ((yy - height / 2) / height) ** 2
    return rng.uniform(222, 232) - 28.0 * r2


def _orientation(rng: np.random.Generator, xx: np.ndarray, yy: np.ndarray,
                 cx: float, cy: float) -> np.ndarray:
    """Ridge direction (radians, modulo pi) from the zero-pole model around cores and deltas."""
    z = xx + 1j * yy
    pattern = rng.choice(["loop", "loop", "whorl", "arch"])
    if pattern == "arch":
        # No singularity: ridges run across and bulge upwards in the middle.
        return -0.9 * np.tanh((xx - cx) / 60.0) * np.exp(-((yy - cy - 40) / 110.0) ** 2)
    side = rng.choice([-1.0, 1.0])
    if pattern == "loop":
        cores = [complex(cx + side * rng.uniform(0, 12), cy - rng.uniform(15, 35))]
        deltas = [complex(cx - side * rng.uniform(55, 80), cy + rng.uniform(85, 115))]
    else:
        cores = [complex(cx - rng.uniform(6, 14), cy - 8), complex(cx + rng.uniform(6, 14), cy + 4)]
        deltas = [complex(cx - rng.uniform(85, 105), cy + rng.uniform(95, 120)),
                  complex(cx + rng.uniform(85, 105), cy + rng.uniform(95, 120))]
    theta = np.zeros(xx.shape)
    for d in deltas:
        theta += np.angle(z - d)
    for c in cores:
        theta -= np.angle(z - c)
    return 0.5 * theta + rng.uniform(-0.15, 0.15)


def _grow_ridges(rng: np.random.Generator, theta: np.ndarray, frequency: float) -> np.ndarray:
    """Noise filtered again and again with the band-pass filter matching the local orientation."""
    height, width = theta.shape
    fy = np.fft.fftfreq(height)[:, None]
    fx = np.fft.fftfreq(width)[None, :]
    bins = np.arange(_BINS) * np.pi / _BINS
    filters = []
    for angle in bins:
        across = -fx * np.sin(angle) + fy * np.cos(angle)   # frequency across the ridges
        along = fx * np.cos(angle) + fy * np.sin(angle)     # frequency along them
        filters.append(np.exp(-((np.abs(across) - frequency) ** 2) / (2 * 0.018 ** 2)
                              - along ** 2 / (2 * 0.022 ** 2)))
    # Each pixel takes the response of its two nearest orientation bins, linearly weighted.
    position = np.mod(theta, np.pi) / (np.pi / _BINS)
    lower = np.floor(position).astype(int) % _BINS
    upper = (lower + 1) % _BINS
    weight = position - np.floor(position)
    field = rng.uniform(-1.0, 1.0, theta.shape) * (rng.uniform(size=theta.shape) < 0.05)
    for _ in range(_ITERATIONS):
        spectrum = np.fft.fft2(field)
        responses = np.stack([np.fft.ifft2(spectrum * f).real for f in filters])
        rows, cols = np.indices(theta.shape)
        combined = ((1 - weight) * responses[lower, rows, cols] + weight * responses[upper, rows, cols])
        field = np.tanh(2.0 * combined / (combined.std() + 1e-12))
    return field


def _finger_mask(rng: np.random.Generator, xx: np.ndarray, yy: np.ndarray,
                 cx: float, cy: float) -> np.ndarray:
    """Soft-edged ellipse where the skin touches the glass (same finger, same shape)."""
    state = rng.bit_generator.state
    a, b = rng.uniform(100, 112), rng.uniform(135, 150)
    rng.bit_generator.state = state  # the shape must not shift the rest of the finger's draws
    rho = np.sqrt(((xx - cx) / a) ** 2 + ((yy - cy) / b) ** 2)
    return 1.0 / (1.0 + np.exp((rho - 1.0) * 18.0))


def _blur(image: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur by multiplication in the frequency domain (periodic edges)."""
    fy = np.fft.fftfreq(image.shape[0])[:, None]
    fx = np.fft.fftfreq(image.shape[1])[None, :]
    gain = np.exp(-2 * (np.pi * sigma) ** 2 * (fx ** 2 + fy ** 2))
    return np.fft.ifft2(np.fft.fft2(image) * gain).real


def _unit(values: np.ndarray) -> np.ndarray:
    """Rescale to 0..1."""
    low, high = values.min(), values.max()
    return (values - low) / (high - low + 1e-12)
