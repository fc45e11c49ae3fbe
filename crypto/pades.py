"""Signing a record in turn, and the seal (PAdES with pyHanko).

Order of revisions on a record PDF whose fields already exist (``Sig_1_prosecutor``,
``Sig_2_...``, ``Sig_Seal``):

1. :func:`async_certify`: the prosecutor's certification signature (DocMDP P=2: filling in
   and signing fields stays allowed); it must be the document's first signature.
2. :func:`async_sign_for_signatory`, once per signatory: an approval signature by the
   station's device key on the signatory's behalf (name in ``/Name``, role in ``/Reason``),
   with a visible stamp and the encrypted evidence bundle as a signed attribute.
3. :func:`async_seal`: validation data for the earlier signatures, then the institution's
   approval signature on the locked seal field with the capture-log checkpoints as a
   signed attribute, its timestamp and validation data, and a document timestamp (B-LTA).

Every hand signature gets a signature timestamp (B-T).  The ``async_`` functions are the
API; the plain ones run them on the calling thread with ``asyncio.run`` and refuse to run
inside an event loop (call them from a worker thread).
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign.ades.api import GenericCommitment
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.signers.pdf_signer import DSSContentSettings, TimestampDSSContentSettings
from pyhanko.sign.timestamps import TimestampRequestError
from pyhanko.stamp import TextStampStyle

from crypto.appearance import StampSpec, seal_style, stamp_style
from crypto.errors import CryptoError, TimestampError
from crypto.evidence import SealedEvidence
from crypto.pades_attributes import CHECKPOINT_ATTRIBUTE, EVIDENCE_ATTRIBUTE, CheckpointList
from crypto.pades_document import open_reader, record_identity, signature_fields
from crypto.pades_dss import ValidationDataError, ValidationMaterial, add_validation_data
from crypto.pades_signers import SignedAttribute, SigningKey, with_signed_attributes
from crypto.pades_timestamps import TimestampSource

__all__ = [
    "PadesError",
    "Signatory",
    "async_certify",
    "async_seal",
    "async_sign_for_signatory",
    "certify",
    "seal",
    "sign_for_signatory",
]

log = logging.getLogger(__name__)
T = TypeVar("T")

# Validation data for the document timestamp goes in *before* it, so the timestamp is the
# file's last revision and covers every byte (no unsigned tail a byte could hide in).
# VRI entries are a deprecated relic that would force DSS updates after the timestamp.
_SEAL_DSS = DSSContentSettings(
    include_vri=False,
    next_ts_settings=TimestampDSSContentSettings(include_vri=False, update_before_ts=True))


class PadesError(CryptoError):
    """A signature cannot be made.

    ``reason``: ``field_missing``, ``field_signed``, ``evidence_mismatch``,
    ``certification_not_first``, ``timestamp_failed``, ``signing_failed``, ``crl_stale``,
    ``chain_invalid`` (an earlier signer's certificate fails validation before sealing),
    ``event_loop_running``, ``not_pdf``; ``field`` names the field.
    """

    def __init__(self, message: str, *, reason: str, field: str | None = None) -> None:
        super().__init__(message, reason=reason)
        self.field = field


@dataclass(frozen=True)
class Signatory:
    """Who a hand signature is for: the name and role shown and written into the signature."""

    name: str
    role: str


def _empty_field(pdf: bytes, field: str) -> tuple[float, float]:
    reader = open_reader(pdf)
    for item in signature_fields(reader):
        if item.name == field:
            if item.signed:
                raise PadesError(f"field {field} is already signed", reason="field_signed",
                                 field=field)
            return item.size
    raise PadesError(f"the PDF has no signature field {field}", reason="field_missing",
                     field=field)


async def _sign(pdf: bytes, meta: PdfSignatureMetadata, key: SigningKey,
                commitment: GenericCommitment, extras: Sequence[SignedAttribute],
                timestamps: TimestampSource | None, style: TextStampStyle) -> bytes:
    signer = with_signed_attributes(key, commitment, extras)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    pdf_signer = PdfSigner(meta, signer=signer, stamp_style=style,
                           timestamper=timestamps.timestamper() if timestamps else None)
    try:
        out = await pdf_signer.async_sign_pdf(writer, existing_fields_only=True)
    except (TimestampRequestError, TimestampError) as exc:
        # The TSA's own reason (unreachable, timeout, refused...) stays in the message.
        raise PadesError(f"{meta.field_name}: timestamp authority failed: {exc}",
                         reason="timestamp_failed", field=meta.field_name) from exc
    except PyHankoSigningError as exc:
        reason = ("certification_not_first" if "first signature" in str(exc)
                  else "signing_failed")
        raise PadesError(f"{meta.field_name}: {exc}", reason=reason,
                         field=meta.field_name) from exc
    except (PdfError, OSError, ValueError) as exc:
        raise PadesError(f"{meta.field_name}: {exc}", reason="signing_failed",
                         field=meta.field_name) from exc
    return out.getvalue()


async def async_certify(pdf: bytes, *, field: str, key: SigningKey, signer_name: str,
                        timestamps: TimestampSource | None, stamp: StampSpec,
                        reason: str | None = None, location: str | None = None) -> bytes:
    """The prosecutor's certification signature (DocMDP P=2) in ``field``; the new PDF."""
    box = _empty_field(pdf, field)
    meta = PdfSignatureMetadata(field_name=field, md_algorithm="sha256",
                                subfilter=SigSeedSubFilter.PADES, certify=True,
                                docmdp_permissions=MDPPerm.FILL_FORMS, name=signer_name,
                                reason=reason, location=location)
    return await _sign(pdf, meta, key, GenericCommitment.PROOF_OF_CREATION, (), timestamps,
                       stamp_style(stamp, box))


async def async_sign_for_signatory(pdf: bytes, *, field: str, key: SigningKey,
                                   signatory: Signatory, evidence: SealedEvidence,
                                   stamp: StampSpec, timestamps: TimestampSource | None,
                                   location: str | None = None) -> bytes:
    """An approval signature on ``signatory``'s behalf carrying their encrypted evidence."""
    box = _empty_field(pdf, field)
    attr = evidence.attribute.native
    expected = {"field_name": field, "signatory_name": signatory.name,
                "signatory_role": signatory.role, "record_sha256": record_identity(pdf)}
    for name, value in expected.items():
        if attr[name] != value:
            raise PadesError(f"the evidence bundle is for another {name.replace('_', ' ')}",
                             reason="evidence_mismatch", field=field)
    meta = PdfSignatureMetadata(field_name=field, md_algorithm="sha256",
                                subfilter=SigSeedSubFilter.PADES, name=signatory.name,
                                reason=signatory.role, location=location)
    extras = (SignedAttribute(EVIDENCE_ATTRIBUTE, evidence.attribute),)
    return await _sign(pdf, meta, key, GenericCommitment.PROOF_OF_APPROVAL, extras,
                       timestamps, stamp_style(stamp, box))


async def async_seal(pdf: bytes, *, field: str, key: SigningKey, checkpoints: Sequence[str],
                     timestamps: TimestampSource, validation: ValidationMaterial,
                     seal_name: str, font_path: Path, reason: str | None = None,
                     location: str | None = None, now: datetime | None = None) -> bytes:
    """Validation data for earlier signatures, the seal (B-LT, checkpoints attached), and a
    document timestamp (B-LTA).  ``seal_name`` (the institution) is drawn round the seal."""
    box = _empty_field(pdf, field)
    moment = now or datetime.now(UTC)
    stale = [c for c in validation.crls if c.next_update_utc and c.next_update_utc < moment]
    if stale:
        issuer = stale[0].issuer.rfc4514_string()
        raise PadesError(f"the revocation list of {issuer} expired on "
                         f"{stale[0].next_update_utc:%Y-%m-%d}; publish fresh ones "
                         "('inkseal pki crl') before sealing", reason="crl_stale", field=field)
    context = validation.validation_context()
    try:
        with_dss = await add_validation_data(pdf, context)
    except ValidationDataError as exc:
        raise PadesError(f"cannot gather validation data: {exc}", reason=exc.reason,
                         field=exc.field or field) from exc
    meta = PdfSignatureMetadata(field_name=field, md_algorithm="sha256",
                                subfilter=SigSeedSubFilter.PADES, name=seal_name,
                                reason=reason, location=location, embed_validation_info=True,
                                validation_context=context, use_pades_lta=True,
                                signer_key_usage={"non_repudiation"},
                                dss_settings=_SEAL_DSS)
    extras = (SignedAttribute(CHECKPOINT_ATTRIBUTE, CheckpointList(list(checkpoints))),)
    return await _sign(with_dss, meta, key, GenericCommitment.PROOF_OF_ORIGIN, extras,
                       timestamps, seal_style(seal_name, font_path, box))


def _run(coro: Coroutine[Any, Any, T]) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    coro.close()
    raise PadesError("called inside a running event loop: await the async_ function or call "
                     "this from a worker thread", reason="event_loop_running")


def certify(pdf: bytes, **kwargs: Any) -> bytes:
    """Blocking :func:`async_certify`, for worker threads."""
    return _run(async_certify(pdf, **kwargs))


def sign_for_signatory(pdf: bytes, **kwargs: Any) -> bytes:
    """Blocking :func:`async_sign_for_signatory`, for worker threads."""
    return _run(async_sign_for_signatory(pdf, **kwargs))


def seal(pdf: bytes, **kwargs: Any) -> bytes:
    """Blocking :func:`async_seal`, for worker threads."""
    return _run(async_seal(pdf, **kwargs))
