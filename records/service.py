"""The record service: what the workstation does to cases and records, each operation one
transaction, every operation run through one ordered executor.

Operations return ``concurrent.futures.Future`` values holding frozen views
(``records.views``).  Field values are validated by the template before anything is written;
rendered and signed PDFs go into the blob store before the rows that name them are committed,
so a row never points at a missing blob.  The clock and the id generator are passed in.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import Future
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from records.blobstore import BlobStore, check_sha256
from records.errors import InvalidFields, NotFound, RecordError, SigningError
from records.executor import OrderedExecutor
from records.fields import FieldValidationError, validate_fields
from records.model import Case, Person, Record, RecordRevision, Seal, Signatory, StoredTemplate
from records.parties import check_case, check_person, check_stations, resolve_signatories
from records.render import RenderError, RenderRequest, SignatoryLine, render_record
from records.signing import RecordState, SignatoryState, SigningOrder, Slot
from records.templates import LANGUAGES, Role, Station, Template, parse_template
from records.views import CaseView, PersonView, RecordSummary, RecordView, signing_order

__all__ = ["RecordService", "canonical_json", "ulid_factory"]

T = TypeVar("T")
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def ulid_factory(clock: Callable[[], datetime],
                 randbytes: Callable[[int], bytes] = os.urandom) -> Callable[[], str]:
    """A generator of ULIDs (26 characters, time-ordered, 80 random bits) for record ids."""

    def new_id() -> str:
        value = (int(clock().timestamp() * 1000) << 80) | int.from_bytes(randbytes(10), "big")
        return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))

    return new_id


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"cannot store {type(value).__name__} as a field value")


def canonical_json(values: Mapping[str, Any]) -> str:
    """Field values as canonical JSON: sorted keys, no spaces, UTF-8 text, dates in ISO 8601."""
    return json.dumps(values, default=_plain, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"), allow_nan=False)


class RecordService:
    """Cases, persons and records in one database and one blob store."""

    def __init__(self, sessions: sessionmaker[Session], blobs: BlobStore,
                 templates: Mapping[str, Template], *, executor: OrderedExecutor,
                 clock: Callable[[], datetime], new_id: Callable[[], str],
                 render: Callable[[RenderRequest], Any] = render_record) -> None:
        self._sessions = sessions
        self._blobs = blobs
        self._templates = dict(templates)
        self._by_sha = {t.source_sha256: t for t in self._templates.values()}
        self._executor = executor
        self._clock = clock
        self._new_id = new_id
        self._render = render

    # --- plumbing ----------------------------------------------------------------------
    def _submit(self, work: Callable[[Session], T]) -> Future[T]:
        return self._executor.submit(self._transaction, work)

    def _transaction(self, work: Callable[[Session], T]) -> T:
        with self._sessions.begin() as session:
            return work(session)

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("the clock must give timezone-aware times")
        return now

    # --- cases and persons -------------------------------------------------------------
    def create_case(self, case_number: str, title: str, agency: str,
                    cause: str = "") -> Future[CaseView]:
        """Open a case; the case number must be new."""
        def work(session: Session) -> CaseView:
            number, title_, agency_, cause_ = check_case(session, case_number, title, agency,
                                                         cause)
            case = Case(id=self._new_id(), case_number=number, title=title_, agency=agency_,
                        cause=cause_, created_at=self._now())
            session.add(case)
            session.flush()
            return CaseView.of(case)
        return self._submit(work)

    def add_person(self, case_id: str, name: str, role: Role | str, *,
                   identity_number: str | None = None, birth_date: date | None = None,
                   minor: bool | None = None, acts_for: str | None = None) -> Future[PersonView]:
        """Add someone to a case.  Whether they are a minor follows from their birth date
        (or identity number) unless given; ``acts_for`` binds an appropriate adult,
        interpreter or lawyer to the person they assist."""
        def work(session: Session) -> PersonView:
            case = self._case(session, case_id)
            now = self._now()
            checked = check_person(session, case, name=name, role=role,
                                   identity_number=identity_number, birth_date=birth_date,
                                   minor=minor, acts_for=acts_for, today=now.date())
            person = Person(id=self._new_id(), case_id=case.id, created_at=now, **checked)
            session.add(person)
            session.flush()
            return PersonView.of(person)
        return self._submit(work)

    def list_cases(self) -> Future[tuple[CaseView, ...]]:
        """Every case, newest first."""
        return self._submit(lambda session: tuple(CaseView.of(c) for c in session.scalars(
            select(Case).order_by(Case.created_at.desc(), Case.id))))

    def load_case(self, case_id: str) -> Future[CaseView]:
        return self._submit(lambda session: CaseView.of(self._case(session, case_id)))

    # --- records -----------------------------------------------------------------------
    def draft_record(self, case_id: str, template_id: str, values: Mapping[str, Any], *,
                     language: str = "zh", signatories: Mapping[Role | str, str] | None = None,
                     include_optional: Collection[Role] = (),
                     stations: Mapping[Role | str, Station | str] | None = None,
                     ) -> Future[RecordView]:
        """Draft a record of ``template_id`` from ``values``: validate (every bad field is
        reported, nothing written), render revision 0, store its PDF, write the rows.
        ``signatories`` maps a role to a person of the case; by default the case's one person
        of that role (named as the record names them) signs.  ``stations`` overrides where a
        role signs (the template's default otherwise)."""
        def work(session: Session) -> RecordView:
            case = self._case(session, case_id)
            template = self._templates.get(template_id)
            if template is None:
                raise NotFound("template", template_id)
            if language not in LANGUAGES:
                raise RecordError(reason="unknown_language",
                                  zh=f"不支持的语言：{language!r}",
                                  en=f"unknown language {language!r}; use one of {LANGUAGES}")
            now = self._now()
            if session.get(StoredTemplate, template.source_sha256) is None:
                session.add(StoredTemplate(
                    sha256=template.source_sha256, template_id=template.id,
                    version=template.version, title_zh=template.title.zh,
                    title_en=template.title.en, source_text=template.source_text,
                    stored_at=now))
            record = Record(id=self._new_id(), case_id=case.id,
                            template_sha256=template.source_sha256, language=language,
                            state=RecordState.DRAFT, head_revision=0, created_at=now)
            order = self._write_revision(session, record, template, values, signatories or {},
                                         include_optional, stations or {}, parent=None, now=now)
            record.state = order.state
            session.add(record)
            session.flush()
            return RecordView.of(record)
        return self._submit(work)

    def edit_record(self, record_id: str, values: Mapping[str, Any], *,
                    signatories: Mapping[Role | str, str] | None = None,
                    include_optional: Collection[Role] | None = None,
                    stations: Mapping[Role | str, Station | str] | None = None,
                    ) -> Future[RecordView]:
        """Change a record's values: a new revision, rendered afresh; every signature and
        refusal of the old one is voided.  Refused once sealed or stopped."""
        def work(session: Session) -> RecordView:
            record = self._record(session, record_id, for_update=True)
            head = record.revisions[-1]
            old = self._order(record)
            template = self._template_of(record)
            # Whoever signed for a role before signs again, unless the record now names
            # someone else for it.
            name_fields = {s.role.value: s.name_field for s in template.signatories}
            assigned: dict[Role | str, str] = {}
            for row in head.signatories:
                field = name_fields.get(row.role)
                if field is None or values.get(field) == row.name:
                    assigned[row.role] = row.person_id
            assigned.update(signatories or {})
            where: dict[Role | str, Station | str] = {s.role: s.station for s in head.signatories}
            where.update(stations or {})
            if include_optional is None:
                # Keep optional signatories someone chose; those with a condition are re-judged.
                by_role = {s.role.value: s for s in template.signatories}
                chosen = [Role(s.role) for s in head.signatories
                          if s.role in by_role and by_role[s.role].optional
                          and by_role[s.role].condition is None]
            else:
                chosen = list(include_optional)
            try:
                old.ensure_open()  # refuse before any rendering if the record is closed
            except SigningError as exc:
                raise _located(exc, record) from None
            now = self._now()
            new = self._write_revision(session, record, template, values, assigned, chosen,
                                       where, parent=head, now=now)
            for row in head.signatories:
                row.state = SignatoryState.VOIDED
                row.voided_at = now
            record.head_revision = new.revision
            record.state = new.state
            session.flush()
            return RecordView.of(record)
        return self._submit(work)

    def record_signature(self, record_id: str, who: int | str, signed_pdf: bytes,
                         evidence_sha256: str, *, role: str | None = None,
                         evidence: bytes | BinaryIO | None = None) -> Future[RecordView]:
        """The current signatory signed: ``signed_pdf`` is the whole PDF after their signature
        (an incremental update of the current one), ``evidence_sha256`` the hash of their
        evidence bundle; pass the bundle as ``evidence`` (bytes or a stream) to keep it in the
        blob store too, checked against that hash."""
        def work(session: Session) -> RecordView:
            record = self._record(session, record_id, for_update=True)
            check_sha256(evidence_sha256)
            after = self._transition(record, lambda o: o.sign(who, role=role))
            row = self._changed_row(record, after)
            sha = self._store_increment(record, signed_pdf)
            if isinstance(evidence, bytes):
                self._blobs.put_bytes(evidence, expected_sha256=evidence_sha256)
            elif evidence is not None:
                self._blobs.put_stream(evidence, expected_sha256=evidence_sha256)
            row.state, row.signed_at = SignatoryState.SIGNED, self._now()
            row.signed_pdf_sha256, row.evidence_sha256 = sha, evidence_sha256
            record.state = after.state
            session.flush()
            return RecordView.of(record)
        return self._submit(work)

    def record_refusal(self, record_id: str, who: int | str, reason: str, *,
                       role: str | None = None) -> Future[RecordView]:
        """The current signatory refused to sign, for ``reason``."""
        def work(session: Session) -> RecordView:
            record = self._record(session, record_id, for_update=True)
            after = self._transition(record, lambda o: o.refuse(who, reason, role=role))
            row = self._changed_row(record, after)
            slot = next(s for s in after.slots if s.order == row.order)
            row.state, row.refused_at, row.refusal_reason = (SignatoryState.REFUSED, self._now(),
                                                             slot.refusal_reason)
            record.state = after.state
            session.flush()
            return RecordView.of(record)
        return self._submit(work)

    def record_seal(self, record_id: str, sealed_pdf: bytes, *,
                    checkpoint_sha256: str | None = None) -> Future[RecordView]:
        """The seal was applied: ``sealed_pdf`` extends the last signed PDF; after this the
        record cannot change."""
        def work(session: Session) -> RecordView:
            record = self._record(session, record_id, for_update=True)
            if checkpoint_sha256 is not None:
                check_sha256(checkpoint_sha256)
            after = self._transition(record, lambda o: o.seal())
            sha = self._store_increment(record, sealed_pdf)
            record.seal = Seal(record_id=record.id, revision_id=record.revisions[-1].id,
                               sealed_pdf_sha256=sha, checkpoint_sha256=checkpoint_sha256,
                               sealed_at=self._now())
            record.state = after.state
            session.flush()
            return RecordView.of(record)
        return self._submit(work)

    def list_records(self, case_id: str | None = None) -> Future[tuple[RecordSummary, ...]]:
        """Records of one case (or all), newest first."""
        def work(session: Session) -> tuple[RecordSummary, ...]:
            query = select(Record).order_by(Record.created_at.desc(), Record.id)
            if case_id is not None:
                query = query.where(Record.case_id == self._case(session, case_id).id)
            return tuple(RecordSummary.of(r) for r in session.scalars(query))
        return self._submit(work)

    def load_record(self, record_id: str) -> Future[RecordView]:
        """A record with all its revisions, signatories and seal."""
        return self._submit(lambda session: RecordView.of(self._record(session, record_id)))

    def count_rows(self) -> Future[dict[str, int]]:
        """How many rows each table holds (for diagnostics and ``inkseal db check``)."""
        tables = (Case, Person, StoredTemplate, Record, RecordRevision, Signatory, Seal)
        return self._submit(lambda session: {
            t.__tablename__: session.scalar(select(func.count()).select_from(t)) or 0
            for t in tables})

    # --- inside a transaction ----------------------------------------------------------
    def _case(self, session: Session, case_id: str) -> Case:
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound("case", case_id)
        return case

    def _record(self, session: Session, record_id: str, *, for_update: bool = False) -> Record:
        query = select(Record).where(Record.id == record_id)
        record = session.scalars(query.with_for_update() if for_update else query).one_or_none()
        if record is None:
            raise NotFound("record", record_id)
        return record

    def _template_of(self, record: Record) -> Template:
        sha = record.template_sha256
        if sha not in self._by_sha:
            stored = record.template
            # The record keeps the exact wording it was drafted from, even if the shipped
            # template has changed since.
            self._by_sha[sha] = parse_template(stored.source_text,
                                               Path(f"stored/{stored.template_id}.toml"))
        return self._by_sha[sha]

    def _order(self, record: Record) -> SigningOrder:
        head = record.revisions[-1]
        return signing_order(head.number, head.signatories, sealed=record.seal is not None)

    def _transition(self, record: Record,
                    step: Callable[[SigningOrder], SigningOrder]) -> SigningOrder:
        try:
            return step(self._order(record))
        except SigningError as exc:
            raise _located(exc, record) from None

    def _changed_row(self, record: Record, after: SigningOrder) -> Signatory:
        head = record.revisions[-1]
        before = {s.order: s.state for s in head.signatories}
        changed = [s for s in after.slots if before[s.order] is not s.state]
        return next(r for r in head.signatories if r.order == changed[0].order)

    def _store_increment(self, record: Record, pdf: bytes) -> str:
        base = self._blobs.read_bytes(RecordView.of(record).current_pdf_sha256)
        if not isinstance(pdf, bytes) or len(pdf) <= len(base) or not pdf.startswith(base):
            raise RecordError(reason="not_an_incremental_update",
                              zh="提交的 PDF 不是在当前版本之后追加签名得到的（前面的字节被改动）",
                              en="the PDF is not an incremental update of the record's current "
                                 "PDF (its earlier bytes differ or nothing was appended)")
        return self._blobs.put_bytes(pdf).sha256

    def _write_revision(self, session: Session, record: Record, template: Template,
                        values: Mapping[str, Any], assigned: Mapping[Role | str, str],
                        include_optional: Collection[Role],
                        stations: Mapping[Role | str, Station | str],
                        parent: RecordRevision | None, now: datetime) -> SigningOrder:
        try:
            normalised = validate_fields(template, values, today=now.date())
        except FieldValidationError as exc:
            raise InvalidFields(template.id, exc.errors) from exc
        specs = template.active_signatories(normalised, include_optional)
        persons = resolve_signatories(session, record.case_id, specs, assigned, normalised)
        places = check_stations(specs, stations)
        number = 0 if parent is None else parent.number + 1
        lines = tuple(SignatoryLine(order=i, role=spec.role, name=persons[i - 1].name,
                                    label=spec.label, statement=spec.statement)
                      for i, spec in enumerate(specs, start=1))
        try:
            rendered = self._render(RenderRequest(
                template=template, values=normalised, record_id=record.id, revision=number,
                language=record.language, created=now, signatories=lines))
        except RenderError as exc:
            raise RecordError(reason=exc.reason, zh=f"无法生成笔录 PDF：{exc.detail}",
                              en=f"cannot render the record: {exc.detail}") from exc
        if self._blobs.put_bytes(rendered.pdf).sha256 != rendered.sha256:
            raise RecordError(reason="render_hash_mismatch", zh="渲染结果的摘要与内容不符",
                              en="the renderer's SHA-256 does not match its PDF bytes")
        field_names = {f.order: f.name for f in rendered.fields}
        values_json = canonical_json(normalised)
        revision = RecordRevision(
            record=record, number=number, parent_id=None if parent is None else parent.id,
            values_json=values_json,
            values_sha256=hashlib.sha256(values_json.encode("utf-8")).hexdigest(),
            pdf_sha256=rendered.sha256, pdf_size=len(rendered.pdf), pages=rendered.pages,
            created_at=now)
        for line, spec, person in zip(lines, specs, persons, strict=True):
            revision.signatories.append(Signatory(
                order=line.order, role=spec.role.value, person_id=person.id, name=person.name,
                label_zh=spec.label.zh, label_en=spec.label.en, station=places[line.order - 1],
                on_refusal=spec.on_refusal.value, field_name=field_names[line.order],
                state=SignatoryState.PENDING))
        session.add(revision)
        return SigningOrder.start(number, [Slot(line.order, spec.role.value, spec.label.zh,
                                                spec.label.en, spec.on_refusal.value)
                                           for line, spec in zip(lines, specs, strict=True)])


def _located(error: SigningError, record: Record) -> SigningError:
    error.record_id = record.id
    error.revision = record.head_revision
    return error
