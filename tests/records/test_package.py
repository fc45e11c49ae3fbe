"""The evidence package of a sealed record: a valid BagIt bag (by our validator and the
Library of Congress reference implementation) holding the sealed PDF, every machine's log,
the sealed checkpoints and their timestamp, each signatory's encrypted evidence, every
recording with its segment list, and the certificates; bag-info names record, case,
template, stations and the simulated devices; the manifest says what every file is."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import bagit
import pytest

from crypto.bagit_validate import validate_bag
from crypto.capture_log_seal import SealedLogs
from crypto.pades_document import record_identity
from records.package import PACKAGE_FORMAT, PackageError, write_package
from tests.records.test_session_world import demo, package, unpacked


@pytest.fixture(scope="module")
def contents(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return unpacked(tmp_path_factory.mktemp("package"))


def test_the_package_is_a_valid_bag(contents: Path) -> None:
    assert validate_bag(package()).ok
    assert validate_bag(contents).ok
    assert bagit.Bag(str(contents)).validate(processes=1)


def test_the_package_holds_every_piece_of_the_record(contents: Path) -> None:
    result = demo()
    rid = result.record_id
    names = sorted(p.relative_to(contents / "data").as_posix()
                   for p in (contents / "data").rglob("*") if p.is_file())
    assert names == sorted([
        "record.pdf", "inkseal-package.json",
        "logs/workstation-1.jsonl", "logs/terminal-1.jsonl", "logs/sealed.json",
        "logs/sealed.tsr",
        "evidence/Sig_2_recorder.p7m", "evidence/Sig_3_appropriate_adult.p7m",
        "evidence/Sig_4_suspect.p7m",
        f"media/{rid}-workstation-1.mkv", f"media/{rid}-workstation-1.mkv.segments",
        f"media/{rid}-terminal-1.mkv", f"media/{rid}-terminal-1.mkv.segments",
        "certs/root-ca.pem", "certs/intermediate-ca.pem",
        "certs/workstation-1-log.pem", "certs/terminal-1-log.pem"])
    data = result.data_dir
    capture = data / "capture" / rid
    for station in ("workstation-1", "terminal-1"):
        assert (contents / "data" / "logs" / f"{station}.jsonl").read_bytes() == \
            (capture / f"{station}.jsonl").read_bytes()
    assert (contents / "data" / "certs" / "root-ca.pem").read_bytes() == \
        result.trust_root.read_bytes()


def test_the_manifest_says_what_every_file_is(contents: Path) -> None:
    manifest = json.loads((contents / "data" / "inkseal-package.json").read_text("utf-8"))
    pdf = (contents / "data" / "record.pdf").read_bytes()
    assert manifest["format"] == PACKAGE_FORMAT
    assert manifest["record"]["id"] == demo().record_id
    assert manifest["record"]["sha256"] == record_identity(pdf).hex()
    assert manifest["record"]["case_number"] == "渝南检刑捕受〔2020〕12号"
    assert manifest["record"]["template"] == "interrogation_transcript"
    fields = manifest["fields"]
    assert fields["certification"] == "Sig_1_prosecutor" and fields["seal"] == "Sig_Seal"
    assert [(s["field"], s["station"], s["state"]) for s in fields["signatories"]] == [
        ("Sig_2_recorder", "workstation", "signed"),
        ("Sig_3_appropriate_adult", "workstation", "signed"),
        ("Sig_4_suspect", "terminal", "signed")]
    for signatory in fields["signatories"]:
        assert (contents / "data" / signatory["evidence"]).exists()
    assert manifest["logs"]["combined_signer"] == "workstation-1"
    assert set(manifest["logs"]["stations"]) == {"workstation-1", "terminal-1"}
    assert manifest["logs"]["stations"]["terminal-1"]["kind"] == "terminal"
    assert {m["station"] for m in manifest["media"]} == {"workstation-1", "terminal-1"}
    assert manifest["simulated"]["terminal-1"] == ["camera", "fingerprint", "microphone", "pad"]


def test_bag_info_names_record_case_template_stations_and_simulation(contents: Path) -> None:
    info = dict(line.split(": ", 1) for line in
                (contents / "bag-info.txt").read_text("utf-8").splitlines())
    assert info["Inkseal-Record-Id"] == demo().record_id
    assert info["Inkseal-Case-Number"] == "渝南检刑捕受〔2020〕12号"
    assert info["Inkseal-Template"] == "interrogation_transcript v1"
    assert info["Inkseal-Stations"] == "workstation-1, terminal-1"
    assert "terminal-1: camera, fingerprint, microphone, pad" in \
        info["Inkseal-Simulated-Devices"]
    assert len(info["Inkseal-Record-SHA256"]) == 64 and info["Source-Organization"]


def test_the_sealed_checkpoints_are_the_ones_the_database_recorded(contents: Path) -> None:
    from records.blobstore import BlobStore
    from records.executor import ImmediateExecutor
    from records.service import RecordService
    from records.storage import open_database, sqlite_url

    result = demo()
    sealed = SealedLogs.from_json((contents / "data" / "logs" / "sealed.json").read_bytes())
    assert [source for source, _ in sealed.logs] == ["terminal-1", "workstation-1"]
    database = open_database(sqlite_url(result.data_dir / "inkseal.sqlite3"))
    try:
        service = RecordService(database.sessions, BlobStore(result.data_dir / "blobs"), {},
                                executor=ImmediateExecutor(), clock=lambda: None,
                                new_id=lambda: "")  # type: ignore[arg-type, return-value]
        view = service.load_record(result.record_id).result()
    finally:
        database.dispose()
    assert view.seal.checkpoint_sha256 == hashlib.sha256(sealed.to_json()).hexdigest()
    assert view.seal.sealed_pdf_sha256 == hashlib.sha256(
        (contents / "data" / "record.pdf").read_bytes()).hexdigest()


def test_an_unsealed_record_has_no_package(tmp_path: Path) -> None:
    from records.session_seal import SealedRecord

    unsealed = SealedRecord(b"%PDF-", SealedLogs("x", ()), b"", (), "workstation-1", None)
    with pytest.raises(PackageError) as refused:
        write_package(tmp_path / "x.zip", unsealed, service=None, blobs=None,  # type: ignore
                      site=None)  # type: ignore[arg-type]
    assert refused.value.reason == "not_sealed" and not (tmp_path / "x.zip").exists()
