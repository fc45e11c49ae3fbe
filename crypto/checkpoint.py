"""C2SP signed notes and tlog checkpoints (signed tree heads) with Ed25519.

A checkpoint is a note whose text is ``origin\\nsize\\nbase64(root)\\n``; a signed note appends a
blank line and one line per signature, ``— <key name> base64(key ID || signature)``, with
key ID ``SHA-256(name || 0x0A || 0x01 || public key)[:4]`` (c2sp.org/signed-note,
c2sp.org/tlog-checkpoint).  Verifier keys use the ``name+hexid+base64(0x01 || key)`` text
form of golang.org/x/mod/sumdb/note so other tlog tooling can read ours.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from crypto.errors import CheckpointError
from crypto.merkle import HASH_SIZE

__all__ = [
    "Checkpoint",
    "NoteSigner",
    "NoteVerifier",
    "SignedNote",
    "sign_note",
    "open_note",
    "sign_checkpoint",
    "open_checkpoint",
    "peek_checkpoint",
]

_ED25519 = 0x01
_MAX_SIGNATURES = 100
_SIG_PREFIX = "\u2014 "
_DECIMAL = re.compile(r"0|[1-9][0-9]*")


def _key_name_ok(name: str) -> bool:
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _key_id(name: str, public_key: Ed25519PublicKey) -> bytes:
    material = name.encode("utf-8") + b"\n" + bytes([_ED25519]) + _raw(public_key)
    return hashlib.sha256(material).digest()[:4]


def _b64decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise CheckpointError(f"{what} is not base64", reason="malformed_note") from exc


@dataclass(frozen=True)
class NoteVerifier:
    """A trusted note key: its name, 4-byte key ID and Ed25519 public key."""

    name: str
    key_id: bytes
    public_key: Ed25519PublicKey

    @classmethod
    def for_key(cls, name: str, public_key: Ed25519PublicKey) -> NoteVerifier:
        """The verifier for ``public_key`` under ``name`` (the key ID is derived)."""
        if not _key_name_ok(name):
            raise CheckpointError(f"bad key name {name!r}", reason="bad_key_name")
        return cls(name, _key_id(name, public_key), public_key)

    @classmethod
    def parse(cls, text: str) -> NoteVerifier:
        """Read the ``name+hexid+base64(0x01 || key)`` verifier key form."""
        name, sep, rest = text.partition("+")
        hex_id, sep2, b64 = rest.partition("+")
        if not (sep and sep2) or not re.fullmatch(r"[0-9a-f]{8}", hex_id):
            raise CheckpointError("verifier key is not name+hexid+key", reason="bad_verifier_key")
        raw = _b64decode(b64, "verifier key")
        if len(raw) != 33 or raw[0] != _ED25519:
            raise CheckpointError("verifier key is not an Ed25519 key", reason="bad_verifier_key")
        verifier = cls.for_key(name, Ed25519PublicKey.from_public_bytes(raw[1:]))
        if verifier.key_id.hex() != hex_id:
            raise CheckpointError("verifier key ID does not match its key",
                                  reason="bad_verifier_key")
        return verifier

    def text(self) -> str:
        """The ``name+hexid+base64(0x01 || key)`` form."""
        blob = base64.b64encode(bytes([_ED25519]) + _raw(self.public_key)).decode("ascii")
        return f"{self.name}+{self.key_id.hex()}+{blob}"

    def verify(self, text: bytes, signature: bytes) -> bool:
        """True when ``signature`` is this key's Ed25519 signature over ``text``."""
        try:
            self.public_key.verify(signature, text)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class NoteSigner:
    """A note-signing key: its name and Ed25519 private key."""

    name: str
    private_key: Ed25519PrivateKey

    def __post_init__(self) -> None:
        if not _key_name_ok(self.name):
            raise CheckpointError(f"bad key name {self.name!r}", reason="bad_key_name")

    @property
    def verifier(self) -> NoteVerifier:
        """The matching verifier (publish its :meth:`NoteVerifier.text`)."""
        return NoteVerifier.for_key(self.name, self.private_key.public_key())

    def signature_line(self, text: str) -> str:
        """The ``— name base64(key ID || signature)`` line for ``text``, newline included."""
        sig = self.private_key.sign(text.encode("utf-8"))
        blob = base64.b64encode(self.verifier.key_id + sig).decode("ascii")
        return f"{_SIG_PREFIX}{self.name} {blob}\n"


@dataclass(frozen=True)
class SignedNote:
    """An opened note: its text and the names of the trusted keys whose signatures verified."""

    text: str
    verified_by: tuple[str, ...]


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise CheckpointError("note text must end in a newline", reason="malformed_note")
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise CheckpointError("note holds a control character", reason="malformed_note")


