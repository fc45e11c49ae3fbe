"""Whole sessions on real TLS over loopback, through a TCP proxy that cuts and stalls."""

from __future__ import annotations

import threading
import time

from records.link import (
    CloseReason,
    InkBatch,
    InkSample,
    LinkState,
    LogCheckpoint,
    LogEntry,
    PageView,
    PreviewFrame,
    Received,
    RecordConfirm,
    SessionOpened,
    SignatureResult,
    UploadFinished,
    UploadStored,
    describe_status,
)

from .conftest import PlainBrain, Recorder, turn_begin


def messages(rec: Recorder, kind: type) -> list:
    return [e.message for e in rec.of(Received) if isinstance(e.message, kind)]


def connected(ep) -> bool:
    return ep.status.state is LinkState.CONNECTED


def samples_of(rec: Recorder) -> list[InkSample]:
    return [s for batch in messages(rec, InkBatch) for s in batch.samples]


def test_a_full_record_round_trip(endpoints, tmp_path):
    ws_rec, term_rec = Recorder(), Recorder()
    recording = tmp_path / "recording.mkv"
    recording.write_bytes(bytes(range(256)) * 8000)
    brain = PlainBrain(samples=300, recording=recording)
    ws = endpoints.workstation(ws_rec)
    term = endpoints.terminal(ws.address, term_rec, brain=brain)
    ws_rec.wait(lambda: connected(ws) and connected(term), what="connected")

    pdf = b"%PDF-1.7\n" + "讯问笔录".encode() * 500
    ws.offer_record("rec-1", "讯问笔录", pdf, pages=3)
    ws_rec.wait(lambda: messages(ws_rec, RecordConfirm), what="hash confirmed")
    (confirm,) = messages(ws_rec, RecordConfirm)
    assert confirm.accepted and confirm.record_id == "rec-1"
    ws_rec.wait(lambda: len(messages(ws_rec, PageView)) == 3, what="pages viewed")

    ws.begin_turn(turn_begin("rec-1", 1, pdf))
    ws_rec.wait(lambda: messages(ws_rec, SignatureResult), what="signature result")
    (result,) = messages(ws_rec, SignatureResult)
    assert result.simulated and result.outcome == "signed" and result.field_name == "Sig_1"
    assert result.result == b"outcome of Sig_1"
    ink = samples_of(ws_rec)
    assert len(ink) == 300
    firsts = [b.first for b in messages(ws_rec, InkBatch)]
    assert firsts == sorted(firsts) and firsts[0] == 0
    assert {b.stroke for b in messages(ws_rec, InkBatch)} == {0, 1, 2}

    ws.close_record("rec-1", "sealed")
    ws_rec.wait(lambda: ws_rec.of(UploadStored) and term_rec.of(UploadFinished), what="upload")
    (stored,) = ws_rec.of(UploadStored)
    assert stored.ok and stored.path.read_bytes() == recording.read_bytes()
    assert term_rec.of(UploadFinished)[0].ok
    entries = messages(ws_rec, LogEntry)
    assert [e.index for e in entries] == list(range(len(entries))) and len(entries) == 3
    assert messages(ws_rec, LogCheckpoint)[0].index == len(entries)
    ws_rec.wait(lambda: term.status.backlog == 0 and ws.status.backlog == 0,
                what="all acknowledged")


