"""What the record service hands out: frozen snapshots of cases, persons, records, revisions,
signatories and seals (never live ORM rows, so they cross threads safely)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from records.model import Case, Person, Record, RecordRevision, Seal, Signatory
from records.signing import RecordState, SignatoryState, SigningOrder, Slot

__all__ = [
    "CaseView",
    "PersonView",
    "RecordSummary",
    "RecordView",
    "RevisionView",
    "SealView",
    "SignatoryView",
    "signing_order",
]


@dataclass(frozen=True)
class PersonView:
    """A person of a case."""

    id: str
    case_id: str
    name: str
    role: str
    identity_number: str | None
    birth_date: date | None
    minor: bool
    acts_for_id: str | None

    @classmethod
    def of(cls, row: Person) -> PersonView:
        return cls(row.id, row.case_id, row.name, row.role, row.identity_number, row.birth_date,
                   row.minor, row.acts_for_id)


@dataclass(frozen=True)
class CaseView:
    """A case with its persons."""

    id: str
    case_number: str
    title: str
    agency: str
    cause: str
    created_at: datetime
    persons: tuple[PersonView, ...]

    @classmethod
    def of(cls, row: Case) -> CaseView:
        return cls(row.id, row.case_number, row.title, row.agency, row.cause, row.created_at,
                   tuple(PersonView.of(p) for p in row.persons))


@dataclass(frozen=True)
class SignatoryView:
    """One signatory of one revision and what they did."""

    order: int
    role: str
    person_id: str
    name: str
    label_zh: str
    label_en: str
    station: str
    on_refusal: str
    field_name: str
    state: SignatoryState
    refusal_reason: str | None
    signed_at: datetime | None
    refused_at: datetime | None
    voided_at: datetime | None
    signed_pdf_sha256: str | None
    evidence_sha256: str | None

    @classmethod
    def of(cls, row: Signatory) -> SignatoryView:
        return cls(row.order, row.role, row.person_id, row.name, row.label_zh, row.label_en,
                   row.station, row.on_refusal, row.field_name, row.state, row.refusal_reason,
                   row.signed_at, row.refused_at, row.voided_at, row.signed_pdf_sha256,
                   row.evidence_sha256)


@dataclass(frozen=True)
class RevisionView:
    """One revision: the values it was rendered from and its PDF's hash."""

    number: int
    parent: int | None
    values: Mapping[str, Any]
    values_json: str
    values_sha256: str
    pdf_sha256: str
    pdf_size: int
    pages: int
    created_at: datetime
    signatories: tuple[SignatoryView, ...]

    @classmethod
    def of(cls, row: RecordRevision, parent: int | None) -> RevisionView:
        return cls(row.number, parent, MappingProxyType(json.loads(row.values_json)),
                   row.values_json, row.values_sha256, row.pdf_sha256, row.pdf_size, row.pages,
                   row.created_at, tuple(SignatoryView.of(s) for s in row.signatories))

    @property
    def latest_pdf_sha256(self) -> str:
        """The PDF as it stands after the last signature given in this revision."""
        signed = [s.signed_pdf_sha256 for s in self.signatories if s.signed_pdf_sha256]
        return signed[-1] if signed else self.pdf_sha256


@dataclass(frozen=True)
class SealView:
    """The seal over a record."""

    revision: int
    sealed_pdf_sha256: str
    checkpoint_sha256: str | None
    sealed_at: datetime


@dataclass(frozen=True)
class RecordSummary:
    """A record as listed: what it is and where it stands."""

    id: str
    case_id: str
    template_id: str
    template_version: int
    title_zh: str
    title_en: str
    language: str
    state: RecordState
    head_revision: int
    created_at: datetime

    @classmethod
    def of(cls, row: Record) -> RecordSummary:
        t = row.template
        return cls(row.id, row.case_id, t.template_id, t.version, t.title_zh, t.title_en,
                   row.language, row.state, row.head_revision, row.created_at)


@dataclass(frozen=True)
class RecordView:
    """A record with every revision (oldest first), their signatories, and the seal."""

    summary: RecordSummary
    template_sha256: str
    revisions: tuple[RevisionView, ...]
    seal: SealView | None

    @classmethod
    def of(cls, row: Record) -> RecordView:
        numbers = {r.id: r.number for r in row.revisions}
        revisions = tuple(RevisionView.of(r, numbers.get(r.parent_id) if r.parent_id else None)
                          for r in row.revisions)
        seal: Seal | None = row.seal
        return cls(RecordSummary.of(row), row.template_sha256, revisions,
                   None if seal is None else SealView(numbers[seal.revision_id],
                                                      seal.sealed_pdf_sha256,
                                                      seal.checkpoint_sha256, seal.sealed_at))

    @property
    def id(self) -> str:
        return self.summary.id

    @property
    def state(self) -> RecordState:
        return self.summary.state

    @property
    def head(self) -> RevisionView:
        """The newest revision."""
        return self.revisions[-1]

    @property
    def current_signatory(self) -> SignatoryView | None:
        """Whose turn it is to sign, if anyone's."""
        current = signing_order(self.head.number, self.head.signatories,
                                sealed=self.seal is not None).current
        return None if current is None else self.head.signatories[
            [s.order for s in self.head.signatories].index(current.order)]

    @property
    def current_pdf_sha256(self) -> str:
        """The PDF the next signature (or the seal) is applied to; the sealed PDF once sealed."""
        return self.seal.sealed_pdf_sha256 if self.seal else self.head.latest_pdf_sha256


def signing_order(revision: int, signatories: Any, *, sealed: bool = False) -> SigningOrder:
    """The state machine of one revision, rebuilt from its signatory rows or views."""
    slots = tuple(Slot(s.order, s.role, s.label_zh, s.label_en, s.on_refusal, s.state,
                       s.refusal_reason) for s in signatories)
    superseded = all(s.state is SignatoryState.VOIDED for s in slots)
    return SigningOrder(revision, slots, sealed=sealed, superseded=superseded)
