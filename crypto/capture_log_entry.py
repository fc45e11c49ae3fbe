"""One capture-log line: its fields, canonical bytes, hash and Ed25519 signature.

A line is an RFC 8785 canonical JSON object followed by ``\\n``::

    {"blob_len":4000,"blob_sha256":"…","data":{…},"kid":"…","kind":"pen.stroke",
     "mono_us":…,"prev":"…","seq":17,"sig":"…","src":"terminal-a","t_us":…,"v":1}

``seq`` counts from 0 (it is also the entry's Merkle leaf index in its own log), ``t_us`` is
wall-clock and ``mono_us`` monotonic time in microseconds, ``prev`` is the SHA-256 hex of the
previous line's bytes (64 zeros for the first), ``kid`` names the signing key, and ``sig`` is
the standard base64 Ed25519 signature over the canonical object without ``sig``.  Payloads
that would make a line longer than :data:`MAX_LINE_BYTES` stay out of the log: only
``blob_sha256`` and ``blob_len`` go in.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from crypto import jcs
from crypto.errors import CanonicalJsonError, CaptureLogError

__all__ = [
    "ANCHOR_KIND",
    "GENESIS_KIND",
    "RESUMED_KIND",
    "TORN_TAIL_KIND",
    "FORMAT_VERSION",
    "GENESIS_PREV",
    "MAX_LINE_BYTES",
    "BlobRef",
    "LogEntry",
    "build_entry",
    "sign_entry",
    "sign_line",
    "payload_json",
    "check_kind",
    "check_line_budget",
    "check_source",
    "parse_entry",
    "key_id",
]

FORMAT_VERSION = 1
#: Entry kinds the log writes itself: its first line (carrying the public key), a reopen, a
#: torn tail set aside on reopen, and a cross-anchor to another machine's log head.
GENESIS_KIND = "log.genesis"
RESUMED_KIND = "log.resumed"
TORN_TAIL_KIND = "log.torn_tail"
ANCHOR_KIND = "log.anchor"
GENESIS_PREV = "0" * 64
#: Largest line (without its signature) a log accepts: payloads beyond it go to a blob.
MAX_LINE_BYTES = 16 * 1024

_KIND = re.compile(r"[a-z][a-z0-9_.-]{0,63}")
_SOURCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_KID = re.compile(r"[0-9a-f]{16}")
_REQUIRED = {"v", "seq", "t_us", "mono_us", "src", "kind", "prev", "kid", "sig"}
_OPTIONAL = {"data", "blob_sha256", "blob_len"}


def key_id(public_key: Ed25519PublicKey) -> str:
    """The log's name for a signing key: the first 8 bytes of SHA-256 of the raw key, in hex."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(raw).digest()[:8].hex()


@dataclass(frozen=True)
class BlobRef:
    """A payload kept outside the log, named by its SHA-256 (hex) and length in bytes."""

    sha256: str
    length: int

    def __post_init__(self) -> None:
        if not _HEX64.fullmatch(self.sha256) or not 0 <= self.length <= jcs.MAX_SAFE_INTEGER:
            raise CaptureLogError("blob reference needs a lowercase SHA-256 hex and a length",
                                  reason="bad_blob_ref")

    @classmethod
    def of_bytes(cls, data: bytes) -> BlobRef:
        """The reference for bytes held in memory."""
        return cls(hashlib.sha256(data).hexdigest(), len(data))

    @classmethod
    def of_file(cls, path: Path, chunk_size: int = 1 << 20) -> BlobRef:
        """The reference for a file, hashed in chunks (never read whole into memory)."""
        digest, length = hashlib.sha256(), 0
        buffer = bytearray(chunk_size)
        view = memoryview(buffer)
        with open(path, "rb", buffering=0) as handle:
            while count := handle.readinto(buffer):
                digest.update(view[:count])
                length += count
        return cls(digest.hexdigest(), length)


