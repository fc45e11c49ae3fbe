"""The one place where calls from other threads become calls on the GUI thread.

Core code (devices, the link, the record executor) fires plain callbacks on its own threads
and knows nothing of Qt (Electrum's rule).  A window hands the core an adapted callable
instead of its own method::

    pad.on_sample = bridge.batched(canvas.add_samples, context=canvas)
    link.on_status = bridge.latest(status_bar.show_status, context=status_bar)
    future_done = bridge.adapt(self.record_loaded, context=self)

Each adapted call is queued to the thread that owns the bridge (the GUI thread) and runs
there in order.  ``context`` ties a delivery to a Qt object: once that object is deleted the
delivery is dropped instead of touching a dead widget.  After :meth:`Bridge.close` every
post is dropped, so a late callback from a stopping device can never reach a closed window.
Posting never blocks and never waits for the GUI thread, so a worker can never deadlock
against it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Generic, ParamSpec, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, QThread, Signal

__all__ = ["Bridge"]

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")


class _Delivery:
    """A queued call: the function, its arguments, and the object it belongs to."""

    __slots__ = ("args", "context", "fn", "kwargs")

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
                 context: QObject | None) -> None:
        self.fn, self.args, self.kwargs, self.context = fn, args, kwargs, context


class Bridge(QObject):
    """Queues calls from any thread onto the thread that created it (the GUI thread)."""

    _posted = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._closed = False
        self._pending = 0
        # Queued even when posting from the GUI thread itself: a posted call always runs
        # later, never inside the caller, whichever thread the caller is on.
        self._posted.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    # -- posting (any thread) ------------------------------------------------------------
    def post(self, fn: Callable[..., Any], *args: Any, context: QObject | None = None,
             **kwargs: Any) -> bool:
        """Run ``fn(*args, **kwargs)`` on the GUI thread soon; False if the bridge is closed."""
        with self._lock:
            if self._closed:
                log.debug("bridge closed, dropped %r", fn)
                return False
            self._pending += 1
            # Emitted under the lock so close() cannot delete the object in between.
            self._posted.emit(_Delivery(fn, args, kwargs, context))
        return True

    def adapt(self, fn: Callable[P, Any], *, context: QObject | None = None) -> Callable[P, None]:
        """A plain callable for core code: each call runs ``fn`` with its arguments on the
        GUI thread."""
        def call(*args: P.args, **kwargs: P.kwargs) -> None:
            self.post(fn, *args, context=context, **kwargs)

        call.__name__ = f"bridged_{getattr(fn, '__name__', 'call')}"
        return call

    def batched(self, fn: Callable[[list[T]], Any], *,
                context: QObject | None = None) -> Callable[[T], None]:
        """A callable taking one item at a time (a pen sample, a log line); ``fn`` receives
        every item, in order, as lists — one list per turn of the event loop, however fast
        items arrive, so a 1000 Hz source costs one event per repaint, not one per item."""
        return _Batcher(self, fn, context).add

    def latest(self, fn: Callable[[T], Any], *,
               context: QObject | None = None) -> Callable[[T], None]:
        """A callable whose value replaces any not yet delivered: ``fn`` sees the newest value
        (a progress figure, a status, a preview frame); stale ones are skipped."""
        return _Latest(self, fn, context).set

    # -- state ----------------------------------------------------------------------------
    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def pending(self) -> int:
        """Posts not yet delivered (for tests and shutdown diagnostics)."""
        return self._pending

    def close(self) -> None:
        """Drop every later post and every queued one; idempotent."""
        with self._lock:
            self._closed = True

    @staticmethod
    def on_gui_thread() -> bool:
        """Whether the caller runs on the application's (GUI) thread."""
        from PySide6.QtCore import QCoreApplication

        app = QCoreApplication.instance()
        return app is not None and QThread.currentThread() is app.thread()

    # -- delivery (GUI thread) -----------------------------------------------------------
    def _deliver(self, delivery: _Delivery) -> None:
        with self._lock:
            self._pending -= 1
            if self._closed:
                return
        context = delivery.context
        if context is not None and not shiboken6.isValid(context):
            log.debug("receiver of %r is gone, dropped", delivery.fn)
            return
        delivery.fn(*delivery.args, **delivery.kwargs)


class _Batcher(Generic[T]):
    """Collects items from any thread; hands them to the GUI thread a list at a time."""

    def __init__(self, bridge: Bridge, fn: Callable[[list[T]], Any],
                 context: QObject | None) -> None:
        self._bridge, self._fn, self._context = bridge, fn, context
        self._lock = threading.Lock()
        self._items: list[T] = []

    def add(self, item: T) -> None:
        with self._lock:
            self._items.append(item)
            first = len(self._items) == 1
        if first:  # one flush per batch: later items join the list the flush will take
            self._bridge.post(self._flush, context=self._context)

    def _flush(self) -> None:
        with self._lock:
            items, self._items = self._items, []
        if items:
            self._fn(items)


class _Latest(Generic[T]):
    """Keeps the newest value from any thread; the GUI thread gets only that one."""

    _EMPTY: Any = object()

    def __init__(self, bridge: Bridge, fn: Callable[[T], Any], context: QObject | None) -> None:
        self._bridge, self._fn, self._context = bridge, fn, context
        self._lock = threading.Lock()
        self._value: Any = self._EMPTY

    def set(self, value: T) -> None:
        with self._lock:
            first = self._value is self._EMPTY
            self._value = value
        if first:
            self._bridge.post(self._flush, context=self._context)

    def _flush(self) -> None:
        with self._lock:
            value, self._value = self._value, self._EMPTY
        if value is not self._EMPTY:
            self._fn(value)
