"""Generic HID pen decoding: find the pen reports in a descriptor and turn them into samples.

A report is a pen report when it carries absolute X and Y plus something only a pen has
(tip pressure, tip switch or in-range), wherever the descriptor put it: a Digitizer/Pen
application as the spec says, a Mouse application (XP-Pen G430), or Wacom's vendor page
``0xFF0D`` that mirrors page ``0x0D`` usage for usage (Intuos Pro). Touch reports (Touch
Screen / Touch Pad applications, Finger collections) are left out on purpose.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cached_property

from devices.errors import ProtocolError
from devices.pen.hid_descriptor import FieldFlags, HidField, ReportDescriptor, ReportType
from devices.pen.hid_units import AxisKind, resolution
from devices.pen.sample import (
    AxisRange,
    PenButtons,
    PenCapabilities,
    PenProtocol,
    PenSample,
    WrapCounter,
)

__all__ = ["HidPenDecoder", "PenReportLayout", "PenRole", "find_pen_layouts", "role_of"]

PAGE_GENERIC_DESKTOP = 0x01
PAGE_BUTTON = 0x09
PAGE_DIGITIZER = 0x0D
PAGE_WACOM_DIGITIZER = 0xFF0D
TOUCH_APPLICATIONS = {0x000D0004, 0x000D0005}  # Touch Screen, Touch Pad
FINGER_COLLECTION = 0x000D0022
UNIT_SECONDS = 0x1001  # SI linear system, time exponent 1
PLAUSIBLE_MM = (10.0, 1500.0)  # active-area side lengths a pen device can have


class PenRole(Enum):
    """What a value in a pen report means."""

    X = "x"
    Y = "y"
    PRESSURE = "pressure"
    TIP = "tip"
    SECONDARY_TIP = "secondary_tip"
    BARREL = "barrel"
    SECONDARY_BARREL = "secondary_barrel"
    ERASER = "eraser"
    INVERT = "invert"
    IN_RANGE = "in_range"
    TILT_X = "tilt_x"
    TILT_Y = "tilt_y"
    SCAN_TIME = "scan_time"
    BUTTON_1 = "button_1"
    BUTTON_2 = "button_2"
    BUTTON_3 = "button_3"


_DIGITIZER_ROLES = {
    0x30: PenRole.PRESSURE, 0x42: PenRole.TIP, 0x43: PenRole.SECONDARY_TIP,
    0x44: PenRole.BARREL, 0x5A: PenRole.SECONDARY_BARREL, 0x45: PenRole.ERASER,
    0x3C: PenRole.INVERT, 0x32: PenRole.IN_RANGE, 0x3D: PenRole.TILT_X,
    0x3E: PenRole.TILT_Y, 0x56: PenRole.SCAN_TIME,
}
_BUTTON_ROLES = {1: PenRole.BUTTON_1, 2: PenRole.BUTTON_2, 3: PenRole.BUTTON_3}
_SWITCHES = {PenRole.TIP, PenRole.SECONDARY_TIP, PenRole.BARREL, PenRole.SECONDARY_BARREL,
             PenRole.ERASER, PenRole.INVERT, PenRole.IN_RANGE, PenRole.BUTTON_1,
             PenRole.BUTTON_2, PenRole.BUTTON_3}

# Devices whose pens misuse a usage (documented in hid-tools' kernel tests):
# Huion Kamvas Pro 19 reports its third barrel button as Invert.
_INVERT_IS_BUTTON = {(0x256C, 0x006B)}
# Devices whose descriptor understates the pressure range: the XP-Pen G430 declares 0..1023
# but its recorded stream (DIGImend dump) saturates at 2047.
_PRESSURE_MAX = {(0x28BD, 0x0075): 2047}


def role_of(usage: int) -> PenRole | None:
    """The pen role of a 32-bit usage, treating Wacom's 0xFF0D page as a mirror of 0x0D."""
    page, uid = usage >> 16, usage & 0xFFFF
    if page == PAGE_WACOM_DIGITIZER:
        if uid == 0x130:
            return PenRole.X
        if uid == 0x131:
            return PenRole.Y
        page = PAGE_DIGITIZER
    if page == PAGE_GENERIC_DESKTOP:
        return {0x30: PenRole.X, 0x31: PenRole.Y}.get(uid)
    if page == PAGE_DIGITIZER:
        return _DIGITIZER_ROLES.get(uid)
    if page == PAGE_BUTTON:
        return _BUTTON_ROLES.get(uid)
    return None


