"""Verify a sealed record's evidence package (or the sealed PDF alone), offline.

  inkseal verify PACKAGE_OR_PDF [--trust ROOT.pem ...]
                 [--archive-key KEY.pem (--passphrase-file F | --passphrase-env VAR)]
                 [--json [OUT] | --html OUT] [--at DATETIME] [--language zh|en]

One report, a verdict and a reason per check: every PAdES signature, the fields and the seal,
the timestamps, the capture logs against the seal, every file and media segment, every
evidence bundle; with the archive key, each decrypted pen track against its visible
signature.  Only the roots given with --trust are trusted: without them the package's own
roots are used and the report says that nothing is trusted.

Exit codes: 0 every check passed with trusted roots; 1 a check failed; 2 bad arguments or an
unusable key, trust file or path; 3 nothing failed but no trust roots were given.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from app.settings import Settings

HELP = "verify a sealed record or evidence package offline"

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_ERROR = 2
EXIT_UNTRUSTED = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("path", type=Path, metavar="PACKAGE_OR_PDF",
                        help="an evidence package (.zip or directory) or a sealed PDF")
    parser.add_argument("--trust", type=Path, action="append", default=[], metavar="ROOT.pem",
                        help="a trust root certificate (PEM); repeat for several")
    parser.add_argument("--archive-key", type=Path, metavar="KEY.pem",
                        help="the archive's encrypted private key: decrypt and compare evidence")
    parser.add_argument("--passphrase-file", type=Path, metavar="FILE",
                        help="file holding the archive key's passphrase")
    parser.add_argument("--passphrase-env", metavar="VAR",
                        help="environment variable holding the archive key's passphrase")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", nargs="?", const="-", metavar="OUT",
                     help="the report as JSON, to OUT or standard output")
    out.add_argument("--html", type=Path, metavar="OUT", help="a printable HTML report to OUT")
    parser.add_argument("--at", metavar="DATETIME",
                        help="verify as of this time (ISO 8601, e.g. 2031-01-01T00:00:00+08:00; "
                             "default: now)")
    parser.add_argument("--language", choices=("zh", "en"),
                        help="language of the text and HTML report (default: the setting)")
    parser.add_argument("--gui", action="store_true",
                        help="open the verifier window on the package (asks for the archive "
                             "key's passphrase there when no file or variable gives it)")


def _say(language: str, zh: str, en: str) -> None:
    print(f"inkseal verify: {en if language == 'en' else zh}", file=sys.stderr)


def _trust_roots(paths: list[Path], language: str) -> list[Any] | None:
    from cryptography import x509

    roots = []
    for path in paths:
        try:
            roots.extend(x509.load_pem_x509_certificates(path.read_bytes()))
        except OSError as exc:
            _say(language, f"无法读取信任根文件 {path}：{exc.strerror}",
                 f"cannot read trust root {path}: {exc.strerror}")
            return None
        except ValueError:
            _say(language, f"{path} 不是 PEM 证书", f"{path} is not a PEM certificate")
            return None
    return roots


def _archive_key(args: argparse.Namespace, language: str) -> tuple[bool, Any]:
    """(ok, key or None)."""
    if args.archive_key is None:
        return True, None
    from cryptography.hazmat.primitives.asymmetric import rsa

    from crypto.errors import CryptoError
    from crypto.keys import PassphraseSource, load_private_key

    if args.passphrase_env:
        source = PassphraseSource.from_env(args.passphrase_env)
    elif args.passphrase_file:
        source = PassphraseSource.from_file(args.passphrase_file)
    elif sys.stdin.isatty():
        source = PassphraseSource.from_prompt("archive key passphrase / 档案密钥口令: ")
    else:
        _say(language, "需要档案密钥口令：请用 --passphrase-file 或 --passphrase-env",
             "the archive key needs its passphrase: use --passphrase-file or --passphrase-env")
        return False, None
    try:
        key = load_private_key(args.archive_key, source.read())
    except CryptoError as exc:
        zh = {"wrong_passphrase": "口令错误（或密钥文件已损坏）", "key_missing": "找不到密钥文件",
              "key_corrupt": "密钥文件已损坏", "key_unencrypted": "密钥未加密保存，拒绝使用",
              "passphrase_missing": "未提供口令", "passphrase_unreadable": "无法读取口令文件",
              "passphrase_empty": "口令为空"}.get(exc.reason, "无法读取档案密钥")
        _say(language, f"{zh}：{args.archive_key} [{exc.reason}]",
             f"cannot use the archive key {args.archive_key}: {exc} [{exc.reason}]")
        return False, None
    if not isinstance(key, rsa.RSAPrivateKey):
        _say(language, "这不是档案（RSA）密钥", "that is not the archive's (RSA) key")
        return False, None
    return True, key


def _run_window(args: argparse.Namespace, settings: Settings) -> int:
    from app.commands import EXIT_NO_DISPLAY
    from app.commands._display import has_display, headless_hint

    if not has_display():
        print(headless_hint("verify --gui"), file=sys.stderr)
        return EXIT_NO_DISPLAY
    from app.ui.application import run_window
    from app.ui.verifier import VerifierWindow

    passphrase = None
    if args.archive_key is not None and (args.passphrase_env or args.passphrase_file):
        from crypto.errors import CryptoError
        from crypto.keys import PassphraseSource

        source = PassphraseSource.from_env(args.passphrase_env) if args.passphrase_env else \
            PassphraseSource.from_file(args.passphrase_file)
        try:
            passphrase = source.read()
        except CryptoError as exc:
            _say(settings.language, f"无法读取口令 [{exc.reason}]",
                 f"cannot read the passphrase: {exc} [{exc.reason}]")
            return EXIT_ERROR
    if args.language:
        from dataclasses import replace

        settings = replace(settings, language=args.language)
    return run_window(settings, lambda s: VerifierWindow(
        s, args.path, trust_paths=args.trust, archive_key_path=args.archive_key,
        passphrase=passphrase))


def run(args: argparse.Namespace, settings: Settings) -> int:
    language = args.language or settings.language
    if not args.path.exists():
        _say(language, f"找不到 {args.path}", f"{args.path} does not exist")
        return EXIT_ERROR
    if args.gui:
        return _run_window(args, settings)
    roots = _trust_roots(args.trust, language)
    if roots is None:
        return EXIT_ERROR
    at = None
    if args.at:
        from datetime import UTC, datetime

        try:
            at = datetime.fromisoformat(args.at)
        except ValueError:
            _say(language, f"时间格式错误：{args.at}", f"--at {args.at!r} is not an ISO 8601 time")
            return EXIT_ERROR
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
    ok, key = _archive_key(args, language)
    if not ok:
        return EXIT_ERROR
    from crypto.verify_package import verify_path
    from crypto.verify_report import Outcome
    from records.evidence_bundle import ink_from_iso

    report = verify_path(args.path, trust=roots, archive_key=key, pen_decoder=ink_from_iso,
                         at=at)
    if args.json is not None:
        text = json.dumps(report.to_json(), ensure_ascii=False, indent=1, default=str) + "\n"
        if args.json == "-":
            sys.stdout.write(text)
        else:
            Path(args.json).write_text(text, encoding="utf-8")
    elif args.html is not None:
        from crypto.verify_report_html import render_html

        args.html.write_text(render_html(report, language), encoding="utf-8")
        print(report.summary_line(language))
    else:
        from crypto.verify_report_text import render_text

        sys.stdout.write(render_text(report, language))
    return {Outcome.PASS: EXIT_OK, Outcome.FAIL: EXIT_FAILED,
            Outcome.UNTRUSTED: EXIT_UNTRUSTED}[report.outcome]
