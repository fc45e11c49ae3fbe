"""Record the camera and microphone to one crash-safe file, with its segment-hash list beside it.

  inkseal record OUT --camera SRC --microphone SRC [--seconds N] [--size 1280x720] [--fps 30]
  inkseal record --check OUT

SRC is a device index or name, a video/audio file, a URL (rtsp://...), ``synthetic`` or
``auto`` (hardware when found, else the synthetic source, marked as simulated). Recording runs
until N seconds have passed, Ctrl-C (or SIGTERM) is received, or every file source has ended.
``--check`` re-hashes a recording against OUT.segments and names the first altered segment.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType

from app.settings import Settings

HELP = "record the camera and microphone to a crash-safe file"

EXIT_OK = 0
EXIT_FAILED = 1        # the recording stopped for a failure, or --check found a mismatch
EXIT_ERROR = 2         # bad arguments, source unavailable, unreadable list


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", type=Path, metavar="OUT", help="the recording to write (.mkv)")
    parser.add_argument("--camera", metavar="SRC", help="camera: index, name, file, URL, synthetic"
                        " or auto (default: the devices.camera setting)")
    parser.add_argument("--microphone", metavar="SRC", help="microphone: index, name, audio file,"
                        " URL, synthetic or auto (default: the devices.microphone setting)")
    parser.add_argument("--seconds", type=float, metavar="N", help="stop after N seconds")
    parser.add_argument("--size", metavar="WxH", help="size asked of a camera device (1280x720)")
    parser.add_argument("--fps", type=float, help="frame rate asked of a camera device (30)")
    parser.add_argument("--camera-latency-ms", type=float, metavar="MS",
                        help="the camera's calibrated latency (default: estimated)")
    parser.add_argument("--preset", default="superfast",
                        help="x264 preset: ultrafast on slow machines (default superfast)")
    parser.add_argument("--check", action="store_true",
                        help="check OUT against its segment list instead of recording")


def _say(settings: Settings, zh: str, en: str, *, err: bool = False, end: str = "\n") -> None:
    print(en if settings.language == "en" else zh, file=sys.stderr if err else sys.stdout,
          end=end, flush=True)


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"--size must look like 1280x720, not {text!r}") from None
    if w < 16 or h < 16:
        raise ValueError(f"--size {text} is too small")
    return w, h


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.check:
        return _check(args.out, settings)
    return _record(args, settings)


def _check(path: Path, settings: Settings) -> int:
    from devices.av import SegmentListError, check_recording, list_path_for

    try:
        result = check_recording(path)
    except FileNotFoundError as exc:
        _say(settings, f"找不到文件: {exc.filename}", f"file not found: {exc.filename}", err=True)
        return EXIT_ERROR
    except SegmentListError as exc:
        _say(settings, f"分段列表无法读取 ({list_path_for(path)} 第 {exc.line} 行): {exc}",
             f"cannot read the segment list ({list_path_for(path)} line {exc.line}): {exc}",
             err=True)
        return EXIT_ERROR
    sim = f" [SIMULATED: {','.join(result.simulated)}]" if result.simulated else ""
    m = result.first_mismatch
    if result.ok:
        state = "完整" if result.complete else "录制中断"
        _say(settings, f"一致: {result.segments_verified}/{result.segments_total} 段, "
                       f"{result.bytes_verified} 字节已验证 ({state}; 末尾未列出 {result.unlisted_tail} 字节){sim}",
             result.describe() + sim)
        return EXIT_OK
    if m is not None:
        seg = f"第 {m.segment} 段" if m.segment is not None else "结束之后"
        _say(settings, f"不一致 ({m.kind}): {seg}, 字节 {m.offset}-{m.offset + m.length - 1}, "
                       f"媒体时间 {m.first_ms / 1000:.3f}-{m.last_ms / 1000:.3f} 秒{sim}",
             result.describe() + sim)
    else:
        _say(settings, f"分段列表的哈希链在第 {result.chain_break_line} 行断开{sim}",
             result.describe() + sim)
    return EXIT_FAILED


def _record(args: argparse.Namespace, settings: Settings) -> int:
    from devices.av import (
        EncoderSettings,
        FramesDropped,
        GapFilled,
        Recorder,
        RecorderError,
        RecorderSettings,
        SourceEnded,
        SourceLost,
        SourceReturned,
        SourceUnavailable,
        StopReason,
    )
    from devices.clock import SessionClock

    try:
        size = _size(args.size or settings.devices.video_size)
    except ValueError as exc:
        _say(settings, f"参数错误: {exc}", f"bad argument: {exc}", err=True)
        return EXIT_ERROR
    fps = args.fps or float(settings.devices.video_fps)
    camera = args.camera or settings.devices.camera
    microphone = args.microphone or settings.devices.microphone
    if settings.devices.mode == "simulated":
        camera = camera if args.camera else "synthetic"
        microphone = microphone if args.microphone else "synthetic"

    nl = "\n" if sys.stdout.isatty() else ""

    def on_event(event: object) -> None:
        if isinstance(event, GapFilled):
            g = event.gap
            _say(settings, f"{nl}  间隙: {g.stream} {g.duration_s:.3f} 秒, 位于 {g.media_start_s:.3f} 秒 ({g.reason})",
                 f"{nl}  gap: {g.stream} {g.duration_s:.3f} s at {g.media_start_s:.3f} s ({g.reason})")
        elif isinstance(event, SourceLost):
            _say(settings, f"{nl}  {event.role} 中断 ({event.reason})", f"{nl}  {event.role} lost ({event.reason})")
        elif isinstance(event, SourceReturned):
            _say(settings, f"{nl}  {event.role} 恢复 (中断 {event.outage_s:.1f} 秒)",
                 f"{nl}  {event.role} back after {event.outage_s:.1f} s")
        elif isinstance(event, SourceEnded):
            _say(settings, f"{nl}  {event.role} 文件结束", f"{nl}  {event.role} file ended")
        elif isinstance(event, FramesDropped):
            _say(settings, f"{nl}  丢帧 {event.count} ({event.reason})",
                 f"{nl}  {event.count} frames dropped ({event.reason})")

    rec_settings = RecorderSettings(size=size, fps=fps, camera_latency_ms=args.camera_latency_ms,
                                    encoder=EncoderSettings(preset=args.preset),
                                    allow_simulated=settings.devices.mode != "hardware")
    recorder = Recorder(SessionClock(), settings=rec_settings)
    try:
        recorder.start(args.out, camera, microphone, on_event=on_event)
    except SourceUnavailable as exc:
        _say(settings, f"无法开始录制: {exc} [{exc.reason}]", f"cannot record: {exc} [{exc.reason}]",
             err=True)
        return EXIT_ERROR
    except RecorderError as exc:
        _say(settings, f"无法开始录制: {exc} [{exc.reason}]", f"cannot record: {exc} [{exc.reason}]",
             err=True)
        return EXIT_ERROR
    assert recorder.camera is not None and recorder.microphone is not None
    _say(settings, f"录制到 {args.out}\n  摄像头: {recorder.camera.info.describe()}\n"
                   f"  麦克风: {recorder.microphone.info.describe()}\n  按 Ctrl-C 停止",
         f"recording to {args.out}\n  camera: {recorder.camera.info.describe()}\n"
         f"  microphone: {recorder.microphone.info.describe()}\n  Ctrl-C stops")
    stop = threading.Event()
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    for sig in previous:
        signal.signal(sig, on_signal)
    try:
        started = time.monotonic()
        next_progress = started + 1.0
        tty = sys.stdout.isatty()
        while not stop.is_set() and not recorder.wait(0.0):
            now = time.monotonic()
            if args.seconds is not None and now - started >= args.seconds:
                break
            left = 0.2 if args.seconds is None else args.seconds - (now - started)
            stop.wait(max(0.005, min(0.2, left)))
            if time.monotonic() >= next_progress:
                next_progress += 1.0
                st = recorder.stats()
                _say(settings, f"  {st.media_s:7.1f} 秒  {st.segments} 段  "
                               f"{st.bytes_written / 1e6:6.1f} MB  视频 {st.video_frames} 帧",
                     f"  {st.media_s:7.1f} s  {st.segments} segments  "
                     f"{st.bytes_written / 1e6:6.1f} MB  {st.video_frames} frames",
                     end="\r" if tty else "\n")
        summary = recorder.stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    sim = " [SIMULATED]" if summary.simulated else ""
    _say(settings, f"\n已停止 ({summary.stop_reason}): {summary.duration_s:.1f} 秒, {len(summary.segments)} 段, "
                   f"{summary.size} 字节{sim}\n  SHA-256 {summary.sha256}\n  分段列表 {summary.list_path}",
         f"\nstopped ({summary.stop_reason}): {summary.duration_s:.1f} s, {len(summary.segments)} segments, "
         f"{summary.size} bytes{sim}\n  SHA-256 {summary.sha256}\n  segment list {summary.list_path}")
    if summary.error:
        _say(settings, f"  错误: {summary.error}", f"  error: {summary.error}", err=True)
    ok = summary.stop_reason in (StopReason.REQUESTED, StopReason.SOURCES_ENDED)
    return EXIT_OK if ok else EXIT_FAILED
