"""The hand-off from capture threads and callbacks to the writer thread: bounded, never blocking.

A camera thread or a PortAudio callback must never wait on the writer: ``offer_*`` either
queues the item or counts it as dropped and returns at once. Source status changes (lost,
returned, ended) are never dropped. The writer takes items in arrival order.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from devices.av.events import SourceRole
from devices.av.media import AudioBlock, VideoFrame

__all__ = ["CaptureQueue", "SourceStatus", "StatusKind"]


class StatusKind:
    LOST = "lost"
    RETURNED = "returned"
    ENDED = "ended"


@dataclass(frozen=True)
class SourceStatus:
    """A source changed state at session instant ``t_ns``."""

    role: SourceRole
    kind: str          # StatusKind value
    t_ns: int
    reason: str = ""


class CaptureQueue:
    """What sources push into (``CaptureOutlet``) and the writer pulls from."""

    def __init__(self, *, max_video: int = 30, max_audio: int = 1000) -> None:
        self._items: deque[VideoFrame | AudioBlock | SourceStatus] = deque()
        self._cond = threading.Condition(threading.Lock())
        self._max_video = max_video
        self._max_audio = max_audio
        self._video = 0
        self._audio = 0
        self.video_dropped = 0
        self.audio_dropped = 0
        self.last_audio_arrival_ns = 0   # written by the audio side, read by the writer

    def offer_video(self, frame: VideoFrame) -> bool:
        """Queue a frame, or count it dropped when the writer is a second behind."""
        with self._cond:
            if self._video >= self._max_video:
                self.video_dropped += 1
                return False
            self._video += 1
            self._items.append(frame)
            self._cond.notify()
        return True

    def offer_audio(self, block: AudioBlock) -> bool:
        """Queue a block, or count it dropped (the gap is then measured and filled)."""
        self.last_audio_arrival_ns = block.arrived_ns
        with self._cond:
            if self._audio >= self._max_audio:
                self.audio_dropped += 1
                return False
            self._audio += 1
            self._items.append(block)
            self._cond.notify()
        return True

    def post(self, status: SourceStatus) -> None:
        """Queue a status change; these are few and never dropped."""
        with self._cond:
            self._items.append(status)
            self._cond.notify()

    def get(self, timeout: float) -> VideoFrame | AudioBlock | SourceStatus | None:
        """The oldest item, or None after ``timeout`` seconds with nothing queued."""
        with self._cond:
            if not self._items and not self._cond.wait_for(lambda: bool(self._items), timeout):
                return None
            item = self._items.popleft()
            if isinstance(item, VideoFrame):
                self._video -= 1
            elif isinstance(item, AudioBlock):
                self._audio -= 1
            return item

    def __len__(self) -> int:
        with self._cond:
            return len(self._items)

    @property
    def pending_video(self) -> int:
        return self._video

    @property
    def pending_audio(self) -> int:
        return self._audio
