"""A recording checked against its list: every segment verifies; an altered byte is found in
the segment that holds it; a crash leaves a verifiable prefix and an unlisted tail."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from avtest_support import flips, run_simulation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devices.av.integrity import MismatchKind, check_recording, check_segments
from devices.av.mkv_layout import MatroskaWalker
from devices.av.segment_list import list_path_for, parse_segment_list


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    out = tmp_path_factory.mktemp("rec") / "talk.mkv"
    segments: list = []
    run_simulation(out, 4.0, on_segment=segments.append)
    return out, segments


def copy(recording: tuple[Path, list], tmp_path: Path, data: bytes | None = None) -> Path:
    src, _ = recording
    dst = tmp_path / src.name
    dst.write_bytes(src.read_bytes() if data is None else data)
    shutil.copy(list_path_for(src), list_path_for(dst))
    return dst


def test_an_untouched_recording_verifies(recording: tuple[Path, list]) -> None:
    path, segments = recording
    result = check_recording(path)
    assert result.ok and result.complete and result.first_mismatch is None
    assert result.segments_verified == result.segments_total == len(segments) >= 8
    assert result.bytes_verified == result.file_size == path.stat().st_size
    assert result.simulated == ("camera", "microphone")


def test_segments_are_contiguous_whole_clusters_of_about_half_a_second(recording) -> None:
    path, segments = recording
    data = path.read_bytes()
    assert segments[0].offset == 0
    assert sum(s.length for s in segments) == len(data)
    for a, b in zip(segments, segments[1:]):
        assert a.offset + a.length == b.offset
        assert data[b.offset:b.offset + 4] == bytes.fromhex("1f43b675")  # a Cluster starts here
    for s in segments[:-1]:
        assert 400 <= s.media_end_ms - s.media_start_ms <= 600
    # The callback and the list agree, chain included.
    listing = parse_segment_list(list_path_for(path).read_text())
    assert [(e.offset, e.length, e.sha256, e.chain) for e in listing.segments] == \
        [(s.offset, s.length, s.sha256, s.chain) for s in segments]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_an_altered_byte_is_found_in_its_segment(recording, data: st.DataObject) -> None:
    path, segments = recording
    original = path.read_bytes()
    position = data.draw(st.integers(0, len(original) - 1))
    listing = parse_segment_list(list_path_for(path).read_text())
    result = check_segments(io.BytesIO(flips(original, [position])), listing)
    assert not result.ok
    m = result.first_mismatch
    assert m is not None and m.kind is MismatchKind.ALTERED
    assert m.offset <= position < m.offset + m.length
    seg = next(s for s in segments if s.offset <= position < s.offset + s.length)
    assert (m.segment, m.first_ms, m.last_ms) == (seg.index, seg.media_start_ms, seg.media_end_ms)
    assert result.segments_verified == seg.index


def test_a_truncated_recording_names_the_first_missing_range(recording, tmp_path: Path) -> None:
    path, segments = recording
    data = path.read_bytes()
    cut = segments[2].offset + 10
    result = check_recording(copy(recording, tmp_path, data[:cut]))
    assert result.first_mismatch is not None
    assert result.first_mismatch.kind is MismatchKind.TRUNCATED
    assert result.first_mismatch.segment == 2
    assert result.segments_verified == 2


def test_bytes_appended_to_a_complete_recording_are_found(recording, tmp_path: Path) -> None:
    path, _ = recording
    data = path.read_bytes()
    result = check_recording(copy(recording, tmp_path, data + b"appended"))
    assert result.first_mismatch is not None
    assert result.first_mismatch.kind is MismatchKind.EXTRA_BYTES
    assert (result.first_mismatch.offset, result.first_mismatch.length) == (len(data), 8)


def test_a_crash_leaves_a_verifiable_prefix_and_an_unlisted_tail(recording, tmp_path: Path) -> None:
    path, segments = recording
    data = path.read_bytes()
    text = list_path_for(path).read_text()
    # What a crash leaves: the list up to segment 2, the file a little beyond it.
    lines = text.split("\n")
    keep = [ln for ln in lines if not ln.startswith(("end\t",))]
    cut_at = next(i for i, ln in enumerate(keep) if ln.startswith("segment\t3\t"))
    dst = tmp_path / path.name
    dst.write_bytes(data[:segments[3].offset + 1000])
    list_path_for(dst).write_text("\n".join(keep[:cut_at]) + "\n")
    result = check_recording(dst)
    assert result.ok and not result.complete
    assert result.segments_verified == 3
    assert result.unlisted_tail == 1000
    assert "interrupted" in result.describe()


def test_a_segment_removed_from_the_list_is_a_broken_chain(recording, tmp_path: Path) -> None:
    path, _ = recording
    dst = copy(recording, tmp_path)
    lines = list_path_for(dst).read_text().split("\n")
    lines = [ln for ln in lines if not ln.startswith("segment\t1\t")]
    list_path_for(dst).write_text("\n".join(lines))
    result = check_recording(dst)
    assert not result.ok
    assert result.first_mismatch is not None  # the offsets no longer line up either
    assert result.first_mismatch.kind is MismatchKind.NOT_CONTIGUOUS


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(1, 70_000), min_size=1, max_size=50))
def test_cluster_boundaries_do_not_depend_on_how_the_bytes_arrive(recording, sizes: list) -> None:
    path, _ = recording
    data = path.read_bytes()
    whole = MatroskaWalker().feed(data)
    walker = MatroskaWalker()
    pieces = []
    pos = 0
    i = 0
    while pos < len(data):
        n = sizes[i % len(sizes)]
        pieces += walker.feed(data[pos:pos + n])
        pos += n
        i += 1
    assert pieces == whole and walker.broken is None
    assert whole[-1].end <= len(data)


def test_the_walker_gives_up_on_what_is_not_matroska() -> None:
    walker = MatroskaWalker()
    assert walker.feed(b"\x00" * 64) == []
    assert walker.broken


def test_a_file_checks_against_the_segments_the_capture_log_kept(recording, tmp_path: Path) -> None:
    from devices.av.segment_list import listing_from_segments

    path, segments = recording
    data = path.read_bytes()
    logged = listing_from_segments(segments, size=len(data),
                                   sha256=__import__("hashlib").sha256(data).hexdigest())
    assert check_segments(io.BytesIO(data), logged).ok
    # The list beside the file was rewritten to match a forged file: the log still catches it.
    forged = flips(data, [segments[1].offset + 5])
    result = check_segments(io.BytesIO(forged), logged)
    assert result.first_mismatch is not None and result.first_mismatch.segment == 1
