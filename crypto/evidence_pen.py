"""Pen batches: what the capture log commits to, and the opening kept in the encrypted evidence.

The capture log travels in clear, so it must prove *when* and *in what order* the pen moved
without showing *how*.  Each ``pen.batch`` entry (format 2, ``"v": 2``) carries a commitment
to its samples and only non-biometric facts::

    {"v": 2, "field": ..., "attempt": 1, "batch": 0, "stroke": 1 | null, "first": 0,
     "count": 37, "first_us": ..., "last_us": ..., "touching": true, "commit": "<hex>"}

``commit`` is ``SHA-256(nonce || JCS(batch))``: ``nonce`` is 32 random bytes drawn once per
turn, ``JCS(batch)`` the RFC 8785 bytes of ``{"v": 2, "field", "attempt", "batch", "stroke",
"first", "rows"}``.  The nonce keeps a short or idle batch (a hover, a dot) from being guessed
by trying candidate samples; the batch's own place (field, attempt, index) inside the hashed
bytes keeps two equal batches from sharing a commitment and ties each to its position.

The *opening* (:class:`PenOpening`, JSON) holds the nonce, every batch of the turn with its
rows (discarded attempts too) and the raw bytes of pad reports that could not be decoded
(their ``pen.event`` entries carry only a length and a commitment).  It is encrypted for the
archive key: inside the signatory's evidence bundle (item ``pen_batches``) when the turn
was signed, in the log's own ``pen.sealed`` entries when it ended unsigned (refused,
cancelled).  Those entries (:func:`sealed_entries`) say ``field``, ``part`` of ``parts``,
``batches``, ``reports``, the ``sha256`` of the whole envelope and one ``envelope`` slice: the
slices' base64 joined and decoded is a DER CMS EnvelopedData (:func:`crypto.evidence.envelope`)
of the zlib-compressed opening JSON, cut so that every log line stays under 16 KiB.

Format 1 entries (no ``v``) carried the rows in clear: ``[t_us, x, y, pressure, touching,
tilt_x, tilt_y, device_time, sequence]``; a verifier reports them as such.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from crypto import jcs
from crypto.errors import CanonicalJsonError
from crypto.evidence import EvidenceError, decrypt_envelope, envelope

__all__ = [
    "MEDIA_PEN_BATCHES",
    "NONCE_BYTES",
    "OPENING_FORMAT",
    "PEN_BATCH_FORMAT",
    "PEN_BATCHES_ITEM",
    "PEN_ROW",
    "PenBatch",
    "PenOpening",
    "SEALED_PART_CHARS",
    "batch_facts",
    "open_sealed",
    "report_commitment",
    "sealed_entries",
]

PEN_BATCH_FORMAT = 2
"""The ``v`` of a ``pen.batch`` entry written by this module's rule."""
OPENING_FORMAT = "inkseal-pen-batches/2"
PEN_BATCHES_ITEM = "pen_batches"
"""Name of the evidence item that holds a signed turn's opening."""
MEDIA_PEN_BATCHES = "application/vnd.inkseal.pen-batches+json"
NONCE_BYTES = 32
SEALED_PART_CHARS = 12_000
"""Base64 characters of the envelope per ``pen.sealed`` entry."""
_MAX_OPENING = 64 << 20  # a turn's pen data decompressed; more is not pen data
PEN_ROW = ("t_us", "x", "y", "pressure", "touching", "tilt_x", "tilt_y", "device_time",
           "sequence")
"""The columns of a row: session-clock microseconds, device units, device counters."""

Row = tuple[int | None, ...]


def _malformed(message: str) -> EvidenceError:
    return EvidenceError(f"pen batches: {message}", reason="pen_opening_malformed",
                         item=PEN_BATCHES_ITEM)