@dataclass(frozen=True, slots=True)
class FieldRef:
    """Where one role's value lives: a variable field and index, or membership in an array."""

    field: HidField
    index: int          # value index for variables; -1 for array membership
    usage: int

    def read(self, data: bytes) -> int:
        f = self.field
        if self.index >= 0:
            return f.extract(data, self.index)
        for i in range(f.count):  # array field: is our usage among the reported indices?
            value = f.extract(data, i) - f.logical_min
            if 0 <= value < len(f.usages) and f.usages[value] == self.usage:
                return 1
        return 0


@dataclass(frozen=True)
class PenReportLayout:
    """The roles of one pen input report."""

    report_id: int
    data_size: int
    roles: Mapping[PenRole, FieldRef]

    def has(self, role: PenRole) -> bool:
        return role in self.roles

    @cached_property
    def plan(self) -> tuple[tuple[PenRole, int, int, int], ...]:
        """(role, first bit, mask, sign bit or 0) of every variable value, for fast decoding."""
        out = []
        for role, ref in self.roles.items():
            if ref.index >= 0:
                f = ref.field
                sign = 1 << (f.bit_size - 1) if f.is_signed else 0
                out.append((role, f.bit_offset + ref.index * f.bit_size,
                            (1 << f.bit_size) - 1, sign))
        return tuple(out)

    @cached_property
    def arrays(self) -> tuple[tuple[PenRole, FieldRef], ...]:
        return tuple((role, ref) for role, ref in self.roles.items() if ref.index < 0)


def _in_touch(f: HidField) -> bool:
    return (f.application in TOUCH_APPLICATIONS
            or FINGER_COLLECTION in (f.physical, f.logical))


def find_pen_layouts(descriptor: ReportDescriptor) -> dict[int, PenReportLayout]:
    """Every input report that carries a pen, by report ID."""
    layouts: dict[int, PenReportLayout] = {}
    for report in descriptor.input_reports():
        roles: dict[PenRole, FieldRef] = {}
        for f in report.fields:
            if f.is_constant or _in_touch(f):
                continue
            if f.is_variable:
                for index in range(f.count):
                    role = role_of(f.usage_at(index))
                    if role is not None and role not in roles:
                        roles[role] = FieldRef(f, index, f.usage_at(index))
            else:
                for usage in f.usages:
                    role = role_of(usage)
                    if role in _SWITCHES and role not in roles:
                        roles[role] = FieldRef(f, -1, usage)
        x, y = roles.get(PenRole.X), roles.get(PenRole.Y)
        if x is None or y is None or x.index < 0 or y.index < 0:
            continue
        if (x.field.flags | y.field.flags) & FieldFlags.RELATIVE:
            continue  # a mouse, not a pen
        if not roles.keys() & {PenRole.PRESSURE, PenRole.TIP, PenRole.IN_RANGE}:
            continue
        layouts[report.report_id] = PenReportLayout(report.report_id, report.data_size, roles)
    return layouts


def _axis(ref: FieldRef | None, kind: AxisKind) -> AxisRange | None:
    if ref is None:
        return None
    f = ref.field
    return AxisRange(f.logical_min, f.logical_max, resolution(f, kind))


