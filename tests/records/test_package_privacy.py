"""A sealed package shows no biometric data outside the archive-encrypted evidence: no pen
sample, no fingerprint or photo pixels, no evidence item's bytes, in any file (the PDF's
streams decoded), and no path of the machine that made it.  The capture logs still say when
and in what order the pen moved, and everything they commit to opens with the archive key.

By design the PDF's visible signatures show the ink and a red fingerprint imprint (as a paper
record does), scaled into the signature field: those pictures are what the signatories signed,
not evidence items, and are not looked for here.
"""

from __future__ import annotations

import io
import json
import re
import zlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from crypto.evidence import OpenedEvidence, open_package_file
from crypto.evidence_pen import PenOpening
from crypto.pades_document import open_reader
from crypto.pades_verify_evidence import evidence_of
from tests.records.test_session_world import archive_key, package, unpacked

REPOSITORY = Path(__file__).resolve().parents[2]


@cache
def bag() -> Path:
    from tests.records.test_session_world import scratch

    return unpacked(scratch("inkseal-privacy-"))


@cache
def evidence() -> dict[str, OpenedEvidence]:
    """Every signatory's evidence, opened with the archive key."""
    data = bag() / "data"
    manifest = json.loads((data / "inkseal-package.json").read_text(encoding="utf-8"))
    reader = open_reader((data / "record.pdf").read_bytes())
    signatures = {s.field_name: s for s in reader.embedded_signatures}
    opened = {}
    for signatory in manifest["fields"]["signatories"]:
        name = signatory["field"]
        attribute = evidence_of(signatures[name])
        assert attribute is not None
        opened[name] = open_package_file((data / signatory["evidence"]).read_bytes(),
                                         attribute, archive_key())
    return opened


def pdf_streams(pdf: bytes) -> Iterator[bytes]:
    """Every stream of every revision of the PDF, inflated where it is Flate-compressed
    (images, fonts, contents, object streams); other filters' bytes as they are."""
    for match in re.finditer(rb"stream\r?\n", pdf):
        end = pdf.find(b"endstream", match.end())
        if end < 0:
            continue
        raw = pdf[match.end():end]
        try:
            yield zlib.decompressobj().decompress(raw)
        except zlib.error:
            yield raw


@cache
def package_texts() -> tuple[tuple[str, bytes], ...]:
    """(name, bytes) of every file outside ``data/evidence/``, plus the PDF's decoded streams."""
    found = []
    for path in sorted(bag().rglob("*")):
        if not path.is_file() or "evidence" in path.relative_to(bag()).parts:
            continue
        data = path.read_bytes()
        found.append((path.relative_to(bag()).as_posix(), data))
        if path.suffix == ".pdf":
            found += [(f"{path.name} stream {i}", s) for i, s in enumerate(pdf_streams(data))]
    return tuple(found)


