"""The recorder end to end on simulated sources and a manual clock (fast, deterministic)."""

from __future__ import annotations

from pathlib import Path

import av
from avtest_support import LimitedTarget, run_simulation

from devices.av.calibration import flash_onsets, measure_sync
from devices.av.events import (
    GapFilled,
    GapReason,
    RecordingStarted,
    RecordingStopped,
    SourceLost,
    SourceReturned,
    SourceRole,
    StopReason,
    StreamKind,
)
from devices.av.integrity import check_recording
from devices.av.segment_list import list_path_for, parse_segment_list

FLASHES = [1.0, 3.0, 5.0, 7.0]


def test_drift_and_an_overrun_do_not_break_sync(tmp_path: Path) -> None:
    out = tmp_path / "sync.mkv"
    events: list = []
    summary = run_simulation(out, 9.0, on_event=events.append,
                             camera_kw={"flash_at_s": FLASHES, "latency_ms": 60.0, "jitter_ms": 3.0},
                             mic_kw={"marks_at_s": FLASHES, "drift_ppm": 300.0, "jitter_ms": 4.0,
                                     "overruns": [(4.0, 0.15)]})
    m = measure_sync(out)
    assert len(m.pairs) == len(FLASHES)
    assert m.max_abs_ms <= 10.0, m.offsets_ms
    overflow = [g for g in summary.gaps if g.reason is GapReason.INPUT_OVERFLOW]
    assert len(overflow) == 1 and abs(overflow[0].duration_s - 0.15) < 0.011
    assert [e.gap for e in events if isinstance(e, GapFilled)] == list(summary.gaps)
    assert summary.simulated and summary.stop_reason is StopReason.REQUESTED


def test_without_latency_correction_the_picture_is_late_by_the_latency(tmp_path: Path) -> None:
    out = tmp_path / "uncalibrated.mkv"
    run_simulation(out, 4.0, configured_latency_ms=0.0,
                   camera_kw={"flash_at_s": [1.0, 3.0], "latency_ms": 50.0, "jitter_ms": 0.0},
                   mic_kw={"marks_at_s": [1.0, 3.0]})
    m = measure_sync(out)
    assert len(m.pairs) == 2
    assert 48.0 <= m.latency_correction_ms() <= 52.0   # what calibration would configure


def test_a_stalled_microphone_is_a_logged_gap_and_sync_survives(tmp_path: Path) -> None:
    out = tmp_path / "stall.mkv"
    events: list = []
    summary = run_simulation(out, 7.0, on_event=events.append,
                             camera_kw={"flash_at_s": [1.0, 5.0], "jitter_ms": 0.0},
                             mic_kw={"marks_at_s": [1.0, 5.0], "stalls": [(2.0, 1.0)]})
    silence = sum(g.duration_s for g in summary.gaps
                  if g.stream is StreamKind.AUDIO and g.reason is not GapReason.AUDIO_NOT_STARTED)
    assert abs(silence - 1.0) < 0.015
    kinds = [(type(e).__name__, getattr(e, "role", None)) for e in events]
    assert ("SourceLost", SourceRole.MICROPHONE) in kinds
    assert ("SourceReturned", SourceRole.MICROPHONE) in kinds
    assert abs(summary.duration_s - 7.0) < 0.05          # the audio timeline never stopped
    m = measure_sync(out)
    assert len(m.pairs) == 2 and m.max_abs_ms <= 10.0


def test_a_full_disk_stops_cleanly_and_keeps_a_verifiable_playable_file(tmp_path: Path) -> None:
    out = tmp_path / "full.mkv"
    events: list = []
    segments: list = []
    capacity = 60_000
    summary = run_simulation(out, 6.0, on_event=events.append, on_segment=segments.append,
                             target_factory=lambda p: LimitedTarget(p, capacity))
    assert summary.stop_reason is StopReason.DISK_FULL
    assert summary.error and "No space" in summary.error
    assert summary.size == out.stat().st_size == capacity
    assert isinstance(events[-1], RecordingStopped)
    assert events[-1].reason is StopReason.DISK_FULL
    result = check_recording(out)
    assert result.ok and result.complete and result.bytes_verified == capacity
    assert parse_segment_list(list_path_for(out).read_text()).end.stop_reason == "disk_full"
    assert sum(s.length for s in segments) == capacity
    with av.open(str(out)) as container:    # what was written still plays
        frames = sum(1 for _ in container.decode(video=0))
    assert frames > 10


def test_events_come_in_order_and_say_the_sources_were_simulated(tmp_path: Path) -> None:
    out = tmp_path / "events.mkv"
    events: list = []
    segments: list = []
    summary = run_simulation(out, 2.5, on_event=events.append, on_segment=segments.append)
    assert isinstance(events[0], RecordingStarted) and events[0].simulated
    assert isinstance(events[-1], RecordingStopped) and events[-1].summary == summary
    assert all(s.simulated for s in segments)
    assert summary.segments == tuple(segments)
    with av.open(str(out)) as container:
        assert container.metadata["INKSEAL_SIMULATED"] == "camera,microphone"
        assert "SIMULATED" in container.metadata["INKSEAL_CAMERA"]


