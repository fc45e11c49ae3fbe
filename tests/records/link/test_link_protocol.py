"""The sans-IO protocol: handshake, sequencing, acknowledgements, resume, heartbeats, priority."""

from __future__ import annotations

import hashlib

import pytest

from records.link.codec import canonical_json, decode_frame, encode_frame
from records.link.errors import CloseReason
from records.link.events import (
    Acknowledged,
    CloseConnection,
    Received,
    RecordRefused,
    RecordVerified,
    SessionOpened,
    SessionReplaced,
)
from records.link.ink import InkSample
from records.link.journal import Journal
from records.link.messages import (
    Beat,
    Hello,
    InkBatch,
    LogEntry,
    PreviewFrame,
    RecordConfirm,
    RecordOffer,
    TurnBegin,
    message_header,
)
from records.link.protocol import LinkTimings, Phase
from records.link.sides import TerminalProtocol, WorkstationProtocol

from .conftest import turn_begin


class Clock:
    def __init__(self) -> None:
        self.ns = 10**12

    def __call__(self) -> int:
        return self.ns

    def advance(self, seconds: float) -> None:
        self.ns += int(seconds * 1e9)


class Pair:
    """A terminal and a workstation protocol joined by an in-memory 'connection'."""

    def __init__(self, tmp_path=None, *, clock: Clock | None = None) -> None:
        self.clock = clock or Clock()
        self.tmp = tmp_path
        self.timings = LinkTimings(heartbeat_interval=1.0, stall_timeout=3.0)
        self.term = self.new_terminal()
        self.ws = self.new_workstation()

    def _journal(self, name: str) -> Journal:
        return Journal(self.tmp / name if self.tmp else None, fsync=False)

    def new_terminal(self) -> TerminalProtocol:
        return TerminalProtocol(self._journal("t.journal"), station="terminal-1",
                                timings=self.timings, clock=self.clock)

    def new_workstation(self) -> WorkstationProtocol:
        return WorkstationProtocol(self._journal("w.journal"), station="workstation-1",
                                   timings=self.timings, clock=self.clock)

    def connect(self, terminal_name: str = "terminal-1") -> None:
        self.term.connection_made("workstation-1")
        self.ws.connection_made(terminal_name)

    def cut(self) -> None:
        self.term.connection_lost()
        self.ws.connection_lost()

    def pump(self, *, drop_to_ws: int = 0) -> tuple[list, list]:
        """Move frames both ways until both are quiet; returns (terminal events, ws events)."""
        t_events, w_events = [], []
        moved = True
        while moved:
            moved = False
            while (frame := self.term.next_frame()) is not None:
                moved = True
                w_events += self.ws.receive(frame)
            while (frame := self.ws.next_frame()) is not None:
                moved = True
                t_events += self.term.receive(frame)
        t_events += self.term.take_events()
        w_events += self.ws.take_events()
        return t_events, w_events


def received(events, kind=None):
    return [e.message for e in events if isinstance(e, Received)
            and (kind is None or isinstance(e.message, kind))]


def log_entry(i: int) -> LogEntry:
    return LogEntry(log_id="log", index=i, entry=f"entry {i}".encode())


def test_handshake_opens_a_new_session_on_both_sides():
    pair = Pair()
    pair.connect()
    t, w = pair.pump()
    assert pair.term.phase is pair.ws.phase is Phase.OPEN
    (opened_t,), (opened_w,) = [e for e in t if isinstance(e, SessionOpened)], \
        [e for e in w if isinstance(e, SessionOpened)]
    assert opened_t.session == opened_w.session != "" and not opened_t.resumed
    assert opened_w.peer_station == "terminal-1" and opened_t.peer_station == "workstation-1"


def test_messages_sent_while_down_arrive_once_in_order_after_a_cut():
    pair = Pair()
    pair.connect()
    pair.pump()
    for i in range(3):
        pair.term.send(log_entry(i))
    pair.term.next_frame()  # entry 0 leaves, then the connection dies before the rest do
    pair.cut()
    for i in range(3, 6):
        pair.term.send(log_entry(i))  # the terminal keeps logging while the link is down
    assert pair.term.backlog == 6
    pair.connect()
    t, w = pair.pump()
    assert [m.index for m in received(w, LogEntry)] == [0, 1, 2, 3, 4, 5]
    assert any(isinstance(e, SessionOpened) and e.resumed for e in t)
    assert pair.term.backlog == 0


def test_a_resume_does_not_repeat_what_was_delivered_but_not_yet_acknowledged():
    pair = Pair()
    pair.connect()
    pair.pump()
    pair.term.send(log_entry(0))
    pair.term.send(log_entry(1))
    delivered = []
    for _ in range(2):  # both arrive, but the acknowledgement never makes it back
        delivered += received(pair.ws.receive(pair.term.next_frame()), LogEntry)
    pair.cut()
    pair.connect()
    t, w = pair.pump()
    assert [m.index for m in delivered] == [0, 1]
    assert received(w, LogEntry) == []
    assert pair.term.backlog == 0


