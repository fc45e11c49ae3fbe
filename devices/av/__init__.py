"""Synchronised, crash-safe A/V recording of a signing: camera + microphone -> one Matroska file.

Audio is the master clock; video frames are placed on it through the measured microphone
drift. The file is written append-only and hashed segment by segment (whole clusters) as it is
written; the hashes go to a callback and to a list beside the file (``NAME.segments``), which
``check_recording`` verifies. Synthetic sources stand in for missing hardware and say so
everywhere. No Qt here: events are plain callbacks.

Only what other layers use is exported here; the modules hold the rest.
"""

from __future__ import annotations

from devices.av.discovery import list_cameras, list_microphones
from devices.av.errors import RecorderError, SegmentListError, SourceUnavailable
from devices.av.events import (
    DropReason,
    FramesDropped,
    Gap,
    GapFilled,
    GapReason,
    RecorderEvent,
    RecordingStarted,
    RecordingStopped,
    RecordingSummary,
    Segment,
    SourceEnded,
    SourceInfo,
    SourceLost,
    SourceReturned,
    SourceRole,
    StopReason,
    StreamKind,
)
from devices.av.integrity import (
    Mismatch,
    MismatchKind,
    RecordingCheck,
    check_recording,
    check_segments,
)
from devices.av.media import Photo, PhotoFormat, PreviewFrame
from devices.av.muxer import EncoderSettings
from devices.av.recorder import Recorder, RecorderSettings, RecorderState, RecorderStats
from devices.av.segment_list import (
    MediaTimeMap,
    SegmentList,
    list_path_for,
    listing_from_segments,
    parse_segment_list,
)
from devices.av.spec import SourceSpec, SpecKind

__all__ = [
    "DropReason", "EncoderSettings", "FramesDropped", "Gap", "GapFilled", "GapReason",
    "MediaTimeMap", "Mismatch", "MismatchKind", "Photo", "PhotoFormat", "PreviewFrame", "Recorder",
    "RecorderError", "RecorderEvent", "RecorderSettings", "RecorderState", "RecorderStats",
    "RecordingCheck", "RecordingStarted", "RecordingStopped", "RecordingSummary", "Segment",
    "SegmentList", "SegmentListError", "SourceEnded", "SourceInfo", "SourceLost",
    "SourceReturned", "SourceRole", "SourceSpec", "SourceUnavailable", "SpecKind", "StopReason",
    "StreamKind", "check_recording", "check_segments", "list_cameras", "list_microphones",
    "list_path_for", "listing_from_segments", "parse_segment_list",
]
