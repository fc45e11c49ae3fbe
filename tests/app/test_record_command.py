"""``inkseal record``: record from synthetic or file sources, stop cleanly, check a recording."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from devices.av.integrity import check_recording
from devices.av.segment_list import list_path_for

REPO = Path(__file__).resolve().parents[2]
SMALL = ["--size", "160x96"]


def record(out: Path, *extra: str) -> int:
    return main(["--set", "language=en", "record", str(out), *extra])


def test_record_synthetic_then_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "signing.mkv"
    assert record(out, "--camera", "synthetic", "--microphone", "synthetic", "--seconds", "1.5",
                  *SMALL, "--preset", "ultrafast") == 0
    text = capsys.readouterr().out
    assert "[SIMULATED]" in text and "stopped (requested)" in text
    assert str(list_path_for(out)) in text
    assert check_recording(out).ok
    assert main(["--set", "language=en", "record", "--check", str(out)]) == 0
    assert "ok:" in capsys.readouterr().out
    assert main(["--set", "language=zh", "record", "--check", str(out)]) == 0
    assert "一致" in capsys.readouterr().out


def test_check_names_the_altered_segment(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "signing.mkv"
    assert record(out, "--camera", "synthetic", "--microphone", "synthetic", "--seconds", "2.5",
                  *SMALL, "--preset", "ultrafast") == 0
    capsys.readouterr()
    data = bytearray(out.read_bytes())
    where = len(data) // 2
    data[where] ^= 0xFF
    out.write_bytes(bytes(data))
    assert main(["--set", "language=en", "record", "--check", str(out)]) == 1
    said = capsys.readouterr().out
    assert "MISMATCH (altered) at segment" in said
    first, last = (int(v) for v in said.split("bytes ")[1].split(",")[0].split("-"))
    assert first <= where <= last


def test_record_from_a_video_file_stops_at_its_end(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    sys.path.insert(0, str(REPO / "tests" / "devices" / "av"))
    try:
        from avtest_support import write_clip
    finally:
        sys.path.pop(0)
    clip = tmp_path / "clip.mkv"
    write_clip(clip, 1.0)
    out = tmp_path / "copy.mkv"
    assert record(out, "--camera", str(clip), "--microphone", str(clip), "--preset", "ultrafast") == 0
    text = capsys.readouterr().out
    assert "stopped (sources_ended)" in text and "[SIMULATED]" not in text
    assert check_recording(out).ok


def test_a_missing_microphone_fails_before_recording(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.mkv"
    assert record(out, "--camera", "synthetic", "--microphone", "No Such Microphone") == 2
    assert "[microphone_missing]" in capsys.readouterr().err
    assert not out.exists()


def test_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert record(tmp_path / "x.mkv", "--size", "big", "--camera", "synthetic") == 2
    assert "--size" in capsys.readouterr().err
    assert main(["record", "--check", str(tmp_path / "absent.mkv")]) == 2
    existing = tmp_path / "exists.mkv"
    existing.write_bytes(b"keep me")
    assert record(existing, "--camera", "synthetic", "--microphone", "synthetic") == 2
    assert existing.read_bytes() == b"keep me"


def test_ctrl_c_stops_cleanly(tmp_path: Path) -> None:
    out = tmp_path / "interrupted.mkv"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "app", "--set", "language=en", "record",
                             str(out), "--camera", "synthetic", "--microphone", "synthetic",
                             *SMALL], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if "Ctrl-C stops" in line:
                break
        proc.stdout.readline()                   # one progress line: a second was recorded
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "stopped (requested)" in rest
    result = check_recording(out)
    assert result.ok and result.complete
