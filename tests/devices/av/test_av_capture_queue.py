"""Capture never waits on the writer: a full queue counts drops and returns at once."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from devices.av.capture_queue import CaptureQueue, SourceStatus, StatusKind
from devices.av.events import DropReason, FramesDropped, SourceRole
from devices.av.media import AudioBlock, VideoFrame
from devices.av.muxer import EncoderSettings
from devices.av.recorder import Recorder, RecorderSettings
from devices.clock import SessionClock


def frame(i: int) -> VideoFrame:
    return VideoFrame(np.zeros((2, 2, 3), np.uint8), i, i, i)


def block(i: int) -> AudioBlock:
    return AudioBlock(np.zeros((4, 1), np.int16), i, i + 1)


def test_a_full_queue_drops_and_counts_without_waiting() -> None:
    q = CaptureQueue(max_video=2, max_audio=3)
    t0 = time.perf_counter()
    accepted = [q.offer_video(frame(i)) for i in range(5)] + [q.offer_audio(block(i)) for i in range(5)]
    assert time.perf_counter() - t0 < 0.05
    assert accepted == [True, True, False, False, False, True, True, True, False, False]
    assert (q.video_dropped, q.audio_dropped) == (3, 2)
    q.post(SourceStatus(SourceRole.CAMERA, StatusKind.LOST, 9))   # status is never dropped
    got = [q.get(0) for _ in range(6)]
    assert [type(g).__name__ for g in got] == ["VideoFrame"] * 2 + ["AudioBlock"] * 3 + ["SourceStatus"]
    assert q.get(0.01) is None
    assert q.last_audio_arrival_ns == 5   # arrival is noted even for a dropped block


def test_a_stuck_subscriber_costs_frames_not_capture(tmp_path: Path) -> None:
    events: list = []
    slept = []

    def slow_segment(_: object) -> None:
        if not slept:
            slept.append(1)
            time.sleep(1.2)        # the writer thread is stuck in a subscriber

    settings = RecorderSettings(size=(160, 96), max_video_queue=3,
                                encoder=EncoderSettings(preset="ultrafast"))
    recorder = Recorder(SessionClock(), settings=settings)
    recorder.start(tmp_path / "stuck.mkv", "synthetic", "synthetic", slow_segment, events.append)
    time.sleep(3.0)
    summary = recorder.stop()
    assert recorder.camera is not None and recorder.camera.frames >= 80   # capture never paused
    assert summary.dropped.get("queue_full", 0) >= 20
    drops = [e for e in events if isinstance(e, FramesDropped) and e.reason is DropReason.QUEUE_FULL]
    assert sum(e.count for e in drops) == summary.dropped["queue_full"]
    # Audio queued meanwhile and was written: no silence was needed.
    assert all(g.reason.value == "audio_not_started" for g in summary.gaps)
