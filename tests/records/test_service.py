"""The record service, end to end on a fresh SQLite database per test: cases and persons,
drafting from a template (nothing written when fields are bad), signing in turn with real
pyHanko signatures, refusals, edits that void, the seal, corrupted blobs."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import os
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from records.blobstore import BlobStore
from records.errors import (
    BlobCorrupted,
    InvalidFields,
    InvalidInput,
    NotFound,
    NotYourTurn,
    RecordError,
    SigningError,
)
from records.executor import ImmediateExecutor, SerialExecutor
from records.render import RenderRequest, SignatoryLine, render_record
from records.service import RecordService, canonical_json, ulid_factory
from records.signing import RecordState, SignatoryState
from records.storage import Database, open_database, scratch_schema, sqlite_url
from records.templates import Role, Template, load_templates, parse_template
from records.views import RecordView

T0 = datetime(2020, 2, 10, 9, 0, tzinfo=UTC)
TEMPLATE_ID = "interrogation_transcript"
EVIDENCE = "e" * 64


@pytest.fixture(scope="module")
def templates() -> dict[str, Template]:
    return load_templates()


@pytest.fixture(scope="module")
def signer() -> signers.SimpleSigner:
    """A throwaway self-signed signer: real PAdES signatures, no PKI needed."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Inkseal test signer")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(T0 - timedelta(days=1)).not_valid_after(T0 + timedelta(days=3650))
            .sign(key, hashes.SHA256()))
    certificate = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    private = asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return signers.SimpleSigner(signing_cert=certificate, signing_key=private,
                                cert_registry=SimpleCertificateStore.from_certs([certificate]))


class Clock:
    """A clock that moves one second per reading."""

    def __init__(self) -> None:
        self.ticks = itertools.count()

    def __call__(self) -> datetime:
        return T0 + timedelta(seconds=next(self.ticks))


def sequential_ids() -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: f"01TESTRECORD{next(counter):014d}"


@dataclasses.dataclass
class World:
    service: RecordService
    database: Database
    blobs: BlobStore
    template: Template
    signer: signers.SimpleSigner

    def rows(self) -> dict[str, int]:
        return self.service.count_rows().result()

    def pdf(self, sha256: str) -> bytes:
        return self.blobs.read_bytes(sha256)

    def signed(self, record: RecordView) -> bytes:
        """The record's current PDF, signed in the current signatory's field."""
        current = record.current_signatory
        assert current is not None
        out = signers.sign_pdf(
            IncrementalPdfFileWriter(BytesIO(self.pdf(record.current_pdf_sha256))),
            signers.PdfSignatureMetadata(field_name=current.field_name), signer=self.signer)
        return out.getvalue()

    def sign(self, record: RecordView) -> RecordView:
        current = record.current_signatory
        assert current is not None
        return self.service.record_signature(record.id, current.order, self.signed(record),
                                             EVIDENCE, role=current.role).result()


def make_world(database: Database, tmp_path: Path, templates: dict[str, Template],
               signer: signers.SimpleSigner, executor: Any = None) -> World:
    blobs = BlobStore(tmp_path / "blobs")
    service = RecordService(database.sessions, blobs, templates,
                            executor=executor or ImmediateExecutor(), clock=Clock(),
                            new_id=sequential_ids())
    return World(service, database, blobs, templates[TEMPLATE_ID], signer)


@pytest.fixture
def world(tmp_path: Path, templates: dict[str, Template],
          signer: signers.SimpleSigner) -> Iterator[World]:
    database = open_database(sqlite_url(tmp_path / "service.sqlite3"))
    yield make_world(database, tmp_path, templates, signer)
    database.dispose()


def open_case(world: World, *, minor: bool = True) -> str:
    """The case of the example values: prosecutor, recorder, a suspect, an appropriate adult."""
    service = world.service
    case = service.create_case("渝南检刑捕受〔2020〕12号", "王某某盗窃案",
                               "重庆市南岸区人民检察院", "盗窃").result()
    service.add_person(case.id, "李明", Role.PROSECUTOR).result()
    service.add_person(case.id, "陈静", "recorder").result()
    suspect = service.add_person(case.id, "王某某", Role.SUSPECT,
                                 identity_number="500108200403151235" if minor else None).result()
    service.add_person(case.id, "赵红", Role.APPROPRIATE_ADULT, acts_for=suspect.id).result()
    return case.id


