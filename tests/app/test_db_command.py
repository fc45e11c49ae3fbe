"""``inkseal db``: upgrade creates the schema in the data directory; current, check and sql say
where the schema stands; bad databases give a clear error and exit code."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.cli import main
from records.blobstore import BlobStore
from records.model import Case, Record, RecordRevision, StoredTemplate
from records.signing import RecordState
from records.storage import head_revision, open_database, sqlite_url


@pytest.fixture
def data_dir() -> Path:
    return Path(os.environ["INKSEAL_DATA_DIR"])


def test_upgrade_creates_the_schema_in_the_data_directory(
        data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--set", "language=en", "db", "upgrade"]) == 0
    assert (data_dir / "inkseal.sqlite3").is_file()
    assert f"(empty) -> {head_revision()}" in capsys.readouterr().out
    assert main(["--set", "language=en", "db", "upgrade"]) == 0
    assert "nothing to do" in capsys.readouterr().out


def test_current_says_when_an_upgrade_is_needed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "current"]) == 1
    out = capsys.readouterr().out
    assert "current:  (empty)" in out and "inkseal db upgrade" in out
    main(["db", "upgrade"])
    capsys.readouterr()
    assert main(["db", "current"]) == 0
    assert f"current:  {head_revision()}" in capsys.readouterr().out


def test_check_compares_the_schema_with_the_program(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--set", "language=en", "db", "check"]) == 1
    assert "needs" in capsys.readouterr().out
    main(["db", "upgrade"])
    assert main(["--set", "language=en", "db", "check"]) == 0
    assert "matches" in capsys.readouterr().out


def test_check_blobs_finds_a_corrupted_pdf(data_dir: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    main(["db", "upgrade"])
    blobs = BlobStore(data_dir / "blobs")
    good = blobs.put_bytes(b"%PDF-1.7 revision 0")
    bad = blobs.put_bytes(b"%PDF-1.7 revision 1")
    now = datetime(2020, 2, 10, tzinfo=UTC)
    database = open_database(sqlite_url(data_dir / "inkseal.sqlite3"), migrate=False)
    with database.sessions.begin() as session:
        template = StoredTemplate(sha256="c" * 64, template_id="t", version=1, title_zh="笔录",
                                  title_en="Record", source_text="", stored_at=now)
        case = Case(id="c", case_number="N-1", title="t", agency="a", created_at=now)
        record = Record(id="r", case=case, template=template, language="zh",
                        state=RecordState.DRAFT, head_revision=1, created_at=now)
        for number, blob in enumerate((good, bad)):
            session.add(RecordRevision(record=record, number=number, values_json="{}",
                                       values_sha256="d" * 64, pdf_sha256=blob.sha256,
                                       pdf_size=blob.size, pages=1, created_at=now))
    database.dispose()
    path = blobs.path_for(bad.sha256)
    path.chmod(0o644)
    path.write_bytes(b"%PDF-1.7 revision X")
    capsys.readouterr()
    assert main(["--set", "language=en", "db", "check", "--blobs"]) == 1
    out = capsys.readouterr().out
    assert f"{bad.sha256}: blob content does not match" in out
    assert good.sha256 not in out
    assert "checked 2 stored file(s), 1 bad" in out


def test_an_unreachable_database_is_an_error_without_the_password(
        capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql+psycopg://inkseal:hunter2@127.0.0.1:1/inkseal"
    assert main(["--set", f"database.url={url}", "--set", "language=en", "db", "upgrade"]) == 2
    err = capsys.readouterr().err
    assert "cannot reach the database" in err and "[unreachable]" in err
    assert "hunter2" not in err


def test_sql_prints_the_schema_for_an_administrator(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "sql"]) == 0
    out = capsys.readouterr().out
    assert "CREATE TABLE records" in out and "CREATE TABLE signatories" in out


def test_without_an_action_it_explains_itself(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db"]) == 2
    assert "inkseal db upgrade" in capsys.readouterr().err


@pytest.mark.postgres
def test_upgrade_works_on_postgresql(capsys: pytest.CaptureFixture[str]) -> None:
    from records.storage import scratch_schema

    server = os.environ.get("INKSEAL_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("INKSEAL_TEST_POSTGRES_URL is not set")
    with scratch_schema(server) as url:
        assert main(["--set", f"database.url={url}", "db", "upgrade"]) == 0
        assert main(["--set", f"database.url={url}", "db", "check"]) == 0