def test_the_journal_carries_a_session_across_a_restart(tmp_path):
    pair = Pair(tmp_path)
    pair.connect()
    pair.pump()
    session = pair.term.session
    pair.term.send(log_entry(0))
    pair.cut()
    pair.term.send(log_entry(1))
    pair.term.journal.close()
    pair.term = pair.new_terminal()  # the terminal program restarts
    assert pair.term.session == session and pair.term.backlog == 2
    pair.connect()
    t, w = pair.pump()
    assert [m.index for m in received(w, LogEntry)] == [0, 1]
    assert pair.ws.session == session


def test_a_workstation_that_lost_its_state_starts_a_new_session_and_gets_everything(tmp_path):
    pair = Pair()
    pair.connect()
    pair.pump()
    old = pair.term.session
    pair.cut()
    pair.term.send(log_entry(7))
    pair.ws = pair.new_workstation()  # memory journal: everything forgotten
    pair.connect()
    t, w = pair.pump()
    assert pair.term.session == pair.ws.session != old
    assert [m.index for m in received(w, LogEntry)] == [7]


def test_a_terminal_that_lost_its_state_gets_what_waited_for_it():
    pair = Pair()
    pair.connect()
    pair.pump()
    pair.cut()
    pair.ws.send(turn_begin("r"))
    pair.term = pair.new_terminal()  # same terminal, journal gone
    pair.connect()
    t, w = pair.pump()
    assert [m.turn for m in received(t, TurnBegin)] == [1]
    assert not [e for e in w if isinstance(e, SessionReplaced)]


def test_messages_for_one_terminal_never_reach_another():
    pair = Pair()
    pair.connect("terminal-1")
    pair.pump()
    pair.cut()
    pair.ws.send(turn_begin("r"))
    pair.term = pair.new_terminal()
    pair.connect("terminal-2")  # another terminal's certificate
    t, w = pair.pump()
    assert received(t, TurnBegin) == []
    (replaced,) = [e for e in w if isinstance(e, SessionReplaced)]
    assert (replaced.previous_peer, replaced.peer, replaced.dropped) == ("terminal-1", "terminal-2", 1)


def test_the_terminal_confirms_a_matching_offer_and_refuses_a_forged_one():
    pair = Pair()
    pair.connect()
    pair.pump()
    pdf = b"%PDF-1.7 the record"
    pair.ws.send(RecordOffer(record_id="r1", title="t", sha256=hashlib.sha256(pdf).hexdigest(),
                             size=len(pdf), pages=1, pdf=pdf))
    pair.ws.send(RecordOffer(record_id="r2", title="t", sha256="00" * 32, size=len(pdf), pages=1,
                             pdf=pdf))
    t, w = pair.pump()
    assert [e.offer.record_id for e in t if isinstance(e, RecordVerified)] == ["r1"]
    refused = [e for e in t if isinstance(e, RecordRefused)]
    assert refused[0].offer.record_id == "r2" and refused[0].reason == "hash-mismatch"
    confirms = received(w, RecordConfirm)
    assert [(c.record_id, c.accepted, c.reason) for c in confirms] == [
        ("r1", True, ""), ("r2", False, "hash-mismatch")]
    assert confirms[1].sha256 == hashlib.sha256(pdf).hexdigest()


def _opened() -> Pair:
    pair = Pair()
    pair.connect()
    pair.pump()
    return pair


def _closes(events) -> list[CloseConnection]:
    return [e for e in events if isinstance(e, CloseConnection)]


def test_a_replayed_frame_closes_the_connection():
    pair = _opened()
    pair.term.send(log_entry(0))
    frame = pair.term.next_frame()
    pair.ws.receive(frame)
    (close,) = _closes(pair.ws.receive(frame))
    assert close.reason is CloseReason.REPLAY and pair.ws.phase is Phase.CLOSED


def test_a_skipped_frame_closes_the_connection():
    pair = _opened()
    pair.term.send(log_entry(0))
    pair.term.send(log_entry(1))
    pair.term.next_frame()
    (close,) = _closes(pair.ws.receive(pair.term.next_frame()))
    assert close.reason is CloseReason.GAP


def _raw(pair, message, n, s, a=0) -> bytes:
    return encode_frame(n, s, a, canonical_json(message_header(message)), message.payload())


def test_a_replayed_sequence_number_under_a_fresh_frame_number_is_refused():
    pair = _opened()
    pair.term.send(log_entry(0))
    frame = decode_frame(pair.term.next_frame())
    pair.ws.receive(_raw(pair, log_entry(0), frame.n, frame.s))
    (close,) = _closes(pair.ws.receive(_raw(pair, log_entry(0), frame.n + 1, frame.s)))
    assert close.reason is CloseReason.REPLAY and "already delivered" in close.detail


