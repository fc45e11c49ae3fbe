"""The red imprint: red ridges, transparent elsewhere, the same pixels every time."""

from __future__ import annotations

import numpy as np

from devices.fingerprint.imprint import IMPRINT_RED, render_imprint
from devices.fingerprint.synthetic import Press, synthetic_fingerprint


def test_ridges_are_red_and_the_glass_is_transparent() -> None:
    image = synthetic_fingerprint(2)
    imprint = render_imprint(image, crop=False)
    rgba = np.asarray(imprint)
    assert imprint.mode == "RGBA" and imprint.size == (256, 288)
    assert (rgba[..., :3] == IMPRINT_RED).all()
    alpha = rgba[..., 3]
    assert alpha[image < 80].mean() > 200           # ridge crests nearly opaque
    assert alpha[image > 200].mean() < 30           # valleys and glass clear


def test_same_image_gives_the_same_imprint() -> None:
    image = synthetic_fingerprint(8)
    assert render_imprint(image, height_px=120).tobytes() == render_imprint(image, height_px=120).tobytes()


def test_crop_and_scale() -> None:
    image = synthetic_fingerprint(8, Press.PARTIAL)
    cropped = render_imprint(image)
    assert cropped.width < 256 and cropped.height < 288
    scaled = render_imprint(image, height_px=100)
    assert scaled.height == 100
    assert abs(scaled.width / scaled.height - cropped.width / cropped.height) < 0.05


def test_custom_colour() -> None:
    imprint = render_imprint(synthetic_fingerprint(1), colour=(10, 20, 30))
    assert tuple(np.asarray(imprint)[0, 0, :3]) == (10, 20, 30)


def test_no_finger_gives_a_fully_transparent_imprint() -> None:
    imprint = render_imprint(synthetic_fingerprint(1, Press.NONE))
    assert np.asarray(imprint)[..., 3].max() == 0