def windows(pixels: bytes, width: int, count: int = 12, size: int = 48) -> list[bytes]:
    """Runs of ``size`` raw pixel bytes from rows across the image (textured ones only)."""
    rows = len(pixels) // width
    picked = []
    for i in range(1, count + 1):
        row = pixels[(rows * i // (count + 1)) * width:][:width]
        start = (len(row) - size) // 2
        run = row[start:start + size]
        if len(set(run)) > 8:  # a flat run could be anything's background
            picked.append(run)
    return picked


def int_lists(value: Any) -> Iterator[list[int]]:
    if isinstance(value, dict):
        for inner in value.values():
            yield from int_lists(inner)
    elif isinstance(value, list):
        ints = [v for v in value if type(v) is int]
        if len(ints) >= 3:
            yield ints
        for inner in value:
            yield from int_lists(inner)


def json_values(name: str, data: bytes) -> Iterator[Any]:
    if name.endswith(".jsonl"):
        for line in data.splitlines():
            yield json.loads(line)
    elif name.endswith(".json"):
        yield json.loads(data)


def test_the_demo_package_is_opened_whole_with_the_archive_key() -> None:
    opened = evidence()
    assert set(opened) == {"Sig_2_recorder", "Sig_3_appropriate_adult", "Sig_4_suspect"}
    for items in (o.items for o in opened.values()):
        assert {"pen_track", "pen_track_readable", "pen_batches", "fingerprint",
                "photo"} <= set(items)
    assert package().exists() and len(package_texts()) > 15


def test_no_evidence_item_appears_in_clear_anywhere_in_the_package() -> None:
    for field_name, opened in evidence().items():
        for item, data in opened.items.items():
            if item == "capture":  # devices and counts, no biometric data
                continue
            probes = [data[len(data) // 2:len(data) // 2 + 64], data[:64]]
            for name, content in package_texts():
                assert not any(p in content for p in probes), f"{field_name} {item} in {name}"


@pytest.mark.parametrize("item", ["fingerprint", "photo"])
def test_no_fingerprint_or_photo_pixels_in_clear(item: str) -> None:
    for field_name, opened in evidence().items():
        image = Image.open(io.BytesIO(opened.items[item]))
        image.load()
        raw = image.tobytes()
        probes = windows(raw, len(raw) // image.height)
        assert len(probes) >= 6, f"the {item} of {field_name} has too little texture to probe"
        for name, content in package_texts():
            assert not any(p in content for p in probes), \
                f"{item} pixels of {field_name} in {name}"


def test_no_pen_sample_in_clear_in_any_log_or_json_file() -> None:
    triples = set()
    for opened in evidence().values():
        opening = PenOpening.from_json(opened.items["pen_batches"])
        for batch in opening.batches:
            triples.update((r[1], r[2], r[3]) for r in batch.rows if r[3])
            triples.update((r[0], r[1], r[2]) for r in batch.rows)
    assert len(triples) > 3000
    checked = 0
    for name, content in package_texts():
        for value in json_values(name, content):
            checked += 1
            if isinstance(value, dict) and value.get("kind") == "pen.batch":
                assert "rows" not in value["data"] and value["data"]["v"] == 2
            for ints in int_lists(value):
                runs = {tuple(ints[i:i + 3]) for i in range(len(ints) - 2)}
                assert not runs & triples, f"pen samples in {name}: {sorted(runs & triples)[:3]}"
    assert checked > 100


def test_the_logs_name_no_file_of_the_machine_that_made_them() -> None:
    # The shipped STU replay log used to be logged by its absolute path (device.pad).
    needle = str(REPOSITORY).encode("utf-8")
    for name, content in package_texts():
        assert needle not in content, f"{name} names {REPOSITORY}"
    pads = [json.loads(line)["data"] for line in b"".join(
        c for n, c in package_texts() if n.endswith(".jsonl")).splitlines()
        if b'"device.pad"' in line]
    assert pads and all(p["details"].get("pen_log") == "stu-pen-log.csv" for p in pads)


def test_fingerprint_and_photo_entries_carry_hashes_and_figures_only() -> None:
    entries = [json.loads(line) for n, c in package_texts() if n.endswith(".jsonl")
               for line in c.splitlines()]
    for entry in entries:
        if entry["kind"] in ("fingerprint.captured", "photo.taken", "pen.accepted"):
            assert entry["blob_sha256"] and all(
                not isinstance(v, str) or len(v) < 200 for v in entry["data"].values())
    # Nothing is hidden by leaving it out: each turn still shows its pen timing and order.
    batches = [e["data"] for e in entries if e["kind"] == "pen.batch"]
    assert all(b["first_us"] <= b["last_us"] and b["count"] > 0 for b in batches)
    assert {e["data"]["field"] for e in entries if e["kind"] == "pen.batch"} == set(evidence())
    assert np.all(np.diff([b["first_us"] for b in batches if b["field"] == "Sig_4_suspect"]) > 0)
