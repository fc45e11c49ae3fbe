"""The microphone's sample clock measured against the session clock (audio is the master clock).

Every audio block gives one point (sample index, session-clock instant of that sample). A least
squares fit over the last ``window_s`` of points gives the drift (real microphones run hundreds
of ppm off the host clock) and the offset; video frames are placed on the audio timeline through
it, so the audio itself is never resampled or altered.

Where the timeline had to be patched (silence inserted for lost samples, or a jump in the
device's clock) the points after the patch start a new *run*: all runs share one slope but each
has its own offset, so the few samples by which a patch can be off never bend the drift
estimate, and the mapping follows the latest run.
"""

from __future__ import annotations

from collections import deque

import numpy as np

__all__ = ["AudioClock"]


class AudioClock:
    """Fits ``host_ns = offset_of_latest_run + ns_per_sample * index`` over a sliding window."""

    def __init__(self, sample_rate: int, origin_ns: int, *, window_s: float = 30.0,
                 min_fit_span_s: float = 5.0, max_ppm: float = 2000.0,
                 refit_every: int = 25) -> None:
        self.sample_rate = sample_rate
        self.origin_ns = origin_ns
        self._nominal = 1e9 / sample_rate
        self._window = int(window_s * sample_rate)
        self._min_span = int(min_fit_span_s * sample_rate)
        self._max_ppm = max_ppm
        self._refit_every = refit_every
        self._points: deque[tuple[int, float, int]] = deque()  # (index, host - origin, run)
        self._run = 0
        self._since_fit = 0
        # Before any audio arrives the timeline starts at origin_ns at the nominal rate.
        self._i0 = 0.0
        self._h0 = 0.0
        self._slope = self._nominal
        self.resets = 0

    @property
    def drift_ppm(self) -> float:
        """How much faster the microphone's clock runs than the session clock, in ppm."""
        return (self._nominal / self._slope - 1.0) * 1e6

    @property
    def ns_per_sample(self) -> float:
        """Session-clock nanoseconds per microphone sample, as fitted."""
        return self._slope

    @property
    def has_points(self) -> bool:
        return bool(self._points)

    def observe(self, index: int, host_ns: int) -> None:
        """Add the point "sample ``index`` was taken at session instant ``host_ns``"."""
        self._points.append((index, float(host_ns - self.origin_ns), self._run))
        while self._points and index - self._points[0][0] > self._window:
            self._points.popleft()
        self._since_fit += 1
        if self._in_latest_run() < 50 or self._since_fit >= self._refit_every:
            self._fit()

    def new_run(self) -> None:
        """The timeline was patched here: later points get an offset of their own."""
        self._run += 1

    def reset(self, index: int, host_ns: int) -> None:
        """Re-anchor at this point (a clock jump), keeping what was learnt of the drift."""
        self.resets += 1
        self.new_run()
        self.observe(index, host_ns)

    def host_to_index(self, host_ns: int | float) -> float:
        """The (fractional) sample index at session instant ``host_ns``."""
        return self._i0 + (float(host_ns) - self.origin_ns - self._h0) / self._slope

    def index_to_host(self, index: float) -> float:
        """The session instant of sample ``index``."""
        return self.origin_ns + self._h0 + (index - self._i0) * self._slope

    def _in_latest_run(self) -> int:
        count = 0
        for point in reversed(self._points):
            if point[2] != self._run or count >= 50:
                break
            count += 1
        return count

    def _fit(self) -> None:
        self._since_fit = 0
        pts = np.asarray(self._points, dtype=np.float64)
        x, y, run = pts[:, 0], pts[:, 1], pts[:, 2].astype(np.int64)
        slope = self._slope  # until the window is long enough, keep what is known
        keep = np.ones(len(x), dtype=bool)
        if self._span(x, run) >= self._min_span and len(x) >= 10:
            fitted = self._shared_slope(x, y, run, keep)
            if np.isfinite(fitted):
                # Reject outliers (a late callback on a busy machine) and fit again.
                resid = self._residuals(x, y, run, keep, fitted)
                mad = float(np.median(np.abs(resid - np.median(resid)))) * 1.4826
                keep = np.abs(resid) <= max(3e6, 4.0 * mad)
                if keep.sum() >= 10 and not keep.all():
                    fitted = self._shared_slope(x, y, run, keep)
                ppm = (self._nominal / fitted - 1.0) * 1e6
                if np.isfinite(ppm) and abs(ppm) <= self._max_ppm:
                    slope = fitted
        latest = (run == run[-1]) & keep
        if not latest.any():
            latest = run == run[-1]
        self._slope = slope
        self._i0 = float(x[latest].mean())
        self._h0 = float(y[latest].mean())

    @staticmethod
    def _span(x: np.ndarray, run: np.ndarray) -> float:
        """Total index span covered within runs (a patch does not count as coverage)."""
        total = 0.0
        for r in np.unique(run):
            xs = x[run == r]
            total += float(xs[-1] - xs[0])
        return total

    @staticmethod
    def _centered(v: np.ndarray, run: np.ndarray, keep: np.ndarray) -> np.ndarray:
        ids = np.unique(run, return_inverse=True)[1]
        sums = np.bincount(ids, weights=np.where(keep, v, 0.0))
        counts = np.bincount(ids, weights=keep.astype(np.float64))
        means = sums / np.maximum(counts, 1.0)
        return v - means[ids]

    def _shared_slope(self, x: np.ndarray, y: np.ndarray, run: np.ndarray,
                      keep: np.ndarray) -> float:
        xc = self._centered(x, run, keep)[keep]
        yc = self._centered(y, run, keep)[keep]
        denom = float(np.dot(xc, xc))
        return float(np.dot(xc, yc) / denom) if denom > 0 else float("nan")

    def _residuals(self, x: np.ndarray, y: np.ndarray, run: np.ndarray, keep: np.ndarray,
                   slope: float) -> np.ndarray:
        return self._centered(y - slope * x, run, keep)