@dataclass(frozen=True, eq=False)
class LogEntry:
    """One signed line of a capture log; ``line`` is its exact bytes without the newline."""

    seq: int
    t_us: int
    mono_us: int
    source: str
    kind: str
    data: Mapping[str, Any] | None
    blob: BlobRef | None
    prev: str
    key_id: str
    sig: str
    line: bytes
    line_hash: bytes
    """SHA-256 of ``line``: what the next line's ``prev`` holds."""

    def signed_bytes(self) -> bytes:
        """The canonical object without ``sig``: the bytes the signature covers.

        Taking one member out of a canonical object leaves the canonical form of the rest, so
        these are the line's bytes less its top-level ``"sig":"…",`` member: the last one in
        the line, since only ``src`` (plain characters), ``t_us`` and ``v`` follow it.
        """
        member = b'"sig":"' + self.sig.encode("ascii") + b'",'
        start = self.line.rfind(b'"sig":"')
        if start < 0 or self.line[start:start + len(member)] != member:
            return jcs.canonicalize(_fields(self.seq, self.t_us, self.mono_us, self.source,
                                            self.kind, self.data, self.blob, self.prev,
                                            self.key_id))
        return self.line[:start] + self.line[start + len(member):]

    def signature_valid(self, public_key: Ed25519PublicKey) -> bool:
        """True when ``sig`` is ``public_key``'s signature over :meth:`signed_bytes`."""
        try:
            signature = base64.b64decode(self.sig, validate=True)
            # Base64 leaves spare bits in the last character; only the one spelling counts, or
            # a line could change while its signature still verifies.
            if base64.b64encode(signature).decode("ascii") != self.sig:
                return False
            public_key.verify(signature, self.signed_bytes())
        except (InvalidSignature, binascii.Error, ValueError):
            return False
        return True


def _fields(seq: int, t_us: int, mono_us: int, source: str, kind: str,
            data: Mapping[str, Any] | None, blob: BlobRef | None, prev: str,
            kid: str) -> dict[str, Any]:
    fields: dict[str, Any] = {"v": FORMAT_VERSION, "seq": seq, "t_us": t_us, "mono_us": mono_us,
                              "src": source, "kind": kind, "prev": prev, "kid": kid}
    if data is not None:
        fields["data"] = data
    if blob is not None:
        fields["blob_sha256"] = blob.sha256
        fields["blob_len"] = blob.length
    return fields


def payload_json(data: Mapping[str, Any] | None) -> str | None:
    """The canonical JSON text of an entry's ``data`` object (None for no payload)."""
    if data is None:
        return None
    if not isinstance(data, dict):
        raise CaptureLogError("payload must be a JSON object (a dict)", reason="bad_payload")
    try:
        return jcs.canonicalize(data).decode("utf-8")
    except CanonicalJsonError as exc:
        raise CaptureLogError(f"payload is not canonical JSON: {exc}",
                              reason="bad_payload") from exc


def check_kind(kind: str) -> None:
    """Raise ``bad_kind`` unless ``kind`` is a lowercase dotted name such as ``pen.stroke``."""
    if type(kind) is not str or not _KIND.fullmatch(kind):
        raise CaptureLogError(f"kind {kind!r} must match {_KIND.pattern}", reason="bad_kind")


def check_source(source: str) -> None:
    """Raise ``bad_source`` unless ``source`` is a terminal id such as ``terminal-a``."""
    if type(source) is not str or not _SOURCE.fullmatch(source):
        raise CaptureLogError(f"source {source!r} must match {_SOURCE.pattern}",
                              reason="bad_source")


#: Upper bound on a line's bytes besides its payload, kind and source (keys, hashes, numbers).
_ENVELOPE_BYTES = 400


def check_line_budget(data_text: str | None, kind: str, source: str) -> None:
    """Raise ``payload_too_large`` when a line would exceed :data:`MAX_LINE_BYTES`."""
    size = len((data_text or "").encode("utf-8")) + len(kind) + len(source) + _ENVELOPE_BYTES
    if size > MAX_LINE_BYTES:
        raise CaptureLogError(f"a line of about {size} bytes is too large to log inline; log a "
                              f"BlobRef instead", reason="payload_too_large")


def build_entry(private_key: Ed25519PrivateKey, *, kid: str, seq: int, t_us: int, mono_us: int,
                source: str, kind: str, prev: str, data: Mapping[str, Any] | None = None,
                blob: BlobRef | None = None) -> LogEntry:
    """Make and sign one line.  Raises :class:`CaptureLogError` for a bad field or payload."""
    check_kind(kind)
    check_source(source)
    if not (_HEX64.fullmatch(prev) and _KID.fullmatch(kid)):
        raise CaptureLogError("prev or kid is out of form", reason="bad_field")
    if not all(type(n) is int and abs(n) <= jcs.MAX_SAFE_INTEGER for n in (seq, t_us, mono_us)) \
            or seq < 0:
        raise CaptureLogError("seq, t_us and mono_us must be safe integers", reason="bad_field")
    data_text = payload_json(data)
    check_line_budget(data_text, kind, source)
    return sign_entry(private_key, kid=kid, seq=seq, t_us=t_us, mono_us=mono_us, source=source,
                      kind=kind, prev=prev, data=data, data_text=data_text, blob=blob)


