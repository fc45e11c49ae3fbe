"""The capture log writer: line format, durable group commit, reopening, torn tails, threads."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import threading
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto import jcs
from crypto.capture_log import CaptureLog, GroupCommit, LogHead, TornTailPolicy
from crypto.capture_log_entry import (
    GENESIS_PREV,
    MAX_LINE_BYTES,
    BlobRef,
    build_entry,
    key_id,
    parse_entry,
)
from crypto.capture_log_verify import verify_log
from crypto.checkpoint import NoteVerifier, open_checkpoint
from crypto.errors import CaptureLogError, TornTailError
from crypto.merkle import MerkleTree, verify_inclusion
from devices.clock import SessionClock  # the tests may join layers; crypto/ itself does not


class StepClock:
    """A clock that moves 1 ms per reading, so times are predictable and strictly increasing."""

    def __init__(self) -> None:
        self.mono = 5_000_000_000
        self.lock = threading.Lock()

    def now_ns(self) -> int:
        with self.lock:
            self.mono += 1_000_000
            return self.mono

    def wall_ns(self, mono_ns: int) -> int:
        return 1_764_400_000_000_000_000 + mono_ns


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    return tmp_path / "terminal-a.jsonl"


def open_log(path: Path, key: Ed25519PrivateKey, **kwargs) -> CaptureLog:
    kwargs.setdefault("clock", StepClock())
    return CaptureLog.open(path, key, "terminal-a", **kwargs)


def lines_of(path: Path) -> list[bytes]:
    data = path.read_bytes()
    assert data.endswith(b"\n")
    return data[:-1].split(b"\n")


def test_new_log_starts_with_a_genesis_entry_and_chains_every_line(log_path, key) -> None:
    with open_log(log_path, key) as log:
        first = log.append("pen.stroke", {"stroke": 1, "xs": [10, 11], "ys": [20, 21]})
        second = log.append("page.shown", {"page": 2, "shown_ms": 1500})
    lines = lines_of(log_path)
    assert len(lines) == 3
    genesis = json.loads(lines[0])
    assert genesis["kind"] == "log.genesis" and genesis["seq"] == 0 and genesis["prev"] == GENESIS_PREV
    assert genesis["data"]["alg"] == "Ed25519"
    assert (first.seq, second.seq) == (1, 2)
    assert first.line == lines[1] and second.line == lines[2]
    for before, line in zip(lines, lines[1:]):
        assert json.loads(line)["prev"] == hashlib.sha256(before).hexdigest()
    for line in lines:
        assert jcs.canonicalize(jcs.loads_strict(line)) == line
        entry = parse_entry(line)
        assert entry.signature_valid(key.public_key())
        assert entry.key_id == key_id(key.public_key()) and entry.source == "terminal-a"
    assert verify_log(log_path, key.public_key(), source="terminal-a").ok


def test_times_are_microseconds_from_the_clock(log_path, key) -> None:
    clock = StepClock()
    with open_log(log_path, key, clock=clock) as log:
        entry = log.append("page.shown", {"page": 1})
    assert entry.mono_us == clock.mono // 1000
    assert entry.t_us == clock.wall_ns(clock.mono) // 1000


blob_refs = st.builds(BlobRef, st.binary(min_size=32, max_size=32).map(bytes.hex),
                      st.integers(0, jcs.MAX_SAFE_INTEGER))
payloads = st.none() | st.dictionaries(
    st.text(max_size=8), st.recursive(
        st.none() | st.booleans() | st.integers(-jcs.MAX_SAFE_INTEGER, jcs.MAX_SAFE_INTEGER)
        | st.text(max_size=12),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                    max_size=3),
        max_leaves=8),
    max_size=5)


@settings(max_examples=150, deadline=None)
@given(payloads, st.none() | blob_refs, st.integers(0, 10**9), st.sampled_from(["a", "pen.stroke"]))
def test_assembled_line_is_the_rfc_8785_form(data, blob, seq, kind) -> None:
    private = Ed25519PrivateKey.generate()
    entry = build_entry(private, kid=key_id(private.public_key()), seq=seq, t_us=1_764_400_000_000_000,
                        mono_us=123, source="terminal-a", kind=kind, prev="ab" * 32, data=data,
                        blob=blob)
    assert jcs.canonicalize(jcs.loads_strict(entry.line)) == entry.line
    parsed = parse_entry(entry.line)
    assert (parsed.seq, parsed.data, parsed.blob, parsed.kind) == (seq, data, blob, kind)
    assert parsed.signature_valid(private.public_key())
    unsigned = {k: v for k, v in jcs.loads_strict(entry.line).items() if k != "sig"}
    assert parsed.signed_bytes() == jcs.canonicalize(unsigned)


def test_reopening_an_intact_log_continues_the_chain(log_path, key) -> None:
    with open_log(log_path, key) as log:
        log.append("pen.stroke", {"stroke": 1})
        head = log.head
    with open_log(log_path, key) as log:
        assert log.head.size == head.size + 1
        resumed = parse_entry(lines_of(log_path)[head.size])
        assert resumed.kind == "log.resumed" and resumed.data == {"after_seq": head.size - 1}
        assert resumed.prev == head.line_hash.hex()
        later = log.append("pen.stroke", {"stroke": 2})
    assert later.seq == head.size + 1
    report = verify_log(log_path, key.public_key(), source="terminal-a")
    assert report.ok and len(report.entries) == head.size + 2


def test_a_second_writer_on_the_same_file_is_refused(log_path, key) -> None:
    with open_log(log_path, key) as log:
        log.append("pen.stroke", {"stroke": 1})
        before = log_path.read_bytes()
        with pytest.raises(CaptureLogError) as err:
            open_log(log_path, key)
        assert err.value.reason == "in_use"
        assert log_path.read_bytes() == before
    with open_log(log_path, key):  # free again once closed
        pass


def test_reopening_with_another_key_or_source_is_refused(log_path, key) -> None:
    open_log(log_path, key).close()
    before = log_path.read_bytes()
    with pytest.raises(CaptureLogError) as err:
        open_log(log_path, Ed25519PrivateKey.generate())
    assert (err.value.reason, err.value.line) == ("wrong_key", 1)
    with pytest.raises(CaptureLogError) as err:
        CaptureLog.open(log_path, key, "terminal-b", clock=StepClock())
    assert err.value.reason == "wrong_source"
    assert log_path.read_bytes() == before


def test_reopening_a_damaged_log_is_refused_and_names_the_line(log_path, key) -> None:
    with open_log(log_path, key) as log:
        for i in range(5):
            log.append("pen.stroke", {"stroke": i})
    lines = lines_of(log_path)
    lines[2] = lines[2].replace(b'"stroke":1', b'"stroke":7')
    log_path.write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(CaptureLogError) as err:
        open_log(log_path, key)
    assert (err.value.reason, err.value.line) == ("edited", 3)
    assert err.value.offset == sum(len(x) + 1 for x in lines[:2])


def test_torn_tail_is_reported_with_line_and_offset_and_left_alone(log_path, key) -> None:
    with open_log(log_path, key) as log:
        log.append("pen.stroke", {"stroke": 1})
    intact = log_path.read_bytes()
    torn = b'{"data":{"stroke":2},"kid":"'
    log_path.write_bytes(intact + torn)
    with pytest.raises(TornTailError) as err:
        open_log(log_path, key)
    assert (err.value.reason, err.value.line, err.value.offset, err.value.length) == \
        ("torn_tail", 3, len(intact), len(torn))
    assert log_path.read_bytes() == intact + torn


def test_torn_tail_can_be_set_aside_and_the_recovery_is_logged(log_path, key) -> None:
    with open_log(log_path, key) as log:
        log.append("pen.stroke", {"stroke": 1})
    intact = log_path.read_bytes()
    torn = b'{"data":{"stroke":2},"ki'
    log_path.write_bytes(intact + torn)
    with open_log(log_path, key, torn_tail=TornTailPolicy.QUARANTINE) as log:
        assert log.recovered_tail is not None and log.recovered_tail.offset == len(intact)
    side = log_path.with_name(f"{log_path.name}.torn-{len(intact)}")
    assert side.read_bytes() == torn
    lines = lines_of(log_path)
    recovery = parse_entry(lines[2])
    assert recovery.kind == "log.torn_tail"
    assert recovery.data == {"line": 3, "offset": len(intact), "length": len(torn),
                             "sha256": hashlib.sha256(torn).hexdigest()}
    assert parse_entry(lines[3]).kind == "log.resumed"
    assert verify_log(log_path, key.public_key()).ok


def test_a_torn_first_line_leaves_a_fresh_log(log_path, key) -> None:
    log_path.write_bytes(b'{"blob')
    with open_log(log_path, key, torn_tail=TornTailPolicy.QUARANTINE) as log:
        assert log.recovered_tail is not None
    kinds = [parse_entry(line).kind for line in lines_of(log_path)]
    assert kinds == ["log.genesis", "log.torn_tail"]
    assert verify_log(log_path, key.public_key()).ok


def test_concurrent_appends_from_device_threads(log_path, key) -> None:
    per_thread, threads = 300, 6
    seqs: dict[int, list[int]] = {}

    def device(n: int) -> None:
        pending = [log.submit("pen.sample", {"device": n, "i": i}) for i in range(per_thread)]
        seqs[n] = [p.result(10).seq for p in pending]

    with open_log(log_path, key, commit=GroupCommit(max_batch=64)) as log:
        workers = [threading.Thread(target=device, args=(n,)) for n in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    every = sorted(s for values in seqs.values() for s in values)
    assert every == list(range(1, threads * per_thread + 1))
    for values in seqs.values():
        assert values == sorted(values)  # each device's entries stay in its own order
    report = verify_log(log_path, key.public_key())
    assert report.ok and len(report.entries) == threads * per_thread + 1
    by_device: dict[int, list[int]] = {}
    for entry in report.entries[1:]:
        assert entry.data is not None
        by_device.setdefault(entry.data["device"], []).append(entry.data["i"])
    assert all(v == list(range(per_thread)) for v in by_device.values())


def test_group_commit_batches_fsyncs_and_acknowledges_only_durable_lines(
        log_path, key, monkeypatch) -> None:
    synced_sizes: list[int] = []
    real = os.fdatasync

    def recording_fdatasync(fd: int) -> None:
        real(fd)
        synced_sizes.append(os.fstat(fd).st_size)

    monkeypatch.setattr(os, "fdatasync", recording_fdatasync)
    acknowledged: list[tuple[int, int]] = []
    with open_log(log_path, key, commit=GroupCommit(max_batch=500, max_delay_s=0.02)) as log:
        pending = [log.submit("pen.sample", {"i": i}) for i in range(2000)]

        def on_durable(p) -> None:
            acknowledged.append((p.seq, synced_sizes[-1]))

        for p in pending:
            p.add_done_callback(on_durable)
        log.flush()
    assert len(synced_sizes) <= 20  # 2001 lines in a handful of batches, not 2001 fsyncs
    ends = {}
    offset = 0
    for seq, line in enumerate(lines_of(log_path)):
        offset += len(line) + 1
        ends[seq] = offset
    assert len(acknowledged) == 2000
    for seq, synced in acknowledged:
        assert synced >= ends[seq]  # the line was on disk when its caller was told


def test_a_failed_fsync_fails_the_batch_and_every_later_append(log_path, key, monkeypatch) -> None:
    log = open_log(log_path, key)

    def failing_fdatasync(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdatasync", failing_fdatasync)
    with pytest.raises(CaptureLogError) as err:
        log.append("pen.stroke", {"stroke": 1})
    assert err.value.reason == "disk_full" and err.value.line == 2
    with pytest.raises(CaptureLogError) as err:
        log.submit("pen.stroke", {"stroke": 2})
    assert err.value.reason == "disk_full"
    log.close()


def test_backlog_and_timeouts_never_block_forever(log_path, key, monkeypatch) -> None:
    release = threading.Event()
    real = os.fdatasync

    def stalled_fdatasync(fd: int) -> None:
        release.wait(5)
        real(fd)

    log = open_log(log_path, key, commit=GroupCommit(max_batch=2, max_pending=4,
                                                     room_timeout_s=0.2))
    monkeypatch.setattr(os, "fdatasync", stalled_fdatasync)
    try:
        with pytest.raises(CaptureLogError) as err:
            log.append("pen.stroke", {"stroke": 0}, timeout=0.1)
        assert err.value.reason == "timeout"
        with pytest.raises(CaptureLogError) as err:
            for i in range(20):
                log.submit("pen.stroke", {"stroke": i})
        assert err.value.reason == "backlog_full"
        with pytest.raises(CaptureLogError) as err:
            log.flush(timeout=0.1)
        assert err.value.reason == "timeout"
    finally:
        release.set()
        log.close()
    assert verify_log(log_path, key.public_key()).ok


@pytest.mark.parametrize("kind,data,reason", [
    ("Pen Stroke", {}, "bad_kind"), ("pen.stroke", {"p": 0.5}, "bad_payload"),
    ("pen.stroke", {"t_ns": 1_764_400_000_123_456_789}, "bad_payload"),
    ("pen.stroke", ["not", "an", "object"], "bad_payload"),
    ("pen.stroke", {"xs": list(range(10_000))}, "payload_too_large"),
])
def test_bad_appends_are_refused_before_anything_is_written(log_path, key, kind, data,
                                                            reason) -> None:
    with open_log(log_path, key) as log:
        before = log.head
        with pytest.raises(CaptureLogError) as err:
            log.submit(kind, data)
        assert err.value.reason == reason
        assert log.flush() == before
    with pytest.raises(CaptureLogError) as err:
        log.submit("pen.stroke", {})
    assert err.value.reason == "closed"


def test_large_payloads_go_to_blobs_hashed_in_chunks(tmp_path, log_path, key) -> None:
    media = tmp_path / "segment-0001.mp4"
    content = os.urandom(3 * 1024 * 1024 + 17)
    media.write_bytes(content)
    blob = BlobRef.of_file(media, chunk_size=64 * 1024)
    assert blob == BlobRef(hashlib.sha256(content).hexdigest(), len(content)) == BlobRef.of_bytes(content)
    with open_log(log_path, key) as log:
        entry = log.append("av.segment", {"index": 1}, blob=blob)
    line = json.loads(entry.line)
    assert (line["blob_sha256"], line["blob_len"]) == (blob.sha256, blob.length)
    assert len(entry.line) < MAX_LINE_BYTES


def test_checkpoint_and_inclusion_proofs(log_path, key) -> None:
    with open_log(log_path, key) as log:
        for i in range(20):
            log.submit("pen.stroke", {"stroke": i})
        note = log.checkpoint("inkseal.test/terminal-a")
        proof = log.inclusion_proof(7, 21)
        old = log.consistency_proof(10, 21)
    checkpoint = open_checkpoint(note, [NoteVerifier.for_key("inkseal.test/terminal-a",
                                                             key.public_key())])
    lines = lines_of(log_path)
    assert checkpoint.size == len(lines) == 21
    tree = MerkleTree()
    for line in lines:
        tree.append_entry(line)
    assert checkpoint.root_hash == tree.root()
    verify_inclusion(7, 21, hashlib.sha256(b"\x00" + lines[7]).digest(), proof, checkpoint.root_hash)
    assert old == tree.consistency_proof(10, 21)
    assert verify_log(log_path, key.public_key(), checkpoint=note).ok


def test_cross_anchoring_logs_the_other_machines_head(tmp_path, key) -> None:
    other_key = Ed25519PrivateKey.generate()
    with CaptureLog.open(tmp_path / "ws.jsonl", other_key, "workstation", clock=StepClock()) as ws, \
            open_log(tmp_path / "a.jsonl", key) as terminal:
        ws.append("record.pushed", {"pages": 3})
        entry = terminal.anchor(ws.head)
        assert entry.kind == "log.anchor"
        assert entry.data == {"src": "workstation", "seq": 1,
                              "line_sha256": ws.head.line_hash.hex()}
        with pytest.raises(CaptureLogError):
            terminal.anchor(LogHead("workstation", 0, b"\x00" * 32))


def test_append_latency_is_not_held_back_by_the_batch_delay(log_path, key) -> None:
    with open_log(log_path, key, commit=GroupCommit(max_delay_s=5.0)) as log:
        started = time.monotonic()
        log.append("page.shown", {"page": 1})
        assert time.monotonic() - started < 2.0


def test_the_devices_session_clock_drives_the_log(log_path, key) -> None:
    clock = SessionClock()
    before = clock.now_ns()
    with CaptureLog.open(log_path, key, "terminal-a", clock=clock) as log:
        entry = log.append("page.shown", {"page": 1})
    after = clock.now_ns()
    assert before // 1000 <= entry.mono_us <= after // 1000
    assert abs(entry.t_us - clock.wall_ns(entry.mono_us * 1000) // 1000) <= 1
