"""End to end with the site PKI: two machines' capture logs signed with their issued Ed25519
log keys, sealed, the seal timestamped by the local TSA holding the site's TSA certificate,
everything packed in a BagIt zip, and verified by an archivist from the package alone."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from crypto.bagit import write_bag
from crypto.bagit_validate import validate_bag
from crypto.capture_log import CaptureLog
from crypto.capture_log_entry import BlobRef
from crypto.capture_log_file import split_log_bytes
from crypto.capture_log_proofs import prove_entry, verify_entry_proof
from crypto.capture_log_seal import SealedLogs, seal_logs, verify_sealed_logs
from crypto.capture_log_verify import verify_log
from crypto.checkpoint import NoteSigner, NoteVerifier
from crypto.pki.roles import Role
from crypto.pki.working_site import create_working_site
from crypto.tsa import timestamp_checkpoint, timestamper_for, verify_timestamp_token
from crypto.tsa_authority import TimestampAuthority
from crypto.tsa_server import LocalTsaServer

PASS = b"correct horse"
SITE = "inkseal.test"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    return create_working_site(tmp_path_factory.mktemp("pki") / "pki", PASS,
                               site_name="Test Procuratorate", kdf_iterations=1000)


def test_record_capture_logs_from_two_machines_to_an_archive_package(site, tmp_path: Path) -> None:
    terminal = site.load_identity("terminal-1", Role.TERMINAL_LOG, PASS)
    workstation = site.load_identity("workstation-1", Role.WORKSTATION_LOG, PASS)
    tsa = site.load_identity("tsa", Role.TSA, PASS)
    root = tsa.chain[-1]

    segment = tmp_path / "segment-0001.mkv"
    segment.write_bytes(b"\x1a\x45\xdf\xa3" + bytes(200_000))
    with CaptureLog.open(tmp_path / "workstation-1.jsonl", workstation.private_key,
                         "workstation-1") as ws, \
            CaptureLog.open(tmp_path / "terminal-1.jsonl", terminal.private_key,
                            "terminal-1") as term:
        ws.append("record.pushed", {"record_sha256": "ab" * 32, "pages": 2})
        term.anchor(ws.head)
        term.append("page.shown", {"page": 1, "shown_ms": 4200})
        for stroke in range(3):
            term.submit("pen.stroke", {"stroke": stroke, "points": 40})
        term.append("av.segment", {"index": 1}, blob=BlobRef.of_file(segment))
        ws.anchor(term.head)
        term_note = term.checkpoint(f"{SITE}/terminal-1")  # on the terminal, with its key
        ws_note = ws.checkpoint(f"{SITE}/workstation-1")

    # The workstation seals both logs and has the seal's checkpoint timestamped.
    reports = [verify_log(tmp_path / "terminal-1.jsonl", terminal.certificate.public_key(),
                          source="terminal-1", checkpoint=term_note),
               verify_log(tmp_path / "workstation-1.jsonl", workstation.certificate.public_key(),
                          source="workstation-1", checkpoint=ws_note)]
    assert all(r.ok for r in reports)
    sealed, merged = seal_logs(reports, NoteSigner(f"{SITE}/record/2026-0042",
                                                   workstation.private_key))
    authority = TimestampAuthority(tsa.certificate, tsa.private_key, chain=tsa.chain)
    with LocalTsaServer(authority) as server:
        token = timestamp_checkpoint(sealed.combined, timestamper_for("", local=server))

    package = write_bag(tmp_path / "record-2026-0042.zip", {
        "logs/terminal-1.jsonl": tmp_path / "terminal-1.jsonl",
        "logs/workstation-1.jsonl": tmp_path / "workstation-1.jsonl",
        "logs/sealed.json": sealed.to_json(),
        "logs/sealed.tsr": token,
        "media/segment-0001.mkv": segment,
    }, info={"Inkseal-Record-Id": "2026-0042"}, as_zip=True).path

    # The archivist: the package, the site root and the two machines' certificates.
    assert validate_bag(package).ok
    with zipfile.ZipFile(package) as zf:
        read = {name.split("/data/", 1)[1]: zf.read(name) for name in zf.namelist()
                if "/data/" in name}
    archived = SealedLogs.from_json(read["logs/sealed.json"])
    report = verify_sealed_logs(
        {"terminal-1": split_log_bytes(read["logs/terminal-1.jsonl"]),
         "workstation-1": split_log_bytes(read["logs/workstation-1.jsonl"])},
        {"terminal-1": terminal.certificate.public_key(),
         "workstation-1": workstation.certificate.public_key()},
        archived, workstation.certificate.public_key())
    assert report.ok, report.issues
    stamp = verify_timestamp_token(read["logs/sealed.tsr"], data=archived.combined.encode(),
                                   trust_roots=[root])
    assert stamp.tsa_certificate == tsa.certificate
    segment_entry = next(e for e in report.merged if e.kind == "av.segment")
    assert segment_entry.blob == BlobRef.of_bytes(read["media/segment-0001.mkv"])

    # One pen stroke shown to a court without the rest of the log.
    lines = [e.line for e in report.merged]
    index = next(i for i, e in enumerate(report.merged) if e.kind == "pen.stroke")
    proof = prove_entry(lines, index, archived.combined)
    shown = verify_entry_proof(proof, [NoteVerifier.for_key(
        f"{SITE}/record/2026-0042", workstation.certificate.public_key())],
        entry_key=terminal.certificate.public_key())
    assert shown.data == {"stroke": 0, "points": 40}
    assert [e.line for e in merged] == lines
