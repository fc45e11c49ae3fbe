"""C2SP signed notes and tlog checkpoints: the reference vector, round trips, and refusals."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from crypto.checkpoint import (
    Checkpoint,
    NoteSigner,
    NoteVerifier,
    open_checkpoint,
    open_note,
    sign_checkpoint,
    sign_note,
)
from crypto.errors import CheckpointError
from crypto.merkle import MerkleTree

# The signed-note reference vector of golang.org/x/mod/sumdb/note (note_test.go).
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_TEXT = ("If you think cryptography is the answer to your problem,\n"
           "then you don't know what your problem is.\n")
GO_NOTE = GO_TEXT + ("\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgY"
                     "N1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n")


def go_signer() -> NoteSigner:
    seed = base64.b64decode(GO_SKEY.split("+", 4)[4])
    assert seed[0] == 0x01
    return NoteSigner("PeterNeumann", Ed25519PrivateKey.from_private_bytes(seed[1:]))


def test_reference_note_is_reproduced_byte_for_byte() -> None:
    signer = go_signer()
    assert signer.verifier.text() == GO_VKEY
    assert sign_note(GO_TEXT, [signer]) == GO_NOTE
    opened = open_note(GO_NOTE, [NoteVerifier.parse(GO_VKEY)])
    assert opened.text == GO_TEXT and opened.verified_by == ("PeterNeumann",)


def test_reference_note_fails_when_text_changes() -> None:
    with pytest.raises(CheckpointError) as err:
        open_note(GO_NOTE.replace("cryptography", "cryptographY"), [NoteVerifier.parse(GO_VKEY)])
    assert err.value.reason == "bad_signature"


def test_verifier_key_manglings_are_refused() -> None:
    for i in range(len(GO_VKEY)):
        mangled = GO_VKEY[:i] + chr(ord(GO_VKEY[i]) + 1) + GO_VKEY[i + 1:]
        with pytest.raises(CheckpointError):
            NoteVerifier.parse(mangled)
    for cut in (GO_VKEY[:-4], GO_VKEY.split("+", 1)[1], "PeterNeumann+c74f20a3"):
        with pytest.raises(CheckpointError):
            NoteVerifier.parse(cut)


def _log_signer(name: str = "inkseal.test/terminal-a") -> NoteSigner:
    return NoteSigner(name, Ed25519PrivateKey.generate())


def test_checkpoint_text_format_and_round_trip() -> None:
    tree = MerkleTree()
    for i in range(5):
        tree.append_entry(b"entry %d" % i)
    cp = Checkpoint("inkseal.test/terminal-a", tree.size, tree.root())
    assert cp.text() == f"inkseal.test/terminal-a\n5\n{base64.b64encode(tree.root()).decode()}\n"
    signer = _log_signer()
    note = sign_checkpoint(cp, signer)
    lines = note.split("\n")
    assert lines[3] == "" and lines[4].startswith("\u2014 inkseal.test/terminal-a ")
    assert base64.b64decode(lines[4].split(" ")[2])[:4] == signer.verifier.key_id
    assert open_checkpoint(note, [signer.verifier], origin=cp.origin) == cp


def test_spec_example_checkpoint_parses() -> None:
    text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    cp = Checkpoint.parse(text)
    assert (cp.origin, cp.size, len(cp.root_hash)) == ("example.com/behind-the-sofa", 20852163, 32)
    assert cp.text() == text


def test_unknown_signatures_are_ignored_but_one_trusted_signature_is_required() -> None:
    log, witness = _log_signer(), _log_signer("witness.test/w1")
    cp = Checkpoint("inkseal.test/terminal-a", 0, MerkleTree().root())
    note = sign_note(cp.text(), [witness, log])
    assert open_note(note, [log.verifier]).verified_by == ("inkseal.test/terminal-a",)
    with pytest.raises(CheckpointError) as err:
        open_note(sign_note(cp.text(), [witness]), [log.verifier])
    assert err.value.reason == "unverified"


def test_same_name_other_key_is_not_trusted() -> None:
    real, impostor = _log_signer(), _log_signer()
    note = sign_checkpoint(Checkpoint("inkseal.test/terminal-a", 0, MerkleTree().root()), impostor)
    with pytest.raises(CheckpointError) as err:
        open_checkpoint(note, [real.verifier])
    assert err.value.reason == "unverified"


@pytest.mark.parametrize("edit", [
    lambda n: n.replace("\n5\n", "\n6\n"),
    lambda n: n.replace("terminal-a\n", "terminal-b\n", 1),
    lambda n: n[:-3] + ("A" if n[-3] != "A" else "B") + n[-2:],
])
def test_tampered_checkpoints_are_refused(edit) -> None:
    signer = _log_signer()
    tree = MerkleTree(b"\x11" * 32 for _ in range(5))
    note = sign_checkpoint(Checkpoint("inkseal.test/terminal-a", 5, tree.root()), signer)
    with pytest.raises(CheckpointError) as err:
        open_checkpoint(edit(note), [signer.verifier])
    assert err.value.reason in ("bad_signature", "unverified", "malformed_note")


@pytest.mark.parametrize("note", [
    "no blank line\n\u2014 a AAAA\n", "text\n\n\u2014 a\n", "text\n\nnot a signature\n",
    "text\n\n\u2014 a !!!!\n", "te\x01xt\n\n\u2014 a AAAAAAAA\n", "text\n\n\u2014 a AAAAAAAA",
])
def test_malformed_notes(note: str) -> None:
    with pytest.raises(CheckpointError) as err:
        open_note(note, [_log_signer("a").verifier])
    assert err.value.reason == "malformed_note"


@pytest.mark.parametrize("text", ["origin\n5\n", "origin\n05\nAAAA\n", "origin\n-1\nAAAA\n",
                                  "origin\n5\nnot base64!\n", "origin\n5\nAAAA\n", "\n5\nAAAA\n"])
def test_malformed_checkpoint_texts(text: str) -> None:
    with pytest.raises(CheckpointError) as err:
        Checkpoint.parse(text)
    assert err.value.reason == "malformed_checkpoint"


def test_wrong_origin_and_bad_key_names() -> None:
    signer = _log_signer()
    note = sign_checkpoint(Checkpoint("inkseal.test/terminal-a", 0, MerkleTree().root()), signer)
    with pytest.raises(CheckpointError) as err:
        open_checkpoint(note, [signer.verifier], origin="inkseal.test/terminal-b")
    assert err.value.reason == "wrong_origin"
    for name in ("", "has space", "a+b"):
        with pytest.raises(CheckpointError):
            NoteSigner(name, Ed25519PrivateKey.generate())
