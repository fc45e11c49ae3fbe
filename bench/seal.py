"""Sealing a 20-page record with three hand signatures, against pyHanko alone.

Inkseal's workflow: prosecutor's certification, two signatories' approval signatures made
by the terminal's device key (pressure-shaded ink, red imprint, CJK text from a font cut to
the stamp, encrypted evidence bundle as a signed attribute), each B-T; then validation data,
the seal (B-LT, checkpoint attribute) and a document timestamp (B-LTA).

Baseline, same PDF, same keys, same TSA, same run: pyHanko used directly for the same
signatures: ``SimpleSigner`` loaded from the same key files, the same pictures and text in
each stamp with the font handed to pyHanko whole (its documented way), the same signature
timestamps, ``embed_validation_info`` and ``use_pades_lta`` on the seal.  What Inkseal adds
on top: evidence encryption and attributes, validation data for the earlier signatures,
the checks before each signature.  Target: within 1.5x of the baseline.  A bare B-B run
(pyHanko's default stamp, no timestamps, no seal extras) is printed for scale.

Usage: .venv/bin/python bench/seal.py [--rounds 5] [--pages 20]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _machine import machine  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory  # noqa: E402
from pyhanko.pdf_utils.images import PdfImage  # noqa: E402
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: E402
from pyhanko.pdf_utils.text import TextBoxStyle  # noqa: E402
from pyhanko.sign.fields import (  # noqa: E402
    FieldMDPAction,
    FieldMDPSpec,
    MDPPerm,
    SigFieldSpec,
    SigSeedSubFilter,
    append_signature_field,
)
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, SimpleSigner  # noqa: E402
from pyhanko.stamp import TextStampStyle  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from crypto.appearance import StampSpec, compose_picture, render_ink, seal_picture, stamp_text  # noqa: E402
from crypto.evidence import EvidenceBundle, seal_evidence  # noqa: E402
from crypto.pades import Signatory, certify, seal, sign_for_signatory  # noqa: E402
from crypto.pades_document import record_identity  # noqa: E402
from crypto.pades_dss import ValidationMaterial  # noqa: E402
from crypto.pades_signers import SigningKey  # noqa: E402
from crypto.pades_timestamps import InProcessTimestampSource  # noqa: E402
from crypto.pki import Role, create_working_site, utc_now  # noqa: E402

FIELDS = ["Sig_1_prosecutor", "Sig_2_appropriate_adult", "Sig_3_suspect"]
SEAL = "Sig_Seal"
PASS = b"bench passphrase"


def record(pages: int) -> bytes:
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    for page in range(pages):
        pdf.setFont("Helvetica", 10)
        for line in range(45 if page < pages - 1 else 20):
            pdf.drawString(60, 800 - line * 16, f"p{page + 1} Q{line}: question and the answer.")
        pdf.showPage()
    pdf.save()
    writer = IncrementalPdfFileWriter(io.BytesIO(buf.getvalue()))
    order = [*FIELDS, SEAL]
    boxes = [(60, 60, 290, 160), (310, 60, 540, 160), (60, 180, 290, 280)]
    for i, name in enumerate(FIELDS):
        append_signature_field(writer, SigFieldSpec(name, on_page=-1, box=boxes[i],
                               field_mdp_spec=FieldMDPSpec(FieldMDPAction.EXCLUDE,
                                                           fields=order[i + 1:])))
    append_signature_field(writer, SigFieldSpec(SEAL, on_page=-1, box=(400, 180, 510, 290),
                           field_mdp_spec=FieldMDPSpec(FieldMDPAction.ALL),
                           doc_mdp_update_value=MDPPerm.NO_CHANGES))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def strokes() -> list[list[tuple[float, float, float]]]:
    import math

    return [[(100 + s * 900 + 700 * i / 199, 500 + 250 * math.sin(i / 30 + s),
              0.2 + 0.8 * math.sin(math.pi * i / 199)) for i in range(200)] for s in range(3)]


def fingerprint() -> Image.Image:
    image = Image.new("L", (256, 288), 255)
    draw = ImageDraw.Draw(image)
    for r in range(5, 130, 5):
        draw.ellipse([128 - r * 0.8, 144 - r, 128 + r * 0.8, 144 + r], outline=30, width=2)
    return image


class World:
    def __init__(self, directory: Path, font: Path) -> None:
        self.pki = create_working_site(directory, PASS, site_name="某某市人民检察院",
                                       kdf_iterations=10_000)
        self.font = font
        self.ids = {(n, r): self.pki.load_identity(n, r, PASS) for n, r in (
            ("officer-1", Role.OFFICER), ("terminal-1", Role.TERMINAL_SIGNING),
            ("seal", Role.SEAL), ("tsa", Role.TSA), ("archive", Role.ARCHIVE))}
        tsa = self.ids[("tsa", Role.TSA)]
        self.tsa = InProcessTimestampSource(tsa.certificate, tsa.private_key, tsa.chain, utc_now)
        self.validation = ValidationMaterial((self.pki.root,), self.pki.ca_chain[:-1],
                                             self.pki.crls())

    def key(self, name: str, role: Role) -> SigningKey:
        return SigningKey.from_identity(self.ids[(name, role)])

    def simple_signer(self, name: str, role: Role) -> SimpleSigner:
        """pyHanko's own loading path: key file, certificate file, CA chain file."""
        ident = self.ids[(name, role)]
        signer = SimpleSigner.load(str(ident.key_file), str(ident.cert_file),
                                   ca_chain_files=[str(ident.chain_file)], key_passphrase=PASS)
        assert signer is not None
        return signer


