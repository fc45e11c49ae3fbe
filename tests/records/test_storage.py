"""Storage: engines for SQLite (foreign keys, WAL, full sync) and PostgreSQL, clear errors for
bad or unreachable databases, and opening a database at the newest schema."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from records.errors import SchemaNotCurrent, StorageError
from records.storage import (
    create_engine_for,
    current_revision,
    head_revision,
    open_database,
    safe_url,
    scratch_schema,
    sqlite_url,
    upgrade,
)

TABLES = ["alembic_version", "cases", "persons", "record_revisions", "records", "seals",
          "signatories", "templates"]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database per test: an SQLite file, or a scratch PostgreSQL schema."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "data" / "inkseal.sqlite3")
        return
    server = os.environ.get("INKSEAL_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("INKSEAL_TEST_POSTGRES_URL is not set")
    with scratch_schema(server) as url:
        yield url


def test_an_sqlite_file_gets_its_directory_and_safe_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "inkseal.sqlite3"
    engine = create_engine_for(sqlite_url(path))
    try:
        with engine.connect() as connection:
            pragma = {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                      for name in ("foreign_keys", "journal_mode", "synchronous", "busy_timeout")}
        assert path.parent.is_dir()
        assert pragma == {"foreign_keys": 1, "journal_mode": "wal", "synchronous": 2,
                          "busy_timeout": 10_000}
    finally:
        engine.dispose()


def test_opening_creates_the_schema_at_the_newest_migration(database_url: str) -> None:
    database = open_database(database_url)
    try:
        assert database.table_names() == TABLES
        assert current_revision(database.engine) == head_revision()
    finally:
        database.dispose()


def test_opening_without_migrating_refuses_an_old_schema(database_url: str) -> None:
    with pytest.raises(SchemaNotCurrent) as caught:
        open_database(database_url, migrate=False)
    assert caught.value.reason == "schema_not_current"
    assert caught.value.current is None and caught.value.head == head_revision()
    assert "inkseal db upgrade" in caught.value.en
    upgrade(database_url)
    open_database(database_url, migrate=False).dispose()


def test_foreign_keys_are_enforced(database_url: str) -> None:
    database = open_database(database_url)
    try:
        with pytest.raises(IntegrityError), database.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO persons (id, case_id, name, role, minor, created_at) "
                "VALUES ('p1', 'no-such-case', '张三', 'suspect', false, CURRENT_TIMESTAMP)"))
    finally:
        database.dispose()


def test_a_bad_url_is_a_storage_error() -> None:
    with pytest.raises(StorageError) as caught:
        create_engine_for("not a url")
    assert caught.value.reason == "bad_url"
    with pytest.raises(StorageError) as caught:
        create_engine_for("nosuchdb://somewhere/x")
    assert caught.value.reason == "unsupported_database"


def test_an_unreachable_server_is_reported_without_its_password() -> None:
    url = "postgresql+psycopg://inkseal:s3cret@127.0.0.1:1/inkseal?connect_timeout=2"
    with pytest.raises(StorageError) as caught:
        open_database(url)
    assert caught.value.reason == "unreachable"
    assert "s3cret" not in caught.value.en and "s3cret" not in (caught.value.url or "")
    assert "127.0.0.1:1" in caught.value.en


def test_safe_url_hides_the_password() -> None:
    assert safe_url("postgresql://u:pw@h/db") == "postgresql://u:***@h/db"
    assert safe_url("::") == "<unparseable URL>"


def test_scratch_schemas_are_for_postgresql_only(tmp_path: Path) -> None:
    with pytest.raises(StorageError) as caught, scratch_schema(sqlite_url(tmp_path / "x.db")):
        pass
    assert caught.value.reason == "not_postgresql"


def test_a_second_connection_reads_while_one_writes(tmp_path: Path) -> None:
    """WAL: the workstation's screens keep reading while the ordered writer commits."""
    database = open_database(sqlite_url(tmp_path / "wal.sqlite3"))
    try:
        with database.engine.connect() as writer, database.engine.connect() as reader:
            writer.begin()
            writer.execute(text(
                "INSERT INTO cases (id, case_number, title, agency, cause, created_at) "
                "VALUES ('c1', 'N-1', 't', 'a', '', CURRENT_TIMESTAMP)"))
            assert reader.execute(text("SELECT count(*) FROM cases")).scalar() == 0
            writer.commit()
            reader.rollback()
            assert reader.execute(text("SELECT count(*) FROM cases")).scalar() == 1
    finally:
        database.dispose()


def test_an_in_memory_database_is_one_database_for_every_thread() -> None:
    database = open_database("sqlite://")
    try:
        seen: list[list[str]] = []
        worker = threading.Thread(target=lambda: seen.append(database.table_names()))
        worker.start()
        worker.join()
        assert seen == [TABLES]
    finally:
        database.dispose()
