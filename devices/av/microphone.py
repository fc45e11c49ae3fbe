"""The microphone driver: PortAudio-style callbacks stamped on the session clock.

The same callback serves a sounddevice ``InputStream``, an audio file being played in real time
and the synthetic tone. It copies the block, works out the session instant of its first sample
and queues it, never waiting. PortAudio's own timing is used where it is sane: the age of the
first sample is ``currentTime - inputBufferAdcTime`` (a difference within PortAudio's clock,
which cancels the callback's scheduling delay); when a host API gives nothing usable (zeros,
negative, over a second) the age is estimated as the block length plus the stream latency.
A supervisor notices a stream that died (unplugged device) and reopens it when it can.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from devices.av.capture_queue import SourceStatus, StatusKind
from devices.av.clocks import Clock
from devices.av.errors import SourceUnavailable
from devices.av.events import SourceInfo, SourceRole
from devices.av.media import AudioBlock

__all__ = ["AudioOutlet", "InputStreamLike", "Microphone", "StreamFactory"]

log = logging.getLogger(__name__)


class InputStreamLike(Protocol):
    """The part of ``sounddevice.InputStream`` the driver uses."""

    samplerate: float
    channels: int
    latency: float
    active: bool

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def close(self) -> None: ...


# Called with the driver's callback; returns an opened (not yet started) stream or raises
# SourceUnavailable.
StreamFactory = Callable[[Callable[..., None]], InputStreamLike]


class AudioOutlet(Protocol):
    def offer_audio(self, block: AudioBlock) -> bool: ...
    def post(self, status: SourceStatus) -> None: ...


class Microphone:
    """Opens a stream through ``factory``, stamps its blocks, watches it for failure."""

    def __init__(self, factory: StreamFactory, info: SourceInfo, clock: Clock, *,
                 sample_rate: int, channels: int, reconnect_s: float = 1.0,
                 ends: bool = False) -> None:
        self.info = info
        self.clock = clock
        self.sample_rate = sample_rate
        self.channels = channels
        self._factory = factory
        self._reconnect_s = reconnect_s
        self._ends = ends              # a file: inactive means finished, not lost
        self._stream: InputStreamLike | None = None
        self._outlet: AudioOutlet | None = None
        self._stop = threading.Event()
        self._supervisor: threading.Thread | None = None
        self._index = 0
        self.blocks = 0
        self.overflows = 0
        self.fallback_timing = 0       # blocks stamped without usable PortAudio time info

    def open(self) -> None:
        """Open the stream now: a missing or busy microphone is an error before recording."""
        if self._stream is None:
            self._stream = self._factory(self._callback)

    def start(self, outlet: AudioOutlet, origin_ns: int) -> None:
        """Start delivering blocks into ``outlet`` and watching the stream."""
        self.open()
        self._outlet = outlet
        start_at = getattr(self._stream, "start_at", None)
        if callable(start_at):
            start_at(origin_ns)  # file sources play sample 0 at the recording's start
        assert self._stream is not None
        self._stream.start()
        self._supervisor = threading.Thread(target=self._watch, name=f"mic:{self.info.name}",
                                            daemon=True)
        self._supervisor.start()

    def attach(self, outlet: AudioOutlet) -> None:
        """Connect without starting anything: the caller drives the stream (simulations)."""
        self.open()
        self._outlet = outlet

    def stop(self) -> None:
        """Stop the stream and the supervisor."""
        self._stop.set()
        if self._supervisor is not None:
            self._supervisor.join(timeout=5.0)
            self._supervisor = None
        stream, self._stream = self._stream, None
        if stream is not None:
            _quietly(stream.stop)
            _quietly(stream.close)

    @property
    def stream(self) -> InputStreamLike | None:
        return self._stream

    # -- the PortAudio callback (its own thread; must never block) ------------------------------
    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        now = self.clock.now_ns()
        age = _age_s(time_info)
        if age is None:
            self.fallback_timing += 1
            latency = getattr(self._stream, "latency", 0.0) or 0.0
            age = frames / self.sample_rate + float(latency)
        overflow = bool(getattr(status, "input_overflow", False))
        self.overflows += overflow
        block = AudioBlock(np.array(indata[:frames], dtype=np.int16, copy=True),
                           now - int(age * 1e9), now, overflow, self._index)
        self._index += 1
        self.blocks += 1
        outlet = self._outlet
        if outlet is not None:
            outlet.offer_audio(block)

    # -- supervision ----------------------------------------------------------------------------
    def _watch(self) -> None:
        while not self._stop.wait(0.25):
            stream = self._stream
            if stream is None or stream.active:
                continue
            if self._ends:
                self._post(StatusKind.ENDED, "end_of_file")
                return
            self._post(StatusKind.LOST, "stream_stopped")
            _quietly(stream.close)
            self._stream = None
            while not self._stop.wait(self._reconnect_s):
                try:
                    fresh = self._factory(self._callback)
                    fresh.start()
                except SourceUnavailable as exc:
                    log.debug("microphone %s still unavailable: %s", self.info.name, exc)
                    continue
                self._stream = fresh
                self._post(StatusKind.RETURNED, "")
                break

    def _post(self, kind: str, reason: str) -> None:
        if self._outlet is not None:
            self._outlet.post(SourceStatus(SourceRole.MICROPHONE, kind, self.clock.now_ns(), reason))


def _age_s(time_info: Any) -> float | None:
    """Age of the block's first sample per PortAudio, or None when that is not usable."""
    try:
        age = float(time_info.currentTime) - float(time_info.inputBufferAdcTime)
        if float(time_info.inputBufferAdcTime) == 0.0:
            return None
    except (AttributeError, TypeError, ValueError):
        return None
    return age if 0.0 <= age < 1.0 else None


def _quietly(action: Callable[[], None]) -> None:
    try:
        action()
    except Exception as exc:  # noqa: BLE001 - tearing down a broken stream must not raise
        log.debug("closing a microphone stream: %s", exc)