def inkseal(world: World, pdf: bytes) -> bytes:
    rid = record_identity(pdf)
    now = datetime.now(UTC)
    pdf = certify(pdf, field=FIELDS[0], key=world.key("officer-1", Role.OFFICER),
                  signer_name="李检察官", timestamps=world.tsa,
                  stamp=StampSpec("李检察官", "检察官", now, world.font))
    device = world.key("terminal-1", Role.TERMINAL_SIGNING)
    archive = world.ids[("archive", Role.ARCHIVE)].certificate
    ink = render_ink(strokes(), size=(690, 300), extent=(2600, 1000))
    for field, name, role in ((FIELDS[1], "王五", "法定代理人"), (FIELDS[2], "张三", "犯罪嫌疑人")):
        evidence = seal_evidence(EvidenceBundle.standard(
            field_name=field, signatory_name=name, signatory_role=role, record_sha256=rid,
            captured_at=now, pen_track_iso=os.urandom(8000), pen_track_readable=b"{}",
            fingerprint_png=b"\x89PNG" + os.urandom(30000),
            photo_jpeg=b"\xff\xd8" + os.urandom(80000)), archive)
        pdf = sign_for_signatory(pdf, field=field, key=device, signatory=Signatory(name, role),
                                 evidence=evidence, timestamps=world.tsa,
                                 stamp=StampSpec(name, role, now, world.font, ink=ink,
                                                 fingerprint=fingerprint()))
    return seal(pdf, field=SEAL, key=world.key("seal", Role.SEAL),
                checkpoints=["inkseal/terminal-1\n4096\n" + "A" * 43 + "=\n"],
                timestamps=world.tsa, validation=world.validation,
                seal_name="某某市人民检察院", font_path=world.font)


def naive_style(spec: StampSpec | None, box: tuple[float, float], font: Path,
                seal_name: str = "") -> TextStampStyle:
    """The same picture and text, the way pyHanko takes them: the whole font file."""
    if spec is None:
        picture = seal_picture(seal_name, font, min(box))
        return TextStampStyle(stamp_text="", background=PdfImage(picture),
                              background_opacity=1.0, border_width=0)
    return TextStampStyle(
        stamp_text=stamp_text(spec),
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(str(font), font_size=7),
                                    font_size=7),
        background=PdfImage(compose_picture(spec, box)), background_opacity=1.0, border_width=0)


