"""PDF-level verification of a sealed record: one :class:`Check` per question.

Asked of every record: is each PAdES signature intact, trusted against the given roots,
in the signer role its place demands, timestamped, and what changed after it; are all the
expected fields signed, in order, the certification first and the seal last with only
validation data and document timestamps after it; is the document timestamp sound; is
every evidence bundle present and bound to its field, signatory and this record (and,
with the archive key, decrypted and checked against its hashes); is this the record we
were told to expect.  Offline: nothing is fetched unless ``fetch_revocation``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import parser
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

from crypto.errors import CryptoError
from crypto.evidence import OpenedEvidence
from crypto.pades_attributes import EvidenceAttribute
from crypto.pades_document import DocumentError, open_reader, record_identity, signature_fields
from crypto.pades_dss import ValidationMaterial
from crypto.pades_report import Check, Verdict
from crypto.pades_verify_evidence import checkpoints_of, evidence_check
from crypto.pki.roles import Role, roles_of
from crypto.verify_pdf_archive import (
    ArchiveProof,
    ContextAt,
    check_doc_timestamps,
    expired_since,
)

__all__ = [
    "PdfVerification",
    "RecordExpectations",
    "async_verify_record_pdf",
    "verify_record_pdf",
]

_SIGNER_ROLES = {"certification": {Role.OFFICER},
                 "signatory": {Role.TERMINAL_SIGNING, Role.WORKSTATION_SIGNING},
                 "seal": {Role.SEAL}}
_QUIET = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)
# What damaged input makes pyHanko and asn1crypto raise (UnicodeDecodeError is a ValueError).
_BROKEN = (SignatureValidationError, PdfError, ValueError, KeyError, TypeError, AttributeError,
           IndexError)


@dataclass(frozen=True)
class RecordExpectations:
    """What a sealed record must contain: its fields in signing order, and its identity."""

    certification_field: str
    signatory_fields: tuple[str, ...]
    seal_field: str = "Sig_Seal"
    record_sha256: bytes | None = None
    """SHA-256 of the unsigned draft (from the manifest or database); ``None``: not checked."""

    @property
    def hand_fields(self) -> tuple[str, ...]:
        return (self.certification_field, *self.signatory_fields)


@dataclass(frozen=True)
class PdfVerification:
    """Every check's answer plus what the package verifier needs next."""

    checks: tuple[Check, ...]
    record_sha256: bytes | None
    evidence: Mapping[str, EvidenceAttribute] = field(default_factory=dict)
    opened_evidence: Mapping[str, OpenedEvidence] = field(default_factory=dict)
    checkpoints: tuple[str, ...] = ()
    judged_at: Mapping[str, datetime] = field(default_factory=dict)
    """What the document-timestamp chain proves existed: each signature judged in the past
    (its certificate expired since) -> its signature timestamp; each verified document
    timestamp -> its own time."""

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.verdict is not Verdict.FAIL for c in self.checks)

    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.verdict is Verdict.FAIL]

    def reasons(self) -> set[str]:
        return {c.reason for c in self.failures()}

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "record_sha256": self.record_sha256.hex()
                if self.record_sha256 else None, "checkpoints": list(self.checkpoints),
                "checks": [c.to_json() for c in self.checks]}


_HEX_CONTENTS = re.compile(rb"<(?:[0-9A-F]*|[0-9a-f]*)>")


def _contents_intact(pdf: bytes, sig: EmbeddedPdfSignature) -> bool:
    """/Contents, the one unsigned gap, holds the container in one-case hex and zero padding.

    Anything else (hidden bytes after the container, whitespace, a letter whose case was
    flipped) changes the file without changing the signature: tampering all the same.
    """
    try:
        raw = sig.pkcs7_content
        info = parser.parse(raw, strict=False)
        start, length = int(sig.byte_range[0]), int(sig.byte_range[1])
        gap_end = int(sig.byte_range[2])
    except (ValueError, TypeError, IndexError):
        return False
    used = len(info[3]) + len(info[4]) + len(info[5])
    gap = pdf[start + length:gap_end]
    return not any(raw[used:]) and _HEX_CONTENTS.fullmatch(gap) is not None


