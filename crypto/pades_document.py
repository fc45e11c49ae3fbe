"""Facts about a record PDF that signing and verification both need.

* The record's identity: SHA-256 of the unsigned draft, i.e. of every byte before the first
  signature's incremental update.  On an unsigned draft that is the SHA-256 of the file.
* The signature fields, where they sit, and which are signed.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields

from crypto.errors import CryptoError

__all__ = [
    "DocumentError",
    "SignatureField",
    "draft_bytes",
    "open_reader",
    "record_identity",
    "signature_fields",
]


class DocumentError(CryptoError):
    """The bytes are not a PDF we can read (``not_pdf``), or lack a field (``field_missing``,
    ``field_signed``); ``field`` names it, ``offset`` locates a parse failure when known."""

    def __init__(self, message: str, *, reason: str, field: str | None = None,
                 offset: int | None = None) -> None:
        super().__init__(message, reason=reason)
        self.field = field
        self.offset = offset


@dataclass(frozen=True)
class SignatureField:
    """A signature field: its name, page index, rectangle (points) and whether it is signed."""

    name: str
    page: int
    rect: tuple[float, float, float, float]
    signed: bool

    @property
    def size(self) -> tuple[float, float]:
        return (abs(self.rect[2] - self.rect[0]), abs(self.rect[3] - self.rect[1]))


def open_reader(pdf: bytes) -> PdfFileReader:
    """A pyHanko reader over ``pdf``; unreadable input is a :class:`DocumentError`."""
    if not pdf.startswith(b"%PDF-"):
        raise DocumentError("not a PDF (no %PDF- header)", reason="not_pdf", offset=0)
    try:
        return PdfFileReader(io.BytesIO(pdf), strict=False)
    except (PdfError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise DocumentError(f"unreadable PDF: {exc}", reason="not_pdf") from exc


def _page_of(reader: PdfFileReader, widget_ref: object) -> int:
    """Index of the widget's page (its /P entry, else the page whose /Annots holds it)."""
    try:
        widget = widget_ref.get_object()  # type: ignore[attr-defined]
        declared = widget.raw_get("/P") if "/P" in widget else None
        target = widget_ref.reference  # type: ignore[attr-defined]
        for ix in range(int(reader.root["/Pages"]["/Count"])):
            page_ref, _resources = reader.find_page_for_modification(ix)
            if declared is not None and page_ref.reference == declared.reference:
                return ix
            annots = page_ref.get_object().get("/Annots")
            if annots is not None and any(annots.raw_get(i).reference == target
                                          for i in range(len(annots))):
                return ix
    except (KeyError, AttributeError, PdfError, TypeError):
        pass
    return -1


def signature_fields(reader: PdfFileReader) -> list[SignatureField]:
    """Every signature field in the current revision, in form order."""
    found = []
    try:
        for name, value, ref in enumerate_sig_fields(reader):
            field_obj = ref.get_object()
            widget_ref = ref if "/Rect" in field_obj else field_obj.raw_get("/Kids")[0]
            rect = tuple(float(v) for v in widget_ref.get_object()["/Rect"])
            found.append(SignatureField(name, _page_of(reader, widget_ref),
                                        rect, value is not None))  # type: ignore[arg-type]
    except (PdfError, KeyError, IndexError, TypeError) as exc:
        raise DocumentError(f"unreadable signature fields: {exc}", reason="not_pdf") from exc
    return found


def _end_of_revision(pdf: bytes, reader: PdfFileReader, revision: int) -> int:
    start = reader.xrefs.get_startxref_for_revision(revision)
    eof = pdf.find(b"%%EOF", start)
    if eof < 0:
        raise DocumentError(f"revision {revision} has no %%EOF", reason="not_pdf", offset=start)
    end = eof + 5
    for ending in (b"\r\n", b"\n", b"\r"):
        if pdf.startswith(ending, end):
            return end + len(ending)
    return end


def draft_bytes(pdf: bytes, reader: PdfFileReader | None = None) -> bytes:
    """The bytes of the unsigned draft: everything before the first signature's revision."""
    reader = reader or open_reader(pdf)
    try:
        revisions = [s.signed_revision for s in reader.embedded_signatures]
    except (PdfError, KeyError, ValueError, TypeError) as exc:
        raise DocumentError(f"unreadable signatures: {exc}", reason="not_pdf") from exc
    if not revisions:
        return pdf
    first = min(revisions)
    if first == 0:
        raise DocumentError("the first revision is already signed: no unsigned draft",
                            reason="no_draft")
    return pdf[:_end_of_revision(pdf, reader, first - 1)]


def record_identity(pdf: bytes, reader: PdfFileReader | None = None) -> bytes:
    """SHA-256 of :func:`draft_bytes`: the record's identity, stable across signing."""
    return hashlib.sha256(draft_bytes(pdf, reader)).digest()