class HidPenDecoder:
    """Decodes the pen reports a descriptor describes into ``PenSample``s."""

    protocol = PenProtocol.HID_DIGITIZER

    def __init__(self, descriptor: ReportDescriptor, *, name: str = "HID pen",
                 vendor_id: int | None = None, product_id: int | None = None,
                 simulated: bool = False) -> None:
        self.descriptor = descriptor
        self.layouts = find_pen_layouts(descriptor)
        if not self.layouts:
            raise ProtocolError(
                f"{name}: the report descriptor describes no pen (no absolute X/Y with "
                "pressure, tip or in-range): a vendor format this decoder does not know",
                reason="no_pen_report", device=name)
        self.numbered = descriptor.numbered(ReportType.INPUT)
        self.invert_is_button = (vendor_id, product_id) in _INVERT_IS_BUTTON
        self.clock_counter = WrapCounter(16)
        # Capabilities come from the primary pen report: the one on the standard pages
        # (a vendor-page mirror such as Wacom One's report 31 comes second), then the richest.
        main = max(self.layouts.values(), key=lambda layout: (
            layout.roles[PenRole.X].usage >> 16 == PAGE_GENERIC_DESKTOP, len(layout.roles)))
        self.primary_report_id = main.report_id
        r = main.roles
        x, y = _axis(r[PenRole.X], AxisKind.LENGTH), _axis(r[PenRole.Y], AxisKind.LENGTH)
        assert x is not None and y is not None
        pressure = _axis(r.get(PenRole.PRESSURE), AxisKind.LENGTH)
        pressure = AxisRange(pressure.minimum, pressure.maximum) if pressure else AxisRange(0, 1)
        notes = []
        if (vendor_id, product_id) in _PRESSURE_MAX:
            declared = pressure.maximum
            pressure = AxisRange(pressure.minimum, _PRESSURE_MAX[(vendor_id, product_id)])
            notes.append(f"pressure maximum {pressure.maximum} measured on this model; "
                         f"its descriptor declares {declared}")
        # A Windows-style pen has Invert for the eraser end; without it, XP-Pen and others
        # send their second side button as the Eraser bit.
        self.eraser_is_button = PenRole.INVERT not in r and PenRole.ERASER in r
        if self.eraser_is_button:
            notes.append("Eraser usage without Invert: read as the second side button")
        for name, axis in (("X", x), ("Y", y)):
            if axis.resolution and not PLAUSIBLE_MM[0] <= axis.span / axis.resolution \
                    <= PLAUSIBLE_MM[1]:
                # The kernel would take it; a 3-metre tablet (Inkling) is a descriptor error.
                notes.append(f"{name} resolution {axis.resolution:g}/mm ignored: it makes the "
                             f"axis {axis.span / axis.resolution:.0f} mm long")
        if x.resolution and not PLAUSIBLE_MM[0] <= x.span / x.resolution <= PLAUSIBLE_MM[1] \
                or y.resolution and not PLAUSIBLE_MM[0] <= y.span / y.resolution \
                <= PLAUSIBLE_MM[1]:
            x = AxisRange(x.minimum, x.maximum)
            y = AxisRange(y.minimum, y.maximum)
        if x.resolution is None or y.resolution is None:
            f = r[PenRole.X].field
            notes.append(f"X/Y resolution unknown: unit 0x{f.unit:x}, exponent "
                         f"{f.unit_exponent}, physical {f.physical_min}..{f.physical_max}")
        if PenRole.PRESSURE not in r:
            notes.append("no pressure axis: pressure is the tip switch (0 or 1)")
        scan = r.get(PenRole.SCAN_TIME)
        time_unit = None
        if scan is not None:
            self.clock_counter = WrapCounter(scan.field.bit_size)
            if scan.field.unit == UNIT_SECONDS:
                time_unit = 10.0 ** scan.field.unit_exponent
        self.capabilities = PenCapabilities(
            name=name, protocol=self.protocol, vendor_id=vendor_id, product_id=product_id,
            x=x, y=y, pressure=pressure,
            tilt_x=_axis(r.get(PenRole.TILT_X), AxisKind.ANGLE),
            tilt_y=_axis(r.get(PenRole.TILT_Y), AxisKind.ANGLE),
            device_time_unit_s=time_unit, simulated=simulated, notes=tuple(notes))
        self.oversized = 0

    def decode(self, report: bytes, t_ns: int) -> PenSample | None:
        """A sample from one raw report (report-ID byte first when numbered).

        Returns ``None`` for reports the descriptor knows that carry no pen (mouse, keys);
        raises ``ProtocolError`` for unknown report IDs and reports shorter than described.
        Longer reports are decoded as the kernel does (extra bytes ignored) and counted.
        """
        if not report:
            raise ProtocolError("empty report", reason="empty_report")
        report_id = report[0] if self.numbered else 0
        data = report[1:] if self.numbered else report
        layout = self.layouts.get(report_id)
        if layout is None:
            if self.descriptor.report(ReportType.INPUT, report_id) is not None:
                return None
            raise ProtocolError(f"report ID {report_id} is not in the descriptor",
                                reason="unknown_report_id")
        if len(data) < layout.data_size:
            raise ProtocolError(
                f"report {report_id} has {len(data)} data bytes, the descriptor says "
                f"{layout.data_size}", reason="short_report")
        if len(data) > layout.data_size:
            self.oversized += 1
        return self._sample(layout, data, t_ns)

    def _sample(self, layout: PenReportLayout, data: bytes, t_ns: int) -> PenSample:
        caps = self.capabilities
        bits = int.from_bytes(data[:layout.data_size], "little")
        v: dict[PenRole, int] = {}
        for role, start, mask, sign in layout.plan:  # variables: one shift and mask each
            raw = (bits >> start) & mask
            v[role] = raw - (sign << 1) if sign and raw & sign else raw
        for role, ref in layout.arrays:
            v[role] = ref.read(data)
        get = v.get
        x, y = v[PenRole.X], v[PenRole.Y]
        tip, pressure, secondary_tip = get(PenRole.TIP), get(PenRole.PRESSURE), get(
            PenRole.SECONDARY_TIP)
        buttons = 0
        if get(PenRole.BARREL) or get(PenRole.BUTTON_2):
            buttons |= PenButtons.BARREL
        if get(PenRole.SECONDARY_BARREL) or get(PenRole.BUTTON_3):
            buttons |= PenButtons.SECONDARY_BARREL
        if tip is not None and secondary_tip:
            buttons |= PenButtons.SECONDARY_BARREL  # secondary tip beside a tip: a side button
        if get(PenRole.ERASER):
            buttons |= (PenButtons.SECONDARY_BARREL if self.eraser_is_button
                        else PenButtons.ERASER)
        if get(PenRole.INVERT):
            buttons |= PenButtons.TERTIARY_BARREL if self.invert_is_button else PenButtons.INVERT
        if tip is not None:
            touching = bool(tip) or bool(buttons & PenButtons.ERASER)
        elif secondary_tip is not None:
            touching = bool(secondary_tip)
        elif pressure is not None:
            touching = pressure > caps.pressure.minimum  # kernel: no tip switch, touch = pressure
        else:
            touching = bool(get(PenRole.BUTTON_1))
        if pressure is None:
            pressure = int(touching)
        in_range_value = get(PenRole.IN_RANGE)
        in_range = bool(in_range_value) if in_range_value is not None else True
        scan = get(PenRole.SCAN_TIME)
        return PenSample(
            x=x, y=y, x_mm=caps.x.to_mm(x), y_mm=caps.y.to_mm(y),
            pressure=pressure, pressure_norm=caps.pressure.normalise(pressure),
            tilt_x=get(PenRole.TILT_X), tilt_y=get(PenRole.TILT_Y),
            buttons=PenButtons(buttons), in_range=in_range or touching, touching=touching,
            device_time=None if scan is None else self.clock_counter.update(scan),
            sequence=None, t_ns=t_ns)
