"""The capture logs of a package: their keys, chains, signatures and checkpoints against the
seal, the timestamp on the combined checkpoint, and what the sealed logs say against the PDF.

The checkpoints the *seal* carries (a signed attribute of the institution's signature) are
the authority; the package's ``logs/sealed.json`` must say the same.  Log keys are accepted
when their certificates chain to the trust roots in the capture-log role of their station.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from crypto.capture_log_entry import LogEntry
from crypto.capture_log_file import split_log_bytes
from crypto.capture_log_seal import SealedLogs, verify_sealed_logs
from crypto.checkpoint import peek_checkpoint
from crypto.errors import CaptureLogError, CheckpointError, CryptoError, TimestampError
from crypto.pades_report import Check, Verdict
from crypto.pki.roles import Role
from crypto.pki.trust import check_certificate
from crypto.tsa import verify_timestamp_token
from crypto.verify_package_files import PackageFiles

__all__ = ["LogEvidence", "check_logs"]

_LOG_ROLES = {"terminal": Role.TERMINAL_LOG, "workstation": Role.WORKSTATION_LOG}


@dataclass(frozen=True)
class LogEvidence:
    """The checks, and the merged entries of the logs when they verified (else empty)."""

    checks: tuple[Check, ...]
    entries: tuple[LogEntry, ...]
    sealed_at: datetime | None


def _fail(name: str, subject: str, reason: str, message: str, **details: Any) -> Check:
    return Check(name, subject, Verdict.FAIL, reason, message, details)


def _log_keys(files: PackageFiles, stations: Mapping[str, Mapping[str, str]],
              roots: Sequence[x509.Certificate], intermediates: Sequence[x509.Certificate],
              at: datetime | None) -> tuple[dict[str, Ed25519PublicKey], list[Check]]:
    keys: dict[str, Ed25519PublicKey] = {}
    checks: list[Check] = []
    for source, entry in sorted(stations.items()):
        try:
            cert = x509.load_pem_x509_certificate(files.read(entry["certificate"]))
        except (KeyError, ValueError, OSError) as exc:
            checks.append(_fail("log_key", source, "log_certificate_unreadable",
                                f"{source}: the capture-log certificate is unreadable: {exc}"))
            continue
        role = _LOG_ROLES.get(entry.get("kind", ""))
        problem: CryptoError | None = None
        for root in roots:
            try:
                check_certificate(cert, root=root, intermediates=intermediates,
                                  at=at or cert.not_valid_before_utc, role=role)
                problem = None
                break
            except CryptoError as exc:
                problem = exc
        key = cert.public_key()
        if problem is not None or not roots or not isinstance(key, Ed25519PublicKey):
            reason = problem.reason if problem is not None else "log_key_unusable"
            checks.append(_fail("log_key", source, reason,
                                f"{source}: the capture-log key is not trusted: {problem}"))
            continue
        keys[source] = key
        checks.append(Check("log_key", source, Verdict.PASS, "ok",
                            f"{source}: capture-log key certified as "
                            f"{role.value if role else '?'}",
                            {"subject": cert.subject.rfc4514_string()}))
    return keys, checks


def check_logs(files: PackageFiles, manifest: Mapping[str, Any], seal_notes: Sequence[str],
               roots: Sequence[x509.Certificate], intermediates: Sequence[x509.Certificate],
               record_id: str) -> LogEvidence:
    """Verify every log against the seal's checkpoints; returns the merged entries."""
    logs = manifest.get("logs", {})
    checks: list[Check] = []
    try:
        sealed = SealedLogs.from_notes(list(seal_notes))
    except CaptureLogError as exc:
        return LogEvidence((_fail("capture_log", "", "seal_checkpoints_unreadable",
                                  f"the seal carries no readable checkpoints: {exc}"),), (), None)
    try:
        packaged = SealedLogs.from_json(files.read(logs.get("sealed", "logs/sealed.json")))
        if packaged.notes() != sealed.notes():
            checks.append(_fail("capture_log", "logs/sealed.json", "checkpoint_mismatch",
                                "the package's checkpoints are not the ones the seal carries"))
    except (CaptureLogError, KeyError, OSError) as exc:
        checks.append(_fail("capture_log", "logs/sealed.json", "sealed_logs_unreadable",
                            f"logs/sealed.json: {exc}"))
    sealed_at = None
    try:
        token = verify_timestamp_token(files.read(logs.get("token", "logs/sealed.tsr")),
                                       data=sealed.combined.encode("utf-8"),
                                       trust_roots=list(roots))
        sealed_at = token.gen_time
        checks.append(Check("checkpoint_timestamp", "logs/sealed.tsr", Verdict.PASS, "ok",
                            "combined checkpoint timestamped "
                            f"{token.gen_time:%Y-%m-%d %H:%M:%S %Z}",
                            {"time": token.gen_time}))
    except (TimestampError, KeyError, OSError) as exc:
        checks.append(_fail("checkpoint_timestamp", "logs/sealed.tsr",
                            getattr(exc, "reason", "token_missing"),
                            f"the combined checkpoint's timestamp does not verify: {exc}"))
    try:
        origin = peek_checkpoint(sealed.combined).origin
    except CheckpointError as exc:
        origin = f"? ({exc})"
    if origin != f"inkseal/{record_id}/sealed":
        checks.append(_fail("capture_log", "combined", "checkpoint_other_record",
                            f"the sealed logs are of {origin}, not of record {record_id}"))
    stations = logs.get("stations", {})
    keys, key_checks = _log_keys(files, stations, roots, intermediates, sealed_at)
    checks += key_checks
    signer = logs.get("combined_signer", "")
    texts = {}
    for source in stations:
        try:
            texts[source] = split_log_bytes(files.read(stations[source]["file"]), source)
        except (KeyError, OSError) as exc:
            checks.append(_fail("capture_log", source, "log_missing", f"{source}: {exc}"))
    if signer not in keys:
        checks.append(_fail("capture_log", "combined", "combined_signer_unknown",
                            f"the combined checkpoint's signer {signer!r} has no trusted key"))
        return LogEvidence(tuple(checks), (), sealed_at)
    report = verify_sealed_logs(texts, keys, sealed, keys[signer])
    for issue in report.issues:
        checks.append(_fail("capture_log", issue.source or "combined", issue.reason.value,
                            f"{issue.source or 'combined'}: {issue.describe('en')} "
                            f"({issue.detail})", line=issue.line, seq=issue.seq,
                            zh=issue.describe("zh")))
    if not report.issues:
        for source, log in sorted(report.logs.items()):
            sealed_size = log.checkpoint.size if log.checkpoint else 0
            checks.append(Check("capture_log", source, Verdict.PASS, "ok",
                                f"{source}: {sealed_size} entries, chain, signatures and "
                                "checkpoint intact", {"entries": sealed_size}))
            if len(log.entries) > sealed_size:
                checks.append(Check("capture_log", source, Verdict.WARN, "unsealed_entries",
                                    f"{source}: {len(log.entries) - sealed_size} entries after "
                                    "the sealed checkpoint (not covered by the seal)"))
        checks.append(Check("capture_log", "combined", Verdict.PASS, "ok",
                            f"{len(report.merged)} entries of {len(report.logs)} logs match the "
                            "checkpoint under the seal", {"entries": len(report.merged)}))
    entries = report.merged if report.ok else ()
    return LogEvidence(tuple(checks), tuple(entries), sealed_at)
