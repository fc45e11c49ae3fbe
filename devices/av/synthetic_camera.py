"""A simulated camera for machines without one: a test pattern with a burned-in clock.

``SyntheticCapture`` behaves like ``cv2.VideoCapture`` (``grab``/``retrieve``/``get``/
``isOpened``/``release``), so the real ``Camera`` driver runs on top of it unchanged. Every
frame says SIMULATED and shows the session time of its exposure and its number. It can model
what the recorder must survive: capture latency and jitter, a clock running off nominal,
driver timestamps (a frame read late still says when it was taken, as V4L2 does; turned off,
the driver stamps frames as it reads them, as with most other backends), white flash frames at
chosen instants (for sync measurement), and outages (unplugged for a while: ``grab`` fails,
``isOpened`` is False, then frames resume).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from devices.av._cv import cv2
from devices.av.clocks import Clock

__all__ = ["SYNTHETIC_BACKEND", "SyntheticCameraSettings", "SyntheticCapture"]

SYNTHETIC_BACKEND = "SYNTHETIC"


@dataclass(frozen=True)
class SyntheticCameraSettings:
    """The simulated camera's behaviour; times in seconds from its start."""

    width: int = 1280
    height: int = 720
    fps: float = 30.0
    latency_ms: float = 40.0          # exposure -> grab() returning
    jitter_ms: float = 3.0            # extra uniform 0..jitter delivery delay
    drift_ppm: float = 0.0            # camera clock vs session clock
    flash_at_s: Sequence[float] = ()  # a white flash starts at the first exposure at/after each
    flash_frames: int = 6
    outages: Sequence[tuple[float, float]] = field(default=())  # (start_s, duration_s): unplugged
    noise_sigma: float = 0.0          # sensor-like noise (8: a dim room); costs the encoder more
    buffers: int = 4                  # frames the 'driver' keeps when the reader is late (V4L2-like)
    driver_timestamps: bool = True    # POS_MSEC: when the 'driver' had the frame (V4L2-like)
    seed: int = 1