def _signature_problem(status: Any) -> tuple[str, str] | None:
    if not status.intact:
        return "digest_mismatch", "the signed bytes were changed"
    if not status.valid:
        return "bad_signature", "the cryptographic signature does not verify"
    if status.revoked:
        return "cert_revoked", "the signer's certificate is revoked"
    if not status.trusted:
        indic = getattr(status.trust_problem_indic, "name", "untrusted").lower()
        reason = {"expired": "cert_expired", "not_yet_valid": "cert_not_yet_valid"}.get(
            indic, "untrusted")
        return reason, f"the signer's certificate is not trusted ({indic})"
    return None


def _role_check(sig: EmbeddedPdfSignature, place: str) -> Check | None:
    cert = x509.load_der_x509_certificate(sig.signer_cert.dump())
    if roles_of(cert) & _SIGNER_ROLES[place]:
        return None
    return Check("signer_role", sig.field_name, Verdict.FAIL, "wrong_role",
                 f"{sig.field_name}: signed by {cert.subject.rfc4514_string()}, not a "
                 f"{place} signer", {"roles": sorted(r.value for r in roles_of(cert))})


async def _validate(sig: EmbeddedPdfSignature, signer: Any, stamps: Any) -> Any:
    return await async_validate_pdf_signature(sig, signer_validation_context=signer,
                                              ts_validation_context=stamps)


async def _check_signature(pdf: bytes, sig: EmbeddedPdfSignature, context_at: ContextAt,
                           place: str, proof: ArchiveProof | None,
                           judged_at: dict[str, datetime]) -> list[Check]:
    name = sig.field_name
    try:
        status = await _validate(sig, context_at(None), context_at(None))
        past = _past(status, sig, proof)
        if past is not None:
            # Expired since it signed, and the document timestamps prove it existed before:
            # judge the timestamp as of that proof and the signer as of the timestamp.
            later = await _validate(sig, context_at(past), context_at(proof.proven_at))
            stamped = later.timestamp_validity
            if stamped is not None and stamped.intact and stamped.valid and stamped.trusted:
                status = await _validate(sig, context_at(stamped.timestamp),
                                         context_at(proof.proven_at))
                judged_at[name] = stamped.timestamp
    except _BROKEN as exc:
        return [Check("signature", name, Verdict.FAIL, "signature_unreadable",
                      f"{name}: {exc}")]
    level = status.modification_level
    details = {"signer": status.signing_cert.subject.human_friendly,
               "modification_level": level.name if level else None,
               "coverage": status.coverage.name if status.coverage else None,
               "revision": sig.signed_revision}
    problem = _signature_problem(status)
    if problem is None and not _contents_intact(pdf, sig):
        problem = "contents_tampered", "bytes were hidden or changed in the signature padding"
    if problem is None and place == "seal" and level not in _QUIET:
        problem = "changed_after_seal", f"after the seal only validation data and document " \
                                        f"timestamps may be added, found {level}"
    if problem is None and (level is ModificationLevel.OTHER or status.docmdp_ok is False):
        problem = "modified_after", f"changes after this signature are not allowed " \
                                    f"({status.diff_result})"
    trusted = "trusted"
    if name in judged_at:
        details["judged_at"] = judged_at[name]
        trusted = (f"trusted as of its signature timestamp {judged_at[name]:%Y-%m-%d %H:%M:%S %Z}"
                   " (the certificate has expired since; the document timestamps prove the "
                   "signature existed before)")
    checks = [Check("signature", name, Verdict.FAIL, problem[0], f"{name}: {problem[1]}",
                    details) if problem else
              Check("signature", name, Verdict.PASS, "ok",
                    f"{name}: intact, {trusted}; later changes: "
                    f"{details['modification_level']}", details)]
    role = _role_check(sig, place)
    if role is not None:
        checks.append(role)
    ts = status.timestamp_validity
    if ts is None:
        checks.append(Check("signature_timestamp", name, Verdict.FAIL, "timestamp_missing",
                            f"{name}: no signature timestamp (PAdES B-T)"))
    elif not (ts.intact and ts.valid and ts.trusted):
        checks.append(Check("signature_timestamp", name, Verdict.FAIL, "timestamp_invalid",
                            f"{name}: the signature timestamp does not verify"))
    else:
        checks.append(Check("signature_timestamp", name, Verdict.PASS, "ok",
                            f"{name}: timestamped {ts.timestamp:%Y-%m-%d %H:%M:%S %Z}",
                            {"time": ts.timestamp}))
    return checks


