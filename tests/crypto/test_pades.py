"""Signing in turn and the seal: what pyHanko itself says of every step's output."""

from __future__ import annotations

import asyncio
import hashlib
import io
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.validation import async_validate_pdf_signature, async_validate_pdf_timestamp

from crypto.pades import PadesError, Signatory, async_certify, certify, seal, sign_for_signatory
from crypto.pades_attributes import EvidenceAttribute
from crypto.pades_document import open_reader, record_identity, signature_fields
from crypto.pades_signers import SigningKey
from crypto.pades_verify_evidence import checkpoints_of, evidence_of
from crypto.pki import Role
from tests.crypto.test_pades_world import (
    CERTIFICATION,
    CHECKPOINT,
    INSTITUTION,
    SEAL_FIELD,
    SIGNATORIES,
    evidence_for,
    font_path,
    record_pdf,
    sealed_record,
    signing_key,
    stamp,
    timestamps,
    validation,
)


def _statuses(pdf: bytes) -> dict[str, object]:
    reader = PdfFileReader(io.BytesIO(pdf))
    context = validation().validation_context(revocation_mode="soft-fail")

    async def run() -> dict[str, object]:
        found = {}
        for sig in reader.embedded_signatures:
            if sig.sig_object_type == "/DocTimeStamp":
                found["doc_ts"] = await async_validate_pdf_timestamp(sig,
                                                                     validation_context=context)
            else:
                found[sig.field_name] = await async_validate_pdf_signature(
                    sig, signer_validation_context=context, ts_validation_context=context)
        return found

    return asyncio.run(run())


def test_every_signature_is_intact_trusted_and_timestamped_with_only_allowed_changes() -> None:
    statuses = _statuses(sealed_record().sealed)
    hand = [CERTIFICATION, *(f for f, _, _ in SIGNATORIES)]
    for field in hand:
        status = statuses[field]
        assert status.bottom_line, status.pretty_print_details()
        assert status.timestamp_validity is not None and status.timestamp_validity.trusted
        assert status.modification_level is ModificationLevel.FORM_FILLING
    seal_status = statuses[SEAL_FIELD]
    assert seal_status.bottom_line and seal_status.timestamp_validity.trusted
    assert seal_status.modification_level is ModificationLevel.LTA_UPDATES
    doc_ts = statuses["doc_ts"]
    assert doc_ts.intact and doc_ts.valid and doc_ts.trusted


def test_document_timestamp_is_the_last_revision_and_covers_the_whole_file() -> None:
    reader = PdfFileReader(io.BytesIO(sealed_record().sealed))
    last = max(reader.embedded_signatures, key=lambda s: s.signed_revision)
    assert last.sig_object_type == "/DocTimeStamp"
    assert last.signed_revision == reader.xrefs.total_revisions - 1
    start, length = int(last.byte_range[2]), int(last.byte_range[3])
    assert start + length == len(sealed_record().sealed)


def test_prosecutor_certifies_with_form_filling_allowed() -> None:
    reader = PdfFileReader(io.BytesIO(sealed_record().sealed))
    first = next(s for s in reader.embedded_signatures if s.field_name == CERTIFICATION)
    assert first.docmdp_level is MDPPerm.FILL_FORMS
    assert first.signed_revision == min(s.signed_revision for s in reader.embedded_signatures)


def test_signatory_signature_names_the_signatory_and_carries_their_evidence() -> None:
    record = sealed_record()
    reader = PdfFileReader(io.BytesIO(record.sealed))
    for field, name, role in SIGNATORIES:
        sig = next(s for s in reader.embedded_signatures if s.field_name == field)
        assert sig.sig_object["/Name"] == name and sig.sig_object["/Reason"] == role
        attribute = evidence_of(sig)
        assert isinstance(attribute, EvidenceAttribute)
        assert attribute.dump() == record.evidence[field].attribute.dump()
        assert attribute["record_sha256"].native == record.record_sha256


