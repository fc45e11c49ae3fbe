"""The stored domain: cases, persons, templates, records, revisions, signatories, seals.

SQLAlchemy 2 typed declarative models, portable between SQLite and PostgreSQL.  Times are
timezone-aware UTC in Python (``UtcDateTime`` refuses naive values).  Large binaries are not
here: rows hold the SHA-256 of blobs in the content-addressed store (``records.blobstore``).

A revision is content-addressed (its rendered PDF's hash) and append-only: the ORM refuses to
update or delete one.  Signatories belong to one revision; an edit makes a new revision with
new signatory rows and marks the old ones voided.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, object_session, relationship
from sqlalchemy.types import TypeDecorator

from records.signing import RecordState, SignatoryState

__all__ = [
    "Base",
    "Case",
    "Person",
    "Record",
    "RecordRevision",
    "Seal",
    "Signatory",
    "StoredTemplate",
    "UtcDateTime",
]

# Stable constraint names, so that migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SHA256_LEN = 64


class UtcDateTime(TypeDecorator[datetime]):
    """A point in time, stored as UTC; naive datetimes are refused, reads come back aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"a naive datetime cannot be stored, give it a time zone: {value!r}")
        value = value.astimezone(UTC)
        # SQLite has no time zone type: store naive UTC, restore the zone on the way out.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _state_enum(enum_class: type, name: str) -> Enum:
    # Stored as the enum's values in a VARCHAR with a CHECK: the same on SQLite and PostgreSQL.
    return Enum(enum_class, name=name, native_enum=False, create_constraint=True, length=16,
                values_callable=lambda members: [m.value for m in members],
                validate_strings=True)


class Base(DeclarativeBase):
    """Declarative base with the naming convention and the UTC time type."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime(), date: Date()}


def _sha(nullable: bool = False, index: bool = False) -> Any:
    return mapped_column(String(SHA256_LEN), nullable=nullable, index=index)


class Case(Base):
    """A criminal case: number, title, the handling agency."""

    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_number: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    agency: Mapped[str] = mapped_column(String(200))
    cause: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]

    persons: Mapped[list[Person]] = relationship(back_populates="case",
                                                 order_by="Person.created_at")
    records: Mapped[list[Record]] = relationship(back_populates="case",
                                                 order_by="Record.created_at")


class Person(Base):
    """Someone taking part in a case: suspect, appropriate adult, prosecutor, interpreter...

    ``acts_for`` binds an appropriate adult, interpreter or lawyer to the person they assist.
    """

    __tablename__ = "persons"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(32))
    identity_number: Mapped[str | None] = mapped_column(String(18))
    birth_date: Mapped[date | None]
    minor: Mapped[bool] = mapped_column(Boolean)
    acts_for_id: Mapped[str | None] = mapped_column(ForeignKey("persons.id"))
    created_at: Mapped[datetime]

    case: Mapped[Case] = relationship(back_populates="persons")


class StoredTemplate(Base):
    """The exact template source a record was drafted from, keyed by its SHA-256."""

    __tablename__ = "templates"
    __table_args__ = (Index("ix_templates_template_id_version", "template_id", "version"),)

    sha256: Mapped[str] = mapped_column(String(SHA256_LEN), primary_key=True)
    template_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    source_text: Mapped[str] = mapped_column(Text)
    stored_at: Mapped[datetime]


class Record(Base):
    """One legal record of a case; ``id`` is printed on every page of every revision."""

    __tablename__ = "records"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    template_sha256: Mapped[str] = mapped_column(ForeignKey("templates.sha256"))
    language: Mapped[str] = mapped_column(String(8))
    state: Mapped[RecordState] = mapped_column(_state_enum(RecordState, "record_state"))
    head_revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]

    case: Mapped[Case] = relationship(back_populates="records")
    template: Mapped[StoredTemplate] = relationship()
    # passive_deletes="all": the ORM never rewrites a revision's rows to detach them.
    revisions: Mapped[list[RecordRevision]] = relationship(
        back_populates="record", order_by="RecordRevision.number", passive_deletes="all")
    seal: Mapped[Seal | None] = relationship(back_populates="record")


class RecordRevision(Base):
    """One rendering of a record: its values (canonical JSON) and its PDF's SHA-256. Never
    changed once written; an edit appends the next ``number`` with this one as ``parent``."""

    __tablename__ = "record_revisions"
    __table_args__ = (
        UniqueConstraint("record_id", "number"),
        CheckConstraint("number >= 0", name="number_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("records.id"))
    number: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("record_revisions.id"))
    values_json: Mapped[str] = mapped_column(Text)
    values_sha256: Mapped[str] = _sha()
    pdf_sha256: Mapped[str] = _sha(index=True)
    pdf_size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]

    record: Mapped[Record] = relationship(back_populates="revisions")
    signatories: Mapped[list[Signatory]] = relationship(
        back_populates="revision", order_by="Signatory.order", passive_deletes="all")


class Signatory(Base):
    """One signatory of one revision, in signing ``order`` (from 1), and what they did."""

    __tablename__ = "signatories"
    __table_args__ = (
        UniqueConstraint("revision_id", "sign_order"),
        CheckConstraint("sign_order >= 1", name="order_from_one"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("record_revisions.id"), index=True)
    order: Mapped[int] = mapped_column("sign_order", Integer)
    role: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"))
    name: Mapped[str] = mapped_column(String(100))
    label_zh: Mapped[str] = mapped_column(String(100))
    label_en: Mapped[str] = mapped_column(String(100))
    station: Mapped[str] = mapped_column(String(16))
    on_refusal: Mapped[str] = mapped_column(String(16))
    field_name: Mapped[str] = mapped_column(String(64))
    state: Mapped[SignatoryState] = mapped_column(_state_enum(SignatoryState, "signatory_state"))
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    signed_at: Mapped[datetime | None]
    refused_at: Mapped[datetime | None]
    voided_at: Mapped[datetime | None]
    signed_pdf_sha256: Mapped[str | None] = _sha(nullable=True)
    evidence_sha256: Mapped[str | None] = _sha(nullable=True)

    revision: Mapped[RecordRevision] = relationship(back_populates="signatories")
    person: Mapped[Person] = relationship()


class Seal(Base):
    """The institution's seal over the final revision: the sealed PDF's hash and when."""

    __tablename__ = "seals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("records.id"), unique=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("record_revisions.id"))
    sealed_pdf_sha256: Mapped[str] = _sha()
    checkpoint_sha256: Mapped[str | None] = _sha(nullable=True)
    sealed_at: Mapped[datetime]

    record: Mapped[Record] = relationship(back_populates="seal")


@event.listens_for(RecordRevision, "before_update")
def _revisions_are_append_only(mapper: Any, connection: Any, target: RecordRevision) -> None:
    session = object_session(target)
    if session is not None and not session.is_modified(target, include_collections=False):
        return  # only a relationship collection changed; the row itself stays as written
    raise ValueError(f"record revision {target.record_id}/{target.number} is append-only")


@event.listens_for(RecordRevision, "before_delete")
def _revisions_are_never_deleted(mapper: Any, connection: Any, target: RecordRevision) -> None:
    raise ValueError(f"record revision {target.record_id}/{target.number} is append-only")
