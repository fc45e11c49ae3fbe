"""Long-term verification: what the document-timestamp chain proves about the past.

A sealed record is verified for decades, long after the certificates that signed it have
expired (a terminal's after about two years, the timestamp authority's after five).  PAdES
B-LTA answers this, and this module applies it in the plain form a sealed record needs
(after ETSI EN 319 102-1, validation of past signatures):

* the newest document timestamp must verify at the time asked (normally now);
* each older document timestamp must verify at the time of the next newer one, which proves
  it existed while its authority's certificate was still good;
* the oldest verified document timestamp then proves that everything before it existed at
  its time: every signature, its signature timestamp, and the validation data in the DSS.

A signature whose certificate has expired since is then judged as of its own signature
timestamp (that timestamp itself judged as of the proof), and the report says so.  The chain
lasts only while the newest authority certificate does: before it expires a new document
timestamp must be added (``inkseal archive renew``); the report warns a year ahead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import async_validate_pdf_timestamp
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko_certvalidator import ValidationContext

from crypto.pades_report import Check, Verdict

__all__ = ["RENEWAL_NOTICE", "ArchiveProof", "ContextAt", "certificate_expiry",
           "check_doc_timestamps", "expired_since"]

RENEWAL_NOTICE = timedelta(days=365)
"""How long before the newest timestamp authority certificate expires the report warns."""

ContextAt = Callable[[datetime | None], ValidationContext]
"""A validation context as of a moment (``None``: the time asked)."""

_IntactCheck = Callable[[bytes, EmbeddedPdfSignature], bool]

_QUIET = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)
_BROKEN = (SignatureValidationError, PdfError, ValueError, KeyError, TypeError, AttributeError,
           IndexError)
# What pyHanko says when a certificate is judged outside its validity period.
_EXPIRY_INDICATIONS = {"expired", "out_of_bounds_no_poe", "no_poe"}


@dataclass(frozen=True)
class ArchiveProof:
    """What an unbroken chain of document timestamps proves."""

    proven_at: datetime
    """The time of the oldest verified document timestamp: everything before it existed then."""
    covers_before_revision: int
    """Signatures in revisions before this one (the oldest timestamp's own) are covered."""
    renew_by: datetime
    """When the newest timestamp authority's certificate expires: renew before this."""

    def covers(self, sig: EmbeddedPdfSignature) -> bool:
        return sig.signed_revision < self.covers_before_revision


def expired_since(indication: str) -> bool:
    """pyHanko's trust problem says the certificate is outside its validity at that time."""
    return indication.lower() in _EXPIRY_INDICATIONS


def certificate_expiry(sig: EmbeddedPdfSignature) -> datetime:
    """When the certificate that made ``sig`` (a signature or a timestamp) expires."""
    return x509.load_der_x509_certificate(sig.signer_cert.dump()).not_valid_after_utc


async def check_doc_timestamps(pdf: bytes, stamps: list[EmbeddedPdfSignature],
                               context_at: ContextAt, at: datetime,
                               seal_revision: int | None,
                               contents_intact: _IntactCheck,
                               ) -> tuple[list[Check], ArchiveProof | None]:
    """One check per document timestamp, newest first judged at ``at``, each older one at the
    time of the next; the proof when the whole chain holds and covers the seal."""
    if not stamps:
        return [Check("doc_timestamp", "", Verdict.FAIL, "doc_timestamp_missing",
                      "no document timestamp (PAdES B-LTA)")], None
    checks: list[Check] = []
    newest_first = sorted(stamps, key=lambda s: s.signed_revision, reverse=True)
    moment: datetime | None = None  # None: the time asked
    chain_holds = True
    for ts in newest_first:
        when = (f"as of {at:%Y-%m-%d %H:%M %Z}" if moment is None else
                f"as of {moment:%Y-%m-%d %H:%M:%S %Z}, when the later document timestamp "
                "proves it existed")
        try:
            status = await async_validate_pdf_timestamp(ts, validation_context=context_at(moment))
        except _BROKEN as exc:
            checks.append(Check("doc_timestamp", ts.field_name, Verdict.FAIL,
                                "timestamp_unreadable", f"{ts.field_name}: {exc}"))
            chain_holds = False
            continue
        level = status.modification_level
        problem = None
        if not (status.intact and status.valid and status.trusted):
            problem = ("digest_mismatch" if not status.intact else "timestamp_invalid",
                       f"the document timestamp does not verify {when}")
            expiry = certificate_expiry(ts)
            if status.intact and status.valid and moment is None and at > expiry:
                problem = ("archive_timestamp_expired",
                           f"the document timestamp's authority certificate expired on "
                           f"{expiry:%Y-%m-%d}: the archive timestamp was not renewed "
                           "in time, so the record no longer proves itself after that date")
        elif not contents_intact(pdf, ts):
            problem = ("contents_tampered",
                       "bytes were hidden or changed in the timestamp padding")
        elif level not in _QUIET:
            problem = "modified_after", f"changes after the document timestamp ({level})"
        elif seal_revision is None or ts.signed_revision < seal_revision:
            problem = "before_seal", "the document timestamp does not cover the seal"
        if problem is not None:
            checks.append(Check("doc_timestamp", ts.field_name, Verdict.FAIL, *problem))
            chain_holds = False
            continue
        checks.append(Check("doc_timestamp", ts.field_name, Verdict.PASS, "ok",
                            f"document timestamp {status.timestamp:%Y-%m-%d %H:%M:%S %Z}, "
                            f"verified {when}",
                            {"time": status.timestamp, "judged_at": moment or at}))
        moment = status.timestamp
    if not chain_holds or moment is None:
        return checks, None
    renew_by = certificate_expiry(newest_first[0])
    if renew_by - at < RENEWAL_NOTICE:
        checks.append(Check("archive_renewal", newest_first[0].field_name, Verdict.WARN,
                            "archive_timestamp_renewal_due",
                            f"the newest document timestamp's authority certificate expires "
                            f"on {renew_by:%Y-%m-%d}: add a new document timestamp before then "
                            "(inkseal archive renew)", {"renew_by": renew_by}))
    return checks, ArchiveProof(moment, newest_first[-1].signed_revision, renew_by)
