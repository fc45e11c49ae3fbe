"""Frame codec of the link protocol (no I/O): one WebSocket binary message is one frame.

Layout, big-endian::

    offset  size  field
    0       2     magic b"IK"
    2       1     wire format (1)
    3       1     flags (0; anything else is refused)
    4       8     n  frame number on this connection, 1, 2, 3 ... in each direction
    12      8     s  session sequence number of a sequenced message, 0 for the others
    20      8     a  highest sequenced message of the peer delivered on this side (an ack)
    28      4     h  length of the header
    32      h     header: canonical JSON object {"k": kind, field: value, ...}
    32+h    rest  payload: the message's binary attachment (PDF, chunk, JPEG, packed ink), may be empty

Canonical JSON means UTF-8, keys sorted, no whitespace, no floats, no duplicate keys, integers
within signed 64 bits; a header that does not re-encode to the very same bytes is refused, so
one message has exactly one encoding (journals and tests can compare bytes). Binary data never
goes through JSON: it rides in the payload, copied once on the way out; on the way in the
payload is a view of the received frame, and only messages that keep it copy it out.

Why not CBOR: JSON headers are a few dozen bytes next to payloads of kilobytes to megabytes,
the standard library reads them, and a human reads them in a log; a dependency would buy
nothing measurable.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from typing import Any

from records.link.errors import CloseReason, ProtocolViolation

__all__ = [
    "ENVELOPE",
    "MAX_HEADER",
    "WIRE_FORMAT",
    "Frame",
    "canonical_json",
    "decode_frame",
    "encode_frame",
    "parse_canonical_json",
]

MAGIC = b"IK"
WIRE_FORMAT = 1
ENVELOPE = struct.Struct(">2sBBQQQI")
MAX_HEADER = 64 * 1024
_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1


@dataclass(frozen=True)
class Frame:
    """One decoded frame: envelope numbers, the message kind, its header fields and payload."""

    n: int
    s: int
    a: int
    kind: str
    fields: dict[str, Any]
    payload: memoryview
    """A view into the received frame: no copy (``bytes(...)`` where one is kept)."""


def _bad(detail: str, offset: int | None = None) -> ProtocolViolation:
    return ProtocolViolation(CloseReason.MALFORMED, detail, offset=offset)


def _check_value(value: Any, where: str) -> None:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int):
        if not _INT_MIN <= value <= _INT_MAX:
            raise _bad(f"integer out of range at {where}")
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            _check_value(item, f"{where}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _check_value(item, f"{where}.{key}")
        return
    raise _bad(f"value of type {type(value).__name__} at {where} is not allowed")


def canonical_json(obj: dict[str, Any]) -> bytes:
    """The one encoding of a header object (sorted keys, compact, UTF-8, no floats)."""
    _check_value(obj, "header")
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise _bad("header text holds a lone surrogate, not valid Unicode") from None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _bad(f"duplicate key {key!r} in header")
        out[key] = value
    return out


def _no_float(text: str) -> Any:
    raise _bad(f"number {text} is not an integer")


def parse_canonical_json(raw: bytes, offset: int = 0) -> dict[str, Any]:
    """Parse a header and insist it is canonical; ``ProtocolViolation(MALFORMED)`` otherwise."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _bad("header is not UTF-8", offset + exc.start) from None
    try:
        obj = json.loads(text, object_pairs_hook=_no_duplicates, parse_float=_no_float,
                         parse_constant=_no_float)
    except json.JSONDecodeError as exc:
        raise _bad(f"header is not JSON: {exc.msg}", offset + exc.pos) from None
    except RecursionError:
        raise _bad("header nests too deeply", offset) from None
    if not isinstance(obj, dict):
        raise _bad("header is not a JSON object", offset)
    if canonical_json(obj) != raw:
        raise _bad("header is not in canonical form", offset)
    return obj


def encode_frame(n: int, s: int, a: int, header: bytes, payload: bytes = b"") -> bytes:
    """One frame from envelope numbers, an encoded header and the payload."""
    if len(header) > MAX_HEADER:
        raise ValueError(f"header of {len(header)} bytes exceeds {MAX_HEADER}")
    return b"".join((ENVELOPE.pack(MAGIC, WIRE_FORMAT, 0, n, s, a, len(header)), header, payload))


def decode_frame(data: bytes) -> Frame:
    """Split a frame into envelope, kind, header fields and payload; refuse anything malformed."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise _bad("a text message where a binary frame was expected")
    data = bytes(data)
    if len(data) < ENVELOPE.size:
        raise _bad(f"frame of {len(data)} bytes is shorter than its {ENVELOPE.size}-byte envelope",
                   len(data))
    magic, wire, flags, n, s, a, hlen = ENVELOPE.unpack_from(data)
    if magic != MAGIC:
        raise _bad("frame does not start with the magic bytes 'IK'", 0)
    if wire != WIRE_FORMAT:
        raise _bad(f"wire format {wire} is not {WIRE_FORMAT}", 2)
    if flags != 0:
        raise _bad(f"reserved flags {flags:#04x} set", 3)
    for name, value, offset in (("n", n, 4), ("s", s, 12), ("a", a, 20)):
        if value > _INT_MAX:
            raise _bad(f"{name} out of range", offset)
    if n == 0:
        raise _bad("frame number 0", 4)
    if hlen > MAX_HEADER or ENVELOPE.size + hlen > len(data):
        raise _bad(f"header length {hlen} runs past the frame or the {MAX_HEADER}-byte limit", 28)
    end = ENVELOPE.size + hlen
    header = parse_canonical_json(data[ENVELOPE.size:end], ENVELOPE.size)
    kind = header.pop("k", None)
    if not isinstance(kind, str) or not kind:
        raise _bad("header has no kind 'k'", ENVELOPE.size)
    return Frame(n=n, s=s, a=a, kind=kind, fields=header, payload=memoryview(data)[end:])
