"""The package verifier: one report with a verdict and a reason per check, in three forms;
trust only from roots the caller gives; the archive key opens the evidence and the pen
tracks are compared with the visible signatures; a lone PDF is verified as far as it can be;
and the pieces underneath (one-pass range hashing, the segment list) on their own."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from crypto.bagit import write_bag
from crypto.pades_report import Check, Verdict
from crypto.verify_package import verify_package, verify_path, verify_record_file
from crypto.verify_package_files import PackageFiles
from crypto.verify_package_ink import InkDrawing
from crypto.verify_package_media import parse_segment_listing
from crypto.verify_report import Outcome, PackageReport
from crypto.verify_report_html import render_html
from crypto.verify_report_text import render_text
from records.evidence_bundle import ink_from_iso
from tests.records.test_session_world import archive_key, demo_site, package, unpacked

FIELDS = ("Sig_2_recorder", "Sig_3_appropriate_adult", "Sig_4_suspect")


def by(report: PackageReport, name: str) -> dict[str, Check]:
    return {c.subject: c for c in report.checks if c.name == name}


def test_with_the_roots_given_and_the_archive_key_every_check_passes() -> None:
    report = verify_package(package(), trust=[demo_site().root], archive_key=archive_key(),
                            pen_decoder=ink_from_iso)
    assert report.outcome is Outcome.PASS and report.trusted and report.archive_key
    assert report.counts()["fail"] == 0 and report.counts()["warn"] == 0
    names = {c.name for c in report.checks}
    assert names >= {"trust", "manifest", "record_identity", "fields", "signature",
                     "signature_timestamp", "evidence", "checkpoints", "doc_timestamp",
                     "checkpoint_timestamp", "log_key", "capture_log", "log_binding", "media",
                     "devices", "ink", "package"}
    ink = by(report, "ink")
    assert set(ink) == set(FIELDS)
    assert all(c.verdict is Verdict.PASS and c.details["differing_share"] == 0
               and c.details["inked_pixels"] > 1000 for c in ink.values())
    assert all(by(report, "evidence")[f].details["decrypted"] for f in FIELDS)
    assert report.record["case_number"] == "渝南检刑捕受〔2020〕12号"


def test_without_trust_roots_nothing_fails_but_nothing_is_trusted() -> None:
    report = verify_package(package())
    assert report.ok and not report.trusted and report.outcome is Outcome.UNTRUSTED
    trust = by(report, "trust")[""]
    assert trust.verdict is Verdict.WARN and trust.reason == "roots_from_package"
    skipped = by(report, "ink")[""]
    assert skipped.verdict is Verdict.SKIP and skipped.reason == "archive_key_not_given"
    text = render_text(report, "en")
    assert "NOT given" in text and "INTACT BUT NOT TRUSTED" in text


def test_a_pen_track_that_does_not_draw_the_visible_signature_fails() -> None:
    def scribble(iso: bytes) -> InkDrawing:
        drawing = ink_from_iso(iso)
        return InkDrawing(tuple(tuple((x, y + 40, p) for x, y, p in s)
                                for s in drawing.strokes), drawing.extent)

    report = verify_package(package(), trust=[demo_site().root], archive_key=archive_key(),
                            pen_decoder=scribble)
    assert {c.subject for c in report.failures()} == set(FIELDS)
    assert report.reasons() == {"ink_mismatch"}


def test_the_unpacked_directory_verifies_like_the_zip(tmp_path: Path) -> None:
    report = verify_path(unpacked(tmp_path), trust=[demo_site().root])
    assert report.outcome is Outcome.PASS and report.kind == "package"


def test_a_lone_sealed_pdf_is_verified_as_far_as_a_pdf_can_be(tmp_path: Path) -> None:
    pdf = unpacked(tmp_path) / "data" / "record.pdf"
    report = verify_path(pdf, trust=[demo_site().root], archive_key=archive_key(),
                         pen_decoder=ink_from_iso)
    assert report.kind == "pdf" and report.outcome is Outcome.PASS
    assert by(report, "capture_log")[""].reason == "pdf_only"
    assert all(c.verdict is Verdict.PASS for c in by(report, "ink").values())
    assert set(by(report, "ink")) == set(FIELDS)  # from the pen track inside each signature
    untrusted = verify_record_file(pdf)
    assert untrusted.outcome is Outcome.UNTRUSTED


def test_what_is_not_a_package_is_reported_not_raised(tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(os.urandom(100))
    report = verify_path(junk)
    assert report.outcome is Outcome.FAIL and report.reasons() == {"not_a_bag"}
    bare = write_bag(tmp_path / "bare", {"x.txt": b"x"}).path
    report = verify_package(bare)
    assert report.reasons() == {"manifest_unreadable"}
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"%PDF-1.7 nothing")
    assert not verify_path(fake).ok


# --------------------------------------------------------------------------- the forms
def test_the_report_in_text_json_and_html() -> None:
    report = verify_package(package(), trust=[demo_site().root])
    zh = render_text(report, "zh")
    assert "结论：验证通过" in zh and "[通过] 采集日志 terminal-1" in zh and "模拟设备" in zh
    en = render_text(report, "en")
    assert "Verdict: VERIFIED" in en and "[PASS] capture log terminal-1" in en
    assert len(zh.splitlines()) == len(en.splitlines())
    data = json.loads(json.dumps(report.to_json(), ensure_ascii=False, default=str))
    assert data["outcome"] == "pass" and data["trusted"] is True
    assert len(data["checks"]) == len(report.checks)
    assert all(set(c) == {"name", "subject", "verdict", "reason", "message", "details"}
               for c in data["checks"])
    page = render_html(report, "zh")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert page.count("<tr>") == len(report.checks) + 1 and "验证通过" in page
    assert "Simulated" in render_html(report, "en")


def test_html_escapes_what_it_shows() -> None:
    check = Check("package", "<b>x</b>", Verdict.FAIL, "file_altered", "a & b <script>")
    page = render_html(PackageReport("<evil>", "package", (check,), True), "en")
    assert "<script>" not in page and "&lt;script&gt;" in page and "&lt;evil&gt;" in page


# ------------------------------------------------------------------ pieces underneath
@settings(max_examples=40, deadline=None)
@given(st.binary(min_size=0, max_size=3000), st.lists(st.integers(0, 700), max_size=8),
       st.integers(1, 64))
def test_ranges_are_hashed_in_the_same_single_pass(tmp_path_factory, data: bytes,
                                                   lengths: list[int], chunk: int) -> None:
    import crypto.verify_package_files as files_module

    bag = write_bag(tmp_path_factory.mktemp("ranges") / "bag", {"media/x.bin": data}).path
    ranges, offset = [], 0
    for length in lengths:
        ranges.append((offset, length))
        offset += length
    saved, files_module.CHUNK = files_module.CHUNK, chunk
    try:
        with PackageFiles(bag) as files:
            found = files.hash_ranges("media/x.bin", ranges)
            checks = files.finish()
    finally:
        files_module.CHUNK = saved
    assert found.size == len(data) and found.sha256 == hashlib.sha256(data).hexdigest()
    assert list(found.ranges) == [hashlib.sha256(data[o:o + n]).hexdigest()
                                  if o + n <= len(data) else None for o, n in ranges]
    assert [c.verdict for c in checks] == [Verdict.PASS]


def test_the_segment_list_is_read_and_its_chain_checked() -> None:
    text = (package().parent / "data" / "media").glob("*terminal-1.mkv.segments")
    listing_text = next(text).read_text(encoding="utf-8")
    listing = parse_segment_listing(listing_text)
    assert listing.error is None and listing.chain_break is None and listing.segments
    assert listing.header["simulated"] == "camera,microphone"
    offsets = [s.offset for s in listing.segments]
    assert offsets[0] == 0 and all(
        a.offset + a.length == b.offset for a, b in zip(listing.segments, listing.segments[1:]))
    lines = listing_text.splitlines(keepends=True)
    target = next(i for i, line in enumerate(lines) if line.startswith("segment\t"))
    fields = lines[target].split("\t")
    fields[3] = str(int(fields[3]) + 1)
    lines[target] = "\t".join(fields)
    broken = parse_segment_listing("".join(lines))
    assert broken.chain_break == target + 1
    assert parse_segment_listing("not a list\n").error is not None
    assert parse_segment_listing(listing_text + "segment\t9").segments == listing.segments


def test_a_manifest_that_names_missing_files_is_reported_not_raised(tmp_path: Path) -> None:
    bag = unpacked(tmp_path)
    (bag / "data" / "record.pdf").unlink()
    report = verify_package(bag, trust=[demo_site().root])
    assert report.outcome is Outcome.FAIL
    assert {"manifest_malformed", "file_missing"} <= report.reasons()
    manifest = bag / "data" / "inkseal-package.json"
    manifest.write_text(json.dumps({"record": {}, "fields": {"signatories": [{}]}}))
    assert "manifest_malformed" in verify_package(bag).reasons()


@settings(max_examples=6, deadline=None)
@given(st.floats(0.0, 1.0), st.integers(1, 255))
def test_a_damaged_zip_is_reported_never_raised(tmp_path_factory, where: float,
                                                mask: int) -> None:
    damaged = tmp_path_factory.mktemp("damaged") / "record.zip"
    data = bytearray(package().read_bytes())
    data[min(len(data) - 1, int(len(data) * where))] ^= mask
    damaged.write_bytes(bytes(data))
    report = verify_package(damaged, trust=[demo_site().root])
    assert isinstance(report, PackageReport)
    if report.ok:  # the byte was one the payload does not depend on (zip bookkeeping)
        with PackageFiles(package()) as sound, PackageFiles(damaged) as hit:
            payload = sorted(n for n in hit.files if n.startswith("data/"))
            assert payload == sorted(n for n in sound.files if n.startswith("data/"))
            assert all(hit.read(n[5:]) == sound.read(n[5:]) for n in payload)