def test_seal_carries_the_checkpoints_and_hand_signatures_carry_none() -> None:
    reader = PdfFileReader(io.BytesIO(sealed_record().sealed))
    by_field = {s.field_name: s for s in reader.embedded_signatures}
    assert checkpoints_of(by_field[SEAL_FIELD]) == (CHECKPOINT,)
    assert checkpoints_of(by_field[CERTIFICATION]) is None
    assert evidence_of(by_field[SEAL_FIELD]) is None


def test_signing_keeps_the_record_identity() -> None:
    record = sealed_record()
    for pdf in (record.certified, record.signed, record.sealed):
        assert record_identity(pdf) == hashlib.sha256(record.draft).digest()


def test_all_fields_end_up_signed() -> None:
    fields = signature_fields(open_reader(sealed_record().sealed))
    assert {f.name for f in fields if f.signed} >= {CERTIFICATION, SEAL_FIELD,
                                                    *(f for f, _, _ in SIGNATORIES)}


def test_certification_must_come_first() -> None:
    sealed_record()
    field, name, role = SIGNATORIES[0]
    draft = record_pdf()
    pdf = sign_for_signatory(draft, field=field, key=signing_key("terminal-1",
                                                                  Role.TERMINAL_SIGNING),
                             signatory=Signatory(name, role),
                             evidence=evidence_for(field, name, role, record_identity(draft)),
                             stamp=stamp(name, role), timestamps=None)
    with pytest.raises(PadesError) as err:
        certify(pdf, field=CERTIFICATION, key=signing_key("officer-1", Role.OFFICER),
                signer_name="李检察官", timestamps=None,
                stamp=stamp("李检察官", "检察官", ink=False))
    assert err.value.reason == "certification_not_first"


def test_evidence_for_another_field_or_record_is_refused() -> None:
    record = sealed_record()
    field, name, role = SIGNATORIES[0]
    other_field, other_name, other_role = SIGNATORIES[1]
    key = signing_key("terminal-1", Role.TERMINAL_SIGNING)
    wrong = [evidence_for(other_field, name, role, record.record_sha256),
             evidence_for(field, other_name, role, record.record_sha256),
             evidence_for(field, name, role, hashlib.sha256(b"another record").digest())]
    for evidence in wrong:
        with pytest.raises(PadesError) as err:
            sign_for_signatory(record.certified, field=field, key=key,
                               signatory=Signatory(name, role), evidence=evidence,
                               stamp=stamp(name, role), timestamps=None)
        assert err.value.reason == "evidence_mismatch" and err.value.field == field
    assert other_role  # both signatories are distinct people


@pytest.mark.parametrize("field,reason", [("Sig_9_nobody", "field_missing"),
                                          (CERTIFICATION, "field_signed")])
def test_missing_or_signed_field_is_refused(field: str, reason: str) -> None:
    with pytest.raises(PadesError) as err:
        certify(sealed_record().certified, field=field,
                key=signing_key("officer-1", Role.OFFICER), signer_name="李检察官",
                timestamps=None, stamp=stamp("李检察官", "检察官", ink=False))
    assert err.value.reason == reason and err.value.field == field


def test_nothing_can_be_signed_after_the_seal() -> None:
    with pytest.raises(PadesError) as err:
        seal(sealed_record().sealed, field=SEAL_FIELD, key=signing_key("seal", Role.SEAL),
             checkpoints=[CHECKPOINT], timestamps=timestamps(), validation=validation(),
             seal_name=INSTITUTION, font_path=font_path())
    assert err.value.reason == "field_signed"


def test_blocking_call_inside_an_event_loop_is_refused_not_deadlocked() -> None:
    async def inside_loop() -> str:
        try:
            certify(record_pdf(), field=CERTIFICATION, key=signing_key("officer-1", Role.OFFICER),
                    signer_name="x", timestamps=None, stamp=stamp("x", "y", ink=False))
        except PadesError as exc:
            return exc.reason
        return "signed"

    assert asyncio.run(inside_loop()) == "event_loop_running"


def test_async_api_runs_inside_an_event_loop() -> None:
    async def inside_loop() -> bytes:
        return await async_certify(record_pdf(), field=CERTIFICATION,
                                   key=signing_key("officer-1", Role.OFFICER),
                                   signer_name="李检察官", timestamps=timestamps(),
                                   stamp=stamp("李检察官", "检察官", ink=False))

    pdf = asyncio.run(inside_loop())
    assert _statuses(pdf)[CERTIFICATION].bottom_line


