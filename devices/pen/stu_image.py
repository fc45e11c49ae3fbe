"""Pictures for an STU pad's LCD: the signing prompt, and the byte formats the pad accepts.

Encodings (STU SDK ``ProtocolHelper::flatten*``, read as a specification):

* 1-bit: rows padded to whole bytes, leftmost pixel in the most significant bit, a set bit
  is paper (white) and a cleared bit is ink; a pixel is ink when ``r | g | b <= 0x80``;
* 16-bit: RGB565, high byte first;
* 24-bit: three bytes per pixel in the order blue, green, red.

The prompt is drawn with Pillow from the text and a TrueType font path given by the caller
(the device layer never looks fonts up itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from devices.errors import DeviceError
from devices.pen.stu_protocol import (
    ENCODING_FLAG_1BIT,
    ENCODING_FLAG_16BIT,
    ENCODING_FLAG_24BIT,
    IMAGE_BLOCK_MAX_DATA,
    EncodingMode,
)

__all__ = [
    "DEFAULT_HEADING",
    "PromptImage",
    "choose_encoding",
    "decode_image",
    "encode_image",
    "expected_size",
    "image_blocks",
    "render_prompt",
]

DEFAULT_HEADING = "请在框内签名 / Please sign in the box"
INK = (0, 0, 0)
PAPER = (255, 255, 255)


@dataclass(frozen=True)
class PromptImage:
    """The rendered prompt and the signing box on it (pixels, inclusive corners)."""

    image: Image.Image
    box: tuple[int, int, int, int]


def _font(font_path: Path | str, size: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(str(font_path), size)
    except OSError as exc:
        raise DeviceError(f"cannot load the prompt font {font_path}: {exc}",
                          reason="font_unavailable") from exc


def _fit(draw: ImageDraw.ImageDraw, text: str, font_path: Path | str, size: int,
         width: int) -> ImageFont.FreeTypeFont:
    """The largest font up to ``size`` at which ``text`` fits ``width`` pixels."""
    font = _font(font_path, size)
    while size > 8 and draw.textlength(text, font=font) > width:
        size -= 1
        font = _font(font_path, size)
    return font


def render_prompt(size: tuple[int, int], signer: str, font_path: Path | str, *,
                  heading: str = DEFAULT_HEADING, note: str | None = None) -> PromptImage:
    """Black-on-white prompt: heading, who signs, an optional note, and the signing box."""
    width, height = size
    image = Image.new("RGB", size, PAPER)
    draw = ImageDraw.Draw(image)
    margin = max(4, width // 40)
    line_height = max(10, height // 12)
    y = margin
    for text, scale in ((heading, 1.0), (signer, 1.2), (note, 0.8)):
        if not text:
            continue
        font = _fit(draw, text, font_path, int(line_height * scale), width - 2 * margin)
        draw.text((margin, y), text, font=font, fill=INK)
        y += int(line_height * scale * 1.3)
    box = (margin, min(y + margin, height - 3 * margin), width - margin - 1, height - margin - 1)
    draw.rectangle(box, outline=INK, width=max(1, width // 400))
    return PromptImage(image, box)


def choose_encoding(encoding_flag: int, *, colour_screen: bool,
                    need_colour: bool = False) -> EncodingMode:
    """The image encoding to use: 1-bit when the pad accepts it (about 24x fewer reports
    than 24-bit), colour only when needed or the only choice. A flag of 0 (pads older than
    the capability field) falls back on the screen type."""
    if not need_colour and encoding_flag & ENCODING_FLAG_1BIT:
        return EncodingMode.MONO_1BIT
    if encoding_flag & ENCODING_FLAG_24BIT:
        return EncodingMode.BGR24
    if encoding_flag & ENCODING_FLAG_16BIT:
        return EncodingMode.RGB565
    if encoding_flag & ENCODING_FLAG_1BIT:
        return EncodingMode.MONO_1BIT
    return EncodingMode.RGB565 if colour_screen else EncodingMode.MONO_1BIT


def encode_image(image: Image.Image, mode: EncodingMode) -> bytes:
    """The image's bytes in a pad encoding (the image must already have the screen size)."""
    rgb = image.convert("RGB")
    width, height = rgb.size
    if mode == EncodingMode.BGR24:
        r, g, b = rgb.split()
        return Image.merge("RGB", (b, g, r)).tobytes()
    if mode == EncodingMode.RGB565:
        px = np.asarray(rgb, dtype=np.uint16)
        value = (px[..., 0] & 0xF8) << 8 | (px[..., 1] & 0xFC) << 3 | px[..., 2] >> 3
        return value.astype(">u2").tobytes()
    if mode == EncodingMode.MONO_1BIT:
        px = np.asarray(rgb, dtype=np.uint8)
        paper = (px[..., 0] | px[..., 1] | px[..., 2]) > 0x80
        return np.packbits(paper, axis=1).tobytes()  # MSB = leftmost, rows padded to bytes
    raise DeviceError(f"image encoding {mode!r} is not supported here",
                      reason="unsupported_encoding")


def decode_image(data: bytes, size: tuple[int, int], mode: EncodingMode) -> Image.Image:
    """Inverse of ``encode_image`` (what the pad would show); used by the emulator."""
    width, height = size
    if mode == EncodingMode.BGR24:
        b, g, r = Image.frombytes("RGB", size, data).split()
        return Image.merge("RGB", (r, g, b))
    if mode == EncodingMode.RGB565:
        value = np.frombuffer(data, dtype=">u2").reshape(height, width).astype(np.uint16)
        px = np.stack([(value >> 8) & 0xF8, (value >> 3) & 0xFC, (value << 3) & 0xF8], axis=-1)
        return Image.fromarray(px.astype(np.uint8), "RGB")
    if mode == EncodingMode.MONO_1BIT:
        bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8).reshape(height, -1), axis=1)
        grey = (bits[:, :width] * 255).astype(np.uint8)
        return Image.fromarray(grey, "L").convert("RGB")
    raise DeviceError(f"image encoding {mode!r} is not supported here",
                      reason="unsupported_encoding")


def expected_size(size: tuple[int, int], mode: EncodingMode) -> int:
    """Bytes an image of ``size`` takes in ``mode``."""
    width, height = size
    if mode == EncodingMode.BGR24:
        return width * height * 3
    if mode == EncodingMode.RGB565:
        return width * height * 2
    return (width + 7) // 8 * height


def image_blocks(data: bytes, block_size: int = IMAGE_BLOCK_MAX_DATA) -> list[bytes]:
    """The data cut into image-data-block payloads."""
    return [data[i:i + block_size] for i in range(0, len(data), block_size)]
