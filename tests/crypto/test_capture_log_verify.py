"""Verification of a capture log: each kind of tampering is named, with its line and byte."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto.capture_log import CaptureLog
from crypto.capture_log_entry import build_entry, key_id, parse_entry
from crypto.capture_log_file import split_log_bytes
from crypto.capture_log_verify import FAULT_TEXT, LogFault, LogIssue, verify_log
from crypto.checkpoint import Checkpoint, NoteSigner, sign_checkpoint
from crypto.merkle import MerkleTree

ORIGIN = "inkseal.test/terminal-a"
KEY = Ed25519PrivateKey.generate()


def make_log(path: Path, entries: int = 12) -> tuple[list[bytes], str]:
    with CaptureLog.open(path, KEY, "terminal-a") as log:
        for i in range(entries - 1):
            log.submit("pen.stroke", {"stroke": i, "xs": [i, i + 1]})
        note = log.checkpoint(ORIGIN)
    return path.read_bytes()[:-1].split(b"\n"), note


def write(path: Path, lines: list[bytes], tail: bytes = b"\n") -> None:
    path.write_bytes(b"\n".join(lines) + tail)


def offset_of(lines: list[bytes], index: int) -> int:
    return sum(len(line) + 1 for line in lines[:index])


def resign(lines: list[bytes], start: int, edit) -> list[bytes]:
    """Rewrite history from ``start`` with the real key, as someone holding the key could."""
    out = lines[:start]
    for line in lines[start:]:
        entry = parse_entry(line)
        data = edit(entry)
        out.append(build_entry(KEY, kid=entry.key_id, seq=entry.seq, t_us=entry.t_us,
                               mono_us=entry.mono_us, source=entry.source, kind=entry.kind,
                               prev=hashlib.sha256(out[-1]).hexdigest(), data=data,
                               blob=entry.blob).line)
    return out


@pytest.fixture
def log(tmp_path: Path) -> tuple[Path, list[bytes], str]:
    path = tmp_path / "terminal-a.jsonl"
    lines, note = make_log(path)
    return path, lines, note


def test_an_intact_log_verifies_with_its_checkpoint(log) -> None:
    path, lines, note = log
    report = verify_log(path, KEY.public_key(), source="terminal-a", checkpoint=note)
    assert report.ok and report.issue is None
    assert len(report.entries) == len(lines) and report.checkpoint is not None
    assert report.checkpoint.size == len(lines)


def test_edited_line(log) -> None:
    path, lines, _ = log
    lines[5] = lines[5].replace(b'"stroke":4', b'"stroke":9')
    write(path, lines)
    issue = verify_log(path, KEY.public_key()).issue
    assert issue is not None
    assert (issue.reason, issue.line, issue.offset, issue.seq) == (LogFault.EDITED, 6,
                                                                   offset_of(lines, 5), 5)


def test_edited_last_line(log) -> None:
    path, lines, _ = log
    lines[-1] = lines[-1].replace(b'"stroke":10', b'"stroke":11')
    write(path, lines)
    issue = verify_log(path, KEY.public_key()).issue
    assert issue is not None and (issue.reason, issue.line) == (LogFault.EDITED, len(lines))


def test_deleted_line(log) -> None:
    path, lines, _ = log
    del lines[4]
    write(path, lines)
    issue = verify_log(path, KEY.public_key()).issue
    assert issue is not None
    assert (issue.reason, issue.line, issue.offset) == (LogFault.DELETED, 5, offset_of(lines, 4))


def test_deleted_first_line(log) -> None:
    path, lines, _ = log
    write(path, lines[1:])
    issue = verify_log(path, KEY.public_key()).issue
    assert issue is not None and (issue.reason, issue.line, issue.offset) == (LogFault.DELETED, 1, 0)


def test_reordered_lines(log) -> None:
    path, lines, _ = log
    lines[3], lines[7] = lines[7], lines[3]
    write(path, lines)
    issue = verify_log(path, KEY.public_key()).issue
    assert issue is not None and (issue.reason, issue.line) == (LogFault.REORDERED, 4)


def test_inserted_forged_line(log) -> None:
    path, lines, _ = log
    impostor = Ed25519PrivateKey.generate()
    forged = build_entry(impostor, kid=key_id(KEY.public_key()), seq=6, t_us=1, mono_us=1,
                         source="terminal-a", kind="pen.stroke",
                         prev=hashlib.sha256(lines[5]).hexdigest(), data={"stroke": 99}).line
    lines.insert(6, forged)
    write(path, lines)
    issue = verify_log(path, KEY.public_key()).issue
    assert issue is not None
    assert (issue.reason, issue.line, issue.offset) == (LogFault.INSERTED, 7, offset_of(lines, 6))


def test_inserted_replayed_line(log) -> None:
    path, lines, _ = log
    lines.insert(8, lines[2])
    write(path, lines)
    issue = verify_log(path, KEY.public_key()).issue
    assert issue is not None and (issue.reason, issue.line) == (LogFault.INSERTED, 9)


def test_replayed_line_at_the_end(log) -> None:
    path, lines, _ = log
    write(path, lines + [lines[3]])
    issue = verify_log(path, KEY.public_key()).issue
    assert issue is not None and (issue.reason, issue.line) == (LogFault.INSERTED, len(lines) + 1)


def test_torn_tail(log) -> None:
    path, lines, _ = log
    cut = lines[-1][: len(lines[-1]) // 2]
    write(path, lines[:-1] + [cut], tail=b"")
    report = verify_log(path, KEY.public_key())
    assert report.issue is not None
    assert (report.issue.reason, report.issue.line, report.issue.offset) == \
        (LogFault.TORN_TAIL, len(lines), offset_of(lines, len(lines) - 1))
    assert len(report.entries) == len(lines) - 1


def test_wrong_key(log) -> None:
    path, _, _ = log
    issue = verify_log(path, Ed25519PrivateKey.generate().public_key()).issue
    assert issue is not None and (issue.reason, issue.line, issue.offset) == (LogFault.WRONG_KEY, 1, 0)


def test_bad_signature_written_as_such(tmp_path: Path) -> None:
    # A line whose signature was wrong when it was written (the next line chains to it as is).
    impostor = Ed25519PrivateKey.generate()
    kid = key_id(KEY.public_key())
    raw = base64.b64encode(KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()
    lines = [build_entry(KEY, kid=kid, seq=0, t_us=1, mono_us=1, source="terminal-a",
                         kind="log.genesis", prev="0" * 64, data={"public_key": raw}).line]
    for seq in (1, 2, 3):
        signer = impostor if seq == 2 else KEY
        lines.append(build_entry(signer, kid=kid, seq=seq, t_us=seq, mono_us=seq,
                                 source="terminal-a", kind="pen.stroke",
                                 prev=hashlib.sha256(lines[-1]).hexdigest(), data={}).line)
    path = tmp_path / "log.jsonl"
    write(path, lines)
    issue = verify_log(path, KEY.public_key()).issue
    assert issue is not None and (issue.reason, issue.line) == (LogFault.BAD_SIGNATURE, 3)


def test_wrong_source(log) -> None:
    path, _, _ = log
    issue = verify_log(path, KEY.public_key(), source="terminal-b").issue
    assert issue is not None and (issue.reason, issue.line) == (LogFault.WRONG_SOURCE, 1)


def test_non_canonical_and_malformed_lines(log) -> None:
    path, lines, _ = log
    spaced = json.dumps(json.loads(lines[4]), sort_keys=True).encode()
    write(path, lines[:4] + [spaced] + lines[5:])
    issue = verify_log(path, KEY.public_key()).issue
    assert issue is not None and (issue.reason, issue.line) == (LogFault.NOT_CANONICAL, 5)
    write(path, lines[:4] + [b"not json at all"] + lines[5:])
    issue = verify_log(path, KEY.public_key()).issue
    assert issue is not None and (issue.reason, issue.line) == (LogFault.MALFORMED, 5)


def test_lines_cut_from_the_end_need_the_checkpoint(log) -> None:
    path, lines, note = log
    write(path, lines[:-3])
    assert verify_log(path, KEY.public_key()).ok  # the chain alone cannot tell
    report = verify_log(path, KEY.public_key(), checkpoint=note)
    assert report.issue is not None
    assert (report.issue.reason, report.issue.line, report.issue.offset) == \
        (LogFault.TRUNCATED, len(lines) - 2, offset_of(lines, len(lines) - 3))


def test_history_rewritten_with_the_key_fails_the_checkpoint(log) -> None:
    path, lines, note = log
    rewritten = resign(lines, 3, lambda e: {**(e.data or {}), "stroke": -1}
                       if e.kind == "pen.stroke" else e.data)
    write(path, rewritten)
    assert verify_log(path, KEY.public_key()).ok
    issue = verify_log(path, KEY.public_key(), checkpoint=note).issue
    assert issue is not None and issue.reason == LogFault.CHECKPOINT_MISMATCH


def test_checkpoint_signed_by_another_key(log) -> None:
    path, lines, _ = log
    tree = MerkleTree()
    for line in lines:
        tree.append_entry(line)
    forged = sign_checkpoint(Checkpoint(ORIGIN, tree.size, tree.root()),
                             NoteSigner(ORIGIN, Ed25519PrivateKey.generate()))
    issue = verify_log(path, KEY.public_key(), checkpoint=forged).issue
    assert issue is not None and issue.reason == LogFault.CHECKPOINT_INVALID


def test_empty_and_missing_logs(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_bytes(b"")
    assert verify_log(tmp_path / "empty.jsonl", KEY.public_key()).issue.reason == LogFault.EMPTY
    missing = verify_log(tmp_path / "missing.jsonl", KEY.public_key())
    assert missing.issue is not None and missing.issue.reason == LogFault.UNREADABLE


def test_genesis_must_carry_the_log_key(tmp_path: Path) -> None:
    kid = key_id(KEY.public_key())
    line = build_entry(KEY, kid=kid, seq=0, t_us=1, mono_us=1, source="terminal-a",
                       kind="pen.stroke", prev="0" * 64, data={}).line
    path = tmp_path / "log.jsonl"
    write(path, [line])
    issue = verify_log(path, KEY.public_key()).issue
    assert issue is not None and issue.reason == LogFault.BAD_GENESIS


def test_base64_spare_bits_in_a_signature_do_not_pass(log) -> None:
    path, lines, _ = log
    entry = parse_entry(lines[-1])
    last_char = entry.sig[-3]  # 64 bytes: 86 characters, then "=="
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    twin = alphabet[alphabet.index(last_char) ^ 1]
    lines[-1] = lines[-1].replace(entry.sig.encode(), (entry.sig[:-3] + twin + "==").encode())
    write(path, lines)
    assert not verify_log(path, KEY.public_key()).ok


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_single_byte_change_is_detected(tmp_path_factory, data) -> None:
    path = tmp_path_factory.mktemp("flip") / "log.jsonl"
    lines, note = make_log(path, entries=6)
    raw = bytearray(path.read_bytes())
    position = data.draw(st.integers(0, len(raw) - 1))
    raw[position] = data.draw(st.integers(0, 255).filter(lambda b: b != raw[position]))
    report = verify_log(split_log_bytes(bytes(raw), str(path)), KEY.public_key(),
                        source="terminal-a", checkpoint=note)
    assert not report.ok
    assert report.issue is not None


def test_every_fault_reads_in_english_and_chinese(log) -> None:
    assert set(FAULT_TEXT) == set(LogFault)
    assert all(text["en"] and text["zh"] for text in FAULT_TEXT.values())
    path, lines, _ = log
    del lines[4]
    write(path, lines)
    issue = verify_log(path, KEY.public_key()).issue
    assert issue is not None
    assert issue.describe("en") == "line 5: entries are missing before this line"
    assert issue.describe("zh-CN") == "第 5 行：此行之前有记录被删除"
    assert LogIssue(LogFault.EMPTY, None, None, "").describe("zh") == "日志为空"
