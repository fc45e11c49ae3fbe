"""List attached devices, decode a recorded pad stream, or record a live pad into a .hid file.

``inkseal devices`` lists signature pads and pen tablets, fingerprint readers, cameras and
microphones (simulated ones marked). ``--replay FILE`` decodes a recording (hid-recorder
``.hid`` or usbhid-dump output) through the same drivers a live pad uses (the generic HID
digitizer from the file's descriptor, Wacom's Graphire reports, or the STU protocol for an
STU stream) and prints one sample per line, as JSON objects with ``--json``. ``--record OUT.hid`` captures what a pad sends into a
hid-recorder file that replays the same way.

Exit status: 0 done; 1 device, file or protocol error; 2 bad arguments.
"""

from __future__ import annotations

import argparse
import json
import queue
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from app.settings import Settings

if TYPE_CHECKING:
    from devices.discovery import DeviceInfo
    from devices.pen import PadEvent, PenSample

HELP = "list signature pads, fingerprint readers, cameras, microphones; replay or record a pad"

EXIT_DEVICE_ERROR = 1
EXIT_USAGE = 2

TEXT = {
    "pads": ("Signature pads and pen tablets", "签名板与数位板"),
    "fingerprint": ("Fingerprint readers", "指纹仪"),
    "cameras": ("Cameras", "摄像头"),
    "microphones": ("Microphones", "麦克风"),
    "none": ("(none found)", "（未发现）"),
    "simulated": ("simulated", "模拟"),
    "unlisted": ("cannot be listed: this build has no {what} driver",
                 "无法列出：本版本没有{what}驱动"),
    "problem": ("could not be listed: {problem}", "无法列出：{problem}"),
    "replay_done": ("{samples} samples from {reports} reports; {skipped} skipped, {lost} lost",
                    "共 {samples} 个采样点（{reports} 个报告）；跳过 {skipped} 个，丢失 {lost} 个"),
    "recording": ("Recording {pad} into {out}; Ctrl-C stops",
                  "正在将 {pad} 录制到 {out}；按 Ctrl-C 停止"),
    "recorded": ("{reports} reports written to {out}", "已写入 {reports} 个报告：{out}"),
    "no_pad": ("no signature pad or pen tablet is attached; connect one (or record the "
               "simulated pad with --pad simulated)",
               "未连接签名板或数位板；请连接设备（或用 --pad simulated 录制模拟签名板）"),
}


def _say(settings: Settings, key: str, **values: object) -> str:
    en, zh = TEXT[key]
    return (zh if settings.language == "zh" else en).format(**values)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--replay", type=Path, metavar="FILE",
                        help="decode a hid-recorder file and print one sample per line")
    action.add_argument("--record", type=Path, metavar="OUT.hid",
                        help="capture what a live pad sends into a hid-recorder file")
    parser.add_argument("--descriptor", type=Path, metavar="FILE",
                        help="with --replay: the report descriptor to decode with (raw bytes "
                             "or a usbhid-dump descriptor), e.g. for a usbhid-dump stream")
    parser.add_argument("--json", action="store_true",
                        help="with --replay: one JSON object per line")
    parser.add_argument("--realtime", action="store_true",
                        help="with --replay: play at the recorded speed (default: at once)")
    parser.add_argument("--pad", metavar="SPEC",
                        help="with --record: 'auto', a hidraw path, or 'simulated' "
                             "(default: the devices.pad setting)")
    parser.add_argument("--seconds", type=float, metavar="N",
                        help="with --record: stop after N seconds (default: at Ctrl-C)")


def _simulated_log() -> Path:
    from resources import ROOT
    return ROOT / "devices" / "stu-pen-log.csv"


def run(args: argparse.Namespace, settings: Settings) -> int:
    if (args.json or args.realtime or args.descriptor) and args.replay is None:
        print("inkseal devices: --json, --realtime and --descriptor go with --replay",
              file=sys.stderr)
        return EXIT_USAGE
    if (args.pad or args.seconds is not None) and args.record is None:
        print("inkseal devices: --pad and --seconds go with --record", file=sys.stderr)
        return EXIT_USAGE
    if args.replay is not None:
        return _replay(args, settings)
    if args.record is not None:
        return _record(args, settings)
    return _list(settings)


# -- listing ------------------------------------------------------------------------------
def _family(settings: Settings, title: str, lister_path: str, what: str,
            **kwargs: object) -> None:
    from devices.discovery import gather
    print(_say(settings, title) + ":")
    module_name, _, function = lister_path.rpartition(".")
    try:
        module = __import__(module_name, fromlist=[function])
        lister = getattr(module, function)
    except (ImportError, AttributeError):
        print("  " + _say(settings, "unlisted", what=what))
        return
    found, problems = gather([lambda: lister(**kwargs)])
    for problem in problems:
        print("  " + _say(settings, "problem", problem=problem))
    if not found and not problems:
        print("  " + _say(settings, "none"))
    for info in found:
        print("  " + _describe(info, settings))


def _describe(info: DeviceInfo, settings: Settings) -> str:
    ids = (f" ({info.vendor_id:04x}:{info.product_id:04x})"
           if info.vendor_id is not None and info.product_id is not None else "")
    protocol = info.details.get("protocol")
    extra = f" [{protocol}]" if protocol else ""
    mark = f"  <{_say(settings, 'simulated')}>" if info.simulated else ""
    return f"{info.path:<22} {info.name}{ids}{extra}{mark}"


