"""Still photos and live preview frames, taken from the camera's latest frame.

Neither touches the recording: a photo encodes the latest full-resolution frame on the caller's
thread; the preview runs on its own thread a few times a second, downscales with OpenCV and
encodes a small JPEG. A slow preview consumer only slows the preview.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable

import numpy as np

from devices.av._cv import cv2
from devices.av.camera import Camera
from devices.av.errors import SourceUnavailable
from devices.av.media import Photo, PhotoFormat, PreviewFrame, VideoFrame

__all__ = ["PreviewPublisher", "encode_photo", "fit_size"]

log = logging.getLogger(__name__)


def fit_size(width: int, height: int, box: tuple[int, int]) -> tuple[int, int]:
    """The largest size with the frame's aspect ratio inside ``box`` (even numbers)."""
    scale = min(box[0] / width, box[1] / height, 1.0)
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


def encode_photo(frame: VideoFrame, fmt: PhotoFormat, *, wall_time_utc: str, simulated: bool,
                 source: str) -> Photo:
    """Encode a full-resolution frame as PNG (lossless) or JPEG (quality 95) and hash it."""
    ext, params = (".png", [cv2.IMWRITE_PNG_COMPRESSION, 3]) if fmt is PhotoFormat.PNG else \
        (".jpg", [cv2.IMWRITE_JPEG_QUALITY, 95])
    ok, buf = cv2.imencode(ext, frame.image, params)
    if not ok:
        raise SourceUnavailable("the photo could not be encoded", reason="no_frame")
    data = buf.tobytes()
    h, w = frame.image.shape[:2]
    return Photo(data, fmt, hashlib.sha256(data).hexdigest(), frame.exposure_ns, wall_time_utc,
                 w, h, simulated, source)


class PreviewPublisher:
    """Calls ``callback(PreviewFrame)`` with the newest frame, at most ``fps`` times a second."""

    def __init__(self, camera: Camera, callback: Callable[[PreviewFrame], None], *,
                 fps: float = 5.0, box: tuple[int, int] = (320, 180), quality: int = 70,
                 simulated: bool = False) -> None:
        self._camera = camera
        self._callback = callback
        self._period = 1.0 / fps
        self._box = box
        self._quality = quality
        self._simulated = simulated
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="av-preview", daemon=True)
        self.published = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5.0)

    def make(self, frame: VideoFrame) -> PreviewFrame:
        """The preview of one frame."""
        h, w = frame.image.shape[:2]
        size = fit_size(w, h, self._box)
        small = cv2.resize(frame.image, size, interpolation=cv2.INTER_AREA)
        ok, buf = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, self._quality])
        jpeg = buf.tobytes() if ok else b""
        return PreviewFrame(jpeg, np.ascontiguousarray(small), frame.exposure_ns, size[0], size[1],
                            self._simulated)

    def _run(self) -> None:
        last = -1
        while not self._stop.wait(self._period):
            frame = self._camera.latest_frame()
            if frame is None or frame.index == last:
                continue
            last = frame.index
            try:
                self._callback(self.make(frame))
                self.published += 1
            except Exception:  # noqa: BLE001 - the preview consumer's bug stays the preview's
                log.exception("preview callback failed")
