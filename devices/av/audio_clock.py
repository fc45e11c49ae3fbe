"""The microphone's sample clock measured against the session clock (audio is the master clock).

Every audio block gives one point (sample index, session-clock instant of that sample). A least
squares line through the last ``window_s`` of points gives the offset and the drift (real
microphones run hundreds of ppm off the host clock); video frames are then placed on the audio
timeline through this line, so the audio itself is never resampled or altered.
"""

from __future__ import annotations

from collections import deque

import numpy as np

__all__ = ["AudioClock"]


class AudioClock:
    """Fits ``host_ns = h0 + ns_per_sample * (index - i0)`` over a sliding window."""

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
        self._points: deque[tuple[int, float]] = deque()
        self._since_fit = 0
        # Before any audio arrives the timeline starts at origin_ns at the nominal rate.
        self._i0 = 0.0
        self._h0 = 0.0
        self._slope = self._nominal
        self._prior_slope = self._nominal   # used until the window spans min_fit_span_s
        self.resets = 0

    @property
    def drift_ppm(self) -> float:
        """How much faster the microphone's clock runs than the session clock, in ppm."""
        return (self._nominal / self._slope - 1.0) * 1e6

    @property
    def has_points(self) -> bool:
        return bool(self._points)

    def observe(self, index: int, host_ns: int) -> None:
        """Add the point "sample ``index`` was taken at session instant ``host_ns``"."""
        self._points.append((index, float(host_ns - self.origin_ns)))
        while self._points and index - self._points[0][0] > self._window:
            self._points.popleft()
        self._since_fit += 1
        if len(self._points) < 50 or self._since_fit >= self._refit_every:
            self._fit()

    def reset(self, index: int, host_ns: int) -> None:
        """Re-anchor at this point, forgetting the old ones but keeping the measured drift."""
        self._prior_slope = self._slope
        self._points.clear()
        self.resets += 1
        self.observe(index, host_ns)

    def host_to_index(self, host_ns: int | float) -> float:
        """The (fractional) sample index at session instant ``host_ns``."""
        return self._i0 + (float(host_ns) - self.origin_ns - self._h0) / self._slope

    def index_to_host(self, index: float) -> float:
        """The session instant of sample ``index``."""
        return self.origin_ns + self._h0 + (index - self._i0) * self._slope

    def _fit(self) -> None:
        self._since_fit = 0
        pts = np.asarray(self._points, dtype=np.float64)
        x, y = pts[:, 0], pts[:, 1]
        span = x[-1] - x[0]
        slope = self._prior_slope
        if span >= self._min_span and len(x) >= 10:
            slope = self._lsq_slope(x, y)
            # Reject outliers (a late callback on a busy machine) and fit again.
            i0, h0 = x.mean(), (y - (x - x.mean()) * slope).mean()
            resid = y - (h0 + (x - i0) * slope)
            mad = float(np.median(np.abs(resid - np.median(resid)))) * 1.4826
            keep = np.abs(resid) <= max(3e6, 4.0 * mad)
            if keep.sum() >= 10 and not keep.all():
                x, y = x[keep], y[keep]
                slope = self._lsq_slope(x, y)
            ppm = (self._nominal / slope - 1.0) * 1e6
            if not np.isfinite(ppm) or abs(ppm) > self._max_ppm:
                slope = self._nominal
        self._slope = slope
        self._i0 = float(x.mean())
        self._h0 = float((y - (x - self._i0) * slope).mean())

    @staticmethod
    def _lsq_slope(x: np.ndarray, y: np.ndarray) -> float:
        xc = x - x.mean()
        denom = float(np.dot(xc, xc))
        return float(np.dot(xc, y - y.mean()) / denom) if denom > 0 else float("nan")