def _list(settings: Settings) -> int:
    simulated = settings.devices.mode != "hardware"
    _family(settings, "pads", "devices.pads.list_pads", "pad",
            simulated_log=_simulated_log() if simulated else None)
    _family(settings, "fingerprint", "devices.fingerprint.discovery.list_fingerprint_readers",
            "fingerprint", include_simulated=simulated)
    _family(settings, "cameras", "devices.av.discovery.list_cameras", "camera")
    _family(settings, "microphones", "devices.av.discovery.list_microphones", "microphone")
    return 0


# -- replay -------------------------------------------------------------------------------
def _sample_line(sample: PenSample, as_json: bool, first_ns: int) -> str:
    if as_json:
        from devices.signature.json_form import sample_to_dict
        return json.dumps(sample_to_dict(sample), separators=(",", ":"))
    tilt = "" if sample.tilt_x is None else f" tilt={sample.tilt_x},{sample.tilt_y}"
    counters = "" if sample.sequence is None else f" seq={sample.sequence}"
    counters += "" if sample.device_time is None else f" dev_t={sample.device_time}"
    state = ("touch" if sample.touching else "hover" if sample.in_range else "away")
    return (f"{(sample.t_ns - first_ns) / 1e9:10.6f}s x={sample.x} y={sample.y} "
            f"p={sample.pressure}{tilt} {state} buttons={int(sample.buttons)}{counters}")


def _replay(args: argparse.Namespace, settings: Settings) -> int:
    from devices.clock import SessionClock
    from devices.errors import DeviceError
    from devices.pen import PadEventKind, PadSpec, open_pad

    if not args.replay.is_file():
        print(f"inkseal devices: {args.replay}: no such file", file=sys.stderr)
        return EXIT_DEVICE_ERROR
    from devices.transport.usbhid_dump import read_descriptor_file

    clock = SessionClock()
    items: queue.Queue[PenSample | PadEvent] = queue.Queue()
    try:
        descriptor = read_descriptor_file(args.descriptor) if args.descriptor else None
        spec = PadSpec(pad=str(args.replay), replay_speed=1.0 if args.realtime else None,
                       descriptor=descriptor)
        pad = open_pad(spec, clock, items.put, items.put)
    except OSError as exc:
        print(f"inkseal devices: {exc}", file=sys.stderr)
        return EXIT_DEVICE_ERROR
    except DeviceError as exc:
        print(f"inkseal devices: {exc}", file=sys.stderr)
        return EXIT_DEVICE_ERROR
    lost = 0
    first_ns: int | None = None
    try:
        caps = pad.capabilities
        print(f"# {pad.info.name}: {caps.protocol.value}, x 0..{caps.x.maximum}, "
              f"y 0..{caps.y.maximum}, pressure 0..{caps.pressure.maximum}"
              + "".join(f"; {note}" for note in caps.notes), file=sys.stderr)
        pad.start()
        while True:
            item = items.get()
            if hasattr(item, "kind"):
                if item.kind in (PadEventKind.END_OF_STREAM, PadEventKind.UNPLUGGED):
                    break
                if item.kind is PadEventKind.SAMPLES_LOST:
                    lost += int(item.data.get("lost", 0))
                if item.kind not in (PadEventKind.STARTED, PadEventKind.STOPPED):
                    print(f"# {item.kind.value}: {item.message}", file=sys.stderr)
                continue
            first_ns = item.t_ns if first_ns is None else first_ns
            print(_sample_line(item, args.json, first_ns))
        sys.stdout.flush()
    finally:
        pad.close()
    driver = pad.driver
    rate = driver.pump.measured_rate_hz()
    print("# " + _say(settings, "replay_done", samples=driver.samples,
                      reports=driver.pump.reports, skipped=driver.pump.skipped, lost=lost)
          + (f"; {rate:.0f} Hz" if rate else ""), file=sys.stderr)
    return 0


# -- record -------------------------------------------------------------------------------
def _record(args: argparse.Namespace, settings: Settings) -> int:
    from devices.clock import SessionClock
    from devices.errors import DeviceError
    from devices.pen import PadMode, PadSpec, open_pad

    target = args.pad or settings.devices.pad
    simulated = target == "simulated"
    spec = PadSpec(pad=target, mode=PadMode.AUTO if simulated else PadMode.HARDWARE,
                   simulated_log=_simulated_log(), record_to=args.record)
    clock = SessionClock()
    events: queue.Queue[PadEvent] = queue.Queue()
    try:
        pad = open_pad(spec, clock, lambda sample: None, events.put)
    except DeviceError as exc:
        key = "no_pad" if exc.reason == "no_pad" else None
        print(f"inkseal devices: {_say(settings, key) if key else exc}", file=sys.stderr)
        return EXIT_DEVICE_ERROR
    print(_say(settings, "recording", pad=pad.info.name, out=args.record), file=sys.stderr)
    deadline = None if args.seconds is None else time.monotonic() + args.seconds
    try:
        pad.start()
        while deadline is None or time.monotonic() < deadline:
            try:
                event = events.get(timeout=0.2)
            except queue.Empty:
                continue
            if event.kind not in ("started",):
                print(f"# {event.kind.value}: {event.message}", file=sys.stderr)
            if event.kind == "end_of_stream":
                break
    except KeyboardInterrupt:
        pass
    finally:
        pad.close()
    print(_say(settings, "recorded", reports=pad.driver.pump.reports, out=args.record),
          file=sys.stderr)
    return 0
