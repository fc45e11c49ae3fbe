"""Whether the GUI thread keeps turning: a 10 ms timer's ticks, and the longest gap between
them over a span of interest (a stall shows as a gap, however short the span)."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer

__all__ = ["LoopWatch", "STALL_S"]

#: The longest the event loop may go without serving a 10 ms timer.
STALL_S = 0.5


class LoopWatch(QObject):
    """Ticks of a timer on the GUI thread; :meth:`longest_gap` over any span of them."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = 10) -> None:
        super().__init__(parent)
        self.ticks: list[float] = []
        self.marks: dict[str, float] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(lambda: self.ticks.append(time.monotonic()))

    def start(self) -> LoopWatch:
        self.marks["start"] = time.monotonic()
        self._timer.start()
        return self

    def stop(self) -> None:
        self._timer.stop()
        self.marks.setdefault("stop", time.monotonic())

    def mark(self, name: str) -> None:
        """Remember now as ``name`` (the first time only), to bound a span later."""
        self.marks.setdefault(name, time.monotonic())

    def longest_gap(self, start: str = "start", end: str = "stop") -> float:
        """The longest time between two ticks (or a bound and a tick) within the span from
        mark ``start`` to mark ``end``."""
        begin, finish = self.marks[start], self.marks[end]
        assert finish > begin, f"the span {start}..{end} is empty"
        during = [begin, *(t for t in self.ticks if begin <= t <= finish), finish]
        return max(b - a for a, b in zip(during, during[1:]))

    def ticks_between(self, start: str = "start", end: str = "stop") -> int:
        begin, finish = self.marks[start], self.marks[end]
        return sum(begin <= t <= finish for t in self.ticks)
