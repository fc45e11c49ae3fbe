"""``inkseal devices``: listing every family, replaying every fixture, recording a pad."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from app.cli import main
from devices.transport.hid_recording import read_recording

STREAMS = [
    "01-wacom-penstation2-056a-0061/recording.hid",
    "04-xppen-deco01-28bd-0042/pen_buttons.hid",
    "04-xppen-deco01-28bd-0042/pen_coords.hid",
    "04-xppen-deco01-28bd-0042/pen_pressure.hid",
    "05-xppen-artist16pro-28bd-900a/pen_pressure.hid",
    "06-xppen-g430-28bd-0075/pen_pressure.hid",
    "07-huion-hs610-256c-006d/pen_pressure.hid",
    "07-huion-hs610-256c-006d/pen_tilt.hid",
    "10-wacom-stu-pendata-log/stu-report34.SYNTHETIC-from-logfile1.txt",
]
REQUIRED = {"x", "y", "pressure", "tilt_x", "tilt_y", "in_range", "touching", "buttons", "t_ns",
            "device_time", "sequence"}


@pytest.fixture(autouse=True)
def no_serial_probing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Listing must not wait on the test machine's serial ports."""
    try:
        import devices.fingerprint.discovery as fingerprint
    except ImportError:
        return
    monkeypatch.setattr(fingerprint, "_serial_ports", lambda: [], raising=False)


def test_lists_every_family_and_marks_simulated_devices(capsys: pytest.CaptureFixture) -> None:
    assert main(["--set", "language=en", "devices"]) == 0
    out = capsys.readouterr().out
    for heading in ("Signature pads and pen tablets:", "Fingerprint readers:", "Cameras:",
                    "Microphones:"):
        assert heading in out
    pad_line = next(line for line in out.splitlines() if "simulated:stu-540" in line)
    assert "<simulated>" in pad_line and "056a:00a8" in pad_line


def test_listing_in_chinese(capsys: pytest.CaptureFixture) -> None:
    assert main(["--set", "language=zh", "devices"]) == 0
    out = capsys.readouterr().out
    assert "签名板与数位板:" in out and "<模拟>" in out


def test_hardware_mode_lists_no_simulated_pad(capsys: pytest.CaptureFixture) -> None:
    assert main(["--set", "language=en", "--set", "devices.mode=hardware", "devices"]) == 0
    out = capsys.readouterr().out
    assert "simulated:stu-540" not in out
    section = out.split("Signature pads and pen tablets:")[1].split("Fingerprint")[0]
    assert "(none found)" in section


def test_a_missing_family_says_it_cannot_be_listed(capsys: pytest.CaptureFixture,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "devices.av.discovery", None)  # as if not built yet
    assert main(["--set", "language=en", "devices"]) == 0
    out = capsys.readouterr().out
    cameras = out.split("Cameras:")[1].split("Microphones:")[0]
    assert "cannot be listed" in cameras and "camera" in cameras


@pytest.mark.parametrize("relative", STREAMS)
def test_replay_json_on_every_fixture(shared_fixtures: Path, relative: str,
                                      capsys: pytest.CaptureFixture) -> None:
    path = shared_fixtures / "hid" / relative
    assert main(["devices", "--replay", str(path), "--json"]) == 0
    captured = capsys.readouterr()
    rows = [json.loads(line) for line in captured.out.splitlines()]
    assert len(rows) > 100
    assert all(REQUIRED <= row.keys() for row in rows)
    assert [r["t_ns"] for r in rows] == sorted(r["t_ns"] for r in rows)
    reports = read_recording(path).reports
    assert len(rows) <= len(reports)
    assert "0 skipped" in captured.err or "跳过 0 个" in captured.err
    if "stu-report34" in relative:
        assert rows[0]["sequence"] == 1 and rows[-1]["sequence"] == 1529
        assert rows[0]["device_time"] is not None
    if "pen_tilt" in relative:
        assert any(r["tilt_x"] < 0 for r in rows)


