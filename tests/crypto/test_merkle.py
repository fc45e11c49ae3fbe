"""RFC 9162 Merkle tree: known answers, the recursive definitions, and proofs that must fail."""

from __future__ import annotations

import hashlib
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto.errors import MerkleProofError
from crypto.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    leaf_hash,
    node_hash,
    root_from_inclusion,
    tree_root,
    verify_consistency,
    verify_inclusion,
)

h = bytes.fromhex

# The RFC 6962 reference test tree (certificate-transparency test data): leaves and the root
# after each one, an inclusion proof and two consistency proofs.
CT_LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
             "606162636465666768696a6b6c6d6e6f"]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def _largest_power_below(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


# The recursive definitions of RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1, transcribed literally.
def mth(d: list[bytes]) -> bytes:
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return hashlib.sha256(b"\x00" + d[0]).digest()
    k = _largest_power_below(len(d))
    return hashlib.sha256(b"\x01" + mth(d[:k]) + mth(d[k:])).digest()


def path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _largest_power_below(len(d))
    if m < k:
        return path(m, d[:k]) + [mth(d[k:])]
    return path(m - k, d[k:]) + [mth(d[:k])]


def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [mth(d)]
    k = _largest_power_below(n)
    if m <= k:
        return subproof(m, d[:k], b) + [mth(d[k:])]
    return subproof(m - k, d[k:], False) + [mth(d[:k])]


def entries(n: int, seed: int = 0) -> list[bytes]:
    rng = random.Random(seed)
    return [rng.randbytes(rng.randrange(0, 40)) for _ in range(n)]


def test_reference_tree_roots() -> None:
    tree = MerkleTree()
    for i, leaf in enumerate(CT_LEAVES):
        tree.append_entry(h(leaf))
        assert tree.root().hex() == CT_ROOTS[i]
        assert tree_root(leaf_hash(h(x)) for x in CT_LEAVES[:i + 1]).hex() == CT_ROOTS[i]
    assert [tree.root(i + 1).hex() for i in range(8)] == CT_ROOTS


def test_reference_inclusion_and_consistency_proofs() -> None:
    tree = MerkleTree(leaf_hash(h(x)) for x in CT_LEAVES)
    assert [p.hex() for p in tree.inclusion_proof(5, 8)] == [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]
    assert tree.inclusion_proof(2, 3) == [h(CT_ROOTS[1])]
    assert [p.hex() for p in tree.consistency_proof(6, 8)] == [
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]
    assert [p.hex() for p in tree.consistency_proof(2, 5)] == [
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]
    verify_consistency(6, 8, h(CT_ROOTS[5]), h(CT_ROOTS[7]), tree.consistency_proof(6, 8))
    with pytest.raises(MerkleProofError):
        verify_consistency(6, 8, h(CT_ROOTS[4]), h(CT_ROOTS[7]), tree.consistency_proof(6, 8))


def test_empty_tree() -> None:
    assert MerkleTree().root() == EMPTY_ROOT == tree_root([]) == mth([])
    verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    with pytest.raises(MerkleProofError):
        MerkleTree().inclusion_proof(0)


@pytest.mark.parametrize("n", range(1, 41))
def test_every_proof_matches_the_recursive_definition(n: int) -> None:
    data = entries(n, seed=n)
    tree = MerkleTree(leaf_hash(e) for e in data)
    assert tree.root() == mth(data) == tree_root(leaf_hash(e) for e in data)
    for m in range(n):
        proof = tree.inclusion_proof(m)
        assert proof == path(m, data)
        verify_inclusion(m, n, leaf_hash(data[m]), proof, tree.root())
    for m in range(1, n):
        proof = tree.consistency_proof(m)
        assert proof == subproof(m, data, True)
        verify_consistency(m, n, mth(data[:m]), tree.root(), proof)
    # Earlier sizes of the same tree answer as a tree of that size would.
    for size in range(1, n + 1):
        assert tree.root(size) == mth(data[:size])


@pytest.mark.parametrize("n", [64, 100, 257, 1000, 3001])
def test_random_sizes_against_the_recursive_definition(n: int) -> None:
    rng = random.Random(n)
    data = entries(n, seed=n)
    tree = MerkleTree(leaf_hash(e) for e in data)
    assert tree.root() == mth(data)
    for _ in range(10):
        m = rng.randrange(n)
        assert tree.inclusion_proof(m) == path(m, data)
        old, new = sorted(rng.sample(range(1, n + 1), 2))
        assert tree.consistency_proof(old, new) == subproof(old, data[:new], True)
        verify_consistency(old, new, tree.root(old), tree.root(new), tree.consistency_proof(old, new))


def _mutations(proof: list[bytes]) -> list[list[bytes]]:
    out = [proof[:-1], proof + [bytes(32)], [bytes(32)] + proof] if proof else [[bytes(32)]]
    for i in range(len(proof)):
        flipped = bytearray(proof[i])
        flipped[i % 32] ^= 1
        out.append(proof[:i] + [bytes(flipped)] + proof[i + 1:])
    if len(proof) > 1:
        out.append(list(reversed(proof)))
    return [p for p in out if p != proof]


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 13, 31, 40])
def test_inclusion_proofs_fail_for_anything_else(n: int) -> None:
    data = entries(n, seed=100 + n)
    tree = MerkleTree(leaf_hash(e) for e in data)
    root = tree.root()
    for m in range(n):
        proof = tree.inclusion_proof(m)
        leaf = leaf_hash(data[m])
        for bad in _mutations(proof):
            with pytest.raises(MerkleProofError):
                verify_inclusion(m, n, leaf, bad, root)
        with pytest.raises(MerkleProofError):
            verify_inclusion(m, n, leaf_hash(data[m] + b"x"), proof, root)
        with pytest.raises(MerkleProofError):
            verify_inclusion(m, n, leaf, proof, node_hash(root, root))
        for other in {m - 1, m + 1, n} - {m}:
            if other >= 0:
                with pytest.raises(MerkleProofError):
                    verify_inclusion(other, n, leaf, proof, root)
        # A size whose path has another length cannot take this proof.  (Sizes with the same
        # path shape legitimately lead to the same root; the signed checkpoint fixes the size.)
        for size in range(m + 1, 2 * n + 2):
            if len(path(m, data[:1] * size)) != len(proof):
                with pytest.raises(MerkleProofError):
                    verify_inclusion(m, size, leaf, proof, root)


