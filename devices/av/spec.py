"""What the user named as a camera or microphone: a device, a file, a URL, or the synthetic source.

``SourceSpec.parse`` only classifies the text (and checks that a named file exists); opening it
is the job of ``camera.open_camera`` / ``microphone.open_microphone``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from devices.av.errors import SourceUnavailable

__all__ = ["SourceSpec", "SpecKind"]

_SYNTHETIC = {"synthetic", "simulated", "sim", "test"}
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_MEDIA_SUFFIXES = {".mp4", ".mkv", ".mov", ".avi", ".webm", ".ts", ".nut", ".wav", ".flac",
                   ".mp3", ".ogg", ".opus", ".m4a", ".aac", ".y4m", ".mjpeg", ".png", ".jpg"}


class SpecKind(StrEnum):
    AUTO = "auto"            # hardware when found, else synthetic
    SYNTHETIC = "synthetic"
    INDEX = "index"          # camera index / PortAudio device index
    NAME = "name"            # device name (or a substring of it)
    DEVICE_PATH = "device"   # /dev/video0
    FILE = "file"
    URL = "url"              # rtsp://, http://, tcp:// ...


@dataclass(frozen=True)
class SourceSpec:
    """A parsed source name: ``kind`` and the ``value`` to open it with."""

    kind: SpecKind
    value: str
    text: str

    @property
    def index(self) -> int:
        return int(self.value)

    @classmethod
    def parse(cls, text: str | int | Path) -> SourceSpec:
        """Classify ``text``; raises ``SourceUnavailable`` for an empty spec or a missing file."""
        raw = str(text).strip()
        if not raw:
            raise SourceUnavailable("empty source name / 源名称为空", reason="bad_spec", spec=raw)
        low = raw.lower()
        if low == "auto":
            return cls(SpecKind.AUTO, "", raw)
        if low in _SYNTHETIC:
            return cls(SpecKind.SYNTHETIC, "", raw)
        if re.fullmatch(r"\d+", raw):
            return cls(SpecKind.INDEX, raw, raw)
        if _URL.match(raw) and not low.startswith("file://"):
            return cls(SpecKind.URL, raw, raw)
        path = Path(raw[7:] if low.startswith("file://") else raw).expanduser()
        if raw.startswith("/dev/"):
            return cls(SpecKind.DEVICE_PATH, str(path), raw)
        if path.is_file():
            return cls(SpecKind.FILE, str(path), raw)
        if "/" in raw or "\\" in raw or path.suffix.lower() in _MEDIA_SUFFIXES:
            raise SourceUnavailable(f"no such file: {path} / 文件不存在: {path}",
                                    reason="file_not_found", spec=raw)
        return cls(SpecKind.NAME, raw, raw)
