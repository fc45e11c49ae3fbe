"""One entry point for whoever needs a pad: ``open_pad(spec, clock, on_sample, on_event)``.

``PadSpec.pad`` chooses what to open: ``auto`` (the first attached pad, signature pads
first), ``simulated`` (an emulated STU-540 playing real recorded signatures), a hidraw path,
or a ``.hid`` recording to replay. ``PadSpec.mode`` (``auto`` / ``hardware`` / ``simulated``)
says whether falling back to the simulated pad is allowed. Whatever is opened, the same
drivers run, samples and events arrive through the two callbacks on the pad's reader thread,
and the ``DeviceInfo`` says plainly when the pad is simulated or a replay.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import ModuleType

from devices.clock import SessionClock
from devices.discovery import DeviceInfo, DeviceKind
from devices.errors import DeviceError
from devices.pen.discovery import libusb_backend, list_pads, simulated_pad_info
from devices.pen.events import EventCallback, SampleCallback
from devices.pen.sample import PenCapabilities, PenProtocol
from devices.pen.stu_driver import StuDriver
from devices.pen.stu_emulator import PenTransform, StuEmulator
from devices.pen.stu_log import load_stu_pen_log
from devices.pen.stu_protocol import is_stu
from devices.pen.tablet import TabletDriver
from devices.transport.base import HidTransport, TransportKind
from devices.transport.hid_recording import HidRecording
from devices.transport.hidapi_transport import HidapiTransport, enumerate_hid
from devices.transport.recorder import RecordingTransport
from devices.transport.replay import load_recording, replay_file

__all__ = ["Pad", "PadMode", "PadSpec", "is_stu_recording", "open_pad"]

log = logging.getLogger(__name__)

STU_PEN_REPORTS = {0x01, 0x30, 0x34}


class PadMode(StrEnum):
    AUTO = "auto"            # hardware when attached, else the simulated pad
    HARDWARE = "hardware"    # hardware only: an error when none is attached
    SIMULATED = "simulated"  # always the simulated pad


@dataclass(frozen=True)
class PadSpec:
    """What to open (the ``devices.pad`` / ``devices.mode`` settings, resolved by the caller)."""

    pad: str = "auto"
    mode: PadMode = PadMode.AUTO
    simulated_log: Path | None = None   # the STU pen log the simulated pad plays
    replay_speed: float | None = 1.0    # real time; None: as fast as possible
    variant: int = 0                    # which take, varied a little, for the simulated pad
    record_to: Path | None = None       # also write everything the pad sends to this .hid
    descriptor: bytes | None = None     # for a replay: use this report descriptor instead
    backend: ModuleType | None = field(default=None, compare=False)  # hidapi module (tests)
    libusb: ModuleType | None = field(default=None, compare=False)   # its libusb twin (tests)


def is_stu_recording(recording: HidRecording) -> bool:
    """A recording of an STU pad: its USB ID, or descriptor-less STU pen reports."""
    if is_stu(recording.vendor_id, recording.product_id):
        return True
    return (recording.descriptor is None and bool(recording.reports)
            and all(r.data[:1] and r.data[0] in STU_PEN_REPORTS for r in recording.reports))


class Pad:
    """An open pad: start/stop capture, clear, show a prompt (on pads with a screen)."""

    def __init__(self, info: DeviceInfo, driver: TabletDriver | StuDriver) -> None:
        self.info = info
        self.driver = driver

    @property
    def capabilities(self) -> PenCapabilities:
        return self.driver.capabilities

    @property
    def has_display(self) -> bool:
        return isinstance(self.driver, StuDriver)

    def start(self) -> None:
        """Start capturing; samples and events arrive on the pad's reader thread."""
        self.driver.start()

    def stop(self) -> None:
        """Stop capturing; returns once the reader thread has ended."""
        self.driver.stop()

    def close(self) -> None:
        """Stop and release the device (and finish a recording)."""
        self.driver.close()

    def clear(self) -> None:
        """Clear the pad's screen; nothing to do on a tablet without one."""
        if isinstance(self.driver, StuDriver):
            self.driver.clear()

    def show_prompt(self, signer: str, font_path: Path | str, **text: str) -> bool:
        """Show who signs and the signing box; False when the pad has no screen."""
        if not isinstance(self.driver, StuDriver):
            return False
        self.driver.show_prompt(signer, font_path, **text)
        return True

    def measured_report_rate_hz(self) -> float | None:
        """Reports per second seen so far (median interval); None before enough reports."""
        return self.driver.pump.measured_rate_hz()

    def wait_finished(self, timeout_s: float | None = None) -> bool:
        """Wait for a replay to reach its end (or the reader to stop for any reason)."""
        return self.driver.pump.finished.wait(timeout_s)

    def __enter__(self) -> Pad:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _driver(transport: HidTransport, stu: bool, clock: SessionClock, on_sample: SampleCallback,
            on_event: EventCallback, reopen: Callable[[], HidTransport] | None = None,
            ) -> TabletDriver | StuDriver:
    try:
        if stu:
            return StuDriver(transport, clock=clock, on_sample=on_sample, on_event=on_event,
                             reopen=reopen)
        return TabletDriver(transport, clock=clock, on_sample=on_sample, on_event=on_event,
                            reopen=reopen)
    except BaseException:
        transport.close()
        raise


def _maybe_record(transport: HidTransport, spec: PadSpec, clock: SessionClock) -> HidTransport:
    if spec.record_to is None:
        return transport
    return RecordingTransport(transport, spec.record_to, clock=clock)


