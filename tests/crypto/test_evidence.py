"""Evidence bundles: encrypted for the archive, bound by hash, readable only with its key."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from asn1crypto import cms
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto.evidence import (
    EvidenceBundle,
    EvidenceError,
    EvidenceItem,
    decrypt_envelope,
    envelope,
    open_embedded,
    open_package_file,
    seal_evidence,
)
from crypto.pades_attributes import EvidenceAttribute, EvidenceContent
from crypto.pki import Role
from tests.crypto.test_pades_world import PASSPHRASE, identity, site

RECORD = hashlib.sha256(b"record").digest()


def archive() -> tuple[object, rsa.RSAPrivateKey]:
    ident = identity("archive", Role.ARCHIVE)
    assert isinstance(ident.private_key, rsa.RSAPrivateKey)
    return ident.certificate, ident.private_key


def bundle(**overrides: object) -> EvidenceBundle:
    values = dict(field_name="Sig_3_suspect", signatory_name="张三", signatory_role="犯罪嫌疑人",
                  record_sha256=RECORD, captured_at=datetime(2026, 11, 29, 9, 0, tzinfo=UTC),
                  pen_track_iso=b"\x01\x02" * 3000, pen_track_readable=b'{"samples":[]}',
                  fingerprint_png=b"\x89PNG" + b"f" * 20000, photo_jpeg=b"\xff\xd8" + b"p" * 60000)
    values.update(overrides)
    return EvidenceBundle.standard(**values)  # type: ignore[arg-type]


def test_only_the_pen_track_travels_inside_the_signature() -> None:
    cert, key = archive()
    sealed = seal_evidence(bundle(), cert)  # type: ignore[arg-type]
    items = {i["name"]: i for i in sealed.attribute.native["items"]}
    assert {n for n, i in items.items() if i["embedded"]} == {"pen_track"}
    assert items["photo"]["sha256"] == hashlib.sha256(b"\xff\xd8" + b"p" * 60000).digest()
    # The photo and fingerprint stay out: the attribute is a fraction of the package file.
    assert len(sealed.attribute_der) < 10_000 < len(sealed.package_file)
    opened = open_embedded(sealed.attribute, key)
    assert opened.items == {"pen_track": b"\x01\x02" * 3000}
    assert opened.signatory_name == "张三"


def test_package_file_opens_every_item_against_its_signed_hash() -> None:
    cert, key = archive()
    sealed = seal_evidence(bundle(), cert)  # type: ignore[arg-type]
    opened = open_package_file(sealed.package_file, sealed.attribute, key)
    assert set(opened.items) == {"pen_track", "pen_track_readable", "fingerprint", "photo"}
    assert opened.record_sha256 == RECORD


def test_nothing_biometric_is_readable_without_the_archive_key() -> None:
    cert, _ = archive()
    sealed = seal_evidence(bundle(), cert)  # type: ignore[arg-type]
    for blob in (sealed.attribute_der, sealed.package_file):
        assert b"\x01\x02" * 16 not in blob and b"p" * 64 not in blob
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(EvidenceError) as err:
        open_embedded(sealed.attribute, stranger)
    assert err.value.reason == "wrong_archive_key"


def test_package_file_of_another_bundle_is_refused() -> None:
    cert, key = archive()
    mine = seal_evidence(bundle(), cert)  # type: ignore[arg-type]
    theirs = seal_evidence(bundle(field_name="Sig_2_appropriate_adult",
                                  signatory_name="王五"), cert)  # type: ignore[arg-type]
    with pytest.raises(EvidenceError) as err:
        open_package_file(theirs.package_file, mine.attribute, key)
    assert err.value.reason == "package_mismatch"


def test_envelope_of_another_signatory_inside_an_attribute_is_refused() -> None:
    cert, key = archive()
    mine = seal_evidence(bundle(), cert)  # type: ignore[arg-type]
    theirs = seal_evidence(bundle(signatory_name="王五"), cert)  # type: ignore[arg-type]
    forged = EvidenceAttribute.load(mine.attribute.dump())
    forged["embedded"] = theirs.attribute["embedded"]
    with pytest.raises(EvidenceError) as err:
        open_embedded(forged, key)
    assert err.value.reason == "context_mismatch" and err.value.item == "signatory_name"


def test_item_changed_inside_the_envelope_fails_its_hash() -> None:
    cert, key = archive()
    sealed = seal_evidence(bundle(), cert)  # type: ignore[arg-type]
    content = EvidenceContent.load(decrypt_envelope(sealed.attribute["embedded"], key))
    content["items"][0]["data"] = b"forged pen track"
    forged = EvidenceAttribute.load(sealed.attribute.dump())
    forged["embedded"] = envelope(content.dump(), cert)  # type: ignore[arg-type]
    with pytest.raises(EvidenceError) as err:
        open_embedded(forged, key)
    assert err.value.reason == "hash_mismatch" and err.value.item == "pen_track"


def test_oversized_embedded_evidence_is_refused() -> None:
    cert, _ = archive()
    with pytest.raises(EvidenceError) as err:
        seal_evidence(bundle(pen_track_iso=b"x" * 300_000), cert)  # type: ignore[arg-type]
    assert err.value.reason == "embedded_too_large"


def test_archive_must_be_an_rsa_recipient() -> None:
    not_rsa = identity("officer-1", Role.OFFICER).certificate
    with pytest.raises(EvidenceError) as err:
        seal_evidence(bundle(), not_rsa)
    assert err.value.reason == "not_archive_certificate"


@settings(max_examples=15, deadline=None)
@given(data=st.binary(max_size=5000), name=st.text(min_size=1, max_size=12))
def test_any_item_round_trips(data: bytes, name: str) -> None:
    cert, key = archive()
    b = EvidenceBundle("Sig_X", name, "role", RECORD, datetime(2026, 1, 1, tzinfo=UTC),
                       (EvidenceItem("pen_track", "application/octet-stream", data, embed=True),))
    sealed = seal_evidence(b, cert)  # type: ignore[arg-type]
    assert open_embedded(sealed.attribute, key).items["pen_track"] == data
    assert open_package_file(sealed.package_file, sealed.attribute, key).signatory_name == name


@pytest.mark.external
def test_openssl_decrypts_the_package_file(tmp_path: Path) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")
    cert, _ = archive()
    sealed = seal_evidence(bundle(), cert)  # type: ignore[arg-type]
    (tmp_path / "bundle.p7m").write_bytes(sealed.package_file)
    ident = site().load_identity("archive", Role.ARCHIVE, PASSPHRASE)
    done = subprocess.run(
        ["openssl", "cms", "-decrypt", "-inform", "DER", "-in", str(tmp_path / "bundle.p7m"),
         "-inkey", str(ident.key_file), "-passin", "pass:" + PASSPHRASE.decode(),
         "-recip", str(ident.cert_file), "-out", str(tmp_path / "plain.der")],
        capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    content = EvidenceContent.load((tmp_path / "plain.der").read_bytes())
    assert content["signatory_name"].native == "张三"
    info = cms.ContentInfo.load(sealed.package_file)
    assert info["content"]["recipient_infos"][0].chosen["key_encryption_algorithm"][
        "algorithm"].native == "rsaes_oaep"
