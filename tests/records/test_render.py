"""Rendering: deterministic PDF revision 0 with the form, footers and working, locked fields."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields as sig_fields
from pyhanko.sign import signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from records.fields import FieldValidationError
from records.render import (
    SEAL_FIELD,
    RenderError,
    RenderRequest,
    render_record,
    signatory_lines,
    signature_field_name,
)
from records.render_story import SEAL_SIZE, SLOT_SIZE
from records.render_values import capital_amount, chinese_numeral_date
from records.templates import Role, load_templates

REPO = Path(__file__).resolve().parents[2]
CREATED = datetime(2020, 2, 10, 10, 45, tzinfo=timezone(timedelta(hours=8)))
HAS_POPPLER = shutil.which("pdftotext") is not None and shutil.which("pdftoppm") is not None


@pytest.fixture(scope="module")
def templates():
    return load_templates()


def request_for(template, language="zh", **changes) -> RenderRequest:
    values = template.example_values("en" if language == "en" else "zh")
    values.update(changes)
    return RenderRequest(template=template, values=values, record_id=f"R-{template.id}",
                         revision=0, language=language, created=CREATED,
                         signatories=signatory_lines(template, values))


@pytest.fixture(scope="module")
def rendered(templates):
    return {tid: render_record(request_for(t)) for tid, t in templates.items()}


@pytest.fixture(scope="module")
def transcript(templates):
    return render_record(request_for(templates["interrogation_transcript"]))


def page_texts(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "record.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


# -- determinism and identity ----------------------------------------------------------------

def test_rendering_twice_gives_the_same_bytes(templates, rendered):
    for tid, template in templates.items():
        again = render_record(request_for(template))
        assert again.pdf == rendered[tid].pdf, tid
        assert again.sha256 == hashlib.sha256(again.pdf).hexdigest()


@pytest.mark.slow
def test_another_process_renders_the_same_bytes(transcript):
    code = (
        "from records.templates import load_templates\n"
        "from tests.records.test_render import request_for\n"
        "from records.render import render_record\n"
        "t = load_templates()['interrogation_transcript']\n"
        "print(render_record(request_for(t)).sha256)\n")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True, cwd=REPO, env={"PYTHONHASHSEED": "123", "PATH": "/usr/bin:/bin",
                                                   "HOME": str(Path.home())})
    assert out.stdout.strip() == transcript.sha256


def test_any_change_changes_the_identity(templates, transcript):
    template = templates["interrogation_transcript"]
    changed = render_record(request_for(template, location="重庆市南岸区看守所"))
    assert changed.sha256 != transcript.sha256
    later = render_record(replace(request_for(template), created=CREATED + timedelta(seconds=1)))
    assert later.sha256 != transcript.sha256


def test_dates_and_id_come_from_the_record(transcript):
    reader = PdfFileReader(io.BytesIO(transcript.pdf))
    info = reader.trailer_view["/Info"]
    assert str(info["/CreationDate"]).startswith("D:20200210104500+08'00")
    assert str(info["/ModDate"]) == str(info["/CreationDate"])
    first, second = reader.document_id
    assert first == second and len(first) == 16


def test_revision_zero_is_one_clean_revision(rendered):
    for tid, result in rendered.items():
        reader = PdfFileReader(io.BytesIO(result.pdf))
        assert reader.xrefs.total_revisions == 1, tid
        assert result.pdf.count(b"%%EOF") == 1, tid
        assert len(reader.root["/Pages"]["/Kids"]) == result.pages


@pytest.mark.external
@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf not installed")
def test_qpdf_accepts_every_record(rendered, tmp_path):
    for tid, result in rendered.items():
        path = tmp_path / f"{tid}.pdf"
        path.write_bytes(result.pdf)
        check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, (tid, check.stdout, check.stderr)
        assert "No syntax or stream encoding errors found" in check.stdout


# -- what the pages show ---------------------------------------------------------------------

@pytest.mark.external
@pytest.mark.skipif(not HAS_POPPLER, reason="poppler-utils not installed")
def test_every_page_shows_its_number_and_the_record_id(rendered, tmp_path):
    for tid, result in rendered.items():
        pages = page_texts(result.pdf, tmp_path)
        assert len(pages) == result.pages
        for number, text in enumerate(pages, 1):
            flat = re.sub(r"\s+", "", text)  # pdftotext drops the spaces between CJK words
            assert f"第{number}页共{result.pages}页" in flat, (tid, number)
            assert f"记录编号：R-{tid}" in flat, (tid, number)


@pytest.mark.external
@pytest.mark.skipif(not HAS_POPPLER, reason="poppler-utils not installed")
def test_the_chinese_text_is_real_text(templates, transcript, tmp_path):
    text = "".join(page_texts(transcript.pdf, tmp_path))
    flat = re.sub(r"\s+", "", text)
    for expected in ("讯问笔录", "以上笔录我看过，和我说的相符。", "王某某", "500108200403151235",
                     "渝南检刑捕受〔2020〕12号", "2020年2月10日9时30分", "二〇二〇年二月十日"):
        assert expected in flat, expected


@pytest.mark.external
@pytest.mark.skipif(not HAS_POPPLER, reason="poppler-utils not installed")
@pytest.mark.parametrize("language,expected", [
    ("en", ["Record of Interrogation", "I have read the above record and it matches what I said.",
            "Page 1 of", "Wang Moumou", "10 February 2020, 09:30"]),
    ("zh+en", ["讯问笔录", "Record of Interrogation", "问 Q：", "和我说的相符", "Page 1 of",
               "第 1 页"]),
])
def test_other_languages(templates, tmp_path, language, expected):
    result = render_record(request_for(templates["interrogation_transcript"], language))
    text = " ".join(page_texts(result.pdf, tmp_path))
    flat = re.sub(r"\s+", " ", text)
    for piece in expected:
        assert piece in flat or piece.replace(" ", "") in flat.replace(" ", ""), piece


@pytest.mark.external
@pytest.mark.skipif(not HAS_POPPLER, reason="poppler-utils not installed")
def test_pdftoppm_renders_every_page_without_complaint(rendered, tmp_path):
    for tid, result in rendered.items():
        path = tmp_path / f"{tid}.pdf"
        path.write_bytes(result.pdf)
        run = subprocess.run(["pdftoppm", "-png", "-r", "30", str(path), str(tmp_path / tid)],
                             capture_output=True, text=True)
        assert run.returncode == 0 and run.stderr == "", (tid, run.stderr)
        assert len(list(tmp_path.glob(f"{tid}-*.png"))) == result.pages


def test_only_the_shipped_font_is_used(rendered):
    for tid, result in rendered.items():
        fonts = set(re.findall(rb"/BaseFont\s*/([A-Za-z0-9+\-]+)", result.pdf))
        assert fonts and all(f.endswith(b"+InksealSans-Regular") for f in fonts), (tid, fonts)


# -- signature fields ------------------------------------------------------------------------

def field_dicts(pdf: bytes) -> dict[str, object]:
    reader = PdfFileReader(io.BytesIO(pdf))
    return {name: ref.get_object()
            for name, _, ref in sig_fields.enumerate_sig_fields(reader)}


def test_one_field_per_signatory_in_order_then_the_seal(templates, rendered):
    for tid, result in rendered.items():
        template = templates[tid]
        expected = [signature_field_name(order, spec.role) for order, spec in enumerate(
            template.active_signatories(template.example_values()), 1)]
        assert [f.name for f in result.fields] == expected
        assert expected[0] == "Sig_1_prosecutor"
        assert list(field_dicts(result.pdf)) == expected + [SEAL_FIELD]
        assert result.seal.name == SEAL_FIELD and result.seal.role is None


def test_fields_sit_in_their_boxes_on_their_pages(rendered):
    for tid, result in rendered.items():
        reader = PdfFileReader(io.BytesIO(result.pdf))
        pages = [page.idnum for page in
                 (ref.reference for ref in reader.root["/Pages"].raw_get("/Kids"))]
        for field in (*result.fields, result.seal):
            widget = field_dicts(result.pdf)[field.name]
            x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
            assert (x1, y1, x2, y2) == pytest.approx(field.box, abs=0.01)
            assert widget.raw_get("/P").idnum == pages[field.page], (tid, field.name)
            size = SEAL_SIZE if field.role is None else SLOT_SIZE
            assert (x2 - x1, y2 - y1) == pytest.approx(size, abs=0.01)
            assert 0 <= x1 and x2 <= 595.3 and 0 <= y1 and y2 <= 841.9
        boxes = [(f.page, f.box) for f in (*result.fields, result.seal)]
        for i, (page_a, a) in enumerate(boxes):
            for page_b, b in boxes[i + 1:]:
                overlap = page_a == page_b and a[0] < b[2] and b[0] < a[2] \
                    and a[1] < b[3] and b[1] < a[3]
                assert not overlap, tid


def test_locks_follow_the_signing_order(transcript):
    dicts = field_dicts(transcript.pdf)
    names = [f.name for f in transcript.fields]
    for index, name in enumerate(names):
        lock = dicts[name]["/Lock"]
        assert lock["/Action"] == "/Exclude"
        assert [str(n) for n in lock["/Fields"]] == names[index + 1:] + [SEAL_FIELD]
    seal_lock = dicts[SEAL_FIELD]["/Lock"]
    assert seal_lock["/Action"] == "/All" and seal_lock["/P"] == 1


# -- the fields really sign -----------------------------------------------------------------

@pytest.fixture(scope="module")
def throwaway_signer():
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Throwaway test signer")])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False,
                                         False), critical=True)
            .sign(key, hashes.SHA256()))
    certificate = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    private = asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    signer = signers.SimpleSigner(signing_cert=certificate, signing_key=private,
                                  cert_registry=None)
    return signer, ValidationContext(trust_roots=[certificate])


def sign(pdf: io.BytesIO | bytes, field: str, signer, certify: bool = False) -> io.BytesIO:
    stream = pdf if isinstance(pdf, io.BytesIO) else io.BytesIO(pdf)
    meta = signers.PdfSignatureMetadata(
        field_name=field, certify=certify,
        docmdp_permissions=sig_fields.MDPPerm.FILL_FORMS if certify else None)
    return signers.sign_pdf(IncrementalPdfFileWriter(stream), meta, signer=signer,
                            existing_fields_only=True)


def statuses(signed: io.BytesIO, context):
    reader = PdfFileReader(signed)
    return {s.field_name: validate_pdf_signature(s, context) for s in reader.embedded_signatures}


def test_certification_then_approval_both_validate(transcript, throwaway_signer):
    signer, context = throwaway_signer
    first, second = transcript.fields[0].name, transcript.fields[1].name
    signed = sign(sign(transcript.pdf, first, signer, certify=True), second, signer)
    result = statuses(signed, context)
    assert result[first].intact and result[first].valid and result[first].docmdp_ok
    assert result[first].modification_level is ModificationLevel.FORM_FILLING
    assert result[first].bottom_line
    assert result[second].intact and result[second].valid and result[second].bottom_line
    assert result[second].modification_level is ModificationLevel.NONE


def test_signing_out_of_order_breaks_the_earlier_lock(transcript, throwaway_signer):
    signer, context = throwaway_signer
    names = [f.name for f in transcript.fields]
    signed = sign(transcript.pdf, names[0], signer, certify=True)
    signed = sign(signed, names[-1], signer)   # the suspect signs before the recorder...
    signed = sign(signed, names[1], signer)    # ...whose field the suspect's lock covers
    result = statuses(signed, context)
    assert result[names[-1]].intact and not result[names[-1]].bottom_line
    assert result[names[-1]].modification_level is ModificationLevel.OTHER


def test_all_in_order_then_the_seal_locks_the_document(rendered, throwaway_signer):
    signer, context = throwaway_signer
    record = rendered["custody_notice"]
    signed = sign(record.pdf, record.fields[0].name, signer, certify=True)
    for field in (*record.fields[1:], record.seal):
        signed = sign(signed, field.name, signer)
    assert all(s.bottom_line for s in statuses(signed, context).values())
    # Any change after the seal (here: one more signature field) breaks every signature.
    writer = IncrementalPdfFileWriter(signed)
    sig_fields.append_signature_field(writer, sig_fields.SigFieldSpec(
        "Sig_Extra", on_page=0, box=(10, 10, 50, 50)))
    tampered = io.BytesIO()
    writer.write(tampered)
    after = statuses(tampered, context)
    assert set(after) == {f.name for f in record.fields} | {SEAL_FIELD}
    assert not any(s.bottom_line for s in after.values())
    assert after[SEAL_FIELD].modification_level is ModificationLevel.OTHER


# -- refused requests ------------------------------------------------------------------------

def test_bad_values_raise_field_validation_error(templates):
    template = templates["interrogation_transcript"]
    with pytest.raises(FieldValidationError) as caught:
        render_record(request_for(template, suspect_id_number="500108200403151234"))
    assert caught.value.errors[0].code == "id_check_digit"


@pytest.mark.parametrize("change,reason", [
    (lambda r: replace(r, language="fr"), "bad_language"),
    (lambda r: replace(r, created=r.created.replace(tzinfo=None)), "bad_created"),
    (lambda r: replace(r, record_id=""), "bad_record_id"),
    (lambda r: replace(r, signatories=r.signatories[1:]), "bad_signatories"),
    (lambda r: replace(r, signatories=(r.signatories[0], r.signatories[3],
                                       *r.signatories[1:3])), "bad_signatories"),
    (lambda r: replace(r, signatories=tuple(replace(s, order=s.order + 1)
                                            for s in r.signatories)), "bad_signatories"),
    (lambda r: replace(r, signatories=(*r.signatories[:2], r.signatories[3])),
     "bad_signatories"),
    (lambda r: replace(r, signatories=(*r.signatories, replace(
        r.signatories[-1], order=5, role=Role.WITNESS))), "bad_signatories"),
])
def test_unusable_requests_raise_render_error(templates, change, reason):
    base = request_for(templates["interrogation_transcript"])
    with pytest.raises(RenderError) as caught:
        render_record(change(base))
    assert caught.value.reason == reason


def test_text_the_font_cannot_draw_is_refused(templates):
    base = request_for(templates["custody_notice"])
    odd = replace(base, signatories=(replace(base.signatories[0], name="李明\U0001F58A"),
                                     *base.signatories[1:]))
    with pytest.raises(RenderError) as caught:
        render_record(odd)
    assert caught.value.reason == "glyph_missing" and "U+1F58A" in str(caught.value)


def test_concurrent_renders_agree(templates, transcript):
    template = templates["interrogation_transcript"]
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda _: render_record(request_for(template)).sha256, range(3)))
    assert results == [transcript.sha256] * 3


def test_a_minor_needs_the_appropriate_adult(templates):
    template = templates["interrogation_transcript"]
    base = request_for(template)
    without_adult = tuple(replace(s, order=i) for i, s in enumerate(
        (s for s in base.signatories if s.role is not Role.APPROPRIATE_ADULT), 1))
    with pytest.raises(RenderError) as caught:
        render_record(replace(base, signatories=without_adult))
    assert caught.value.reason == "missing_signatory"


def test_signatory_lines_take_names_from_the_record(templates):
    template = templates["plea_agreement"]
    lines = signatory_lines(template, template.example_values())
    assert [(line.order, line.role, line.name) for line in lines] == [
        (1, Role.PROSECUTOR, "孙立新"), (2, Role.SUSPECT, "张某"), (3, Role.DUTY_LAWYER, "周晓梅")]


# -- printed values --------------------------------------------------------------------------

@pytest.mark.parametrize("amount,words", [
    ("40000", "肆万元整"), ("92000", "玖万贰仟元整"), ("10500", "壹万零伍佰元整"),
    ("1005.5", "壹仟零伍元伍角整"), ("100000001", "壹亿零壹元整"), ("0.05", "伍分"),
    ("1500000", "壹佰伍拾万元整"), ("10", "壹拾元整"), ("0", "零元整"),
])
def test_capital_amounts(amount, words):
    assert capital_amount(Decimal(amount)) == words


@pytest.mark.parametrize("day,text", [
    (date(2020, 2, 10), "二〇二〇年二月十日"), (date(2020, 12, 25), "二〇二〇年十二月二十五日"),
    (date(2021, 10, 1), "二〇二一年十月一日"), (date(2019, 11, 30), "二〇一九年十一月三十日"),
])
def test_chinese_numeral_dates(day, text):
    assert chinese_numeral_date(day) == text
