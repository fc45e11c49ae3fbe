"""Events a pad publishes besides samples: unplug and reconnect, lost samples, skipped reports."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from devices.pen.sample import PenSample

__all__ = ["EventCallback", "PadEvent", "PadEventKind", "SampleCallback"]


class PadEventKind(StrEnum):
    """What happened; the value is stable and goes into capture logs."""

    STARTED = "started"
    STOPPED = "stopped"
    UNPLUGGED = "unplugged"
    RECONNECTED = "reconnected"
    SAMPLES_LOST = "samples_lost"      # the device's sequence number jumped
    REPORT_SKIPPED = "report_skipped"  # a report that could not be decoded, dropped
    END_OF_STREAM = "end_of_stream"    # a replay reached its end
    ERROR = "error"
    CLEARED = "cleared"
    PROMPT_SHOWN = "prompt_shown"


@dataclass(frozen=True)
class PadEvent:
    """One event, stamped with the host's monotonic clock; ``data`` is JSON-friendly."""

    kind: PadEventKind
    t_ns: int
    message: str
    reason: str | None = None
    data: Mapping[str, object] = field(default_factory=dict)


SampleCallback = Callable[[PenSample], None]
EventCallback = Callable[[PadEvent], None]
