"""Keep sealed records provable for the long term.

  inkseal archive scan DIR [--within DAYS] [--json]
  inkseal archive renew PACKAGE --out NEW [--tsa-url URL] [--passphrase-file F | --passphrase-env VAR]

A sealed record proves itself only while the certificate of the timestamp authority behind
its newest document timestamp is valid (five years for the site's own authority).  `inkseal
verify` warns a year before that date; `renew` then verifies the package, adds the validation
data of that timestamp and a new document timestamp from the site's current authority (or
the one at --tsa-url), and writes a new package beside the original (which is left as it is),
verified again.  Renew every package before its date, again and again: each renewal proves the
one before it.  `scan` lists the packages under a directory with the date each must be
renewed by, soonest first (it reads the sealed PDFs only: it is no verification).

Exit codes: renew: 0 renewed and verified; 1 the package does not verify, or the renewal
failed; 2 bad arguments, passphrase or path.  scan: 0 none due within --within days (365 by
default); 1 some are due or unreadable; 2 bad arguments.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.settings import Settings

HELP = "keep sealed records provable: list renewals due, renew the archive timestamp"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    scan = sub.add_parser("scan", help="list packages and when each must be renewed")
    scan.add_argument("directory", type=Path, metavar="DIR",
                      help="a directory of packages (searched recursively), or one package")
    scan.add_argument("--within", type=int, default=365, metavar="DAYS",
                      help="call a package due when its date is this close (default: 365)")
    scan.add_argument("--json", action="store_true", help="one JSON object per package")
    renew = sub.add_parser("renew", help="add a new document timestamp to a package")
    renew.add_argument("package", type=Path, metavar="PACKAGE",
                       help="the evidence package (.zip or directory)")
    renew.add_argument("--out", type=Path, required=True, metavar="NEW",
                       help="where to write the renewed package (must not exist)")
    renew.add_argument("--tsa-url", default="", metavar="URL",
                       help="an RFC 3161 authority (default: pki.tsa_url, else the site's own)")
    renew.add_argument("--passphrase-env", metavar="VAR",
                       help="variable holding the site passphrase")
    renew.add_argument("--passphrase-file", metavar="FILE",
                       help="file holding the site passphrase")


def _say(language: str, zh: str, en: str) -> None:
    print(f"inkseal archive: {en if language == 'en' else zh}", file=sys.stderr)


def _scan(args: argparse.Namespace, language: str) -> int:
    import json
    from datetime import UTC, datetime, timedelta

    from records.archive import scan_packages

    if not args.directory.exists():
        _say(language, f"找不到 {args.directory}", f"{args.directory} does not exist")
        return 2
    now = datetime.now(UTC)
    limit = now + timedelta(days=args.within)
    attention = 0
    for due in scan_packages(args.directory):
        urgent = due.renew_by is None or due.renew_by <= limit
        attention += urgent
        if args.json:
            print(json.dumps({"path": str(due.path), "record": due.record_id,
                              "renew_by": due.renew_by.isoformat() if due.renew_by else None,
                              "due": urgent, "expired": bool(due.renew_by and due.renew_by < now),
                              "problem": due.problem}, ensure_ascii=False))
        elif due.renew_by is None:
            print(f"无法读取 unreadable  {due.path}: {due.problem}")
        else:
            state = ("已过期 EXPIRED" if due.renew_by < now else "需续期 DUE" if urgent
                     else "正常 ok")
            print(f"{due.renew_by:%Y-%m-%d}  {state:<14} {due.record_id}  {due.path}")
    return 1 if attention else 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "scan":
        return _scan(args, settings.language)
    return _renew(args, settings)


def _renew(args: argparse.Namespace, settings: Settings) -> int:
    from app.commands.terminal import passphrase
    from crypto.errors import CryptoError
    from crypto.verify_report_text import render_text
    from records.archive import ArchiveError, renew_package
    from records.errors import RecordError
    from records.site import WorkingSite

    language = settings.language
    if not args.package.exists():
        _say(language, f"找不到 {args.package}", f"{args.package} does not exist")
        return 2
    if args.out.exists():
        _say(language, f"{args.out} 已存在", f"{args.out} already exists")
        return 2
    try:
        secret = passphrase(args, "passphrase", "site passphrase")
        site = WorkingSite.open(settings.pki_path, secret)
    except (CryptoError, RecordError) as exc:
        zh = getattr(exc, "zh", str(exc))
        _say(language, f"无法打开站点密钥：{zh}", f"cannot open the site's keys: {exc}")
        return 2
    tsa_url = args.tsa_url or getattr(settings.pki, "tsa_url", "") or ""
    try:
        renewed = renew_package(args.package, args.out, site, tsa_url=tsa_url,
                                progress=lambda text: print(f"  {text}", file=sys.stderr))
    except ArchiveError as exc:
        if exc.report is not None:
            print(render_text(exc.report, "en" if language == "en" else "zh"))
        _say(language, exc.zh, exc.en)
        return 2 if exc.site else 1
    if not renewed.after.ok:
        print(render_text(renewed.after, "en" if language == "en" else "zh"))
        _say(language, f"续期后的证据包未通过验证：{renewed.path}",
             f"the renewed package does not verify: {renewed.path}")
        return 1
    print(f"续期完成 renewed: {renewed.path}")
    return 0