@dataclass(frozen=True)
class PenBatch:
    """The samples of one ``pen.batch`` entry, and where it stands in its turn."""

    field: str
    attempt: int
    batch: int
    """Index of the batch in its turn, from 0, running on over attempts."""
    stroke: int | None
    """Pen-down run of the attempt the batch belongs to (from 1); ``None`` for hover."""
    first: int
    """Index in the attempt of the batch's first sample."""
    rows: tuple[Row, ...] = field(repr=False)

    def canonical(self) -> bytes:
        """The bytes the commitment hashes (after the nonce)."""
        return jcs.canonicalize({"v": PEN_BATCH_FORMAT, "field": self.field,
                                 "attempt": self.attempt, "batch": self.batch,
                                 "stroke": self.stroke, "first": self.first,
                                 "rows": [list(r) for r in self.rows]})

    def commitment(self, nonce: bytes) -> str:
        """``SHA-256(nonce || canonical)`` as lowercase hex."""
        return hashlib.sha256(nonce + self.canonical()).hexdigest()

    def log_data(self, nonce: bytes) -> dict[str, Any]:
        """The ``pen.batch`` entry's data: the commitment and the non-biometric facts."""
        return {"v": PEN_BATCH_FORMAT, "field": self.field, "attempt": self.attempt,
                "batch": self.batch, "stroke": self.stroke, "first": self.first,
                **batch_facts(self.rows), "commit": self.commitment(nonce)}

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "attempt": self.attempt, "batch": self.batch,
                "stroke": self.stroke, "first": self.first,
                "rows": [list(r) for r in self.rows]}


def batch_facts(rows: Sequence[Sequence[int | None]]) -> dict[str, Any]:
    """What a log may say about ``rows``: how many, first and last host time, pen down."""
    if not rows:
        return {"count": 0, "first_us": None, "last_us": None, "touching": False}
    return {"count": len(rows), "first_us": rows[0][0], "last_us": rows[-1][0],
            "touching": bool(rows[0][4])}


def report_commitment(nonce: bytes, field_name: str, index: int, report: bytes) -> str:
    """Commitment to the raw bytes of an undecodable pad report (its ``pen.event``)."""
    body = jcs.canonicalize({"v": PEN_BATCH_FORMAT, "field": field_name, "report": index,
                             "bytes": report.hex()})
    return hashlib.sha256(nonce + body).hexdigest()


@dataclass(frozen=True)
class PenOpening:
    """What opens every commitment of one turn: the nonce, the batches, the raw reports."""

    field: str
    nonce: bytes = field(repr=False)
    batches: tuple[PenBatch, ...] = field(repr=False)
    reports: tuple[bytes, ...] = field(default=(), repr=False)

    def commitments(self) -> list[str]:
        return [b.commitment(self.nonce) for b in self.batches]

    def report_commitments(self) -> list[str]:
        return [report_commitment(self.nonce, self.field, i, r)
                for i, r in enumerate(self.reports)]

    def to_json(self) -> bytes:
        """Canonical JSON (RFC 8785), readable with any JSON tool."""
        return jcs.canonicalize({"format": OPENING_FORMAT, "field": self.field,
                                 "nonce": self.nonce.hex(), "columns": list(PEN_ROW),
                                 "batches": [b.to_json() for b in self.batches],
                                 "reports": [r.hex() for r in self.reports]})

    @classmethod
    def from_json(cls, data: bytes) -> PenOpening:
        """Read an opening back; :class:`~crypto.evidence.EvidenceError`
        (``pen_opening_malformed``) when it is not one."""
        try:
            value = jcs.loads_strict(data)
        except (CanonicalJsonError, ValueError, UnicodeDecodeError) as exc:
            raise _malformed(f"not JSON: {exc}") from exc
        if not isinstance(value, Mapping) or value.get("format") != OPENING_FORMAT:
            raise _malformed(f"not an {OPENING_FORMAT} document")
        try:
            nonce = bytes.fromhex(value["nonce"])
            batches = tuple(_batch(b) for b in value["batches"])
            reports = tuple(bytes.fromhex(r) for r in value.get("reports", []))
            field_name = value["field"]
        except (KeyError, TypeError, ValueError) as exc:
            raise _malformed(f"{type(exc).__name__}: {exc}") from exc
        if len(nonce) != NONCE_BYTES or not isinstance(field_name, str):
            raise _malformed(f"the nonce must be {NONCE_BYTES} bytes and the field a name")
        return cls(field_name, nonce, batches, reports)


