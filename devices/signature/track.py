"""A pen track: every sample of one signature, in order, with the device that captured it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from devices.pen.sample import PenCapabilities, PenSample

__all__ = ["PenTrack"]


@dataclass(frozen=True)
class PenTrack:
    """Samples as captured (hover included, nothing smoothed) and the capabilities to read them."""

    samples: tuple[PenSample, ...]
    capabilities: PenCapabilities

    @classmethod
    def of(cls, samples: Iterable[PenSample], capabilities: PenCapabilities) -> PenTrack:
        return cls(tuple(samples), capabilities)

    def __len__(self) -> int:
        return len(self.samples)

    @property
    def uses_device_time(self) -> bool:
        """True when every sample carries the device's clock and its unit is known."""
        return bool(self.samples) and self.capabilities.device_time_unit_s is not None and all(
            s.device_time is not None for s in self.samples)

    def times_ms(self) -> list[float]:
        """Milliseconds since the first sample: the device clock when there is one, else host."""
        if not self.samples:
            return []
        if self.uses_device_time:
            unit_ms = self.capabilities.device_time_unit_s * 1000  # type: ignore[operator]
            first = self.samples[0].device_time
            return [(s.device_time - first) * unit_ms for s in self.samples]  # type: ignore
        first_ns = self.samples[0].t_ns
        return [(s.t_ns - first_ns) / 1e6 for s in self.samples]

    def strokes(self) -> list[Sequence[PenSample]]:
        """Runs of consecutive touching samples (pen down to pen up)."""
        strokes: list[list[PenSample]] = []
        down = False
        for sample in self.samples:
            if sample.touching:
                if not down:
                    strokes.append([])
                strokes[-1].append(sample)
            down = sample.touching
        return strokes

    def ink_bounds(self) -> tuple[int, int, int, int] | None:
        """(min x, min y, max x, max y) over touching samples, in device units."""
        inked = [s for s in self.samples if s.touching]
        if not inked:
            return None
        xs, ys = [s.x for s in inked], [s.y for s in inked]
        return min(xs), min(ys), max(xs), max(ys)
