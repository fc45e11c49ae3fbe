"""Draw a pen track as ink: stroke width follows pressure; same track and options, same bytes.

Strokes are drawn on a canvas ``supersample`` times larger, segment by segment with round
joints, then reduced with a fixed filter: no randomness, no timestamps, no PNG metadata, so
the PNG of a track can be hashed and later re-rendered and compared by a verifier.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw

from devices.signature.track import PenTrack

__all__ = ["RenderOptions", "render_png", "render_track"]


@dataclass(frozen=True)
class RenderOptions:
    """How to draw: size, margins, ink, and the pen width at no and at full pressure."""

    width_px: int | None = None     # fit the ink into this box (with height_px) ...
    height_px: int | None = None
    px_per_mm: float = 6.0           # ... or draw at this scale when the resolution is known
    margin_px: int = 10
    ink: tuple[int, int, int] = (0, 0, 110)
    background: tuple[int, int, int, int] | None = (255, 255, 255, 255)  # None: transparent
    min_width_px: float = 0.8
    max_width_px: float = 3.6
    supersample: int = 4
    whole_surface: bool = False      # the full tablet area instead of the ink's bounds


def _transform(track: PenTrack, options: RenderOptions):
    caps = track.capabilities
    if options.whole_surface:
        bounds = (caps.x.minimum, caps.y.minimum, caps.x.maximum, caps.y.maximum)
    else:
        bounds = track.ink_bounds() or (caps.x.minimum, caps.y.minimum,
                                        caps.x.minimum + 1, caps.y.minimum + 1)
    x0, y0, x1, y1 = bounds
    # Physical aspect: units per mm may differ between axes; without a resolution, square units.
    rx = caps.x.resolution or 1.0
    ry = caps.y.resolution or rx
    span_x, span_y = max(x1 - x0, 1) / rx, max(y1 - y0, 1) / ry
    margin = options.margin_px
    if options.width_px and options.height_px:
        scale = min((options.width_px - 2 * margin) / span_x,
                    (options.height_px - 2 * margin) / span_y)
        size = (options.width_px, options.height_px)
        off_x = (size[0] - span_x * scale) / 2
        off_y = (size[1] - span_y * scale) / 2
    else:
        scale = options.px_per_mm if caps.x.resolution else 600 / max(span_x, span_y)
        size = (round(span_x * scale) + 2 * margin, round(span_y * scale) + 2 * margin)
        off_x = off_y = margin

    def to_px(x: int, y: int) -> tuple[float, float]:
        return off_x + (x - x0) / rx * scale, off_y + (y - y0) / ry * scale

    return size, to_px


def render_track(track: PenTrack, options: RenderOptions = RenderOptions(), *,
                 upto: int | None = None) -> Image.Image:
    """The track's ink as an RGBA image; ``upto`` draws only the first samples (for replay)."""
    size, to_px = _transform(track, options)
    ss = max(1, options.supersample)
    background = options.background or (255, 255, 255, 0)
    canvas = Image.new("RGBA", (size[0] * ss, size[1] * ss), background)
    draw = ImageDraw.Draw(canvas)
    ink = (*options.ink, 255)
    span = options.max_width_px - options.min_width_px
    samples = track.samples if upto is None else track.samples[:upto]
    previous = None
    for sample in samples:
        if not sample.touching:
            previous = None
            continue
        px, py = to_px(sample.x, sample.y)
        point = (px * ss, py * ss)
        width = (options.min_width_px + span * sample.pressure_norm) * ss
        radius = width / 2
        if previous is not None:
            (qx, qy), q_width = previous
            segment_width = (width + q_width) / 2
            draw.line([(qx, qy), point], fill=ink, width=max(1, round(segment_width)))
        draw.ellipse([point[0] - radius, point[1] - radius, point[0] + radius,
                      point[1] + radius], fill=ink)
        previous = (point, width)
    if ss > 1:
        canvas = canvas.resize(size, Image.Resampling.LANCZOS)
    return canvas


def render_png(track: PenTrack, options: RenderOptions = RenderOptions()) -> bytes:
    """The rendered track as PNG bytes, identical for identical input."""
    out = io.BytesIO()
    image = render_track(track, options)
    if options.background is not None:
        image = image.convert("RGB")
    image.save(out, format="PNG", optimize=False, compress_level=9)
    return out.getvalue()
