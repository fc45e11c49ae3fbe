"""The workstation's session endpoint: listens for its terminal, embedded or headless.

``WorkstationEndpoint(...).start()`` binds the listening socket (``link.listen``) and runs the
session in a background thread. One terminal holds the session at a time; the same terminal
reconnecting takes its session over, another one is turned away (HTTP 409, reason "busy").
Upload chunks are verified and written into ``state_dir/uploads`` by one ordered worker thread
(opening, taking up and finishing too), never on the link thread.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import hashlib
import logging
from concurrent.futures import Future, ThreadPoolExecutor
from http import HTTPStatus
from pathlib import Path

from websockets.asyncio.server import Server, ServerConnection

from records.link.endpoint import EventCallback, LinkEndpoint, StatusCallback
from records.link.errors import CloseReason, UploadError
from records.link.events import LinkEvent, UploadData, UploadQueried, UploadRequested, UploadStored
from records.link.journal import Journal
from records.link.messages import LogRequest, RecordClose, RecordOffer, TurnBegin, TurnCancel
from records.link.peers import PeerIdentity, PeerPolicy, Side
from records.link.protocol import LinkTimings
from records.link.sides import WorkstationProtocol
from records.link.status import LinkState
from records.link.tls import LinkIdentity, certificate_problems, server_context
from records.link.transport import TransportTimings, start_listening
from records.link.upload_store import UploadStore, WriteResult

__all__ = ["WorkstationEndpoint"]

log = logging.getLogger("inkseal.link")



class WorkstationEndpoint(LinkEndpoint):
    """The listening side of the link, in its own thread; ``address`` is where it listens.

    ``listen`` is (host, port), port 0 for any; ``identity`` this workstation's certificate and
    key; ``policy`` the site CA and the role expected of the peer (a terminal); ``state_dir``
    holds the journal and ``uploads/``. Received uploads end up as ``uploads/<id>.bin``
    (``UploadStored`` names the path); the application moves them where they belong.
    """

    def __init__(self, *, listen: tuple[str, int], identity: LinkIdentity, policy: PeerPolicy,
                 state_dir: Path, station: str, on_event: EventCallback | None = None,
                 on_status: StatusCallback | None = None, timings: LinkTimings = LinkTimings(),
                 transport_timings: TransportTimings = TransportTimings(),
                 fsync: bool = True) -> None:
        if policy.expected_role is not Side.TERMINAL.tls_role:
            raise ValueError("a workstation's peer policy must expect a terminal")
        self._context = server_context(identity, policy)  # a bad file fails before any state
        self.state_dir = Path(state_dir)
        journal = Journal(self.state_dir / "workstation.journal", fsync=fsync)
        super().__init__(WorkstationProtocol(journal, station=station, timings=timings),
                         on_event=on_event, on_status=on_status,
                         transport_timings=transport_timings)
        self._listen = listen
        for problem in certificate_problems(identity, policy, Side.WORKSTATION):
            log.warning("link workstation: %s; terminals will refuse it", problem)
        self._policy = policy
        self._store = UploadStore(self.state_dir / "uploads")
        self._store_pool = ThreadPoolExecutor(1, thread_name_prefix="inkseal-link-uploads")
        self._server: Server | None = None
        self._live: tuple[ServerConnection, PeerIdentity] | None = None
        self._refusals = 0
        self._results: collections.deque = collections.deque()
        self._drain_scheduled = False
        self.address: tuple[str, int] = listen

    # --- what the workstation sends -----------------------------------------------------------
    def offer_record(self, record_id: str, title: str, pdf: bytes, pages: int) -> int:
        """Push the exact PDF bytes of a record; the terminal answers with ``record.confirm``."""
        return self.send(RecordOffer(record_id=record_id, title=title,
                                     sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf),
                                     pages=pages, pdf=pdf))

    def begin_turn(self, turn: TurnBegin) -> int:
        """Tell the terminal whose turn it is to sign, with the PDF as it stands."""
        return self.send(turn)

    def cancel_turn(self, record_id: str, turn: int, reason: str) -> int:
        """Call a signing turn off."""
        return self.send(TurnCancel(record_id=record_id, turn=turn, reason=reason))

    def close_record(self, record_id: str, reason: str) -> int:
        """The terminal may put the record away (sealed, withdrawn)."""
        return self.send(RecordClose(record_id=record_id, reason=reason))

    def request_log(self, log_id: str, from_index: int) -> int:
        """Ask the terminal for its log entries again from ``from_index`` on."""
        return self.send(LogRequest(log_id=log_id, from_index=from_index))

    # --- listening ----------------------------------------------------------------------------
    async def _begin(self) -> None:
        self._conn_lock = asyncio.Lock()
        host, port = self._listen
        self._server = await start_listening(
            host, port, self._context, self._policy, self._on_connection, admit=self._admit,
            on_refused=self._refused, timings=self.transport_timings)
        sock = next(iter(self._server.sockets))
        self.address = sock.getsockname()[:2]
        log.info("link workstation: listening on %s:%d", *self.address)

    async def _end(self) -> None:
        # Let storage work under way (a final flush, say) finish while the loop still runs.
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._store_pool, lambda: None)
        await asyncio.sleep(0)
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def _close_resources(self) -> None:
        self._store_pool.shutdown(wait=True)
        self._store.close()
        super()._close_resources()

    def _admit(self, identity: PeerIdentity) -> tuple[HTTPStatus, str] | None:
        live = self._live
        if live is not None and live[1].subject != identity.subject:
            return HTTPStatus.CONFLICT, f"terminal {live[1].subject!r} holds the session"
        return None

    def _refused(self, reason: CloseReason, detail: str) -> None:
        self._refusals += 1
        if self._status.state is not LinkState.CONNECTED:
            self._set_status(self._status.state, attempt=self._refusals, reason=reason,
                             detail=detail)

    async def _on_connection(self, ws: ServerConnection, identity: PeerIdentity) -> None:
        old = self._live
        if old is not None:
            log.info("link workstation: %s connected again; dropping its old connection",
                     identity.subject)
            old[0].transport.abort()
        async with self._conn_lock:
            if self._stopping.is_set():
                return
            self._live = (ws, identity)
            log.info("link workstation: %s connected from %s", identity.subject, ws.remote_address)
            try:
                reason, detail = await self._run_connection(ws, identity.subject)
            finally:
                if self._live is not None and self._live[0] is ws:
                    self._live = None
            if not self._stopping.is_set():
                self._refusals = 0
                self._set_status(LinkState.RECONNECTING, attempt=0, reason=reason, detail=detail)

    # --- uploads ------------------------------------------------------------------------------
    def _handle(self, event: LinkEvent) -> None:
        if isinstance(event, UploadRequested):
            self._in_store(self._store.open, event.begin, then=self._opened)
        elif isinstance(event, UploadQueried):
            self._in_store(self._store.lookup, event.upload_id,
                           then=lambda found, uid=event.upload_id: self._looked_up(uid, found))
        elif isinstance(event, UploadData):
            # Off the link thread: a write can wait behind the file system's journal commit
            # for a long time (seen: 250 ms during a 1 GB upload), and ink must not. One
            # ordered thread checks each chunk's pieces and writes it: a second stage for the
            # hashing bought nothing on two cores and cost a hand-over per chunk (bench/link.py on a 2-core VM:
            # upload 0.66-0.72 of a plain TLS copy with two stages, 0.73-0.79 with one). The
            # upload window bounds how much waits here.
            self._in_store(self._store.write, event.upload_id, event.offset, event.data,
                           then=lambda result, e=event: self._written(e.upload_id, result))

    def _in_store(self, fn, *args, then) -> None:
        loop = asyncio.get_running_loop()
        future: Future = self._store_pool.submit(fn, *args)

        def done(f: Future) -> None:
            # Results queue up here; one loop wake-up takes all that arrived meanwhile.
            self._results.append((f, then))
            if not self._drain_scheduled:
                self._drain_scheduled = True
                with contextlib.suppress(RuntimeError):  # the endpoint stopped meanwhile
                    loop.call_soon_threadsafe(self._drain_finished)
        future.add_done_callback(done)

    def _drain_finished(self) -> None:
        self._drain_scheduled = False
        while self._results:
            self._store_done(*self._results.popleft())

    def _store_done(self, future: Future, then) -> None:
        try:
            result = future.result()
        except (UploadError, OSError) as exc:
            self._storage_failed(exc)
            return
        then(result)
        self.wake.set()

    def _storage_failed(self, exc: Exception) -> None:
        log.error("link workstation: upload storage: %s", exc)
        with self._lock:
            if isinstance(exc, UploadError):
                self._proto.close(CloseReason.UNEXPECTED, str(exc))
            else:
                self._proto.close(CloseReason.INTERNAL, f"upload storage: {exc}")
        self.wake.set()

    def _opened(self, stored) -> None:
        self._looked_up(stored.begin.upload_id, stored)

    def _looked_up(self, upload_id: str, stored) -> None:
        with self._lock:
            if stored is None:
                self._proto.upload_unknown(upload_id)
                return
            proto: WorkstationProtocol = self._proto  # type: ignore[assignment]
            if upload_id not in proto.incoming:
                proto.adopt_upload(stored.begin)
            if stored.finished:
                proto.upload_ready(upload_id, stored.have)
                proto.upload_finished(upload_id, stored.ok, stored.begin.size,
                                      stored.begin.sha256, "" if stored.ok else "hash-mismatch")
                return
            proto.upload_ready(upload_id, stored.have)
        if stored.have == stored.begin.size:
            self._finish(upload_id)

    def _written(self, upload_id: str, result: WriteResult) -> None:
        with self._lock:
            proto: WorkstationProtocol = self._proto  # type: ignore[assignment]
            if result.rejected:
                log.warning("link workstation: upload %s: chunk refused (%s), resending from %d",
                            upload_id, result.rejected, result.have)
                proto.upload_rejected(upload_id, result.have, result.rejected)
            else:
                proto.upload_progress(upload_id, result.have)
        if result.complete:
            self._finish(upload_id)

    def _finish(self, upload_id: str) -> None:
        self._in_store(self._store.finish, upload_id,
                       then=lambda r: r is not None and self._finished(upload_id, r))

    def _finished(self, upload_id: str, result: WriteResult) -> None:
        reason = "" if result.ok else "hash-mismatch"
        with self._lock:
            proto: WorkstationProtocol = self._proto  # type: ignore[assignment]
            proto.upload_finished(upload_id, result.ok, result.have, result.sha256, reason)
        stored = UploadStored(upload_id, result.ok, result.path, result.have, result.sha256, reason,
                              result.pieces_sha256)
        log.info("link workstation: %r", stored)
        self._emit(stored)
