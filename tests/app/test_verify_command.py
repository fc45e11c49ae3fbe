"""``inkseal verify``: the report in text, JSON and HTML, exit codes that say pass, fail or
untrusted, and clear errors for a wrong passphrase, a missing key, an unusable trust file,
another site's root and an expired certificate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from tests.records.test_session_world import demo, package, small_site, unpacked


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main(["verify", *(str(a) for a in args)])
    out, err = capsys.readouterr()
    return code, out, err


def trust() -> list[object]:
    return ["--trust", demo().trust_root]


def key_args() -> list[object]:
    result = demo()
    return ["--archive-key", result.archive_key, "--passphrase-file", result.passphrase_file]


def test_a_sound_package_passes_with_exit_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, package(), *trust(), *key_args())
    assert code == 0
    assert "结论：验证通过" in out and "[通过] 笔迹与签名图像 Sig_4_suspect" in out
    code, out, _ = run(capsys, package(), *trust(), "--language", "en")
    assert code == 0 and "Verdict: VERIFIED" in out and "Archive key: not given" in out


def test_without_trust_roots_the_exit_code_says_untrusted(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, package(), "--language", "en")
    assert code == 3 and "NOT given" in out


def test_a_tampered_package_fails_with_exit_one(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    bag = unpacked(tmp_path)
    log = bag / "data" / "logs" / "terminal-1.jsonl"
    log.write_bytes(log.read_bytes().replace(b'"pages":3', b'"pages":4', 1))
    code, out, _ = run(capsys, bag, *trust(), "--json")
    report = json.loads(out)
    assert code == 1 and report["outcome"] == "fail"
    reasons = {c["reason"] for c in report["checks"] if c["verdict"] == "fail"}
    assert {"file_altered", "edited"} <= reasons


def test_json_and_html_reports_go_where_they_are_asked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, package(), *trust(), "--json", tmp_path / "report.json")
    assert code == 0 and out == ""
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["outcome"] == "pass" and report["record"]["id"] == demo().record_id
    code, out, _ = run(capsys, package(), *trust(), "--html", tmp_path / "report.html",
                       "--language", "en")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert code == 0 and "VERIFIED" in out and "<table>" in page and "VERIFIED" in page


def test_a_wrong_passphrase_is_a_clear_error(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase\n")
    code, out, err = run(capsys, package(), *trust(), "--archive-key", demo().archive_key,
                         "--passphrase-file", wrong)
    assert code == 2 and out == ""
    assert "口令错误" in err and "wrong_passphrase" in err
    code, _, err = run(capsys, package(), *trust(), "--archive-key", demo().archive_key,
                       "--passphrase-file", wrong, "--language", "en")
    assert "wrong passphrase" in err


def test_a_missing_key_or_passphrase_is_a_clear_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, package(), "--archive-key", tmp_path / "nokey.pem",
                       "--passphrase-file", demo().passphrase_file)
    assert code == 2 and "找不到密钥文件" in err and "key_missing" in err
    code, _, err = run(capsys, package(), "--archive-key", demo().archive_key,
                       "--language", "en")
    assert code == 2 and "--passphrase-file" in err
    code, _, err = run(capsys, package(), "--archive-key", demo().archive_key,
                       "--passphrase-file", tmp_path / "absent.txt", "--language", "en")
    assert code == 2 and "passphrase_unreadable" in err


def test_unusable_trust_files_and_paths_are_clear_errors(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate")
    code, _, err = run(capsys, package(), "--trust", bad, "--language", "en")
    assert code == 2 and "not a PEM certificate" in err
    code, _, err = run(capsys, package(), "--trust", tmp_path / "none.pem")
    assert code == 2 and "无法读取信任根文件" in err
    code, _, err = run(capsys, tmp_path / "nothing.zip")
    assert code == 2 and "找不到" in err


def test_another_sites_root_trusts_nothing(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other-root.pem"
    other.write_bytes(small_site().root_file().read_bytes())
    code, out, _ = run(capsys, package(), "--trust", other, "--json")
    reasons = {(c["name"], c["reason"]) for c in json.loads(out)["checks"]
               if c["verdict"] == "fail"}
    assert code == 1
    assert ("signature", "untrusted") in reasons and ("log_key", "cert_untrusted") in reasons


def test_certificates_expired_at_the_time_asked_are_named(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, package(), *trust(), "--at", "2049-01-01T00:00:00+08:00",
                       "--json")
    expired = [c for c in json.loads(out)["checks"] if c["reason"] == "cert_expired"]
    assert code == 1
    assert {c["subject"] for c in expired} >= {"Sig_1_prosecutor", "Sig_4_suspect", "Sig_Seal"}
    assert all("expired on" in c["message"] for c in expired)
    code, _, err = run(capsys, package(), "--at", "yesterday")
    assert code == 2 and "时间格式错误" in err
