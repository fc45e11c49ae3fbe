"""Pen samples into log batches: every sample exactly once, in order, never a batch across a
pen-down or pen-up, never longer than 100 ms or 150 samples; clears keep what was logged.
The log gets commitments and non-biometric facts only; the turn's opening recomputes every
commitment and holds every sample."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from crypto.evidence_pen import PenOpening, report_commitment
from devices.pen import PenButtons, PenSample
from records.session_pen import BATCH_SAMPLES, BATCH_US, LIVE_US, PenCapture, pen_row

NONCE = bytes(range(32))


def sample(t_us: int, touching: bool, x: int = 100) -> PenSample:
    return PenSample(x=x, y=200, x_mm=None, y_mm=None, pressure=500 if touching else 0,
                     pressure_norm=0.5 if touching else 0.0, tilt_x=None, tilt_y=None,
                     buttons=PenButtons.NONE, in_range=True, touching=touching,
                     device_time=t_us // 1000, sequence=t_us, t_ns=t_us * 1000)


class Sink:
    def __init__(self) -> None:
        self.entries: list[tuple[str, dict[str, Any]]] = []
        self.ink: list[dict[str, Any]] = []

    def write(self, kind: str, data: Any) -> None:
        self.entries.append((kind, dict(data)))

    def batches(self) -> list[dict[str, Any]]:
        return [d for k, d in self.entries if k == "pen.batch"]


# Gaps in microseconds between samples and whether the pen touches.
strokes = st.lists(st.tuples(st.integers(1, 60_000), st.booleans()), min_size=1, max_size=400)


@settings(max_examples=60, deadline=None)
@given(strokes)
def test_every_sample_is_batched_once_in_bounded_single_state_batches(steps) -> None:
    sink = Sink()
    capture = PenCapture("Sig_4_suspect", sink.write, sink.ink.append, nonce=NONCE)
    t, samples = 1_000_000, []
    for gap, touching in steps:
        t += gap
        samples.append(sample(t, touching))
        capture.add(samples[-1])
    capture.flush()
    opening = capture.opening()
    batches = opening.batches
    # The live ink and the opening both carry every row, once, in order.
    assert [list(row) for b in batches for row in b.rows] == [pen_row(s) for s in samples]
    assert [row for ink in sink.ink for row in ink["rows"]] == [pen_row(s) for s in samples]
    assert [b.first for b in batches] == \
        [sum(len(x.rows) for x in batches[:i]) for i in range(len(batches))]
    # Live ink goes out within about a frame: no row waits once LIVE_US of sample time has
    # passed since the first row held back, and each live batch lies inside one log batch.
    for ink in sink.ink:
        rows, logged = ink["rows"], batches[ink["batch"]]
        assert all(r[0] - rows[0][0] < LIVE_US for r in rows[:-1])
        at = ink["first"] - logged.first
        assert [list(r) for r in logged.rows[at:at + len(rows)]] == rows
        assert ink["stroke"] == logged.stroke
    for batch in batches:
        rows = batch.rows
        assert len({r[4] for r in rows}) == 1
        assert rows[-1][0] - rows[0][0] < BATCH_US and len(rows) <= BATCH_SAMPLES
        assert (batch.stroke is None) == (rows[0][4] == 0)
    downs = sum(1 for a, b in zip([None, *samples], samples)
                if b.touching and (a is None or not a.touching))
    assert capture.strokes() == downs
    assert max((b.stroke or 0 for b in batches), default=0) == downs
    assert capture.total == len(samples) and capture.batches() == len(batches)
    # The log: one entry per batch with the commitment the opening recomputes, and facts.
    logged = sink.batches()
    assert [e["commit"] for e in logged] == opening.commitments()
    assert [e["batch"] for e in logged] == list(range(len(batches)))
    for entry, batch in zip(logged, batches):
        assert entry["v"] == 2 and "rows" not in entry
        assert entry["count"] == len(batch.rows)
        assert (entry["first_us"], entry["last_us"]) == (batch.rows[0][0], batch.rows[-1][0])
        assert entry["touching"] == bool(batch.rows[0][4])
        assert (entry["stroke"], entry["first"]) == (batch.stroke, batch.first)


def ints(value: Any) -> set[int]:
    if isinstance(value, bool):
        return set()
    if isinstance(value, int):
        return {value}
    if isinstance(value, dict):
        return set().union(*(ints(v) for v in value.values()))
    if isinstance(value, (list, tuple)):
        return set().union(*(ints(v) for v in value))
    return set()


def test_the_log_holds_no_sample_value() -> None:
    sink = Sink()
    capture = PenCapture("Sig_4_suspect", sink.write, sink.ink.append, nonce=NONCE)
    samples = [sample(1_000_000 + i * 7_001, i % 9 != 0, x=31_337 + i) for i in range(60)]
    for s in samples:
        capture.add(s)
    capture.flush()
    logged = ints([d for _, d in sink.entries])
    assert not logged & {s.x for s in samples}
    assert not logged & {s.pressure for s in samples if s.pressure}
    assert all(str(s.x) not in json.dumps(sink.entries) for s in samples)
    allowed = {"v", "field", "attempt", "batch", "stroke", "first", "count", "first_us",
               "last_us", "touching", "commit"}
    assert all(set(d) == allowed for d in sink.batches())


def test_each_turn_draws_its_own_nonce_so_equal_batches_commit_differently() -> None:
    commits = []
    for _ in range(2):
        sink = Sink()
        capture = PenCapture("Sig_4_suspect", sink.write, sink.ink.append)
        capture.add(sample(1_000_000, True))
        capture.flush()
        commits.append(sink.batches()[0]["commit"])
    assert commits[0] != commits[1]
    # Within a turn, a repeated batch differs by its place.
    sink = Sink()
    capture = PenCapture("Sig_4_suspect", sink.write, sink.ink.append, nonce=NONCE)
    for _ in range(2):
        capture.add(sample(1_000_000, True))
        capture.flush()
    first, second = sink.batches()
    assert first["commit"] != second["commit"]


def test_a_clear_flushes_logs_what_it_discards_and_starts_the_next_attempt() -> None:
    sink = Sink()
    capture = PenCapture("Sig_3_appropriate_adult", sink.write, sink.ink.append)
    for i in range(30):
        capture.add(sample(1_000_000 + i * 5_000, i % 10 != 0))
    cleared = capture.clear("started over")
    assert cleared == {"field": "Sig_3_appropriate_adult", "attempt": 1,
                       "discarded_samples": 30, "discarded_strokes": 3,
                       "reason": "started over"}
    assert [k for k, _ in sink.entries][-1] == "pen.clear"
    assert sum(b["count"] for b in sink.batches()) == 30
    capture.add(sample(2_000_000, True))
    capture.flush()
    last = sink.batches()[-1]
    assert last["attempt"] == 2 and last["first"] == 0 and last["stroke"] == 1
    assert capture.samples() == (sample(2_000_000, True),) and capture.total == 31
    assert capture.attempt == 2
    # The discarded attempt stays in the opening, with the new one after it.
    opening = capture.opening()
    assert [b.attempt for b in opening.batches].count(1) == len(sink.batches()) - 1
    assert sum(len(b.rows) for b in opening.batches) == 31
    assert opening.commitments() == [b["commit"] for b in sink.batches()]


def test_the_opening_reads_back_from_its_json() -> None:
    sink = Sink()
    capture = PenCapture("Sig_4_suspect", sink.write, sink.ink.append, nonce=NONCE)
    for i in range(20):
        capture.add(sample(1_000_000 + i * 5_000, i > 3))
    capture.flush()
    sealed = capture.seal_report(b"\x10\x01\x02")
    opening = capture.opening()
    again = PenOpening.from_json(opening.to_json())
    assert again == opening and again.commitments() == opening.commitments()
    assert sealed == {"length": 3, "index": 0,
                      "commit": report_commitment(NONCE, "Sig_4_suspect", 0, b"\x10\x01\x02")}
    assert again.report_commitments() == [sealed["commit"]]


def test_rows_hold_integers_only() -> None:
    row = pen_row(sample(1_234_567, True))
    assert row == [1_234_567, 100, 200, 500, 1, None, None, 1234, 1_234_567]
    assert all(v is None or type(v) is int for v in row)
