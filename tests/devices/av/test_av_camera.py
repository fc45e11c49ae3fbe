"""The camera driver over VideoCapture-like devices: stamps, latency, skips, loss, files."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from avtest_support import write_clip

from devices.av._cv import cv2
from devices.av.camera import Camera, CameraMode
from devices.av.capture_queue import CaptureQueue, SourceStatus, StatusKind
from devices.av.clocks import ManualClock
from devices.av.errors import SourceUnavailable
from devices.av.events import SourceInfo, SourceRole
from devices.av.media import VideoFrame
from devices.av.sources import open_camera
from devices.av.synthetic_camera import SyntheticCameraSettings, SyntheticCapture
from devices.clock import SessionClock

INFO = SourceInfo(SourceRole.CAMERA, "device", "fake", False)
PERIOD = 1e9 / 30


class ScriptedCapture:
    """Frames on demand: ``grab`` succeeds while ``alive``; POS_MSEC is what the test says."""

    def __init__(self) -> None:
        self.alive = True
        self.pos_msec = 0.0
        self.released = False

    def isOpened(self) -> bool:  # noqa: N802
        return self.alive

    def grab(self) -> bool:
        return self.alive

    def retrieve(self) -> tuple[bool, np.ndarray]:
        return True, np.zeros((4, 4, 3), np.uint8)

    def get(self, prop: int) -> float:
        return self.pos_msec if prop == cv2.CAP_PROP_POS_MSEC else 0.0

    def release(self) -> None:
        self.released = True


def driver(clock, cap, **kw) -> tuple[Camera, CaptureQueue]:  # type: ignore[no-untyped-def]
    camera = Camera(lambda: cap, INFO, clock, width=4, height=4, fps=30.0, **kw)
    queue = CaptureQueue()
    camera.attach(queue, clock.now_ns())
    return camera, queue


def frames(queue: CaptureQueue) -> list[VideoFrame]:
    out = []
    while (item := queue.get(0)) is not None:
        if isinstance(item, VideoFrame):
            out.append(item)
    return out


def test_a_frame_is_stamped_at_grab_minus_the_latency() -> None:
    clock = ManualClock(5_000_000_000)
    camera, queue = driver(clock, ScriptedCapture(), latency_ns=45_000_000)
    camera.capture_once()
    (frame,) = frames(queue)
    assert frame.grabbed_ns == 5_000_000_000
    assert frame.exposure_ns == 5_000_000_000 - 45_000_000
    assert camera.latest_frame() is frame


def test_kernel_timestamps_are_used_only_when_plausible() -> None:
    clock = ManualClock(5_000_000_000)
    cap = ScriptedCapture()
    camera, queue = driver(clock, cap, latency_ns=10_000_000, kernel_timestamps=True)
    cap.pos_msec = 4_980.0                 # the kernel saw it 20 ms before grab() returned
    camera.capture_once()
    cap.pos_msec = 123.0                   # nonsense from a driver: ignored
    clock.advance_by(int(PERIOD))
    camera.capture_once()
    a, b = frames(queue)
    assert a.exposure_ns == 4_980_000_000 - 10_000_000
    assert b.exposure_ns == b.grabbed_ns - 10_000_000


def grab_at(clock: ManualClock, camera: Camera, times_ms: list[float]) -> None:
    for t in times_ms:
        clock.advance_to(int(1e9 + t * 1e6))
        camera.capture_once()


def test_frames_the_camera_skipped_are_counted_once() -> None:
    clock = ManualClock(1_000_000_000)
    camera, queue = driver(clock, ScriptedCapture(), latency_ns=0)
    p = PERIOD / 1e6
    grab_at(clock, camera, [k * p for k in [0, 1, 2, *range(5, 20)]])   # 3 and 4 never came
    assert sum(f.skipped_before for f in frames(queue)) == 2
    assert camera.skipped == 2


def test_late_or_bunched_grabs_are_not_skips() -> None:
    clock = ManualClock(1_000_000_000)
    camera, queue = driver(clock, ScriptedCapture(), latency_ns=0)
    p = PERIOD / 1e6
    late = [k * p for k in range(20)]
    late[5] += 25                                                  # one grab 25 ms late
    late[10:14] = [13 * p + 1] * 4                                 # 4 frames held up, then bunched
    grab_at(clock, camera, late)
    assert sum(f.skipped_before for f in frames(queue)) == 0


def test_an_unplugged_camera_is_reported_lost_and_back() -> None:
    cap = ScriptedCapture()
    clock = SessionClock()
    camera = Camera(lambda: cap, INFO, clock, width=4, height=4, fps=30.0, latency_ns=0,
                    reconnect_s=0.02)
    queue = CaptureQueue()
    camera.start(queue, clock.now_ns())
    try:
        time.sleep(0.05)
        cap.alive = False
        time.sleep(0.1)
        cap.alive = True
        time.sleep(0.1)
    finally:
        camera.stop()
    statuses = []
    while (item := queue.get(0)) is not None:
        if isinstance(item, SourceStatus):
            statuses.append(item.kind)
    assert statuses == [StatusKind.LOST, StatusKind.RETURNED]
    assert cap.released


def test_a_missing_camera_is_an_error_at_open() -> None:
    cap = ScriptedCapture()
    cap.alive = False
    camera = Camera(lambda: cap, INFO, SessionClock(), width=4, height=4, fps=30.0, latency_ns=0)
    with pytest.raises(SourceUnavailable) as err:
        camera.open()
    assert err.value.reason == "camera_missing"


def test_a_video_file_is_paced_by_its_own_frame_times_and_ends(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mkv"
    write_clip(clip, 0.5, audio=False)
    clock = SessionClock()
    camera = open_camera(str(clip), clock)
    assert camera.mode is CameraMode.FILE
    assert (camera.width, camera.height, round(camera.fps)) == (160, 96, 30)
    queue = CaptureQueue()
    origin = clock.now_ns()
    camera.start(queue, origin)
    try:
        deadline = time.monotonic() + 5
        items: list = []
        while time.monotonic() < deadline:
            item = queue.get(0.1)
            if item is not None:
                items.append(item)
                if isinstance(item, SourceStatus):
                    break
    finally:
        camera.stop()
    got = [i for i in items if isinstance(i, VideoFrame)]
    assert isinstance(items[-1], SourceStatus) and items[-1].kind == StatusKind.ENDED
    assert len(got) == 15
    offsets = [(f.exposure_ns - origin) / 1e6 for f in got]
    assert offsets == pytest.approx([k * 1000 / 30 for k in range(15)], abs=1.5)
    assert all(f.grabbed_ns >= f.exposure_ns - 2_000_000 for f in got)  # never ahead of time


def test_the_synthetic_camera_is_labelled_and_knows_its_latency() -> None:
    camera = open_camera("synthetic", SessionClock(), size=(320, 180), fps=25)
    assert camera.info.simulated and "SIMULATED" in camera.info.describe()
    assert (camera.width, camera.height, camera.fps) == (320, 180, 25)
    assert camera.latency_ns == 40_000_000
    camera.stop()


def test_the_synthetic_picture_flashes_at_the_asked_instants_and_says_simulated() -> None:
    clock = ManualClock()
    cap = SyntheticCapture(clock, SyntheticCameraSettings(width=320, height=180, flash_at_s=[1.0],
                                                          flash_frames=3), paced=False,
                           start_ns=clock.now_ns())
    luma = [float(cap.render(k).mean()) for k in range(28, 35)]
    assert [v > 250 for v in luma] == [False, False, True, True, True, False, False]
    # The label is burned in: the top band differs from the plain pattern.
    assert cap.render(0)[:20].std() > 10


def test_the_synthetic_camera_can_be_unplugged_for_a_while() -> None:
    clock = ManualClock()
    cap = SyntheticCapture(clock, SyntheticCameraSettings(outages=[(1.0, 2.0)]),
                           start_ns=clock.now_ns())
    assert cap.isOpened()
    clock.advance_by(1_500_000_000)
    assert not cap.isOpened() and not cap.grab()
    clock.advance_by(2_000_000_000)
    assert cap.isOpened() and cap.grab()


@pytest.mark.parametrize("driver_timestamps", [True, False])
def test_frames_read_late_keep_when_they_were_taken_with_driver_timestamps(
        driver_timestamps: bool) -> None:
    clock = SessionClock()
    camera = open_camera("synthetic", clock, synthetic=SyntheticCameraSettings(
        width=64, height=48, fps=30, jitter_ms=3.0, driver_timestamps=driver_timestamps))
    queue = CaptureQueue()
    camera.attach(queue, clock.now_ns())
    try:
        camera.capture_once()
        time.sleep(0.1)  # the reader is held up for three frame periods
        for _ in range(4):  # the three the 'driver' kept, then one on time
            camera.capture_once()
    finally:
        camera.stop()
    spacing_ms = np.diff([f.exposure_ns for f in frames(queue)]) / 1e6
    if driver_timestamps:  # as V4L2 gives them: each frame when it was taken, jitter and all gone
        assert spacing_ms == pytest.approx([1000 / 30] * 4, abs=0.01)
    else:  # stamped when read: the kept frames bunch together after the wait
        assert spacing_ms[0] > 90 and min(spacing_ms[1:]) < 5
