"""A station's session clock against its recording's time."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.ui.verifier.contents import VerifiedPackage
from app.ui.verifier.media_clock import MediaClock, media_clock
from devices.av import MediaTimeMap, parse_segment_list


@given(st.integers(0, 10**12), st.floats(-2000, 2000), st.floats(0, 36_000))
def test_the_mapping_goes_both_ways(origin: int, ppm: float, media_s: float) -> None:
    clock = MediaClock(origin, MediaTimeMap(drift_ppm=ppm))
    assert abs(clock.media_s(clock.mono_us(media_s)) - media_s) < 1e-6


def test_a_fast_microphone_stretches_media_time() -> None:
    clock = MediaClock(1_000_000, MediaTimeMap(drift_ppm=100.0))
    assert abs(clock.media_s(11_000_000) - 10.001) < 1e-9


def test_where_the_timeline_jumped_the_anchors_hold() -> None:
    # Audio held up 2.0 s in was appended after 0.4 s of stand-in silence: from then on media
    # time is 0.4 s ahead of the session clock.
    listing = parse_segment_list(
        "inkseal-segments\t1\nfile\tx.mkv\ncreated\t2026-11-29T08:00:00.000Z\n"
        "clock\t0.010000\t0.010000\tx\nclock\t2.400000\t2.000000\tx\n")
    clock = media_clock(listing, 0)
    assert clock is not None
    origin = clock.origin_mono_us
    assert abs(clock.media_s(origin + 1_000_000) - 1.0) < 1e-9      # before the jump
    assert abs(clock.media_s(origin + 3_000_000) - 3.4) < 1e-9      # after it
    assert abs(clock.mono_us(3.4) - (origin + 3_000_000)) < 1e-3
    assert abs(clock.mono_us(2.2) - (origin + 2_200_000)) < 1e-3    # the stand-in silence


def test_the_recording_starts_when_its_list_says(verified: VerifiedPackage) -> None:
    for station, media in verified.media.items():
        log = next(log for log in verified.logs if log.station == station)
        started = next(e for e in log.entries if e.kind == "av.started")
        assert media.clock is not None
        # Logged right after the recorder started: within a few tens of milliseconds.
        assert 0 < started.mono_us - media.clock.origin_mono_us < 200_000
        first = next(e for e in log.entries if e.kind == "av.segment")
        # A segment is logged once written, after the media time it ends at.
        assert media.clock.media_s(first.mono_us) > first.data["last_ms"] / 1000


def test_a_list_without_a_start_time_gives_no_clock() -> None:
    listing = parse_segment_list("inkseal-segments\t1\nfile\tx.mkv\ncreated\tsoon\n")
    assert media_clock(listing, 0) is None
