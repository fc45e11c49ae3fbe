"""What flows from the sources to the writer, and what the recorder hands out (photo, preview).

Frames and blocks are values: a source makes one, stamps it once on the session clock and never
touches it again, so the writer thread can own it without locks.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

__all__ = ["AudioBlock", "Photo", "PhotoFormat", "PreviewFrame", "VideoFrame"]


@dataclass(frozen=True, eq=False)
class VideoFrame:
    """One camera frame: BGR ``uint8`` HxWx3, stamped when it was grabbed."""

    image: np.ndarray
    grabbed_ns: int          # session clock right after grab() returned
    exposure_ns: int         # best estimate of the exposure instant (latency corrected)
    index: int               # sequence number within this source
    skipped_before: int = 0  # frames the camera missed just before this one


@dataclass(frozen=True, eq=False)
class AudioBlock:
    """One block of microphone samples: ``int16`` of shape (frames, channels)."""

    samples: np.ndarray
    first_sample_ns: int     # session-clock instant the first sample was taken at the ADC
    arrived_ns: int          # session clock when the callback ran
    overflow: bool = False   # the device reported lost input just before this block
    index: int = 0           # sequence number within this source

    @property
    def frames(self) -> int:
        return int(self.samples.shape[0])


class PhotoFormat(StrEnum):
    PNG = "png"    # lossless: the default for evidence
    JPEG = "jpeg"


@dataclass(frozen=True)
class Photo:
    """A full-resolution still of one signatory: encoded bytes, their SHA-256, when it was taken."""

    data: bytes
    format: PhotoFormat
    sha256: str
    captured_ns: int         # session clock of the frame's exposure
    wall_time_utc: str       # ISO 8601, from the session clock's wall anchor
    width: int
    height: int
    simulated: bool
    source: str

    @property
    def mime_type(self) -> str:
        return "image/png" if self.format is PhotoFormat.PNG else "image/jpeg"


@dataclass(frozen=True, eq=False)
class PreviewFrame:
    """A small frame for the live panel and the link: JPEG bytes and the BGR array they encode."""

    jpeg: bytes
    image: np.ndarray
    captured_ns: int
    width: int
    height: int
    simulated: bool
