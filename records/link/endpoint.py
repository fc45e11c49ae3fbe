"""What both endpoints share: a background thread with its own asyncio loop around a protocol.

Public methods are thread-safe: they take the endpoint's lock, hand the message to the
protocol (sequenced ones are journaled before the call returns) and wake the writer. Callbacks
(``on_event``, ``on_status``) run on the link thread, one at a time and in order; they must
return quickly and hand work over to their own thread (``app/`` turns them into queued Qt
signals). An exception in a callback is logged and does not disturb the link.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

from websockets.asyncio.connection import Connection

from records.link.allocator import keep_freed_buffers
from records.link.errors import CloseReason
from records.link.events import (
    Acknowledged,
    CloseConnection,
    LinkEvent,
    Received,
    SessionOpened,
    UploadData,
    UploadProgress,
    UploadQueried,
)
from records.link.messages import InkBatch, Message, PreviewFrame
from records.link.protocol import LinkProtocol
from records.link.status import LinkState, LinkStatus, describe_status
from records.link.transport import TransportTimings, pump_connection

__all__ = ["Backoff", "EventCallback", "LinkEndpoint", "StatusCallback"]

log = logging.getLogger("inkseal.link")

EventCallback = Callable[[LinkEvent], None]
StatusCallback = Callable[[LinkStatus], None]


@dataclass(frozen=True)
class Backoff:
    """Delays between reconnection attempts: exponential, capped, with jitter."""

    initial: float = 0.5
    factor: float = 2.0
    maximum: float = 30.0
    jitter: float = 0.2
    """Each delay is spread by up to this fraction either way, so terminals do not stampede."""

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Seconds to wait before attempt number ``attempt + 1``."""
        base = min(self.maximum, self.initial * self.factor ** max(0, attempt - 1))
        return base * (1 + self.jitter * (2 * rng.random() - 1))


# Plumbing between the protocol and storage; the application never needs to see these.
_INTERNAL = (CloseConnection, UploadData, UploadQueried)


def _summary(event: LinkEvent) -> str:
    if isinstance(event, Received):
        m = event.message
        return f"received {m.KIND} #{event.seq}" if event.seq else f"received {m.KIND}"
    if isinstance(event, UploadData):
        return f"upload {event.upload_id} bytes at {event.offset}"
    return repr(event)


