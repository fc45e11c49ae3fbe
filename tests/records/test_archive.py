"""Renewing a package's archive timestamp: a new package, verified before and after, the
sealed PDF extended by one document timestamp, every other file the same; a package that
does not verify is not renewed."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from crypto.pades_document import open_reader
from crypto.verify_package_files import PackageFiles
from records.archive import ArchiveError, renew_package
from tests.records.test_session_world import demo_site, package, unpacked


def doc_timestamps(pdf: bytes) -> int:
    return sum(s.sig_object_type == "/DocTimeStamp" for s in open_reader(pdf).embedded_signatures)


def test_a_renewed_package_verifies_and_differs_only_by_a_new_document_timestamp(
        tmp_path: Path) -> None:
    steps: list[str] = []
    renewed = renew_package(package(), tmp_path / "renewed.zip", demo_site(),
                            progress=steps.append)
    assert renewed.before.ok and renewed.after.ok, [c.message for c in renewed.after.failures()]
    assert zipfile.is_zipfile(renewed.path) and steps[-1] == "verifying the renewed package"
    with PackageFiles(package()) as old, PackageFiles(renewed.path) as new:
        assert set(old.manifest) == set(new.manifest)
        changed = {m for m in old.manifest if old.manifest[m] != new.manifest[m]}
        assert changed == {"data/record.pdf"}
        before, after = old.read("record.pdf"), new.read("record.pdf")
        assert after.startswith(before)
        assert doc_timestamps(after) == doc_timestamps(before) + 1
        assert "Archive-Timestamp-Renewed" in new.info
        assert new.info["Inkseal-Record-Id"] == old.info["Inkseal-Record-Id"]
        assert new.info["Inkseal-Simulated-Devices"] == old.info["Inkseal-Simulated-Devices"]
    # The original is left as it was, and the destination is never overwritten.
    with pytest.raises(ArchiveError) as exists:
        renew_package(package(), renewed.path, demo_site())
    assert exists.value.reason == "exists"


def test_a_package_that_fails_verification_is_not_renewed(tmp_path: Path) -> None:
    bag = unpacked(tmp_path / "copy")
    log = next((bag / "data" / "logs").glob("terminal-*.jsonl"))
    data = bytearray(log.read_bytes())
    data[len(data) // 2] ^= 0x01
    log.write_bytes(bytes(data))
    with pytest.raises(ArchiveError) as refused:
        renew_package(bag, tmp_path / "renewed", demo_site())
    assert refused.value.reason == "package_failed"
    assert refused.value.report is not None and not refused.value.report.ok
    assert "不予续期" in refused.value.zh
    assert not (tmp_path / "renewed").exists()


def test_a_directory_package_renews_into_a_directory(tmp_path: Path) -> None:
    bag = unpacked(tmp_path / "copy")
    renewed = renew_package(bag, tmp_path / "renewed", demo_site())
    assert renewed.path.is_dir() and renewed.after.ok
    shutil.rmtree(renewed.path)
