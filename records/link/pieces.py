"""The piece map of an upload: the file as consecutive pieces, each with its SHA-256.

An upload declares its map in ``upload.begin`` (with the map's own SHA-256), and the
receiver checks every piece against it as it arrives, in one hashing pass: a file whose
pieces all match a map whose hash matches is the file the sender mapped, byte for byte (a
hash list, as strong as one SHA-256 over the whole). The map costs the sender nothing when
the hashes are already known: the A/V recorder hashes every segment as it writes it, and
those hashes are in the capture log and the segment list; any other file is mapped in one
pass that also gives its SHA-256.

Packed: per piece a big-endian u32 length and the 32-byte digest.
"""

from __future__ import annotations

import bisect
import hashlib
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["MAX_PIECE", "PIECE", "PieceMap", "map_file"]

PIECE = struct.Struct(">I32s")
MAX_PIECE = 4 << 20
"""The largest piece (one piece must fit one frame)."""


@dataclass(frozen=True)
class PieceMap:
    """Piece lengths and digests of a file; ``offsets[i]`` is where piece ``i`` starts."""

    lengths: tuple[int, ...]
    digests: tuple[bytes, ...]
    offsets: tuple[int, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if len(self.lengths) != len(self.digests):
            raise ValueError("a piece map needs one digest per piece")
        offsets, at = [], 0
        for length, digest in zip(self.lengths, self.digests):
            if not 0 < length <= MAX_PIECE or len(digest) != 32:
                raise ValueError(f"piece at {at} of {length} bytes is outside 1..{MAX_PIECE}")
            offsets.append(at)
            at += length
        object.__setattr__(self, "offsets", tuple(offsets))

    @property
    def size(self) -> int:
        """The file's size: the pieces' lengths added up."""
        return self.offsets[-1] + self.lengths[-1] if self.lengths else 0

    @property
    def largest(self) -> int:
        return max(self.lengths, default=0)

    def pack(self) -> bytes:
        """The map as ``upload.begin`` carries it."""
        return b"".join(PIECE.pack(n, d) for n, d in zip(self.lengths, self.digests))

    def sha256(self) -> str:
        """SHA-256 of the packed map."""
        return hashlib.sha256(self.pack()).hexdigest()

    @classmethod
    def unpack(cls, data: bytes) -> PieceMap:
        """The map from its packed form; ValueError when it is not whole records."""
        if len(data) % PIECE.size:
            raise ValueError(f"a piece map of {len(data)} bytes is not whole {PIECE.size}-byte records")
        pairs = list(PIECE.iter_unpack(data))
        return cls(tuple(n for n, _ in pairs), tuple(d for _, d in pairs))

    @classmethod
    def of(cls, pieces: Iterable[tuple[int, str | bytes]]) -> PieceMap:
        """From (length, SHA-256 as hex or bytes) pairs, e.g. a recording's segments."""
        lengths, digests = [], []
        for length, digest in pieces:
            lengths.append(int(length))
            digests.append(bytes.fromhex(digest) if isinstance(digest, str) else bytes(digest))
        return cls(tuple(lengths), tuple(digests))

    def index_at(self, offset: int) -> int | None:
        """The piece that starts at ``offset``, or None when no piece starts there."""
        i = bisect.bisect_left(self.offsets, offset)
        if i < len(self.offsets) and self.offsets[i] == offset:
            return i
        return None

    def whole_pieces(self, have: int) -> tuple[int, int]:
        """(pieces, bytes) of the longest run of whole pieces within the first ``have`` bytes."""
        i = bisect.bisect_right(self.offsets, have) - 1
        while i >= 0 and self.offsets[i] + self.lengths[i] > have:
            i -= 1
        return i + 1, (self.offsets[i] + self.lengths[i] if i >= 0 else 0)

    def span(self, first: int, budget: int) -> int:
        """How many pieces from ``first`` on fit in ``budget`` bytes (at least one)."""
        count, total = 0, 0
        for length in self.lengths[first:]:
            if count and total + length > budget:
                break
            count += 1
            total += length
        return count


def map_file(path: Path, piece: int = 1 << 20) -> tuple[PieceMap, str]:
    """Map a file in pieces of ``piece`` bytes, and its whole SHA-256, in one read."""
    whole = hashlib.sha256()
    lengths, digests = [], []
    with open(path, "rb") as f:
        while block := f.read(piece):
            whole.update(block)
            lengths.append(len(block))
            digests.append(hashlib.sha256(block).digest())
    return PieceMap(tuple(lengths), tuple(digests)), whole.hexdigest()
