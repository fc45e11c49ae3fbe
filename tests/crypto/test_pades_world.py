"""The signing world the PAdES tests share: a site PKI, a record PDF with its pre-created
fields (as the record renderer makes them), signatories' evidence, and sealed records.

Building a site and sealing a record takes a second or two, so each is built once per test
run (cached here) and handed out as bytes; tests never change what they receive.  The
tests in this module check that the world is what the renderer and the devices produce.
"""

from __future__ import annotations

import atexit
import hashlib
import io
import math
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import (
    FieldMDPAction,
    FieldMDPSpec,
    MDPPerm,
    SigFieldSpec,
    append_signature_field,
)
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from crypto.appearance import StampSpec, render_ink
from crypto.evidence import EvidenceBundle, SealedEvidence, seal_evidence
from crypto.pades import Signatory, certify, seal, sign_for_signatory
from crypto.pades_document import open_reader, record_identity, signature_fields
from crypto.pades_dss import ValidationMaterial
from crypto.pades_signers import SigningKey
from crypto.pades_timestamps import InProcessTimestampSource
from crypto.pki import Identity, Role, SitePki, create_working_site, utc_now
from crypto.verify_pdf import RecordExpectations

PASSPHRASE = b"correct horse battery staple"
FAST_KDF = 10_000  # key-file PBKDF2 rounds in tests; the product default is 600 000
CERTIFICATION = "Sig_1_prosecutor"
SIGNATORIES = (("Sig_2_appropriate_adult", "王五", "法定代理人"),
               ("Sig_3_suspect", "张三", "犯罪嫌疑人"))
SEAL_FIELD = "Sig_Seal"
FIELDS = (CERTIFICATION, *(f for f, _, _ in SIGNATORIES))
INSTITUTION = "某某市人民检察院"
CHECKPOINT = "inkseal.example/terminal-1\n42\nq6tWb2fGG9Bfy0Ga1kXf1iOpzoTm0x1Xo7bwvgRbXzQ=\n"


def font_path() -> Path:
    from records.fonts import cjk_font_path

    return cjk_font_path()


def _scratch() -> Path:
    path = Path(tempfile.mkdtemp(prefix="inkseal-pades-world-"))
    atexit.register(shutil.rmtree, path, True)
    return path


@cache
def site() -> SitePki:
    """A working site created once (CA, terminal, workstation, officer, seal, TSA, archive)."""
    return create_working_site(_scratch() / "pki", PASSPHRASE, site_name=INSTITUTION,
                               officer_names=("李检察官",), kdf_iterations=FAST_KDF)


@cache
def identity(name: str, role: Role) -> Identity:
    return site().load_identity(name, role, PASSPHRASE)


def signing_key(name: str, role: Role) -> SigningKey:
    ident = identity(name, role)
    assert ident.private_key is not None
    return SigningKey.from_key(ident.certificate, ident.private_key, ident.chain)


def timestamps() -> InProcessTimestampSource:
    tsa = identity("tsa", Role.TSA)
    assert tsa.private_key is not None
    return InProcessTimestampSource(tsa.certificate, tsa.private_key, tsa.chain, utc_now)


def validation() -> ValidationMaterial:
    pki = site()
    return ValidationMaterial(trust_roots=(pki.root,), other_certs=pki.ca_chain[:-1],
                              crls=pki.crls())


def expectations(record_sha256: bytes | None = None) -> RecordExpectations:
    return RecordExpectations(CERTIFICATION, tuple(f for f, _, _ in SIGNATORIES), SEAL_FIELD,
                              record_sha256)


@cache
def record_pdf(pages: int = 2, title: str = "Interrogation record 2026-0042") -> bytes:
    """A draft as the record renderer makes it: text pages, then the signature fields, each
    hand field locking the later ones (FieldMDP EXCLUDE), the seal locking all with P=1."""
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    for page in range(pages):
        pdf.setFont("Helvetica", 11)
        pdf.drawString(72, 800, f"{title}, page {page + 1} of {pages}")
        for line in range(40 if page < pages - 1 else 20):
            pdf.drawString(72, 770 - line * 16, f"Q{line}: question, and the answer given.")
        pdf.showPage()
    pdf.save()
    writer = IncrementalPdfFileWriter(io.BytesIO(buf.getvalue()))
    order = [*FIELDS, SEAL_FIELD]
    boxes = [(60, 60, 290, 160), (310, 60, 540, 160), (60, 180, 290, 280)]
    for i, name in enumerate(FIELDS):
        append_signature_field(writer, SigFieldSpec(
            name, on_page=-1, box=boxes[i],
            field_mdp_spec=FieldMDPSpec(FieldMDPAction.EXCLUDE, fields=order[i + 1:])))
    append_signature_field(writer, SigFieldSpec(
        SEAL_FIELD, on_page=-1, box=(400, 180, 510, 290),
        field_mdp_spec=FieldMDPSpec(FieldMDPAction.ALL), doc_mdp_update_value=MDPPerm.NO_CHANGES))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def strokes(seed: int = 0) -> list[list[tuple[float, float, float]]]:
    """A synthetic three-stroke signature with pressure rising and falling along each stroke."""
    result = []
    for s in range(3):
        result.append([(100 + s * 900 + 700 * (i / 119),
                        500 + 250 * math.sin((i / 119) * 6 + s + seed),
                        0.15 + 0.85 * math.sin(math.pi * i / 119)) for i in range(120)])
    return result


