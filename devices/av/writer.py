"""The writer thread: the only owner of the container.

It takes captured frames and blocks from the ``CaptureQueue`` in arrival order, places them on
the audio-master timeline, encodes and muxes them, and after every mux hands finished segments
to the journal once their bytes are on disk. It also keeps the timeline going when the
microphone stops (silence, reported as a gap), turns source status changes into events, and
stops cleanly, keeping every byte written, when the disk fills up.
"""

from __future__ import annotations

import errno
import logging
import shutil
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import av

from devices.av.audio_clock import AudioClock
from devices.av.capture_queue import CaptureQueue, SourceStatus, StatusKind
from devices.av.clocks import Clock
from devices.av.events import DropReason, Gap, GapReason, SourceRole, StopReason, StreamKind
from devices.av.journal import RecordingJournal
from devices.av.media import AudioBlock, VideoFrame
from devices.av.muxer import MediaMuxer
from devices.av.sink import FinishedBytes, HashingSink
from devices.av.timeline import AudioPlacement, AudioTimeline, VideoTimestamper

__all__ = ["WriterSettings", "WriterThread"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WriterSettings:
    """Timing of the writer thread."""

    stall_s: float = 0.25           # no audio for this long: the microphone is stalled
    startup_grace_s: float = 1.5    # ... except before its first block (devices take time)
    fill_lag_s: float = 0.15        # fill silence up to now minus this (room for late blocks)
    report_s: float = 1.0           # how often dropped-frame counts and disk space are looked at
    disk_reserve_bytes: int = 64 << 20
    drain_s: float = 5.0            # at stop: how long the backlog may take to encode
    anchor_tolerance_s: float = 0.001  # the timeline moved more than this: a new clock anchor
    audio_master: bool = True       # False only for benchmarks: video pts from the session
                                    # clock alone, the naive way the drift breaks sync


class WriterThread:
    """Runs the recording's media path on one thread; see the module docstring."""

    def __init__(self, queue: CaptureQueue, muxer: MediaMuxer, sink: HashingSink,
                 journal: RecordingJournal, clock: Clock, origin_ns: int, *,
                 settings: WriterSettings, output_dir: str,
                 on_finished: Callable[[], None]) -> None:
        self.queue, self.muxer, self.sink, self.journal = queue, muxer, sink, journal
        self.clock = clock
        self.settings = settings
        self.audio_clock = AudioClock(muxer.sample_rate, origin_ns)
        self.timeline = AudioTimeline(self.audio_clock)
        # A clock that is never fed stays at the nominal rate from the origin: naive timing.
        self.stamper = VideoTimestamper(self.audio_clock if settings.audio_master
                                        else AudioClock(muxer.sample_rate, origin_ns))
        self._origin_ns = origin_ns
        self._output_dir = output_dir
        self._on_finished = on_finished
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="av-writer", daemon=True)
        self._open_audio_gap: Gap | None = None
        self._state = {SourceRole.CAMERA: "ok", SourceRole.MICROPHONE: "ok"}
        self._since: dict[SourceRole, int] = {}
        self._drops = {r: 0 for r in DropReason}
        self._reported = {r: 0 for r in DropReason}
        self._next_report_ns = origin_ns
        self._audio_seen = False
        self._anchor: tuple[int, float] | None = None  # (sample index, session ns) last listed
        self.stop_reason = StopReason.REQUESTED
        self.error: str | None = None
        self.video_lag_ns: deque[int] = deque(maxlen=100_000)  # recent capture -> mux delays

    def start(self) -> None:
        self._thread.start()

    def request_stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    # -- the loop -------------------------------------------------------------------------------
    def _run(self) -> None:
        drain_deadline: int | None = None
        try:
            while True:
                item = self.queue.get(timeout=0.02)
                if item is not None:
                    self._handle(item)
                now = self.clock.now_ns()
                self._keep_audio_going(now)
                self.journal.segments_finished(self._durable(self.sink.take_finished()))
                if now >= self._next_report_ns:
                    self._report(now)
                if self._stop.is_set():
                    # Drain what was captured before the stop, within reason.
                    if drain_deadline is None:
                        drain_deadline = now + int(self.settings.drain_s * 1e9)
                    if item is None or len(self.queue) == 0 or now > drain_deadline:
                        break
            self._close()
        except OSError as exc:
            self._fail(exc)
        except (av.FFmpegError, ValueError, RuntimeError) as exc:
            log.exception("encoder failure")
            self._fail(exc, StopReason.ENCODER_FAILED)
        finally:
            self._on_finished()

    def _handle(self, item: VideoFrame | AudioBlock | SourceStatus) -> None:
        if isinstance(item, AudioBlock):
            self._audio_arrived(item)
            self._write_audio(self.timeline.place(item))
        elif isinstance(item, VideoFrame):
            self._write_video(item)
        else:
            self._status(item)

    def _write_video(self, frame: VideoFrame) -> None:
        if frame.skipped_before:
            self._drops[DropReason.CAMERA_SKIPPED] += frame.skipped_before
        pts = self.stamper.pts(frame)
        if isinstance(pts, DropReason):
            self._drops[pts] += 1
            return
        self.muxer.add_video(frame.image, pts)
        self.video_lag_ns.append(self.clock.now_ns() - frame.grabbed_ns)

    def _write_audio(self, placements: list[AudioPlacement]) -> None:
        for p in placements:
            if p.gap is not None:
                self._note_audio_gap(p.gap)
            elif self._open_audio_gap is not None:
                self._close_audio_gap()
            self.muxer.add_audio(p.start_index, p.samples, p.silence)
        if placements:
            self._follow_clock()

    def _follow_clock(self) -> None:
        """List a clock anchor when the timeline no longer runs where the last one says.

        Between anchors media time runs at the measured rate; the timeline moves off that line
        when it is re-anchored (audio held up on a starved machine arrives after the silence
        that stood in for it: it is appended, never cut, so media time jumps ahead of the
        session clock) or as the drift estimate settles. Anyone mapping a logged instant into
        the recording (the photo, a stroke) follows the anchors.
        """
        clock = self.audio_clock
        if not clock.has_points:
            return
        index = self.timeline.next_index
        host = clock.index_to_host(index)
        if self._anchor is not None:
            i0, h0 = self._anchor
            expected = h0 + (index - i0) * clock.ns_per_sample
            if abs(host - expected) <= self.settings.anchor_tolerance_s * 1e9:
                return
        self._anchor = (index, host)
        self.journal.clock_anchor(index / clock.sample_rate, (host - self._origin_ns) / 1e9)

    # -- audio continuity -----------------------------------------------------------------------
    def _audio_arrived(self, block: AudioBlock) -> None:
        self._audio_seen = True
        if self._state[SourceRole.MICROPHONE] == "stalled":
            self._set_state(SourceRole.MICROPHONE, "ok", block.arrived_ns)

    def _keep_audio_going(self, now: int) -> None:
        last = self.queue.last_audio_arrival_ns or self._origin_ns
        limit = self.settings.stall_s if self._audio_seen else self.settings.startup_grace_s
        if (now - last) / 1e9 <= limit or self.queue.pending_audio:
            return  # audio is arriving (a backlog waiting here is not a stalled microphone)
        state = self._state[SourceRole.MICROPHONE]
        if self._audio_seen and state == "ok":
            self._set_state(SourceRole.MICROPHONE, "stalled", last, reason="no_audio")
        reason = (GapReason.SOURCE_ENDED if state == "ended" else
                  GapReason.STALLED if self._audio_seen else GapReason.AUDIO_NOT_STARTED)
        self._write_audio(self.timeline.fill_until(now - int(self.settings.fill_lag_s * 1e9),
                                                   reason))

    def _note_audio_gap(self, gap: Gap) -> None:
        open_gap = self._open_audio_gap
        if open_gap is not None and open_gap.reason == gap.reason and \
                abs(open_gap.media_start_s + open_gap.duration_s - gap.media_start_s) < 1e-6:
            # Consecutive fills of one stall are one gap.
            self._open_audio_gap = Gap(StreamKind.AUDIO, open_gap.media_start_s,
                                       open_gap.duration_s + gap.duration_s, gap.reason,
                                       open_gap.samples + gap.samples)
            return
        self._close_audio_gap()
        self._open_audio_gap = gap

    def _close_audio_gap(self) -> None:
        if self._open_audio_gap is not None:
            self.journal.gap(self.clock.now_ns(), self._open_audio_gap)
            self._open_audio_gap = None

    # -- sources --------------------------------------------------------------------------------
    def _status(self, status: SourceStatus) -> None:
        new = {StatusKind.LOST: "lost", StatusKind.RETURNED: "ok",
               StatusKind.ENDED: "ended"}[status.kind]
        self._set_state(status.role, new, status.t_ns, reason=status.reason)
        if all(s == "ended" for s in self._state.values()):
            self.stop_reason = StopReason.SOURCES_ENDED
            self._stop.set()

    def _set_state(self, role: SourceRole, new: str, t_ns: int, *, reason: str = "") -> None:
        old = self._state[role]
        if old == new or old == "ended":
            return
        self._state[role] = new
        media_s = self._media_s(t_ns)
        if new == "ok":
            since = self._since.pop(role, t_ns)
            self.journal.returned(t_ns, role, (t_ns - since) / 1e9, media_s)
            if role is SourceRole.CAMERA:
                self.journal.gap(t_ns, Gap(StreamKind.VIDEO, self._media_s(since),
                                           (t_ns - since) / 1e9, GapReason.SOURCE_LOST))
            return
        if old == "ok":
            self._since[role] = t_ns
        if new == "ended":
            self.journal.ended(t_ns, role, media_s)
        elif old == "ok":
            self.journal.lost(t_ns, role, reason, media_s)

    def _media_s(self, t_ns: int) -> float:
        return max(0.0, self.audio_clock.host_to_index(t_ns) / self.audio_clock.sample_rate)

    # -- reporting ------------------------------------------------------------------------------
    def _report(self, now: int) -> None:
        self._next_report_ns = now + int(self.settings.report_s * 1e9)
        self._drops[DropReason.QUEUE_FULL] = self.queue.video_dropped
        media_s = self.timeline.media_s
        for reason in DropReason:
            delta = self._drops[reason] - self._reported[reason]
            if delta:
                self._reported[reason] = self._drops[reason]
                self.journal.frames_dropped(now, reason, delta, media_s)
        try:
            free = shutil.disk_usage(self._output_dir).free
        except OSError:
            return
        if free < self.settings.disk_reserve_bytes and self.stop_reason is StopReason.REQUESTED:
            log.error("only %d bytes left on the recording's disk: stopping", free)
            self.stop_reason = StopReason.DISK_LOW
            self._stop.set()

    def _durable(self, finished: list[FinishedBytes]) -> list[FinishedBytes]:
        if finished:
            self.sink.sync()  # the media bytes reach the disk before the list names them
        return finished

    # -- the end --------------------------------------------------------------------------------
    def _close(self) -> None:
        self._write_audio(self.timeline.flush())
        self._close_audio_gap()
        end = self.clock.now_ns()
        for role, state in self._state.items():
            if role is SourceRole.CAMERA and state in ("lost", "ended"):
                since = self._since.get(role, end)
                reason = GapReason.SOURCE_LOST if state == "lost" else GapReason.SOURCE_ENDED
                self.journal.gap(end, Gap(StreamKind.VIDEO, self._media_s(since),
                                          max(0.0, self.timeline.media_s - self._media_s(since)),
                                          reason))
        self._report(end)
        self.muxer.close()
        self.journal.segments_finished(self._durable(self.sink.finish()))
        self.journal.finish(self.sink.size, self.sink.sha256, self.timeline.media_s,
                            self.stop_reason.value, self.audio_clock.drift_ppm)
        self.sink.close()

    def _fail(self, exc: BaseException, reason: StopReason | None = None) -> None:
        if reason is None:
            full = isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)
            reason = StopReason.DISK_FULL if full else StopReason.WRITE_FAILED
        log.error("recording stopped: %s (%s)", reason, exc)
        self.stop_reason = reason
        self.error = str(exc)
        self.muxer.abandon()
        self._close_audio_gap()
        finished = self.sink.finish()
        try:
            self._durable(finished)
        except OSError as sync_exc:
            log.error("cannot sync the recording: %s", sync_exc)
        self.journal.segments_finished(finished)
        self.journal.finish(self.sink.size, self.sink.sha256, self.timeline.media_s, reason.value,
                            self.audio_clock.drift_ppm)
        self.sink.close()