class SyntheticCapture:
    """A ``cv2.VideoCapture`` look-alike drawing a labelled test pattern."""

    def __init__(self, clock: Clock, settings: SyntheticCameraSettings = SyntheticCameraSettings(),
                 *, paced: bool = True, start_ns: int | None = None) -> None:
        self.clock = clock
        self.settings = settings
        self.paced = paced
        self.start_ns = clock.now_ns() if start_ns is None else start_ns
        self._streaming = start_ns is not None  # else it starts streaming at the first grab
        self._period = 1e9 / settings.fps / (1.0 + settings.drift_ppm * 1e-6)
        self._next = 0
        self._pending: int | None = None
        self._released = threading.Event()
        self._flash_frames = self._flash_indices()
        self._background = self._make_background()
        self._noise = self._make_noise() if settings.noise_sigma > 0 else []

    # -- timing ---------------------------------------------------------------------------------
    def exposure_ns(self, k: int) -> int:
        """True exposure instant of frame ``k`` on the session clock."""
        return self.start_ns + int(round(k * self._period))

    def ready_ns(self, k: int) -> int:
        """When frame ``k`` is handed over by ``grab``."""
        jitter = 0.0
        if self.settings.jitter_ms > 0:
            # A function of k alone, so asking twice (or out of order) gives the same instant.
            jitter = np.random.default_rng((self.settings.seed, k)).uniform(
                0.0, self.settings.jitter_ms * 1e6)
        return self.exposure_ns(k) + int(self.settings.latency_ms * 1e6 + jitter)

    def in_outage(self, t_ns: int) -> bool:
        """Is the camera 'unplugged' at session instant ``t_ns``?"""
        s = (t_ns - self.start_ns) / 1e9
        return any(a <= s < a + d for a, d in self.settings.outages)

    def next_ready_ns(self) -> int:
        """When the next frame (skipping outages) will be ready; for stepped simulations."""
        k = self._next
        while self.in_outage(self.exposure_ns(k)):
            k += 1
        return self.ready_ns(k)

    def _flash_indices(self) -> set[int]:
        out: set[int] = set()
        for at in self.settings.flash_at_s:
            first = int(np.ceil(at * 1e9 / self._period - 1e-9))
            out.update(range(first, first + self.settings.flash_frames))
        return out

    # -- the VideoCapture surface -------------------------------------------------------------
    def isOpened(self) -> bool:  # noqa: N802 - OpenCV's name
        return not self._released.is_set() and not self.in_outage(self.clock.now_ns())

    def grab(self) -> bool:
        """Wait for the next frame (paced) and take it; False while unplugged or released."""
        if self._released.is_set():
            return False
        now = self.clock.now_ns()
        if not self._streaming:
            self._streaming = True
            self.start_ns = now
        if self.paced:
            if self.in_outage(now):
                return False
            # A late reader gets the frames still buffered (oldest first), never more than the
            # driver keeps; after an outage it continues with the frame now due.
            while self.ready_ns(self._next + self.settings.buffers) <= now or \
                    self.in_outage(self.exposure_ns(self._next)) and self.ready_ns(self._next) <= now:
                self._next += 1
            wait = (self.ready_ns(self._next) - now) / 1e9
            if wait > 0 and self._released.wait(wait):
                return False
            if self.in_outage(self.exposure_ns(self._next)):
                return False
        else:
            while self.in_outage(self.exposure_ns(self._next)):
                self._next += 1
        self._pending = self._next
        self._next += 1
        return True

    def retrieve(self, image: np.ndarray | None = None) -> tuple[bool, np.ndarray | None]:
        if self._pending is None:
            return False, None
        return True, self.render(self._pending)

    def read(self) -> tuple[bool, np.ndarray | None]:
        return self.retrieve() if self.grab() else (False, None)

    def get(self, prop: int) -> float:
        if prop == cv2.CAP_PROP_FRAME_WIDTH:
            return float(self.settings.width)
        if prop == cv2.CAP_PROP_FRAME_HEIGHT:
            return float(self.settings.height)
        if prop == cv2.CAP_PROP_FPS:
            return float(self.settings.fps)
        if prop == cv2.CAP_PROP_POS_MSEC and self._pending is not None \
                and self.settings.driver_timestamps:
            # As V4L2 reports it: the monotonic instant the frame was complete in the driver's
            # buffer, however late the reader dequeues it.
            return (self.exposure_ns(self._pending) + self.settings.latency_ms * 1e6) / 1e6
        return 0.0

    def set(self, prop: int, value: float) -> bool:
        return False  # a test pattern has the size it was made with

    def getBackendName(self) -> str:  # noqa: N802 - OpenCV's name
        return SYNTHETIC_BACKEND

    def release(self) -> None:
        self._released.set()

    def reopen(self) -> SyntheticCapture:
        """What re-opening the device gives: the same simulated camera, if it is 'plugged in'."""
        self._released.clear()
        return self

    # -- drawing ------------------------------------------------------------------------------
    def _make_background(self) -> np.ndarray:
        w, h = self.settings.width, self.settings.height
        x = np.linspace(40, 160, w, dtype=np.float32)
        y = np.linspace(0, 60, h, dtype=np.float32)[:, None]
        bg = np.empty((h, w, 3), np.uint8)
        bg[..., 0] = (x + y).astype(np.uint8)
        bg[..., 1] = (x[::-1] * 0.8 + y).astype(np.uint8)
        bg[..., 2] = (90 + y).astype(np.uint8)
        bg[::max(8, h // 18), :, :] = 200
        bg[:, ::max(8, w // 32), :] = 200
        return bg

    def _make_noise(self) -> list[tuple[np.ndarray, np.ndarray]]:
        # A few precomputed fields, cycled: fresh Gaussian noise per 720p frame costs ~20 ms.
        rng = np.random.default_rng(self.settings.seed)
        shape = (self.settings.height, self.settings.width, 3)
        out = []
        for _ in range(7):
            field_ = rng.normal(0.0, self.settings.noise_sigma, shape)
            out.append((np.clip(field_, 0, 255).astype(np.uint8),
                        np.clip(-field_, 0, 255).astype(np.uint8)))
        return out

    def render(self, k: int) -> np.ndarray:
        """Frame ``k``: the pattern, a moving bar, the burned-in time and the SIMULATED label."""
        w, h = self.settings.width, self.settings.height
        if k in self._flash_frames:
            return np.full((h, w, 3), 255, np.uint8)
        img = self._background.copy()
        if self._noise:
            up, down = self._noise[k % len(self._noise)]
            cv2.add(img, up, dst=img)
            cv2.subtract(img, down, dst=img)
        bar = max(4, w // 40)
        x = int((k * bar / 2) % max(1, w - bar))
        img[:, x:x + bar] = (20, 20, 230)
        t = (self.exposure_ns(k) - self.start_ns) / 1e9
        scale = max(0.4, h / 480)
        thick = max(1, int(scale * 2))
        stamp = f"{int(t // 3600):02d}:{int(t // 60) % 60:02d}:{t % 60:06.3f}  #{k}"
        cv2.rectangle(img, (0, 0), (w, int(44 * scale)), (0, 0, 0), -1)
        cv2.putText(img, "SIMULATED CAMERA", (int(8 * scale), int(32 * scale)),
                    cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 200, 255), thick, cv2.LINE_AA)
        cv2.rectangle(img, (0, h - int(44 * scale)), (w, h), (0, 0, 0), -1)
        cv2.putText(img, stamp, (int(8 * scale), h - int(12 * scale)), cv2.FONT_HERSHEY_SIMPLEX,
                    scale, (255, 255, 255), thick, cv2.LINE_AA)
        return img
