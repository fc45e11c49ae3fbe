"""The camera driver: one capture thread over anything shaped like ``cv2.VideoCapture``.

The same code runs over a USB camera, a video file, an RTSP stream and the synthetic test
pattern. Each frame is stamped on the session clock right after ``grab()`` returns (before the
slower ``retrieve()``), then corrected for the camera's constant latency; on Linux's V4L2
backend the kernel's buffer timestamp replaces the grab instant when it is plausible. A file is
paced by its own frame times from the recording's start. When frames stop (unplugged, stream
broken) the driver reports the loss, keeps trying to reopen, and reports the return; a file that
ends is reported as ended. Nothing here ever waits on the recorder.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from enum import StrEnum
from typing import Any, Protocol

from devices.av._cv import cv2
from devices.av.capture_queue import SourceStatus, StatusKind
from devices.av.clocks import Clock
from devices.av.errors import SourceUnavailable
from devices.av.events import SourceInfo, SourceRole
from devices.av.media import VideoFrame

__all__ = ["Camera", "CameraMode", "CameraOutlet", "CaptureDevice"]

log = logging.getLogger(__name__)

_SKIP_WINDOW = 8  # frames a deficit must hold to count as skipped frames


class CaptureDevice(Protocol):
    """The part of ``cv2.VideoCapture`` the driver uses."""

    def isOpened(self) -> bool: ...  # noqa: N802
    def grab(self) -> bool: ...
    def retrieve(self) -> tuple[bool, Any]: ...
    def get(self, prop: int) -> float: ...
    def release(self) -> None: ...


class CameraOutlet(Protocol):
    """Where frames and status changes go (the recorder's ``CaptureQueue``)."""

    def offer_video(self, frame: VideoFrame) -> bool: ...
    def post(self, status: SourceStatus) -> None: ...


class CameraMode(StrEnum):
    LIVE = "live"   # a device or stream: frames come when they come; loss -> reconnect
    FILE = "file"   # a file: paced by its frame times; the end is the end


class Camera:
    """Capture thread, timestamps, loss and reconnection, latest frame for photo and preview."""

    def __init__(self, opener: Callable[[], CaptureDevice], info: SourceInfo, clock: Clock, *,
                 width: int, height: int, fps: float, latency_ns: int,
                 mode: CameraMode = CameraMode.LIVE, reconnect_s: float = 0.25,
                 kernel_timestamps: bool = False) -> None:
        self.info = info
        self.clock = clock
        self.width, self.height, self.fps = width, height, fps
        self.latency_ns = latency_ns
        self.mode = mode
        self._opener = opener
        self._reconnect_s = reconnect_s
        self._kernel_ts = kernel_timestamps
        self._period = 1e9 / fps if fps > 0 else 1e9 / 30
        self._cap: CaptureDevice | None = None
        self._outlet: CameraOutlet | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._latest: VideoFrame | None = None
        self._latest_cond = threading.Condition()
        self._index = 0
        self._first_exposure: int | None = None
        self._since_first = 0
        self._deficits: deque[int] = deque(maxlen=_SKIP_WINDOW)
        self._counted_deficit = 0
        self._file_origin_ns = 0
        self.frames = 0
        self.skipped = 0

    # -- lifecycle ------------------------------------------------------------------------------
    def open(self) -> None:
        """Open the device now, so a missing camera is an error before recording starts."""
        if self._cap is not None:
            return
        cap = self._opener()
        if not cap.isOpened():
            cap.release()
            raise SourceUnavailable(f"camera cannot be opened: {self.info.name} / 无法打开摄像头",
                                    reason="camera_missing", spec=self.info.name)
        self._cap = cap

    def start(self, outlet: CameraOutlet, origin_ns: int) -> None:
        """Start capturing into ``outlet``; a file's frame 0 plays at ``origin_ns``."""
        self.open()
        self._outlet = outlet
        self._file_origin_ns = origin_ns
        self._thread = threading.Thread(target=self._run, name=f"camera:{self.info.name}",
                                        daemon=True)
        self._thread.start()

    def attach(self, outlet: CameraOutlet, origin_ns: int) -> None:
        """Like ``start`` without a thread: the caller drives ``capture_once`` (simulations)."""
        self.open()
        self._outlet = outlet
        self._file_origin_ns = origin_ns

    def stop(self) -> None:
        """Stop the thread and release the device."""
        self._stop.set()
        if self._thread is not None:
            # The thread releases the device itself: releasing it under a blocked grab() can
            # crash OpenCV. A grab returns within a frame period (or a stream's timeout).
            self._thread.join(timeout=10.0)
            if self._thread.is_alive():
                log.warning("camera thread %s did not stop in time", self.info.name)
                return
            self._thread = None
        cap, self._cap = self._cap, None
        if cap is not None:
            cap.release()

    # -- frames -----------------------------------------------------------------------------------
    def latest_frame(self) -> VideoFrame | None:
        """The most recent frame captured (full resolution), if any."""
        return self._latest

    def wait_for_frame(self, newer_than_ns: int, timeout: float) -> VideoFrame | None:
        """A frame grabbed after ``newer_than_ns``, waiting up to ``timeout`` seconds."""
        with self._latest_cond:
            self._latest_cond.wait_for(
                lambda: self._latest is not None and self._latest.grabbed_ns > newer_than_ns,
                timeout)
            frame = self._latest
        return frame if frame is not None and frame.grabbed_ns > newer_than_ns else None

    def capture_once(self) -> bool:
        """Grab, stamp, retrieve and hand over one frame; False when the source gave none."""
        cap = self._cap
        if cap is None or not cap.grab():
            return False
        grabbed = self.clock.now_ns()
        ok, image = cap.retrieve()
        if not ok or image is None:
            return False
        base = grabbed
        if self.mode is CameraMode.FILE:
            base = self._file_origin_ns + int(cap.get(cv2.CAP_PROP_POS_MSEC) * 1e6)
            wait = (base - self.clock.now_ns()) / 1e9
            if wait > 0 and self._stop.wait(wait):
                return False
            grabbed = self.clock.now_ns()  # handed over when its time came
        elif self._kernel_ts:
            kernel = int(cap.get(cv2.CAP_PROP_POS_MSEC) * 1e6)
            if 0 <= grabbed - kernel < 500_000_000:
                base = kernel
        exposure = base - self.latency_ns
        skipped = self._skipped(exposure)
        frame = VideoFrame(image, grabbed, exposure, self._index, skipped)
        self._index += 1
        self.frames += 1
        self.skipped += skipped
        with self._latest_cond:
            self._latest = frame
            self._latest_cond.notify_all()
        if self._outlet is not None:
            self._outlet.offer_video(frame)
        return True

    def _skipped(self, exposure: int) -> int:
        """Frames the camera missed, judged over a few frames.

        The deficit is how many frames the elapsed time calls for minus how many came. A grab
        that was late (the thread was held up) raises it for that frame, and the frames that
        were buffered meanwhile bring it back; a real skip raises it for good. Only a rise that
        holds over ``_SKIP_WINDOW`` frames counts, so bunched frames are not taken for skips.
        """
        if self._first_exposure is None:
            self._first_exposure, self._since_first = exposure, 0
            self._deficits.clear()
            return 0
        self._since_first += 1
        expected = int(round((exposure - self._first_exposure) / self._period))
        self._deficits.append(expected - self._since_first)
        if len(self._deficits) < _SKIP_WINDOW:
            return 0
        held = min(self._deficits)
        skipped = max(0, held - self._counted_deficit)
        self._counted_deficit = max(self._counted_deficit, held)
        return skipped

    # -- the thread -------------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            self._loop()
        finally:
            cap, self._cap = self._cap, None
            if cap is not None:
                cap.release()

    def _loop(self) -> None:
        attempts = 0
        while not self._stop.is_set():
            if self._cap is None:
                # Quick retries first (a cable re-seated), then once a second (unplugged).
                if self._stop.wait(self._reconnect_s if attempts < 8 else 1.0):
                    break
                attempts += 1
                self._try_reopen()
                continue
            attempts = 0
            try:
                ok = self.capture_once()
            except cv2.error as exc:
                log.warning("camera %s: %s", self.info.name, exc)
                ok = False
            if ok or self._stop.is_set():
                continue
            if self.mode is CameraMode.FILE:
                self._post(StatusKind.ENDED, "end_of_file")
                return
            self._post(StatusKind.LOST, "no_frame")
            cap, self._cap = self._cap, None
            if cap is not None:
                cap.release()
            self._first_exposure = None  # a new stream: count skips afresh
            self._counted_deficit = 0

    def _try_reopen(self) -> None:
        try:
            cap = self._opener()
        except (OSError, cv2.error, SourceUnavailable) as exc:
            log.debug("camera %s still unavailable: %s", self.info.name, exc)
            return
        if cap.isOpened():
            self._cap = cap
            self._post(StatusKind.RETURNED, "")
        else:
            cap.release()

    def _post(self, kind: str, reason: str) -> None:
        if self._outlet is not None:
            self._outlet.post(SourceStatus(SourceRole.CAMERA, kind, self.clock.now_ns(), reason))
