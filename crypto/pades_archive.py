"""Renewing a sealed record's archive timestamp, so it keeps proving itself.

A sealed record proves itself only while the certificate of the authority behind its newest
document timestamp is valid (see :mod:`crypto.verify_pdf_archive`).  Before that certificate
expires, an archivist adds the validation data of that timestamp (its authority's chain and
revocation lists) and a new document timestamp from a current authority: the new one
proves the old one existed while it was good, and so on down the chain.  The seal allows
exactly these updates, so every earlier signature stays intact.
"""

from __future__ import annotations

import asyncio
import io
from datetime import datetime
from typing import Any

from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
from pyhanko.sign.validation import async_validate_pdf_timestamp
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

from crypto.errors import CryptoError
from crypto.pades_document import DocumentError, open_reader
from crypto.pades_dss import ValidationMaterial
from crypto.pades_timestamps import TimestampSource
from crypto.verify_pdf_archive import certificate_expiry

__all__ = ["ArchiveRenewalError", "async_renew_archive_timestamp", "renew_archive_timestamp",
           "renew_by"]


class ArchiveRenewalError(CryptoError):
    """A renewal that cannot be made.  ``reason``: ``not_pdf``, ``no_doc_timestamp`` (the
    PDF has no B-LTA chain to extend), ``chain_broken`` (its newest document timestamp no
    longer verifies: too late to renew), ``timestamp_failed``, ``event_loop_running``."""


def _newest_doc_timestamp(pdf: bytes) -> tuple[Any, EmbeddedPdfSignature]:
    """The PDF's reader and its newest document timestamp (``not_pdf``, ``no_doc_timestamp``)."""
    try:
        reader = open_reader(pdf)
        stamps = [s for s in reader.embedded_signatures if s.sig_object_type == "/DocTimeStamp"]
    except (DocumentError, PdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ArchiveRenewalError(f"not a readable PDF: {exc}", reason="not_pdf") from exc
    if not stamps:
        raise ArchiveRenewalError("the PDF has no document timestamp: it was never sealed to "
                                  "PAdES B-LTA", reason="no_doc_timestamp")
    return reader, max(stamps, key=lambda s: s.signed_revision)


def renew_by(pdf: bytes) -> datetime:
    """When the certificate of the authority behind ``pdf``'s newest document timestamp
    expires: the date by which it must be renewed (read only; nothing is verified here)."""
    _, newest = _newest_doc_timestamp(pdf)
    try:
        return certificate_expiry(newest)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ArchiveRenewalError(f"not a readable sealed PDF: {exc}", reason="not_pdf") from exc


async def async_renew_archive_timestamp(pdf: bytes, *, timestamps: TimestampSource,
                                        trust: ValidationMaterial,
                                        at: datetime | None = None) -> bytes:
    """``pdf`` with the newest document timestamp's validation data and a new document
    timestamp from ``timestamps`` appended as incremental updates (the newest timestamp is
    checked as of ``at``, now by default)."""
    reader, newest = _newest_doc_timestamp(pdf)
    context = trust.validation_context(at=at, revocation_mode="soft-fail")
    try:
        status = await async_validate_pdf_timestamp(newest, validation_context=context)
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as exc:
        raise ArchiveRenewalError(f"the newest document timestamp is unreadable: {exc}",
                                  reason="chain_broken") from exc
    if not (status.intact and status.valid and status.trusted):
        raise ArchiveRenewalError(
            f"the newest document timestamp ({newest.field_name}) no longer verifies "
            f"({'intact' if status.intact else 'altered'}, "
            f"{'trusted' if status.trusted else 'untrusted or expired'}): too late to renew; "
            "the record can only be shown valid as of an earlier date", reason="chain_broken")
    out = io.BytesIO()
    try:
        await PdfTimeStamper(timestamps.timestamper()).async_update_archival_timestamp_chain(
            reader, context, in_place=False, output=out)
    except (PathBuildingError, PathValidationError, SignatureValidationError) as exc:
        raise ArchiveRenewalError(f"the newest document timestamp no longer verifies, so it "
                                  f"cannot be renewed: {exc}", reason="chain_broken") from exc
    except (OSError, ValueError) as exc:
        raise ArchiveRenewalError(f"the new document timestamp could not be obtained from "
                                  f"{timestamps.description}: {exc}",
                                  reason="timestamp_failed") from exc
    return out.getvalue()


def renew_archive_timestamp(pdf: bytes, **kwargs: object) -> bytes:
    """Blocking :func:`async_renew_archive_timestamp` (not from inside an event loop)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(async_renew_archive_timestamp(pdf, **kwargs))  # type: ignore[arg-type]
    raise ArchiveRenewalError("called inside a running event loop",
                              reason="event_loop_running")
