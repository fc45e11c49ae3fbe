"""How good is a press: coverage, contrast and ridge-valley structure, plus the module's opinion.

Our own measure, computed per 16-pixel block of the sensor image:
- *contact*: the block is darker than the glass or has texture (skin touches it);
- *contrast*: the spread between ridge and valley grey levels (10th to 90th percentile);
- *coherence*: how consistently the grey-level gradients agree on one ridge direction
  (structure tensor), high for parallel ridges, low for blots and speckle;
- *clarity*: the share of the block's spectral energy at ridge spacings (5.5 to 15 pixels,
  about 0.25 to 0.75 mm at the sensor's 500 dpi), high for ridges, low for smears and noise.
A block's *ridge strength* (0..1) rises with its contrast, coherence and clarity. The score
(0..100) combines the sensor area covered by ridges with how clear those blocks are; GOOD from
60, ACCEPTABLE from 40. Img2Tz's confirmation code (the module failing to extract features)
caps the verdict at POOR. Thresholds were set on synthetic presses and checked to fall
monotonically with blur, contrast loss, noise and lost area; real sensor images may call for
retuning.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from devices.fingerprint.image import downsample
from devices.fingerprint.messages import Bilingual

__all__ = ["QualityReport", "Verdict", "assess_quality", "quick_quality"]

GOOD_SCORE = 60
ACCEPTABLE_SCORE = 40
_FULL_COVERAGE = 0.55  # ridge blocks over this share of the sensor count as a full press


class Verdict(StrEnum):
    """The quality verdict, best first."""

    GOOD = "good"
    ACCEPTABLE = "acceptable"
    POOR = "poor"
    NO_FINGER = "no_finger"

    @property
    def rank(self) -> int:
        """3 for GOOD down to 0 for NO_FINGER, for comparisons."""
        return {"good": 3, "acceptable": 2, "poor": 1, "no_finger": 0}[self.value]


_VERDICT_TEXT = {
    Verdict.GOOD: Bilingual("good fingerprint", "指纹质量良好"),
    Verdict.ACCEPTABLE: Bilingual("acceptable fingerprint", "指纹质量可用"),
    Verdict.POOR: Bilingual("poor fingerprint: press again", "指纹质量差，请重新按压"),
    Verdict.NO_FINGER: Bilingual("no finger on the sensor", "传感器上没有手指"),
}

_REASON_TEXT = {
    "small_area": Bilingual("too little of the finger touched the sensor",
                            "手指接触面积太小"),
    "low_contrast": Bilingual("ridges too faint (dry or light press)", "纹线太淡（手指干燥或按压太轻）"),
    "unclear_ridges": Bilingual("ridges smeared or broken", "纹线模糊或断裂"),
    "template_rejected": Bilingual("the reader could not extract features", "指纹仪无法提取特征"),
    "no_finger": Bilingual("no finger detected", "未检测到手指"),
}


@dataclass(frozen=True)
class QualityReport:
    """The quality figure of one image and the measurements behind it (all shares 0..1)."""

    score: int                      # 0..100
    verdict: Verdict
    contact_coverage: float         # share of the sensor the skin touches
    ridge_coverage: float           # share of the sensor with clear ridge-valley structure
    contrast: float                 # median ridge-valley grey-level spread in contact blocks
    coherence: float                # mean ridge-direction coherence in contact blocks
    clarity: float                  # mean ridge-band spectral share in contact blocks
    template_code: int | None       # Img2Tz confirmation code; None when not asked
    reasons: tuple[str, ...]        # machine-readable: small_area, low_contrast, ...

    @property
    def text(self) -> Bilingual:
        """The verdict and its reasons, for people."""
        head = _VERDICT_TEXT[self.verdict]
        extra = [_REASON_TEXT[r] for r in self.reasons if r in _REASON_TEXT and r != "no_finger"]
        if not extra or self.verdict is Verdict.GOOD:
            return head
        return Bilingual(head.en + " (" + "; ".join(t.en for t in extra) + ")",
                         head.zh + "（" + "；".join(t.zh for t in extra) + "）")

    def as_dict(self) -> dict[str, object]:
        """Plain values for logs, manifests and PNG metadata."""
        return {"score": self.score, "verdict": self.verdict.value,
                "contact_coverage": round(self.contact_coverage, 4),
                "ridge_coverage": round(self.ridge_coverage, 4),
                "contrast": round(self.contrast, 4), "coherence": round(self.coherence, 4),
                "clarity": round(self.clarity, 4), "template_code": self.template_code,
                "reasons": list(self.reasons)}


def assess_quality(image: np.ndarray, template_code: int | None = None, *,
                   block: int = 16) -> QualityReport:
    """The full quality figure of a sensor image (uint8, dark ridges on a light background)."""
    f = np.asarray(image, dtype=np.float32) / 255.0
    h = f.shape[0] // block * block
    w = f.shape[1] // block * block
    if h == 0 or w == 0:
        raise ValueError(f"image of shape {f.shape} is smaller than one {block}-pixel block")
    f = f[:h, :w]
    rows, cols = h // block, w // block
    tiles = f.reshape(rows, block, cols, block).transpose(0, 2, 1, 3).reshape(rows, cols, -1)
    glass = float(np.percentile(f, 97))
    low, high = np.percentile(tiles, [10, 90], axis=-1)
    spread = high - low
    darkening = glass - tiles.mean(axis=-1)
    contact = (darkening > 0.11) | (spread > 0.16)  # 0.11: beyond one 4-bit grey step

    coherence = _coherence(f, rows, cols, block)
    clarity = _clarity(f, rows, cols, block)
    # How much each block looks like ridges, 0..1: soft ramps rather than cliffs, so a
    # slightly worse press gives a slightly lower score.
    ridge = contact * _ramp(spread, 0.10, 0.30) * _ramp(coherence, 0.2, 0.55) \
        * _ramp(clarity, 0.3, 0.7)

    contact_cov = float(contact.mean())
    ridge_cov = float(ridge.mean())
    if contact.any():
        contrast = float(np.median(spread[contact]))
        coh = float(coherence[contact].mean())
        clar = float(clarity[contact].mean())
        share = float(ridge.sum() / contact.sum())
    else:
        contrast = coh = clar = share = 0.0

    area_term = min(1.0, ridge_cov / _FULL_COVERAGE) ** 1.5  # a corner of a finger is not half as good
    clear_term = (min(1.0, contrast / 0.45) + min(1.0, coh / 0.6) + min(1.0, clar / 0.8)) / 3.0
    score = round(100.0 * area_term * (0.4 + 0.6 * clear_term) * (0.5 + 0.5 * share))

    reasons: list[str] = []
    if contact_cov < 0.04 and ridge_cov < 0.02:
        verdict, score, reasons = Verdict.NO_FINGER, 0, ["no_finger"]
    else:
        if contact_cov < 0.4:
            reasons.append("small_area")
        if contrast < 0.3:
            reasons.append("low_contrast")
        if share < 0.6 or coh < 0.6 or clar < 0.7:
            reasons.append("unclear_ridges")
        if template_code not in (None, 0):
            reasons.append("template_rejected")
        if score >= GOOD_SCORE and "template_rejected" not in reasons:
            verdict = Verdict.GOOD
        elif score >= ACCEPTABLE_SCORE and "template_rejected" not in reasons:
            verdict = Verdict.ACCEPTABLE
        else:
            verdict = Verdict.POOR
    return QualityReport(score=int(score), verdict=verdict, contact_coverage=contact_cov,
                         ridge_coverage=ridge_cov, contrast=contrast, coherence=coh,
                         clarity=clar, template_code=template_code, reasons=tuple(reasons))


def quick_quality(image: np.ndarray, template_code: int | None = None) -> QualityReport:
    """A fast estimate for the live indication: the same measure at half resolution."""
    return assess_quality(downsample(image, 2), template_code, block=8)


def _ramp(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """0 below ``low``, 1 above ``high``, linear between."""
    return np.clip((values - low) / (high - low), 0.0, 1.0)


def _coherence(f: np.ndarray, rows: int, cols: int, block: int) -> np.ndarray:
    gy, gx = np.gradient(f)
    def per_block(values: np.ndarray) -> np.ndarray:
        return values.reshape(rows, block, cols, block).sum(axis=(1, 3))
    gxx, gyy, gxy = per_block(gx * gx), per_block(gy * gy), per_block(gx * gy)
    return np.sqrt((gxx - gyy) ** 2 + 4 * gxy ** 2) / (gxx + gyy + 1e-9)


def _clarity(f: np.ndarray, rows: int, cols: int, block: int) -> np.ndarray:
    """Share of spectral energy at ridge spacings, in a window twice the block around each block."""
    size = 2 * block
    pad = block // 2
    padded = np.pad(f, pad, mode="reflect")
    windows = np.lib.stride_tricks.sliding_window_view(padded, (size, size))[::block, ::block]
    windows = windows[:rows, :cols]
    windows = windows - windows.mean(axis=(-2, -1), keepdims=True)
    taper = np.outer(np.hanning(size), np.hanning(size))
    power = np.abs(np.fft.fft2(windows * taper)) ** 2
    freq = np.fft.fftfreq(size)
    radius = np.hypot(freq[:, None], freq[None, :])
    scale = 16 / block  # a half-resolution image has ridges twice as dense per pixel
    band = (radius >= scale / 15.0) & (radius <= scale / 5.5)
    total = power[..., radius > 0].sum(axis=-1) + 1e-12
    return power[..., band].sum(axis=-1) / total
