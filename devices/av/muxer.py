"""The one PyAV container of a recording: H.264 video and FLAC (or AAC/Opus) audio in Matroska.

Only the writer thread touches it. Settings follow the measurements in the A/V notes: libx264
``superfast`` + ``zerolatency`` with a 1 s GOP, no scene-cut keyframes and a VBV cap (real-time
720p30 on two cores); Matroska written as a stream (no seeking) with packets flushed and
clusters of at most ``cluster_ms``, so a killed recorder loses well under a second; FLAC by
default because the audio of an interrogation is evidence and lossless costs little.
Time bases are our own constants (1/90000 video, 1/rate audio): PyAV's stream time bases change
when the header is written and must not be used for frames.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import av
import numpy as np

from devices.av._cv import cv2
from devices.av.errors import RecorderError
from devices.av.timeline import VIDEO_TIME_BASE

__all__ = ["EncoderSettings", "MediaMuxer", "available_video_codec"]

_LAYOUTS = {1: "mono", 2: "stereo"}
# Best first: H.264 from x264 (what the PyAV wheel ships), then OpenH264 (LGPL builds),
# VP8 (BSD, real time at 720p per the A/V notes), and FFmpeg's own MPEG-4 part 2.
_VIDEO_FALLBACKS = ("libx264", "libopenh264", "libvpx", "mpeg4")
_SILENCE_CHUNK_S = 0.5


@dataclass(frozen=True)
class EncoderSettings:
    """How the recording is encoded."""

    video_codec: str = "libx264"
    preset: str = "superfast"       # "ultrafast" on slower machines; never "medium" (not real time)
    crf: int = 23
    max_kbps_at_720p: int = 4000    # VBV cap, scaled by pixel count for other sizes
    gop_s: float = 1.0
    audio_codec: str = "flac"       # "flac" (lossless), "aac" or "libopus"
    audio_kbps: int = 128           # lossy codecs only
    cluster_ms: int = 250           # Matroska cluster length limit: bounds crash loss
    interleave_ms: int = 500        # max_interleave_delta: a stalled stream cannot hold data back
    threads: int = 0                # encoder threads, 0 = auto

    def video_options(self, codec: str, width: int, height: int) -> dict[str, str]:
        kbps = max(300, int(self.max_kbps_at_720p * width * height / (1280 * 720)))
        if codec == "libx264":
            return {"preset": self.preset, "crf": str(self.crf), "maxrate": f"{kbps}k",
                    "bufsize": f"{kbps}k", "tune": "zerolatency", "x264-params": "scenecut=0"}
        if codec == "libvpx":
            return {"deadline": "realtime", "cpu-used": "16", "b": f"{kbps}k",
                    "maxrate": f"{kbps}k", "bufsize": f"{kbps}k"}
        return {"b": f"{kbps}k", "maxrate": f"{kbps}k", "bufsize": f"{kbps}k"}


def available_video_codec(preferred: str) -> str:
    """``preferred`` if this PyAV build can encode it, else the best fallback it has."""
    for name in (preferred, *_VIDEO_FALLBACKS):
        try:
            return av.codec.Codec(name, "w").name
        except (av.FFmpegError, ValueError):
            continue
    raise RecorderError("no usable video encoder in this PyAV build", reason="encoder_missing")


class MediaMuxer:
    """Encodes frames and samples and muxes them into ``sink`` (a write-only file object)."""

    def __init__(self, sink: Any, *, width: int, height: int, fps: float, sample_rate: int,
                 channels: int, settings: EncoderSettings,
                 metadata: Mapping[str, str]) -> None:
        if channels not in _LAYOUTS:
            raise RecorderError(f"{channels} audio channels are not supported (1 or 2)",
                                reason="bad_audio_format")
        self.width, self.height = width - width % 2, height - height % 2
        self.sample_rate, self.channels = sample_rate, channels
        self._layout = _LAYOUTS[channels]
        self._fps = fps
        try:
            self.container = av.open(sink, "w", format="matroska", container_options={
                "flush_packets": "1",
                "cluster_time_limit": str(settings.cluster_ms),
                "max_interleave_delta": str(settings.interleave_ms * 1000),
            })
        except (av.FFmpegError, OSError) as exc:
            raise RecorderError(f"cannot open the output: {exc}", reason="output_unwritable") from exc
        try:
            for key, value in metadata.items():
                self.container.metadata[key] = value
            self.video_codec = available_video_codec(settings.video_codec)
            self.video = self.container.add_stream(
                self.video_codec, rate=Fraction(fps).limit_denominator(1001),
                options=settings.video_options(self.video_codec, self.width, self.height))
            self.video.width, self.video.height = self.width, self.height
            self.video.pix_fmt = "yuv420p"
            self.video.gop_size = max(1, round(fps * settings.gop_s))
            self.video.codec_context.time_base = Fraction(1, VIDEO_TIME_BASE)
            self.video.codec_context.thread_count = settings.threads
            self.audio = self.container.add_stream(settings.audio_codec, rate=sample_rate,
                                                   layout=self._layout)
            self.audio.codec_context.time_base = Fraction(1, sample_rate)
            if settings.audio_codec != "flac":
                self.audio.bit_rate = settings.audio_kbps * 1000
        except (av.FFmpegError, ValueError) as exc:
            self._abandon()
            raise RecorderError(f"encoder not available: {exc}", reason="encoder_missing") from exc
        self._audio_format = ("s16" if "s16" in {f.name for f in self.audio.codec.audio_formats or ()}
                              else "flt")
        self.video_frames = 0
        self.audio_samples = 0

    def add_video(self, image: np.ndarray, pts: int) -> None:
        """Encode one BGR frame at ``pts`` (1/90000 s); resized if the camera changed size."""
        if image.shape[0] < self.height or image.shape[1] < self.width or \
                image.shape[0] > self.height + 1 or image.shape[1] > self.width + 1:
            image = cv2.resize(image, (self.width, self.height), interpolation=cv2.INTER_AREA)
        else:
            image = image[:self.height, :self.width]
        # cv2's conversion is ~2.5x faster than swscale's for BGR -> I420 (A/V notes, 5.2).
        yuv = cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_BGR2YUV_I420)
        frame = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
        frame.pts = pts
        frame.time_base = Fraction(1, VIDEO_TIME_BASE)
        for packet in self.video.encode(frame):
            self.container.mux(packet)
        self.video_frames += 1

    def add_audio(self, start_index: int, samples: np.ndarray | None, silence: int = 0) -> None:
        """Encode ``samples`` (int16, frames x channels), or ``silence`` zero samples."""
        if samples is None:
            step = max(1, int(self.sample_rate * _SILENCE_CHUNK_S))
            done = 0
            while done < silence:
                n = min(step, silence - done)
                self._encode_audio(start_index + done, np.zeros((n, self.channels), np.int16))
                done += n
            return
        if samples.ndim == 1:
            samples = samples[:, None]
        if samples.shape[1] != self.channels:
            samples = _match_channels(samples, self.channels)
        self._encode_audio(start_index, samples)

    def _encode_audio(self, start_index: int, samples: np.ndarray) -> None:
        if self._audio_format == "s16":
            data = np.ascontiguousarray(samples, dtype=np.int16).reshape(1, -1)
        else:
            data = (samples.astype(np.float32) / 32768.0).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(data, format=self._audio_format, layout=self._layout)
        frame.sample_rate = self.sample_rate
        frame.pts = start_index
        frame.time_base = Fraction(1, self.sample_rate)
        for packet in self.audio.encode(frame):
            self.container.mux(packet)
        self.audio_samples += samples.shape[0]

    def close(self) -> None:
        """Flush both encoders and close the container (writes the last cluster)."""
        try:
            for stream in (self.video, self.audio):
                for packet in stream.encode(None):
                    self.container.mux(packet)
        finally:
            self.container.close()

    def abandon(self) -> None:
        """Close after a write failure: nothing more is attempted beyond what FFmpeg insists on."""
        self._abandon()

    def _abandon(self) -> None:
        try:
            self.container.close()
        except (av.FFmpegError, OSError):
            pass


def _match_channels(samples: np.ndarray, channels: int) -> np.ndarray:
    if channels == 1:
        return samples.mean(axis=1, keepdims=True).astype(np.int16)
    return np.repeat(samples[:, :1], channels, axis=1)
