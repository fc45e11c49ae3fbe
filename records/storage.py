"""Where records are kept: engines, sessions, and the schema's upgrade by Alembic migrations.

The caller passes an SQLAlchemy URL (``app.settings.Settings.database_url``: by default an
SQLite file in the data directory, or PostgreSQL for a site with many terminals).  SQLite runs
with foreign keys enforced, write-ahead logging and full fsync; PostgreSQL as configured.
Migrations live in ``records/migrations`` and run from code: no ``alembic.ini`` is needed on a
user's machine.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from records.errors import SchemaNotCurrent, StorageError
from records.model import Base

__all__ = [
    "MIGRATIONS",
    "Database",
    "alembic_config",
    "create_engine_for",
    "current_revision",
    "head_revision",
    "open_database",
    "safe_url",
    "schema_differences",
    "scratch_schema",
    "sqlite_url",
    "upgrade",
]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000


def sqlite_url(path: Path | str) -> str:
    """The URL of an SQLite database file at ``path``."""
    return f"sqlite:///{Path(path)}"


def safe_url(url: str) -> str:
    """``url`` with any password replaced by ``***``, fit for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        # WAL: readers never block the single writer; FULL: a committed record survives a
        # power cut, which matters more here than write speed.
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
    finally:
        cursor.close()


def create_engine_for(url: str, *, echo: bool = False) -> Engine:
    """An engine for ``url``; for an SQLite file, its directory is created and the pragmas
    above are set on every connection.  A bad URL raises ``StorageError(reason='bad_url')``."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StorageError(reason="bad_url", url=url,
                           zh=f"无法识别的数据库地址：{url!r}",
                           en=f"not a database URL: {url!r}") from None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        try:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(reason="cannot_create_directory", url=url,
                               zh=f"无法创建数据库目录：{exc}",
                               en=f"cannot create the database directory: {exc}") from exc
    options: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        # One in-memory database shared by every thread (the writer's and the caller's),
        # instead of a fresh empty one per connection.
        options = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    try:
        engine = create_engine(parsed, echo=echo, **options)
    except (NoSuchModuleError, ImportError, ArgumentError) as exc:
        raise StorageError(reason="unsupported_database", url=safe_url(url),
                           zh=f"不支持的数据库：{parsed.drivername}（{exc}）",
                           en=f"unsupported database {parsed.drivername}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
    return engine


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration built in code, bound to ``connection`` when given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration this program knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "records/migrations/versions has no migration"
    return head


@contextmanager
def _connected(target: Engine | str) -> Iterator[Connection]:
    engine = create_engine_for(target) if isinstance(target, str) else target
    url = engine.url.render_as_string(hide_password=True)
    try:
        with engine.connect() as connection:
            yield connection
    except OperationalError as exc:
        raise StorageError(reason="unreachable", url=url,
                           zh=f"无法连接数据库 {url}：{exc.orig}",
                           en=f"cannot reach the database {url}: {exc.orig}") from exc
    finally:
        if isinstance(target, str):
            engine.dispose()


def upgrade(target: Engine | str, revision: str = "head") -> str | None:
    """Bring the schema at ``target`` (an engine or a URL) up to ``revision``; returns the
    revision it is at afterwards."""
    with _connected(target) as connection:
        try:
            with connection.begin():
                command.upgrade(alembic_config(connection), revision)
        except SQLAlchemyError as exc:
            raise StorageError(reason="migration_failed",
                               url=connection.engine.url.render_as_string(hide_password=True),
                               zh=f"数据库升级失败：{exc}",
                               en=f"the schema upgrade failed: {exc}") from exc
        return MigrationContext.configure(connection).get_current_revision()


def current_revision(target: Engine | str) -> str | None:
    """The migration the database at ``target`` is at (``None``: no schema yet)."""
    with _connected(target) as connection:
        return MigrationContext.configure(connection).get_current_revision()


def schema_differences(target: Engine | str) -> list[Any]:
    """What differs between the database's schema and the models (Alembic's autogenerate
    comparison); an empty list means they match."""
    with _connected(target) as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


class Database:
    """An engine and its session factory; sessions keep loaded values after commit."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions: sessionmaker[Session] = sessionmaker(engine, expire_on_commit=False)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def table_names(self) -> list[str]:
        return sorted(inspect(self.engine).get_table_names())

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def open_database(url: str, *, migrate: bool = True, echo: bool = False) -> Database:
    """Open the database at ``url``: with ``migrate`` bring it up to the newest schema first,
    without it refuse (``SchemaNotCurrent``) a database whose schema is not the newest."""
    engine = create_engine_for(url, echo=echo)
    try:
        if migrate:
            upgrade(engine)
        else:
            current, head = current_revision(engine), head_revision()
            if current != head:
                raise SchemaNotCurrent(url=safe_url(url), current=current, head=head)
    except BaseException:
        engine.dispose()
        raise
    return Database(engine)


@contextmanager
def scratch_schema(url: str) -> Iterator[str]:
    """A throwaway PostgreSQL schema on the server at ``url``: yields a URL whose connections
    use only that schema, and drops it (with everything in it) afterwards.  For tests and
    trial runs against a shared server; dispose of engines made from the URL before leaving."""
    engine = create_engine_for(url)
    if engine.dialect.name != "postgresql":
        engine.dispose()
        raise StorageError(reason="not_postgresql", url=safe_url(url),
                           zh="临时模式只适用于 PostgreSQL", en="scratch schemas need PostgreSQL")
    schema = f"scratch_{secrets.token_hex(6)}"
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield scoped.render_as_string(hide_password=False)
    finally:
        try:
            with engine.begin() as connection:
                # Never wait forever on a connection someone forgot to close.
                connection.exec_driver_sql("SET LOCAL lock_timeout = '10s'")
                connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            engine.dispose()
