"""Capture one fingerprint image from an R30x/ZFM/AS608 reader on a serial port.

Prints what to do ("place finger"), the live quality while the finger is on the glass, the
final quality and the SHA-256 of the PNG written. ``--simulate`` starts Inkseal's simulated
module on a pseudo-terminal and captures from it through the same driver; everything it
writes is marked as simulated.

Exit status: 0 captured; 1 reader error (missing port, wrong password, timeout, ...);
2 bad arguments; 5 captured, but the quality is below ``--require``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.settings import Settings

if TYPE_CHECKING:
    from devices.fingerprint import CaptureProgress

HELP = "capture one fingerprint image from a serial reader to PNG"

EXIT_DEVICE_ERROR = 1
EXIT_USAGE = 2
EXIT_POOR_QUALITY = 5

PRESSES = ("good", "partial", "smudged", "dry", "none")
VERDICT_RANK = {"any": 0, "poor": 1, "acceptable": 2, "good": 3}


def _baud(text: str) -> int:
    from devices.fingerprint.protocol import is_valid_baud
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not is_valid_baud(value):
        raise argparse.ArgumentTypeError(
            f"{value} is not 9600 x N with N = 1..12 (9600, 19200, ... 57600, ... 115200)")
    return value


def _password(text: str) -> int:
    try:
        value = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r} (decimal or 0x...)") from None
    if not 0 <= value <= 0xFFFFFFFF:
        raise argparse.ArgumentTypeError("the password is a 32-bit number")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--port", metavar="TTY",
                        help="serial port of the reader, e.g. /dev/ttyUSB0 (default: the "
                             "devices.fingerprint setting, or the only reader found)")
    source.add_argument("--simulate", action="store_true",
                        help="capture from Inkseal's simulated reader on a pseudo-terminal")
    parser.add_argument("--baud", type=_baud, metavar="N",
                        help="baud rate, 9600 x N with N = 1..12 (default: the "
                             "devices.fingerprint_baud setting, 57600)")
    parser.add_argument("--password", type=_password, default=0, metavar="N",
                        help="module password, decimal or 0x... (default 0)")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE.png",
                        help="where to write the fingerprint image (PNG)")
    parser.add_argument("--imprint", type=Path, metavar="FILE.png",
                        help="also write the red imprint (transparent PNG) used in signatures")
    parser.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                        help="how long to wait for a finger (default 30)")
    parser.add_argument("--settle", type=float, default=3.0, metavar="SECONDS",
                        help="how long live rounds may wait for a better press (default 3)")
    parser.add_argument("--live", choices=("template_check", "image_preview"),
                        default="template_check",
                        help="live quality from Img2Tz (fast at any baud rate) or from image "
                             "previews (needs a fast line)")
    parser.add_argument("--require", choices=tuple(VERDICT_RANK), default="any",
                        help="exit with status 5 if the quality is below this (default any)")
    sim = parser.add_argument_group("simulated reader (with --simulate)")
    sim.add_argument("--press", choices=PRESSES, default="good",
                     help="how the simulated finger presses (default good)")
    sim.add_argument("--seed", type=int, default=1, help="which synthetic finger (default 1)")
    sim.add_argument("--no-finger", action="store_true",
                     help="the simulated finger never arrives (shows the timeout)")
    sim.add_argument("--pace", action="store_true",
                     help="send at the real line rate (an image takes ~7 s at 57600 baud)")


class _Printer:
    """Progress lines in the user's language, one per change (no flood of identical lines)."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.last = ""

    def say(self, text: str, *, stream=None) -> None:
        print(text, file=stream or sys.stdout, flush=True)

    def progress(self, event: CaptureProgress) -> None:
        from devices.fingerprint import CaptureStage
        if event.stage is CaptureStage.DONE:
            return  # the result lines below say it, with the hash
        line = event.text.in_language(self.language)
        if event.stage is CaptureStage.UPLOADING and event.upload_fraction is not None:
            line = f"{line} {int(event.upload_fraction * 100) // 25 * 25}%"
        elif event.live is not None and event.live.score is not None:
            line = f"{line} ({event.live.score}/100)"
        if line != self.last:
            self.last = line
            self.say(line)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from devices.errors import DeviceError
    from devices.fingerprint import (
        SIMULATED_PATH,
        FingerPlan,
        LiveMode,
        ModuleSettings,
        Press,
        Verdict,
        list_fingerprint_readers,
        open_fingerprint_reader,
        render_imprint,
    )
    from devices.fingerprint.messages import Bilingual

    lang = settings.language
    out = _Printer(lang)

    def fail(text: Bilingual, status: int = EXIT_DEVICE_ERROR) -> int:
        out.say(f"inkseal fingerprint: {text.in_language(lang)}", stream=sys.stderr)
        return status

    for target in filter(None, (args.out, args.imprint)):
        if not target.parent.is_dir():
            return fail(Bilingual(f"folder {target.parent} does not exist",
                                  f"目录 {target.parent} 不存在"), EXIT_USAGE)
    baud = args.baud or settings.devices.fingerprint_baud
    if args.simulate:
        port = SIMULATED_PATH
    elif args.port:
        port = args.port
    elif settings.devices.fingerprint not in ("", "auto"):
        port = settings.devices.fingerprint
    else:
        found = [d for d in list_fingerprint_readers(bauds=(baud,), password=args.password)
                 if d.details.get("password_ok", True)]
        if len(found) != 1:
            return fail(Bilingual(
                f"{'no' if not found else len(found)} fingerprint reader(s) found; name one "
                "with --port TTY, or try --simulate",
                f"找到 {len(found)} 台指纹仪；请用 --port 指定串口，或使用 --simulate 模拟"), EXIT_USAGE)
        port = found[0].path

    finger = FingerPlan(presses=(Press(args.press),), arrive_after_s=None if args.no_finger else 1.0)
    try:
        reader = open_fingerprint_reader(
            port, baud=baud, password=args.password, finger=finger, pace=args.pace, seed=args.seed,
            simulator_settings=ModuleSettings(baud=baud, password=args.password))
    except DeviceError as exc:
        return fail(_message(exc))
    try:
        identity = reader.identity
        marker = Bilingual(" [SIMULATED]", "【模拟】") if identity.simulated else Bilingual("", "")
        name_zh = "模拟 R30x 指纹仪" if identity.simulated else identity.name
        out.say(Bilingual(f"Reader: {identity.name} on {identity.port}, {identity.baud} baud",
                          f"指纹仪：{name_zh}，端口 {identity.port}，{identity.baud} 波特"
                          ).in_language(lang) + marker.in_language(lang))
        capture = reader.capture(timeout_s=args.timeout, on_progress=out.progress,
                                 live=LiveMode(args.live), settle_s=args.settle)
    except DeviceError as exc:
        return fail(_message(exc))
    finally:
        reader.close()

    _write_atomically(args.out, capture.png)
    if args.imprint:
        import io
        buffer = io.BytesIO()
        render_imprint(capture.image).save(buffer, format="PNG")
        _write_atomically(args.imprint, buffer.getvalue())
    quality = capture.quality
    out.say(Bilingual(f"Quality: {quality.score}/100, {quality.text.en}",
                      f"质量：{quality.score}/100，{quality.text.zh}").in_language(lang))
    out.say(f"SHA-256: {capture.sha256}")
    out.say(Bilingual(f"Written: {args.out}", f"已保存：{args.out}").in_language(lang)
            + (marker.in_language(lang) if capture.simulated else ""))
    if VERDICT_RANK[args.require] > {Verdict.GOOD: 3, Verdict.ACCEPTABLE: 2, Verdict.POOR: 1,
                                     Verdict.NO_FINGER: 0}[quality.verdict]:
        return fail(Bilingual(f"quality {quality.verdict.value} is below the required "
                              f"{args.require}", f"指纹质量低于要求（{args.require}）"),
                    EXIT_POOR_QUALITY)
    return 0


def _message(exc: Exception):
    from devices.fingerprint.messages import Bilingual
    text = getattr(exc, "text", None)
    return text if isinstance(text, Bilingual) else Bilingual(str(exc), str(exc))


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_bytes(data)
    os.replace(temporary, path)
