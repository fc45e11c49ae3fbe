"""A complete record on this machine with simulated devices, with windows or headless.

  inkseal demo --headless [--out DIR] [--language zh|en|zh+en] [--unsigned] [--in-process]

Headless: drafts the juvenile interrogation record into a fresh data directory under DIR
(site PKI and local timestamp authority created on the first run), has it certified, signed
by the recorder and the appropriate adult at the workstation's pad and by the suspect at the
terminal (simulated STU pad replaying real pen data, simulated fingerprint reader on a
pseudo-terminal, synthetic camera and microphone), sealed and packaged, then verifies the
package.  The terminal is reached over the real workstation-terminal link (mutual TLS 1.3 on
loopback, the terminal on threads of its own), so its log and recording in the package came
over the link as from another machine; ``--in-process`` calls it directly instead.  Exit code 0 only when the package verifies.  ``--unsigned`` renders one unsigned
record of every template instead (stage one).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.settings import Settings

HELP = "walk a complete record on this machine with simulated devices"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--headless", action="store_true", help="no windows: a scripted run")
    parser.add_argument("--out", type=Path, default=Path("demo-out"), metavar="DIR",
                        help="where the demo writes its output (default: ./demo-out)")
    parser.add_argument("--language", choices=("zh", "en", "zh+en"),
                        help="language of the rendered records")
    parser.add_argument("--unsigned", action="store_true",
                        help="only render one unsigned record of every template (stage one)")
    parser.add_argument("--in-process", action="store_true",
                        help="reach the terminal directly instead of over the TLS link")
    parser.add_argument("--autoplay", action="store_true",
                        help="(windows) play the prosecutor and every signatory")
    parser.add_argument("--quit", action="store_true",
                        help="(with --autoplay) close once the record is filed")
    parser.add_argument("--pen-speed", type=float, default=1.0, metavar="X",
                        help="(windows) play the recorded signatures X times faster")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if not args.headless:
        return _windows(args, settings)
    from records.demo import run_headless_demo
    from records.remote_station import loopback_terminal

    language = args.language or settings.language
    result = run_headless_demo(args.out, language=language, unsigned=args.unsigned,
                               progress=lambda text: print(text, file=sys.stderr, flush=True),
                               link=None if args.in_process else loopback_terminal)
    if result.report is not None:
        from crypto.verify_report_text import render_text

        print(render_text(result.report, "en" if language == "en" else "zh"))
    print(result.summary())
    return 0 if result.ok else 1


def _windows(args: argparse.Namespace, settings: Settings) -> int:
    from app.commands import EXIT_NO_DISPLAY
    from app.commands._display import has_display, headless_hint

    if not has_display():
        print(headless_hint("demo"), file=sys.stderr)
        return EXIT_NO_DISPLAY
    if args.unsigned or args.language == "zh+en":
        print("inkseal demo: --unsigned and --language zh+en are for --headless",
              file=sys.stderr)
        return 2
    from app.ui.demo import DemoOptions, run_demo

    options = DemoOptions(args.out, language=args.language or settings.language,
                          autoplay=args.autoplay, over_link=not args.in_process,
                          pen_speed=args.pen_speed if args.pen_speed > 0 else None)
    return run_demo(settings, options, quit_when_done=args.quit and args.autoplay,
                    progress=lambda text: print(text, file=sys.stderr, flush=True))
