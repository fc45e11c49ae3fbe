"""Frames of a recording, decoded with PyAV on a worker thread and handed over as QImages.

The window asks for a media time (:meth:`VideoDecoder.show`); the worker decodes forward from
where it is when that time is just ahead (playback), seeks to the key frame before it
otherwise (a scrub), and delivers the last frame whose time is not after the one asked for.
Requests that pile up while it decodes collapse into the newest one.  Audio is not played.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QImage

from app.ui.verifier.contents import MediaSource

__all__ = ["DecodedFrame", "MemberReader", "VideoDecoder"]

log = logging.getLogger(__name__)

#: Decode forward rather than seek while the wanted time is at most this far ahead (seconds).
FORWARD_WINDOW_S = 2.0


class MemberReader(io.RawIOBase):
    """A read-only, seekable view of ``length`` bytes of a file from ``offset`` (a stored zip
    member read in place)."""

    def __init__(self, source: MediaSource) -> None:
        super().__init__()
        self._file = open(source.path, "rb")  # noqa: SIM115 - closed with this reader
        self._start, self._length, self._position = source.offset, source.length, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._length}[whence]
        self._position = max(0, min(self._length, base + offset))
        return self._position

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        count = min(len(view), self._length - self._position)
        if count <= 0:
            return 0
        self._file.seek(self._start + self._position)
        got = self._file.readinto(view[:count]) or 0
        self._position += got
        return got

    def close(self) -> None:
        if not self.closed:
            self._file.close()
        super().close()


@dataclass(frozen=True)
class DecodedFrame:
    """One video frame: its media time (s), its picture, and the request it answers."""

    time_s: float
    image: QImage
    request: int


class VideoDecoder:
    """One recording's decoder thread; call :meth:`close` to stop it (joined)."""

    def __init__(self, source: MediaSource, deliver: Callable[[DecodedFrame], None],
                 on_error: Callable[[str], None] | None = None, *,
                 name: str = "inkseal-video") -> None:
        self._source = source
        self._deliver = deliver
        self._on_error = on_error
        self._wake = threading.Condition()
        self._wanted: tuple[int, float] | None = None
        self._stopping = False
        self._requests = 0
        self.duration_s: float | None = None
        self.size: tuple[int, int] | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def show(self, time_s: float) -> int:
        """Ask for the frame on screen at ``time_s``; returns the request's number."""
        with self._wake:
            self._requests += 1
            self._wanted = (self._requests, max(0.0, time_s))
            self._wake.notify()
            return self._requests

    def close(self) -> None:
        """Stop decoding and wait for the thread.  Idempotent."""
        with self._wake:
            self._stopping = True
            self._wake.notify()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    # -- worker -------------------------------------------------------------------------
    def _next_request(self) -> tuple[int, float] | None:
        with self._wake:
            while self._wanted is None and not self._stopping:
                self._wake.wait()
            if self._stopping:
                return None
            wanted, self._wanted = self._wanted, None
            return wanted

    def _run(self) -> None:
        import av

        try:
            reader = MemberReader(self._source)
        except OSError as exc:
            self._fail(f"cannot open the recording: {exc}")
            return
        try:
            with reader, av.open(reader, mode="r") as container:
                stream = container.streams.video[0]
                stream.thread_type = "AUTO"
                self.size = (stream.codec_context.width, stream.codec_context.height)
                self._serve(container, stream)
        except (av.FFmpegError, IndexError, OSError, ValueError) as exc:
            log.warning("recording %s cannot be decoded: %s", self._source.path, exc)
            self._fail(str(exc))

    def _fail(self, message: str) -> None:
        if self._on_error is not None:
            self._on_error(message)

    def _serve(self, container: Any, stream: Any) -> None:
        frames = None
        current: Any = None   # the last decoded frame
        upcoming: Any = None  # a decoded frame past the last wanted time, kept for next time
        while (request := self._next_request()) is not None:
            number, wanted = request
            behind = current is None or wanted < float(current.time or 0.0)
            far = current is not None and wanted > float(current.time or 0.0) + FORWARD_WINDOW_S
            if frames is None or behind or far:
                target = int(wanted / float(stream.time_base))
                container.seek(max(0, target), stream=stream, backward=True, any_frame=False)
                frames = container.decode(stream)
                current, upcoming = None, None
            best = current
            if upcoming is not None:
                if float(upcoming.time or 0.0) <= wanted:
                    best, upcoming = upcoming, None
            while upcoming is None:
                try:
                    frame = next(frames)
                except StopIteration:
                    break
                if float(frame.time or 0.0) <= wanted:
                    best = frame
                else:
                    upcoming = frame
                    break
            if best is None:
                best = upcoming  # before the first frame: show the first one
            if best is None:
                continue
            current = best
            self._deliver(DecodedFrame(float(best.time or 0.0), _image(best), number))


def _image(frame: Any) -> QImage:
    rgb = frame.to_ndarray(format="rgb24")
    height, width = rgb.shape[:2]
    return QImage(rgb.data, width, height, rgb.strides[0], QImage.Format.Format_RGB888).copy()
