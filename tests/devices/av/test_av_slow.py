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
