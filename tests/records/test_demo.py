"""The headless demo: stage one (one unsigned record of every template, and where it went) and
the full record, from draft to a verified evidence package."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields

from records.demo import demo_record_id, run_headless_demo
from records.templates import TEMPLATE_DIR, load_templates
from tests.records.test_session_world import demo as full_demo

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "out"
    messages: list[str] = []
    return run_headless_demo(out, progress=messages.append, unsigned=True), messages, out


def test_writes_one_pdf_per_template(demo):
    result, messages, out = demo
    templates = load_templates()
    assert result.ok and result.errors == []
    assert sorted(f.template_id for f in result.files) == sorted(templates)
    assert len(messages) == len(templates)
    for item in result.files:
        assert item.path.parent == out and item.path.name == f"{item.template_id}.zh.pdf"
        data = item.path.read_bytes()
        assert hashlib.sha256(data).hexdigest() == item.sha256
        names = [n for n, _, _ in enumerate_sig_fields(PdfFileReader(io.BytesIO(data)))]
        assert names == list(item.signature_fields) and names[-1] == "Sig_Seal"
    assert not [p for p in out.iterdir() if p.suffix != ".pdf"]  # no partial files left


def test_summary_says_what_and_where(demo):
    result, _, out = demo
    summary = result.summary()
    assert str(out.resolve()) in summary
    for item in result.files:
        assert item.path.name in summary and item.sha256 in summary
    assert "all done" in summary and "revision 0" in summary


def test_the_demo_is_reproducible(demo, tmp_path):
    first, _, _ = demo
    again = run_headless_demo(tmp_path, progress=lambda _: None, unsigned=True)
    assert [f.sha256 for f in again.files] == [f.sha256 for f in first.files]


def test_record_ids_are_marked_as_demo():
    template = load_templates()["plea_agreement"]
    assert demo_record_id(template).startswith("DEMO-")
    assert demo_record_id(template) == demo_record_id(template)


def test_english_and_bilingual_runs(tmp_path):
    for language in ("en", "zh+en"):
        result = run_headless_demo(tmp_path / language, language=language,
                                   progress=lambda _: None, unsigned=True)
        assert result.ok, result.errors
        assert all(f.path.name.endswith(f".{language.replace('+', '-')}.pdf")
                   for f in result.files)


def test_unknown_language_fails_cleanly(tmp_path):
    result = run_headless_demo(tmp_path, language="fr", progress=lambda _: None)
    assert not result.ok and "fr" in result.errors[0] and result.files == []
    assert "FAILED" in result.summary()


def test_a_broken_template_fails_the_demo_and_says_which(tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    text = (TEMPLATE_DIR / "custody_notice.toml").read_text(encoding="utf-8")
    (folder / "custody_notice.toml").write_text(text.replace('role = "suspect"',
                                                             'role = "detainee"'),
                                                encoding="utf-8")
    result = run_headless_demo(tmp_path / "out", templates_dir=folder, progress=lambda _: None,
                               unsigned=True)
    assert not result.ok
    assert "custody_notice.toml" in result.errors[0] and "unknown_role" in result.errors[0]


@pytest.mark.slow
def test_inkseal_demo_headless_unsigned_command(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("INKSEAL_")}
    env.update(INKSEAL_DATA_DIR=str(tmp_path / "data"),
               INKSEAL_SETTINGS=str(tmp_path / "settings.toml"))
    run = subprocess.run([sys.executable, "-m", "app", "demo", "--headless", "--unsigned",
                          "--out", str(tmp_path / "out")], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    written = sorted(p.name for p in (tmp_path / "out").glob("*.pdf"))
    assert len(written) == 8
    assert str((tmp_path / "out").resolve()) in run.stdout
    for name in written:
        assert name in run.stdout


# --------------------------------------------------------------------------- the full record
def test_full_demo_seals_packages_and_verifies_the_record():
    result = full_demo()
    assert result.ok and not result.unsigned and result.errors == []
    assert result.package.name == f"record-{result.record_id}.zip"
    assert result.report.ok and result.report.trusted and result.report.archive_key
    checks = {(c.name, c.subject) for c in result.report.checks}
    for field in ("Sig_2_recorder", "Sig_3_appropriate_adult", "Sig_4_suspect"):
        assert ("ink", field) in checks and ("log_binding", field) in checks
    assert result.report.simulated == {
        "terminal-1": ["camera", "fingerprint", "microphone", "pad"],
        "workstation-1": ["camera", "fingerprint", "microphone", "pad"]}


def test_full_demo_says_what_it_did_and_how_to_verify_again():
    result = full_demo()
    summary = result.summary()
    assert str(result.package.resolve()) in summary and "demo passed" in summary
    assert "inkseal verify" in summary and str(result.trust_root) in summary
    assert "VERIFIED" in summary
    messages = "\n".join(result.messages)
    for step in ("site PKI", "local TSA", "drafted", "certifying", "Sig_2_recorder: signed",
                 "Sig_3_appropriate_adult: signed", "Sig_4_suspect: signed", "sealing",
                 "package", "verifying", "SIMULATED"):
        assert step in messages, step


def test_full_demo_data_directory_holds_site_database_logs_and_media():
    result = full_demo()
    data = result.data_dir
    assert (data / "pki" / "site.json").exists() and (data / "inkseal.sqlite3").exists()
    logs = sorted(p.name for p in (data / "capture" / result.record_id).iterdir())
    assert logs == ["terminal-1.jsonl", "workstation-1.jsonl"]
    assert len(list((data / "media").glob("*.mkv"))) == 2
    assert result.passphrase_file.stat().st_mode & 0o077 == 0


def test_full_demo_failure_is_reported_not_raised(tmp_path):
    (tmp_path / "out" / "data").mkdir(parents=True)
    (tmp_path / "out" / "data" / "pki").write_text("not a directory")
    result = run_headless_demo(tmp_path / "out", progress=lambda _: None, pen_speed=None,
                               av=False)
    assert not result.ok and result.errors and result.package is None
    assert "FAILED" in result.summary()
