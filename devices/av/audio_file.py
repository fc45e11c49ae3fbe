"""An audio file (or network stream) played as if it were a microphone, decoded with PyAV.

``FileInputStream`` resamples whatever the file holds to the recording's rate and channel count
(signed 16-bit) and calls the microphone driver's callback block by block, sample 0 at the
recording's start and each block when its last sample is due, so a video file and its own
audio stay in step. Its time info is exact (the file's clock is the session clock); when the
file ends the stream becomes inactive and the driver reports the source as ended.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import av
import numpy as np

from devices.av.clocks import Clock
from devices.av.errors import SourceUnavailable
from devices.av.synthetic_microphone import StreamStatus, StreamTime

__all__ = ["FileInputStream"]

_LAYOUTS = {1: "mono", 2: "stereo"}


class FileInputStream:
    """A ``sounddevice.InputStream`` look-alike reading an audio file in real time."""

    def __init__(self, callback: Callable[..., None], clock: Clock, path: str, *,
                 samplerate: int = 48_000, channels: int = 1, blocksize: int = 480) -> None:
        self.samplerate = float(samplerate)
        self.channels = channels
        self.latency = 0.0
        self.blocksize = blocksize
        self.clock = clock
        self.path = path
        self._callback = callback
        try:
            self._container = av.open(path, "r", timeout=10.0)
            self._stream = self._container.streams.audio[0]
        except (av.FFmpegError, OSError, IndexError) as exc:
            raise SourceUnavailable(f"cannot read audio from {path}: {exc} / 无法读取音频文件",
                                    reason="microphone_unreadable", spec=path) from exc
        self.source_rate = self._stream.codec_context.sample_rate
        self._resampler = av.AudioResampler(format="s16", layout=_LAYOUTS[channels],
                                            rate=samplerate)
        self._chunks = self._decode()
        self._pending = np.zeros((0, channels), np.int16)
        self._start_ns = clock.now_ns()
        self._sent = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.active = False
        self.ended = False

    def start_at(self, origin_ns: int) -> None:
        """Play sample 0 at session instant ``origin_ns``."""
        self._start_ns = origin_ns

    def _decode(self) -> Iterator[np.ndarray]:
        for frame in self._container.decode(self._stream):
            for out in self._resampler.resample(frame):
                yield out.to_ndarray().reshape(-1, self.channels)
        for out in self._resampler.resample(None):
            yield out.to_ndarray().reshape(-1, self.channels)

    def _next_block(self) -> np.ndarray | None:
        while self._pending.shape[0] < self.blocksize:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._pending = np.concatenate([self._pending, chunk])
        if self._pending.shape[0] == 0:
            return None
        block, self._pending = self._pending[:self.blocksize], self._pending[self.blocksize:]
        return block

    def _sample_ns(self, n: int) -> int:
        return self._start_ns + int(round(n * 1e9 / self.samplerate))

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    block = self._next_block()
                except (av.FFmpegError, OSError):
                    block = None
                if block is None:
                    break
                frames = block.shape[0]
                wait = (self._sample_ns(self._sent + frames) - self.clock.now_ns()) / 1e9
                if wait > 0 and self._stop.wait(wait):
                    break
                info = StreamTime(inputBufferAdcTime=self._sample_ns(self._sent) / 1e9,
                                  currentTime=self.clock.now_ns() / 1e9)
                self._sent += frames
                self._callback(block, frames, info, StreamStatus())
        finally:
            self.ended = not self._stop.is_set()
            self.active = False

    def start(self) -> None:
        self.active = True
        self._thread = threading.Thread(target=self._run, name="audio-file", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5.0)
            self._thread = None
        self.active = False

    def close(self) -> None:
        self.stop()
        self._container.close()
