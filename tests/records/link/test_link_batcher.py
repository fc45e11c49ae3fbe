"""Live ink batching: about 16 ms per batch, a new batch per stroke, nothing lost or repeated."""

from __future__ import annotations

from records.link.batcher import InkBatcher
from records.link.ink import InkSample

MS = 1_000_000


def _s(i: int) -> InkSample:
    return InkSample(i, i, 100, 0, 0, i, i)


def test_a_batch_falls_due_16_ms_after_its_first_sample():
    b = InkBatcher()
    assert b.add("r", 1, 0, _s(0), now_ns=0) == []
    assert b.deadline_ns == 16 * MS
    assert b.due(15 * MS) == []
    b.add("r", 1, 0, _s(1), now_ns=5 * MS)
    (batch,) = b.due(16 * MS)
    assert [s.x for s in batch.samples] == [0, 1] and batch.first == 0
    assert b.deadline_ns is None


def test_a_new_stroke_closes_the_open_batch_and_indices_run_on():
    b = InkBatcher()
    b.add("r", 1, 0, _s(0), now_ns=0)
    b.add("r", 1, 0, _s(1), now_ns=MS)
    (first,) = b.add("r", 1, 1, _s(2), now_ns=2 * MS)
    (second,) = b.flush()
    assert (first.stroke, first.first, len(first.samples)) == (0, 0, 2)
    assert (second.stroke, second.first, len(second.samples)) == (1, 2, 1)


def test_a_full_batch_leaves_at_once():
    b = InkBatcher(max_samples=3)
    out = [batch for i in range(7) for batch in b.add("r", 1, 0, _s(i), now_ns=0)]
    out += b.flush()
    assert [len(x.samples) for x in out] == [3, 3, 1]
    assert [x.first for x in out] == [0, 3, 6]


def test_each_turn_numbers_its_own_samples():
    b = InkBatcher()
    b.add("r", 1, 0, _s(0), now_ns=0)
    b.flush()
    (batch,) = b.add("r", 2, 0, _s(1), now_ns=0) + b.flush()
    assert batch.turn == 2 and batch.first == 0
