"""A station's configuration (from the ``devices.*`` settings) and what it hands over when a
record closes (plain values)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from devices.av import RecorderSettings, RecordingSummary
from devices.fingerprint import SIMULATED_PATH, list_fingerprint_readers
from devices.pen import PadMode, PadSpec
from records.session_media import MediaSources
from records.session_types import StationError, TurnRequest

__all__ = ["StationArtifacts", "StationConfig", "station_config"]


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


def station_config(station: str, *, media_dir: Path, font_path: Path, mode: str = "auto",
                   pad: str = "auto", fingerprint: str = "auto", fingerprint_baud: int = 57600,
                   camera: str = "auto", microphone: str = "auto",
                   video_size: tuple[int, int] = (1280, 720), video_fps: float = 30.0,
                   simulated_pad_log: Path | None = None) -> StationConfig:
    """A station's configuration from the ``devices.*`` settings, which ``app`` resolves and
    passes in: ``mode`` ``simulated`` uses the simulated pad, reader, camera and microphone;
    ``hardware`` allows no simulation (a missing device is an error when it is opened);
    ``auto`` uses hardware where found and the simulated device where not.  A fingerprint
    reader of ``auto`` is looked for on the serial ports now."""
    pad_mode = PadMode(mode)
    reader = fingerprint
    if pad_mode is PadMode.SIMULATED:
        reader = SIMULATED_PATH
    elif fingerprint == "auto":
        found = list_fingerprint_readers(include_simulated=pad_mode is PadMode.AUTO,
                                         bauds=(fingerprint_baud,))
        usable = [r for r in found if r.details.get("password_ok", True)]
        if not usable:
            raise StationError(reason="no_fingerprint_reader", step="configure",
                               zh="没有找到指纹仪（devices.mode 为 hardware）",
                               en="no fingerprint reader found (devices.mode is hardware)")
        reader = usable[0].path
    simulated = pad_mode is PadMode.SIMULATED
    media = MediaSources("synthetic" if simulated else camera,
                         "synthetic" if simulated else microphone,
                         RecorderSettings(size=video_size, fps=video_fps,
                                          allow_simulated=pad_mode is not PadMode.HARDWARE))
    return StationConfig(station=station, media_dir=media_dir, font_path=font_path,
                         pad=PadSpec(pad="simulated" if simulated else pad, mode=pad_mode,
                                     simulated_log=simulated_pad_log),
                         fingerprint=reader, fingerprint_baud=fingerprint_baud, media=media)
