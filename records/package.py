"""The evidence package of a sealed record: one BagIt bag (zip or directory) an archivist can
verify with nothing but Inkseal's verifier (and the PDF alone with any PAdES validator).

Payload (under ``data/``)::

    record.pdf                       the sealed PDF (B-LTA)
    inkseal-package.json             this package's manifest (see :func:`package_manifest`)
    logs/<station>.jsonl             every machine's capture log for the record
    logs/sealed.json                 the combined and per-log checkpoints the seal carries
    logs/sealed.tsr                  RFC 3161 token over the combined checkpoint
    evidence/<field>.p7m             each signatory's evidence bundle, encrypted for the archive
    media/<file>.mkv                 each station's A/V recording ...
    media/<file>.mkv.segments        ... and its segment-hash list
    certs/root-ca.pem                the site's trust root (trusted only when the verifier is
    certs/intermediate-ca.pem        told so with --trust) and issuing CA,
    certs/<station>-log.pem          the capture-log key certificates

``manifest-sha256.txt`` holds every file's SHA-256; ``bag-info.txt`` names the record, case,
template, stations and whether any device was simulated.

Biometric data (pen samples, fingerprint image, photo) is only in ``evidence/*.p7m``, encrypted
for the archive key: the capture logs carry hashes of those items and, for the pen, per-batch
commitments with counts and times (:mod:`crypto.evidence_pen`).  What stays readable without the
key, by design: the visible signatures in the PDF (the ink and a red fingerprint imprint, as on
paper) and the A/V recordings of the signing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization

from crypto.bagit import BagSummary, BagWriter
from crypto.errors import BagError
from crypto.pades_document import record_identity
from records.blobstore import BlobStore
from records.errors import RecordError
from records.render import SEAL_FIELD
from records.service import RecordService
from records.session_seal import SealedRecord
from records.signing import SignatoryState
from records.site import WorkingSite
from records.views import CaseView, RecordView

__all__ = ["PACKAGE_FORMAT", "PackageError", "PackageSummary", "package_manifest",
           "write_package"]

PACKAGE_FORMAT = "inkseal-evidence-package/1"
MANIFEST_NAME = "inkseal-package.json"


class PackageError(RecordError):
    """The package cannot be written; ``path`` names where."""

    def __init__(self, *, reason: str, zh: str, en: str, path: str | None = None) -> None:
        super().__init__(reason=reason, zh=zh, en=en)
        self.path = path


@dataclass(frozen=True)
class PackageSummary:
    """Where the package went and what is in it."""

    path: Path
    bag: BagSummary
    manifest: Mapping[str, Any]


def _pem(cert: Any) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _simulated(sealed: SealedRecord) -> dict[str, list[str]]:
    """Per station, the devices it used that were simulated (as the stations reported)."""
    return {c.station: sorted(c.simulated) for c in sorted(sealed.closings,
                                                           key=lambda c: c.station)
            if c.simulated}


def package_manifest(sealed: SealedRecord, view: RecordView, case: CaseView,
                     site: WorkingSite) -> dict[str, Any]:
    """The package's own manifest: what each file is, and what a verifier should expect."""
    head = view.head
    signatories = []
    for s in head.signatories[1:]:
        signatories.append({
            "order": s.order, "field": s.field_name, "role": s.role, "name": s.name,
            "station": s.station, "state": s.state.value,
            "refusal_reason": s.refusal_reason or "",
            "evidence": f"evidence/{s.field_name}.p7m"
            if s.state is SignatoryState.SIGNED else None})
    stations = {c.station: {"file": f"logs/{c.station}.jsonl",
                            "certificate": f"certs/{c.station}-log.pem",
                            "kind": site.names.station_kind(c.station)}
                for c in sealed.closings}
    media = [{"station": c.station, "file": f"media/{c.recording.path.name}",
              "segments": f"media/{c.recording.list_path.name}",
              "simulated": list(c.simulated)}
             for c in sealed.closings if c.recording is not None]
    return {
        "format": PACKAGE_FORMAT,
        "site": site.name,
        "record": {"id": view.id, "sha256": record_identity(sealed.pdf).hex(),
                   "revision": head.number, "template": view.summary.template_id,
                   "template_version": view.summary.template_version,
                   "title_zh": view.summary.title_zh, "title_en": view.summary.title_en,
                   "language": view.summary.language, "pages": head.pages,
                   "case_number": case.case_number, "case_title": case.title},
        "pdf": "record.pdf",
        "fields": {"certification": head.signatories[0].field_name,
                   "signatories": signatories, "seal": SEAL_FIELD},
        "logs": {"stations": stations, "sealed": "logs/sealed.json",
                 "token": "logs/sealed.tsr", "combined_signer": sealed.signer},
        "media": media,
        "trust": {"roots": ["certs/root-ca.pem"],
                  "intermediates": ["certs/intermediate-ca.pem"] if len(site.ca_chain) > 1
                  else []},
        "simulated": _simulated(sealed),
    }


