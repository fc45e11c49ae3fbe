"""The segment-hash list: written line by line, chained, parsed back, malformed lists refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.av.errors import SegmentListError
from devices.av.segment_list import ListHeader, SegmentListWriter, list_path_for, parse_segment_list

HEADER = ListHeader("talk.mkv", "2026-11-29T08:55:00.123Z", ("camera",),
                    "synthetic:test pattern [SIMULATED]", "device:USB\tAudio", "matroska h264 flac 48000 1")


def write_list(path: Path, segments: list[tuple[int, int, int, int, str]], *, end: bool) -> None:
    w = SegmentListWriter(path, HEADER)
    offset = 0
    for i, (length, first, last, _, sha) in enumerate(segments):
        w.record("segment", i, offset, length, first, last, sha)
        offset += length
    w.record("gap", "audio", "1.000000", "0.150000", "input_overflow", 7200)
    if end:
        w.record("end", offset, len(segments), "ab" * 32, "3.000000", "requested")
    w.close()


def test_a_written_list_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "x.segments"
    write_list(path, [(100, 0, 960, 0, "a" * 64), (50, 990, 1990, 0, "b" * 64)], end=True)
    listing = parse_segment_list(path.read_text())
    assert listing.header["file"] == "talk.mkv"
    assert listing.header["microphone"] == "device:USB Audio"   # a TAB cannot break the format
    assert listing.simulated == ("camera",)
    assert [(s.index, s.offset, s.length, s.first_ms, s.last_ms, s.sha256)
            for s in listing.segments] == [(0, 0, 100, 0, 960, "a" * 64),
                                           (1, 100, 50, 990, 1990, "b" * 64)]
    assert listing.records == (("gap", "audio", "1.000000", "0.150000", "input_overflow", "7200"),)
    assert listing.end is not None and listing.end.size == 150 and listing.end.segments == 2
    assert listing.chain_ok


def test_editing_any_record_breaks_the_chain_at_that_line(tmp_path: Path) -> None:
    path = tmp_path / "x.segments"
    write_list(path, [(100, 0, 960, 0, "a" * 64), (50, 990, 1990, 0, "b" * 64)], end=True)
    lines = path.read_text().split("\n")
    number = next(i for i, line in enumerate(lines, 1) if line.startswith("segment\t1\t"))
    lines[number - 1] = lines[number - 1].replace("\t50\t", "\t51\t")
    listing = parse_segment_list("\n".join(lines))
    assert not listing.chain_ok
    assert listing.chain_break_line == number


def test_changing_the_simulated_flag_breaks_the_chain(tmp_path: Path) -> None:
    path = tmp_path / "x.segments"
    write_list(path, [(100, 0, 960, 0, "a" * 64)], end=True)
    text = path.read_text().replace("simulated\tcamera", "simulated\tnone")
    listing = parse_segment_list(text)
    assert listing.simulated == ()
    assert not listing.chain_ok


def test_a_list_cut_by_a_crash_keeps_its_complete_lines(tmp_path: Path) -> None:
    path = tmp_path / "x.segments"
    write_list(path, [(100, 0, 960, 0, "a" * 64), (50, 990, 1990, 0, "b" * 64)], end=False)
    text = path.read_text()
    cut = text + "segment\t2\t150\t4"  # a line half written when the power went
    listing = parse_segment_list(cut)
    assert listing.partial_last_line
    assert len(listing.segments) == 2 and listing.end is None and listing.chain_ok


def test_not_a_segment_list() -> None:
    with pytest.raises(SegmentListError) as err:
        parse_segment_list("hello\n")
    assert err.value.reason == "bad_magic" and err.value.line == 1


def test_a_malformed_record_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "x.segments"
    write_list(path, [(100, 0, 960, 0, "a" * 64)], end=False)
    text = path.read_text() + "segment\tone\t0\t1\t2\t3\tff\tchain\n"
    with pytest.raises(SegmentListError) as err:
        parse_segment_list(text)
    assert err.value.reason == "bad_record"
    assert err.value.line == len(text.rstrip("\n").split("\n"))


def test_the_list_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "x.segments"
    write_list(path, [], end=False)
    with pytest.raises(FileExistsError):
        SegmentListWriter(path, HEADER)


def test_the_list_lives_beside_the_recording() -> None:
    assert list_path_for(Path("/r/a.mkv")) == Path("/r/a.mkv.segments")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 10**9), st.integers(-1, 10**7), st.integers(-1, 10**7),
                          st.integers(0, 0), st.text("0123456789abcdef", min_size=64, max_size=64)),
                max_size=20),
       st.booleans())
def test_any_list_round_trips(segments: list, end: bool) -> None:
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.segments"
        write_list(path, segments, end=end)
        listing = parse_segment_list(path.read_text())
    assert listing.chain_ok
    assert [(s.length, s.first_ms, s.last_ms, s.sha256) for s in listing.segments] == \
        [(length, first, last, sha) for length, first, last, _, sha in segments]
    assert (listing.end is not None) == end