def fingerprint(seed: int = 0) -> Image.Image:
    image = Image.new("L", (160, 200), 255)
    draw = ImageDraw.Draw(image)
    for r in range(5 + seed % 3, 100, 6):
        draw.ellipse([80 - r * 0.8, 100 - r, 80 + r * 0.8, 100 + r], outline=30, width=2)
    return image


def evidence_for(field: str, name: str, role: str, record_sha256: bytes,
                 seed: int = 0) -> SealedEvidence:
    png = io.BytesIO()
    fingerprint(seed).save(png, format="PNG")
    pen = hashlib.sha512(f"{field}{seed}".encode()).digest() * 60  # stands in for ISO 19794-7
    bundle = EvidenceBundle.standard(
        field_name=field, signatory_name=name, signatory_role=role, record_sha256=record_sha256,
        captured_at=datetime(2026, 11, 29, 9, 30, tzinfo=UTC) + timedelta(minutes=seed),
        pen_track_iso=pen, pen_track_readable=b'{"samples": []}', fingerprint_png=png.getvalue(),
        photo_jpeg=b"\xff\xd8" + hashlib.sha256(name.encode()).digest() * 300)
    return seal_evidence(bundle, identity("archive", Role.ARCHIVE).certificate)


def stamp(name: str, role: str, seed: int = 0, ink: bool = True) -> StampSpec:
    return StampSpec(name, role, datetime(2026, 11, 29, 17, 30, tzinfo=UTC), font_path(),
                     ink=render_ink(strokes(seed), size=(600, 260), extent=(2600, 1000))
                     if ink else None,
                     fingerprint=fingerprint(seed) if ink else None)


@dataclass(frozen=True)
class SealedRecord:
    """A record taken through every step, with what each step produced."""

    draft: bytes
    certified: bytes
    signed: bytes
    """After the last hand signature, before the seal."""
    sealed: bytes
    evidence: dict[str, SealedEvidence]

    @property
    def record_sha256(self) -> bytes:
        return hashlib.sha256(self.draft).digest()


def build_sealed_record(draft: bytes) -> SealedRecord:
    """Certify, sign for each signatory, seal: the whole workflow on ``draft``."""
    rid = record_identity(draft)
    pdf = certify(draft, field=CERTIFICATION, key=signing_key("officer-1", Role.OFFICER),
                  signer_name="李检察官", timestamps=timestamps(),
                  stamp=stamp("李检察官", "检察官", ink=False))
    certified = pdf
    device = signing_key("terminal-1", Role.TERMINAL_SIGNING)
    evidence = {}
    for seed, (field, name, role) in enumerate(SIGNATORIES):
        evidence[field] = evidence_for(field, name, role, rid, seed)
        pdf = sign_for_signatory(pdf, field=field, key=device, signatory=Signatory(name, role),
                                 evidence=evidence[field], stamp=stamp(name, role, seed),
                                 timestamps=timestamps())
    signed = pdf
    sealed = seal(pdf, field=SEAL_FIELD, key=signing_key("seal", Role.SEAL),
                  checkpoints=[CHECKPOINT], timestamps=timestamps(), validation=validation(),
                  seal_name=INSTITUTION, font_path=font_path())
    return SealedRecord(draft, certified, signed, sealed, evidence)


@cache
def sealed_record() -> SealedRecord:
    return build_sealed_record(record_pdf())


@cache
def foreign_record() -> SealedRecord:
    """Another record, sealed by the same site: valid on its own, but not the one expected."""
    return build_sealed_record(record_pdf(title="Interrogation record 2026-0043"))


# ------------------------------------------------------------------ the world is as it should be
def test_draft_has_the_renderers_fields_unsigned() -> None:
    fields = signature_fields(open_reader(record_pdf()))
    assert [f.name for f in fields] == [*FIELDS, SEAL_FIELD]
    assert not any(f.signed for f in fields)
    assert all(f.page == 1 for f in fields)


def test_seal_field_locks_everything_with_p1() -> None:
    reader = open_reader(record_pdf())
    seal_field = next(f for f in reader.root["/AcroForm"]["/Fields"]
                      if f.get_object()["/T"] == SEAL_FIELD).get_object()
    lock = seal_field["/Lock"]
    assert lock["/Action"] == "/All" and lock["/P"] == 1


def test_record_identity_of_a_draft_is_its_sha256() -> None:
    draft = record_pdf()
    assert record_identity(draft) == hashlib.sha256(draft).digest()
