"""Errors of the A/V recorder: each carries a machine-readable ``reason`` and what a UI needs."""

from __future__ import annotations

from pathlib import Path

from devices.errors import DeviceError

__all__ = ["RecorderError", "SegmentListError", "SourceUnavailable"]


class SourceUnavailable(DeviceError):
    """A camera or microphone cannot be opened (missing, busy, unreadable file, bad spec).

    ``reason`` is one of ``camera_missing``, ``camera_unreadable``, ``microphone_missing``,
    ``microphone_busy``, ``microphone_unreadable``, ``file_not_found``, ``bad_spec``,
    ``no_frame``; ``spec`` is what the user asked for.
    """

    def __init__(self, message: str, *, reason: str, spec: str = "", device: str | None = None) -> None:
        super().__init__(message, reason=reason, device=device)
        self.spec = spec


class RecorderError(DeviceError):
    """The recorder cannot do what was asked: ``already_started``, ``not_started``,
    ``output_exists``, ``output_unwritable``, ``encoder_missing``, ``write_failed``."""

    def __init__(self, message: str, *, reason: str, path: Path | None = None) -> None:
        super().__init__(message, reason=reason, device="recorder")
        self.path = path


class SegmentListError(DeviceError):
    """A segment-hash list that cannot be read: ``line`` is the 1-based line number."""

    def __init__(self, message: str, *, reason: str, path: Path | None = None,
                 line: int | None = None) -> None:
        super().__init__(message, reason=reason, device=None)
        self.path = path
        self.line = line
