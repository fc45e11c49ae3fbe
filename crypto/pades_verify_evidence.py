"""Evidence and checkpoint attributes of a record's signatures, read and checked."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from asn1crypto import cms
from cryptography.hazmat.primitives.asymmetric import rsa
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

from crypto.evidence import EvidenceError, OpenedEvidence, open_embedded, open_package_file
from crypto.pades_attributes import CHECKPOINT_ATTRIBUTE, EVIDENCE_ATTRIBUTE, EvidenceAttribute
from crypto.pades_report import Check, Verdict

__all__ = [
    "checkpoints_of",
    "embedded_envelope",
    "evidence_check",
    "evidence_of",
    "signed_attribute",
]


def signed_attribute(sig: EmbeddedPdfSignature, name: str) -> Any | None:
    """The first value of signed attribute ``name`` in ``sig``'s SignerInfo, or ``None``."""
    attrs = sig.signer_info["signed_attrs"]
    for attr in attrs:
        if attr["type"].native == name:
            return attr["values"][0]
    return None


def evidence_of(sig: EmbeddedPdfSignature) -> EvidenceAttribute | None:
    value = signed_attribute(sig, EVIDENCE_ATTRIBUTE)
    return value if isinstance(value, EvidenceAttribute) else None


def checkpoints_of(sig: EmbeddedPdfSignature) -> tuple[str, ...] | None:
    value = signed_attribute(sig, CHECKPOINT_ATTRIBUTE)
    return None if value is None else tuple(value.native)


def _fail(field: str, reason: str, message: str, **details: Any) -> Check:
    return Check("evidence", field, Verdict.FAIL, reason, message, details)


def evidence_check(sig: EmbeddedPdfSignature, record_sha256: bytes | None,
                   archive_key: rsa.RSAPrivateKey | None, package_file: bytes | None
                   ) -> tuple[Check, EvidenceAttribute | None, OpenedEvidence | None]:
    """Is the evidence attribute there, about this field, signatory and record; does it open?"""
    field = sig.field_name
    try:
        attribute = evidence_of(sig)
        native: Mapping[str, Any] | None = attribute.native if attribute is not None else None
    except (ValueError, TypeError, KeyError) as exc:
        return _fail(field, "evidence_unreadable", f"{field}: evidence attribute unreadable: "
                     f"{exc}"), None, None
    if attribute is None or native is None:
        return _fail(field, "evidence_missing", f"{field}: no evidence bundle in the signature"), \
            None, None
    if native["field_name"] != field:
        return _fail(field, "evidence_field_mismatch",
                     f"{field}: the evidence bundle belongs to field {native['field_name']}",
                     evidence_field=native["field_name"]), attribute, None
    signed_name = str(sig.sig_object.get("/Name", ""))
    if native["signatory_name"] != signed_name:
        return _fail(field, "evidence_signatory_mismatch",
                     f"{field}: evidence names {native['signatory_name']}, the signature "
                     f"{signed_name}"), attribute, None
    if record_sha256 is not None and native["record_sha256"] != record_sha256:
        return _fail(field, "evidence_record_mismatch",
                     f"{field}: the evidence bundle was made for another record",
                     evidence_record=native["record_sha256"]), attribute, None
    details = {"signatory": native["signatory_name"], "role": native["signatory_role"],
               "captured_at": native["captured_at"],
               "items": [{"name": i["name"], "sha256": i["sha256"].hex(), "length": i["length"],
                          "embedded": i["embedded"]} for i in native["items"]],
               "package_sha256": native["package_sha256"], "decrypted": False}
    opened = None
    try:
        if archive_key is not None:
            opened = (open_package_file(package_file, attribute, archive_key)
                      if package_file is not None else open_embedded(attribute, archive_key))
            details["decrypted"] = True
            details["opened_items"] = sorted(opened.items)
        elif package_file is not None:
            if hashlib.sha256(package_file).digest() != native["package_sha256"]:
                raise EvidenceError("the evidence file is not the one the signature names",
                                    reason="package_mismatch")
    except EvidenceError as exc:
        return _fail(field, f"evidence_{exc.reason}", f"{field}: {exc}", item=exc.item), \
            attribute, None
    return Check("evidence", field, Verdict.PASS, "ok",
                 f"{field}: evidence bundle of {native['signatory_name']} bound to the record",
                 details), attribute, opened


def embedded_envelope(attribute: EvidenceAttribute) -> cms.ContentInfo:
    """The EnvelopedData inside the attribute (for tools that decrypt it themselves)."""
    return attribute["embedded"]
