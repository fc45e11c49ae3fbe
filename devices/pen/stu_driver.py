"""Wacom STU signature pads over HID: set-up, prompt on the LCD, pen data with time and sequence.

On open the driver reads Information (0x08) and Capability (0x09), switches pen data to
report 0x34 (``PenDataOptionMode`` 3: device time in ms and a sequence number) where the
model has it, and turns inking on. Each pen report becomes a ``PenSample``; a jump in the
sequence number is logged and published as a ``SAMPLES_LOST`` event with the count.

Before each command the pad's Status (0x03) is polled until it is in a state that accepts
the command, as the SDK's ``ProtocolHelper`` does; the wait is bounded (``DeviceTimeout``).
A replay that did not record a report is answered with ``feature_not_recorded``: the driver
then uses the model's known values and says so in the capabilities' ``notes``.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PIL import Image

from devices.clock import SessionClock
from devices.errors import DeviceError, DeviceTimeout, ProtocolError
from devices.pen import stu_protocol as stu
from devices.pen.events import EventCallback, PadEventKind, SampleCallback
from devices.pen.pump import Reopener, ReportPump
from devices.pen.sample import (
    AxisRange,
    PenButtons,
    PenCapabilities,
    PenProtocol,
    PenSample,
    WrapCounter,
)
from devices.pen.stu_image import (
    DEFAULT_HEADING,
    choose_encoding,
    encode_image,
    image_blocks,
    render_prompt,
)
from devices.transport.base import HidTransport, InputReport, TransportKind

__all__ = ["StuDriver", "assumed_capability"]

log = logging.getLogger(__name__)

NOT_RECORDED = "feature_not_recorded"
SEQUENCE_RESTART_THRESHOLD = 1000  # a jump this large is a restarted counter, not a loss


def assumed_capability(product_id: int | None) -> stu.StuCapability:
    """Values for a pad that did not say (a replay without feature data).

    Screen size comes from the model table; the tablet range 10800 x 6480 is the STU-530/540
    class as inferred from open drivers (not confirmed on a device), 1024 pressure levels and
    2540 lpi are Wacom's published figures.
    """
    model = stu.STU_MODELS.get(product_id or 0)
    width, height = model.screen if model else (800, 480)
    return stu.StuCapability(10800, 6480, 1023, width, height, 200, 2540,
                             stu.ENCODING_FLAG_1BIT | stu.ENCODING_FLAG_16BIT)


class StuDriver:
    """One STU pad: configure it, show prompts, and publish its pen data."""

    def __init__(self, transport: HidTransport, *, clock: SessionClock,
                 on_sample: SampleCallback, on_event: EventCallback,
                 reopen: Reopener | None = None, status_timeout_s: float = 2.0) -> None:
        self.transport = transport
        self.clock = clock
        self.on_sample = on_sample
        self.status_timeout_s = status_timeout_s
        self.notes: list[str] = []
        self.samples = 0
        self.lost = 0
        self.started = False
        self._time = WrapCounter(16)
        self._sequence = WrapCounter(16)
        self._last_sequence: int | None = None
        info = transport.info
        self.model = stu.STU_MODELS.get(info.product_id)
        self.information = self._information()
        self.capability = self._capability()
        self.option_mode = stu.PenDataOptionMode.NONE
        self.pump = ReportPump(transport, self._handle, clock=clock, on_event=on_event,
                               name=self.information.model_name, reopen=reopen,
                               on_reopened=self._reopened)
        self._configure()
        self.capabilities = self._capabilities()

    # -- set-up ---------------------------------------------------------------------------
    def _get(self, report_id: int, size: int) -> bytes | None:
        try:
            return self.transport.get_feature_report(report_id, size)
        except ProtocolError as exc:
            if exc.reason == NOT_RECORDED:
                return None
            raise

    def _information(self) -> stu.StuInformation:
        data = self._get(stu.ReportId.INFORMATION, stu.StuInformation.SIZE)
        if data is None:
            name = self.model.name if self.model else "STU"
            self.notes.append("information report not available: model from the USB ID")
            return stu.StuInformation(name, 0, 0, 0, b"")
        return stu.StuInformation.decode(data)

    def _capability(self) -> stu.StuCapability:
        data = self._get(stu.ReportId.CAPABILITY, stu.StuCapability.SIZE)
        if data is None:
            self.notes.append("capability report not available: tablet range 10800x6480, "
                              "pressure 0..1023, 2540 lpi assumed")
            return assumed_capability(self.transport.info.product_id)
        return stu.StuCapability.decode(data)

    def _configure(self) -> None:
        wants_sequence = self.model.time_count_sequence if self.model else True
        if wants_sequence:
            self.send(stu.pen_data_option_mode(stu.PenDataOptionMode.TIME_COUNT_SEQUENCE),
                      ready_states=None)
            self.option_mode = stu.PenDataOptionMode.TIME_COUNT_SEQUENCE
        self.send(stu.inking_mode(True), ready_states=None)
        self._time.reset()
        self._sequence.reset()
        self._last_sequence = None

    def _reopened(self, transport: HidTransport) -> None:
        self.transport = transport
        self._configure()  # a replugged pad has forgotten its mode

    def _capabilities(self) -> PenCapabilities:
        cap = self.capability
        per_mm = cap.units_per_mm
        timed = self.option_mode in (stu.PenDataOptionMode.TIME_COUNT,
                                     stu.PenDataOptionMode.TIME_COUNT_SEQUENCE)
        info = self.transport.info
        suffix = {TransportKind.REPLAY: " (replay)", TransportKind.EMULATOR: " (simulated)"}
        return PenCapabilities(
            name=f"Wacom {self.information.model_name}{suffix.get(info.kind, '')}",
            protocol=PenProtocol.WACOM_STU, vendor_id=info.vendor_id or stu.WACOM_VID,
            product_id=info.product_id or None,
            x=AxisRange(0, cap.max_x, per_mm), y=AxisRange(0, cap.max_y, per_mm),
            pressure=AxisRange(0, cap.max_pressure),
            report_rate_hz=float(cap.max_report_rate) or None,
            display_size=(cap.screen_width, cap.screen_height),
            device_time_unit_s=0.001 if timed else None,
            has_sequence=self.option_mode == stu.PenDataOptionMode.TIME_COUNT_SEQUENCE,
            simulated=info.simulated, notes=tuple(self.notes))

    # -- commands -------------------------------------------------------------------------
    def status(self) -> stu.StuStatus | None:
        data = self._get(stu.ReportId.STATUS, stu.StuStatus.SIZE)
        return None if data is None else stu.StuStatus.decode(data)

    def wait_status(self, allowed: set[int]) -> None:
        """Poll Status until the pad is in one of ``allowed`` states (bounded wait)."""
        deadline = time.monotonic() + self.status_timeout_s
        while True:
            status = self.status()
            if status is None or status.status in allowed:
                return
            if time.monotonic() > deadline:
                raise DeviceTimeout(
                    f"{self.information.model_name}: still in state 0x{status.status:02x} "
                    f"after {self.status_timeout_s:.1f} s", device=self.transport.info.path,
                    reason="status_timeout")
            time.sleep(0.005)

    def send(self, report: bytes, *, ready_states: set[int] | None = frozenset(
            {stu.StatusCode.READY})) -> None:
        """Send one feature report, first waiting for an acceptable state if asked."""
        if ready_states:
            self.wait_status(set(ready_states))
        self.transport.send_feature_report(report)

    def clear(self) -> None:
        """Clear the LCD (and the ink on it)."""
        self.send(stu.clear_screen())
        self.pump.emit(PadEventKind.CLEARED, f"{self.information.model_name}: screen cleared")

    def set_ink(self, rgb: tuple[int, int, int] = (0, 0, 128), thickness: int = 1) -> None:
        """Ink colour and thickness the pad draws with while the pen writes."""
        self.send(stu.handwriting_thickness_color24(rgb, thickness))

    def set_inking(self, on: bool) -> None:
        self.send(stu.inking_mode(on))

    def set_writing_area(self, box: tuple[int, int, int, int]) -> None:
        """Restrict ink to ``box`` (screen pixels, inclusive)."""
        self.send(stu.handwriting_display_area(*box))

    def upload_image(self, image: Image.Image, mode: stu.EncodingMode | None = None) -> int:
        """Show ``image`` (scaled to the screen) on the LCD; returns the blocks sent."""
        cap = self.capability
        size = (cap.screen_width, cap.screen_height)
        if image.size != size:
            image = image.resize(size, Image.Resampling.LANCZOS)
        colour = self.model.colour if self.model else cap.encoding_flag & 0x0C != 0
        mode = mode if mode is not None else choose_encoding(cap.encoding_flag,
                                                             colour_screen=colour)
        data = encode_image(image, mode)
        self.send(stu.start_image_data(mode))
        image_state = {stu.StatusCode.IMAGE}
        blocks = image_blocks(data)
        try:
            for block in blocks:
                self.send(stu.image_data_block(block), ready_states=image_state)
        except DeviceError:
            try:
                self.transport.send_feature_report(stu.end_image_data(commit=False))
            except DeviceError:
                pass
            raise
        self.send(stu.end_image_data(commit=True), ready_states=image_state)
        return len(blocks)

    def show_prompt(self, signer: str, font_path: Path | str, *, heading: str = DEFAULT_HEADING,
                    note: str | None = None) -> tuple[int, int, int, int]:
        """Draw who signs and a box, show it, and let ink appear only inside the box."""
        cap = self.capability
        prompt = render_prompt((cap.screen_width, cap.screen_height), signer, font_path,
                               heading=heading, note=note)
        blocks = self.upload_image(prompt.image)
        self.set_writing_area(prompt.box)
        self.set_inking(True)
        self.pump.emit(PadEventKind.PROMPT_SHOWN, f"prompt for {signer} shown",
                       box=list(prompt.box), blocks=blocks)
        return prompt.box

    # -- pen data -------------------------------------------------------------------------
    def _handle(self, report: InputReport) -> None:
        pen = stu.decode_pen_data(report.data, self.option_mode)
        sequence = None
        if pen.sequence is not None:
            self._check_sequence(pen.sequence)
            sequence = self._sequence.update(pen.sequence)
        device_time = None if pen.time_count is None else self._time.update(pen.time_count)
        caps = self.capabilities
        touching = pen.switch != 0
        self.samples += 1
        self.on_sample(PenSample(
            x=pen.x, y=pen.y, x_mm=caps.x.to_mm(pen.x), y_mm=caps.y.to_mm(pen.y),
            pressure=pen.pressure, pressure_norm=caps.pressure.normalise(pen.pressure),
            tilt_x=None, tilt_y=None, buttons=PenButtons.NONE,
            in_range=pen.ready or touching, touching=touching,
            device_time=device_time, sequence=sequence, t_ns=report.t_ns))

    def _check_sequence(self, raw: int) -> None:
        last, self._last_sequence = self._last_sequence, raw
        if last is None:
            return
        gap = (raw - last - 1) % 0x10000
        if gap == 0:
            return
        if gap >= 0x10000 - SEQUENCE_RESTART_THRESHOLD or gap > SEQUENCE_RESTART_THRESHOLD:
            log.warning("%s: sequence restarted (%d after %d)", self.information.model_name,
                        raw, last)
            self._sequence.reset()
            self.pump.emit(PadEventKind.ERROR, f"sequence restarted at {raw} after {last}",
                           "sequence_restarted", previous=last, sequence=raw)
            return
        self.lost += gap
        log.warning("%s: %d sample(s) lost between sequence %d and %d",
                    self.information.model_name, gap, last, raw)
        self.pump.emit(PadEventKind.SAMPLES_LOST, f"{gap} sample(s) lost before sequence "
                       f"{raw}", "sequence_gap", lost=gap, expected=(last + 1) % 0x10000,
                       got=raw, total_lost=self.lost)

    # -- life cycle -----------------------------------------------------------------------
    def start(self) -> None:
        if self.pump.running:
            return
        self.started = True
        self.pump.emit(PadEventKind.STARTED, f"{self.capabilities.name}: capture started")
        self.pump.start()

    def stop(self) -> None:
        self.pump.stop()
        if self.started:
            self.started = False
            self.pump.emit(PadEventKind.STOPPED, f"{self.capabilities.name}: capture stopped",
                           samples=self.samples, lost=self.lost, skipped=self.pump.skipped)

    def close(self) -> None:
        self.stop()
        self.pump.transport.close()
