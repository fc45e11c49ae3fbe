"""The device side of a station's turn: opening the pad (and saying in the log what it is),
one fingerprint press, and making device data fit the capture log.

Failures are :class:`~devices.errors.DeviceError`; the station turns them into its own
errors after logging them.  Simulated devices are named as such in every entry.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from devices.clock import SessionClock
from devices.errors import DeviceError
from devices.fingerprint import CaptureProgress, FingerprintCapture, open_fingerprint_reader
from devices.pen import Pad, PadEvent, PenSample, open_pad
from records.session_config import StationConfig
from records.session_types import TurnRequest

__all__ = ["log_safe", "open_turn_pad", "pad_event_entry", "press_fingerprint"]

LogWriter = Callable[[str, Mapping[str, Any]], None]


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


def pad_event_entry(event: PadEvent, field: str) -> dict[str, Any]:
    """A pad event (unplug, lost samples, prompt shown...) as a ``pen.event`` entry."""
    return {"field": field, "kind": event.kind.value, "reason": event.reason,
            "message": event.message, "data": dict(event.data)}


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
    caps = pad.capabilities
    write("device.pad", {"field": field, "name": pad.info.name, "path": pad.info.path,
                         "simulated": pad.info.simulated, "protocol": caps.protocol.value,
                         "x": [caps.x.minimum, caps.x.maximum],
                         "y": [caps.y.minimum, caps.y.maximum],
                         "pressure": [caps.pressure.minimum, caps.pressure.maximum],
                         "details": dict(pad.info.details)})
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