def test_a_failing_callback_does_not_stop_the_recording(tmp_path: Path) -> None:
    out = tmp_path / "cb.mkv"

    def broken(_: object) -> None:
        raise RuntimeError("subscriber bug")

    summary = run_simulation(out, 2.5, on_event=broken, on_segment=broken)
    assert summary.stop_reason is StopReason.REQUESTED
    assert len(summary.segments) >= 2
    assert check_recording(out).ok


def test_lost_and_returned_events_carry_the_media_time(tmp_path: Path) -> None:
    out = tmp_path / "media.mkv"
    events: list = []
    run_simulation(out, 5.0, on_event=events.append, mic_kw={"stalls": [(2.0, 0.5)]})
    lost = next(e for e in events if isinstance(e, SourceLost))
    back = next(e for e in events if isinstance(e, SourceReturned))
    assert 2.0 <= lost.media_s <= 2.1
    assert 0.45 <= back.outage_s <= 0.6


def test_lossy_audio_codecs_and_the_fallback_video_encoder_record_too(tmp_path: Path) -> None:
    from devices.av.muxer import EncoderSettings, available_video_codec
    from devices.av.recorder import RecorderSettings

    assert available_video_codec("no-such-encoder") == "libx264"
    for audio, video in (("aac", "libx264"), ("libopus", "libvpx")):
        out = tmp_path / f"{audio}.mkv"
        settings = RecorderSettings(encoder=EncoderSettings(preset="ultrafast", audio_codec=audio,
                                                            video_codec=video))
        summary = run_simulation(out, 2.5, settings=settings)
        with av.open(str(out)) as container:
            names = [s.codec_context.name for s in container.streams]
            samples = sum(f.samples for f in container.decode(audio=0))
        assert names == [{"libx264": "h264", "libvpx": "vp8"}[video],
                         {"aac": "aac", "libopus": "opus"}[audio]]
        assert abs(samples - summary.audio_samples) <= 2048   # encoder padding at most
        assert check_recording(out).ok
        header = parse_segment_list(list_path_for(out).read_text()).header
        assert header["container"].startswith(f"matroska {video} {audio}")


def test_running_low_on_disk_stops_before_the_disk_is_full(tmp_path: Path) -> None:
    from devices.av.muxer import EncoderSettings
    from devices.av.recorder import RecorderSettings
    from devices.av.writer import WriterSettings

    out = tmp_path / "low.mkv"
    huge = 1 << 62   # more than any disk: "below the reserve" from the first look
    summary = run_simulation(out, 3.0, settings=RecorderSettings(
        encoder=EncoderSettings(preset="ultrafast"), writer=WriterSettings(disk_reserve_bytes=huge)))
    assert summary.stop_reason is StopReason.DISK_LOW
    result = check_recording(out)
    assert result.ok and result.complete


def test_the_list_records_the_gaps_and_the_measured_drift(tmp_path: Path) -> None:
    out = tmp_path / "drift.mkv"
    summary = run_simulation(out, 7.0, mic_kw={"drift_ppm": -250.0, "overruns": [(3.0, 0.1)]})
    listing = parse_segment_list(list_path_for(out).read_text())
    (drift,) = [r for r in listing.records if r[0] == "drift"]
    assert abs(float(drift[1]) + 250.0) < 5.0
    assert abs(float(drift[1]) - summary.drift_ppm) < 0.001
    gaps = [r for r in listing.records if r[0] == "gap"]
    assert [g[4] for g in gaps] == [g.reason.value for g in summary.gaps]


def test_audio_held_up_then_delivered_moves_the_timeline_and_the_list_says_where(
        tmp_path: Path) -> None:
    # A starved machine: the microphone's callbacks are held for 0.6 s, then all arrive. The
    # writer has meanwhile filled silence (it cannot wait for ever); the late audio is appended
    # after it, never cut, so from then on media time runs ahead of the session clock.
    out = tmp_path / "held.mkv"
    flashes = [1.0, 4.0, 6.0]
    summary = run_simulation(out, 7.0, camera_kw={"flash_at_s": flashes, "jitter_ms": 0.0},
                             mic_kw={"marks_at_s": flashes, "held": [(2.0, 0.6)]})
    stalled = [g for g in summary.gaps if g.reason is GapReason.STALLED]
    assert stalled and stalled[0].duration_s > 0.2
    m = measure_sync(out)  # picture and sound still agree, after the jump too
    assert len(m.pairs) == len(flashes) and m.max_abs_ms <= 10.0, m.offsets_ms
    listing = parse_segment_list(list_path_for(out).read_text())
    time_map = listing.time_map()
    assert len(time_map.anchors) >= 2  # the first audio, and where the timeline jumped
    # Each flash was exposed at a known session instant (the camera started 5 ms after the
    # recorder); the map puts it where the recording shows it.
    onsets = flash_onsets(out)
    for at, seen in zip(flashes, onsets):
        assert abs(time_map.media_s(0.005 + at) - seen) < 0.002, (at, seen)
        assert abs(time_map.since_start_s(seen) - (0.005 + at)) < 0.002
    # A map without the anchors would be off by the jump after it.
    naive = type(time_map)((), time_map.drift_ppm)
    assert abs(naive.media_s(0.005 + 6.0) - onsets[-1]) > 0.1