def _stream_ink(term, count: int, pace: float, stop: threading.Event | None = None) -> None:
    for i in range(count):
        term.pen_sample("rec-1", 1, i // 100, InkSample(i, i, 500, 0, 0, i, time.perf_counter_ns()))
        if pace:
            time.sleep(pace)
    term.flush_ink()


def test_ink_survives_network_cuts_exactly_once_and_in_order(endpoints, proxy_to):
    ws_rec, term_rec = Recorder(), Recorder()
    ws = endpoints.workstation(ws_rec)
    proxy = proxy_to(ws.address)
    term = endpoints.terminal(proxy.address, term_rec)
    term_rec.wait(lambda: connected(term), what="connected")
    writer = threading.Thread(target=_stream_ink, args=(term, 600, 0.002))
    writer.start()
    for _ in range(2):
        time.sleep(0.3)
        proxy.cut()
        term_rec.wait(lambda: term.status.state is LinkState.RECONNECTING, what="noticed the cut")
        term_rec.wait(lambda: connected(term), what="reconnected")
    writer.join()
    ws_rec.wait(lambda: len(samples_of(ws_rec)) >= 600, what="all ink")
    assert [s.x for s in samples_of(ws_rec)] == list(range(600))
    assert proxy.cuts == 2
    reconnecting = [s for s in term_rec.statuses if s.state is LinkState.RECONNECTING]
    assert reconnecting and all(s.reason is not None for s in reconnecting)
    assert all(e.resumed for e in term_rec.of(SessionOpened)[1:])
    assert len({e.session for e in term_rec.of(SessionOpened)}) == 1


def test_the_terminal_keeps_logging_while_the_link_is_down(endpoints, proxy_to):
    ws_rec, term_rec = Recorder(), Recorder()
    ws = endpoints.workstation(ws_rec)
    proxy = proxy_to(ws.address)
    term = endpoints.terminal(proxy.address, term_rec)
    term_rec.wait(lambda: connected(term))
    for i in range(5):
        term.send_log_entry("log", i, f"before {i}".encode())
    ws_rec.wait(lambda: len(messages(ws_rec, LogEntry)) == 5)
    proxy.stall()
    proxy.cut()
    term_rec.wait(lambda: any(s.state is LinkState.RECONNECTING and s.attempt >= 2
                              for s in term_rec.statuses), what="retrying with a count")
    for i in range(5, 25):
        term.send_log_entry("log", i, f"while down {i}".encode())
    assert term.status.backlog >= 20  # journaled, waiting
    proxy.resume()
    ws_rec.wait(lambda: len(messages(ws_rec, LogEntry)) == 25, what="backlog delivered")
    time.sleep(0.2)
    assert [e.index for e in messages(ws_rec, LogEntry)] == list(range(25))
    text = describe_status(next(s for s in term_rec.statuses if s.attempt >= 2), "en")
    assert "reconnecting (attempt" in text
    assert "正在重新连接" in describe_status(next(s for s in term_rec.statuses if s.attempt >= 2))


def test_a_stalled_peer_is_detected_and_the_session_resumes(endpoints, proxy_to):
    ws_rec, term_rec = Recorder(), Recorder()
    ws = endpoints.workstation(ws_rec)
    proxy = proxy_to(ws.address)
    term = endpoints.terminal(proxy.address, term_rec)
    term_rec.wait(lambda: connected(term) and connected(ws))
    stalled_at = time.monotonic()
    proxy.stall()
    ws_rec.wait(lambda: ws.status.reason is CloseReason.STALLED, timeout=5, what="ws saw the stall")
    term_rec.wait(lambda: any(s.reason is CloseReason.STALLED for s in term_rec.statuses),
                  timeout=5, what="terminal saw the stall")
    assert time.monotonic() - stalled_at < 3.0
    term.send_log_entry("log", 0, b"during the stall")
    proxy.resume()
    proxy.cut()  # connections opened during the stall are stale
    ws_rec.wait(lambda: messages(ws_rec, LogEntry), what="delivered after the stall")
    assert connected(term) and term_rec.of(SessionOpened)[-1].resumed


def test_a_restarted_terminal_resumes_its_session_from_the_journal(endpoints, proxy_to):
    ws_rec, term_rec = Recorder(), Recorder()
    ws = endpoints.workstation(ws_rec)
    proxy = proxy_to(ws.address)
    term = endpoints.terminal(proxy.address, term_rec, fsync=True)
    term_rec.wait(lambda: connected(term))
    session = term.session
    proxy.stall()
    proxy.cut()
    for i in range(3):
        term.send_log_entry("log", i, b"journaled while down")
    endpoints.stop(term)  # the terminal program exits with a backlog
    proxy.resume()
    again_rec = Recorder()
    again = endpoints.terminal(proxy.address, again_rec)
    again_rec.wait(lambda: connected(again))
    ws_rec.wait(lambda: len(messages(ws_rec, LogEntry)) == 3)
    assert again.session == session and again_rec.of(SessionOpened)[0].resumed


def test_previews_are_dropped_under_pressure_and_never_hold_ink_back(endpoints):
    ws_rec, term_rec = Recorder(), Recorder()
    ws = endpoints.workstation(ws_rec)
    term = endpoints.terminal(ws.address, term_rec)
    term_rec.wait(lambda: connected(term))
    jpeg = b"\xff\xd8\xff\xe0" + bytes(60_000)
    sent = 0

    def previews() -> None:
        nonlocal sent
        for _ in range(400):
            term.send_preview(jpeg, 320, 240)
            sent += 1
    flood = threading.Thread(target=previews)
    flood.start()
    _stream_ink(term, 200, 0)
    flood.join()
    ws_rec.wait(lambda: len(samples_of(ws_rec)) == 200, what="all ink")
    time.sleep(0.2)
    got = len(messages(ws_rec, PreviewFrame))
    assert 1 <= got <= sent
    assert [s.x for s in samples_of(ws_rec)] == list(range(200))


def test_a_restarted_workstation_takes_the_session_back(endpoints, proxy_to):
    ws_rec, term_rec = Recorder(), Recorder()
    ws = endpoints.workstation(ws_rec, fsync=True)
    proxy = proxy_to(ws.address)
    term = endpoints.terminal(proxy.address, term_rec)
    term_rec.wait(lambda: connected(term))
    session = term.session
    ws.begin_turn(turn_begin())
    endpoints.stop(ws)
    term.send_log_entry("log", 0, b"while the workstation was away")
    again_rec = Recorder()
    again = endpoints.workstation(again_rec)
    proxy.target = again.address
    again_rec.wait(lambda: messages(again_rec, LogEntry), what="log entry after restart")
    assert again.session == session
    assert len([e for e in term_rec.of(Received) if e.message.KIND == "turn.begin"]) == 1
