"""``inkseal fingerprint``: capture to PNG from a port or the simulator, with clear failures."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.cli import main
from devices.fingerprint.emulation import ModuleSettings
from devices.fingerprint.image import png_text
from devices.fingerprint.simulator import ModuleSimulator


def test_simulated_capture_writes_a_marked_png_and_prints_its_hash(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "finger.png"
    imprint = tmp_path / "imprint.png"
    assert main(["fingerprint", "--simulate", "--out", str(out), "--imprint", str(imprint)]) == 0
    printed = capsys.readouterr().out
    assert "请将手指放在指纹仪上" in printed and "【模拟】" in printed     # default language zh
    digest = re.search(r"SHA-256: ([0-9a-f]{64})", printed).group(1)
    assert hashlib.sha256(out.read_bytes()).hexdigest() == digest
    assert png_text(out.read_bytes())["Inkseal-Simulated"] == "yes"
    with Image.open(imprint) as red:
        assert red.mode == "RGBA" and np.asarray(red)[..., 3].max() == 255


def test_english_output_and_a_quality_requirement(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "smudge.png"
    status = main(["--set", "language=en", "fingerprint", "--simulate", "--press", "smudged",
                   "--settle", "0.3", "--out", str(out), "--require", "acceptable"])
    captured = capsys.readouterr()
    assert status == 5 and out.exists()                       # kept, but flagged
    assert "Place a finger on the reader" in captured.out and "poor" in captured.out
    assert "below the required acceptable" in captured.err


def test_a_missing_port_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["--set", "language=en", "fingerprint", "--port", str(tmp_path / "ttyUSB3"),
                   "--out", str(tmp_path / "x.png")])
    assert status == 1
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def test_a_wrong_password_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with ModuleSimulator(settings=ModuleSettings(password=0x2A)) as simulator:
        status = main(["fingerprint", "--port", simulator.port, "--password", "7",
                       "--out", str(tmp_path / "x.png")])
        assert status == 1 and "口令不正确" in capsys.readouterr().err
        status = main(["fingerprint", "--port", simulator.port, "--password", "0x2a",
                       "--timeout", "5", "--out", str(tmp_path / "x.png")])
        assert status == 0


def test_a_finger_that_never_comes_times_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["--set", "language=en", "fingerprint", "--simulate", "--no-finger",
                   "--timeout", "0.5", "--out", str(tmp_path / "x.png")])
    assert status == 1
    assert "no finger was placed on the reader within 0.5 s" in capsys.readouterr().err


def test_a_reader_at_another_baud_rate_does_not_answer(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    with ModuleSimulator(settings=ModuleSettings(baud=115200)) as simulator:
        status = main(["--set", "language=en", "fingerprint", "--port", simulator.port,
                       "--out", str(tmp_path / "x.png")])
    assert status == 1 and "baud rate" in capsys.readouterr().err


@pytest.mark.parametrize("argument", [["--baud", "56000"], ["--password", "secret"]])
def test_bad_values_are_usage_errors(tmp_path: Path, argument: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["fingerprint", "--simulate", *argument, "--out", str(tmp_path / "x.png")])
    assert exit_info.value.code == 2


def test_an_output_folder_that_does_not_exist(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fingerprint", "--simulate", "--out", str(tmp_path / "no" / "x.png")]) == 2
    assert "不存在" in capsys.readouterr().err


def test_without_a_port_it_looks_for_one_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    import devices.fingerprint
    monkeypatch.setattr(devices.fingerprint, "list_fingerprint_readers", lambda **kw: [])
    status = main(["--set", "language=en", "fingerprint", "--out", str(tmp_path / "x.png")])
    assert status == 2 and "--simulate" in capsys.readouterr().err
