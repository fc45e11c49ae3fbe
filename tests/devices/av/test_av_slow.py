"""Scenarios that take seconds: a recorder killed with SIGKILL, and minutes of drifting media."""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import av
import pytest
from avtest_support import run_simulation

from devices.av.calibration import measure_sync
from devices.av.integrity import check_recording

REPO = Path(__file__).resolve().parents[3]

CHILD = """
import json, sys, time
from pathlib import Path
from devices.av.recorder import Recorder, RecorderSettings
from devices.av.muxer import EncoderSettings
from devices.clock import SessionClock
recorder = Recorder(SessionClock(), settings=RecorderSettings(
    size=(640, 360), encoder=EncoderSettings(preset="ultrafast")))
recorder.start(Path(sys.argv[1]), "synthetic", "synthetic")
print(json.dumps({"origin": time.monotonic()}), flush=True)
time.sleep(60)
"""


@pytest.mark.slow
@pytest.mark.external
@pytest.mark.parametrize("round_", range(3))
def test_a_killed_recorder_leaves_a_readable_verifiable_file(tmp_path: Path, round_: int) -> None:
    if shutil.which("ffprobe") is None:
        pytest.skip("ffprobe is not installed")
    out = tmp_path / "killed.mkv"
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(out)], cwd=REPO,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        origin = json.loads(proc.stdout.readline())["origin"]
        delay = random.Random(round_).uniform(1.5, 4.0)
        time.sleep(max(0.0, origin + delay - time.monotonic()))
        killed = time.monotonic() - origin
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_name",
                            "-of", "csv=p=0", str(out)], capture_output=True, text=True, timeout=60)
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.split() == ["h264", "flac"]
    last_end = 0.0
    with av.open(str(out)) as container:
        for frame in container.decode(video=0, audio=0):
            if frame.time is not None:
                last_end = max(last_end, float(frame.time))
    assert killed - last_end <= 1.0, (killed, last_end)
    result = check_recording(out)
    assert result.ok and not result.complete
    assert result.segments_verified >= 1


@pytest.mark.slow
def test_two_minutes_of_a_200_ppm_microphone_with_an_overrun_stay_in_sync(tmp_path: Path) -> None:
    flashes = [2.0 * k for k in range(1, 60)]
    out = tmp_path / "long.mkv"
    summary = run_simulation(out, 120.0,
                             camera_kw={"flash_at_s": flashes, "latency_ms": 60.0, "jitter_ms": 3.0},
                             mic_kw={"marks_at_s": flashes, "drift_ppm": 200.0, "jitter_ms": 4.0,
                                     "overruns": [(61.0, 0.15)]})
    m = measure_sync(out)
    assert len(m.pairs) == len(flashes)
    assert m.max_abs_ms <= 10.0
    assert abs(summary.drift_ppm - 200.0) < 2.0


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
@pytest.mark.external
def test_a_network_camera_stream_is_recorded_and_its_end_is_a_loss(tmp_path: Path) -> None:
    """An IP camera stands in as ``ffmpeg -re`` serving a live stream on loopback."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed")
    from devices.av.events import SourceLost, SourceRole
    from devices.av.muxer import EncoderSettings
    from devices.av.recorder import Recorder, RecorderSettings
    from devices.clock import SessionClock

    port = _free_port()
    server = subprocess.Popen(["ffmpeg", "-v", "quiet", "-re", "-f", "lavfi", "-i",
                               "testsrc2=size=160x96:rate=30", "-t", "2.5", "-c:v", "mjpeg",
                               "-f", "nut", f"tcp://127.0.0.1:{port}?listen=1"])
    try:
        time.sleep(0.5)
        events: list = []
        recorder = Recorder(SessionClock(), settings=RecorderSettings(
            encoder=EncoderSettings(preset="ultrafast")))
        out = tmp_path / "ipcam.mkv"
        recorder.start(out, f"tcp://127.0.0.1:{port}", "synthetic", on_event=events.append)
        assert recorder.camera is not None and recorder.camera.info.kind == "url"
        time.sleep(3.5)
        summary = recorder.stop()
    finally:
        server.kill()
        server.wait()
    assert summary.video_frames >= 40
    assert any(isinstance(e, SourceLost) and e.role is SourceRole.CAMERA for e in events)
    assert check_recording(out).ok


@pytest.mark.slow
def test_a_real_full_disk_stops_the_recording_and_keeps_it_verifiable(tmp_path: Path) -> None:
    """A 400 KB tmpfs (needs the right to mount; skipped otherwise)."""
    import os

    from devices.av.events import StopReason
    from devices.av.muxer import EncoderSettings
    from devices.av.recorder import Recorder, RecorderSettings
    from devices.av.sources import open_camera
    from devices.av.synthetic_camera import SyntheticCameraSettings
    from devices.av.writer import WriterSettings
    from devices.clock import SessionClock

    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs",
                                            str(disk)], capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        clock = SessionClock()
        camera = open_camera("synthetic", clock, synthetic=SyntheticCameraSettings(
            width=320, height=180, noise_sigma=8))
        recorder = Recorder(clock, settings=RecorderSettings(
            encoder=EncoderSettings(preset="ultrafast"),
            writer=WriterSettings(disk_reserve_bytes=0)))
        out = disk / "full.mkv"
        recorder.start(out, camera, "synthetic")
        assert recorder.wait(30.0), "the disk never filled"
        summary = recorder.stop()
        assert summary.stop_reason is StopReason.DISK_FULL
        assert summary.size == out.stat().st_size
        result = check_recording(out)
        assert result.ok, result.describe()
        assert result.bytes_verified + result.unlisted_tail == summary.size
        with av.open(str(out)) as container:
            assert sum(1 for _ in container.decode(video=0)) > 5
    finally:
        subprocess.run(["umount", str(disk)], check=False)