def test_a_sequence_gap_is_refused():
    pair = _opened()
    (close,) = _closes(pair.ws.receive(_raw(pair, log_entry(0), 2, 5)))
    assert close.reason is CloseReason.GAP


def test_a_message_from_the_wrong_side_is_refused():
    pair = _opened()
    offer = RecordOffer(record_id="r", title="t", sha256="00" * 32, size=1, pages=1, pdf=b"x")
    (close,) = _closes(pair.ws.receive(_raw(pair, offer, 2, 1)))
    assert close.reason is CloseReason.UNEXPECTED and "does not send record.offer" in close.detail


def test_an_unsequenced_kind_with_a_sequence_number_is_malformed():
    pair = _opened()
    (close,) = _closes(pair.ws.receive(_raw(pair, Beat(sent_ns=1), 2, 1)))
    assert close.reason is CloseReason.MALFORMED


def test_an_ack_for_something_never_sent_is_malformed():
    pair = _opened()
    (close,) = _closes(pair.ws.receive(_raw(pair, Beat(sent_ns=1), 2, 0, a=9)))
    assert close.reason is CloseReason.MALFORMED and "only 0 were sent" in close.detail


def test_anything_but_hello_first_is_refused_and_so_is_a_second_hello():
    pair = Pair()
    pair.ws.connection_made("terminal-1")
    (close,) = _closes(pair.ws.receive(_raw(pair, log_entry(0), 1, 1)))
    assert close.reason is CloseReason.UNEXPECTED
    pair = _opened()
    hello = Hello(versions=(1,), role="terminal", station="t", session="", delivered=0, caps=())
    (close,) = _closes(pair.ws.receive(_raw(pair, hello, 2, 0)))
    assert close.reason is CloseReason.UNEXPECTED


def test_no_common_version_closes_with_version():
    pair = Pair()
    pair.ws.connection_made("terminal-1")
    hello = Hello(versions=(2, 3), role="terminal", station="t", session="", delivered=0, caps=())
    (close,) = _closes(pair.ws.receive(_raw(pair, hello, 1, 0)))
    assert close.reason is CloseReason.VERSION and close.reason.fatal


def test_heartbeats_flow_when_quiet_and_a_silent_peer_is_declared_stalled():
    pair = _opened()
    pair.clock.advance(1.2)
    pair.term.tick()
    frame = pair.term.next_frame()
    assert decode_frame(frame).kind == "beat"
    pair.ws.receive(frame)
    pair.clock.advance(2.0)
    assert _closes(pair.ws.tick()) == []  # heard from the terminal 2 s ago
    pair.clock.advance(1.5)
    (close,) = _closes(pair.ws.tick())
    assert close.reason is CloseReason.STALLED


def test_ink_goes_before_a_waiting_preview_and_a_newer_preview_replaces_the_older():
    pair = _opened()
    jpeg = b"\xff\xd8\xff"
    pair.term.send(PreviewFrame(at_ns=1, width=1, height=1, jpeg=jpeg))
    pair.term.send(PreviewFrame(at_ns=2, width=1, height=1, jpeg=jpeg))
    pair.term.send(InkBatch(record_id="r", turn=1, stroke=0, first=0,
                            samples=(InkSample(0, 0, 1, 0, 0, 0, 0),)))
    kinds = []
    while (frame := pair.term.next_frame()) is not None:
        decoded = decode_frame(frame)
        kinds.append((decoded.kind, decoded.fields.get("at_ns")))
    assert kinds == [("ink.batch", None), ("preview.frame", 2)]
    assert pair.term.previews_dropped == 1


def test_previews_are_dropped_while_the_link_is_down_but_ink_is_kept():
    pair = _opened()
    pair.cut()
    assert pair.term.send(PreviewFrame(at_ns=1, width=1, height=1, jpeg=b"\xff\xd8")) == 0
    assert pair.term.send(InkBatch(record_id="r", turn=1, stroke=0, first=0, samples=())) == 1
    pair.connect()
    t, w = pair.pump()
    assert [type(m).__name__ for m in received(w)] == ["InkBatch"]


def test_acknowledgements_release_the_outbox():
    pair = _opened()
    pair.ws.send(turn_begin("r"))
    assert pair.ws.backlog == 1
    t, w = pair.pump()
    assert pair.ws.backlog == 0
    assert [e.up_to for e in w if isinstance(e, Acknowledged)] == [1]


def test_a_side_cannot_send_the_other_sides_messages():
    pair = _opened()
    with pytest.raises(ValueError, match="does not send"):
        pair.term.send(turn_begin("r"))
