"""The quality figure tells a poor press from a good one, and degrades smoothly."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageFilter

from devices.fingerprint.image import decode_image, encode_image
from devices.fingerprint.quality import Verdict, assess_quality, quick_quality
from devices.fingerprint.synthetic import Press, synthetic_fingerprint

SEEDS = (1, 2, 3, 4)


def sensor(seed: int, press: Press = Press.GOOD) -> np.ndarray:
    """As the module uploads it: 16 grey levels."""
    return decode_image(encode_image(synthetic_fingerprint(seed, press)))


@pytest.mark.parametrize("seed", SEEDS)
def test_good_press_is_good(seed: int) -> None:
    report = assess_quality(sensor(seed), template_code=0)
    assert report.verdict is Verdict.GOOD and report.score >= 80
    assert report.ridge_coverage > 0.55 and report.contrast > 0.4 and report.coherence > 0.7
    assert report.reasons == ()


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("press, reason", [(Press.PARTIAL, "small_area"),
                                           (Press.SMUDGED, "unclear_ridges"),
                                           (Press.DRY, "unclear_ridges")])
def test_poor_presses_are_poor_and_say_why(seed: int, press: Press, reason: str) -> None:
    report = assess_quality(sensor(seed, press))
    assert report.verdict is Verdict.POOR
    assert reason in report.reasons
    assert report.score < 40


@pytest.mark.parametrize("seed", SEEDS)
def test_empty_sensor_is_no_finger(seed: int) -> None:
    report = assess_quality(sensor(seed, Press.NONE))
    assert report.verdict is Verdict.NO_FINGER and report.score == 0
    assert report.reasons == ("no_finger",)


def test_smudge_keeps_the_contact_but_loses_the_ridges() -> None:
    smudged = assess_quality(sensor(2, Press.SMUDGED))
    assert smudged.contact_coverage > 0.5 and smudged.ridge_coverage < 0.1
    assert smudged.clarity < 0.4


def test_template_failure_caps_the_verdict() -> None:
    image = sensor(1)
    assert assess_quality(image, template_code=0x07).verdict is Verdict.POOR
    assert "template_rejected" in assess_quality(image, template_code=0x06).reasons
    assert assess_quality(image, template_code=None).verdict is Verdict.GOOD


def _blur(image: np.ndarray, radius: float) -> np.ndarray:
    return np.asarray(Image.fromarray(image).filter(ImageFilter.GaussianBlur(radius)))


def _non_increasing(values: list[int], slack: int = 2) -> bool:
    return all(b <= a + slack for a, b in zip(values, values[1:]))


def test_more_blur_never_scores_better() -> None:
    image = synthetic_fingerprint(3)
    scores = [assess_quality(_blur(image, r)).score for r in (0, 1, 1.5, 2, 2.5, 3)]
    assert _non_increasing(scores) and scores[0] > 90 and scores[-1] < 20


def test_less_contrast_never_scores_better() -> None:
    image = synthetic_fingerprint(3).astype(float)
    scores = [assess_quality((230 - (230 - image) * c).clip(0, 255).astype(np.uint8)).score
              for c in (1.0, 0.6, 0.4, 0.3)]
    assert _non_increasing(scores) and scores[-1] < 40


def test_less_area_never_scores_better() -> None:
    image = synthetic_fingerprint(3)
    scores = []
    for rows in (288, 200, 150, 100, 60):
        cut = image.copy()
        cut[rows:] = 228
        scores.append(assess_quality(cut).score)
    assert _non_increasing(scores) and scores[-1] < 20


def test_more_noise_never_scores_better() -> None:
    rng = np.random.default_rng(0)
    image = synthetic_fingerprint(3).astype(float)
    scores = [assess_quality((image + rng.normal(0, s, image.shape)).clip(0, 255)
                             .astype(np.uint8)).score for s in (0, 15, 30, 60)]
    assert _non_increasing(scores) and scores[-1] < scores[0]


@pytest.mark.parametrize("press", [Press.GOOD, Press.PARTIAL, Press.SMUDGED, Press.NONE])
def test_quick_estimate_agrees_with_the_full_figure(press: Press) -> None:
    image = sensor(6, press)
    assert quick_quality(image).verdict is assess_quality(image).verdict


def test_report_has_text_in_both_languages_and_plain_values() -> None:
    report = assess_quality(sensor(1, Press.PARTIAL))
    assert "poor" in report.text.en and "差" in report.text.zh
    assert "面积" in report.text.zh
    plain = report.as_dict()
    assert plain["verdict"] == "poor" and "small_area" in plain["reasons"]


def test_an_image_smaller_than_a_block_is_refused() -> None:
    with pytest.raises(ValueError):
        assess_quality(np.zeros((8, 8), dtype=np.uint8))
