"""Ordered executors: every write to the record store (and later the capture log) goes through
one, so writes happen one at a time in the order they were asked for.

``SerialExecutor`` runs jobs on one worker thread (Picard's single-thread pool for ordered
writes); ``ImmediateExecutor`` runs each job on the caller's thread at once, so tests get a
finished ``Future`` back instead of sleeping.  Both hand back ``concurrent.futures.Future``:
callers wait on ``result()`` or attach callbacks with :func:`when_done`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ParamSpec, Protocol, TypeVar

__all__ = ["ImmediateExecutor", "OrderedExecutor", "SerialExecutor", "when_done"]

log = logging.getLogger(__name__)

T = TypeVar("T")
P = ParamSpec("P")


class OrderedExecutor(Protocol):
    """Runs submitted jobs one at a time, in submission order."""

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        """Queue ``fn(*args, **kwargs)``; its result or exception arrives in the future."""
        ...

    def shutdown(self, wait: bool = True) -> None:
        """Refuse new jobs; with ``wait``, finish the queued ones first."""
        ...


class SerialExecutor:
    """One worker thread named ``name``; stop it with :meth:`shutdown` (or use ``with``)."""

    def __init__(self, name: str = "inkseal-writer") -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=not wait)

    def __enter__(self) -> SerialExecutor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()


class ImmediateExecutor:
    """Runs each job on the calling thread before ``submit`` returns (for tests and scripts)."""

    def __init__(self) -> None:
        self._closed = False

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        if self._closed:
            raise RuntimeError("cannot schedule new futures after shutdown")
        future: Future[T] = Future()
        future.set_running_or_notify_cancel()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # the future carries it to the caller, as a pool would
            future.set_exception(exc)
        return future

    def shutdown(self, wait: bool = True) -> None:
        self._closed = True

    def __enter__(self) -> ImmediateExecutor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()


def when_done(future: Future[T], on_success: Callable[[T], Any],
              on_failure: Callable[[BaseException], Any]) -> Future[T]:
    """Call ``on_success(result)`` or ``on_failure(exception)`` when ``future`` finishes (on the
    worker's thread, or at once if it already has).  ``app/`` turns these into queued Qt
    signals; a callback that raises is logged, never lost silently."""

    def done(finished: Future[T]) -> None:
        try:
            if finished.cancelled():
                return
            error = finished.exception()
            if error is None:
                on_success(finished.result())
            else:
                on_failure(error)
        except Exception:
            log.exception("a completion callback failed")

    future.add_done_callback(done)
    return future