def pyhanko_alone(world: World, pdf: bytes, *, full: bool = True) -> bytes:
    """pyHanko's own calls for the same signatures, stamps and PAdES levels (``full``), or
    bare B-B signatures with pyHanko's default stamp."""
    now = datetime.now(UTC)
    ink = render_ink(strokes(), size=(690, 300), extent=(2600, 1000))
    signers = [("officer-1", Role.OFFICER, StampSpec("李检察官", "检察官", now, world.font)),
               ("terminal-1", Role.TERMINAL_SIGNING,
                StampSpec("王五", "法定代理人", now, world.font, ink=ink,
                          fingerprint=fingerprint())),
               ("terminal-1", Role.TERMINAL_SIGNING,
                StampSpec("张三", "犯罪嫌疑人", now, world.font, ink=ink,
                          fingerprint=fingerprint()))]
    boxes = [(230, 100), (230, 100), (230, 100)]
    for i, (field, (name, role, spec)) in enumerate(zip(FIELDS, signers, strict=True)):
        meta = PdfSignatureMetadata(field_name=field, md_algorithm="sha256",
                                    subfilter=SigSeedSubFilter.PADES, certify=i == 0)
        out = PdfSigner(meta, signer=world.simple_signer(name, role),
                        stamp_style=naive_style(spec, boxes[i], world.font) if full else None,
                        timestamper=world.tsa.timestamper() if full else None).sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(pdf)), existing_fields_only=True)
        pdf = out.getvalue()
    meta = PdfSignatureMetadata(field_name=SEAL, md_algorithm="sha256",
                                subfilter=SigSeedSubFilter.PADES, embed_validation_info=full,
                                use_pades_lta=full,
                                validation_context=world.validation.validation_context()
                                if full else None)
    out = PdfSigner(meta, signer=world.simple_signer("seal", Role.SEAL),
                    stamp_style=naive_style(None, (110, 110), world.font, "某某市人民检察院")
                    if full else None,
                    timestamper=world.tsa.timestamper() if full else None).sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)), existing_fields_only=True)
    return out.getvalue()


def timed(fn: Callable[[], bytes]) -> tuple[float, int]:
    start = time.perf_counter()
    size = len(fn())
    return time.perf_counter() - start, size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pages", type=int, default=20)
    args = parser.parse_args()
    import logging

    logging.disable(logging.WARNING)  # pyHanko narrates offline DSS and the seal's lock
    from records.fonts import cjk_font_path

    print(f"machine: {machine()}")
    font = cjk_font_path()
    with tempfile.TemporaryDirectory() as tmp:
        world = World(Path(tmp) / "pki", font)
        pdf = record(args.pages)
        print(f"record: {args.pages} pages, {len(pdf) / 1024:.0f} KiB; font {font.name} "
              f"{font.stat().st_size / 2**20:.1f} MiB")
        inkseal(world, pdf)  # warm-up: imports, HarfBuzz, first font open
        pyhanko_alone(world, pdf)
        ours, base, bare = [], [], []
        for _ in range(args.rounds):
            ours.append(timed(lambda: inkseal(world, pdf)))
            base.append(timed(lambda: pyhanko_alone(world, pdf)))
            bare.append(timed(lambda: pyhanko_alone(world, pdf, full=False)))
    med = {name: statistics.median(t for t, _ in runs)
           for name, runs in (("inkseal", ours), ("pyhanko", base), ("bare", bare))}
    print(f"{'':32}{'median s':>10}{'size KiB':>10}")
    print(f"{'Inkseal seal workflow':32}{med['inkseal']:>10.3f}{ours[0][1] / 1024:>10.0f}")
    print(f"{'pyHanko alone, same work':32}{med['pyhanko']:>10.3f}{base[0][1] / 1024:>10.0f}")
    print(f"{'pyHanko bare B-B, 4 signatures':32}{med['bare']:>10.3f}{bare[0][1] / 1024:>10.0f}")
    ratio = med["inkseal"] / med["pyhanko"]
    print(f"ratio Inkseal / pyHanko alone: {ratio:.2f}x (target <= 1.5x) "
          f"{'OK' if ratio <= 1.5 else 'OVER TARGET'}")
    print(f"ratio Inkseal / bare B-B:      {med['inkseal'] / med['bare']:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