def sign_note(text: str, signers: Sequence[NoteSigner]) -> str:
    """The signed note: ``text``, a blank line, and one signature line per signer."""
    _check_text(text)
    if not signers:
        raise CheckpointError("a note needs at least one signer", reason="no_signer")
    return text + "\n" + "".join(s.signature_line(text) for s in signers)


def open_note(note: str | bytes, verifiers: Iterable[NoteVerifier]) -> SignedNote:
    """Verify a signed note against trusted keys; unknown signatures are ignored (per spec).

    Raises :class:`CheckpointError` with reason ``malformed_note``, ``bad_signature`` (a
    trusted key's signature fails) or ``unverified`` (no trusted key signed it).
    """
    if isinstance(note, bytes):
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CheckpointError("note is not UTF-8", reason="malformed_note") from exc
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise CheckpointError("no blank line before the signatures", reason="malformed_note")
    text, block = note[:split + 1], note[split + 2:]
    _check_text(text)
    lines = block[:-1].split("\n")
    if len(lines) > _MAX_SIGNATURES:
        raise CheckpointError("too many signatures", reason="malformed_note")
    known = {(v.name, v.key_id): v for v in verifiers}
    verified: list[str] = []
    for line in lines:
        if not line.startswith(_SIG_PREFIX):
            raise CheckpointError(f"not a signature line: {line[:40]!r}", reason="malformed_note")
        name, _, b64 = line[len(_SIG_PREFIX):].partition(" ")
        if not _key_name_ok(name) or not b64 or " " in b64:
            raise CheckpointError(f"malformed signature line for {name!r}", reason="malformed_note")
        blob = _b64decode(b64, "signature")
        if len(blob) < 5:
            raise CheckpointError("signature too short", reason="malformed_note")
        verifier = known.get((name, blob[:4]))
        if verifier is None:
            continue
        if not verifier.verify(text.encode("utf-8"), blob[4:]):
            raise CheckpointError(f"signature by {name} does not verify", reason="bad_signature")
        if name not in verified:
            verified.append(name)
    if not verified:
        raise CheckpointError("no signature by a trusted key", reason="unverified")
    return SignedNote(text, tuple(verified))


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: the log's origin, its size and its RFC 9162 root hash."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin:
            raise CheckpointError("origin must be one non-empty line",
                                  reason="malformed_checkpoint")
        if self.size < 0 or len(self.root_hash) != HASH_SIZE:
            raise CheckpointError("bad size or root hash", reason="malformed_checkpoint")
        if any(not line or "\n" in line for line in self.extensions):
            raise CheckpointError("extension lines must be non-empty lines",
                                  reason="malformed_checkpoint")

    def text(self) -> str:
        """The checkpoint note text."""
        root = base64.b64encode(self.root_hash).decode("ascii")
        lines = (self.origin, str(self.size), root, *self.extensions)
        return "".join(f"{line}\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Read a checkpoint note text (not its signatures)."""
        if not text.endswith("\n"):
            raise CheckpointError("checkpoint must end in a newline", reason="malformed_checkpoint")
        lines = text[:-1].split("\n")
        if len(lines) < 3 or not _DECIMAL.fullmatch(lines[1]):
            raise CheckpointError("checkpoint needs origin, decimal size and root lines",
                                  reason="malformed_checkpoint")
        try:
            root = base64.b64decode(lines[2].encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError) as exc:
            raise CheckpointError("root hash is not base64", reason="malformed_checkpoint") from exc
        return cls(lines[0], int(lines[1]), root, tuple(lines[3:]))


def sign_checkpoint(checkpoint: Checkpoint, signer: NoteSigner) -> str:
    """The checkpoint as a signed note (the key name should equal the origin)."""
    return sign_note(checkpoint.text(), [signer])


def open_checkpoint(note: str | bytes, verifiers: Iterable[NoteVerifier],
                    origin: str | None = None) -> Checkpoint:
    """Verify a signed checkpoint and parse it; ``origin``, if given, must match."""
    checkpoint = Checkpoint.parse(open_note(note, verifiers).text)
    if origin is not None and checkpoint.origin != origin:
        raise CheckpointError(f"checkpoint is for {checkpoint.origin!r}, not {origin!r}",
                              reason="wrong_origin")
    return checkpoint


def peek_checkpoint(note: str) -> Checkpoint:
    """Parse a signed checkpoint's text WITHOUT checking signatures: to find its origin or size
    before choosing a key.  Never trust what it returns; :func:`open_checkpoint` does that."""
    split = note.rfind("\n\n")
    if split < 0:
        raise CheckpointError("no blank line before the signatures", reason="malformed_note")
    return Checkpoint.parse(note[:split + 1])
