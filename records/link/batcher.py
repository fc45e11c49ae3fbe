"""Live ink batching (no I/O): pen samples gathered for about 16 ms, one batch per stroke piece."""

from __future__ import annotations

from dataclasses import dataclass, field

from records.link.ink import InkSample
from records.link.messages import InkBatch

__all__ = ["InkBatcher"]


@dataclass
class _Open:
    record_id: str
    turn: int
    stroke: int
    first: int
    since_ns: int
    samples: list[InkSample] = field(default_factory=list)


class InkBatcher:
    """Collects pen samples and hands out ``InkBatch`` messages when a batch is due.

    A batch closes when its oldest sample is ``interval_ns`` old, when the stroke changes, or
    when it holds ``max_samples``; ``first`` numbers samples within the turn, so the receiver
    can tell that none is missing.
    """

    def __init__(self, interval_ns: int = 16_000_000, max_samples: int = 256) -> None:
        self.interval_ns = interval_ns
        self.max_samples = max_samples
        self._open: _Open | None = None
        self._counts: dict[tuple[str, int], int] = {}

    def add(self, record_id: str, turn: int, stroke: int, sample: InkSample,
            now_ns: int) -> list[InkBatch]:
        """Take one sample; returns batches that are complete because of it."""
        out: list[InkBatch] = []
        o = self._open
        if o is not None and (o.record_id, o.turn, o.stroke) != (record_id, turn, stroke):
            out.append(self._close())
            o = None
        if o is None:
            first = self._counts.get((record_id, turn), 0)
            o = self._open = _Open(record_id, turn, stroke, first, now_ns)
        o.samples.append(sample)
        if len(o.samples) >= self.max_samples:
            out.append(self._close())
        return out

    def due(self, now_ns: int) -> list[InkBatch]:
        """The open batch if it is due by ``now_ns``."""
        if self._open is not None and now_ns - self._open.since_ns >= self.interval_ns:
            return [self._close()]
        return []

    def flush(self) -> list[InkBatch]:
        """Whatever is open, now (end of a stroke or of the turn)."""
        return [self._close()] if self._open is not None else []

    @property
    def deadline_ns(self) -> int | None:
        """When the open batch falls due, or None when nothing is open."""
        return None if self._open is None else self._open.since_ns + self.interval_ns

    def _close(self) -> InkBatch:
        o = self._open
        assert o is not None
        self._open = None
        self._counts[(o.record_id, o.turn)] = o.first + len(o.samples)
        return InkBatch(record_id=o.record_id, turn=o.turn, stroke=o.stroke, first=o.first,
                        samples=tuple(o.samples))
