"""A simulated microphone: a quiet tone with beeps ("marks") at known instants.

``SyntheticInputStream`` calls the driver's callback exactly as PortAudio does, with
PortAudio-style time info on a clock of its own origin, so the real ``Microphone`` code runs
on top of it. It can model what the recorder must survive: a sample clock off by some ppm,
delivery delay and scheduling jitter, input overruns (blocks lost, then a block flagged
``input_overflow``), stalls (blocks lost with no flag) and held callbacks (a starved machine:
late, then all at once, none lost). In real-time mode a thread calls back at the right
moments; in stepped mode a simulation calls ``deliver_next`` itself.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from devices.av.clocks import Clock

__all__ = ["StreamStatus", "StreamTime", "SyntheticInputStream", "SyntheticMicrophoneSettings"]


@dataclass(frozen=True)
class StreamTime:
    """PortAudio's ``PaStreamCallbackTimeInfo``: seconds on the stream's own clock."""

    inputBufferAdcTime: float  # noqa: N815 - PortAudio's names
    currentTime: float  # noqa: N815
    outputBufferDacTime: float = 0.0  # noqa: N815


@dataclass(frozen=True)
class StreamStatus:
    """PortAudio's callback flags (only the one the driver reads)."""

    input_overflow: bool = False


@dataclass(frozen=True)
class SyntheticMicrophoneSettings:
    """The simulated microphone's behaviour; times in seconds from its start."""

    sample_rate: int = 48_000
    channels: int = 1
    blocksize: int = 480
    drift_ppm: float = 0.0            # sample clock vs session clock (+: runs fast)
    delivery_ms: float = 2.0          # last sample of a block -> callback
    jitter_ms: float = 0.0            # extra uniform 0..jitter callback delay
    tone_hz: float = 440.0
    tone_level: float = 0.03          # quiet carrier, well under the mark threshold
    mark_hz: float = 1000.0
    mark_level: float = 0.5
    mark_s: float = 0.1
    marks_at_s: Sequence[float] | None = None   # None: a mark at every whole second
    overruns: Sequence[tuple[float, float]] = ()  # (start_s, duration_s): lost, next block flagged
    stalls: Sequence[tuple[float, float]] = ()    # (start_s, duration_s): lost, nothing flagged
    held: Sequence[tuple[float, float]] = ()      # (start_s, duration_s): callbacks held back (a
                                                  # starved machine), then all at once; none lost
    time_origin_s: float = 1234.5     # PortAudio's clock origin differs from ours
    seed: int = 2


