"""A sealed record keeps verifying as it ages: signatures judged as of their timestamps once
their certificates expire, proven by the document-timestamp chain; the chain renewed before
its authority's certificate expires; too late is said plainly."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from functools import cache

import pytest

from crypto.pades_archive import ArchiveRenewalError, renew_archive_timestamp
from crypto.pades_report import Verdict
from crypto.pades_timestamps import InProcessTimestampSource
from crypto.pki.roles import Kind, Role
from crypto.verify_pdf import RecordExpectations, verify_record_pdf
from crypto.verify_pdf_archive import RENEWAL_NOTICE
from tests.records.test_session_world import demo, demo_site, package


@cache
def sealed_pdf() -> bytes:
    with zipfile.ZipFile(package()) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith("/data/record.pdf")]
        return zf.read(name)


def expectations() -> RecordExpectations:
    return RecordExpectations("Sig_1_prosecutor",
                              ("Sig_2_recorder", "Sig_3_appropriate_adult", "Sig_4_suspect"))


def not_after(role: Role, name: str) -> datetime:
    return demo_site().certificate(name, role).not_valid_after_utc


def verify(pdf: bytes, at: datetime):  # noqa: ANN201 - PdfVerification
    return verify_record_pdf(pdf, expected=expectations(), trust=demo_site().validation(),
                             validation_time=at)


def test_after_the_signers_certificates_expire_the_record_still_verifies() -> None:
    site = demo_site()
    terminal_expiry = not_after(Role.TERMINAL_SIGNING, "terminal-1")
    tsa_expiry = not_after(Role.TSA, site.names.tsa)
    assert terminal_expiry < tsa_expiry
    later = terminal_expiry + (tsa_expiry - terminal_expiry) / 2
    result = verify(sealed_pdf(), later)
    assert result.ok, [c.message for c in result.failures()]
    signatures = {c.subject: c for c in result.checks if c.name == "signature"}
    suspect = signatures["Sig_4_suspect"]
    assert suspect.verdict is Verdict.PASS
    assert "as of its signature timestamp" in suspect.message
    # Judged at its own timestamp: seconds after the record was sealed, years before "later".
    assert abs((result.judged_at["Sig_4_suspect"] - datetime.now(UTC)).days) < 2


def test_the_same_record_fails_once_the_archive_timestamp_has_expired() -> None:
    site = demo_site()
    tsa_expiry = not_after(Role.TSA, site.names.tsa)
    result = verify(sealed_pdf(), tsa_expiry.replace(year=tsa_expiry.year + 1))
    assert not result.ok
    assert "archive_timestamp_expired" in result.reasons()
    assert not result.judged_at


def test_a_year_before_the_authority_expires_the_report_asks_for_renewal() -> None:
    tsa_expiry = not_after(Role.TSA, demo_site().names.tsa)
    result = verify(sealed_pdf(), tsa_expiry - RENEWAL_NOTICE / 2)
    assert result.ok
    (due,) = [c for c in result.checks if c.reason == "archive_timestamp_renewal_due"]
    assert due.verdict is Verdict.WARN and f"{tsa_expiry:%Y-%m-%d}" in due.message
    fresh = verify(sealed_pdf(), datetime.now(UTC))
    assert not any(c.reason == "archive_timestamp_renewal_due" for c in fresh.checks)


def test_a_renewed_record_verifies_after_the_first_authority_expired() -> None:
    site = demo_site()
    old_expiry = not_after(Role.TSA, site.names.tsa)
    passphrase = demo().passphrase_file.read_text(encoding="ascii").strip().encode()
    name = "tsa-renewal-test"
    if not any(e.name == name for e in site.pki.entries()):
        site.pki.issue(Kind.TSA, name, ca_passphrase=passphrase, validity_days=3650)
    tsa = site.pki.load_identity(name, Role.TSA, passphrase)
    assert tsa.certificate.not_valid_after_utc > old_expiry
    renewal_day = old_expiry - RENEWAL_NOTICE / 2  # renewed when the report asked for it
    source = InProcessTimestampSource(tsa.certificate, tsa.private_key, tsa.chain,
                                      clock=lambda: renewal_day)
    renewed = renew_archive_timestamp(sealed_pdf(), timestamps=source,
                                      trust=site.validation(), at=renewal_day)
    assert renewed.startswith(sealed_pdf())  # incremental: every earlier byte kept
    after = old_expiry.replace(year=old_expiry.year + 1)
    result = verify(renewed, after)
    assert result.ok, [c.message for c in result.failures()]
    stamps = [c for c in result.checks if c.name == "doc_timestamp"]
    assert len(stamps) == 2 and all(c.verdict is Verdict.PASS for c in stamps)
    assert any("when the later document timestamp proves it existed" in c.message
               for c in stamps)
    # Too late: once the newest authority has expired there is nothing left to renew.
    with pytest.raises(ArchiveRenewalError) as failed:
        renew_archive_timestamp(sealed_pdf(), timestamps=source, trust=site.validation(),
                                at=after)
    assert failed.value.reason == "chain_broken"


def test_renewing_a_pdf_that_was_never_sealed_is_refused() -> None:
    site = demo_site()
    tsa = site.identity(site.names.tsa, Role.TSA)
    source = InProcessTimestampSource(tsa.certificate, tsa.private_key, tsa.chain,
                                      clock=lambda: datetime.now(UTC))
    with pytest.raises(ArchiveRenewalError) as failed:
        renew_archive_timestamp(b"%PDF-1.7 nothing", timestamps=source, trust=site.validation())
    assert failed.value.reason == "not_pdf"
