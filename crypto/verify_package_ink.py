"""The visible signature against the pen track: re-render the ink, compare it with the picture
the signature's appearance shows.

A hand signature's appearance (:func:`crypto.appearance.compose_picture`) puts the ink in the
upper left area of the field's picture and the fingerprint imprint at the right; the two never
overlap.  Stations render the ink with :func:`ink_picture` at exactly that area's size, so a
verifier that decodes the same pen track gets the same pixels: :func:`compare_ink` compares the
ink area's alpha channel of the re-rendered and the embedded picture.

Decoding a pen track (ISO/IEC 19794-7) is the device layer's business; the verifier takes a
:data:`PenDecoder` from its caller.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageChops

from crypto.appearance import InkPoint, render_ink

__all__ = [
    "InkComparison",
    "InkDrawing",
    "PenDecoder",
    "PX_PER_PT",
    "compare_ink",
    "ink_area",
    "ink_picture",
    "visible_picture",
]

PX_PER_PT = 3
"""Pixels per point of an appearance picture (as :mod:`crypto.appearance` draws them)."""
_DIFFERENT = 64      # alpha levels (of 255) beyond which two pixels count as different
TOLERANCE = 0.005    # share of differing pixels still taken for the same drawing


@dataclass(frozen=True)
class InkDrawing:
    """Strokes of (x, y, pressure 0..1) in any unit, y down, on a canvas of ``extent``."""

    strokes: tuple[tuple[InkPoint, ...], ...]
    extent: tuple[float, float]


PenDecoder = Callable[[bytes], InkDrawing]
"""Turns a pen-track evidence item (ISO/IEC 19794-7 bytes) into the drawing it shows."""


def ink_area(box: tuple[float, float], *, with_fingerprint: bool = True) -> tuple[int, int]:
    """Pixel size of the ink's area in the picture of a field of ``box`` points (the layout
    of :func:`crypto.appearance.compose_picture`)."""
    w, h = round(box[0] * PX_PER_PT), round(box[1] * PX_PER_PT)
    text_strip = round(h * 0.3)
    print_w = min(round(w * 0.3), h) if with_fingerprint else 0
    return w - print_w, h - text_strip


def ink_picture(drawing: InkDrawing, box: tuple[float, float], *,
                with_fingerprint: bool = True) -> Image.Image:
    """The ink of ``drawing`` rendered for a field of ``box`` points (RGBA)."""
    size = ink_area(box, with_fingerprint=with_fingerprint)
    strokes: Sequence[Sequence[InkPoint]] = [list(s) for s in drawing.strokes]
    return render_ink(strokes, size=size, extent=drawing.extent)


def _image_xobjects(resources: Any) -> list[Any]:
    found = []
    xobjects = resources.get("/XObject") if resources is not None else None
    if xobjects is None:
        return found
    for value in xobjects.values():
        obj = value.get_object()
        if obj.get("/Subtype") == "/Image":
            found.append(obj)
        elif obj.get("/Subtype") == "/Form":
            found.extend(_image_xobjects(obj.get("/Resources")))
    return found


def visible_picture(signature_field: Any) -> Image.Image | None:
    """The picture in a signature field's normal appearance, RGBA, or ``None`` if it shows
    none.  ``signature_field`` is the field dictionary (pyHanko's ``sig_field``)."""
    try:
        appearance = signature_field["/AP"]["/N"].get_object()
        images = _image_xobjects(appearance.get("/Resources"))
        if not images:
            return None
        image = max(images, key=lambda o: int(o["/Width"]) * int(o["/Height"]))
        width, height = int(image["/Width"]), int(image["/Height"])
        if str(image.get("/ColorSpace")) != "/DeviceRGB" or int(image["/BitsPerComponent"]) != 8:
            return None
        rgb = Image.frombytes("RGB", (width, height), image.data)
        if "/SMask" in image:
            mask = image["/SMask"].get_object()
            alpha = Image.frombytes("L", (int(mask["/Width"]), int(mask["/Height"])), mask.data)
        else:
            alpha = Image.new("L", (width, height), 255)
    except (KeyError, ValueError, TypeError, AttributeError):
        return None
    picture = rgb.convert("RGBA")
    picture.putalpha(alpha)
    return picture


@dataclass(frozen=True)
class InkComparison:
    """How far the embedded ink is from the re-rendered one."""

    differing_share: float
    """Share of the ink area's pixels whose opacity differs by more than a quarter."""
    mean_difference: float
    """Mean absolute opacity difference over the area, 0..255."""
    inked_pixels: int
    """Pixels the re-rendered ink covers (a blank track compares as blank)."""

    @property
    def same(self) -> bool:
        return self.differing_share <= TOLERANCE


def compare_ink(expected: Image.Image, visible: Image.Image) -> InkComparison:
    """Compare ``expected`` ink (its own size) with the same area at the top left of the
    ``visible`` picture, by opacity."""
    w, h = expected.size
    if visible.width < w or visible.height < h:
        return InkComparison(1.0, 255.0, 0)
    want = expected.getchannel("A")
    got = visible.crop((0, 0, w, h)).getchannel("A")
    diff = ImageChops.difference(want, got)
    histogram = diff.histogram()
    total = w * h or 1
    differing = sum(histogram[_DIFFERENT + 1:])
    mean = sum(i * n for i, n in enumerate(histogram)) / total
    inked = sum(want.point(lambda v: 255 if v > _DIFFERENT else 0).histogram()[255:])
    return InkComparison(differing / total, mean, inked)
