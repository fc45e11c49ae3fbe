"""Keep freed buffers for reuse while the link moves media through Python.

Every upload chunk passes through several short-lived buffers of a few hundred KiB (framing,
masking, TLS). glibc serves allocations that large with fresh ``mmap`` pages and hands them
back on ``free``, so each chunk pays page faults and zeroing on every copy — measured here at
about a third of the sender's CPU time. Raising the mmap and trim thresholds lets those
buffers be reused from the heap. Process-wide and harmless elsewhere (at most
``trim_threshold`` of freed memory is kept); only glibc has ``mallopt``, elsewhere it is a no-op.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

__all__ = ["keep_freed_buffers"]

log = logging.getLogger(__name__)

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_done = False


def keep_freed_buffers(mmap_threshold: int = 4 << 20, trim_threshold: int = 128 << 20) -> bool:
    """Ask glibc to serve buffers below ``mmap_threshold`` from the heap and keep up to
    ``trim_threshold`` of freed heap; True when applied (once per process)."""
    global _done  # a process-wide setting, applied once, like the allocator it tunes
    if _done:
        return True
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        mallopt = libc.mallopt if libc is not None else None
    except (OSError, AttributeError):
        mallopt = None
    if mallopt is None:
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    ok = bool(mallopt(_M_MMAP_THRESHOLD, mmap_threshold)) and bool(
        mallopt(_M_TRIM_THRESHOLD, trim_threshold))
    log.debug("link: allocator thresholds %s (mmap %d, trim %d)", "set" if ok else "refused",
              mmap_threshold, trim_threshold)
    _done = ok
    return ok
