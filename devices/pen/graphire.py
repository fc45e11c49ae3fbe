"""Wacom's Graphire-protocol tablets: a vendor report the descriptor does not explain.

These tablets describe their pen report as seven opaque bytes on vendor page ``0xFF00``; the
Linux kernel decodes them by model (``wacom_wac.c``, ``wacom_graphire_irq``) and so do we:

* byte 0: report ID 2;
* byte 1: bit 7 in proximity, bits 5-6 tool (0 pen, 1 eraser, 2-3 mouse), bit 0 tip,
  bit 1 first side switch, bit 2 second side switch;
* bytes 2-3 / 4-5: X / Y, little-endian; byte 6 and the low 2 bits of byte 7: pressure.

Model data (size, pressure range, units per mm) is the kernel's ``wacom_features`` table.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.errors import ProtocolError
from devices.pen.sample import AxisRange, PenButtons, PenCapabilities, PenProtocol, PenSample

__all__ = ["GRAPHIRE_MODELS", "GraphireDecoder", "GraphireModel", "is_graphire"]

WACOM_VID = 0x056A
PEN_REPORT = 2
REPORT_SIZE = 8


@dataclass(frozen=True)
class GraphireModel:
    """One entry of the kernel's feature table."""

    name: str
    max_x: int
    max_y: int
    max_pressure: int
    units_per_mm: float


# wacom_features_0x60..0x64: WACOM_VOLITO_RES is 50 units per mm.
GRAPHIRE_MODELS = {
    0x0060: GraphireModel("Wacom Volito", 5104, 3712, 511, 50.0),
    0x0061: GraphireModel("Wacom PenStation2", 3250, 2320, 255, 50.0),
    0x0062: GraphireModel("Wacom Volito2 4x5", 5104, 3712, 511, 50.0),
    0x0063: GraphireModel("Wacom Volito2 2x3", 3248, 2320, 511, 50.0),
    0x0064: GraphireModel("Wacom PenPartner2", 3250, 2320, 511, 50.0),
}


def is_graphire(vendor_id: int | None, product_id: int | None) -> bool:
    """Whether this USB ID speaks the Graphire vendor protocol."""
    return vendor_id == WACOM_VID and product_id in GRAPHIRE_MODELS


class GraphireDecoder:
    """Decodes report 2 of Graphire-protocol tablets; other known reports yield nothing."""

    protocol = PenProtocol.WACOM_GRAPHIRE

    def __init__(self, product_id: int, *, known_report_ids: frozenset[int] = frozenset({1, 99}),
                 name: str | None = None, simulated: bool = False) -> None:
        model = GRAPHIRE_MODELS[product_id]
        self.known_report_ids = known_report_ids | {PEN_REPORT}
        self.capabilities = PenCapabilities(
            name=name or model.name, protocol=self.protocol, vendor_id=WACOM_VID,
            product_id=product_id,
            x=AxisRange(0, model.max_x, model.units_per_mm),
            y=AxisRange(0, model.max_y, model.units_per_mm),
            pressure=AxisRange(0, model.max_pressure),
            simulated=simulated,
            notes=("vendor report decoded per the kernel's wacom_graphire_irq",))
        self.oversized = 0

    def decode(self, report: bytes, t_ns: int) -> PenSample | None:
        """A sample from report 2; ``None`` for the idle/mouse reports and for mouse tools."""
        if not report:
            raise ProtocolError("empty report", reason="empty_report")
        if report[0] != PEN_REPORT:
            if report[0] in self.known_report_ids:
                return None
            raise ProtocolError(f"report ID {report[0]} is not a Graphire report",
                                reason="unknown_report_id")
        if len(report) < REPORT_SIZE:
            raise ProtocolError(f"Graphire report has {len(report)} bytes, expected "
                                f"{REPORT_SIZE}", reason="short_report")
        if len(report) > REPORT_SIZE:
            self.oversized += 1
        status = report[1]
        tool = (status >> 5) & 3
        if tool >= 2:
            return None  # the Graphire mouse, not a pen
        in_range = bool(status & 0x80)
        x = int.from_bytes(report[2:4], "little")
        y = int.from_bytes(report[4:6], "little")
        pressure = report[6] | (report[7] & 0x03) << 8
        touching = bool(status & 0x01)
        buttons = PenButtons.NONE
        if status & 0x02:
            buttons |= PenButtons.BARREL
        if status & 0x04:
            buttons |= PenButtons.SECONDARY_BARREL
        if tool == 1:
            buttons |= PenButtons.INVERT | (PenButtons.ERASER if touching else PenButtons.NONE)
        caps = self.capabilities
        return PenSample(
            x=x, y=y, x_mm=caps.x.to_mm(x), y_mm=caps.y.to_mm(y),
            pressure=pressure, pressure_norm=caps.pressure.normalise(pressure),
            tilt_x=None, tilt_y=None, buttons=buttons,
            in_range=in_range, touching=touching and in_range,
            device_time=None, sequence=None, t_ns=t_ns)