def draft(world: World, **changes: Any) -> RecordView:
    case_id = open_case(world)
    values = {**world.template.example_values(), **changes}
    return world.service.draft_record(case_id, TEMPLATE_ID, values).result()


# --- cases and persons -------------------------------------------------------------------

def test_a_case_and_its_persons_are_stored(world: World) -> None:
    case_id = open_case(world)
    [case] = world.service.list_cases().result()
    assert case.id == case_id and case.case_number == "渝南检刑捕受〔2020〕12号"
    assert case.created_at == T0
    roles = [(p.name, p.role, p.minor) for p in case.persons]
    assert roles == [("李明", "prosecutor", False), ("陈静", "recorder", False),
                     ("王某某", "suspect", True), ("赵红", "appropriate_adult", False)]
    suspect = case.persons[2]
    assert suspect.birth_date == date(2004, 3, 15)
    assert case.persons[3].acts_for_id == suspect.id


def test_every_bad_case_value_is_reported_and_nothing_is_written(world: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        world.service.create_case("  ", "x" * 201, "\U0001F600检察院").result()
    fields = {(p.field, p.code) for p in caught.value.problems}
    assert fields == {("case_number", "required"), ("title", "too_long"),
                      ("agency", "glyph_missing")}
    assert "U+1F600" in caught.value.en
    assert world.rows()["cases"] == 0


def test_a_case_number_is_used_once(world: World) -> None:
    open_case(world)
    with pytest.raises(InvalidInput) as caught:
        world.service.create_case("渝南检刑捕受〔2020〕12号", "另一案", "某检察院").result()
    assert [(p.field, p.code) for p in caught.value.problems] == [("case_number", "duplicate")]
    assert world.rows()["cases"] == 1


def test_a_person_is_checked_against_their_identity_number(world: World) -> None:
    case = world.service.create_case("N-1", "案", "院").result()
    with pytest.raises(InvalidInput) as caught:
        world.service.add_person(case.id, "王某某", "suspect",
                                 identity_number="500108200403151234",
                                 birth_date=date(2004, 3, 16)).result()
    assert [(p.field, p.code) for p in caught.value.problems] == [
        ("identity_number", "id_check_digit")]
    with pytest.raises(InvalidInput) as caught:
        world.service.add_person(case.id, "王某某", "judge", identity_number="500108200403151235",
                                 birth_date=date(2004, 3, 16), minor=False).result()
    assert {(p.field, p.code) for p in caught.value.problems} == {
        ("role", "unknown_role"), ("birth_date", "mismatch"), ("minor", "mismatch")}
    with pytest.raises(InvalidInput):
        world.service.add_person(case.id, "赵红", "appropriate_adult", acts_for="nobody").result()
    assert world.rows()["persons"] == 0


def test_an_unknown_case_is_not_found(world: World) -> None:
    with pytest.raises(NotFound) as caught:
        world.service.add_person("no-such-case", "李明", "prosecutor").result()
    assert caught.value.reason == "case_not_found" and caught.value.key == "no-such-case"


# --- drafting ----------------------------------------------------------------------------

def test_drafting_renders_revision_zero_and_stores_it(world: World) -> None:
    record = draft(world)
    assert record.state is RecordState.DRAFT and record.summary.head_revision == 0
    assert record.summary.template_id == TEMPLATE_ID and record.summary.title_zh == "讯问笔录"
    assert record.template_sha256 == world.template.source_sha256
    [revision] = record.revisions
    assert revision.number == 0 and revision.parent is None
    assert revision.created_at == record.summary.created_at
    pdf = world.pdf(revision.pdf_sha256)
    assert pdf.startswith(b"%PDF-") and len(pdf) == revision.pdf_size and revision.pages >= 1
    lines = [(s.order, s.role, s.name, s.station, s.field_name, s.state)
             for s in revision.signatories]
    assert lines == [
        (1, "prosecutor", "李明", "workstation", "Sig_1_prosecutor", SignatoryState.PENDING),
        (2, "recorder", "陈静", "workstation", "Sig_2_recorder", SignatoryState.PENDING),
        (3, "appropriate_adult", "赵红", "workstation", "Sig_3_appropriate_adult",
         SignatoryState.PENDING),
        (4, "suspect", "王某某", "terminal", "Sig_4_suspect", SignatoryState.PENDING)]
    assert record.current_signatory is not None and record.current_signatory.order == 1
    fields = [f.get_object()["/T"]
              for f in PdfFileReader(BytesIO(pdf)).root["/AcroForm"]["/Fields"]]
    assert [s.field_name for s in revision.signatories] + ["Sig_Seal"] == fields


def test_the_stored_values_and_template_re_render_the_same_bytes(world: World) -> None:
    record = draft(world)
    revision = record.head
    assert revision.values_json == canonical_json(json.loads(revision.values_json))
    template = parse_template(world.template.source_text, Path(f"{TEMPLATE_ID}.toml"))
    lines = tuple(SignatoryLine(s.order, Role(s.role), s.name,
                                next(t.label for t in template.signatories if t.role == s.role),
                                next(t.statement for t in template.signatories
                                     if t.role == s.role))
                  for s in revision.signatories)
    again = render_record(RenderRequest(template, dict(revision.values), record.id, 0, "zh",
                                        revision.created_at, lines))
    assert again.sha256 == revision.pdf_sha256


def test_bad_fields_are_all_reported_and_nothing_is_written(world: World) -> None:
    case_id = open_case(world)
    before = world.rows()
    values = {**world.template.example_values(), "suspect_id_number": "500108200403151234",
              "start_time": "yesterday", "no_such_field": 1}
    with pytest.raises(InvalidFields) as caught:
        world.service.draft_record(case_id, TEMPLATE_ID, values).result()
    bad = {(e.field, e.code) for e in caught.value.errors}
    assert ("suspect_id_number", "id_check_digit") in bad
    assert ("no_such_field", "unknown_field") in bad
    assert "start_time" in {field for field, _ in bad}
    assert caught.value.reason == "invalid_fields"
    assert world.rows() == before
    assert before["records"] == before["record_revisions"] == before["templates"] == 0
    assert not (world.blobs.root / "sha256").exists()


def test_a_signatory_without_a_person_is_named_and_nothing_is_written(world: World) -> None:
    case = world.service.create_case("N-2", "案", "院").result()
    world.service.add_person(case.id, "李明", "prosecutor").result()
    world.service.add_person(case.id, "王五", "suspect").result()
    with pytest.raises(InvalidInput) as caught:
        world.service.draft_record(case.id, TEMPLATE_ID, world.template.example_values()).result()
    assert caught.value.reason == "signatories_unassigned"
    problems = {(p.field, p.code) for p in caught.value.problems}
    assert problems == {("recorder", "no_person"), ("appropriate_adult", "no_person"),
                        ("suspect", "no_person")}
    assert "王某某" in caught.value.zh
    assert world.rows()["records"] == 0


def test_an_unknown_template_and_language_are_refused(world: World) -> None:
    case_id = open_case(world)
    with pytest.raises(NotFound):
        world.service.draft_record(case_id, "no_such_template", {}).result()
    with pytest.raises(RecordError) as caught:
        world.service.draft_record(case_id, TEMPLATE_ID, world.template.example_values(),
                                   language="fr").result()
    assert caught.value.reason == "unknown_language"


# --- signing -----------------------------------------------------------------------------

def test_signatories_sign_in_turn_with_real_signatures(world: World) -> None:
    record = draft(world)
    for expected in ("prosecutor", "recorder", "appropriate_adult"):
        assert record.current_signatory is not None
        assert record.current_signatory.role == expected
        record = world.sign(record)
        assert record.state is RecordState.SIGNING
    record = world.sign(record)
    assert record.state is RecordState.READY and record.current_signatory is None
    signed = [s for s in record.head.signatories]
    assert all(s.state is SignatoryState.SIGNED and s.evidence_sha256 == EVIDENCE
               for s in signed)
    assert [s.signed_at is not None for s in signed] == [True] * 4
    final = world.pdf(record.current_pdf_sha256)
    reader = PdfFileReader(BytesIO(final))
    assert len(reader.embedded_signatures) == 4
    context = ValidationContext(trust_roots=[world.signer.signing_cert])
    for embedded in reader.embedded_signatures:
        status = validate_pdf_signature(embedded, context)
        assert status.intact and status.valid


def test_signing_out_of_turn_names_whose_turn_it_is(world: World) -> None:
    record = draft(world)
    with pytest.raises(NotYourTurn) as caught:
        world.service.record_signature(record.id, "suspect", world.signed(record),
                                       EVIDENCE).result()
    error = caught.value
    assert error.record_id == record.id and error.revision == 0
    assert error.current_role == "prosecutor" and error.role == "suspect"
    assert error.en.startswith("it is the interrogating prosecutor's turn (no. 1), "
                               "not the person interrogated's (no. 4)")
    assert world.service.load_record(record.id).result() == record


def test_a_role_can_sign_at_another_station_and_keeps_it_after_an_edit(world: World) -> None:
    case_id = open_case(world)
    values = world.template.example_values()
    with pytest.raises(InvalidInput) as caught:
        world.service.draft_record(case_id, TEMPLATE_ID, values,
                                   stations={"suspect": "kiosk"}).result()
    assert [(p.field, p.code) for p in caught.value.problems] == [("suspect", "unknown_station")]
    record = world.service.draft_record(case_id, TEMPLATE_ID, values,
                                        stations={Role.APPROPRIATE_ADULT: "terminal"}).result()
    assert [s.station for s in record.head.signatories] == [
        "workstation", "workstation", "terminal", "terminal"]
    edited = world.service.edit_record(record.id, values).result()
    assert edited.head.signatories[2].station == "terminal"


def test_an_evidence_bundle_is_kept_when_given_and_checked_against_its_hash(
        world: World) -> None:
    record = draft(world)
    bundle = b"encrypted evidence bundle"
    digest = hashlib.sha256(bundle).hexdigest()
    with pytest.raises(BlobCorrupted):
        world.service.record_signature(record.id, 1, world.signed(record), EVIDENCE,
                                       evidence=bundle).result()
    assert world.service.load_record(record.id).result().state is RecordState.DRAFT
    signed = world.service.record_signature(record.id, 1, world.signed(record), digest,
                                            evidence=BytesIO(bundle)).result()
    assert signed.head.signatories[0].evidence_sha256 == digest
    assert world.blobs.read_bytes(digest) == bundle


def test_a_signed_pdf_must_extend_the_current_one(world: World) -> None:
    record = draft(world)
    pdf = world.pdf(record.current_pdf_sha256)
    for bad in (pdf, pdf.replace(b"%PDF-", b"%PDF_", 1) + b"%%EOF\n", b"%PDF-1.7 other"):
        with pytest.raises(RecordError) as caught:
            world.service.record_signature(record.id, 1, bad, EVIDENCE).result()
        assert caught.value.reason == "not_an_incremental_update"
    with pytest.raises(RecordError) as caught:
        world.service.record_signature(record.id, 1, world.signed(record), "not-a-hash").result()
    assert caught.value.reason == "invalid_blob_id"
    assert world.service.load_record(record.id).result().state is RecordState.DRAFT


def test_a_refusal_that_continues_is_recorded(world: World) -> None:
    record = world.sign(world.sign(world.sign(draft(world))))
    record = world.service.record_refusal(record.id, "suspect", "笔录与我说的不一致").result()
    suspect = record.head.signatories[3]
    assert suspect.state is SignatoryState.REFUSED
    assert suspect.refusal_reason == "笔录与我说的不一致" and suspect.refused_at is not None
    assert record.state is RecordState.READY


def test_a_refusal_that_stops_closes_the_record(world: World) -> None:
    record = draft(world)
    with pytest.raises(SigningError) as caught:
        world.service.record_refusal(record.id, 1, "").result()
    assert caught.value.reason == "refusal_reason_required"
    record = world.service.record_refusal(record.id, 1, "当事人身体不适，中止讯问").result()
    assert record.state is RecordState.STOPPED
    with pytest.raises(SigningError) as caught:
        world.service.edit_record(record.id, world.template.example_values()).result()
    assert caught.value.reason == "record_stopped"


# --- editing -----------------------------------------------------------------------------

def test_an_edit_after_a_signature_voids_it_and_appends_a_revision(world: World) -> None:
    record = world.sign(world.sign(draft(world)))
    old = record.head
    values = {**world.template.example_values(), "location": "重庆市南岸区看守所第二讯问室"}
    edited = world.service.edit_record(record.id, values).result()
    assert [r.number for r in edited.revisions] == [0, 1]
    first, second = edited.revisions
    assert second.parent == 0 and second.values["location"] == "重庆市南岸区看守所第二讯问室"
    assert second.pdf_sha256 != first.pdf_sha256
    assert (first.pdf_sha256, first.values_json) == (old.pdf_sha256, old.values_json)
    assert all(s.state is SignatoryState.VOIDED and s.voided_at is not None
               for s in first.signatories)
    assert first.signatories[0].signed_pdf_sha256 == old.signatories[0].signed_pdf_sha256
    assert all(s.state is SignatoryState.PENDING for s in second.signatories)
    assert edited.state is RecordState.DRAFT
    assert edited.current_pdf_sha256 == second.pdf_sha256
    assert world.rows()["record_revisions"] == 2 and world.rows()["signatories"] == 8


def test_an_edit_can_drop_an_optional_signatory(world: World) -> None:
    record = draft(world)
    values = {**world.template.example_values(), "suspect_is_minor": False,
              "appropriate_adult_name": None, "appropriate_adult_capacity": None}
    case = world.service.load_case(record.summary.case_id).result()
    assert case.persons[2].minor  # the person row keeps its own facts
    edited = world.service.edit_record(record.id, values).result()
    assert [s.role for s in edited.head.signatories] == ["prosecutor", "recorder", "suspect"]


def test_an_edit_with_bad_fields_writes_nothing(world: World) -> None:
    record = world.sign(draft(world))
    before = world.rows()
    with pytest.raises(InvalidFields):
        world.service.edit_record(record.id, {"suspect_name": ""}).result()
    assert world.rows() == before
    assert world.service.load_record(record.id).result() == record


def test_a_record_keeps_the_template_it_was_drafted_from(
        tmp_path: Path, world: World, templates: dict[str, Template]) -> None:
    record = draft(world)
    changed_source = world.template.source_text.replace("讯问笔录", "讯问笔录（新版）", 1)
    changed = parse_template(changed_source, Path(f"{TEMPLATE_ID}.toml"))
    assert changed.source_sha256 != world.template.source_sha256
    later = RecordService(world.database.sessions, world.blobs, {**templates, TEMPLATE_ID: changed},
                          executor=ImmediateExecutor(), clock=Clock(), new_id=sequential_ids())
    edited = later.edit_record(record.id, world.template.example_values()).result()
    assert edited.template_sha256 == world.template.source_sha256
    assert edited.summary.title_zh == "讯问笔录"


# --- the seal ----------------------------------------------------------------------------

def test_the_seal_closes_the_record(world: World) -> None:
    record = draft(world)
    with pytest.raises(SigningError) as caught:
        world.service.record_seal(record.id, world.signed(record)).result()
    assert caught.value.reason == "signatures_missing"
    for _ in range(4):
        record = world.sign(record)
    base = world.pdf(record.current_pdf_sha256)
    sealed_pdf = signers.sign_pdf(IncrementalPdfFileWriter(BytesIO(base)),
                                  signers.PdfSignatureMetadata(field_name="Sig_Seal"),
                                  signer=world.signer).getvalue()
    sealed = world.service.record_seal(record.id, sealed_pdf, checkpoint_sha256="c" * 64).result()
    assert sealed.state is RecordState.SEALED
    assert sealed.seal is not None and sealed.seal.revision == 0
    assert sealed.seal.checkpoint_sha256 == "c" * 64
    assert world.pdf(sealed.current_pdf_sha256) == sealed_pdf
    for attempt in (lambda: world.service.edit_record(record.id, {}),
                    lambda: world.service.record_refusal(record.id, 4, "晚了"),
                    lambda: world.service.record_seal(record.id, sealed_pdf + b"\n")):
        with pytest.raises(SigningError) as caught:
            attempt().result()
        assert caught.value.reason == "record_sealed"


# --- blobs, listing, threads -------------------------------------------------------------

def test_a_corrupted_pdf_is_detected_before_anyone_signs_on_it(world: World) -> None:
    record = draft(world)
    signed = world.signed(record)
    path = world.blobs.path_for(record.current_pdf_sha256)
    path.chmod(0o644)
    damaged = bytearray(path.read_bytes())
    damaged[200] ^= 0x01
    path.write_bytes(bytes(damaged))
    with pytest.raises(BlobCorrupted) as caught:
        world.service.record_signature(record.id, 1, signed, EVIDENCE).result()
    assert caught.value.expected == record.current_pdf_sha256
    assert world.service.load_record(record.id).result().state is RecordState.DRAFT


def test_records_are_listed_by_case_and_unknown_ones_are_not_found(world: World) -> None:
    record = draft(world)
    other = world.service.create_case("N-9", "另案", "院").result()
    assert [r.id for r in world.service.list_records(record.summary.case_id).result()] == [
        record.id]
    assert world.service.list_records(other.id).result() == ()
    assert [r.id for r in world.service.list_records().result()] == [record.id]
    with pytest.raises(NotFound):
        world.service.load_record("01NOSUCHRECORD").result()


def test_operations_from_many_threads_run_in_order_on_one_writer(
        tmp_path: Path, templates: dict[str, Template], signer: signers.SimpleSigner) -> None:
    database = open_database(sqlite_url(tmp_path / "threads.sqlite3"))
    with SerialExecutor() as executor:
        world = make_world(database, tmp_path, templates, signer, executor)
        futures: list[Any] = []

        def submit(i: int) -> None:
            futures.append(world.service.create_case(f"N-{i}", f"案{i}", "院"))

        threads = [threading.Thread(target=submit, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        cases = [f.result(timeout=30) for f in futures]
    database.dispose()
    # One writer: ids and clock readings were taken job after job, never interleaved.
    by_id = sorted(cases, key=lambda c: c.id)
    assert len({c.id for c in cases}) == 8
    assert [c.created_at for c in by_id] == [T0 + timedelta(seconds=i) for i in range(8)]


def test_ulids_are_26_characters_and_ordered_by_time() -> None:
    clock = Clock()
    new_id = ulid_factory(clock, randbytes=lambda n: b"\xff" * n)
    first, second = new_id(), new_id()
    assert len(first) == 26 and first < second
    assert set(first) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    assert ulid_factory(lambda: datetime(1970, 1, 1, tzinfo=UTC),
                        randbytes=lambda n: bytes(n))() == "0" * 26


@pytest.mark.postgres
def test_the_whole_flow_on_postgresql(tmp_path: Path, templates: dict[str, Template],
                                      signer: signers.SimpleSigner) -> None:
    server = os.environ.get("INKSEAL_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("INKSEAL_TEST_POSTGRES_URL is not set")
    with scratch_schema(server) as url:
        database = open_database(url)
        try:
            world = make_world(database, tmp_path, templates, signer)
            record = world.sign(world.sign(draft(world)))
            record = world.service.edit_record(record.id, world.template.example_values()).result()
            for _ in range(4):
                record = world.sign(record)
            assert record.state is RecordState.READY
            assert record.revisions[0].signatories[0].state is SignatoryState.VOIDED
            assert record.head.created_at.tzinfo is UTC
        finally:
            database.dispose()


@pytest.mark.parametrize("template_id", sorted(load_templates()))
def test_every_shipped_template_can_be_drafted_and_signed_through(
        world: World, templates: dict[str, Template], template_id: str) -> None:
    template = templates[template_id]
    values = template.example_values()
    case = world.service.create_case(f"N-{template_id}", "案", "院").result()
    for spec in template.active_signatories(values):
        name = values.get(spec.name_field) if spec.name_field else None
        world.service.add_person(case.id, name or f"{spec.label.zh}甲", spec.role).result()
    record = world.service.draft_record(case.id, template_id, values).result()
    while record.current_signatory is not None:
        record = world.sign(record)
    assert record.state is RecordState.READY
    assert len(PdfFileReader(BytesIO(world.pdf(record.current_pdf_sha256)))
               .embedded_signatures) == len(record.head.signatories)
