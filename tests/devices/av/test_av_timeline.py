"""Audio is the master clock: drift is measured, gaps become silence of the right length,
video lands on the audio timeline, and nothing is shifted silently."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.av.audio_clock import AudioClock
from devices.av.events import DropReason, GapReason
from devices.av.media import AudioBlock, VideoFrame
from devices.av.timeline import AudioTimeline, VideoTimestamper

SR = 48_000
BS = 480
ORIGIN = 10_000_000_000


def block(first_ns: float, *, frames: int = BS, overflow: bool = False) -> AudioBlock:
    return AudioBlock(np.ones((frames, 1), np.int16), int(first_ns), int(first_ns) + 12_000_000,
                      overflow)


def feed(timeline: AudioTimeline, times: list[float], **kw: object) -> list:
    out = []
    for t in times:
        out += timeline.place(block(t, **kw))  # type: ignore[arg-type]
    return out


def mic_times(n: int, *, ppm: float = 0.0, start_ns: float = ORIGIN, jitter_ns: float = 0.0,
              seed: int = 0) -> list[float]:
    ns_per_sample = 1e9 / (SR * (1 + ppm * 1e-6))
    rng = np.random.default_rng(seed)
    return [start_ns + k * BS * ns_per_sample + rng.uniform(-jitter_ns, jitter_ns) for k in range(n)]


@settings(max_examples=15, deadline=None)
@given(ppm=st.floats(-500, 500), jitter_ms=st.floats(0, 3))
def test_the_microphone_drift_is_measured(ppm: float, jitter_ms: float) -> None:
    clock = AudioClock(SR, ORIGIN)
    timeline = AudioTimeline(clock)
    placements = feed(timeline, mic_times(3000, ppm=ppm, jitter_ns=jitter_ms * 1e6,
                                          start_ns=ORIGIN + 20e6))  # 30 s
    assert abs(clock.drift_ppm - ppm) < 5 + 10 * jitter_ms
    # Only the silence before the first block: jitter never turns into gaps.
    assert [p.gap.reason for p in placements if p.gap] == [GapReason.AUDIO_NOT_STARTED]


def test_video_follows_the_audio_clock_not_the_host_clock() -> None:
    # A microphone 300 ppm fast: after 40 s its sample count is 12 ms ahead of the host clock.
    clock = AudioClock(SR, ORIGIN)
    timeline = AudioTimeline(clock)
    feed(timeline, mic_times(4000, ppm=300))
    t = ORIGIN + 40e9
    stamper = VideoTimestamper(clock)
    pts = stamper.pts(VideoFrame(np.zeros((2, 2, 3), np.uint8), int(t), int(t), 0))
    assert isinstance(pts, int)
    # On the audio timeline that instant is sample 40 s * 48000 * (1 + 300e-6).
    assert abs(pts / 90_000 - 40 * (1 + 300e-6)) < 0.0005


def test_an_overflow_is_filled_with_silence_of_exactly_the_lost_length() -> None:
    clock = AudioClock(SR, ORIGIN)
    timeline = AudioTimeline(clock)
    times = mic_times(1000)
    lost = 15  # 150 ms of blocks never arrive
    out = feed(timeline, times[:500])
    out += timeline.place(block(times[500 + lost], overflow=True))
    gaps = [p.gap for p in out if p.gap is not None]
    assert [g.reason for g in gaps] == [GapReason.INPUT_OVERFLOW]
    assert gaps[0].samples == lost * BS
    assert abs(gaps[0].media_start_s - 5.0) < 1e-9
    assert timeline.next_index == (501 + lost) * BS


def test_a_gap_without_a_flag_is_inserted_once_the_next_block_confirms_it() -> None:
    clock = AudioClock(SR, ORIGIN)
    timeline = AudioTimeline(clock)
    times = mic_times(1000)
    feed(timeline, times[:300])
    held = timeline.place(block(times[310]))          # 100 ms late: suspicious, held back
    assert held == []
    out = timeline.place(block(times[311]))           # agrees: 10 blocks were lost
    assert [p.gap.samples for p in out if p.gap] == [10 * BS]
    assert out[0].gap.reason is GapReason.AUDIO_LATE
    assert timeline.next_index == 312 * BS


def test_one_late_timestamp_inserts_nothing() -> None:
    clock = AudioClock(SR, ORIGIN)
    timeline = AudioTimeline(clock)
    times = mic_times(1000)
    feed(timeline, times[:300])
    timeline.place(block(times[300] + 80e6))          # a callback stamped 80 ms late
    out = timeline.place(block(times[301]))           # the next one is back on track
    assert all(p.gap is None for p in out)
    assert timeline.next_index == 302 * BS
    assert timeline.unconfirmed == 1


def test_audio_that_seems_older_than_what_was_written_is_never_cut() -> None:
    clock = AudioClock(SR, ORIGIN)
    timeline = AudioTimeline(clock)
    times = mic_times(1000)
    feed(timeline, times[:300])
    back = [t - 200e6 for t in times[300:310]]        # the device's clock jumped back 200 ms
    out = feed(timeline, back)
    assert sum(p.frames for p in out) == 10 * BS      # every sample kept, none dropped
    assert timeline.clock_jumps == 1


def test_the_first_block_starts_after_silence_from_the_recording_start() -> None:
    clock = AudioClock(SR, ORIGIN)
    timeline = AudioTimeline(clock)
    out = timeline.place(block(ORIGIN + 25e6))
    assert out[0].gap is not None and out[0].gap.reason is GapReason.AUDIO_NOT_STARTED
    assert out[0].silence == 1200
    assert out[1].start_index == 1200


def test_a_stalled_microphone_is_followed_with_silence_up_to_now() -> None:
    clock = AudioClock(SR, ORIGIN)
    timeline = AudioTimeline(clock)
    feed(timeline, mic_times(100))
    out = timeline.fill_until(ORIGIN + int(1.5e9), GapReason.STALLED)
    assert out[-1].gap.reason is GapReason.STALLED
    assert timeline.next_index == 72_000


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 960), st.floats(-40e6, 40e6), st.booleans()),
                min_size=1, max_size=60))
def test_the_audio_track_is_contiguous_and_keeps_every_sample(blocks: list) -> None:
    clock = AudioClock(SR, ORIGIN)
    timeline = AudioTimeline(clock)
    t = float(ORIGIN)
    placements = []
    for frames, wobble, overflow in blocks:
        placements += timeline.place(block(t + wobble, frames=frames, overflow=overflow))
        t += frames * 1e9 / SR
    placements += timeline.flush()
    position = 0
    for p in placements:
        assert p.start_index == position
        position += p.frames
    assert sum(p.samples.shape[0] for p in placements if p.samples is not None) == \
        sum(f for f, _, _ in blocks)
    assert position == timeline.next_index


def test_frames_that_cannot_be_placed_are_dropped_with_a_reason() -> None:
    clock = AudioClock(SR, ORIGIN)
    stamper = VideoTimestamper(clock)
    img = np.zeros((2, 2, 3), np.uint8)
    assert stamper.pts(VideoFrame(img, ORIGIN, ORIGIN - 5_000_000, 0)) is DropReason.BEFORE_START
    assert stamper.pts(VideoFrame(img, ORIGIN, ORIGIN + 100_000_000, 1)) == 9000
    assert stamper.pts(VideoFrame(img, ORIGIN, ORIGIN + 90_000_000, 2)) is DropReason.OUT_OF_ORDER
    assert stamper.pts(VideoFrame(img, ORIGIN, ORIGIN + 133_333_333, 3)) == 12000


def test_a_reset_keeps_the_measured_drift() -> None:
    clock = AudioClock(SR, ORIGIN)
    timeline = AudioTimeline(clock)
    feed(timeline, mic_times(2000, ppm=250))
    before = clock.drift_ppm
    clock.reset(timeline.next_index, int(ORIGIN + 30e9))
    assert abs(clock.drift_ppm - before) < 1e-3
    assert abs(clock.host_to_index(ORIGIN + 30e9) - timeline.next_index) < 1e-6


def test_a_patch_that_is_a_little_off_does_not_bend_the_drift_estimate() -> None:
    clock = AudioClock(SR, ORIGIN)
    timeline = AudioTimeline(clock)
    times = mic_times(2000, ppm=-250)
    feed(timeline, times[:1000])
    # 10 blocks lost; the flagged block's timestamp is 2 ms off, so the patch is 96 samples off.
    timeline.place(block(times[1010] + 2e6, overflow=True))
    feed(timeline, times[1011:2000])
    assert abs(clock.drift_ppm + 250) < 1.0
