"""Encrypted key storage and passphrase sources."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto.pem import unarmor
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from crypto.keys import (
    KeyStoreError,
    PassphraseError,
    PassphraseSource,
    load_pkcs12,
    load_private_key,
    save_pkcs12,
    save_private_key,
)
from crypto.pki.builder import SubjectSpec, make_ca_certificate
from crypto.pki.roles import Role
from crypto.pki.site import utc_now


@pytest.mark.parametrize("key", [ec.generate_private_key(ec.SECP256R1()),
                                 ed25519.Ed25519PrivateKey.generate(),
                                 rsa.generate_private_key(public_exponent=65537, key_size=2048)],
                         ids=["ec", "ed25519", "rsa"])
def test_key_round_trips_encrypted_and_private(tmp_path: Path, key: object) -> None:
    path = tmp_path / "k.key.pem"
    save_private_key(path, key, b"s3cret", iterations=1000)  # type: ignore[arg-type]
    text = path.read_bytes()
    assert text.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = load_private_key(path, b"s3cret")
    spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    original = key.public_key().public_bytes(*spki)  # type: ignore[attr-defined]
    assert loaded.public_key().public_bytes(*spki) == original


def test_stored_keys_resist_guessing_with_600k_pbkdf2_rounds(tmp_path: Path) -> None:
    path = tmp_path / "k.key.pem"
    save_private_key(path, ec.generate_private_key(ec.SECP256R1()), b"pw")
    _kind, _headers, der = unarmor(path.read_bytes())
    info = asn1_keys.EncryptedPrivateKeyInfo.load(der)
    params = info["encryption_algorithm"]["parameters"]
    assert params["key_derivation_func"]["parameters"]["iteration_count"].native == 600_000
    assert params["encryption_scheme"]["algorithm"].native == "aes256_cbc"
    assert load_private_key(path, b"pw")


@pytest.mark.external
def test_openssl_reads_our_key_files(tmp_path: Path) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")
    path = tmp_path / "k.key.pem"
    save_private_key(path, ec.generate_private_key(ec.SECP256R1()), b"pw", iterations=1000)
    done = subprocess.run(["openssl", "pkey", "-in", str(path), "-passin", "pass:pw", "-noout"],
                          capture_output=True, check=False)
    assert done.returncode == 0, done.stderr


def test_wrong_passphrase_is_a_typed_error(tmp_path: Path) -> None:
    path = tmp_path / "k.key.pem"
    save_private_key(path, ec.generate_private_key(ec.SECP256R1()), b"right", iterations=1000)
    with pytest.raises(KeyStoreError) as err:
        load_private_key(path, b"wrong")
    assert err.value.reason == "wrong_passphrase" and err.value.path == str(path)


def test_missing_key_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(KeyStoreError) as err:
        load_private_key(tmp_path / "absent.key.pem", b"x")
    assert err.value.reason == "key_missing"


def test_a_key_in_the_clear_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "clear.key.pem"
    path.write_bytes(ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    with pytest.raises(KeyStoreError) as err:
        load_private_key(path, b"anything")
    assert err.value.reason == "key_unencrypted"


def test_damaged_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "junk.key.pem"
    path.write_bytes(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nnot base64 at all\n")
    with pytest.raises(KeyStoreError) as err:
        load_private_key(path, b"x")
    assert err.value.reason == "key_corrupt"


def test_existing_key_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "k.key.pem"
    save_private_key(path, ec.generate_private_key(ec.SECP256R1()), b"a")
    before = path.read_bytes()
    with pytest.raises(KeyStoreError) as err:
        save_private_key(path, ec.generate_private_key(ec.SECP256R1()), b"a")
    assert err.value.reason == "key_exists" and path.read_bytes() == before


def test_empty_passphrase_is_refused_for_storage(tmp_path: Path) -> None:
    with pytest.raises(PassphraseError):
        save_private_key(tmp_path / "k.pem", ec.generate_private_key(ec.SECP256R1()), b"")


def test_pkcs12_round_trip_and_wrong_passphrase(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = make_ca_certificate(Role.ROOT_CA, SubjectSpec("t", "o"), key.public_key(),
                               now=utc_now(), issuer=None, issuer_key=key)
    path = tmp_path / "id.p12"
    save_pkcs12(path, "officer", key, cert, [], b"pw")
    loaded_key, loaded_cert, extra = load_pkcs12(path, b"pw")
    assert loaded_cert == cert and extra == []
    assert isinstance(loaded_key, ec.EllipticCurvePrivateKey)
    with pytest.raises(KeyStoreError) as err:
        load_pkcs12(path, b"nope")
    assert err.value.reason == "wrong_passphrase"


def test_passphrase_from_environment() -> None:
    source = PassphraseSource.from_env("INKSEAL_TEST_PASS")
    assert source.read(environ={"INKSEAL_TEST_PASS": "geheim"}) == b"geheim"
    with pytest.raises(PassphraseError) as err:
        source.read(environ={})
    assert err.value.reason == "passphrase_missing" and "INKSEAL_TEST_PASS" in err.value.origin


def test_passphrase_from_file_drops_one_trailing_newline(tmp_path: Path) -> None:
    path = tmp_path / "pass"
    path.write_bytes("口令 with space\n".encode())
    assert PassphraseSource.from_file(path).read() == "口令 with space".encode()
    with pytest.raises(PassphraseError) as err:
        PassphraseSource.from_file(tmp_path / "absent").read()
    assert err.value.reason == "passphrase_unreadable"


def test_prompt_confirms_a_new_passphrase() -> None:
    answers = iter(["one", "two"])
    with pytest.raises(PassphraseError) as err:
        PassphraseSource.from_prompt("New: ", confirm=True).read(ask=lambda _p: next(answers))
    assert err.value.reason == "passphrase_mismatch"
    same = iter(["one", "one"])
    assert PassphraseSource.from_prompt("New: ", confirm=True).read(
        ask=lambda _p: next(same)) == b"one"


def test_empty_passphrase_is_an_error() -> None:
    with pytest.raises(PassphraseError) as err:
        PassphraseSource.from_prompt("P: ").read(ask=lambda _p: "")
    assert err.value.reason == "passphrase_empty"


def test_passphrase_never_shows_in_repr() -> None:
    assert "hunter2" not in repr(PassphraseSource.of("hunter2"))