def _past(status: Any, sig: EmbeddedPdfSignature, proof: ArchiveProof | None) -> Any:
    """The moment to judge ``sig`` at instead (its claimed timestamp), or ``None``: only a
    signature that failed for expiry alone, intact and valid, and covered by the proof."""
    if proof is None or not proof.covers(sig) or not (status.intact and status.valid):
        return None
    if status.trusted and (status.timestamp_validity is None or
                           status.timestamp_validity.trusted):
        return None
    indication = getattr(status.trust_problem_indic, "name", "")
    stamped = status.timestamp_validity
    if stamped is None or (not status.trusted and not expired_since(indication)):
        return None
    return stamped.timestamp


def _structure_checks(expected: RecordExpectations, sigs: list[EmbeddedPdfSignature],
                      field_names: set[str]) -> list[Check]:
    checks: list[Check] = []
    by_field = {s.field_name: s for s in sigs}
    wanted = (*expected.hand_fields, expected.seal_field)
    missing = [f for f in wanted if f not in field_names]
    unsigned = [f for f in wanted if f in field_names and f not in by_field]
    extra = sorted(set(by_field) - set(wanted))
    if missing:
        checks.append(Check("fields", "", Verdict.FAIL, "field_missing",
                            f"signature fields missing: {', '.join(missing)}",
                            {"missing": missing}))
    if unsigned:
        reason = "seal_missing" if unsigned == [expected.seal_field] else "field_unsigned"
        checks.append(Check("fields", "", Verdict.FAIL, reason,
                            f"fields not signed: {', '.join(unsigned)}", {"unsigned": unsigned}))
    if extra:
        checks.append(Check("fields", "", Verdict.FAIL, "unexpected_signature",
                            f"signatures in unexpected fields: {', '.join(extra)}",
                            {"unexpected": extra}))
    order = [s.field_name for s in sorted(sigs, key=lambda s: s.signed_revision)
             if s.field_name in wanted]
    if order != [f for f in wanted if f in by_field]:
        checks.append(Check("fields", "", Verdict.FAIL, "order_wrong",
                            f"signing order {order} differs from {list(wanted)}",
                            {"order": order}))
    first = by_field.get(expected.certification_field)
    if first is not None and first.docmdp_level is None:
        checks.append(Check("fields", expected.certification_field, Verdict.FAIL,
                            "not_certified", "the first signature is not a certification"))
    seal = by_field.get(expected.seal_field)
    if seal is not None:
        lock = seal.sig_field.get("/Lock")
        lock = lock.get_object() if lock is not None else None
        if lock is None or str(lock.get("/Action")) != "/All" or int(lock.get("/P", 0)) != 1:
            checks.append(Check("seal", expected.seal_field, Verdict.FAIL, "seal_not_locked",
                                "the seal field does not lock the document"))
        elif sigs and max(sigs, key=lambda s: s.signed_revision) is not seal:
            checks.append(Check("seal", expected.seal_field, Verdict.FAIL, "seal_not_last",
                                "a signature was added after the seal"))
    if not checks:
        checks.append(Check("fields", "", Verdict.PASS, "ok",
                            f"all {len(wanted)} fields signed in order, the seal last"))
    return checks


def _dss_material(reader: Any) -> tuple[list[Any], list[Any], list[Any]]:
    """CRLs, OCSP responses and certificates in the document security store, fully parsed
    (asn1crypto parses lazily: a damaged entry must fail here, not deep inside validation)."""
    if "/DSS" not in reader.root:
        return [], [], []
    dss = reader.root["/DSS"]

    def load(key: str, spec: Any) -> list[Any]:
        items = [spec.load(ref.get_object().data) for ref in dss.get(key, [])]
        for item in items:
            _ = item.native
        return items

    return (load("/CRLs", asn1_crl.CertificateList), load("/OCSPs", asn1_ocsp.OCSPResponse),
            load("/Certs", asn1_x509.Certificate))


