"""The device side of a station's turn: opening the pad (and saying in the log what it is),
one fingerprint press, and making device data fit the capture log.

Failures are :class:`~devices.errors.DeviceError`; the station turns them into its own
errors after logging them.  Simulated devices are named as such in every entry.  The log
travels in clear, so what it says of a device is its name, kind and ranges, never a file of
the machine (a replayed pen log is named by its file name) and never pen data (an undecodable
report is logged by length and commitment, see :meth:`~records.session_pen.PenCapture.seal_report`).
"""

from __future__ import annotations

import ntpath
import posixpath
import threading
from collections.abc import Callable, Mapping
from typing import Any

from devices.clock import SessionClock
from devices.errors import DeviceError
from devices.fingerprint import CaptureProgress, FingerprintCapture, open_fingerprint_reader
from devices.pen import Pad, PadEvent, PenSample, open_pad
from records.session_config import StationConfig
from records.session_types import TurnRequest

__all__ = ["log_safe", "open_turn_pad", "pad_entry", "pad_event_entry", "press_fingerprint",
           "without_local_paths"]

LogWriter = Callable[[str, Mapping[str, Any]], None]
ReportSealer = Callable[[bytes], Mapping[str, Any]]
_DEVICE_NODES = ("/dev/", "\\\\.\\", "\\\\?\\")  # device paths name a port, not a file


def log_safe(value: Any) -> Any:
    """JSON-safe for the log: floats as text (the log's canonical JSON has no floats),
    tuples as lists, keys as text."""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Mapping):
        return {str(k): log_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [log_safe(v) for v in value]
    return value


def without_local_paths(value: Any) -> Any:
    """``value`` with every absolute file path reduced to its file name (device nodes such
    as ``/dev/hidraw0`` are kept: they say which port, not what is on the disk)."""
    if isinstance(value, str):
        if value.startswith(_DEVICE_NODES):
            return value
        if posixpath.isabs(value):
            return posixpath.basename(value)
        if ntpath.isabs(value) and ntpath.splitdrive(value)[0]:
            return ntpath.basename(value)
        return value
    if isinstance(value, Mapping):
        return {k: without_local_paths(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [without_local_paths(v) for v in value]
    return value


def pad_entry(field: str, pad: Pad) -> dict[str, Any]:
    """The ``device.pad`` entry of an opened pad: name, kind, ranges, simulated or not."""
    caps = pad.capabilities
    return {"field": field, "name": pad.info.name, "path": without_local_paths(pad.info.path),
            "simulated": pad.info.simulated, "protocol": caps.protocol.value,
            "x": [caps.x.minimum, caps.x.maximum], "y": [caps.y.minimum, caps.y.maximum],
            "pressure": [caps.pressure.minimum, caps.pressure.maximum],
            "details": without_local_paths(dict(pad.info.details))}


def pad_event_entry(event: PadEvent, field: str,
                    seal_report: ReportSealer | None = None) -> dict[str, Any]:
    """A pad event (unplug, lost samples, prompt shown...) as a ``pen.event`` entry.  The raw
    bytes of an undecodable report are pen data: ``seal_report`` puts them in the turn's
    encrypted opening and the entry keeps their length and commitment."""
    data = dict(event.data)
    raw = data.get("report")
    if isinstance(raw, str):
        try:
            report = bytes.fromhex(raw)
        except ValueError:
            report = raw.encode("utf-8", "replace")
        data["report"] = dict(seal_report(report)) if seal_report is not None else \
            {"length": len(report)}
    return {"field": field, "kind": event.kind.value, "reason": event.reason,
            "message": event.message, "data": data}


def open_turn_pad(config: StationConfig, request: TurnRequest, clock: SessionClock,
                  on_sample: Callable[[PenSample], None], on_event: Callable[[PadEvent], None],
                  write: LogWriter) -> Pad:
    """Open the turn's pad, log it (``device.pad``), show the prompt (``pen.prompt``)."""
    field = request.field_name
    spec = config.pad_for(request) if config.pad_for else config.pad
    try:
        pad = open_pad(spec, clock, on_sample, on_event)
    except DeviceError as exc:
        write("pen.event", {"field": field, "kind": "open_failed", "reason": exc.reason,
                            "message": str(exc)})
        raise
    write("device.pad", pad_entry(field, pad))
    zh, en = request.prompt
    try:
        shown = pad.show_prompt(f"{request.label_zh} {request.signatory_name}", config.font_path,
                                heading=f"{zh} / {en}"[:80])
    except (DeviceError, OSError) as exc:
        shown = False
        write("pen.event", {"field": field, "kind": "prompt_failed", "message": str(exc)})
    write("pen.prompt", {"field": field, "shown": shown})
    return pad


def press_fingerprint(config: StationConfig, clock: SessionClock,
                      cancel: threading.Event | None,
                      on_progress: Callable[[CaptureProgress], None]) -> FingerprintCapture:
    """Open the reader, take one press, close the reader (and its simulator)."""
    reader = open_fingerprint_reader(config.fingerprint, baud=config.fingerprint_baud,
                                     clock=clock)
    try:
        return reader.capture(timeout_s=config.fingerprint_timeout_s,
                              settle_s=config.fingerprint_settle_s, cancel=cancel,
                              on_progress=on_progress)
    finally:
        reader.close()
