"""Proofs an archivist can hand out: one entry is in a checkpointed log (without the rest of
the log), and a later checkpoint extends an earlier one (nothing rewritten in between)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from crypto import jcs
from crypto.capture_log_entry import LogEntry, parse_entry
from crypto.checkpoint import Checkpoint, NoteVerifier, open_checkpoint, peek_checkpoint
from crypto.errors import CanonicalJsonError, CaptureLogError, MerkleProofError
from crypto.merkle import MerkleTree, leaf_hash, verify_consistency, verify_inclusion

__all__ = ["EntryProof", "prove_entry", "verify_entry_proof", "prove_consistency",
           "verify_checkpoint_consistency"]


@dataclass(frozen=True)
class EntryProof:
    """One log line, its leaf index, and the audit path to a signed checkpoint's root."""

    line: bytes
    index: int
    path: tuple[bytes, ...]
    checkpoint: str

    def to_json(self) -> bytes:
        """Canonical JSON, to store or send beside the line it proves."""
        return jcs.canonicalize({
            "checkpoint": self.checkpoint, "index": self.index,
            "line": self.line.decode("utf-8"),
            "path": [base64.b64encode(h).decode("ascii") for h in self.path],
        })

    @classmethod
    def from_json(cls, data: bytes) -> EntryProof:
        """Read :meth:`to_json` output; raises :class:`~crypto.errors.CaptureLogError`."""
        try:
            obj = jcs.loads_strict(data)
            return cls(obj["line"].encode("utf-8"), int(obj["index"]),
                       tuple(base64.b64decode(h, validate=True) for h in obj["path"]),
                       str(obj["checkpoint"]))
        except (CanonicalJsonError, KeyError, TypeError, AttributeError, ValueError,
                binascii.Error) as exc:
            raise CaptureLogError(f"not an entry proof: {exc}", reason="malformed_proof") from exc


def _tree(lines: Iterable[bytes]) -> MerkleTree:
    tree = MerkleTree()
    for line in lines:
        tree.append_entry(line)
    return tree


def prove_entry(lines: Sequence[bytes], index: int, checkpoint: str) -> EntryProof:
    """The proof that ``lines[index]`` is in the tree ``checkpoint`` signs.

    ``lines`` are the tree's leaves in order: one log's lines, or the merged lines of a seal.
    """
    size = peek_checkpoint(checkpoint).size
    if not 0 <= index < size <= len(lines):
        raise CaptureLogError(f"entry {index} is not within the checkpoint's {size} entries",
                              reason="bad_index")
    path = _tree(lines[:size]).inclusion_proof(index, size)
    return EntryProof(bytes(lines[index]), index, tuple(path), checkpoint)


def verify_entry_proof(proof: EntryProof, verifiers: Iterable[NoteVerifier], *,
                       entry_key: Ed25519PublicKey | None = None,
                       origin: str | None = None) -> LogEntry:
    """Check the checkpoint's signature, then the line's place in its tree; optionally the
    line's own signature by ``entry_key``.  Returns the entry; raises a
    :class:`~crypto.errors.CryptoError` (checkpoint, Merkle or log error) naming why not."""
    checkpoint = open_checkpoint(proof.checkpoint, verifiers, origin=origin)
    verify_inclusion(proof.index, checkpoint.size, leaf_hash(proof.line), proof.path,
                     checkpoint.root_hash)
    entry = parse_entry(proof.line)
    if entry_key is not None and not entry.signature_valid(entry_key):
        raise CaptureLogError("the line's own signature does not verify", reason="bad_signature")
    return entry


def prove_consistency(lines: Sequence[bytes], old_size: int, new_size: int) -> list[bytes]:
    """The RFC 9162 proof that the log's first ``old_size`` lines are a prefix of its first
    ``new_size``."""
    if not 0 <= old_size <= new_size <= len(lines):
        raise CaptureLogError(f"sizes {old_size} and {new_size} do not fit {len(lines)} lines",
                              reason="bad_size")
    return _tree(lines[:new_size]).consistency_proof(old_size, new_size)


def verify_checkpoint_consistency(old_note: str, new_note: str, proof: Sequence[bytes],
                                  verifiers: Iterable[NoteVerifier]) -> tuple[Checkpoint,
                                                                              Checkpoint]:
    """Check both checkpoints' signatures (same origin) and that the newer extends the older."""
    trusted = list(verifiers)
    old = open_checkpoint(old_note, trusted)
    new = open_checkpoint(new_note, trusted, origin=old.origin)
    if old.size > new.size:
        raise MerkleProofError("the first checkpoint is the larger one", reason="bad_size")
    verify_consistency(old.size, new.size, old.root_hash, new.root_hash, proof)
    return old, new