def _int(value: Any, *, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if type(value) is not int:
        raise ValueError(f"{value!r} is not an integer")
    return value


def _batch(value: Any) -> PenBatch:
    rows = value["rows"]
    if not isinstance(rows, list) or not rows:
        raise ValueError("a batch without rows")
    parsed = []
    for row in rows:
        if not isinstance(row, list) or len(row) != len(PEN_ROW):
            raise ValueError(f"a row is not {len(PEN_ROW)} values: {json.dumps(row)[:80]}")
        parsed.append(tuple(_int(v, optional=True) for v in row))
    attempt, batch, first = (_int(value[k]) for k in ("attempt", "batch", "first"))
    assert attempt is not None and batch is not None and first is not None
    if not isinstance(value["field"], str):
        raise ValueError("the batch's field is not a name")
    return PenBatch(value["field"], attempt, batch, _int(value["stroke"], optional=True),
                    first, tuple(parsed))


def sealed_entries(opening: PenOpening, archive_cert: x509.Certificate) -> list[dict[str, Any]]:
    """The ``pen.sealed`` entries' data for a turn that ends unsigned (in log order)."""
    der = envelope(zlib.compress(opening.to_json(), 9), archive_cert).dump()
    text = base64.b64encode(der).decode("ascii")
    parts = [text[i:i + SEALED_PART_CHARS] for i in range(0, len(text), SEALED_PART_CHARS)]
    digest = hashlib.sha256(der).hexdigest()
    return [{"v": PEN_BATCH_FORMAT, "field": opening.field, "part": index, "parts": len(parts),
             "batches": len(opening.batches), "reports": len(opening.reports),
             "sha256": digest, "envelope": part} for index, part in enumerate(parts)]


def open_sealed(parts: Sequence[Mapping[str, Any]], archive_key: rsa.RSAPrivateKey) -> PenOpening:
    """Join, check, decrypt and read the ``pen.sealed`` entries of one turn (their data, in
    log order); :class:`~crypto.evidence.EvidenceError` says what is wrong."""
    if not parts:
        raise EvidenceError("no pen.sealed entries", reason="pen_sealed_missing")
    head = parts[0]
    try:
        if [p["part"] for p in parts] != list(range(int(head["parts"]))) or any(
                p["sha256"] != head["sha256"] or p["field"] != head["field"] for p in parts):
            raise EvidenceError(f"pen.sealed parts {[p.get('part') for p in parts]} of "
                                f"{head['parts']} do not make one envelope",
                                reason="pen_sealed_incomplete")
        der = base64.b64decode("".join(p["envelope"] for p in parts), validate=True)
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise EvidenceError(f"pen.sealed entries unreadable: {exc}",
                            reason="pen_sealed_malformed") from exc
    if hashlib.sha256(der).hexdigest() != head["sha256"]:
        raise EvidenceError("the pen.sealed envelope is not the one its entries name",
                            reason="pen_sealed_incomplete")
    try:
        info = cms.ContentInfo.load(der)
    except ValueError as exc:
        raise EvidenceError(f"pen.sealed envelope does not parse: {exc}",
                            reason="pen_sealed_malformed") from exc
    packed = decrypt_envelope(info, archive_key)
    try:
        inflater = zlib.decompressobj()
        data = inflater.decompress(packed, _MAX_OPENING)
        if inflater.unconsumed_tail:
            raise zlib.error("too large")
    except zlib.error as exc:
        raise EvidenceError(f"pen.sealed content is not compressed pen data: {exc}",
                            reason="pen_sealed_malformed") from exc
    opening = PenOpening.from_json(data)
    if opening.field != head["field"]:
        raise EvidenceError(f"pen.sealed of {head['field']} opens pen data of {opening.field}",
                            reason="pen_sealed_malformed")
    return opening
