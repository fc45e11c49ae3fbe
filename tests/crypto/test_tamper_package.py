"""Tampering with an evidence package, each kind caught with its own reason.

The attacker here is careful: after changing a file they rewrite the package's manifests, so
nothing is caught by a mismatched file hash; the signatures, the sealed capture logs and the
logged segment hashes must catch it.  (A careless attacker is caught by the manifest too.)"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from functools import cache
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from crypto.appearance import StampSpec
from crypto.evidence import EvidenceBundle, seal_evidence
from crypto.pades import Signatory, certify, seal, sign_for_signatory
from crypto.pades_document import open_reader, record_identity
from crypto.verify_package import verify_package
from crypto.verify_package_bindings import revision_ends
from crypto.verify_report import Outcome, PackageReport
from records.evidence_bundle import ink_from_iso
from records.fonts import cjk_font_path
from records.render import RenderRequest, render_record, signatory_lines
from records.templates import load_templates
from tests.records.test_session_world import archive_key, demo, demo_site, unpacked


def rebag(bag: Path) -> None:
    """Rewrite the manifests after an edit, as a careful attacker would."""
    data = bag / "data"
    files = sorted(p for p in data.rglob("*") if p.is_file())
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(bag).as_posix()}\n"
             for p in files]
    (bag / "manifest-sha256.txt").write_text("".join(lines), encoding="utf-8")
    info = (bag / "bag-info.txt").read_text(encoding="utf-8").splitlines()
    oxum = f"{sum(p.stat().st_size for p in files)}.{len(files)}"
    info = [f"Payload-Oxum: {oxum}" if line.startswith("Payload-Oxum:") else line
            for line in info]
    (bag / "bag-info.txt").write_text("\n".join(info) + "\n", encoding="utf-8")
    tags = ("bag-info.txt", "bagit.txt", "manifest-sha256.txt")
    (bag / "tagmanifest-sha256.txt").write_text("".join(
        f"{hashlib.sha256((bag / t).read_bytes()).hexdigest()}  {t}\n" for t in tags),
        encoding="utf-8")


def verify(bag: Path, **options: object) -> PackageReport:
    options.setdefault("trust", [demo_site().root])
    return verify_package(bag, **options)  # type: ignore[arg-type]


@pytest.fixture
def bag(tmp_path: Path) -> Path:
    return unpacked(tmp_path)


def pdf_of(bag: Path) -> Path:
    return bag / "data" / "record.pdf"


def failed(report: PackageReport, name: str | None = None) -> set[str]:
    return {c.reason for c in report.failures() if name is None or c.name == name}


def append_update(pdf: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_untouched_package_verifies(bag: Path) -> None:
    report = verify(bag)
    assert report.outcome is Outcome.PASS, [c.message for c in report.failures()]


# ----------------------------------------------------------------------------- the PDF
@pytest.mark.parametrize("where", [0.02, 0.35, 0.6, 0.97])
def test_one_byte_flipped_in_the_sealed_pdf_is_detected(bag: Path, where: float) -> None:
    pdf = bytearray(pdf_of(bag).read_bytes())
    position = int(len(pdf) * where)
    pdf[position] ^= 0x01
    pdf_of(bag).write_bytes(bytes(pdf))
    rebag(bag)
    report = verify(bag)
    assert report.outcome is Outcome.FAIL
    assert failed(report) & {"digest_mismatch", "contents_tampered", "bad_signature",
                             "signature_unreadable", "not_pdf", "timestamp_invalid",
                             "modified_after", "record_identity_mismatch"}, failed(report)


def test_a_careless_flip_is_also_caught_by_the_manifest(bag: Path) -> None:
    pdf = bytearray(pdf_of(bag).read_bytes())
    pdf[len(pdf) // 3] ^= 0x20
    pdf_of(bag).write_bytes(bytes(pdf))
    report = verify(bag)
    altered = [c for c in report.failures() if c.reason == "file_altered"]
    assert [c.subject for c in altered] == ["data/record.pdf"]


def test_a_page_overlay_appended_after_the_seal_is_detected(bag: Path) -> None:
    def overlay(writer: IncrementalPdfFileWriter) -> None:
        stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 500 Td (VOID) Tj ET")
        writer.add_stream_to_page(0, writer.add_object(stream))

    pdf_of(bag).write_bytes(append_update(pdf_of(bag).read_bytes(), overlay))
    rebag(bag)
    report = verify(bag)
    assert {"changed_after_seal", "modified_after"} & failed(report, "signature")
    seal_check = next(c for c in report.checks if c.name == "signature"
                      and c.subject == "Sig_Seal")
    assert seal_check.reason in {"changed_after_seal", "modified_after"}


def test_the_file_cut_back_to_before_the_seal_is_detected(bag: Path) -> None:
    pdf = pdf_of(bag).read_bytes()
    end = revision_ends(open_reader(pdf))["Sig_4_suspect"]
    pdf_of(bag).write_bytes(pdf[:end])
    rebag(bag)
    report = verify(bag)
    assert {"seal_missing", "doc_timestamp_missing"} <= failed(report)
    assert "seal_checkpoints_unreadable" in failed(report, "capture_log")


def test_a_signature_field_removed_is_detected(bag: Path) -> None:
    victim = "Sig_3_appropriate_adult"

    def remove(writer: IncrementalPdfFileWriter) -> None:
        acro = writer.root["/AcroForm"]
        fields = acro["/Fields"]
        acro["/Fields"] = generic.ArrayObject(fields.raw_get(i) for i in range(len(fields))
                                              if fields[i]["/T"] != victim)
        writer.update_container(acro)

    pdf_of(bag).write_bytes(append_update(pdf_of(bag).read_bytes(), remove))
    rebag(bag)
    report = verify(bag)
    assert "field_missing" in failed(report) and "modified_after" in failed(report)


@cache
def foreign_pdf() -> bytes:
    """Another record of the same site, validly certified, signed and sealed."""
    site = demo_site()
    template = load_templates()["interrogation_transcript"]
    values = {**template.example_values(), "session": 2}
    draft = render_record(RenderRequest(template=template, values=values, record_id="OTHER",
                                        revision=0, language="zh",
                                        created=template.example_created,
                                        signatories=signatory_lines(template, values))).pdf
    font = cjk_font_path()
    with site.timestamps() as tsa:
        now = template.example_created
        pdf = certify(draft, field="Sig_1_prosecutor", key=site.officer_key(),
                      signer_name="李明", timestamps=tsa.source,
                      stamp=StampSpec("李明", "讯问人", now, font))
        for field, name, role in (("Sig_2_recorder", "陈静", "recorder"),
                                  ("Sig_3_appropriate_adult", "赵红", "appropriate_adult"),
                                  ("Sig_4_suspect", "王某某", "suspect")):
            bundle = EvidenceBundle.standard(field_name=field, signatory_name=name,
                                             signatory_role=role,
                                             record_sha256=record_identity(draft),
                                             captured_at=now, pen_track_iso=b"ISO" * 30)
            pdf = sign_for_signatory(
                pdf, field=field, key=site.station_signing_key("workstation-1"),
                signatory=Signatory(name, role),
                evidence=seal_evidence(bundle, site.archive_certificate()),
                stamp=StampSpec(name, role, now, font), timestamps=tsa.source)
        return seal(pdf, field="Sig_Seal", key=site.seal_key(),
                    checkpoints=["inkseal/OTHER/sealed\n1\n" + "A" * 43 + "=\n"],
                    timestamps=tsa.source, validation=site.validation(), seal_name=site.name,
                    font_path=font)


def test_a_foreign_but_validly_signed_record_substituted_is_detected(bag: Path) -> None:
    pdf_of(bag).write_bytes(foreign_pdf())
    rebag(bag)
    report = verify(bag)
    assert "record_identity_mismatch" in failed(report)
    # Its own signatures are sound: only what binds it to this package gives it away.
    assert not failed(report, "signature")


def test_a_foreign_record_with_the_manifest_rewritten_to_match_is_detected(bag: Path) -> None:
    foreign = foreign_pdf()
    pdf_of(bag).write_bytes(foreign)
    manifest_path = bag / "data" / "inkseal-package.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["record"]["sha256"] = record_identity(foreign).hex()
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    rebag(bag)
    report = verify(bag)
    assert "record_identity_mismatch" not in failed(report)
    # The seal carries other checkpoints than the package's logs, and those logs (sealed by
    # the real seal, not this one) are about another record.
    assert {"checkpoint_mismatch", "checkpoint_other_record"} & failed(report, "capture_log")


# ----------------------------------------------------------------------- the capture logs
# What a damaged line drags along: the merged tree no longer matches the combined checkpoint,
# and the workstation's cross-anchor names a line the damaged log no longer verifies to.
CONSEQUENCES = {"checkpoint_mismatch", "anchor_mismatch"}


def log_faults(report: PackageReport) -> list[str]:
    """The capture-log reasons, the line-level one first; only consequences besides it."""
    reasons = [c.reason for c in report.failures() if c.name == "capture_log"]
    assert reasons and set(reasons[1:]) <= CONSEQUENCES | {reasons[0]}, reasons
    return reasons


def edit_log(bag: Path, change) -> None:  # type: ignore[no-untyped-def]
    path = bag / "data" / "logs" / "terminal-1.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(change(lines)))
    rebag(bag)


def test_a_capture_log_line_edited_is_detected(bag: Path) -> None:
    def edit(lines: list[bytes]) -> list[bytes]:
        line = next(i for i, text in enumerate(lines) if b'"kind":"page.view"' in text)
        lines[line] = lines[line].replace(b'"shown_ms":', b'"shown_ms":9', 1)
        return lines

    edit_log(bag, edit)
    assert log_faults(verify(bag))[0] == "edited"


def test_a_capture_log_line_deleted_is_detected(bag: Path) -> None:
    edit_log(bag, lambda lines: lines[:10] + lines[11:])
    assert log_faults(verify(bag))[0] == "deleted"


def test_capture_log_lines_reordered_are_detected(bag: Path) -> None:
    # Entry 10 moved three places on (two neighbours swapped read as an insertion: the chain
    # cannot tell which of the two is the stranger).
    edit_log(bag, lambda lines: lines[:10] + lines[11:14] + [lines[10]] + lines[14:])
    assert log_faults(verify(bag))[0] == "reordered"


def test_a_capture_log_line_inserted_is_detected(bag: Path) -> None:
    edit_log(bag, lambda lines: lines[:11] + [lines[10]] + lines[11:])
    assert log_faults(verify(bag))[0] == "inserted"


def test_a_careless_log_edit_is_also_caught_by_the_manifest(bag: Path) -> None:
    path = bag / "data" / "logs" / "workstation-1.jsonl"
    path.write_bytes(path.read_bytes().replace(b'"pages":3', b'"pages":2', 1))
    report = verify(bag)
    assert "file_altered" in failed(report, "package")
    assert log_faults(report)[0] == "edited"


# ---------------------------------------------------------------------------- the media
def media_of(bag: Path) -> Path:
    return next((bag / "data" / "media").glob("*terminal-1.mkv"))


def segments_of(bag: Path) -> list[tuple[int, int]]:
    text = Path(str(media_of(bag)) + ".segments").read_text(encoding="utf-8")
    return [(int(f[2]), int(f[3])) for f in (row.split("\t") for row in text.splitlines())
            if f[0] == "segment"]


def test_a_media_segment_swapped_is_detected(bag: Path) -> None:
    media = media_of(bag).read_bytes()
    (a_off, a_len), (b_off, b_len) = segments_of(bag)[2:4]
    swapped = media[:a_off] + media[b_off:b_off + b_len] + media[a_off:a_off + a_len] + \
        media[b_off + b_len:]
    assert len(swapped) == len(media) and swapped != media
    media_of(bag).write_bytes(swapped)
    rebag(bag)
    report = verify(bag)
    assert "segment_mismatch" in failed(report, "media")
    assert "media_mismatch" in failed(report, "media")


def test_a_media_file_truncated_is_detected(bag: Path) -> None:
    media = media_of(bag).read_bytes()
    offset, length = segments_of(bag)[-2]
    media_of(bag).write_bytes(media[:offset + length // 2])
    rebag(bag)
    report = verify(bag)
    assert {"segment_truncated", "media_size_mismatch"} <= failed(report, "media")


def test_a_media_file_missing_is_detected(bag: Path) -> None:
    listed = Path(str(media_of(bag)) + ".segments")
    media_of(bag).unlink()
    listed.unlink()
    rebag(bag)
    assert "media_missing" in failed(verify(bag), "media")


# ------------------------------------------------------------------------- the evidence
def test_evidence_bundles_swapped_between_two_signatories_are_detected(bag: Path) -> None:
    evidence = bag / "data" / "evidence"
    first, second = evidence / "Sig_2_recorder.p7m", evidence / "Sig_4_suspect.p7m"
    held = first.read_bytes()
    first.write_bytes(second.read_bytes())
    second.write_bytes(held)
    rebag(bag)
    report = verify(bag, archive_key=archive_key(), pen_decoder=ink_from_iso)
    assert failed(report, "evidence") == {"evidence_package_mismatch"}
    assert {c.subject for c in report.failures()} == {"Sig_2_recorder", "Sig_4_suspect"}


def test_a_refusal_claimed_in_the_manifest_but_never_logged_is_detected(bag: Path) -> None:
    manifest_path = bag / "data" / "inkseal-package.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["fields"]["signatories"][2].update(state="refused", refusal_reason="不认可",
                                                evidence=None)
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    (bag / "data" / "evidence" / "Sig_4_suspect.p7m").unlink()
    rebag(bag)
    report = verify(bag)
    assert "refusal_not_logged" in failed(report, "log_binding")
    assert "unexpected_signature" in failed(report, "fields")


def test_the_package_of_another_site_is_not_trusted(bag: Path, tmp_path: Path) -> None:
    from tests.records.test_session_world import small_site

    report = verify(bag, trust=[small_site().root])
    assert report.outcome is Outcome.FAIL
    assert "untrusted" in failed(report, "signature")
    assert failed(report, "log_key") == {"cert_untrusted"}
    shutil.rmtree(tmp_path / "unused", ignore_errors=True)


def test_demo_package_is_left_untouched() -> None:
    report = verify(demo().package)
    assert report.outcome is Outcome.PASS
