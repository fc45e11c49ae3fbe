"""Synthetic fingerprints: deterministic, one finger per seed, presses that differ as they should."""

from __future__ import annotations

import numpy as np
import pytest

from devices.fingerprint.synthetic import Press, synthetic_fingerprint


@pytest.mark.parametrize("press", list(Press))
def test_same_seed_and_press_give_the_same_pixels(press: Press) -> None:
    first = synthetic_fingerprint(11, press)
    assert first.shape == (288, 256) and first.dtype == np.uint8
    assert np.array_equal(first, synthetic_fingerprint(11, press))


def test_different_seeds_give_different_fingers() -> None:
    a = synthetic_fingerprint(1).astype(float)
    b = synthetic_fingerprint(2).astype(float)
    assert abs(np.corrcoef(a.ravel(), b.ravel())[0, 1]) < 0.5


def test_pressing_the_same_finger_again_keeps_its_ridges() -> None:
    first = synthetic_fingerprint(3, attempt=0).astype(float)
    again = synthetic_fingerprint(3, attempt=1).astype(float)
    assert not np.array_equal(first, again)              # a new press, new noise
    assert np.corrcoef(first.ravel(), again.ravel())[0, 1] > 0.9


def test_ridges_are_dark_on_a_light_background() -> None:
    image = synthetic_fingerprint(4)
    assert np.percentile(image, 95) > 200            # glass and valleys
    assert np.percentile(image, 10) < 110            # ridge crests
    centre = image[100:200, 80:180].astype(float)
    assert centre.std() > 40                         # ridges alternate with valleys


def test_no_finger_is_only_background_and_noise() -> None:
    image = synthetic_fingerprint(4, Press.NONE).astype(float)
    assert image.min() > 150 and image.std() < 10


def test_partial_press_covers_a_corner_only() -> None:
    good = synthetic_fingerprint(5, Press.GOOD) < 150
    partial = synthetic_fingerprint(5, Press.PARTIAL) < 150
    assert partial.mean() < 0.5 * good.mean()


def test_negative_seed_is_refused() -> None:
    with pytest.raises(ValueError):
        synthetic_fingerprint(-1)
