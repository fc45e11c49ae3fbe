"""Where a signatory's turn meets the window: the station's turn driver on one side, the
buttons on the other.

Whoever runs turns (the workstation's workflow for a station in this process, the link's
terminal side for a remote one) calls :meth:`TurnDesk.drive` — a
:data:`~records.session_stations.TurnDriver` — on its own worker thread.  ``drive`` begins the
turn, tells the window (``started``), and then runs, on that same thread and in order, each
step the window asks for with :meth:`TurnDesk.step` (show a page, start signing, clear,
accept, press the fingerprint, take the photo, finish or refuse).  A step's result or error
comes back to the window on the GUI thread; the turn ends when a step returns the outcome,
which ``drive`` returns to its caller.  Blocking device steps therefore never touch the GUI
thread, and the station sees its steps from one thread, in the order they were asked for.

Closing the window (:meth:`close`) or :meth:`cancel` ends a waiting turn: the station logs it
as cancelled and ``drive`` raises :class:`~records.session_types.StationError`.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Signal

from app.ui.bridge import Bridge
from records.session_types import SignatureOutcome, StationError, TurnRequest, TurnState

if TYPE_CHECKING:  # loaded with the first station, not with the window
    from records.session import SigningStation

__all__ = ["TurnDesk"]

log = logging.getLogger(__name__)

T = TypeVar("T")
Step = Callable[[Any], Any]


@dataclass
class _Turn:
    request: TurnRequest
    steps: queue.SimpleQueue = field(default_factory=queue.SimpleQueue)
    outstanding: int = 0


class _Cancel:
    def __init__(self, reason: str) -> None:
        self.reason = reason


class TurnDesk(QObject):
    """See the module docstring.  One turn at a time."""

    started = Signal(object)     # TurnRequest: a turn began here (GUI thread)
    ended = Signal(object)       # SignatureOutcome: the turn is over
    cancelled = Signal(str)      # the turn was called off (reason)
    busy_changed = Signal(bool)  # a step is running

    def __init__(self, bridge: Bridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._lock = threading.Lock()
        self._turn: _Turn | None = None
        self._closed = False
        self.request: TurnRequest | None = None   # the GUI's view of the turn under way
        self.station: SigningStation | None = None
        self._outstanding = 0

    # -- the driver side (the caller's worker thread) -------------------------------------
    def drive(self, station: SigningStation, request: TurnRequest) -> SignatureOutcome:
        """Run one turn with the person at this window; blocks until it ends."""
        turn = _Turn(request)
        with self._lock:
            if self._closed:
                raise StationError(reason="terminal_closed", field=request.field_name,
                                   zh="签名终端窗口已关闭", en="the signing window is closed")
            if self._turn is not None:
                raise StationError(reason="turn_open", field=request.field_name,
                                   zh="本终端正在进行另一位签名人的签名",
                                   en="another signatory's turn is under way here")
            self._turn = turn
        try:
            station.begin_turn(request)
            self._bridge.post(self._begin, station, request)
            return self._serve(station, turn)
        finally:
            with self._lock:
                self._turn = None

    def _serve(self, station: SigningStation, turn: _Turn) -> SignatureOutcome:
        while True:
            try:
                item = turn.steps.get(timeout=0.25)
            except queue.Empty:
                if self._closed:
                    item = _Cancel("the signing window was closed")
                elif station.state is TurnState.IDLE:
                    # Called off from elsewhere (the workstation, over the link): the station
                    # has logged it already.
                    self._bridge.post(self._cancelled, "called off by the workstation")
                    raise StationError(reason="turn_cancelled", field=turn.request.field_name,
                                       zh="签名已被工作站取消",
                                       en="the workstation called the turn off") from None
                else:
                    continue
            if isinstance(item, _Cancel):
                station.cancel_turn(item.reason)
                self._bridge.post(self._cancelled, item.reason)
                raise StationError(reason="turn_cancelled", field=turn.request.field_name,
                                   zh=f"签名已取消：{item.reason}",
                                   en=f"the turn was cancelled: {item.reason}")
            work, done, failed = item
            try:
                result = work(station)
            except Exception as exc:  # noqa: BLE001 - every failure goes back to the window
                log.info("station step failed: %s", exc)
                self._bridge.post(self._step_failed, failed, exc)
                continue
            self._bridge.post(self._step_done, done, result)
            if isinstance(result, SignatureOutcome):
                return result

    # -- the window side (GUI thread) -----------------------------------------------------
    @property
    def busy(self) -> bool:
        """A step asked for has not come back yet."""
        return self._outstanding > 0

    @property
    def active(self) -> bool:
        return self.request is not None

    def step(self, work: Callable[[Any], T], done: Callable[[T], Any] | None = None,
             failed: Callable[[BaseException], Any] | None = None) -> bool:
        """Run ``work(station)`` on the turn's thread; ``done(result)`` or ``failed(error)``
        on the GUI thread.  False (nothing run) when no turn is under way."""
        with self._lock:
            turn = self._turn
        if turn is None or self.request is None:
            return False
        self._outstanding += 1
        if self._outstanding == 1:
            self.busy_changed.emit(True)
        turn.steps.put((work, done, failed))
        return True

    def cancel(self, reason: str) -> bool:
        """Call the turn off (logged by the station as cancelled)."""
        with self._lock:
            turn = self._turn
        if turn is None:
            return False
        turn.steps.put(_Cancel(reason))
        return True

    def close(self) -> None:
        """The window is going: a turn waiting here is cancelled.  Idempotent."""
        with self._lock:
            self._closed = True
            turn = self._turn
        if turn is not None:
            turn.steps.put(_Cancel("the signing window was closed"))

    def _begin(self, station: SigningStation, request: TurnRequest) -> None:
        self.station, self.request = station, request
        self.started.emit(request)

    def _settle(self) -> None:
        self._outstanding = max(0, self._outstanding - 1)
        if self._outstanding == 0:
            self.busy_changed.emit(False)

    def _step_done(self, done: Callable[[Any], Any] | None, result: Any) -> None:
        self._settle()
        if isinstance(result, SignatureOutcome):
            self.request = None
        if done is not None:
            done(result)
        if isinstance(result, SignatureOutcome):
            self.ended.emit(result)

    def _step_failed(self, failed: Callable[[BaseException], Any] | None,
                     error: BaseException) -> None:
        self._settle()
        if failed is not None:
            failed(error)
        else:
            log.error("unhandled station step failure: %s", error)

    def _cancelled(self, reason: str) -> None:
        self.request = None
        self._outstanding = 0
        self.busy_changed.emit(False)
        self.cancelled.emit(reason)
