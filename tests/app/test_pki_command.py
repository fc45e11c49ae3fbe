"""``inkseal pki``: init, issue, list, import, crl, revoke; passphrases never as arguments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from app.cli import main
from crypto.keys import save_pkcs12
from crypto.pki import Role, SitePki
from crypto.pki.builder import SubjectSpec, make_ca_certificate, make_end_entity
from crypto.pki.site import utc_now

FAST = ["--kdf-iterations", "1000"]


@pytest.fixture
def pki_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SITE_PASS", "site secret")
    return tmp_path / "pki"


def pki(pki_dir: Path, *args: str) -> int:
    return main(["--set", "language=en", "pki", "--dir", str(pki_dir),
                 "--passphrase-env", "SITE_PASS", *args])


def test_init_creates_a_working_site_and_list_shows_it(pki_dir: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert pki(pki_dir, "init", "--site-name", "某某市人民检察院", "--terminal", "room-1",
               "--terminal", "room-2", "--officer", "li=李检察官", *FAST) == 0
    assert "13 certificates" in capsys.readouterr().out  # 2 terminals x 3, workstation x 3, 4 more
    assert pki(pki_dir, "list", "--json") == 0
    listing = json.loads(capsys.readouterr().out)
    assert listing["site"] == "某某市人民检察院"
    roles = {(e["name"], e["role"]) for e in listing["entries"]}
    assert {("room-1", "terminal-log"), ("room-2", "terminal-tls"), ("li", "officer"),
            ("seal", "seal"), ("tsa", "tsa"), ("archive", "archive")} <= roles
    officer = next(e for e in listing["entries"] if e["name"] == "li")
    assert officer["common_name"] == "李检察官" and officer["key"] == "file"


def test_issue_adds_a_certificate_and_refuses_a_duplicate(
        pki_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert pki(pki_dir, "init", *FAST) == 0
    assert pki(pki_dir, "issue", "officer", "wang", "--display-name", "王检察官") == 0
    assert "issued officer certificate for wang" in capsys.readouterr().out
    assert SitePki.open(pki_dir).find("wang").common_name == "王检察官"
    assert pki(pki_dir, "issue", "officer", "wang") == 2
    assert "[entry_exists]" in capsys.readouterr().err


def test_wrong_passphrase_is_reported_in_both_languages(
        pki_dir: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert pki(pki_dir, "init", *FAST) == 0
    monkeypatch.setenv("SITE_PASS", "guess")
    assert pki(pki_dir, "issue", "seal", "seal-2") == 2
    err = capsys.readouterr().err
    assert "口令错误" in err and "wrong passphrase" in err and "[wrong_passphrase]" in err


def test_passphrase_from_a_file(pki_dir: Path, tmp_path: Path) -> None:
    secret = tmp_path / "pass.txt"
    secret.write_text("from a file\n")
    assert main(["pki", "--dir", str(pki_dir), "--passphrase-file", str(secret), "init",
                 *FAST]) == 0
    assert SitePki.open(pki_dir).load_identity("officer-1", Role.OFFICER, b"from a file")


def test_without_a_terminal_or_source_it_asks_for_one(
        pki_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pki", "--dir", str(pki_dir), "init", *FAST]) == 2  # stdin is not a tty
    assert "[passphrase_missing]" in capsys.readouterr().err
    assert not pki_dir.exists() or not (pki_dir / "site.json").exists()


def test_no_site_yet_says_run_init(pki_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert pki(pki_dir, "list") == 2
    assert "[pki_missing]" in capsys.readouterr().err


def test_import_the_sites_own_ca_and_a_seal_certificate(
        pki_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ca_key = ec.generate_private_key(ec.SECP256R1())
    root = make_ca_certificate(Role.ROOT_CA, SubjectSpec("Province Root", "Province"),
                               ca_key.public_key(), now=utc_now(), issuer=None, issuer_key=ca_key)
    (tmp_path / "root.pem").write_bytes(root.public_bytes(_pem()))
    assert pki(pki_dir, "import", "--ca", str(tmp_path / "root.pem"),
               "--site-name", "Province") == 0
    seal_key = ec.generate_private_key(ec.SECP256R1())
    seal_cert = make_end_entity(Role.SEAL, SubjectSpec("Province Seal", "Province"),
                                seal_key.public_key(), now=utc_now(), issuer=root,
                                issuer_key=ca_key)
    save_pkcs12(tmp_path / "seal.p12", "seal", seal_key, seal_cert, [root], b"p12 pass")
    monkeypatch.setenv("P12_PASS", "p12 pass")
    assert pki(pki_dir, "import", "--role", "seal", "--name", "seal", "--p12",
               str(tmp_path / "seal.p12"), "--import-passphrase-env", "P12_PASS") == 0
    ident = SitePki.open(pki_dir).load_identity("seal", Role.SEAL, b"site secret")
    assert ident.certificate == seal_cert and ident.chain == (root,)


def test_revoke_then_crl(pki_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert pki(pki_dir, "init", *FAST) == 0
    assert pki(pki_dir, "revoke", "officer-1", "officer") == 0
    assert pki(pki_dir, "revoke", "officer-1", "chief") == 2
    assert "[bad_role]" in capsys.readouterr().err
    assert pki(pki_dir, "crl") == 0
    site = SitePki.open(pki_dir)
    serial = site.find("officer-1").serial
    assert any(c.get_revoked_certificate_by_serial_number(serial) for c in site.crls())


def _pem():  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives import serialization

    return serialization.Encoding.PEM


def test_issue_with_the_key_generated_on_a_pkcs11_token(pki_dir: Path, tmp_path: Path) -> None:
    import os
    import shutil
    import subprocess
    import sys

    module = next((m for m in ("/usr/lib/softhsm/libsofthsm2.so",
                               "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
                   if os.path.exists(m)), None)
    util = shutil.which("softhsm2-util")
    if module is None or util is None:
        pytest.skip("softhsm2 not installed")
    (tmp_path / "tokens").mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\n")
    # Its own process: SoftHSM reads its configuration once per process.
    env = {**os.environ, "SOFTHSM2_CONF": str(conf), "TOKEN_PIN": "123456"}
    subprocess.run([util, "--init-token", "--free", "--label", "officers", "--so-pin",
                    "12345678", "--pin", "123456"], env=env, check=True, capture_output=True)
    assert pki(pki_dir, "init", *FAST) == 0
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-m", "app", "--set", "language=en", "pki", "--dir", str(pki_dir),
         "--passphrase-env", "SITE_PASS", "issue", "officer", "chen", "--display-name", "陈检察官",
         "--pkcs11-module", module, "--token", "officers", "--pin-env", "TOKEN_PIN"],
        env=env, cwd=repo, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    entry = SitePki.open(pki_dir).find("chen")
    assert entry.key.kind == "pkcs11" and entry.key.token_label == "officers"
    assert not list(pki_dir.glob("certs/chen/*.key.pem"))  # the key never touched the disk