async def async_verify_record_pdf(pdf: bytes, *, expected: RecordExpectations,
                                  trust: ValidationMaterial,
                                  archive_key: rsa.RSAPrivateKey | None = None,
                                  evidence_files: Mapping[str, bytes] | None = None,
                                  fetch_revocation: bool = False,
                                  validation_time: datetime | None = None) -> PdfVerification:
    """Verify a sealed record PDF; never raises for bad input, it reports it."""
    try:
        reader = open_reader(pdf)
        fields = {f.name for f in signature_fields(reader)}
        everything = list(reader.embedded_signatures)
        identity = record_identity(pdf, reader)
    except (DocumentError, PdfError, ValueError, KeyError, TypeError) as exc:
        return PdfVerification((Check("pdf", "", Verdict.FAIL,
                                      getattr(exc, "reason", "not_pdf"), f"unreadable: {exc}"),),
                               None)
    checks: list[Check] = []
    try:
        dss = _dss_material(reader)
    except (PdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        checks.append(Check("validation_data", "", Verdict.FAIL, "dss_unreadable",
                            f"the document security store is damaged: {exc}"))
        dss = ([], [], [])
    def context_at(moment: datetime | None) -> Any:
        return trust.validation_context(
            at=moment if moment is not None else validation_time, fetch=fetch_revocation,
            revocation_mode="hard-fail" if fetch_revocation else "soft-fail",
            extra_crls=dss[0], extra_ocsps=dss[1], extra_certs=dss[2])

    sigs = [s for s in everything if s.sig_object_type == "/Sig"]
    stamps = [s for s in everything if s.sig_object_type == "/DocTimeStamp"]
    if expected.record_sha256 is not None:
        same = identity == expected.record_sha256
        checks.append(Check("record_identity", "", Verdict.PASS if same else Verdict.FAIL,
                            "ok" if same else "record_identity_mismatch",
                            "this is the expected record" if same else
                            "this PDF is another record than the one expected",
                            {"record_sha256": identity}))
    checks += _structure_checks(expected, sigs, fields)
    evidence: dict[str, EvidenceAttribute] = {}
    opened: dict[str, OpenedEvidence] = {}
    checkpoints: tuple[str, ...] = ()
    seal = next((s for s in sigs if s.field_name == expected.seal_field), None)
    stamp_checks, proof = await check_doc_timestamps(
        pdf, stamps, context_at, validation_time or datetime.now(UTC),
        seal.signed_revision if seal is not None else None, _contents_intact)
    judged_at: dict[str, datetime] = {}
    for sig in sorted(sigs, key=lambda s: s.signed_revision):
        place = ("certification" if sig.field_name == expected.certification_field else
                 "seal" if sig.field_name == expected.seal_field else "signatory")
        checks += await _check_signature(pdf, sig, context_at, place, proof, judged_at)
        if place == "signatory":
            files = evidence_files or {}
            check, attribute, opened_one = evidence_check(sig, identity, archive_key,
                                                          files.get(sig.field_name))
            checks.append(check)
            if attribute is not None:
                evidence[sig.field_name] = attribute
            if opened_one is not None:
                opened[sig.field_name] = opened_one
        elif place == "seal":
            found = checkpoints_of(sig)
            checks.append(Check("checkpoints", sig.field_name,
                                Verdict.FAIL if not found else Verdict.PASS,
                                "checkpoint_missing" if not found else "ok",
                                f"{len(found or ())} capture-log checkpoint(s) under the seal"))
            checkpoints = found or ()
    checks += stamp_checks
    if proof is not None:
        judged_at.update({c.subject: c.details["time"] for c in stamp_checks
                          if c.name == "doc_timestamp" and c.verdict is Verdict.PASS})
    return PdfVerification(tuple(checks), identity, evidence, opened, checkpoints, judged_at)


def verify_record_pdf(pdf: bytes, **kwargs: Any) -> PdfVerification:
    """Blocking :func:`async_verify_record_pdf` (call from a worker thread, not an event loop)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(async_verify_record_pdf(pdf, **kwargs))
    raise CryptoError("called inside a running event loop: await async_verify_record_pdf or "
                      "call this from a worker thread", reason="event_loop_running")
