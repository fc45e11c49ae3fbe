"""Physical resolution of a HID axis, as the kernel's ``hidinput_calc_abs_res`` computes it.

The kernel trusts only three units: centimetres (``0x11``) and inches (``0x13``) for lengths,
degrees (``0x14``) and radians (``0x12``) for angles. Anything else, an empty physical range
or an overflowing product means "resolution unknown" (0 in the kernel, ``None`` here).
Real descriptors lie (bogus inch-cubed units, physical ranges without units), so an unknown
resolution is normal and callers must cope with it.
"""

from __future__ import annotations

import math
from enum import Enum

from devices.pen.hid_descriptor import HidField

__all__ = ["AxisKind", "kernel_resolution", "resolution"]

UNIT_CM = 0x11
UNIT_RADIAN = 0x12
UNIT_INCH = 0x13
UNIT_DEGREE = 0x14


class AxisKind(Enum):
    """What an axis measures: a length (X, Y) or an angle (tilt)."""

    LENGTH = "length"
    ANGLE = "angle"


def resolution(hid_field: HidField, kind: AxisKind) -> float | None:
    """Units per millimetre (lengths) or per degree (angles); ``None`` when the kernel gives 0.

    Same unit rules and sanity checks as the kernel, but exact instead of rounded to an
    integer, so that 2540 lpi comes out as exactly 100 units per mm.
    """
    logical = hid_field.logical_max - hid_field.logical_min
    physical = hid_field.physical_max - hid_field.physical_min
    if logical <= 0 or physical <= 0:
        return None
    scale = 10.0 ** hid_field.unit_exponent
    if kind is AxisKind.LENGTH:
        if hid_field.unit == UNIT_CM:
            per_mm = 10.0
        elif hid_field.unit == UNIT_INCH:
            per_mm = 25.4
        else:
            return None
        return logical / (physical * scale * per_mm)
    if hid_field.unit == UNIT_DEGREE:
        return logical / (physical * scale)
    if hid_field.unit == UNIT_RADIAN:
        return logical / (physical * scale * 180.0 / math.pi)
    return None


def kernel_resolution(hid_field: HidField, kind: AxisKind) -> int:
    """The kernel's integer result: units per mm (lengths) or per radian (angles), 0 if unknown.

    Follows ``hidinput_calc_abs_res`` step by step (integer arithmetic, ``DIV_ROUND_CLOSEST``)
    so tests can hold our float resolution against what ``evtest`` would show.
    """
    logical = hid_field.logical_max - hid_field.logical_min
    physical = hid_field.physical_max - hid_field.physical_min
    if logical <= 0 or physical <= 0:
        return 0
    exponent = hid_field.unit_exponent
    if hid_field.unit == UNIT_CM and kind is AxisKind.LENGTH:
        exponent += 1
    elif hid_field.unit == UNIT_INCH and kind is AxisKind.LENGTH:
        physical *= 254
        exponent -= 1
    elif hid_field.unit == UNIT_DEGREE and kind is AxisKind.ANGLE:
        logical *= 573
        exponent += 1
    elif hid_field.unit == UNIT_RADIAN and kind is AxisKind.ANGLE:
        pass
    else:
        return 0
    limit = 1 << 31  # the kernel works in 32-bit signed integers and bails out on overflow
    while exponent < 0:
        logical *= 10
        exponent += 1
        if logical >= limit:
            return 0
    while exponent > 0:
        physical *= 10
        exponent -= 1
        if physical >= limit:
            return 0
    return (logical + physical // 2) // physical