def test_replay_text_output(shared_fixtures: Path, capsys: pytest.CaptureFixture) -> None:
    path = shared_fixtures / "hid" / "04-xppen-deco01-28bd-0042" / "pen_pressure.hid"
    assert main(["--set", "language=en", "devices", "--replay", str(path)]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 1125 and lines[0].split()[0] == "0.000000s"
    assert any(" touch " in line for line in lines)
    assert "1125 samples from 1125 reports; 0 skipped, 0 lost" in captured.err


def test_replay_of_a_broken_file_names_the_line(tmp_path: Path,
                                                capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "bad.hid"
    bad.write_text("D: 0\nR: 3 05 0d\n", encoding="utf-8")
    assert main(["devices", "--replay", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.hid:2" in err and "length" in err
    assert main(["devices", "--replay", str(tmp_path / "missing.hid")]) == 1


def test_replay_of_a_vendor_descriptor_without_a_decoder(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture) -> None:
    opaque = tmp_path / "vendor.hid"
    opaque.write_text("R: 28 05 0d 09 01 a1 01 85 02 a1 00 06 00 ff 09 01 15 00 26 ff 00 75 08"
                      " 95 07 81 02 c0 c0\nI: 3 1234 5678\nE: 0.0 8 02 00 00 00 00 00 00 00\n",
                      encoding="utf-8")
    assert main(["devices", "--replay", str(opaque)]) == 1
    assert "vendor format" in capsys.readouterr().err


def test_record_without_a_pad_is_a_clear_error(capsys: pytest.CaptureFixture,
                                               monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    import devices.pen.discovery as discovery
    monkeypatch.setattr(discovery, "enumerate_hid", lambda backend=None, *a: [])
    assert main(["--set", "language=en", "devices", "--record", str(tmp_path / "x.hid")]) == 1
    assert "no signature pad or pen tablet is attached" in capsys.readouterr().err
    assert not (tmp_path / "x.hid").exists()


def test_record_the_simulated_pad_then_replay_it(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "sim.hid"
    assert main(["--set", "language=en", "devices", "--record", str(out), "--pad", "simulated",
                 "--seconds", "0.6"]) == 0
    assert "reports written to" in capsys.readouterr().err
    recording = read_recording(out)
    assert 60 <= len(recording.reports) <= 200  # 200 reports/s for 0.6 s
    assert recording.features  # capability and information answers kept for the replay
    assert main(["devices", "--replay", str(out), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == len(recording.reports) and rows[0]["sequence"] == 1


@pytest.mark.parametrize("argv", [["devices", "--json"], ["devices", "--seconds", "3"],
                                  ["devices", "--replay", "a.hid", "--record", "b.hid"]])
def test_misused_options(argv: list[str], capsys: pytest.CaptureFixture) -> None:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    assert code == 2


@pytest.mark.parametrize("relative", [
    "02-wacom-inkling-056a-0221/recording-descriptor-only.hid",
    "08-wacom-intuos-pro-m-pth660-056a-0357/rdesc.hid",
    "09-huion-kamvas-pro-19-256c-006b/rdesc.hid",
])
def test_replay_of_descriptor_only_fixtures(shared_fixtures: Path, relative: str,
                                            capsys: pytest.CaptureFixture) -> None:
    path = shared_fixtures / "hid" / relative
    assert main(["--set", "language=en", "devices", "--replay", str(path), "--json"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "0 samples from 0 reports" in captured.err
    assert "hid-digitizer" in captured.err


def test_replay_of_a_usbhid_dump_with_its_descriptor(shared_fixtures: Path,
                                                     capsys: pytest.CaptureFixture) -> None:
    folder = shared_fixtures / "hid" / "06-xppen-g430-28bd-0075"
    assert main(["devices", "--replay", str(folder / "pen_pressure.usbhid-dump.txt"),
                 "--descriptor", str(folder / "rd-original0.usbhid-dump.txt"), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 2453 and max(r["pressure"] for r in rows) == 2047
