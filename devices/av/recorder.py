"""The A/V recorder: camera and microphone into one crash-safe, segment-hashed file.

Usage (what the signing session does for each station)::

    recorder = Recorder(clock, preview=on_preview)
    recorder.start(path, "auto", "auto", on_segment=log_segment, on_event=log_event)
    photo = recorder.take_photo()
    summary = recorder.stop()

Threads: the camera's capture thread, the microphone's callback thread (PortAudio's or a
simulated one), one writer thread that owns the container, and an optional preview thread.
Capture never waits on the writer. ``on_segment``/``on_event`` run on the writer thread.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import numpy as np

from devices.av.camera import Camera
from devices.av.capture_queue import CaptureQueue
from devices.av.clocks import Clock
from devices.av.errors import RecorderError, SourceUnavailable
from devices.av.events import (
    RecorderEvent,
    RecordingStopped,
    RecordingSummary,
    Segment,
)
from devices.av.journal import RecordingJournal
from devices.av.media import Photo, PhotoFormat, PreviewFrame
from devices.av.microphone import Microphone
from devices.av.muxer import EncoderSettings, MediaMuxer, available_video_codec
from devices.av.segment_list import ListHeader, list_path_for
from devices.av.sink import FileTarget, HashingSink, OutputTarget
from devices.av.sources import open_camera, open_microphone
from devices.av.spec import SourceSpec
from devices.av.stills import PreviewPublisher, encode_photo
from devices.av.writer import WriterSettings, WriterThread

__all__ = ["Recorder", "RecorderSettings", "RecorderState", "RecorderStats"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecorderSettings:
    """What the recorder asks of sources and how it writes."""

    size: tuple[int, int] = (1280, 720)     # requested from a camera device
    fps: float = 30.0
    sample_rate: int = 48_000
    channels: int = 1
    camera_latency_ms: float | None = None  # calibrated value; None: estimated
    segment_ms: int = 500                   # hashed, fsynced and listed twice a second
    encoder: EncoderSettings = field(default_factory=EncoderSettings)
    writer: WriterSettings = field(default_factory=WriterSettings)
    max_video_queue: int = 30               # about a second of 30 fps frames
    max_audio_queue: int = 1000             # ten seconds of 10 ms blocks
    preview_fps: float = 5.0
    preview_box: tuple[int, int] = (320, 180)
    allow_simulated: bool = True            # False: "auto" without hardware is an error


class RecorderState(StrEnum):
    IDLE = "idle"
    RECORDING = "recording"
    STOPPED = "stopped"


@dataclass(frozen=True)
class RecorderStats:
    """Figures for benchmarks and the status line."""

    video_frames: int
    audio_samples: int
    media_s: float
    bytes_written: int
    segments: int
    queue_depth: int
    video_dropped_queue_full: int
    audio_dropped_queue_full: int
    drift_ppm: float
    writer_lag_ms_p50: float
    writer_lag_ms_p99: float
    writer_lag_ms_max: float


def _sync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # not possible on every platform (Windows); the files themselves are synced
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _wall_iso(clock: Clock, mono_ns: int) -> str:
    wall = getattr(clock, "wall_datetime", None)
    when = wall(mono_ns) if callable(wall) else datetime.now(UTC)
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Recorder:
    """One recording at a time; see the module docstring."""

    def __init__(self, clock: Clock, *, settings: RecorderSettings | None = None,
                 preview: Callable[[PreviewFrame], None] | None = None,
                 target_factory: Callable[[Path], OutputTarget] = FileTarget) -> None:
        self.clock = clock
        self.settings = settings or RecorderSettings()
        self._preview_cb = preview
        self._target_factory = target_factory
        self._lock = threading.Lock()
        self._state = RecorderState.IDLE
        self._camera: Camera | None = None
        self._microphone: Microphone | None = None
        self._writer: WriterThread | None = None
        self._journal: RecordingJournal | None = None
        self._queue: CaptureQueue | None = None
        self._preview: PreviewPublisher | None = None
        self._summary: RecordingSummary | None = None
        self._finished = threading.Event()
        self._sources_stopped = False
        self._sources_lock = threading.Lock()
        self._path: Path | None = None

    @property
    def state(self) -> RecorderState:
        return self._state

    @property
    def camera(self) -> Camera | None:
        return self._camera

    @property
    def microphone(self) -> Microphone | None:
        return self._microphone

    # -- start ----------------------------------------------------------------------------------
    def start(self, out_path: Path | str, camera_spec: str | SourceSpec | Camera,
              microphone_spec: str | SourceSpec | Microphone,
              on_segment: Callable[[Segment], None] | None = None,
              on_event: Callable[[RecorderEvent], None] | None = None, *,
              drive_sources: bool = True) -> None:
        """Open both sources, create the file and its list, and start recording.

        Raises ``SourceUnavailable`` (nothing is created) when a source cannot be opened, and
        ``RecorderError`` when the output exists or cannot be written. ``drive_sources=False``
        leaves the sources for the caller to drive (simulations with a manual clock).
        """
        with self._lock:
            if self._state is not RecorderState.IDLE:
                raise RecorderError("this recorder was already started", reason="already_started")
            path = Path(out_path)
            list_path = list_path_for(path)
            for p in (path, list_path):
                if p.exists():
                    raise RecorderError(f"{p} exists; a recording is never overwritten / 文件已存在",
                                        reason="output_exists", path=p)
            s = self.settings
            camera = camera_spec if isinstance(camera_spec, Camera) else open_camera(
                camera_spec, self.clock, size=s.size, fps=s.fps, latency_ms=s.camera_latency_ms,
                allow_simulated=s.allow_simulated)
            try:
                microphone = microphone_spec if isinstance(microphone_spec, Microphone) else \
                    open_microphone(microphone_spec, self.clock, sample_rate=s.sample_rate,
                                    channels=s.channels, allow_simulated=s.allow_simulated)
                camera.open()
                microphone.open()
            except SourceUnavailable:
                camera.stop()
                raise
            try:
                self._begin(path, list_path, camera, microphone, on_segment, on_event,
                            drive_sources)
            except BaseException:
                camera.stop()
                microphone.stop()
                raise

    def _begin(self, path: Path, list_path: Path, camera: Camera, microphone: Microphone,
               on_segment: Callable[[Segment], None] | None,
               on_event: Callable[[RecorderEvent], None] | None, drive: bool) -> None:
        s = self.settings
        encoder = replace(s.encoder, video_codec=available_video_codec(s.encoder.video_codec))
        sim = tuple(i.role.value for i in (camera.info, microphone.info) if i.simulated)
        origin = self.clock.now_ns()
        container = (f"matroska {encoder.video_codec} {encoder.audio_codec} "
                     f"{microphone.sample_rate} {microphone.channels}")
        header = ListHeader(path.name, _wall_iso(self.clock, origin), sim,
                            camera.info.describe(), microphone.info.describe(), container)
        try:
            target = self._target_factory(path)
        except OSError as exc:
            raise RecorderError(f"cannot create {path}: {exc}", reason="output_unwritable",
                                path=path) from exc
        sink = HashingSink(target, segment_ms=s.segment_ms)
        metadata = {
            "title": f"Inkseal recording {path.name}",
            "creation_time": header.created,
            "INKSEAL_SIMULATED": ",".join(sim) if sim else "none",
            "INKSEAL_CAMERA": camera.info.describe(),
            "INKSEAL_MICROPHONE": microphone.info.describe(),
        }
        try:
            muxer = MediaMuxer(sink, width=camera.width, height=camera.height, fps=camera.fps,
                               sample_rate=microphone.sample_rate, channels=microphone.channels,
                               settings=encoder, metadata=metadata)
            journal = RecordingJournal(list_path, header, simulated=bool(sim),
                                       on_segment=on_segment, on_event=on_event)
            _sync_directory(path.parent)  # both new names survive a power cut
        except BaseException:
            sink.close()
            if target.written == 0:
                path.unlink(missing_ok=True)  # nothing recorded: leave no empty evidence file
            raise
        queue = CaptureQueue(max_video=s.max_video_queue, max_audio=s.max_audio_queue)
        self._camera, self._microphone, self._journal, self._queue = camera, microphone, journal, queue
        self._path = path
        self._writer = WriterThread(queue, muxer, sink, journal, self.clock, origin,
                                    settings=s.writer, output_dir=str(path.parent),
                                    on_finished=self._writer_finished)
        journal.started(origin, path, camera.info, microphone.info)
        self._state = RecorderState.RECORDING
        self._writer.start()
        if drive:
            microphone.start(queue, origin)
            camera.start(queue, origin)
        else:
            microphone.attach(queue)
            camera.attach(queue, origin)
        if self._preview_cb is not None:
            self._preview = PreviewPublisher(camera, self._preview_cb, fps=s.preview_fps,
                                             box=s.preview_box, simulated=camera.info.simulated)
            self._preview.start()

    # -- during -------------------------------------------------------------------------------
    def take_photo(self, fmt: PhotoFormat = PhotoFormat.PNG, timeout: float = 2.0) -> Photo:
        """A full-resolution still from a frame grabbed after this call, with its hash."""
        camera = self._camera
        if camera is None or self._state is not RecorderState.RECORDING:
            raise RecorderError("not recording", reason="not_started")
        frame = camera.wait_for_frame(self.clock.now_ns(), timeout)
        if frame is None:
            raise SourceUnavailable("the camera gave no frame for the photo / 摄像头无画面",
                                    reason="no_frame", spec=camera.info.name)
        return encode_photo(frame, fmt, wall_time_utc=_wall_iso(self.clock, frame.exposure_ns),
                            simulated=camera.info.simulated, source=camera.info.describe())

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the recording stopped by itself (disk full, files ended); True if it did."""
        return self._finished.wait(timeout)

    def backlog(self) -> int:
        """Items captured but not yet written."""
        return len(self._queue) if self._queue is not None else 0

    def stats(self) -> RecorderStats:
        w, q = self._writer, self._queue
        if w is None or q is None:
            raise RecorderError("not started", reason="not_started")
        lag = np.asarray(list(w.video_lag_ns) or [0], dtype=np.float64) / 1e6
        return RecorderStats(
            video_frames=w.muxer.video_frames, audio_samples=w.timeline.next_index,
            media_s=w.timeline.media_s, bytes_written=w.sink.size,
            segments=len(self._journal.segments) if self._journal else 0,
            queue_depth=len(q), video_dropped_queue_full=q.video_dropped,
            audio_dropped_queue_full=q.audio_dropped, drift_ppm=w.audio_clock.drift_ppm,
            writer_lag_ms_p50=float(np.percentile(lag, 50)),
            writer_lag_ms_p99=float(np.percentile(lag, 99)), writer_lag_ms_max=float(lag.max()))

    # -- stop -----------------------------------------------------------------------------------
    def stop(self, timeout: float = 60.0) -> RecordingSummary:
        """Stop the sources, write out what was captured, close the file; the summary."""
        with self._lock:
            if self._summary is not None:
                return self._summary
            if self._writer is None:
                raise RecorderError("not started", reason="not_started")
            self._stop_sources()
            self._writer.request_stop()
            if not self._writer.join(timeout):
                raise RecorderError("the writer did not finish in time", reason="write_failed",
                                    path=self._path)
            self._finished.wait(timeout)
            assert self._summary is not None
            return self._summary

    def _stop_sources(self) -> None:
        with self._sources_lock:
            if self._sources_stopped:
                return
            self._sources_stopped = True
        if self._preview is not None:
            self._preview.stop()
        if self._camera is not None:
            self._camera.stop()
        if self._microphone is not None:
            self._microphone.stop()

    def _writer_finished(self) -> None:
        """Runs on the writer thread as it ends (requested or not)."""
        w, j, cam, mic = self._writer, self._journal, self._camera, self._microphone
        assert w is not None and j is not None and cam is not None and mic is not None
        self._stop_sources()  # when it stopped by itself, the sources have nowhere to go
        summary = RecordingSummary(
            path=self._path or Path(), list_path=j.list_path, sha256=w.sink.sha256,
            size=w.sink.size, duration_s=w.timeline.media_s, segments=tuple(j.segments),
            gaps=tuple(j.gaps), dropped=dict(j.dropped), simulated=j.simulated,
            camera=cam.info, microphone=mic.info, stop_reason=w.stop_reason, error=w.error,
            drift_ppm=w.audio_clock.drift_ppm, video_frames=w.muxer.video_frames,
            audio_samples=w.timeline.next_index, list_complete=j.list_complete)
        self._summary = summary
        self._state = RecorderState.STOPPED
        j.event(RecordingStopped(self.clock.now_ns(), w.stop_reason, summary))
        self._finished.set()

