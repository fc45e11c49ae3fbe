"""Pen tablets and signature pads: samples, capabilities, decoders and drivers.

Entry point for the rest of Inkseal: ``open_pad(PadSpec(...), clock, on_sample, on_event)``
returns a ``Pad`` with ``start/stop/clear/show_prompt/close``; samples are ``PenSample``s and
events ``PadEvent``s, both delivered on the pad's own reader thread.
"""

from devices.pen.events import PadEvent, PadEventKind
from devices.pen.pad import Pad, PadMode, PadSpec, open_pad
from devices.pen.sample import AxisRange, PenButtons, PenCapabilities, PenProtocol, PenSample

__all__ = [
    "AxisRange",
    "Pad",
    "PadEvent",
    "PadEventKind",
    "PadMode",
    "PadSpec",
    "PenButtons",
    "PenCapabilities",
    "PenProtocol",
    "PenSample",
    "open_pad",
]
