"""Two machines' logs sealed into one checkpoint, cross-anchored, and verified together;
single-entry and consistency proofs an archivist can hand out."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from crypto.capture_log import CaptureLog
from crypto.capture_log_entry import build_entry, parse_entry
from crypto.capture_log_proofs import (
    EntryProof,
    prove_consistency,
    prove_entry,
    verify_checkpoint_consistency,
    verify_entry_proof,
)
from crypto.capture_log_seal import SealedLogs, merge_entries, seal_logs, verify_sealed_logs
from crypto.capture_log_verify import LogFault, verify_log
from crypto.checkpoint import NoteSigner, NoteVerifier
from crypto.errors import CaptureLogError, CheckpointError, MerkleProofError

WS_KEY, TERM_KEY = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
WS_ORIGIN, TERM_ORIGIN = "inkseal.test/workstation", "inkseal.test/terminal-a"
SEAL_ORIGIN = "inkseal.test/record/2026-0042"


class SharedClock:
    """One clock for both machines in the test, 1 ms per reading (monotonic, interleaving)."""

    def __init__(self, start: int = 10**15) -> None:
        self.mono = start
        self.lock = threading.Lock()

    def now_ns(self) -> int:
        with self.lock:
            self.mono += 1_000_000
            return self.mono

    def wall_ns(self, mono_ns: int) -> int:
        return 1_764_400_000_000_000_000 + mono_ns


class Session:
    def __init__(self, tmp: Path) -> None:
        clock = SharedClock()
        self.ws_path, self.term_path = tmp / "workstation.jsonl", tmp / "terminal-a.jsonl"
        self.ws = CaptureLog.open(self.ws_path, WS_KEY, "workstation", clock=clock)
        self.term = CaptureLog.open(self.term_path, TERM_KEY, "terminal-a", clock=clock)

    def run(self) -> None:
        self.ws.append("record.pushed", {"pages": 2})
        self.term.anchor(self.ws.head)
        for page in (1, 2):
            self.term.append("page.shown", {"page": page, "shown_ms": 900})
        for stroke in range(5):
            self.term.append("pen.stroke", {"stroke": stroke, "xs": [stroke, stroke + 3]})
            self.ws.append("pen.mirror", {"stroke": stroke})
        self.ws.anchor(self.term.head)

    def checkpoints(self) -> tuple[str, str]:
        return self.ws.checkpoint(WS_ORIGIN), self.term.checkpoint(TERM_ORIGIN)

    def close(self) -> None:
        self.ws.close()
        self.term.close()


@pytest.fixture
def session(tmp_path: Path):
    s = Session(tmp_path)
    s.run()
    yield s
    s.close()


def sealed_of(session: Session) -> tuple[SealedLogs, list]:
    ws_note, term_note = session.checkpoints()
    reports = [verify_log(session.ws_path, WS_KEY.public_key(), source="workstation",
                          checkpoint=ws_note),
               verify_log(session.term_path, TERM_KEY.public_key(), source="terminal-a",
                          checkpoint=term_note)]
    return seal_logs(reports, NoteSigner(SEAL_ORIGIN, WS_KEY))


def verify(session: Session, sealed: SealedLogs, **overrides):
    logs = {"workstation": session.ws_path, "terminal-a": session.term_path}
    keys = {"workstation": WS_KEY.public_key(), "terminal-a": TERM_KEY.public_key()}
    logs.update(overrides.pop("logs", {}))
    keys.update(overrides.pop("keys", {}))
    return verify_sealed_logs(logs, keys, sealed, overrides.pop("seal_key", WS_KEY.public_key()))


def test_merge_is_deterministic_and_keeps_each_logs_order(session) -> None:
    sealed, merged = sealed_of(session)
    again, merged_again = sealed_of(session)
    assert sealed.combined.split("\n")[:3] == again.combined.split("\n")[:3]
    assert [e.line for e in merged] == [e.line for e in merged_again]
    keys = [(e.t_us, e.source, e.seq) for e in merged]
    assert keys == sorted(keys)
    for source in ("workstation", "terminal-a"):
        seqs = [e.seq for e in merged if e.source == source]
        assert seqs == list(range(len(seqs)))


def test_merge_keeps_a_logs_own_order_when_its_clock_steps_back(tmp_path: Path) -> None:
    def entries(source: str, key: Ed25519PrivateKey, times: list[int]) -> list:
        out, prev = [], "0" * 64
        for seq, t in enumerate(times):
            entry = build_entry(key, kid="00" * 8, seq=seq, t_us=t, mono_us=seq, source=source,
                                kind="pen.stroke", prev=prev, data={})
            prev = entry.line_hash.hex()
            out.append(entry)
        return out

    a = entries("terminal-a", TERM_KEY, [10, 20, 15, 30])  # wall clock stepped back
    b = entries("workstation", WS_KEY, [12, 16, 25])
    merged = merge_entries([a, b])
    assert [e.seq for e in merged if e.source == "terminal-a"] == [0, 1, 2, 3]
    assert [(e.source, e.seq) for e in merged] == [(e.source, e.seq) for e in merge_entries([b, a])]
    with pytest.raises(CaptureLogError) as err:
        merge_entries([a, a])
    assert err.value.reason == "duplicate_source"


def test_sealed_logs_verify_and_survive_a_json_round_trip(session) -> None:
    sealed, merged = sealed_of(session)
    assert SealedLogs.from_json(sealed.to_json()) == sealed
    assert SealedLogs.from_notes(sealed.notes()) == sealed
    assert sealed.notes()[0] == sealed.combined and len(sealed.notes()) == 3
    session.term.append("pen.stroke", {"after": "seal"})  # later entries do not disturb a seal
    report = verify(session, sealed)
    assert report.ok, report.issues
    assert report.combined is not None and report.combined.size == len(merged)
    assert [e.line for e in report.merged] == [e.line for e in merged]


def test_tampered_log_is_named_by_source(session) -> None:
    sealed, _ = sealed_of(session)
    session.close()
    lines = session.term_path.read_bytes().split(b"\n")
    assert b'"page":2' in lines[3]
    lines[3] = lines[3].replace(b'"page":2', b'"page":3')
    session.term_path.write_bytes(b"\n".join(lines))
    report = verify(session, sealed)
    assert not report.ok
    assert (report.issues[0].source, report.issues[0].reason, report.issues[0].line) == \
        ("terminal-a", LogFault.EDITED, 4)


def test_missing_log_wrong_key_and_foreign_seal_key(session) -> None:
    sealed, _ = sealed_of(session)
    report = verify_sealed_logs({"workstation": session.ws_path},
                                {"workstation": WS_KEY.public_key()}, sealed, WS_KEY.public_key())
    assert [(i.source, i.reason) for i in report.issues] == [("terminal-a", LogFault.MISSING_LOG)]
    report = verify(session, sealed, keys={"terminal-a": WS_KEY.public_key()})
    assert ("terminal-a", LogFault.WRONG_KEY) in [(i.source, i.reason) for i in report.issues]
    report = verify(session, sealed, seal_key=TERM_KEY.public_key())
    assert [i.reason for i in report.issues] == [LogFault.CHECKPOINT_INVALID]


def test_rewritten_log_with_fresh_own_checkpoint_fails_anchor_and_combined_checkpoint(
        session) -> None:
    sealed, _ = sealed_of(session)
    session.close()
    # Someone holding the terminal key rewrites a page entry and re-signs everything after it,
    # with a new checkpoint of its own: the terminal log alone then verifies.
    lines = session.term_path.read_bytes()[:-1].split(b"\n")
    out = lines[:3]
    for line in lines[3:]:
        e = parse_entry(line)
        data = {**e.data, "shown_ms": 1} if e.kind == "page.shown" else e.data
        out.append(build_entry(TERM_KEY, kid=e.key_id, seq=e.seq, t_us=e.t_us, mono_us=e.mono_us,
                               source=e.source, kind=e.kind, prev=hashlib.sha256(out[-1]).hexdigest(),
                               data=data, blob=e.blob).line)
    session.term_path.write_bytes(b"\n".join(out) + b"\n")
    with CaptureLog.open(session.term_path, TERM_KEY, "terminal-a") as log:
        forged_note = log.checkpoint(TERM_ORIGIN)
    forged = SealedLogs(sealed.combined, (("terminal-a", forged_note),
                                          ("workstation", sealed.checkpoint_of("workstation"))))
    report = verify(session, forged)
    # The workstation's cross-anchor named the terminal's real head, and the combined tree
    # was built over the real lines: both give the rewrite away.
    assert sorted(i.reason for i in report.issues) == [LogFault.ANCHOR_MISMATCH,
                                                       LogFault.CHECKPOINT_MISMATCH]


def test_cross_anchor_must_name_a_real_line(session) -> None:
    session.term.append("log.anchor", {"src": "workstation", "seq": 1, "line_sha256": "ab" * 32})
    sealed, _ = sealed_of(session)
    report = verify(session, sealed)
    issues = [(i.source, i.reason) for i in report.issues]
    assert issues == [("terminal-a", LogFault.ANCHOR_MISMATCH)]


def test_unverified_logs_cannot_be_sealed(session) -> None:
    report = verify_log(session.term_path, TERM_KEY.public_key())  # no checkpoint
    with pytest.raises(CaptureLogError) as err:
        seal_logs([report], NoteSigner(SEAL_ORIGIN, WS_KEY))
    assert err.value.reason == "unverified_log"


def test_one_entry_can_be_shown_without_the_rest(session) -> None:
    sealed, merged = sealed_of(session)
    lines = [e.line for e in merged]
    index = next(i for i, e in enumerate(merged) if e.kind == "pen.stroke")
    proof = EntryProof.from_json(prove_entry(lines, index, sealed.combined).to_json())
    seal_verifier = NoteVerifier.for_key(SEAL_ORIGIN, WS_KEY.public_key())
    entry = verify_entry_proof(proof, [seal_verifier], entry_key=TERM_KEY.public_key(),
                               origin=SEAL_ORIGIN)
    assert entry.kind == "pen.stroke" and entry.source == "terminal-a"
    assert b"pen.mirror" not in proof.to_json()  # nothing else of the log travels with it

    forged = EntryProof(proof.line.replace(b'"stroke":0', b'"stroke":9'), proof.index, proof.path,
                        proof.checkpoint)
    with pytest.raises(MerkleProofError):
        verify_entry_proof(forged, [seal_verifier])
    moved = EntryProof(proof.line, proof.index + 1, proof.path, proof.checkpoint)
    with pytest.raises(MerkleProofError):
        verify_entry_proof(moved, [seal_verifier])
    with pytest.raises(CheckpointError):
        verify_entry_proof(proof, [NoteVerifier.for_key(SEAL_ORIGIN, TERM_KEY.public_key())])
    with pytest.raises(CaptureLogError) as err:
        verify_entry_proof(proof, [seal_verifier], entry_key=WS_KEY.public_key())
    assert err.value.reason == "bad_signature"
    with pytest.raises(CaptureLogError):
        EntryProof.from_json(b'{"line":1}')


def test_a_later_checkpoint_extends_an_earlier_one(session) -> None:
    early = session.term.checkpoint(TERM_ORIGIN)
    early_size = session.term.head.size
    for i in range(7):
        session.term.append("pen.stroke", {"late": i})
    late = session.term.checkpoint(TERM_ORIGIN)
    lines = session.term_path.read_bytes()[:-1].split(b"\n")
    proof = prove_consistency(lines, early_size, len(lines))
    assert proof == session.term.consistency_proof(early_size, len(lines))
    verifier = NoteVerifier.for_key(TERM_ORIGIN, TERM_KEY.public_key())
    old, new = verify_checkpoint_consistency(early, late, proof, [verifier])
    assert (old.size, new.size) == (early_size, len(lines))
    with pytest.raises(MerkleProofError):
        verify_checkpoint_consistency(late, early, proof, [verifier])
    with pytest.raises(MerkleProofError):
        verify_checkpoint_consistency(early, late, proof[1:], [verifier])
