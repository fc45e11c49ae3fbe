"""RFC 9162 Merkle tree: tree head, inclusion and consistency proofs, and their verification.

Leaf hash ``SHA-256(0x00 || entry)``, node hash ``SHA-256(0x01 || left || right)``, and the
tree over ``n`` leaves splits at the largest power of two below ``n`` (RFC 9162 §2.1.1).
:class:`MerkleTree` keeps every complete power-of-two subtree, so the root at any earlier size
and any proof cost O(log² n) hashes; :func:`tree_root` streams leaves with O(log n) memory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from crypto.errors import MerkleProofError

__all__ = [
    "HASH_SIZE",
    "EMPTY_ROOT",
    "leaf_hash",
    "node_hash",
    "tree_root",
    "MerkleTree",
    "verify_inclusion",
    "verify_consistency",
    "root_from_inclusion",
]

HASH_SIZE = 32
#: The head of the empty tree: SHA-256 of nothing (RFC 9162 §2.1.1).
EMPTY_ROOT = hashlib.sha256(b"").digest()

_sha256 = hashlib.sha256


def leaf_hash(entry: bytes) -> bytes:
    """``SHA-256(0x00 || entry)``."""
    return _sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``."""
    return _sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def tree_root(leaf_hashes: Iterable[bytes]) -> bytes:
    """The tree head over leaf hashes given in order.

    Level by level: adjacent nodes pair up and an unpaired last node moves up unchanged, which
    builds exactly RFC 9162's tree (its left subtrees are the largest powers of two).
    """
    level = list(leaf_hashes)
    if not level:
        return EMPTY_ROOT
    while len(level) > 1:
        odd = level[-1] if len(level) % 2 else None
        level = [_sha256(b"\x01" + left + right).digest()
                 for left, right in zip(level[0::2], level[1::2])]
        if odd is not None:
            level.append(odd)
    return level[0]


