"""Write-behind for a file that is appended to in one long stream (a received upload).

A received recording is not read again soon, yet every byte of it would otherwise stay in the
page cache, dirty until the final flush. Gigabytes of it crowd out what the workstation does
need cached, and once memory (or the service's memory limit) is full every further write pays
for reclaim in the writing thread: measured here, the kernel side of a 1 MiB write went from
0.25 to 1.5-2.5 s per GB after the first 1.5 GB of one upload. So the appender starts
writeback of each window as it completes, and once a window is on disk drops it from the cache:
the write costs stay flat and the final ``fsync`` finds little left to do.

Linux only (``sync_file_range``); elsewhere, or on a file system that refuses it, nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os

__all__ = ["DEFAULT_WINDOW", "WriteBehind"]

log = logging.getLogger(__name__)

DEFAULT_WINDOW = 8 << 20
"""Bytes per writeback request: large enough for few calls, small against any cache."""

_WAIT_BEFORE, _WRITE, _WAIT_AFTER = 1, 2, 4


def _load_sync_file_range():
    name = ctypes.util.find_library("c")
    try:
        fn = ctypes.CDLL(name, use_errno=True).sync_file_range if name else None
    except (OSError, AttributeError):
        return None
    if fn is not None:  # a foreign call through CDLL lets go of the GIL while the kernel works
        fn.argtypes = (ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint)
        fn.restype = ctypes.c_int
    return fn


_SYNC_FILE_RANGE = _load_sync_file_range() if hasattr(os, "posix_fadvise") else None


class WriteBehind:
    """Push the bytes of ``fd`` from ``start`` on to disk behind its writer, one window at a
    time, and drop them from the page cache once written. Call ``wrote(end)`` after each append.

    Not a flush: metadata and the disk's own cache still need the ``fsync`` at the end.
    """

    def __init__(self, fd: int, start: int = 0, window: int = DEFAULT_WINDOW) -> None:
        self.fd, self.window = fd, window
        self.started = start
        """Writeback was asked for every byte below this offset."""
        self.dropped = start
        """Every byte below this offset is on disk and out of the cache."""
        self.enabled = _SYNC_FILE_RANGE is not None

    def wrote(self, end: int) -> None:
        """The file now holds bytes up to ``end``: start writing back each completed window, and
        drop the window before it (its writeback began one window ago, so it is usually done)."""
        if not self.enabled or end - self.started < self.window:
            return
        if self.started - self.dropped >= self.window:
            if not self._call(self.dropped, self.started - self.dropped,
                              _WAIT_BEFORE | _WRITE | _WAIT_AFTER):
                return
            os.posix_fadvise(self.fd, self.dropped, self.started - self.dropped,
                             os.POSIX_FADV_DONTNEED)
            self.dropped = self.started
        if self._call(self.started, end - self.started, _WRITE):
            self.started = end

    def _call(self, offset: int, length: int, flags: int) -> bool:
        if _SYNC_FILE_RANGE(self.fd, offset, length, flags) == 0:
            return True
        err = ctypes.get_errno()
        # A file system or descriptor that cannot do it (a pipe, some FUSE mounts): the final
        # fsync still makes the file durable; only the cache relief is lost.
        log.debug("link: write-behind off for fd %d: %s", self.fd, os.strerror(err))
        self.enabled = False
        return False
