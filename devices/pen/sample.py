"""What a pen tablet or signature pad produces: samples, and what the device can do.

A ``PenSample`` keeps the device's own units (for evidence) next to millimetres and a
normalised pressure (for display); ``PenCapabilities`` says how to read those units.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntFlag, StrEnum

__all__ = [
    "AxisRange",
    "PenButtons",
    "PenCapabilities",
    "PenProtocol",
    "PenSample",
    "WrapCounter",
]


class PenButtons(IntFlag):
    """Pen switches besides the tip; ``ERASER`` when the eraser end is the one in use."""

    NONE = 0
    BARREL = 0x01            # first side switch
    SECONDARY_BARREL = 0x02  # second side switch
    TERTIARY_BARREL = 0x04   # third side switch (Huion Kamvas reports it as Invert)
    ERASER = 0x08            # eraser end touching / eraser switch
    INVERT = 0x10            # eraser end in range


class PenProtocol(StrEnum):
    """Which decoder produced the samples."""

    HID_DIGITIZER = "hid-digitizer"    # generic usage page 0x0D, from the report descriptor
    WACOM_GRAPHIRE = "wacom-graphire"  # Wacom vendor report 2 (kernel wacom_graphire_irq)
    WACOM_STU = "wacom-stu"            # Wacom STU signature pads (reports 0x01 / 0x34)
    ISO_19794_7 = "iso-19794-7"        # read back from an ISO/IEC 19794-7 record


@dataclass(frozen=True, slots=True)
class AxisRange:
    """Logical range of one axis and its resolution (units per mm, or per degree for tilt)."""

    minimum: int
    maximum: int
    resolution: float | None = None

    @property
    def span(self) -> int:
        return self.maximum - self.minimum

    def to_mm(self, value: int) -> float | None:
        """Millimetres from the axis origin; ``None`` without a resolution."""
        return (value - self.minimum) / self.resolution if self.resolution else None

    def to_degrees(self, value: int) -> float | None:
        """Degrees of tilt (0 = upright); ``None`` without a resolution."""
        return value / self.resolution if self.resolution else None

    def normalise(self, value: int) -> float:
        """``value`` mapped onto 0..1 and clamped."""
        if self.span <= 0:
            return 0.0
        return min(1.0, max(0.0, (value - self.minimum) / self.span))


@dataclass(frozen=True, slots=True)
class PenSample:
    """One pen report, decoded.

    ``device_time`` and ``sequence`` are the device's own counters, unwrapped across their
    16-bit roll-over so they only grow; ``t_ns`` is the host's ``perf_counter_ns`` at the
    moment the report was read from the transport.
    """

    x: int
    y: int
    x_mm: float | None
    y_mm: float | None
    pressure: int
    pressure_norm: float
    tilt_x: int | None
    tilt_y: int | None
    buttons: PenButtons
    in_range: bool
    touching: bool
    device_time: int | None
    sequence: int | None
    t_ns: int


@dataclass(frozen=True)
class PenCapabilities:
    """What a pen device reports and how to interpret it."""

    name: str
    protocol: PenProtocol
    vendor_id: int | None
    product_id: int | None
    x: AxisRange
    y: AxisRange
    pressure: AxisRange
    tilt_x: AxisRange | None = None
    tilt_y: AxisRange | None = None
    report_rate_hz: float | None = None
    display_size: tuple[int, int] | None = None  # LCD width, height in pixels
    device_time_unit_s: float | None = None      # seconds per device_time tick
    has_sequence: bool = False
    simulated: bool = False
    notes: tuple[str, ...] = ()                   # what was assumed or distrusted, for the record

    @property
    def pressure_levels(self) -> int:
        return self.pressure.span + 1

    @property
    def has_display(self) -> bool:
        return self.display_size is not None

    @property
    def has_tilt(self) -> bool:
        return self.tilt_x is not None and self.tilt_y is not None

    @property
    def size_mm(self) -> tuple[float, float] | None:
        """Active area in millimetres, when the resolution is known."""
        if not self.x.resolution or not self.y.resolution:
            return None
        return self.x.span / self.x.resolution, self.y.span / self.y.resolution


class WrapCounter:
    """Unwraps an n-bit device counter (time or sequence) into an ever-growing integer."""

    def __init__(self, bits: int = 16) -> None:
        self.modulus = 1 << bits
        self.last_raw: int | None = None
        self.value = 0

    def reset(self) -> None:
        self.last_raw = None
        self.value = 0

    def update(self, raw: int) -> int:
        """Feed the next raw value; returns the unwrapped value."""
        if self.last_raw is None:
            self.value = raw
        else:
            self.value += (raw - self.last_raw) % self.modulus
        self.last_raw = raw
        return self.value