class SyntheticInputStream:
    """A ``sounddevice.InputStream`` look-alike producing the tone with marks."""

    def __init__(self, callback: Callable[..., None], clock: Clock,
                 settings: SyntheticMicrophoneSettings = SyntheticMicrophoneSettings(), *,
                 paced: bool = True, start_ns: int | None = None) -> None:
        self.settings = settings
        self.samplerate = float(settings.sample_rate)
        self.channels = settings.channels
        self.latency = settings.blocksize / settings.sample_rate
        self.clock = clock
        self.paced = paced
        self._explicit_start = start_ns is not None
        self.start_ns = clock.now_ns() if start_ns is None else start_ns
        self._callback = callback
        self._ns_per_sample = 1e9 / (settings.sample_rate * (1.0 + settings.drift_ppm * 1e-6))
        self._block = 0
        self._flag_next = False
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.active = False
        self.delivered = 0
        self.lost = 0

    # -- timing ---------------------------------------------------------------------------------
    def sample_ns(self, n: float) -> int:
        """True session instant at which sample ``n`` was taken."""
        return self.start_ns + int(round(n * self._ns_per_sample))

    def first_sample_at(self, t_s: float) -> int:
        """Index of the first sample taken at or after ``t_s`` seconds from the start."""
        return int(math.ceil(t_s * 1e9 / self._ns_per_sample - 1e-9))

    def due_ns(self, block: int) -> int:
        """When the callback for ``block`` runs."""
        bs = self.settings.blocksize
        jitter = 0.0
        if self.settings.jitter_ms > 0:
            jitter = np.random.default_rng((self.settings.seed, block)).uniform(
                0.0, self.settings.jitter_ms * 1e6)
        due = self.sample_ns((block + 1) * bs - 1) + int(self.settings.delivery_ms * 1e6 + jitter)
        for start_s, duration_s in self.settings.held:
            release = self.start_ns + int((start_s + duration_s) * 1e9)
            if self.start_ns + start_s * 1e9 <= due < release:
                due = release
        return due

    def next_due_ns(self) -> int:
        return self.due_ns(self._block)

    def _window(self, block: int, windows: Sequence[tuple[float, float]]) -> bool:
        t = (self.sample_ns(block * self.settings.blocksize) - self.start_ns) / 1e9
        return any(a <= t < a + d for a, d in windows)

    # -- samples --------------------------------------------------------------------------------
    def samples(self, first: int, count: int) -> np.ndarray:
        """Samples ``first .. first+count-1`` as int16 (count, channels)."""
        s = self.settings
        n = np.arange(first, first + count, dtype=np.float64)
        # The tone is a function of the sample index: the microphone's own time.
        signal = s.tone_level * np.sin(2 * np.pi * s.tone_hz * n / s.sample_rate)
        for mark in self._marks_near(first, count):
            m0 = self.first_sample_at(mark)
            m1 = m0 + int(s.mark_s * s.sample_rate)
            lo, hi = max(first, m0), min(first + count, m1)
            if lo < hi:
                idx = np.arange(lo, hi) - first
                signal[idx] = s.mark_level * np.sin(2 * np.pi * s.mark_hz * (idx + first - m0)
                                                    / s.sample_rate)
        out = np.round(signal * 32767).astype(np.int16)
        return np.repeat(out[:, None], s.channels, axis=1)

    def _marks_near(self, first: int, count: int) -> list[float]:
        t0 = first * self._ns_per_sample / 1e9
        t1 = (first + count) * self._ns_per_sample / 1e9
        if self.settings.marks_at_s is None:
            return [float(k) for k in range(max(0, math.floor(t0 - self.settings.mark_s)),
                                            math.floor(t1) + 1)]
        return [m for m in self.settings.marks_at_s if m - 1.0 <= t1 and m + self.settings.mark_s >= t0]

    # -- delivery -------------------------------------------------------------------------------
    def deliver_next(self) -> None:
        """Run the callback for the next block (or lose it, if an overrun/stall says so)."""
        k = self._block
        self._block += 1
        if self._window(k, self.settings.overruns):
            self._flag_next = True
            self.lost += 1
            return
        if self._window(k, self.settings.stalls):
            self.lost += 1
            return
        bs = self.settings.blocksize
        origin = self.settings.time_origin_s - self.start_ns / 1e9
        info = StreamTime(inputBufferAdcTime=origin + self.sample_ns(k * bs) / 1e9,
                          currentTime=origin + self.clock.now_ns() / 1e9)
        status = StreamStatus(input_overflow=self._flag_next)
        self._flag_next = False
        self.delivered += 1
        self._callback(self.samples(k * bs, bs), bs, info, status)

    def _run(self) -> None:
        while not self._stop.is_set():
            wait = (self.next_due_ns() - self.clock.now_ns()) / 1e9
            if wait > 0 and self._stop.wait(wait):
                return
            self.deliver_next()

    # -- the InputStream surface --------------------------------------------------------------
    def start(self) -> None:
        if not self._explicit_start and self._block == 0:
            self.start_ns = self.clock.now_ns()  # the device starts sampling now, not at open
        self.active = True
        if self.paced and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="synthetic-mic", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5.0)
            self._thread = None
        self.active = False

    def close(self) -> None:
        self.stop()
