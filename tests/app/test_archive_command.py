"""``inkseal archive renew``: a renewed package beside the original, clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from tests.records.test_session_world import demo, package


def site_args() -> list[str]:
    result = demo()
    return ["--set", f"pki.dir={result.data_dir / 'pki'}", "archive", "renew"]


def test_renew_writes_a_verified_package(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "renewed.zip"
    code = main([*site_args(), str(package()), "--out", str(out),
                 "--passphrase-file", str(demo().passphrase_file)])
    stdout, stderr = capsys.readouterr()
    assert code == 0, stderr
    assert out.is_file() and "renewed" in stdout and "verifying the renewed package" in stderr
    assert main(["verify", str(out), "--trust", str(demo().trust_root)]) == 0


def test_renew_refuses_an_existing_destination_and_a_wrong_passphrase(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    taken = tmp_path / "taken.zip"
    taken.write_bytes(b"")
    assert main([*site_args(), str(package()), "--out", str(taken),
                 "--passphrase-file", str(demo().passphrase_file)]) == 2
    assert "已存在" in capsys.readouterr().err
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase\n", encoding="ascii")
    assert main([*site_args(), str(package()), "--out", str(tmp_path / "new.zip"),
                 "--passphrase-file", str(wrong)]) == 2
    assert "无法打开站点密钥" in capsys.readouterr().err
    assert not (tmp_path / "new.zip").exists()
