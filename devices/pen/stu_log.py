"""Real STU pen data logged by Wacom's SDK sample, as takes the emulator can play.

Two input forms are read: the SDK sample's own log (``logfile.txt``: a ``Date/Time:`` line,
then ``Time/seq/x/y/pressure <timeCount> <sequence> <x> <y> <pressure>`` per report 0x34)
and the CSV Inkseal ships (``take,time_count_ms,sequence,x,y,pressure``; a first column named
``session`` is accepted too). A take ends where the sequence number starts again.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from devices.errors import ProtocolError

__all__ = ["LoggedPenSample", "LoggedTake", "load_stu_pen_log", "write_stu_pen_log_csv"]

LOG_PREFIX = "Time/seq/x/y/pressure"
CSV_FIELDS = ("take", "time_count_ms", "sequence", "x", "y", "pressure")


@dataclass(frozen=True, slots=True)
class LoggedPenSample:
    """One logged report 0x34: device milliseconds, sequence, position, pressure."""

    time_count_ms: int
    sequence: int
    x: int
    y: int
    pressure: int


@dataclass(frozen=True)
class LoggedTake:
    """One signature as the pad reported it, from pen-near to the last report."""

    number: int
    samples: tuple[LoggedPenSample, ...]

    @property
    def duration_ms(self) -> int:
        return self.samples[-1].time_count_ms - self.samples[0].time_count_ms if self.samples \
            else 0


def _error(path: str, line: int, message: str) -> ProtocolError:
    return ProtocolError(f"{path}:{line}: {message}", reason="bad_pen_log", device=path)


def _split_takes(rows: Iterable[tuple[int | None, LoggedPenSample]]) -> list[LoggedTake]:
    takes: list[list[LoggedPenSample]] = []
    last_take: int | None = None
    for take, sample in rows:
        new = (not takes or (take is not None and take != last_take)
               or (take is None and sample.sequence <= takes[-1][-1].sequence))
        if new:
            takes.append([])
        takes[-1].append(sample)
        last_take = take
    return [LoggedTake(i, tuple(samples)) for i, samples in enumerate(takes)]


def load_stu_pen_log(path: Path | str) -> list[LoggedTake]:
    """The takes in a pen log (SDK text log or Inkseal CSV); ``ProtocolError`` names the line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"{path}: cannot read the pen log: {exc}", reason="bad_pen_log",
                            device=str(path)) from exc
    lines = text.splitlines()
    rows: list[tuple[int | None, LoggedPenSample]] = []
    if lines and lines[0].split(",")[0] in ("take", "session"):
        for number, row in enumerate(csv.reader(lines[1:]), start=2):
            if not row:
                continue
            try:
                take, tc, seq, x, y, p = (int(v) for v in row[:6])
            except ValueError:
                raise _error(str(path), number, "expected six whole numbers") from None
            rows.append((take, LoggedPenSample(tc, seq, x, y, p)))
    else:
        for number, line in enumerate(lines, start=1):
            if not line.startswith(LOG_PREFIX):
                continue
            try:
                tc, seq, x, y, p = (int(v) for v in line[len(LOG_PREFIX):].split())
            except ValueError:
                raise _error(str(path), number, "expected five whole numbers") from None
            rows.append((None, LoggedPenSample(tc, seq, x, y, p)))
    if not rows:
        raise ProtocolError(f"{path}: no pen samples in the log", reason="bad_pen_log",
                            device=str(path))
    return _split_takes(rows)


def write_stu_pen_log_csv(takes: Sequence[LoggedTake], out: TextIO) -> None:
    """Write takes in the CSV form ``load_stu_pen_log`` reads back."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for take in takes:
        for s in take.samples:
            writer.writerow((take.number, s.time_count_ms, s.sequence, s.x, s.y, s.pressure))
