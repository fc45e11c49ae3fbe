"""The Alembic migrations: they run from code, build exactly the models' schema (Alembic's
autogenerate comparison finds nothing) on SQLite and PostgreSQL, and form one straight line."""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory

from records.storage import (
    MIGRATIONS,
    alembic_config,
    create_engine_for,
    current_revision,
    head_revision,
    schema_differences,
    scratch_schema,
    sqlite_url,
    upgrade,
)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "migrations.sqlite3")
        return
    server = os.environ.get("INKSEAL_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("INKSEAL_TEST_POSTGRES_URL is not set")
    with scratch_schema(server) as url:
        yield url


def test_the_migrated_schema_equals_the_models(database_url: str) -> None:
    assert upgrade(database_url) == head_revision()
    assert schema_differences(database_url) == []


def test_an_empty_database_differs_from_the_models(database_url: str) -> None:
    """The comparison above can fail: on an empty database it lists every table."""
    missing = {diff[1].name for diff in schema_differences(database_url) if diff[0] == "add_table"}
    assert {"cases", "persons", "records", "record_revisions", "signatories", "seals",
            "templates"} <= missing


def test_upgrading_twice_changes_nothing(database_url: str) -> None:
    upgrade(database_url)
    assert upgrade(database_url) == head_revision()
    assert current_revision(database_url) == head_revision()


def test_downgrade_to_nothing_and_back(database_url: str) -> None:
    upgrade(database_url)
    engine = create_engine_for(database_url)
    try:
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "base")
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        assert schema_differences(engine) == []
    finally:
        engine.dispose()


def test_the_migrations_form_one_line() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert len(scripts.get_heads()) == 1
    assert len(scripts.get_bases()) == 1
    walked = list(scripts.walk_revisions())
    assert walked[-1].down_revision is None
    assert len(walked) == len(list((MIGRATIONS / "versions").glob("*.py")))


def test_migrations_do_not_import_the_live_models() -> None:
    """A migration must mean forever what it meant when written."""
    for path in (MIGRATIONS / "versions").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                     for alias in node.names}
        assert not any(name and name.startswith("records") for name in imported), path.name


def test_the_upgrade_renders_as_sql_for_a_database_administrator(
        capsys: pytest.CaptureFixture[str]) -> None:
    config = alembic_config()
    config.set_main_option("sqlalchemy.url", "postgresql://")
    command.upgrade(config, "head", sql=True)
    out = capsys.readouterr().out
    assert "CREATE TABLE signatories" in out and "CREATE TABLE alembic_version" in out


def test_a_missing_index_is_noticed(database_url: str) -> None:
    upgrade(database_url)
    engine = create_engine_for(database_url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP INDEX ix_signatories_revision_id")
        kinds = [diff[0] for diff in schema_differences(engine)]
        assert kinds == ["add_index"]
    finally:
        engine.dispose()
