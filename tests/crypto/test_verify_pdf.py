"""PDF-level verification: a sound record passes every check; each kind of tampering is
caught with its own reason."""

from __future__ import annotations

import io
import re
from functools import cache

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.ades.api import GenericCommitment
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner

from crypto.appearance import stamp_style
from crypto.pades_attributes import EVIDENCE_ATTRIBUTE
from crypto.pades_dss import ValidationMaterial
from crypto.pades_report import Verdict
from crypto.pades_signers import SignedAttribute, with_signed_attributes
from crypto.pki import Role, create_working_site
from crypto.verify_pdf import PdfVerification, verify_record_pdf
from tests.crypto.test_pades_world import (
    SEAL_FIELD,
    SIGNATORIES,
    expectations,
    foreign_record,
    identity,
    sealed_record,
    signing_key,
    stamp,
)

# Every reason a damaged file may legitimately be reported under.
DAMAGE = {"digest_mismatch", "bad_signature", "contents_tampered", "signature_unreadable",
          "timestamp_unreadable", "timestamp_invalid", "not_pdf", "modified_after",
          "field_missing", "seal_missing", "doc_timestamp_missing", "field_unsigned",
          "order_wrong", "untrusted", "evidence_unreadable", "checkpoint_missing",
          "timestamp_missing", "seal_not_locked", "no_draft", "record_identity_mismatch",
          "evidence_record_mismatch", "dss_unreadable", "changed_after_seal",
          # a flip inside a field's name: the signature now sits in a field the record does not
          # have, so it is not a signatory's, and it has no evidence where one is expected
          "unexpected_signature", "wrong_role", "evidence_missing"}


def verify(pdf: bytes, **kwargs: object) -> PdfVerification:
    kwargs.setdefault("expected", expectations(sealed_record().record_sha256))
    kwargs.setdefault("trust", ValidationMaterial((identity("tsa", Role.TSA).chain[-1],)))
    return verify_record_pdf(pdf, **kwargs)  # type: ignore[arg-type]


def archive_key() -> rsa.RSAPrivateKey:
    key = identity("archive", Role.ARCHIVE).private_key
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


@cache
def sound_report() -> PdfVerification:
    return verify(sealed_record().sealed, archive_key=archive_key())


# ------------------------------------------------------------------------------- sound record
def test_sound_record_passes_every_check() -> None:
    report = sound_report()
    assert report.ok, [c.message for c in report.failures()]
    names = {(c.name, c.subject) for c in report.checks}
    for field, _, _ in SIGNATORIES:
        assert ("evidence", field) in names and ("signature_timestamp", field) in names
    assert {c.name for c in report.checks} >= {"record_identity", "fields", "signature",
                                               "signature_timestamp", "evidence", "checkpoints",
                                               "doc_timestamp"}


def test_checkpoints_and_evidence_are_handed_on() -> None:
    report = sound_report()
    record = sealed_record()
    assert report.checkpoints == ("inkseal.example/terminal-1\n42\n"
                                  "q6tWb2fGG9Bfy0Ga1kXf1iOpzoTm0x1Xo7bwvgRbXzQ=\n",)
    assert set(report.evidence) == {f for f, _, _ in SIGNATORIES}
    opened = report.opened_evidence[SIGNATORIES[1][0]]
    assert opened.signatory_name == "张三" and set(opened.items) == {"pen_track"}
    assert report.record_sha256 == record.record_sha256
    assert report.to_json()["ok"] is True


def test_package_files_open_completely_with_the_archive_key() -> None:
    record = sealed_record()
    files = {f: e.package_file for f, e in record.evidence.items()}
    report = verify(record.sealed, archive_key=archive_key(), evidence_files=files)
    assert report.ok
    items = report.opened_evidence[SIGNATORIES[0][0]].items
    assert set(items) == {"pen_track", "pen_track_readable", "fingerprint", "photo"}


def test_without_the_archive_key_evidence_is_checked_but_not_opened() -> None:
    report = verify(sealed_record().sealed)
    assert report.ok and report.opened_evidence == {}
    check = next(c for c in report.checks if c.name == "evidence")
    assert check.details["decrypted"] is False


def test_another_key_cannot_open_the_evidence() -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    report = verify(sealed_record().sealed, archive_key=stranger)
    assert report.reasons() == {"evidence_wrong_archive_key"}


def test_roots_of_another_site_trust_nothing(tmp_path: pytest.TempPathFactory) -> None:
    other = create_working_site(tmp_path / "other", b"pw", site_name="Elsewhere",
                                terminals=(), workstations=(), officers=(), kdf_iterations=1000)
    report = verify(sealed_record().sealed, trust=ValidationMaterial((other.root,)))
    assert "untrusted" in report.reasons()
    assert all(c.verdict is Verdict.FAIL for c in report.checks if c.name == "signature")


# ------------------------------------------------------------------------------- tampering
def _contents_spans(pdf: bytes) -> list[tuple[int, int]]:
    return [(m.start(1), m.end(1)) for m in re.finditer(rb"/Contents\s*<([0-9A-Fa-f]+)>", pdf)]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(position=st.floats(0, 1, exclude_max=True), mask=st.integers(1, 255))
def test_one_byte_flipped_anywhere_is_detected(position: float, mask: int) -> None:
    pdf = bytearray(sealed_record().sealed)
    at = int(position * len(pdf))
    pdf[at] ^= mask
    report = verify(bytes(pdf))
    assert not report.ok, f"flip at {at} with {mask:#x} went unnoticed"
    assert report.reasons() <= DAMAGE


