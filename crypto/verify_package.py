"""The archivist's verifier: an evidence package (or a lone sealed PDF), offline, one report.

For a package it composes: every file against the BagIt manifest; the PDF's PAdES signatures,
fields, seal and timestamps (:mod:`crypto.verify_pdf`), each signatory's encrypted evidence
file against its signed attribute; the capture logs' keys, chains, signatures and checkpoints
against the checkpoints under the seal (:mod:`crypto.verify_package_logs`); the logs held
against the PDF (:mod:`crypto.verify_package_bindings`); every recording and segment against
its logged hash (:mod:`crypto.verify_package_media`); every pen-batch commitment of the logs
opened from the archive-encrypted evidence, or said to need the archive key
(:mod:`crypto.verify_package_pen`); and, with the archive key and a pen decoder, each
decrypted pen track re-rendered against the visible signature
(:mod:`crypto.verify_package_ink`).  Nothing is fetched from anywhere.

Trust: roots given by the caller are the only ones trusted.  Without them the package's own
roots are used so that every other check can still run, and the report says the result is
not trusted (:class:`~crypto.verify_report.Outcome` ``untrusted``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from pyhanko.pdf_utils.misc import PdfError

from crypto.errors import BagError
from crypto.pades_document import (
    DocumentError,
    draft_bytes,
    open_reader,
    record_identity,
    signature_fields,
)
from crypto.pades_dss import ValidationMaterial
from crypto.pades_report import Check, Verdict
from crypto.verify_package_bindings import check_bindings, simulated_devices
from crypto.verify_package_files import PackageFiles
from crypto.verify_package_ink import PenDecoder, compare_ink, ink_picture, visible_picture
from crypto.verify_package_logs import check_logs
from crypto.verify_package_media import check_recordings
from crypto.verify_package_pen import check_pen_commitments
from crypto.verify_pdf import PdfVerification, RecordExpectations, verify_record_pdf
from crypto.verify_report import PackageReport

__all__ = ["MANIFEST_NAME", "verify_package", "verify_path", "verify_record_file"]

MANIFEST_NAME = "inkseal-package.json"
_HAND_FIELD = re.compile(r"Sig_(\d+)_[a-z_]+")


def _fail(name: str, subject: str, reason: str, message: str, **details: Any) -> Check:
    return Check(name, subject, Verdict.FAIL, reason, message, details)


def _certs(files: PackageFiles, names: Sequence[str]) -> list[x509.Certificate]:
    found = []
    for name in names:
        try:
            found.extend(x509.load_pem_x509_certificates(files.read(name)))
        except (ValueError, OSError, KeyError):
            continue
    return found


def _trust_check(trusted: bool) -> Check:
    if trusted:
        return Check("trust", "", Verdict.PASS, "ok", "trust roots given by the verifier")
    return Check("trust", "", Verdict.WARN, "roots_from_package",
                 "no trust roots were given: the roots inside the package were used, so "
                 "nothing here is trusted (give the site root with --trust)")


def _ink_checks(reader: Any, result: PdfVerification, decoder: PenDecoder | None,
                archive_key: bool) -> list[Check]:
    if not archive_key:
        return [Check("ink", "", Verdict.SKIP, "archive_key_not_given",
                      "pen tracks not compared with the signatures (no archive key)")]
    if decoder is None:
        return [Check("ink", "", Verdict.SKIP, "no_pen_decoder",
                      "pen tracks not compared with the signatures (no pen-track decoder)")]
    boxes = {f.name: f.size for f in signature_fields(reader)}
    sigs = {s.field_name: s for s in reader.embedded_signatures}
    checks = []
    for field, opened in sorted(result.opened_evidence.items()):
        track = opened.items.get("pen_track")
        attribute = result.evidence.get(field)
        if track is None or field not in sigs or field not in boxes or attribute is None:
            continue
        try:
            drawing = decoder(track)
        except Exception as exc:  # noqa: BLE001 - any decoder failure is this check's verdict
            checks.append(_fail("ink", field, "pen_track_unreadable",
                                f"{field}: the signed pen track cannot be decoded: {exc}"))
            continue
        with_print = any(i["name"] == "fingerprint" for i in attribute.native["items"])
        expected = ink_picture(drawing, boxes[field], with_fingerprint=with_print)
        visible = visible_picture(sigs[field].sig_field)
        if visible is None:
            checks.append(_fail("ink", field, "no_visible_signature",
                                f"{field}: the signature shows no picture to compare"))
            continue
        found = compare_ink(expected, visible)
        details = {"differing_share": round(found.differing_share, 6),
                   "mean_difference": round(found.mean_difference, 3),
                   "inked_pixels": found.inked_pixels}
        checks.append(Check("ink", field, Verdict.PASS, "ok",
                            f"{field}: the visible signature is the signed pen track "
                            f"({found.inked_pixels} inked pixels, "
                            f"{found.differing_share:.4%} differ)", details)
                      if found.same and found.inked_pixels else
                      _fail("ink", field, "ink_mismatch",
                            f"{field}: the visible signature differs from the signed pen track "
                            f"({found.differing_share:.2%} of the ink area)", **details))
    return checks


def _certificate_checks(reader: Any, at: datetime | None,
                        proven: Mapping[str, datetime]) -> list[Check]:
    """Each signer's (and timestamp authority's) certificate at the verification time: an
    expired or not yet valid one is named as such, whatever else the validator says.  One
    that expired after it signed, where the document timestamps prove the signature existed
    while it was valid, is said so and passes: that is how an archived record ages."""
    moment = at or datetime.now(UTC)
    checks = []
    for sig in reader.embedded_signatures:
        cert = x509.load_der_x509_certificate(sig.signer_cert.dump())
        subject = cert.subject.rfc4514_string()
        then = proven.get(sig.field_name)
        if moment > cert.not_valid_after_utc and then is not None and \
                cert.not_valid_before_utc <= then <= cert.not_valid_after_utc:
            checks.append(Check("certificate", sig.field_name, Verdict.PASS,
                                "expired_after_signing",
                                f"{sig.field_name}: {subject} expired on "
                                f"{cert.not_valid_after_utc:%Y-%m-%d}, after it signed on "
                                f"{then:%Y-%m-%d} (proven by the document timestamps)",
                                {"not_after": cert.not_valid_after_utc, "signed": then}))
        elif moment > cert.not_valid_after_utc:
            checks.append(_fail("certificate", sig.field_name, "cert_expired",
                                f"{sig.field_name}: {subject} expired on "
                                f"{cert.not_valid_after_utc:%Y-%m-%d}",
                                not_after=cert.not_valid_after_utc))
        elif moment < cert.not_valid_before_utc:
            checks.append(_fail("certificate", sig.field_name, "cert_not_yet_valid",
                                f"{sig.field_name}: {subject} is valid only from "
                                f"{cert.not_valid_before_utc:%Y-%m-%d}",
                                not_before=cert.not_valid_before_utc))
    return checks


def _devices_check(simulated: Mapping[str, list[str]]) -> Check:
    if not simulated:
        return Check("devices", "", Verdict.PASS, "hardware",
                     "every device the logs name was real hardware")
    listing = "; ".join(f"{k}: {', '.join(v)}" for k, v in simulated.items())
    return Check("devices", "", Verdict.PASS, "simulated",
                 f"SIMULATED devices were used (as logged): {listing}", dict(simulated))


def _material(roots: Sequence[x509.Certificate],
              intermediates: Sequence[x509.Certificate]) -> ValidationMaterial:
    return ValidationMaterial(trust_roots=tuple(roots), other_certs=tuple(intermediates),
                              require_revocation=False)


def verify_package(path: Path | str, *, trust: Sequence[x509.Certificate] = (),
                   archive_key: rsa.RSAPrivateKey | None = None,
                   pen_decoder: PenDecoder | None = None,
                   at: datetime | None = None) -> PackageReport:
    """Verify an evidence package (zip or directory) as of ``at`` (now); never raises for a
    bad package."""
    path = Path(path)
    try:
        files = PackageFiles(path)
    except BagError as exc:
        return PackageReport(str(path), "package", (_fail("package", str(path), exc.reason,
                                                          str(exc)),), bool(trust))
    with files:
        try:
            return _verify_package(files, list(trust), archive_key, pen_decoder, at)
        except (KeyError, TypeError, ValueError, AttributeError, OSError) as exc:
            # A manifest that parses but does not say what it must, or a file it names that
            # is not there: reported with every file problem, never raised.
            check = _fail("manifest", MANIFEST_NAME, "manifest_malformed",
                          f"the package manifest is incomplete or names missing files: "
                          f"{type(exc).__name__}: {exc}")
            return PackageReport(str(path), "package", (check, *files.finish()), bool(trust))


def _verify_package(files: PackageFiles, trust: list[x509.Certificate],
                    archive_key: rsa.RSAPrivateKey | None, decoder: PenDecoder | None,
                    at: datetime | None) -> PackageReport:
    checks: list[Check] = []
    try:
        manifest = json.loads(files.read(MANIFEST_NAME))
        record = manifest["record"]
        fields = manifest["fields"]
        signatories = list(fields["signatories"])
    except (KeyError, ValueError, TypeError, OSError) as exc:
        checks.append(_fail("manifest", MANIFEST_NAME, "manifest_unreadable",
                            f"the package manifest is missing or unreadable: {exc}"))
        return PackageReport(str(files.path), "package", tuple(checks + files.finish()),
                             bool(trust))
    trust_section = manifest.get("trust", {})
    roots = trust or _certs(files, trust_section.get("roots", []))
    intermediates = _certs(files, trust_section.get("intermediates", []))
    checks.append(_trust_check(bool(trust)))
    pdf = files.read(manifest.get("pdf", "record.pdf"))
    evidence_files: dict[str, bytes] = {}
    for signatory in signatories:
        if signatory.get("state") != "signed":
            continue
        name = signatory.get("evidence") or ""
        if files.has(name):
            evidence_files[signatory["field"]] = files.read(name)
        else:
            checks.append(_fail("evidence", signatory["field"], "evidence_file_missing",
                                f"{signatory['field']}: the encrypted evidence file {name} "
                                "is not in the package"))
    checks.append(_fields_match(pdf, fields))
    expected = RecordExpectations(
        fields["certification"],
        tuple(s["field"] for s in signatories if s.get("state") == "signed"),
        fields.get("seal", "Sig_Seal"), bytes.fromhex(str(record.get("sha256", ""))) or None)
    result = verify_record_pdf(pdf, expected=expected, trust=_material(roots, intermediates),
                               archive_key=archive_key, evidence_files=evidence_files,
                               validation_time=at)
    checks += result.checks
    reader = _reader(pdf)
    checks += _certificate_checks(reader, at, result.judged_at) if reader is not None else []
    logs = check_logs(files, manifest, result.checkpoints, roots, intermediates,
                      str(record.get("id", "")))
    checks += logs.checks
    simulated: dict[str, list[str]] = {}
    if logs.entries:
        checks += check_bindings(logs.entries, manifest, pdf, reader, result.record_sha256,
                                 result.evidence)
        checks += check_recordings(files, logs.entries, manifest.get("media", []))
        checks += check_pen_commitments(logs.entries, result.opened_evidence, archive_key)
        simulated = simulated_devices(logs.entries)
        checks.append(_devices_check(simulated))
    if result.ok and reader is not None:
        checks += _ink_checks(reader, result, decoder, archive_key is not None)
    checks += files.finish()
    info = {k: record.get(k) for k in ("id", "case_number", "template", "sha256")}
    return PackageReport(str(files.path), "package", tuple(checks), bool(trust), info,
                         simulated, archive_key is not None)


def _fields_match(pdf: bytes, fields: Mapping[str, Any]) -> Check:
    """The manifest's fields are exactly the draft's signature fields."""
    try:
        draft = draft_bytes(pdf)
        names = {f.name for f in signature_fields(open_reader(draft))}
    except (DocumentError, PdfError, ValueError, KeyError) as exc:
        return _fail("manifest", "", "not_pdf", f"the record's draft is unreadable: {exc}")
    listed = {fields["certification"], fields.get("seal", "Sig_Seal"),
              *(s["field"] for s in fields["signatories"])}
    if names != listed:
        return _fail("manifest", "", "manifest_fields_mismatch",
                     f"the package lists fields {sorted(listed)}, the record has "
                     f"{sorted(names)}")
    return Check("manifest", "", Verdict.PASS, "ok",
                 f"the package names the record's {len(names)} signature fields")


def _reader(pdf: bytes) -> Any:
    try:
        reader = open_reader(pdf)
        reader.embedded_signatures  # noqa: B018 - parse them now, not inside a check
        return reader
    except (DocumentError, PdfError, ValueError, KeyError, TypeError):
        return None


def verify_record_file(path: Path | str, *, trust: Sequence[x509.Certificate] = (),
                       archive_key: rsa.RSAPrivateKey | None = None,
                       pen_decoder: PenDecoder | None = None,
                       at: datetime | None = None) -> PackageReport:
    """Verify a sealed PDF on its own: its signatures, fields, seal and embedded evidence
    (the capture logs and recordings need the package)."""
    path = Path(path)
    try:
        pdf = path.read_bytes()
        reader = open_reader(pdf)
        names = [f.name for f in signature_fields(reader)]
        identity = record_identity(pdf, reader)
    except (OSError, DocumentError, PdfError, ValueError, KeyError) as exc:
        return PackageReport(str(path), "pdf", (_fail("pdf", str(path), getattr(
            exc, "reason", "not_pdf"), f"{path}: {exc}"),), bool(trust))
    hand = sorted((int(m.group(1)), n) for n in names if (m := _HAND_FIELD.fullmatch(n)))
    checks = [_trust_check(bool(trust))]
    roots = list(trust) or _embedded_roots(reader)
    if not hand:
        return PackageReport(str(path), "pdf", (*checks, _fail(
            "fields", "", "field_missing", "the PDF has no Inkseal signature fields")),
            bool(trust))
    signed = {s.field_name for s in reader.embedded_signatures}
    others = tuple(n for _, n in hand[1:] if n in signed)
    result = verify_record_pdf(pdf, expected=RecordExpectations(hand[0][1], others),
                               trust=_material(roots, ()), archive_key=archive_key,
                               validation_time=at)
    checks += result.checks
    checks += _certificate_checks(reader, at, result.judged_at)
    unsigned = [n for _, n in hand[1:] if n not in signed]
    if unsigned:
        checks.append(Check("fields", "", Verdict.WARN, "field_unsigned",
                            f"unsigned fields {unsigned}: a refusal can only be confirmed "
                            "from the package's capture logs"))
    checks.append(Check("capture_log", "", Verdict.SKIP, "pdf_only",
                        "capture logs and recordings are in the package, not the PDF"))
    checks += _ink_checks(reader, result, pen_decoder, archive_key is not None) if result.ok \
        else []
    return PackageReport(str(path), "pdf", tuple(checks), bool(trust),
                         {"sha256": identity.hex()}, {}, archive_key is not None)


def _embedded_roots(reader: Any) -> list[x509.Certificate]:
    """Self-signed certificates the PDF carries (in its DSS): used, never trusted."""
    roots = []
    try:
        dss = reader.root["/DSS"]
        for ref in dss.get("/Certs", []):
            cert = x509.load_der_x509_certificate(ref.get_object().data)
            if cert.issuer == cert.subject:
                roots.append(cert)
    except (KeyError, ValueError, TypeError, AttributeError):
        pass
    return roots


def verify_path(path: Path | str, **options: Any) -> PackageReport:
    """A package (directory or zip) or a PDF, by what the file is."""
    path = Path(path)
    if path.is_file():
        with open(path, "rb") as handle:
            if handle.read(5) == b"%PDF-":
                return verify_record_file(path, **options)
    return verify_package(path, **options)
