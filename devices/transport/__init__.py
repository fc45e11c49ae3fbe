"""HID transports under the pen drivers: hidapi devices, recorded streams, and the recorder.

The same driver code runs on every one of them; see ``base.HidTransport``.
"""

from devices.transport.base import HidTransport, InputReport, TransportInfo, TransportKind
from devices.transport.hid_recording import HidRecording, RecordedReport, read_recording
from devices.transport.recorder import RecordingTransport
from devices.transport.replay import ReplayTransport, replay_file

__all__ = [
    "HidRecording",
    "HidTransport",
    "InputReport",
    "RecordedReport",
    "RecordingTransport",
    "ReplayTransport",
    "TransportInfo",
    "TransportKind",
    "read_recording",
    "replay_file",
]
