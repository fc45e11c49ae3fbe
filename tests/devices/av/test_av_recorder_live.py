"""The recorder in real time with its own threads: synthetic sources, faults, file sources."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import numpy as np
import pytest
from avtest_support import SMALL, write_clip

from devices.av._cv import cv2
from devices.av.calibration import measure_sync
from devices.av.errors import RecorderError, SourceUnavailable
from devices.av.events import (
    GapReason,
    RecordingStopped,
    SourceLost,
    SourceReturned,
    SourceRole,
    StopReason,
    StreamKind,
)
from devices.av.integrity import check_recording
from devices.av.media import PhotoFormat
from devices.av.muxer import EncoderSettings
from devices.av.recorder import Recorder, RecorderSettings, RecorderState
from devices.av.sources import open_camera
from devices.av.synthetic_camera import SyntheticCameraSettings
from devices.clock import SessionClock

SETTINGS = RecorderSettings(size=SMALL, encoder=EncoderSettings(preset="ultrafast"),
                            preview_fps=10.0)


def test_synthetic_recording_with_photo_and_preview(tmp_path: Path) -> None:
    previews: list = []
    events: list = []
    recorder = Recorder(SessionClock(), settings=SETTINGS, preview=previews.append)
    out = tmp_path / "live.mkv"
    recorder.start(out, "synthetic", "synthetic", on_event=events.append)
    assert recorder.state is RecorderState.RECORDING
    time.sleep(0.6)
    photo = recorder.take_photo()
    jpeg_photo = recorder.take_photo(PhotoFormat.JPEG)
    time.sleep(0.6)
    summary = recorder.stop()
    assert recorder.state is RecorderState.STOPPED
    assert recorder.stop() is summary                      # stopping twice is harmless
    assert summary.stop_reason is StopReason.REQUESTED and summary.simulated
    assert 1.0 < summary.duration_s < 2.5
    assert summary.video_frames > 20
    assert check_recording(out).ok
    # The photo: full resolution, lossless PNG, hash of exactly its bytes, marked simulated.
    assert photo.sha256 == hashlib.sha256(photo.data).hexdigest()
    image = cv2.imdecode(np.frombuffer(photo.data, np.uint8), cv2.IMREAD_COLOR)
    assert image.shape == (SMALL[1], SMALL[0], 3)
    assert photo.simulated and photo.mime_type == "image/png" and photo.wall_time_utc.endswith("Z")
    assert jpeg_photo.data[:2] == b"\xff\xd8"
    # The preview: small JPEGs, a few a second, not one per recorded frame.
    assert 3 <= len(previews) <= 15
    p = previews[-1]
    assert p.jpeg[:2] == b"\xff\xd8" and p.image.shape[:2] == (p.height, p.width)
    assert p.width <= 320 and p.height <= 180 and p.simulated
    assert isinstance(events[-1], RecordingStopped)


def test_an_unplugged_camera_is_a_logged_video_gap_while_audio_goes_on(tmp_path: Path) -> None:
    clock = SessionClock()
    camera = open_camera("synthetic", clock, synthetic=SyntheticCameraSettings(
        width=SMALL[0], height=SMALL[1], outages=[(0.5, 2.0)]))
    events: list = []
    recorder = Recorder(clock, settings=SETTINGS)
    out = tmp_path / "unplugged.mkv"
    recorder.start(out, camera, "synthetic", on_event=events.append)
    time.sleep(3.2)
    summary = recorder.stop()
    lost = [e for e in events if isinstance(e, SourceLost) and e.role is SourceRole.CAMERA]
    back = [e for e in events if isinstance(e, SourceReturned) and e.role is SourceRole.CAMERA]
    assert len(lost) == 1 and len(back) == 1
    assert 1.9 <= back[0].outage_s <= 2.4
    video_gaps = [g for g in summary.gaps if g.stream is StreamKind.VIDEO]
    assert len(video_gaps) == 1 and video_gaps[0].reason is GapReason.SOURCE_LOST
    assert 0.4 <= video_gaps[0].media_start_s <= 0.7
    audio_gaps = [g for g in summary.gaps if g.stream is StreamKind.AUDIO
                  and g.reason is not GapReason.AUDIO_NOT_STARTED]
    assert audio_gaps == []                               # the microphone never noticed
    assert summary.duration_s > 3.0
    assert check_recording(out).ok


def test_a_video_file_and_its_audio_record_in_sync_and_stop_at_their_end(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mkv"
    write_clip(clip, 2.0, flash_at_s=1.0)
    recorder = Recorder(SessionClock(), settings=SETTINGS)
    out = tmp_path / "from-file.mkv"
    recorder.start(out, str(clip), str(clip))
    assert recorder.camera is not None and recorder.camera.info.kind == "file"
    assert not recorder.camera.info.simulated
    assert recorder.wait(10.0)                             # both sources ended by themselves
    summary = recorder.stop()
    assert summary.stop_reason is StopReason.SOURCES_ENDED
    assert not summary.simulated
    assert 1.9 <= summary.duration_s <= 2.6
    m = measure_sync(out)
    assert len(m.pairs) == 1 and m.max_abs_ms <= 10.0, m.pairs


def test_a_wav_file_can_stand_in_for_the_microphone(tmp_path: Path) -> None:
    wav = tmp_path / "voice.wav"
    write_clip(wav, 1.0, video=False)
    recorder = Recorder(SessionClock(), settings=SETTINGS)
    out = tmp_path / "wav.mkv"
    recorder.start(out, "synthetic", str(wav))
    time.sleep(1.6)
    summary = recorder.stop()
    ended = [g for g in summary.gaps if g.reason is GapReason.SOURCE_ENDED]
    assert ended and 0.9 <= ended[0].media_start_s <= 1.1   # silence after the file's end
    assert summary.simulated                                 # the camera still was


def test_a_missing_microphone_is_an_error_before_anything_is_created(tmp_path: Path) -> None:
    recorder = Recorder(SessionClock(), settings=SETTINGS)
    out = tmp_path / "never.mkv"
    with pytest.raises(SourceUnavailable) as err:
        recorder.start(out, "synthetic", "No Such Microphone")
    assert err.value.reason == "microphone_missing"
    assert not out.exists() and list(tmp_path.iterdir()) == []
    assert recorder.state is RecorderState.IDLE


def test_a_missing_camera_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SourceUnavailable) as err:
        Recorder(SessionClock()).start(tmp_path / "x.mkv", "/nowhere/clip.mp4", "synthetic")
    assert err.value.reason == "file_not_found"


def test_an_unreadable_video_file_is_an_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all" * 10)
    with pytest.raises(SourceUnavailable) as err:
        Recorder(SessionClock()).start(tmp_path / "x.mkv", str(junk), "synthetic")
    assert err.value.reason == "camera_unreadable"


def test_a_recording_is_never_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "exists.mkv"
    out.write_bytes(b"evidence")
    with pytest.raises(RecorderError) as err:
        Recorder(SessionClock()).start(out, "synthetic", "synthetic")
    assert err.value.reason == "output_exists"
    assert out.read_bytes() == b"evidence"


def test_one_recorder_records_once(tmp_path: Path) -> None:
    recorder = Recorder(SessionClock(), settings=SETTINGS)
    recorder.start(tmp_path / "a.mkv", "synthetic", "synthetic")
    try:
        with pytest.raises(RecorderError) as err:
            recorder.start(tmp_path / "b.mkv", "synthetic", "synthetic")
        assert err.value.reason == "already_started"
    finally:
        recorder.stop()
    with pytest.raises(RecorderError):
        Recorder(SessionClock()).take_photo()


def test_an_output_folder_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RecorderError) as err:
        Recorder(SessionClock(), settings=SETTINGS).start(tmp_path / "no" / "x.mkv", "synthetic",
                                                          "synthetic")
    assert err.value.reason == "output_unwritable"


def test_hardware_only_refuses_to_fall_back_to_simulation(tmp_path: Path) -> None:
    from devices.av.discovery import hardware_cameras
    if hardware_cameras():
        pytest.skip("this machine has a camera")
    settings = RecorderSettings(size=SMALL, allow_simulated=False)
    with pytest.raises(SourceUnavailable) as err:
        Recorder(SessionClock(), settings=settings).start(tmp_path / "x.mkv", "auto", "auto")
    assert err.value.reason == "camera_missing"
    assert list(tmp_path.iterdir()) == []