def test_a_flip_in_a_signature_field_name_is_detected() -> None:
    sealed = sealed_record().sealed
    # The field as it was signed: the newest revision's copy of its dictionary.
    name = list(re.finditer(rb"/T \((Sig[^)]*prosecutor)\)", sealed))[-1]
    pdf = bytearray(sealed)
    pdf[name.end(1) - 3] ^= 0x01  # "prosecutor" -> "prosecutnr"
    report = verify(bytes(pdf))
    assert not report.ok
    assert {"field_missing", "unexpected_signature", "digest_mismatch"} <= report.reasons() <= DAMAGE


@pytest.mark.parametrize("where", ["der", "padding", "case"])
def test_flip_inside_each_signature_contents_is_detected(where: str) -> None:
    sealed = sealed_record().sealed
    for start, end in _contents_spans(sealed):
        pdf = bytearray(sealed)
        if where == "der":
            pdf[start + 40] ^= 0x01
        elif where == "padding":
            pdf[end - 3] = ord("1")
        else:
            hex_text = sealed[start:end]
            letter = next(i for i, ch in enumerate(hex_text) if chr(ch) in "ABCDEF")
            pdf[start + letter] ^= 0x20  # same value, other case
        report = verify(bytes(pdf))
        assert not report.ok and report.reasons() <= DAMAGE, (where, start)


def _append_update(pdf: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_page_overlay_appended_after_the_seal_is_detected() -> None:
    def overlay(writer: IncrementalPdfFileWriter) -> None:
        stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 500 Td (VOID) Tj ET")
        writer.add_stream_to_page(0, writer.add_object(stream))

    report = verify(_append_update(sealed_record().sealed, overlay))
    assert "modified_after" in report.reasons()
    failed = {c.subject for c in report.failures() if c.name in ("signature", "doc_timestamp")}
    assert SEAL_FIELD in failed and len(failed) >= 5  # every signature and the timestamp


def test_file_cut_back_to_before_the_seal_is_detected() -> None:
    record = sealed_record()
    report = verify(record.signed)
    assert {"seal_missing", "doc_timestamp_missing"} <= report.reasons()
    # What remains is intact: only the missing seal gives it away.
    assert all(c.verdict is Verdict.PASS for c in report.checks if c.name == "signature")


def test_signature_field_removed_is_detected() -> None:
    victim = SIGNATORIES[0][0]

    def remove(writer: IncrementalPdfFileWriter) -> None:
        acro = writer.root["/AcroForm"]
        fields = acro["/Fields"]
        keep = generic.ArrayObject(fields.raw_get(i) for i in range(len(fields))
                                   if fields[i]["/T"] != victim)
        acro["/Fields"] = keep
        writer.update_container(acro)
        page, _ = writer.find_page_for_modification(1)
        page_obj = page.get_object()
        annots = page_obj["/Annots"]
        page_obj["/Annots"] = generic.ArrayObject(
            annots.raw_get(i) for i in range(len(annots)) if annots[i].get("/T") != victim)
        writer.update_container(page)

    report = verify(_append_update(sealed_record().sealed, remove))
    print(report.reasons(), [c.message for c in report.failures()])
    assert {"field_missing", "modified_after"} <= report.reasons()


def test_evidence_files_swapped_between_signatories_are_detected() -> None:
    record = sealed_record()
    (first, _, _), (second, _, _) = SIGNATORIES
    swapped = {first: record.evidence[second].package_file,
               second: record.evidence[first].package_file}
    report = verify(record.sealed, evidence_files=swapped)
    assert report.reasons() == {"evidence_package_mismatch"}
    report = verify(record.sealed, evidence_files=swapped, archive_key=archive_key())
    assert report.reasons() == {"evidence_package_mismatch"}


def test_evidence_bundle_of_another_signatory_signed_into_a_field_is_detected() -> None:
    # An attacker holding the device key signs the adult's field with the suspect's bundle.
    record = sealed_record()
    (field, name, role), (other_field, _, _) = SIGNATORIES
    signer = with_signed_attributes(
        signing_key("terminal-1", Role.TERMINAL_SIGNING), GenericCommitment.PROOF_OF_APPROVAL,
        [SignedAttribute(EVIDENCE_ATTRIBUTE, record.evidence[other_field].attribute)])
    meta = PdfSignatureMetadata(field_name=field, md_algorithm="sha256",
                                subfilter=SigSeedSubFilter.PADES, name=name, reason=role)
    pdf = PdfSigner(meta, signer=signer, stamp_style=stamp_style(stamp(name, role),
                                                                 (230, 100))).sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(record.certified)), existing_fields_only=True)
    report = verify(pdf.getvalue())
    evidence = next(c for c in report.checks if c.name == "evidence" and c.subject == field)
    assert evidence.reason == "evidence_field_mismatch"


def test_foreign_validly_signed_record_is_detected() -> None:
    report = verify(foreign_record().sealed)
    assert report.reasons() == {"record_identity_mismatch"}


def test_garbage_is_reported_not_raised() -> None:
    for junk in (b"", b"not a pdf", b"%PDF-1.7\n" + bytes(range(256)) * 4):
        report = verify(junk)
        assert not report.ok and report.reasons() <= {"not_pdf", "no_draft"}


def test_new_field_added_after_the_seal_is_detected() -> None:
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    def add_field(writer: IncrementalPdfFileWriter) -> None:
        append_signature_field(writer, SigFieldSpec("Sig_9_late", on_page=0,
                                                    box=(300, 700, 500, 760)))

    report = verify(_append_update(sealed_record().sealed, add_field))
    seal_check = next(c for c in report.checks if c.name == "signature"
                      and c.subject == SEAL_FIELD)
    assert seal_check.verdict is Verdict.FAIL
    assert seal_check.reason in {"changed_after_seal", "modified_after"}
    assert not report.ok
