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


def test_scan_lists_each_package_with_its_renewal_date(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    import json
    import shutil

    from crypto.pki.roles import Role
    from tests.records.test_session_world import demo_site

    shutil.copy(package(), tmp_path / "one.zip")
    (tmp_path / "broken.zip").write_bytes(b"not a zip")
    assert main(["archive", "scan", str(tmp_path), "--json", "--within", "30"]) == 1
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [Path(r["path"]).name for r in rows] == ["one.zip", "broken.zip"]
    tsa = demo_site().certificate(demo_site().names.tsa, Role.TSA)
    assert rows[0]["renew_by"] == tsa.not_valid_after_utc.isoformat()
    assert rows[0]["due"] is False and rows[0]["record"]
    assert rows[1]["due"] is True and rows[1]["renew_by"] is None and rows[1]["problem"]
    (tmp_path / "broken.zip").unlink()
    assert main(["archive", "scan", str(tmp_path)]) == 0
    assert "正常 ok" in capsys.readouterr().out
    # Within ten years every package is due.
    assert main(["archive", "scan", str(tmp_path), "--within", "3650"]) == 1
    assert "需续期 DUE" in capsys.readouterr().out