def test_ades_engine_passes_every_signature_offline_from_the_documents_own_dss() -> None:
    # ETSI EN 319 102-1 long-term validation, as an archivist would run it tomorrow with no
    # network: everything needed must already be inside the file (B-LT/B-LTA).
    from datetime import UTC, datetime, timedelta

    from pyhanko.sign.validation import ades
    from pyhanko.sign.validation.policy_decl import (
        CertValidationPolicySpec,
        PdfSignatureValidationSpec,
        RevocationInfoGatheringSpec,
        SignatureValidationSpec,
    )
    from pyhanko_certvalidator.policy_decl import (
        CertRevTrustPolicy,
        RevocationCheckingPolicy,
        RevocationCheckingRule,
    )
    from pyhanko_certvalidator.registry import SimpleTrustManager

    from crypto.pades_signers import to_asn1

    crl_only = RevocationCheckingPolicy(RevocationCheckingRule.CRL_REQUIRED,
                                        RevocationCheckingRule.CRL_REQUIRED)
    spec = PdfSignatureValidationSpec(SignatureValidationSpec(
        cert_validation_policy=CertValidationPolicySpec(
            trust_manager=SimpleTrustManager.build([to_asn1(validation().trust_roots[0])]),
            revinfo_policy=CertRevTrustPolicy(crl_only)),
        revinfo_gathering_policy=RevocationInfoGatheringSpec()))
    reader = PdfFileReader(io.BytesIO(sealed_record().sealed))
    tomorrow = datetime.now(UTC) + timedelta(days=1)

    async def run() -> dict[str, str]:
        return {sig.field_name: (await ades.simulate_future_ades_lta_validation(
                    sig, spec, future_validation_time=tomorrow)).ades_subindic.name
                for sig in reader.embedded_signatures if sig.sig_object_type == "/Sig"}

    assert set(asyncio.run(run()).values()) == {"OK"}


def test_sealing_with_expired_revocation_lists_is_refused_with_advice() -> None:
    from datetime import UTC, datetime, timedelta

    with pytest.raises(PadesError) as err:
        seal(sealed_record().signed, field=SEAL_FIELD, key=signing_key("seal", Role.SEAL),
             checkpoints=[CHECKPOINT], timestamps=timestamps(), validation=validation(),
             seal_name=INSTITUTION, font_path=font_path(),
             now=datetime.now(UTC) + timedelta(days=45))
    assert err.value.reason == "crl_stale" and "inkseal pki crl" in str(err.value)


def test_sealing_a_record_whose_signer_is_revoked_is_refused(tmp_path: Path) -> None:
    from crypto.pades_dss import ValidationMaterial
    from crypto.pki import Kind, SitePki
    from tests.crypto.test_pades_world import FAST_KDF

    pki = SitePki.create(tmp_path / "pki", b"pw", site_name="Revoking Site",
                         kdf_iterations=FAST_KDF)
    pki.issue(Kind.OFFICER, "officer", ca_passphrase=b"pw")
    pki.issue(Kind.SEAL, "seal", ca_passphrase=b"pw")
    officer = SigningKey.from_identity(pki.load_identity("officer", Role.OFFICER, b"pw"))
    pdf = certify(record_pdf(), field=CERTIFICATION, key=officer, signer_name="x",
                  timestamps=timestamps(), stamp=stamp("x", "y", ink=False))
    pki.revoke("officer", Role.OFFICER, ca_passphrase=b"pw")
    world = validation()
    material = ValidationMaterial((pki.root, *world.trust_roots),
                                  (pki.intermediate, *world.other_certs),
                                  (*pki.crls(), *world.crls))
    with pytest.raises(PadesError) as err:
        seal(pdf, field=SEAL_FIELD, key=SigningKey.from_identity(
                 pki.load_identity("seal", Role.SEAL, b"pw")),
             checkpoints=[CHECKPOINT], timestamps=timestamps(), validation=material,
             seal_name="Revoking Site", font_path=font_path())
    assert err.value.reason == "chain_invalid" and err.value.field == CERTIFICATION
