"""Pen samples into log batches: every sample exactly once, in order, never a batch across a
pen-down or pen-up, never longer than 100 ms or 150 samples; clears keep what was logged."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from devices.pen import PenButtons, PenSample
from records.session_pen import BATCH_SAMPLES, BATCH_US, PenCapture, pen_row


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
def test_every_sample_is_logged_once_in_bounded_single_state_batches(steps) -> None:
    sink = Sink()
    capture = PenCapture("Sig_4_suspect", sink.write, sink.ink.append)
    t, samples = 1_000_000, []
    for gap, touching in steps:
        t += gap
        samples.append(sample(t, touching))
        capture.add(samples[-1])
    capture.flush()
    batches = sink.batches()
    assert [row for b in batches for row in b["rows"]] == [pen_row(s) for s in samples]
    assert [b["first"] for b in batches] == \
        [sum(len(x["rows"]) for x in batches[:i]) for i in range(len(batches))]
    for batch in batches:
        rows = batch["rows"]
        assert len({r[4] for r in rows}) == 1
        assert rows[-1][0] - rows[0][0] < BATCH_US and len(rows) <= BATCH_SAMPLES
        assert (batch["stroke"] is None) == (rows[0][4] == 0)
    downs = sum(1 for a, b in zip([None, *samples], samples)
                if b.touching and (a is None or not a.touching))
    assert capture.strokes() == downs
    assert max((b["stroke"] or 0 for b in batches), default=0) == downs
    assert sink.ink == batches and capture.total == len(samples)


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
    assert sum(len(b["rows"]) for b in sink.batches()) == 30
    capture.add(sample(2_000_000, True))
    capture.flush()
    last = sink.batches()[-1]
    assert last["attempt"] == 2 and last["first"] == 0 and last["stroke"] == 1
    assert capture.samples() == (sample(2_000_000, True),) and capture.total == 31
    assert capture.attempt == 2


def test_rows_hold_integers_only() -> None:
    row = pen_row(sample(1_234_567, True))
    assert row == [1_234_567, 100, 200, 500, 1, None, None, 1234, 1_234_567]
    assert all(v is None or type(v) is int for v in row)