def sign_entry(private_key: Ed25519PrivateKey, *, kid: str, seq: int, t_us: int, mono_us: int,
               source: str, kind: str, prev: str, data: Mapping[str, Any] | None,
               data_text: str | None, blob: BlobRef | None) -> LogEntry:
    """Assemble and sign a line from fields already checked (see :func:`build_entry`)."""
    line, sig = sign_line(private_key, kid=kid, seq=seq, t_us=t_us, mono_us=mono_us,
                          source=source, kind=kind, prev=prev, data_text=data_text, blob=blob)
    return LogEntry(seq, t_us, mono_us, source, kind, data, blob, prev, kid, sig, line,
                    hashlib.sha256(line).digest())


def sign_line(private_key: Ed25519PrivateKey, *, kid: str, seq: int, t_us: int, mono_us: int,
              source: str, kind: str, prev: str, data_text: str | None,
              blob: BlobRef | None) -> tuple[bytes, str]:
    """The signed line's bytes (no newline) and its signature, from checked fields."""
    # The members in RFC 8785 order, written out: every string here matches a pattern that
    # needs no escaping and every number is a safe integer, so this is the canonical form
    # (a test checks it against jcs.canonicalize for random entries).
    head = (f'{{"blob_len":{blob.length},"blob_sha256":"{blob.sha256}",' if blob is not None
            else "{")
    if data_text is not None:
        head += f'"data":{data_text},'
    head += (f'"kid":"{kid}","kind":"{kind}","mono_us":{mono_us},"prev":"{prev}",'
             f'"seq":{seq},')
    tail = f'"src":"{source}","t_us":{t_us},"v":{FORMAT_VERSION}}}'
    sig = base64.b64encode(private_key.sign((head + tail).encode("utf-8"))).decode("ascii")
    return (head + f'"sig":"{sig}",' + tail).encode("utf-8"), sig


def parse_entry(line: bytes) -> LogEntry:
    """Read one line (without its newline); checks form and types, not the signature or chain.

    Raises :class:`CaptureLogError` with reason ``not_canonical`` or ``malformed``.
    """
    try:
        obj = jcs.parse_canonical(line)
    except CanonicalJsonError as exc:
        reason = "not_canonical" if exc.reason == "not_canonical" else "malformed"
        raise CaptureLogError(f"line is not canonical JSON: {exc}", reason=reason) from exc
    if not isinstance(obj, dict):
        raise CaptureLogError("line is not a JSON object", reason="malformed")
    keys = set(obj)
    if not _REQUIRED <= keys or keys - _REQUIRED - _OPTIONAL:
        raise CaptureLogError(f"fields {sorted(keys)} are not a log entry's", reason="malformed")
    if obj["v"] != FORMAT_VERSION:
        raise CaptureLogError(f"format version {obj['v']!r} is unknown", reason="malformed")
    ints = ("seq", "t_us", "mono_us")
    if any(type(obj[k]) is not int for k in ints) or obj["seq"] < 0:
        raise CaptureLogError("seq, t_us and mono_us must be integers", reason="malformed")
    strings = ("src", "kind", "prev", "kid", "sig")
    if any(not isinstance(obj[k], str) for k in strings):
        raise CaptureLogError("src, kind, prev, kid and sig must be strings", reason="malformed")
    if not (_SOURCE.fullmatch(obj["src"]) and _KIND.fullmatch(obj["kind"])
            and _HEX64.fullmatch(obj["prev"]) and _KID.fullmatch(obj["kid"])):
        raise CaptureLogError("src, kind, prev or kid is badly formed", reason="malformed")
    data = obj.get("data")
    if "data" in obj and not isinstance(data, dict):
        raise CaptureLogError("data must be a JSON object", reason="malformed")
    blob = None
    if ("blob_sha256" in obj) != ("blob_len" in obj):
        raise CaptureLogError("blob_sha256 and blob_len come together", reason="malformed")
    if "blob_sha256" in obj:
        if not isinstance(obj["blob_sha256"], str) or type(obj["blob_len"]) is not int:
            raise CaptureLogError("blob reference is badly formed", reason="malformed")
        try:
            blob = BlobRef(obj["blob_sha256"], obj["blob_len"])
        except CaptureLogError as exc:
            raise CaptureLogError(str(exc), reason="malformed") from exc
    return LogEntry(obj["seq"], obj["t_us"], obj["mono_us"], obj["src"], obj["kind"], data, blob,
                    obj["prev"], obj["kid"], obj["sig"], bytes(line), hashlib.sha256(line).digest())
