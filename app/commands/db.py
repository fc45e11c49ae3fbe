"""Database administration: create or upgrade the schema (Alembic migrations), show where it
stands, check it against this program, and check the stored PDFs against their hashes.

  inkseal db upgrade [--to REVISION]   create the schema, or bring it up to date
  inkseal db current                   the schema's revision and this program's
  inkseal db check [--blobs]           schema matches the program? (and every stored PDF intact?)
  inkseal db sql                       print the upgrade as SQL, for a database administrator
"""

from __future__ import annotations

import argparse
import logging
import sys

from app.settings import Settings

HELP = "database: create or upgrade the schema, show and check it"

EXIT_PROBLEM = 1
EXIT_ERROR = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION")
    upgrade = actions.add_parser("upgrade", help="create the schema or bring it up to date")
    upgrade.add_argument("--to", default="head", metavar="REVISION",
                         help="migrate to this revision instead of the newest")
    actions.add_parser("current", help="show the schema revision and the one this program needs")
    check = actions.add_parser("check", help="check that the schema matches this program")
    check.add_argument("--blobs", action="store_true",
                       help="also read every stored PDF and check it against its SHA-256")
    actions.add_parser("sql", help="print the SQL of a full upgrade (for a database administrator)")


def _say(settings: Settings, zh: str, en: str) -> None:
    print(en if settings.language == "en" else zh)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from records.errors import RecordError

    if settings.log_level != "DEBUG":
        # Alembic narrates every step at INFO; this command says what happened itself.
        logging.getLogger("alembic").setLevel(logging.WARNING)
    action = getattr(args, "db_action", None)
    if action is None:
        print(__doc__, file=sys.stderr)
        return EXIT_ERROR
    try:
        return {"upgrade": _upgrade, "current": _current, "check": _check,
                "sql": _sql}[action](args, settings)
    except RecordError as exc:
        print(f"inkseal db {action}: {exc.message(settings.language)} [{exc.reason}]",
              file=sys.stderr)
        return EXIT_ERROR


def _upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from records.storage import current_revision, safe_url, upgrade

    url = settings.database_url
    before = current_revision(url)
    after = upgrade(url, args.to)
    where = safe_url(url)
    if before == after:
        _say(settings, f"数据库 {where} 已是版本 {after}，无需升级",
             f"database {where} is already at {after}; nothing to do")
    else:
        _say(settings, f"数据库 {where}：{before or '（空库）'} → {after}",
             f"database {where}: {before or '(empty)'} -> {after}")
    return 0


def _current(args: argparse.Namespace, settings: Settings) -> int:
    from records.storage import current_revision, head_revision, safe_url

    current, head = current_revision(settings.database_url), head_revision()
    print(f"database: {safe_url(settings.database_url)}")
    print(f"current:  {current or '(empty)'}")
    print(f"head:     {head}")
    if current != head:
        _say(settings, "数据库结构不是最新：请运行 inkseal db upgrade",
             "the schema is not up to date: run 'inkseal db upgrade'")
        return EXIT_PROBLEM
    return 0


def _check(args: argparse.Namespace, settings: Settings) -> int:
    from records.storage import current_revision, head_revision, schema_differences

    url = settings.database_url
    current, head = current_revision(url), head_revision()
    problems = 0
    if current != head:
        _say(settings, f"数据库结构版本为 {current or '（空库）'}，需要 {head}",
             f"schema is at {current or '(empty)'}, this program needs {head}")
        problems += 1
    else:
        for difference in schema_differences(url):
            print(f"schema differs: {difference}")
            problems += 1
    if args.blobs and current == head:
        problems += _check_blobs(settings)
    if problems:
        _say(settings, f"发现 {problems} 个问题", f"{problems} problem(s) found")
        return EXIT_PROBLEM
    _say(settings, "数据库结构与本程序一致", "the schema matches this program")
    return 0


def _check_blobs(settings: Settings) -> int:
    from sqlalchemy import select

    from records.blobstore import BlobStore
    from records.errors import BlobError
    from records.model import RecordRevision, Seal, Signatory
    from records.storage import open_database

    database = open_database(settings.database_url, migrate=False)
    try:
        with database.sessions() as session:
            hashes = set(session.scalars(select(RecordRevision.pdf_sha256)))
            hashes |= {h for h in session.scalars(select(Signatory.signed_pdf_sha256)) if h}
            hashes |= set(session.scalars(select(Seal.sealed_pdf_sha256)))
    finally:
        database.dispose()
    store = BlobStore(settings.data_path / "blobs")
    bad = 0
    for sha256 in sorted(hashes):
        try:
            store.verify(sha256)
        except BlobError as exc:
            print(f"{sha256}: {exc.message(settings.language)} [{exc.reason}]")
            bad += 1
    _say(settings, f"已核对 {len(hashes)} 个文件，{bad} 个有问题",
         f"checked {len(hashes)} stored file(s), {bad} bad")
    return bad


def _sql(args: argparse.Namespace, settings: Settings) -> int:
    from alembic import command
    from sqlalchemy.engine import make_url

    from records.storage import alembic_config

    config = alembic_config()
    # Offline mode needs only the dialect: never put the password into the output.
    config.set_main_option("sqlalchemy.url", f"{make_url(settings.database_url).drivername}://")
    command.upgrade(config, "head", sql=True)
    return 0
