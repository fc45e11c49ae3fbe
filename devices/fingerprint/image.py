"""The module's image format (256 x 288, 4 bits per pixel) and the PNG we keep as evidence.

Two pixels per byte, the high nibble is the left pixel; 16 grey levels are widened to 0..255 by
multiplying by 17 so that 0x0 -> 0 and 0xF -> 255 exactly (and narrowing back is lossless).
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import numpy as np
from PIL import Image, PngImagePlugin

from devices.fingerprint.protocol import IMAGE_HEIGHT, IMAGE_WIDTH

__all__ = [
    "decode_image",
    "downsample",
    "encode_image",
    "fit_to_sensor",
    "png_bytes",
    "png_text",
    "rows_received",
]


def decode_image(raw: bytes, *, width: int = IMAGE_WIDTH, height: int = IMAGE_HEIGHT) -> np.ndarray:
    """Uploaded 4-bit image bytes -> a read-only uint8 greyscale array of shape (height, width)."""
    expected = width * height // 2
    if len(raw) != expected:
        raise ValueError(f"an image of {width}x{height} needs {expected} bytes, got {len(raw)}")
    packed = np.frombuffer(raw, dtype=np.uint8)
    pixels = np.empty(packed.size * 2, dtype=np.uint8)
    pixels[0::2] = packed >> 4
    pixels[1::2] = packed & 0x0F
    image = (pixels * 17).reshape(height, width)
    image.setflags(write=False)
    return image


def encode_image(image: np.ndarray) -> bytes:
    """A uint8 greyscale array -> the module's 4-bit bytes (rounded to the nearest level)."""
    if image.ndim != 2 or image.shape[1] % 2:
        raise ValueError(f"need a 2-D image with an even width, got shape {image.shape}")
    levels = ((image.astype(np.uint16) * 15 + 127) // 255).astype(np.uint8).reshape(-1)
    return ((levels[0::2] << 4) | levels[1::2]).astype(np.uint8).tobytes()


def rows_received(raw_len: int, *, width: int = IMAGE_WIDTH) -> int:
    """How many complete image rows ``raw_len`` uploaded bytes hold."""
    return min(IMAGE_HEIGHT, raw_len * 2 // width)


def downsample(image: np.ndarray, factor: int = 2) -> np.ndarray:
    """Block-mean reduction by ``factor`` (for the quick live estimate and previews)."""
    h = image.shape[0] // factor * factor
    w = image.shape[1] // factor * factor
    blocks = image[:h, :w].astype(np.float32).reshape(h // factor, factor, w // factor, factor)
    return blocks.mean(axis=(1, 3)).round().astype(np.uint8)


def fit_to_sensor(image: Image.Image, *, background: int = 240) -> np.ndarray:
    """Any picture -> a 256 x 288 greyscale array: scaled to fit, centred on sensor background."""
    grey = image.convert("L")
    scale = min(IMAGE_WIDTH / grey.width, IMAGE_HEIGHT / grey.height, 1.0)
    if scale < 1.0:
        size = (max(1, round(grey.width * scale)), max(1, round(grey.height * scale)))
        grey = grey.resize(size, Image.Resampling.LANCZOS)
    canvas = Image.new("L", (IMAGE_WIDTH, IMAGE_HEIGHT), background)
    canvas.paste(grey, ((IMAGE_WIDTH - grey.width) // 2, (IMAGE_HEIGHT - grey.height) // 2))
    return np.asarray(canvas, dtype=np.uint8).copy()


def png_text(image_bytes: bytes) -> dict[str, str]:
    """The text chunks of a PNG (where a capture says what made it)."""
    with Image.open(io.BytesIO(image_bytes)) as png:
        png.load()
        return {str(k): str(v) for k, v in getattr(png, "text", {}).items()}


def png_bytes(image: np.ndarray, text: Mapping[str, str] | None = None) -> bytes:
    """Lossless PNG of a greyscale array with ``text`` as iTXt chunks; same input, same bytes."""
    info = PngImagePlugin.PngInfo()
    for key, value in (text or {}).items():
        info.add_itxt(key, value)
    out = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(image, dtype=np.uint8)).save(
        out, format="PNG", pnginfo=info, optimize=False, compress_level=9)
    return out.getvalue()