def _open_replay(spec: PadSpec, clock: SessionClock, on_sample: SampleCallback,
                 on_event: EventCallback) -> Pad:
    path = Path(spec.pad)
    recording = load_recording(path, descriptor=spec.descriptor)
    transport = replay_file(path, clock=clock, speed=spec.replay_speed, recording=recording)
    stu = is_stu_recording(recording)
    driver = _driver(_maybe_record(transport, spec, clock), stu, clock, on_sample, on_event)
    info = DeviceInfo(
        kind=DeviceKind.PAD, name=f"{recording.name or path.name} (replay of {path.name})",
        path=str(path), simulated=True, vendor_id=recording.vendor_id,
        product_id=recording.product_id,
        details={"protocol": driver.capabilities.protocol.value, "source": "replay",
                 "reports": len(recording.reports)})
    return Pad(info, driver)


def _open_simulated(spec: PadSpec, clock: SessionClock, on_sample: SampleCallback,
                    on_event: EventCallback) -> Pad:
    if spec.simulated_log is None:
        raise DeviceError("the simulated pad needs its recorded pen log (resources/devices)",
                          reason="no_simulation_data")
    takes = load_stu_pen_log(spec.simulated_log)
    take = takes[spec.variant % len(takes)]
    transform = PenTransform.variant(spec.variant)
    emulator = StuEmulator([take], transform=transform)
    transport = emulator.transport(clock=clock, speed=spec.replay_speed, hold_open=True)
    driver = _driver(_maybe_record(transport, spec, clock), True, clock, on_sample, on_event)
    base = simulated_pad_info(spec.simulated_log)
    info = DeviceInfo(kind=base.kind, name=base.name, path=base.path, simulated=True,
                      vendor_id=base.vendor_id, product_id=base.product_id,
                      details={**base.details, "take": take.number,
                               "transform": vars(transform).copy()})
    return Pad(info, driver)


Backend = tuple[ModuleType | None, TransportKind | None]


def _backend_for(entry: DeviceInfo, spec: PadSpec) -> Backend:
    if entry.details.get("backend") == "libusb":
        return spec.libusb or libusb_backend(), TransportKind.LIBUSB
    return spec.backend, None


def _reopener(entry: DeviceInfo, clock: SessionClock, backend: ModuleType | None,
              kind: TransportKind | None) -> Callable[[], HidTransport]:
    """Find the same pad again after a replug (its hidraw node may have a new number)."""
    serial = entry.details.get("serial") or ""
    usage_page = entry.details.get("usage_page")

    def reopen() -> HidTransport:
        for candidate in enumerate_hid(backend, entry.vendor_id or 0, entry.product_id or 0):
            if serial and candidate.get("serial_number") != serial:
                continue
            if usage_page is not None and candidate.get("usage_page") != usage_page:
                continue
            return HidapiTransport.open(candidate["path"], clock=clock, backend=backend,
                                        kind=kind, entry=candidate)
        raise DeviceError(f"{entry.name} is not attached", reason="no_pad")

    return reopen


def _open_hardware(entry: DeviceInfo, spec: PadSpec, clock: SessionClock,
                   on_sample: SampleCallback, on_event: EventCallback) -> Pad:
    backend, kind = _backend_for(entry, spec)
    raw = next((e for e in enumerate_hid(backend)
                if (e.get("path").decode(errors="replace") if isinstance(e.get("path"), bytes)
                    else e.get("path")) == entry.path), None)
    transport = HidapiTransport.open(entry.path, clock=clock, backend=backend, kind=kind,
                                     entry=raw)
    stu = entry.details.get("protocol") == PenProtocol.WACOM_STU.value
    driver = _driver(_maybe_record(transport, spec, clock), stu, clock, on_sample, on_event,
                     reopen=_reopener(entry, clock, backend, kind))
    return Pad(entry, driver)


def open_pad(spec: PadSpec, clock: SessionClock, on_sample: SampleCallback,
             on_event: EventCallback) -> Pad:
    """Open the pad ``spec`` names; ``DeviceError`` (reason ``no_pad``, ...) when it cannot."""
    mode = PadMode(spec.mode)
    target = spec.pad.strip() or "auto"
    if target.endswith(".hid") or (Path(target).is_file() and not target.startswith("/dev/")):
        return _open_replay(spec, clock, on_sample, on_event)
    if mode is PadMode.SIMULATED or target == "simulated":
        if mode is PadMode.HARDWARE:
            raise DeviceError("devices.mode is 'hardware' but the simulated pad was asked for",
                              reason="simulation_not_allowed")
        return _open_simulated(spec, clock, on_sample, on_event)
    try:
        attached = list_pads(backend=spec.backend, libusb=spec.libusb)
    except DeviceError:
        if target != "auto" or mode is PadMode.HARDWARE:
            raise
        attached = []
    if target != "auto":
        chosen = next((p for p in attached if p.path == target), None)
        if chosen is None:
            raise DeviceError(f"no pad at {target}", reason="no_pad", device=target)
        return _open_hardware(chosen, spec, clock, on_sample, on_event)
    if attached:
        return _open_hardware(attached[0], spec, clock, on_sample, on_event)
    if mode is PadMode.HARDWARE:
        raise DeviceError("no signature pad or pen tablet is attached", reason="no_pad")
    log.info("no pad attached: using the simulated pad")
    return _open_simulated(spec, clock, on_sample, on_event)
