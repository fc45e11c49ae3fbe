"""What a window hears from a signing station, as plain values: the pad a turn writes on, a
choice to write on the screen instead, and the taps a window hands a
:class:`~app.ui.terminal.station.ScreenStation`.

Kept apart from the station itself so a window can be built (and shown) without importing
the signing stack, which loads only when the first station is made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.ui.widgets.ink_canvas import InkArea, InkPoint
from app.ui.widgets.pen_surface import SurfaceInput

if TYPE_CHECKING:
    from app.ui.terminal.os_pen import ScreenPad
    from devices.pen import Pad, PenSample

__all__ = ["PadOpened", "ScreenChoice", "ScreenFeed", "pen_points"]


@dataclass(frozen=True)
class PadOpened:
    """The pad a turn writes on, for the window to show and to map the ink."""

    name: str
    source: str             # ``usb-pad``, ``os-tablet`` or ``mouse``
    simulated: bool
    has_display: bool
    x_range: tuple[int, int]
    y_range: tuple[int, int]
    aspect: float           # height of one y unit against one x unit
    pressure_max: int

    @classmethod
    def of(cls, pad: Pad | ScreenPad) -> PadOpened:
        caps = pad.capabilities
        aspect = (caps.x.resolution / caps.y.resolution
                  if caps.x.resolution and caps.y.resolution else 1.0)
        from app.ui.terminal.os_pen import ScreenPad  # loaded with the first turn

        source = pad.source.value if isinstance(pad, ScreenPad) else "usb-pad"
        return cls(pad.info.name, source, pad.info.simulated, pad.has_display,
                   (caps.x.minimum, caps.x.maximum), (caps.y.minimum, caps.y.maximum),
                   aspect, caps.pressure.maximum)


@dataclass(frozen=True)
class ScreenChoice:
    """Write on the screen instead of a pad: which input, over which area, named how."""

    source: SurfaceInput
    area: InkArea
    device: str


@dataclass
class ScreenFeed:
    """A window's taps; each is called on the producing thread (pad reader, turn worker)."""

    pen: Callable[[PenSample], None] | None = None
    pad: Callable[[PadOpened], None] | None = None
    page: Callable[[int], None] | None = None
    """The page (1-based) the signatory has on screen now."""


def pen_points(samples: list[PenSample]) -> list[InkPoint]:
    """Station pen samples as canvas points."""
    return [InkPoint(s.x, s.y, s.pressure_norm, s.touching, s.t_ns, s.in_range)
            for s in samples]