def write_package(dest: Path, sealed: SealedRecord, *, service: RecordService,
                  blobs: BlobStore, site: WorkingSite, as_zip: bool = True) -> PackageSummary:
    """Write the package of ``sealed`` to ``dest`` (a ``.zip`` or a directory); it appears
    only once complete."""
    view = sealed.view
    if view is None or view.seal is None:
        raise PackageError(reason="not_sealed", zh="笔录尚未封存，不能打包",
                           en="the record is not sealed; nothing to package")
    case = service.load_case(view.summary.case_id).result()
    manifest = package_manifest(sealed, view, case, site)
    simulated = manifest["simulated"]
    info = {
        "Source-Organization": site.name,
        "External-Description": f"Inkseal evidence package: {view.summary.title_en} "
                                f"({view.summary.title_zh}), record {view.id}",
        "External-Identifier": view.id,
        "Inkseal-Record-Id": view.id,
        "Inkseal-Record-SHA256": manifest["record"]["sha256"],
        "Inkseal-Case-Number": case.case_number,
        "Inkseal-Template": f"{view.summary.template_id} v{view.summary.template_version}",
        "Inkseal-Stations": ", ".join(c.station for c in sealed.closings),
        "Inkseal-Simulated-Devices": "; ".join(f"{k}: {', '.join(v)}" for k, v in
                                               simulated.items()) or "none",
    }
    try:
        with BagWriter(Path(dest), as_zip=as_zip) as bag:
            bag.add_bytes("record.pdf", sealed.pdf)
            bag.add_bytes(MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False, indent=1,
                                                    sort_keys=True).encode("utf-8"))
            for closing in sealed.closings:
                bag.add_file(f"logs/{closing.station}.jsonl", closing.log_path)
                bag.add_bytes(f"certs/{closing.station}-log.pem",
                              _pem(site.log_certificate(closing.station)))
                if closing.recording is not None:
                    bag.add_file(f"media/{closing.recording.path.name}", closing.recording.path)
                    bag.add_file(f"media/{closing.recording.list_path.name}",
                                 closing.recording.list_path)
            bag.add_bytes("logs/sealed.json", sealed.logs.to_json())
            bag.add_bytes("logs/sealed.tsr", sealed.checkpoint_token)
            for signatory in manifest["fields"]["signatories"]:
                if signatory["evidence"] is None:
                    continue
                row = next(s for s in view.head.signatories if s.order == signatory["order"])
                assert row.evidence_sha256 is not None
                bag.add_bytes(signatory["evidence"], blobs.read_bytes(row.evidence_sha256))
            bag.add_bytes("certs/root-ca.pem", _pem(site.root))
            if len(site.ca_chain) > 1:
                bag.add_bytes("certs/intermediate-ca.pem", _pem(site.ca_chain[0]))
            summary = bag.finish(info)
    except (BagError, OSError) as exc:
        raise PackageError(reason=getattr(exc, "reason", "write_failed"),
                           zh=f"无法写出证据包：{exc}", en=f"cannot write the package: {exc}",
                           path=str(dest)) from exc
    return PackageSummary(summary.path, summary, manifest)