class LinkEndpoint:
    """Base of ``WorkstationEndpoint`` and ``TerminalEndpoint``: loop thread, lock, callbacks."""

    def __init__(self, protocol: LinkProtocol, *, on_event: EventCallback | None,
                 on_status: StatusCallback | None, transport_timings: TransportTimings) -> None:
        self._proto = protocol
        self._lock = threading.RLock()
        self._on_event = on_event
        self._on_status = on_status
        self.transport_timings = transport_timings
        timings = protocol.timings
        self.tick_interval = max(0.01, min(timings.heartbeat_interval / 2, timings.stall_timeout / 4))
        self._status = LinkStatus(LinkState.STARTING)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._startup_error: BaseException | None = None
        self._loop_thread_id = 0
        self._wake_requested = False
        self.wake: asyncio.Event
        self._stopping: asyncio.Event

    # --- lifecycle ----------------------------------------------------------------------------
    def start(self, timeout: float = 10.0) -> None:
        """Start the link thread; raises what prevented it (an address in use, say)."""
        if self._thread is not None:
            raise RuntimeError("the endpoint was already started")
        keep_freed_buffers()
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), daemon=True,
                                        name=f"inkseal-link-{self._proto.role.label}")
        self._thread.start()
        if not ready.wait(timeout):
            raise TimeoutError("the link thread did not start")
        if self._startup_error is not None:
            self._thread.join(timeout)
            raise self._startup_error

    def stop(self, timeout: float = 10.0) -> None:
        """Close the connection (the peer is told: going away) and end the link thread."""
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None and thread.is_alive():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._stopping.set)
            thread.join(timeout)
            if thread.is_alive():
                raise TimeoutError("the link thread did not stop")
        self._close_resources()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def status(self) -> LinkStatus:
        """The latest link status with the current backlog (``on_status`` hears of each change)."""
        with self._lock:
            return replace(self._status, backlog=self._proto.backlog)

    @property
    def session(self) -> str:
        """The current session id ('' until the first handshake)."""
        return self._proto.session

    # --- sending (any thread) ---------------------------------------------------------------
    def send(self, message: Message) -> int:
        """Queue any message this side may send; returns its sequence number (0: unsequenced)."""
        with self._lock:
            seq = self._proto.send(message)
        self._wake_soon()
        if not isinstance(message, (InkBatch, PreviewFrame)):
            log.info("link %s: queued %s%s", self._proto.role.label, message.KIND,
                     f" #{seq}" if seq else "")
        return seq

    def _wake_soon(self) -> None:
        """Wake the writer, from any thread."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        if threading.get_ident() == self._loop_thread_id:
            self.wake.set()
        elif not self._wake_requested:
            # One pending cross-thread wake is enough: it makes the writer pull everything
            # queued by then, so a burst of sends costs one loop wake-up, not one each.
            self._wake_requested = True
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._woken)

    def _woken(self) -> None:
        self._wake_requested = False
        self.wake.set()

    # --- ConnectionPump (link thread) -------------------------------------------------------
    def frame_to_send(self) -> bytes | None:
        with self._lock:
            frame = self._proto.next_frame()
            events = self._proto.take_events()
        self._dispatch(events)
        return frame

    def frame_received(self, data: bytes) -> CloseConnection | None:
        with self._lock:
            events = self._proto.receive(data)
        return self._dispatch(events)

    def tick(self) -> CloseConnection | None:
        with self._lock:
            events = self._proto.tick()
        return self._dispatch(events)

    # --- events and status (link thread) ----------------------------------------------------
    def _dispatch(self, events: list[LinkEvent]) -> CloseConnection | None:
        close = None
        for event in events:
            level = logging.DEBUG if isinstance(event, (UploadData, Acknowledged)) or (
                isinstance(event, UploadProgress) and event.action == "progress") or (
                isinstance(event, Received) and isinstance(event.message, (InkBatch, PreviewFrame))
            ) else logging.INFO
            if log.isEnabledFor(level):
                log.log(level, "link %s: %s", self._proto.role.label, _summary(event))
            if isinstance(event, CloseConnection):
                close = event
            elif isinstance(event, SessionOpened):
                self._set_status(LinkState.CONNECTED, attempt=0, reason=None, detail="",
                                 peer=event.peer_station, session=event.session)
            try:
                self._handle(event)
            except Exception:
                log.exception("link %s: handling %s failed", self._proto.role.label, _summary(event))
            if not isinstance(event, _INTERNAL):
                self._emit(event)
        if events:
            self._wake_soon()
        return close

    def _handle(self, event: LinkEvent) -> None:
        """Side-specific reaction to an event, before it reaches ``on_event``."""

    def _emit(self, event: LinkEvent) -> None:
        if self._on_event is None:
            return
        try:
            self._on_event(event)
        except Exception:
            log.exception("link %s: the event callback failed on %s", self._proto.role.label,
                          _summary(event))

    def _set_status(self, state: LinkState, **changes) -> None:
        with self._lock:
            backlog = self._proto.backlog
        status = replace(self._status, state=state, backlog=backlog, **changes)
        if status == self._status:
            return
        self._status = status
        log.info("link %s: %s", self._proto.role.label, describe_status(status, "en")
                 + (f" ({status.detail})" if status.detail else ""))
        if self._on_status is not None:
            try:
                self._on_status(status)
            except Exception:
                log.exception("link %s: the status callback failed", self._proto.role.label)

    # --- the loop -----------------------------------------------------------------------------
    def _run(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop_thread_id = threading.get_ident()
        self._loop = loop
        try:
            loop.run_until_complete(self._main(ready))
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()
            ready.set()

    async def _main(self, ready: threading.Event) -> None:
        self.wake = asyncio.Event()
        self._stopping = asyncio.Event()
        try:
            await self._begin()
        except BaseException as exc:  # reported to start(), which raises it in the caller
            self._startup_error = exc
            ready.set()
            return
        ready.set()
        try:
            await self._serve()
        finally:
            await self._end()
            self._set_status(LinkState.DOWN, attempt=0, reason=None, detail="stopped")

    async def _begin(self) -> None:
        """Open what must be open before ``start`` returns (the listening socket)."""

    async def _serve(self) -> None:
        """Run until ``_stopping`` is set."""
        await self._stopping.wait()

    async def _end(self) -> None:
        """Close what ``_begin`` opened."""

    def _close_resources(self) -> None:
        """Release files once the thread is gone (journal, storage)."""
        self._proto.journal.close()

    async def _run_connection(self, ws: Connection, peer: str) -> tuple[CloseReason, str]:
        """Pump one connection with ``peer`` (its certificate's subject) until it ends or the
        endpoint stops; returns why it ended."""
        with self._lock:
            self._proto.connection_made(peer)
        self.wake.set()
        pump = asyncio.create_task(pump_connection(ws, self, self.transport_timings))
        stop = asyncio.create_task(self._stopping.wait())
        try:
            await asyncio.wait({pump, stop}, return_when=asyncio.FIRST_COMPLETED)
            if not pump.done():
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(ws.close(CloseReason.GOING_AWAY.close_code,
                                                    "going-away: stopped"),
                                           self.transport_timings.close_timeout)
                ws.transport.abort()
                await pump
                result = (CloseReason.GOING_AWAY, "stopped")
            else:
                result = pump.result()
        finally:
            stop.cancel()
            with self._lock:
                self._proto.connection_lost()
        log.info("link %s: connection ended: %s: %s", self._proto.role.label,
                 result[0].value, result[1])
        return result
