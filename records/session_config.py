"""A station's configuration and what it hands over when a record closes (plain values)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from devices.av import RecordingSummary
from devices.pen import PadSpec
from records.session_media import MediaSources
from records.session_types import TurnRequest

__all__ = ["StationArtifacts", "StationConfig"]


@dataclass(frozen=True)
class StationConfig:
    """One station's devices and where it keeps its recordings."""

    station: str
    """The station's name: its capture log's source and its PKI entry (``terminal-1``)."""
    media_dir: Path
    font_path: Path
    pad: PadSpec = field(default_factory=PadSpec)
    pad_for: Callable[[TurnRequest], PadSpec] | None = None
    """Choose the pad per turn (a simulated pad's take per signatory, say); else ``pad``."""
    fingerprint: str = "simulated:r30x"
    fingerprint_baud: int = 57600
    fingerprint_settle_s: float = 1.0
    fingerprint_timeout_s: float = 30.0
    media: MediaSources | None = field(default_factory=MediaSources)
    """``None``: this station does not record (no photo either)."""


@dataclass(frozen=True)
class StationArtifacts:
    """What a station hands over when it closes a record."""

    station: str
    recording: RecordingSummary | None
    simulated: tuple[str, ...]
