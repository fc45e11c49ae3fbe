"""The module's 4-bit image format and the PNG kept as evidence."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from devices.fingerprint.image import (
    decode_image,
    downsample,
    encode_image,
    fit_to_sensor,
    png_bytes,
    png_text,
    rows_received,
)
from devices.fingerprint.protocol import IMAGE_BYTES


def test_high_nibble_is_the_left_pixel_and_levels_widen_by_17() -> None:
    raw = bytes([0xF0, 0x1E]) + bytes(IMAGE_BYTES - 2)
    image = decode_image(raw)
    assert image.shape == (288, 256) and image.dtype == np.uint8
    assert list(image[0, :4]) == [255, 0, 17, 238]
    assert not image.flags.writeable


def test_encoding_and_decoding_are_inverse_on_16_levels() -> None:
    rng = np.random.default_rng(5)
    raw = rng.integers(0, 256, IMAGE_BYTES, dtype=np.uint8).tobytes()
    assert encode_image(decode_image(raw)) == raw


def test_encoding_rounds_to_the_nearest_level() -> None:
    image = np.array([[0, 8, 9, 255, 127, 128]], dtype=np.uint8)
    levels = [b >> 4 for b in encode_image(image)] + [b & 15 for b in encode_image(image)]
    assert sorted(levels) == sorted([0, 0, 1, 15, 7, 8])


@pytest.mark.parametrize("size", [0, IMAGE_BYTES - 1, IMAGE_BYTES + 128])
def test_wrong_size_is_refused(size: int) -> None:
    with pytest.raises(ValueError, match="needs 36864 bytes"):
        decode_image(bytes(size))


def test_rows_received_counts_complete_rows() -> None:
    assert rows_received(0) == 0
    assert rows_received(127) == 0
    assert rows_received(128) == 1
    assert rows_received(IMAGE_BYTES) == 288


def test_downsample_averages_blocks() -> None:
    image = np.array([[0, 2, 10, 10], [4, 6, 10, 10]], dtype=np.uint8)
    assert downsample(image).tolist() == [[3, 10]]


def test_png_is_lossless_deterministic_and_carries_its_text() -> None:
    image = decode_image(bytes(range(256)) * (IMAGE_BYTES // 256))
    first = png_bytes(image, {"Inkseal-Simulated": "yes", "Comment": "模拟"})
    assert first == png_bytes(image, {"Inkseal-Simulated": "yes", "Comment": "模拟"})
    with Image.open(io.BytesIO(first)) as png:
        assert png.mode == "L"
        assert np.array_equal(np.asarray(png), image)
    assert png_text(first) == {"Inkseal-Simulated": "yes", "Comment": "模拟"}


def test_any_picture_is_fitted_onto_the_sensor() -> None:
    big = Image.new("RGB", (1000, 500), (0, 0, 0))
    fitted = fit_to_sensor(big)
    assert fitted.shape == (288, 256)
    assert fitted[144, 128] == 0 and fitted[0, 0] == 240   # centred, background around it
    small = fit_to_sensor(Image.new("L", (10, 10), 7))
    assert (small == 7).sum() == 100