@pytest.mark.parametrize("n", [2, 3, 4, 7, 8, 9, 20, 33])
def test_consistency_proofs_fail_for_anything_else(n: int) -> None:
    data = entries(n, seed=200 + n)
    tree = MerkleTree(leaf_hash(e) for e in data)
    for m in range(1, n):
        proof = tree.consistency_proof(m)
        old, new = tree.root(m), tree.root()
        for bad in _mutations(proof):
            with pytest.raises(MerkleProofError):
                verify_consistency(m, n, old, new, bad)
        with pytest.raises(MerkleProofError):
            verify_consistency(m, n, new, old, proof)
        with pytest.raises(MerkleProofError):
            verify_consistency(m, n, tree.root(m - 1) if m > 1 else bytes(32), new, proof)
        for wrong_old in {m - 1, m + 1} - {0, n}:
            with pytest.raises(MerkleProofError):
                verify_consistency(wrong_old, n, old, new, proof)
        for wrong_new in range(m + 1, 2 * n + 2):
            if len(subproof(m, data[:1] * wrong_new, True)) != len(proof):
                with pytest.raises(MerkleProofError):
                    verify_consistency(m, wrong_new, old, new, proof)
    with pytest.raises(MerkleProofError):
        verify_consistency(n, n - 1, tree.root(), tree.root(n - 1), [])
    with pytest.raises(MerkleProofError):
        verify_consistency(n, n, tree.root(), tree.root(n - 1), [])


def test_a_rewritten_history_is_not_consistent() -> None:
    data = entries(20, seed=7)
    honest = MerkleTree(leaf_hash(e) for e in data)
    forked = MerkleTree(leaf_hash(e) for e in data[:9] + [b"forged"] + data[10:])
    with pytest.raises(MerkleProofError):
        verify_consistency(12, 20, honest.root(12), forked.root(), forked.consistency_proof(12))


@pytest.mark.parametrize("split", [0, 1, 5, 16, 17, 33])
def test_a_tree_built_at_once_grows_like_one_built_leaf_by_leaf(split: int) -> None:
    leaves = [leaf_hash(e) for e in entries(40, seed=split)]
    bulk = MerkleTree(leaves[:split])
    single = MerkleTree()
    for leaf in leaves[:split]:
        single.append(leaf)
    for leaf in leaves[split:]:
        bulk.append(leaf)
        single.append(leaf)
    assert bulk._levels == single._levels
    assert bulk.root() == single.root() == tree_root(leaves)


def test_bad_arguments_are_typed_errors() -> None:
    tree = MerkleTree(leaf_hash(e) for e in entries(5))
    for call in (lambda: tree.inclusion_proof(5), lambda: tree.inclusion_proof(0, 6),
                 lambda: tree.consistency_proof(3, 6), lambda: tree.root(6),
                 lambda: root_from_inclusion(-1, 5, bytes(32), [])):
        with pytest.raises(MerkleProofError):
            call()
    with pytest.raises(ValueError):
        tree.append(b"short")


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 600), st.data())
def test_proofs_verify_for_any_size(n: int, data: st.DataObject) -> None:
    tree = MerkleTree(hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(n))
    m = data.draw(st.integers(0, n - 1))
    verify_inclusion(m, n, tree.leaf(m), tree.inclusion_proof(m), tree.root())
    old = data.draw(st.integers(0, n))
    verify_consistency(old, n, tree.root(old), tree.root(), tree.consistency_proof(old))