class MerkleTree:
    """An append-only tree of leaf hashes with proofs at its current or any earlier size.

    Not thread-safe: its owner serialises appends (the capture log does so under its lock).
    """

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        # _levels[h] holds, back to back, the roots of the complete aligned subtrees of 2**h
        # leaves: exactly size >> h of them.
        leaves = list(leaf_hashes)
        if any(len(leaf) != HASH_SIZE for leaf in leaves):
            raise ValueError("a leaf hash is 32 bytes")
        self._levels: list[bytearray] = [bytearray(b"".join(leaves))]
        self._size = len(leaves)
        level = leaves
        while len(level) > 1:
            level = [_sha256(b"\x01" + left + right).digest()
                     for left, right in zip(level[0::2], level[1::2])]
            self._levels.append(bytearray(b"".join(level)))

    @property
    def size(self) -> int:
        """Number of leaves."""
        return self._size

    def append(self, leaf: bytes) -> int:
        """Add one leaf hash; returns its index."""
        if len(leaf) != HASH_SIZE:
            raise ValueError("a leaf hash is 32 bytes")
        index = self._size
        self._levels[0] += leaf
        self._size += 1
        height, count = 0, self._size
        while count % 2 == 0:
            level = self._levels[height]
            combined = node_hash(bytes(level[-64:-32]), bytes(level[-32:]))
            height += 1
            if height == len(self._levels):
                self._levels.append(bytearray())
            self._levels[height] += combined
            count //= 2
        return index

    def append_entry(self, entry: bytes) -> int:
        """Add ``leaf_hash(entry)``; returns its index."""
        return self.append(leaf_hash(entry))

    def leaf(self, index: int) -> bytes:
        """The leaf hash at ``index``."""
        self._check_index(index, self._size)
        return bytes(self._levels[0][index * HASH_SIZE:(index + 1) * HASH_SIZE])

    def root(self, size: int | None = None) -> bytes:
        """The tree head at ``size`` leaves (default: all)."""
        size = self._size if size is None else size
        if not 0 <= size <= self._size:
            raise MerkleProofError(f"tree has {self._size} leaves, not {size}", reason="bad_size")
        return EMPTY_ROOT if size == 0 else self._subtree(0, size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """RFC 9162 §2.1.3.1 PATH(index, D[0:size]): the audit path, leaf side first."""
        size = self._size if size is None else size
        if not 0 < size <= self._size:
            raise MerkleProofError(f"tree has {self._size} leaves, not {size}", reason="bad_size")
        self._check_index(index, size)
        path: list[bytes] = []
        start, n, m = 0, size, index
        while n > 1:
            k = _split(n)
            if m < k:
                path.append(self._subtree(start + k, n - k))
                n = k
            else:
                path.append(self._subtree(start, k))
                start, n, m = start + k, n - k, m - k
        path.reverse()
        return path

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """RFC 9162 §2.1.4.1 PROOF(old_size, D[0:new_size]); empty when the sizes are equal."""
        new_size = self._size if new_size is None else new_size
        if not 0 <= old_size <= new_size <= self._size:
            raise MerkleProofError(f"no consistency proof from {old_size} to {new_size} leaves "
                                   f"in a tree of {self._size}", reason="bad_size")
        if old_size in (0, new_size):
            return []
        proof: list[bytes] = []
        start, n, m, whole = 0, new_size, old_size, True
        while m != n:
            k = _split(n)
            if m <= k:
                proof.append(self._subtree(start + k, n - k))
                n = k
            else:
                proof.append(self._subtree(start, k))
                start, n, m, whole = start + k, n - k, m - k, False
        if not whole:
            proof.append(self._subtree(start, n))
        proof.reverse()
        return proof

    def _subtree(self, start: int, size: int) -> bytes:
        """MTH(D[start:start+size]) for a subtree that occurs in the RFC 9162 decomposition."""
        if size & (size - 1) == 0 and start % size == 0:
            height = size.bit_length() - 1
            offset = (start >> height) * HASH_SIZE
            return bytes(self._levels[height][offset:offset + HASH_SIZE])
        k = _split(size)
        return node_hash(self._subtree(start, k), self._subtree(start + k, size - k))

    @staticmethod
    def _check_index(index: int, size: int) -> None:
        if not 0 <= index < size:
            raise MerkleProofError(f"leaf {index} is outside a tree of {size}", reason="bad_index")


def root_from_inclusion(index: int, size: int, leaf: bytes, path: Sequence[bytes]) -> bytes:
    """The root an inclusion proof leads to (RFC 9162 §2.1.3.2 steps 1-3); raises when malformed."""
    if not 0 <= index < size:
        raise MerkleProofError(f"leaf {index} is outside a tree of {size}", reason="bad_index")
    fn, sn, result = index, size - 1, leaf
    for sibling in path:
        if len(sibling) != HASH_SIZE:
            raise MerkleProofError("proof hash is not 32 bytes", reason="malformed_proof")
        if sn == 0:
            raise MerkleProofError("inclusion proof is too long", reason="malformed_proof")
        if fn & 1 or fn == sn:
            result = node_hash(sibling, result)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            result = node_hash(result, sibling)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise MerkleProofError("inclusion proof is too short", reason="malformed_proof")
    return result


def verify_inclusion(index: int, size: int, leaf: bytes, path: Sequence[bytes],
                     root: bytes) -> None:
    """Raise :class:`MerkleProofError` unless ``leaf`` is leaf ``index`` of the tree ``root``."""
    if root_from_inclusion(index, size, leaf, path) != root:
        raise MerkleProofError(f"leaf {index} is not in the tree of {size} with this root",
                               reason="root_mismatch")


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes,
                       proof: Sequence[bytes]) -> None:
    """Raise :class:`MerkleProofError` unless tree ``old_root`` is a prefix of ``new_root``
    (RFC 9162 §2.1.4.2)."""
    if not 0 <= old_size <= new_size:
        raise MerkleProofError(f"size {old_size} cannot precede size {new_size}",
                               reason="bad_size")
    if any(len(h) != HASH_SIZE for h in proof):
        raise MerkleProofError("proof hash is not 32 bytes", reason="malformed_proof")
    if old_size == new_size:
        if proof:
            raise MerkleProofError("equal sizes need an empty proof", reason="malformed_proof")
        if old_root != new_root:
            raise MerkleProofError("same size, different roots", reason="root_mismatch")
        return
    if old_size == 0:
        if proof:
            raise MerkleProofError("the empty tree needs an empty proof", reason="malformed_proof")
        if old_root != EMPTY_ROOT:
            raise MerkleProofError("an empty tree has the empty root", reason="root_mismatch")
        return
    if not proof:
        raise MerkleProofError("consistency proof is empty", reason="malformed_proof")
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for node in path[1:]:
        if sn == 0:
            raise MerkleProofError("consistency proof is too long", reason="malformed_proof")
        if fn & 1 or fn == sn:
            fr = node_hash(node, fr)
            sr = node_hash(node, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, node)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise MerkleProofError("consistency proof is too short", reason="malformed_proof")
    if fr != old_root:
        raise MerkleProofError("proof does not lead to the old root", reason="root_mismatch")
    if sr != new_root:
        raise MerkleProofError("proof does not lead to the new root", reason="root_mismatch")
