"""BagIt containers: written as directory or zip, judged by the reference implementation and
sha256sum, streamed in chunks, and every missing, extra or altered file named."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tracemalloc
import zipfile
from datetime import date
from pathlib import Path

import bagit
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crypto.bagit import BagWriter, decode_manifest_path, encode_manifest_path, write_bag
from crypto.bagit_validate import PROBLEM_TEXT, read_bag_info, validate_bag
from crypto.errors import BagError

INFO = {"Inkseal-Record-Id": "2026-0042", "Inkseal-Record-SHA256": "ab" * 32,
        "Source-Organization": "某某区人民检察院"}


@pytest.fixture
def payload(tmp_path: Path) -> dict[str, Path | bytes]:
    media = tmp_path / "segment-0001.mp4"
    media.write_bytes(os.urandom(300_000))
    return {"record/sealed.pdf": b"%PDF-1.7\n...sealed...", "media/segment 0001.mp4": media,
            "logs/terminal-a.jsonl": b'{"seq":0}\n', "evidence/讯问笔录.json": b"{}"}


def _bag(tmp_path: Path, payload, *, as_zip: bool = False) -> Path:
    name = "record-2026-0042" + (".zip" if as_zip else "")
    return write_bag(tmp_path / name, payload, info=INFO, as_zip=as_zip,
                     bagging_date=date(2026, 11, 29)).path


def _unzip(archive: Path, into: Path) -> Path:
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(into)
    (top,) = list(into.iterdir())
    return top


def test_directory_bag_layout_and_tag_files(tmp_path: Path, payload) -> None:
    bag = _bag(tmp_path, payload)
    assert sorted(p.name for p in bag.iterdir()) == ["bag-info.txt", "bagit.txt", "data",
                                                      "manifest-sha256.txt", "tagmanifest-sha256.txt"]
    assert (bag / "bagit.txt").read_text() == "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    info = read_bag_info((bag / "bag-info.txt").read_text(encoding="utf-8"))
    octets = sum(len(v) if isinstance(v, bytes) else v.stat().st_size for v in payload.values())
    assert info["Payload-Oxum"] == (f"{octets}.4",)
    assert info["Bagging-Date"] == ("2026-11-29",)
    assert info["Source-Organization"] == ("某某区人民检察院",)
    media = payload["media/segment 0001.mp4"]
    assert (bag / "data/media/segment 0001.mp4").read_bytes() == media.read_bytes()
    manifest = (bag / "manifest-sha256.txt").read_text(encoding="utf-8")
    assert f"{hashlib.sha256(media.read_bytes()).hexdigest()}  data/media/segment 0001.mp4\n" \
        in manifest
    report = validate_bag(bag)
    assert report.ok and report.octets == octets and len(report.manifest) == 4


@pytest.mark.external
@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="sha256sum not installed")
def test_reference_implementation_and_sha256sum_accept_our_bags(tmp_path: Path, payload) -> None:
    bag = _bag(tmp_path, payload)
    assert bagit.Bag(str(bag)).validate(processes=1)
    done = subprocess.run(["sha256sum", "--strict", "-c", "manifest-sha256.txt"], cwd=bag,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    unzipped = _unzip(_bag(tmp_path, payload, as_zip=True), tmp_path / "unzipped")
    assert unzipped.name == "record-2026-0042"
    assert bagit.Bag(str(unzipped)).validate(processes=1)


def test_zip_bag_validates_in_place_and_stores_payload_uncompressed(tmp_path: Path,
                                                                     payload) -> None:
    archive = _bag(tmp_path, payload, as_zip=True)
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        assert all(n.startswith("record-2026-0042/") for n in names)
        media = zf.getinfo("record-2026-0042/data/media/segment 0001.mp4")
        assert media.compress_type == zipfile.ZIP_STORED
    assert validate_bag(archive).ok


def _rezip(archive: Path, change) -> None:
    with zipfile.ZipFile(archive) as zf:
        members = {info.filename: zf.read(info) for info in zf.infolist()}
    members = change(members)
    archive.unlink()
    with zipfile.ZipFile(archive, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


@pytest.mark.parametrize("as_zip", [False, True], ids=["directory", "zip"])
def test_changed_missing_and_extra_files_are_each_named(tmp_path: Path, payload,
                                                        as_zip: bool) -> None:
    bag = _bag(tmp_path, payload, as_zip=as_zip)
    changed, gone, added = "data/record/sealed.pdf", "data/logs/terminal-a.jsonl", "data/media/x.bin"
    if as_zip:
        top = "record-2026-0042/"

        def tamper(members: dict[str, bytes]) -> dict[str, bytes]:
            members[top + changed] = b"%PDF-1.7\n...forged..."
            del members[top + gone]
            members[top + added] = b"smuggled"
            return members

        _rezip(bag, tamper)
    else:
        (bag / changed).write_bytes(b"%PDF-1.7\n...forged...")
        (bag / gone).unlink()
        (bag / added).write_bytes(b"smuggled")
    report = validate_bag(bag)
    found = {(p.reason, p.path) for p in report.problems}
    assert {("altered", changed), ("missing", gone), ("extra", added)} <= found
    assert ("oxum_mismatch", "bag-info.txt") in found
    lines = (bag / "manifest-sha256.txt").read_text(encoding="utf-8").splitlines() if not as_zip \
        else None
    if lines:
        altered = next(p for p in report.problems if p.reason == "altered")
        assert changed in lines[altered.line - 1]


def test_edited_tag_files_are_named(tmp_path: Path, payload) -> None:
    bag = _bag(tmp_path, payload)
    info = bag / "bag-info.txt"
    info.write_text(info.read_text(encoding="utf-8").replace("2026-0042", "2026-0043"),
                    encoding="utf-8")
    (bag / "manifest-sha256.txt").unlink()
    report = validate_bag(bag)
    assert [(p.reason, p.path) for p in report.problems] == [("tag_missing", "manifest-sha256.txt")]
    bag2 = write_bag(tmp_path / "second", payload, info=INFO).path
    (bag2 / "bag-info.txt").write_text("Payload-Oxum: 1.1\n", encoding="utf-8")
    found = {(p.reason, p.path) for p in validate_bag(bag2).problems}
    assert found == {("tag_altered", "bag-info.txt"), ("oxum_mismatch", "bag-info.txt")}


def test_unsafe_paths_and_links_are_not_followed(tmp_path: Path, payload) -> None:
    bag = _bag(tmp_path, payload)
    secret = tmp_path / "outside.txt"
    secret.write_text("not part of the bag")
    (bag / "data" / "link").symlink_to(secret)
    manifest = bag / "manifest-sha256.txt"
    manifest.write_text(manifest.read_text() + f"{'0' * 64}  data/../outside.txt\n")
    found = {(p.reason, p.path) for p in validate_bag(bag).problems}
    assert ("unsafe_path", "data/link") in found
    assert ("unsafe_path", "data/../outside.txt") in found


def test_not_a_bag(tmp_path: Path) -> None:
    with pytest.raises(BagError) as err:
        validate_bag(tmp_path / "nothing")
    assert err.value.reason == "not_a_bag"
    (tmp_path / "junk.zip").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(BagError):
        validate_bag(tmp_path / "junk.zip")
    (tmp_path / "empty").mkdir()
    report = validate_bag(tmp_path / "empty")
    assert {p.path for p in report.problems} == {"bagit.txt", "manifest-sha256.txt"}


def test_writer_refuses_bad_names_and_leaves_nothing_unfinished(tmp_path: Path) -> None:
    with BagWriter(tmp_path / "bag") as writer:
        for bad in ("../escape", "/abs", "a/../../b", ""):
            with pytest.raises(BagError) as err:
                writer.add_bytes(bad, b"x")
            assert err.value.reason == "unsafe_path"
        writer.add_bytes("a.txt", b"x")
        with pytest.raises(BagError) as err:
            writer.add_bytes("a.txt", b"y")
        assert err.value.reason == "duplicate"
        with pytest.raises(BagError) as err:
            writer.finish({"Bad: label": "x"})
        assert err.value.reason == "bad_info"
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "bag").mkdir()
    with pytest.raises(BagError) as err:
        BagWriter(tmp_path / "bag")
    assert err.value.reason == "exists"


def test_large_files_are_streamed_not_loaded(tmp_path: Path) -> None:
    big = tmp_path / "recording.mkv"
    with open(big, "wb") as handle:
        for _ in range(48):
            handle.write(os.urandom(1 << 20))
    tracemalloc.start()
    try:
        for as_zip in (False, True):
            bag = write_bag(tmp_path / ("bag.zip" if as_zip else "bag"), {"media/recording.mkv": big})
            assert validate_bag(bag.path).ok
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * (1 << 20)  # a 48 MiB file went through with a few MiB of buffers


def test_bag_info_continuation_lines_and_repeated_labels() -> None:
    info = read_bag_info("Contact-Name: A\nContact-Name: B\nExternal-Description: a long\n  "
                         "description\n\tcontinued\n")
    assert info == {"Contact-Name": ("A", "B"),
                    "External-Description": ("a long description continued",)}


@given(st.text(alphabet=st.sampled_from("ab%\n\r/ 0AD"), min_size=1, max_size=12))
def test_manifest_paths_round_trip(name: str) -> None:
    encoded = encode_manifest_path(name)
    assert "\n" not in encoded and "\r" not in encoded
    assert decode_manifest_path(encoded) == name


def test_paths_with_percent_and_newline_are_encoded(tmp_path: Path) -> None:
    bag = write_bag(tmp_path / "bag", {"odd 100%\nname.txt": b"x"}).path
    assert "data/odd 100%25%0Aname.txt" in (bag / "manifest-sha256.txt").read_text()
    assert validate_bag(bag).ok


def test_every_problem_reads_in_english_and_chinese(tmp_path: Path, payload) -> None:
    bag = _bag(tmp_path, payload)
    (bag / "data/record/sealed.pdf").write_bytes(b"forged")
    report = validate_bag(bag)
    for problem in report.problems:
        assert problem.reason in PROBLEM_TEXT
    altered = next(p for p in report.problems if p.reason == "altered")
    assert altered.describe("zh") == "data/record/sealed.pdf: 文件已被修改"
    assert altered.describe("en") == "data/record/sealed.pdf: file was changed"
