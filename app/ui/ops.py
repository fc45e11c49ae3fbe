"""Background operations, Anki style: a small builder around a function run off the GUI thread.

    Op(self, lambda progress: records.draft_record(...).result(), self.record_saved) \\
        .failure(self.show_field_errors) \\
        .with_progress(self.tr("Saving the draft…")) \\
        .run()

The work receives an :class:`OpProgress` and nothing else: it captures domain objects (the
record service, a blob store, a path), never widgets.  It runs on the window's
:class:`OpRunner` pool; ``on_success`` and failures come back on the GUI thread through the
window's :class:`~app.ui.bridge.Bridge`, and only while ``parent`` still exists.  Errors go to
one place: a handler given with :meth:`Op.failure`, else the runner's
:class:`~app.ui.errors.ErrorReporter` (a dialog with the bilingual domain message, traceback in
the log).  Work that can stop early calls ``progress.check()`` and the progress dialog gets a
Cancel button (:meth:`Op.cancellable`).

A window that runs ops exposes its runner as ``op_runner`` (the :class:`OpHost` protocol); an
``Op`` finds it from ``parent`` up the widget tree.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.ui.bridge import Bridge
from app.ui.errors import ErrorReporter

__all__ = ["Op", "OpCancelled", "OpHost", "OpProgress", "OpRunner", "ProgressState"]

log = logging.getLogger(__name__)

T = TypeVar("T")

#: An op that ends sooner than this never shows its progress dialog (no flicker).
PROGRESS_DELAY_MS = 400


class OpCancelled(Exception):
    """Raised inside the work by :meth:`OpProgress.check` once the user cancelled."""


@dataclass(frozen=True)
class ProgressState:
    """What the work last reported: ``done`` of ``total`` (``total`` None: indeterminate)."""

    done: int = 0
    total: int | None = None
    text: str | None = None


class OpProgress:
    """Handed to the work: report progress from the worker thread, and see cancellation."""

    def __init__(self, report: Callable[[ProgressState], None], cancel: threading.Event) -> None:
        self._report = report
        self._cancel = cancel

    def update(self, done: int, total: int | None = None, text: str | None = None) -> None:
        """``done`` steps of ``total`` (None while the total is unknown); ``text`` replaces
        the dialog's label (already translated by whoever made it)."""
        self._report(ProgressState(done, total, text))

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise :class:`OpCancelled` if the user asked to stop."""
        if self._cancel.is_set():
            raise OpCancelled()


@runtime_checkable
class OpHost(Protocol):
    """A window whose ops run on ``op_runner``."""

    op_runner: OpRunner


class OpRunner(QObject):
    """The worker threads, bridge and error reporter of one window; stop with :meth:`shutdown`."""

    finished = Signal(int)  # the id of an op that ended (success, failure or cancellation)

    def __init__(self, bridge: Bridge, reporter: ErrorReporter, *, workers: int = 2,
                 name: str = "inkseal-op", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.reporter = reporter
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._lock = threading.Lock()
        self._running: dict[int, threading.Event] = {}
        self._ids = itertools.count(1)
        self._stopped = False

    @classmethod
    def of(cls, widget: QObject) -> OpRunner:
        """The runner of the window ``widget`` belongs to (LookupError if none)."""
        obj: QObject | None = widget
        while obj is not None:
            runner = getattr(obj, "op_runner", None)
            if isinstance(runner, OpRunner):
                return runner
            obj = obj.parent()
        raise LookupError(f"{type(widget).__name__} is not inside a window with an op_runner")

    @property
    def busy(self) -> int:
        """How many ops are running or queued."""
        with self._lock:
            return len(self._running)

    def idle(self) -> bool:
        return self.busy == 0

    def cancel_all(self) -> None:
        """Ask every running op to stop (each stops at its next ``progress.check()``)."""
        with self._lock:
            for event in self._running.values():
                event.set()

    def shutdown(self) -> None:
        """Cancel what runs, wait for the worker threads to end, drop late results.
        Idempotent; call it when the window closes."""
        with self._lock:
            self._stopped = True
        self.cancel_all()
        self._pool.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            # Outcomes still queued on the (closing) bridge will never be delivered.
            self._running.clear()

    def _start(self, work: Callable[[OpProgress], Any], progress: Callable[[ProgressState], None],
               done: Callable[[int, bool, Any], None]) -> tuple[int, threading.Event] | None:
        with self._lock:
            if self._stopped:
                return None
            op_id, cancel = next(self._ids), threading.Event()
            self._running[op_id] = cancel

        def job() -> None:
            try:
                result = work(OpProgress(progress, cancel))
            except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread, never lost
                self._end(op_id, done, False, exc)
            else:
                self._end(op_id, done, True, result)

        try:
            self._pool.submit(job)
        except RuntimeError:  # the pool is shutting down
            with self._lock:
                del self._running[op_id]
            return None
        return op_id, cancel

    def _end(self, op_id: int, done: Callable[[int, bool, Any], None], ok: bool,
             value: Any) -> None:
        if not self.bridge.post(done, op_id, ok, value):
            self._forget(op_id)  # the window is gone: nobody waits for this op's outcome

    def _forget(self, op_id: int) -> None:
        with self._lock:
            self._running.pop(op_id, None)
        self.finished.emit(op_id)


class Op(Generic[T]):
    """One background operation, built then run once."""

    def __init__(self, parent: QWidget, work: Callable[[OpProgress], T],
                 on_success: Callable[[T], Any] | None = None) -> None:
        self._parent = parent
        self._work = work
        self._on_success = on_success
        self._on_failure: Callable[[BaseException], Any] | None = None
        self._on_cancelled: Callable[[], Any] | None = None
        self._progress_text: str | None = None
        self._cancellable = False
        self._dialog: QProgressDialog | None = None
        self._timer: QTimer | None = None
        self._state = ProgressState()
        self._cancel: threading.Event | None = None
        self.id: int | None = None
        self.done = False

    def failure(self, on_failure: Callable[[BaseException], Any]) -> Op[T]:
        """Handle errors here instead of the error dialog."""
        self._on_failure = on_failure
        return self

    def with_progress(self, text: str) -> Op[T]:
        """Show a progress dialog with ``text`` if the op takes longer than a moment."""
        self._progress_text = text
        return self

    def cancellable(self, on_cancelled: Callable[[], Any] | None = None) -> Op[T]:
        """The work calls ``progress.check()``: offer Cancel; ``on_cancelled`` runs if used."""
        self._cancellable = True
        self._on_cancelled = on_cancelled
        return self

    def run(self, runner: OpRunner | None = None) -> Op[T]:
        """Start the work; returns at once.  ``runner`` defaults to the parent window's."""
        runner = runner or OpRunner.of(self._parent)
        self._runner = runner
        report = runner.bridge.latest(self._show_progress, context=self._parent)
        started = runner._start(self._work, report, self._finish)
        if started is None:
            log.info("op not started: the window is closing")
            self.done = True
            return self
        self.id, self._cancel = started
        if self._progress_text is not None:
            self._timer = QTimer(self._parent)
            self._timer.setSingleShot(True)
            self._timer.timeout.connect(self._open_dialog)
            self._timer.start(PROGRESS_DELAY_MS)
        return self

    def cancel(self) -> None:
        """Ask the work to stop at its next ``progress.check()``."""
        if self._cancel is not None:
            self._cancel.set()

    # -- GUI thread ----------------------------------------------------------------------
    def _open_dialog(self) -> None:
        if self.done:
            return
        dialog = QProgressDialog(self._parent)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if not self._cancellable:
            dialog.setCancelButton(None)
        dialog.canceled.connect(self.cancel)
        self._dialog = dialog
        self._apply(self._state)
        dialog.show()

    def _show_progress(self, state: ProgressState) -> None:
        self._state = state
        if self._dialog is not None:
            self._apply(state)

    def _apply(self, state: ProgressState) -> None:
        dialog = self._dialog
        assert dialog is not None
        dialog.setLabelText(state.text or self._progress_text or "")
        if state.total is None:
            dialog.setRange(0, 0)  # busy indicator
        else:
            dialog.setRange(0, max(state.total, 1))
            dialog.setValue(min(state.done, max(state.total, 1)))

    def _finish(self, op_id: int, ok: bool, value: Any) -> None:
        self.done = True
        try:
            if not shiboken6.isValid(self._parent):
                return  # the window closed meanwhile; its timer and dialog went with it
            if self._timer is not None:
                self._timer.stop()
                self._timer.deleteLater()
                self._timer = None
            if self._dialog is not None:
                self._dialog.close()
                self._dialog.deleteLater()
                self._dialog = None
            if ok:
                if self._on_success is not None:
                    self._on_success(value)
            elif isinstance(value, OpCancelled):
                log.info("op %s cancelled", op_id)
                if self._on_cancelled is not None:
                    self._on_cancelled()
            elif self._on_failure is not None:
                self._on_failure(value)
            else:
                self._runner.reporter.report(self._parent, value)
        finally:
            self._runner._forget(op_id)
