"""Pen tablets without a display: the generic HID digitizer and vendor-format tablets.

The driver picks a decoder for the device (Graphire vendor protocol by USB ID, otherwise the
generic decoder built from the report descriptor), runs a ``ReportPump`` and publishes every
pen sample through ``on_sample``. It never writes to the device.
"""

from __future__ import annotations

from typing import Protocol

from devices.clock import SessionClock
from devices.errors import ProtocolError
from devices.pen.events import EventCallback, PadEventKind, SampleCallback
from devices.pen.graphire import GraphireDecoder, is_graphire
from devices.pen.hid_descriptor import ReportType, parse_report_descriptor
from devices.pen.hid_pen import HidPenDecoder
from devices.pen.pump import Reopener, ReportPump
from devices.pen.sample import PenCapabilities, PenSample
from devices.transport.base import HidTransport, InputReport

__all__ = ["PenDecoder", "TabletDriver", "decoder_for"]


class PenDecoder(Protocol):
    """Turns one raw input report into a sample (or ``None`` for non-pen reports)."""

    capabilities: PenCapabilities

    def decode(self, report: bytes, t_ns: int) -> PenSample | None: ...


def decoder_for(transport: HidTransport) -> PenDecoder:
    """The decoder for the device behind ``transport``; ``ProtocolError`` if none fits."""
    info = transport.info
    descriptor = transport.report_descriptor()
    if is_graphire(info.vendor_id, info.product_id):
        known = frozenset({1, 99})
        if descriptor:
            parsed = parse_report_descriptor(descriptor)
            known = frozenset(rid for (rtype, rid) in parsed.reports if rtype == ReportType.INPUT)
        return GraphireDecoder(info.product_id, known_report_ids=known,
                               simulated=info.simulated)
    if not descriptor:
        raise ProtocolError(f"{info.path}: no report descriptor, cannot decode a generic pen",
                            reason="no_descriptor", device=info.path)
    return HidPenDecoder(parse_report_descriptor(descriptor), name=info.name,
                         vendor_id=info.vendor_id, product_id=info.product_id,
                         simulated=info.simulated)


class TabletDriver:
    """A pen tablet read on its own thread; samples and events go to the callbacks."""

    def __init__(self, transport: HidTransport, *, clock: SessionClock,
                 on_sample: SampleCallback, on_event: EventCallback,
                 decoder: PenDecoder | None = None, reopen: Reopener | None = None) -> None:
        self.transport = transport
        self.clock = clock
        self.on_sample = on_sample
        self.decoder = decoder or decoder_for(transport)
        self.capabilities = self.decoder.capabilities
        self.samples = 0
        self.started = False
        self.pump = ReportPump(transport, self._handle, clock=clock, on_event=on_event,
                               name=transport.info.name, reopen=reopen,
                               on_reopened=self._reopened)

    def _handle(self, report: InputReport) -> None:
        sample = self.decoder.decode(report.data, report.t_ns)
        if sample is not None:
            self.samples += 1
            self.on_sample(sample)

    def _reopened(self, transport: HidTransport) -> None:
        self.transport = transport

    def start(self) -> None:
        """Start reading; samples arrive on the reader thread."""
        if self.pump.running:
            return
        self.started = True
        self.pump.emit(PadEventKind.STARTED, f"{self.capabilities.name}: capture started")
        self.pump.start()

    def stop(self) -> None:
        """Stop reading and wait for the reader thread to end."""
        self.pump.stop()
        if self.started:
            self.started = False
            self.pump.emit(PadEventKind.STOPPED, f"{self.capabilities.name}: capture stopped",
                           samples=self.samples, skipped=self.pump.skipped)

    def close(self) -> None:
        """Stop, then release the device."""
        self.stop()
        self.pump.transport.close()
