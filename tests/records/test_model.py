"""The models: UTC times, append-only revisions, states stored as their values, constraints."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from records.model import Case, Person, Record, RecordRevision, Seal, Signatory, StoredTemplate
from records.signing import RecordState, SignatoryState
from records.storage import Database, open_database, scratch_schema, sqlite_url

BEIJING = timezone(timedelta(hours=8))
T0 = datetime(2020, 2, 10, 9, 30, tzinfo=UTC)
SHA_A = "a" * 64
SHA_B = "b" * 64


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        db = open_database(sqlite_url(tmp_path / "model.sqlite3"))
        yield db
        db.dispose()
        return
    server = os.environ.get("INKSEAL_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("INKSEAL_TEST_POSTGRES_URL is not set")
    with scratch_schema(server) as url:
        db = open_database(url)
        yield db
        db.dispose()


def add_record(session: Session, *, at: datetime = T0) -> RecordRevision:
    case = Case(id="c1", case_number="渝南检刑捕〔2020〕12号", title="王某盗窃案",
                agency="重庆市南岸区人民检察院", created_at=at)
    suspect = Person(id="p1", case=case, name="王某某", role="suspect", minor=True,
                     birth_date=date(2004, 5, 1), created_at=at)
    template = StoredTemplate(sha256=SHA_A, template_id="interrogation", version=1,
                              title_zh="讯问笔录", title_en="Interrogation record",
                              source_text="id = 'interrogation'\n", stored_at=at)
    record = Record(id="01ARZ3NDEKTSV4RRFFQ69G5FAV", case=case, template=template,
                    language="zh", state=RecordState.DRAFT, head_revision=0, created_at=at)
    revision = RecordRevision(record=record, number=0, values_json="{}", values_sha256=SHA_B,
                              pdf_sha256=SHA_A, pdf_size=1000, pages=2, created_at=at)
    revision.signatories.append(Signatory(
        order=1, role="suspect", person=suspect, name="王某某", label_zh="犯罪嫌疑人",
        label_en="suspect", station="terminal", on_refusal="continue", field_name="Sig_1_suspect",
        state=SignatoryState.PENDING))
    session.add_all([case, suspect, template, record, revision])
    session.commit()
    return revision


def test_a_record_with_its_revision_and_signatory_round_trips(database: Database) -> None:
    with database.sessions() as session:
        add_record(session)
    with database.sessions() as session:
        record = session.get(Record, "01ARZ3NDEKTSV4RRFFQ69G5FAV")
        assert record is not None
        assert record.state is RecordState.DRAFT
        assert record.case.title == "王某盗窃案"
        assert record.template.title_zh == "讯问笔录"
        [revision] = record.revisions
        [signatory] = revision.signatories
        assert (signatory.order, signatory.person.name) == (1, "王某某")
        assert signatory.state is SignatoryState.PENDING
        assert record.case.persons[0].birth_date == date(2004, 5, 1)


def test_times_are_stored_as_utc_and_come_back_aware(database: Database) -> None:
    local = datetime(2020, 2, 10, 17, 30, tzinfo=BEIJING)
    with database.sessions() as session:
        add_record(session, at=local)
    with database.sessions() as session:
        case = session.get(Case, "c1")
        assert case is not None
        assert case.created_at == local
        assert case.created_at.tzinfo == UTC and case.created_at.hour == 9


def test_a_naive_time_is_refused(database: Database) -> None:
    with database.sessions() as session, pytest.raises(StatementError) as caught:
        add_record(session, at=datetime(2020, 2, 10, 9, 30))
    assert "naive datetime" in str(caught.value)


def test_states_are_stored_as_their_values_and_checked(database: Database) -> None:
    with database.sessions() as session:
        add_record(session)
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT state FROM records")).scalar() == "draft"
    with pytest.raises(IntegrityError), database.engine.begin() as connection:
        connection.execute(text("UPDATE records SET state = 'finished'"))


def test_revisions_are_append_only(database: Database) -> None:
    with database.sessions() as session:
        revision = add_record(session)
        revision.pdf_sha256 = SHA_B
        with pytest.raises(ValueError, match="append-only"):
            session.commit()
        session.rollback()
        session.delete(session.scalars(select(RecordRevision)).one())
        with pytest.raises(ValueError, match="append-only"):
            session.flush()


def test_case_numbers_are_unique(database: Database) -> None:
    with database.sessions() as session:
        add_record(session)
        session.add(Case(id="c2", case_number="渝南检刑捕〔2020〕12号", title="x", agency="y",
                         created_at=T0))
        with pytest.raises(IntegrityError):
            session.commit()


def test_a_revision_number_is_used_once_per_record(database: Database) -> None:
    with database.sessions() as session:
        revision = add_record(session)
        session.add(RecordRevision(record_id=revision.record_id, number=0, values_json="{}",
                                   values_sha256=SHA_B, pdf_sha256=SHA_B, pdf_size=1, pages=1,
                                   created_at=T0))
        with pytest.raises(IntegrityError):
            session.commit()


@pytest.mark.parametrize("statement", [
    "UPDATE record_revisions SET pdf_sha256 = 'f'",
    "DELETE FROM record_revisions",
    "UPDATE seals SET sealed_pdf_sha256 = 'f'",
    "UPDATE templates SET source_text = 'forged'",
    "DELETE FROM templates",
])
def test_the_database_itself_refuses_to_rewrite_history(database: Database,
                                                        statement: str) -> None:
    """Even a client that bypasses the ORM cannot change a revision, a seal or a template."""
    with database.sessions() as session:
        revision = add_record(session)
        session.add(Seal(record_id=revision.record_id, revision_id=revision.id,
                         sealed_pdf_sha256=SHA_B, sealed_at=T0))
        session.commit()
    with pytest.raises(IntegrityError, match="append-only"), \
            database.engine.begin() as connection:
        connection.execute(text(statement))
