"""Revision 0 of a record's PDF: the typeset pages rewritten as one clean file with empty,
locked signature fields (pyHanko), byte-for-byte reproducible.

pyHanko's writer draws a random ``/ID`` and stamps ``/ModDate`` with the wall clock; a record's
identity is the SHA-256 of its bytes, so both come from the record instead: the ID from the
typeset content and the field plan, the dates from the record's ``created`` time.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PdfFileWriter, copy_into_new_writer
from pyhanko.sign.fields import (
    FieldMDPAction,
    FieldMDPSpec,
    MDPPerm,
    SigFieldSpec,
    append_signature_field,
)

__all__ = ["FieldPlan", "write_revision_zero"]


@dataclass(frozen=True)
class FieldPlan:
    """One signature field: name, 0-based page, box, and the fields its signature locks."""

    name: str
    page: int
    box: tuple[float, float, float, float]
    locks: tuple[str, ...] | None  # None: lock every field, and the document (the seal)


def _spec(plan: FieldPlan) -> SigFieldSpec:
    if plan.locks is None:
        # The seal: nothing may change after it (PDF 2.0 /Lock /P 1); DSS and document
        # timestamps remain allowed by pyHanko's diff policy.
        return SigFieldSpec(plan.name, on_page=plan.page, box=plan.box,
                            field_mdp_spec=FieldMDPSpec(FieldMDPAction.ALL),
                            doc_mdp_update_value=MDPPerm.NO_CHANGES)
    # A hand signature locks everything except the fields still to be signed after it.
    return SigFieldSpec(plan.name, on_page=plan.page, box=plan.box,
                        field_mdp_spec=FieldMDPSpec(FieldMDPAction.EXCLUDE, list(plan.locks)))


def _document_id(typeset: bytes, plans: Sequence[FieldPlan]) -> bytes:
    digest = hashlib.sha256(b"inkseal revision 0\n")
    digest.update(hashlib.sha256(typeset).digest())
    for plan in plans:
        digest.update(repr((plan.name, plan.page, plan.box, plan.locks)).encode("utf-8"))
    return digest.digest()[:16]


def _pin_metadata(writer: PdfFileWriter, created: datetime) -> None:
    """Make the writer's /Info dates the record's own creation time, not the wall clock."""
    original = writer._update_meta

    def update_meta() -> None:
        original()
        if writer._info is not None:
            info = writer._info.get_object()
            info["/CreationDate"] = generic.pdf_date(created)
            info["/ModDate"] = generic.pdf_date(created)

    # pyHanko sets /ModDate to "now" inside _update_meta on every write; this is the one
    # hook after it.  A determinism test guards it across pyHanko upgrades.
    writer._update_meta = update_meta  # type: ignore[method-assign]


def write_revision_zero(typeset: bytes, plans: Sequence[FieldPlan], *, created: datetime,
                        lang: str) -> bytes:
    """Copy the typeset PDF into one fresh revision with the planned signature fields."""
    reader = PdfFileReader(io.BytesIO(typeset))
    writer = copy_into_new_writer(reader)
    doc_id = generic.ByteStringObject(_document_id(typeset, plans))
    writer._document_id = generic.ArrayObject([doc_id, doc_id])
    _pin_metadata(writer, created)
    writer.root["/Lang"] = generic.TextStringObject(lang)
    for plan in plans:
        append_signature_field(writer, _spec(plan))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
