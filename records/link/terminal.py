"""The terminal's endpoint: connects to the workstation (``link.connect``), reconnects with backoff.

While the link is down the terminal keeps working: everything sequenced (page views, ink,
results, capture-log entries, upload announcements) is journaled in ``state_dir`` and goes out
in order once the session resumes. Camera previews are simply dropped while down. Uploads of
files are remembered in ``state_dir/outgoing`` and taken up again after a restart.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from records.link.batcher import InkBatcher
from records.link.brain import TerminalBrain
from records.link.endpoint import Backoff, EventCallback, LinkEndpoint, StatusCallback
from records.link.events import LinkEvent, Received, RecordVerified, UploadFinished
from records.link.ink import InkSample
from records.link.journal import Journal
from records.link.messages import (
    InkBatch,
    InkClear,
    LogCheckpoint,
    LogEntry,
    LogRequest,
    PageView,
    PreviewFrame,
    RecordClose,
    SignatureResult,
    TurnBegin,
    TurnCancel,
    UploadBegin,
)
from records.link.peers import PeerPolicy, Side
from records.link.pieces import PieceMap, map_file
from records.link.protocol import LinkTimings
from records.link.sides import TerminalProtocol
from records.link.status import LinkState
from records.link.tls import LinkIdentity, certificate_problems, client_context
from records.link.transport import TransportTimings, classify_error, open_connection
from records.link.upload import DEFAULT_CHUNK, FileSource, UploadSource

__all__ = ["TerminalEndpoint"]

log = logging.getLogger("inkseal.link")


class TerminalEndpoint(LinkEndpoint):
    """The connecting side of the link, in its own thread, with a brain for what to do.

    ``connect`` is the workstation's (host, port); ``identity`` this terminal's certificate and
    key; ``policy`` the site CA and the role expected of the peer (a workstation);
    ``state_dir`` holds the journal and the uploads to take up after a restart. ``brain``
    runs the signing flow on its own thread. After a refusal retrying cannot fix (certificate,
    role, version) the link is DOWN and looks again every ``fatal_retry`` seconds (None:
    only when ``reconnect()`` is called). ``ink_interval`` is the live ink batching period.
    """

    def __init__(self, *, connect: tuple[str, int], identity: LinkIdentity, policy: PeerPolicy,
                 state_dir: Path, station: str, brain: TerminalBrain | None = None,
                 on_event: EventCallback | None = None, on_status: StatusCallback | None = None,
                 timings: LinkTimings = LinkTimings(),
                 transport_timings: TransportTimings = TransportTimings(),
                 backoff: Backoff = Backoff(), fatal_retry: float | None = 60.0,
                 ink_interval: float = 0.016, fsync: bool = True,
                 rng: random.Random | None = None) -> None:
        if policy.expected_role is not Side.WORKSTATION.tls_role:
            raise ValueError("a terminal's peer policy must expect a workstation")
        self._context = client_context(identity, policy)  # a bad file fails before any state
        self.state_dir = Path(state_dir)
        journal = Journal(self.state_dir / "terminal.journal", fsync=fsync)
        super().__init__(TerminalProtocol(journal, station=station, timings=timings),
                         on_event=on_event, on_status=on_status,
                         transport_timings=transport_timings)
        host, port = connect
        self.uri = f"wss://[{host}]:{port}/" if ":" in host else f"wss://{host}:{port}/"
        self._identity = identity
        for problem in certificate_problems(identity, policy, Side.TERMINAL):
            log.warning("link terminal: %s; the workstation will refuse it", problem)
        self._policy = policy
        self.backoff = backoff
        self.fatal_retry = fatal_retry
        self._rng = rng or random.Random()
        self._batcher = InkBatcher(int(ink_interval * 1e9))
        self._ink_timer: asyncio.TimerHandle | None = None
        self._outgoing = self.state_dir / "outgoing"
        self._outgoing.mkdir(parents=True, exist_ok=True)
        self.brain = brain or TerminalBrain()
        self.brain.attach(self)
        self._brain_pool = ThreadPoolExecutor(1, thread_name_prefix="inkseal-link-brain")
        self._cancel_pool = ThreadPoolExecutor(1, thread_name_prefix="inkseal-link-cancel")
        self._resume_file_uploads()

    @property
    def _terminal(self) -> TerminalProtocol:
        return self._proto  # type: ignore[return-value]

    # --- what the terminal sends (any thread) -------------------------------------------------
    def page_view(self, record_id: str, field_name: str, page: int, shown_ms: int) -> int:
        """A page of the record was on screen for ``shown_ms`` during the turn of ``field_name``."""
        return self.send(PageView(record_id=record_id, field_name=field_name, page=page,
                                  shown_ms=shown_ms))

    def pen_sample(self, record_id: str, turn: int, stroke: int, sample: InkSample) -> None:
        """One pen sample, mirrored live in batches of about 16 ms."""
        with self._lock:
            batches = self._batcher.add(record_id, turn, stroke, sample, time.monotonic_ns())
            for batch in batches:
                self._proto.send(batch)
        self._wake_soon()
        if self._loop is not None and not self._loop.is_closed():
            try:
                self._loop.call_soon_threadsafe(self._arm_ink_timer)
            except RuntimeError:
                pass

    def flush_ink(self) -> None:
        """Send the open ink batch now (pen up at the end of a signature)."""
        with self._lock:
            for batch in self._batcher.flush():
                self._proto.send(batch)
        self._wake_soon()

    def clear_ink(self, record_id: str, turn: int, reason: str) -> int:
        """The signatory cleared the pad; the ink so far stays in the record of what happened."""
        self.flush_ink()
        return self.send(InkClear(record_id=record_id, turn=turn, reason=reason))

    def send_preview(self, jpeg: bytes, width: int, height: int, at_ns: int | None = None) -> None:
        """A camera preview frame; replaced by a newer one if it has not left yet."""
        self.send(PreviewFrame(at_ns=time.perf_counter_ns() if at_ns is None else at_ns,
                               width=width, height=height, jpeg=jpeg))

    def send_result(self, record_id: str, turn: int, field_name: str, outcome: str,
                    result: bytes, *, simulated: bool, reason: str = "", message_zh: str = "",
                    message_en: str = "") -> int:
        """How the turn ended: the station's outcome bytes, or "failed" with why."""
        self.flush_ink()
        return self.send(SignatureResult(
            record_id=record_id, turn=turn, field_name=field_name, outcome=outcome,
            simulated=simulated, reason=reason, message_zh=message_zh, message_en=message_en,
            result_sha256=hashlib.sha256(result).hexdigest(), result=result))

    def send_ink(self, batch: InkBatch) -> int:
        """An ink batch made elsewhere (the station batches its own pen samples)."""
        return self.send(batch)

    def send_log_entry(self, log_id: str, index: int, entry: bytes) -> int:
        """A capture-log entry, delivered exactly once and in order."""
        return self.send(LogEntry(log_id=log_id, index=index, entry=entry))

    def send_checkpoint(self, log_id: str, index: int, checkpoint: bytes) -> int:
        """A signed capture-log checkpoint."""
        return self.send(LogCheckpoint(log_id=log_id, index=index, checkpoint=checkpoint))

    def upload_file(self, path: Path, *, media_type: str, sha256: str | None = None,
                    pieces: PieceMap | None = None, upload_id: str | None = None,
                    chunk_size: int = DEFAULT_CHUNK) -> str:
        """Upload a file; resumable across cuts and restarts. Returns its id.

        ``pieces`` and ``sha256`` are the file's piece map and SHA-256 when known (a
        recording's segments and summary): nothing is hashed then. Otherwise the file is
        mapped in one pass first.
        """
        path = Path(path)
        if pieces is None or sha256 is None:
            pieces, sha256 = map_file(path)
        upload_id = upload_id or uuid.uuid4().hex
        source = FileSource(path)
        begin = self.upload_source(source, name=path.name, media_type=media_type, sha256=sha256,
                                   pieces=pieces, upload_id=upload_id, chunk_size=chunk_size)
        (self._outgoing / f"{upload_id}.pieces").write_bytes(begin.pieces)
        (self._outgoing / f"{upload_id}.json").write_text(json.dumps(
            {"path": str(path.resolve()), "begin": _fields(begin)}, sort_keys=True), encoding="utf-8")
        return upload_id

    def upload_source(self, source: UploadSource, *, name: str, media_type: str, sha256: str,
                      pieces: PieceMap, upload_id: str | None = None,
                      chunk_size: int = DEFAULT_CHUNK) -> UploadBegin:
        """Upload from any source with its piece map (resumable across cuts, not restarts)."""
        with self._lock:
            begin = self._terminal.start_upload(source, upload_id=upload_id or uuid.uuid4().hex,
                                                name=name, media_type=media_type, sha256=sha256,
                                                pieces=pieces, chunk_size=chunk_size)
        self._wake_soon()
        log.info("link terminal: upload %s of %s (%d bytes, %d pieces) announced",
                 begin.upload_id, name, begin.size, len(pieces.lengths))
        return begin

    @property
    def uploads_pending(self) -> int:
        """Uploads announced and not yet acknowledged whole by the workstation."""
        with self._lock:
            return len(self._terminal.uploads)

    def reconnect(self) -> None:
        """Try again after the link went down for a reason retrying could not fix."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._retry.set)

    # --- ink timer (link thread) ----------------------------------------------------------
    def _arm_ink_timer(self) -> None:
        if self._ink_timer is not None:
            return
        with self._lock:
            deadline = self._batcher.deadline_ns
        if deadline is None:
            return
        delay = max(0.0, (deadline - time.monotonic_ns()) / 1e9)
        self._ink_timer = self._loop.call_later(delay, self._ink_due)  # type: ignore[union-attr]

    def _ink_due(self) -> None:
        self._ink_timer = None
        with self._lock:
            for batch in self._batcher.due(time.monotonic_ns()):
                self._proto.send(batch)
        self.wake.set()
        self._arm_ink_timer()

    # --- events -------------------------------------------------------------------------------
    def _handle(self, event: LinkEvent) -> None:
        brain = self.brain
        if isinstance(event, RecordVerified):
            self._brain_pool.submit(self._in_brain, brain.on_record, event.offer)
        elif isinstance(event, Received):
            m = event.message
            if isinstance(m, TurnBegin):
                self._brain_pool.submit(self._in_brain, brain.on_turn, m)
            elif isinstance(m, TurnCancel):
                # Not behind the turn it calls off: that may be running on the brain thread.
                self._cancel_pool.submit(self._in_brain, brain.on_turn_cancel, m)
            elif isinstance(m, RecordClose):
                self._brain_pool.submit(self._in_brain, brain.on_record_close, m)
            elif isinstance(m, LogRequest):
                self._brain_pool.submit(self._in_brain, brain.on_log_request, m)
        elif isinstance(event, UploadFinished):
            (self._outgoing / f"{event.upload_id}.json").unlink(missing_ok=True)
            (self._outgoing / f"{event.upload_id}.pieces").unlink(missing_ok=True)

    @staticmethod
    def _in_brain(hook, message) -> None:
        try:
            hook(message)
        except Exception:
            log.exception("link terminal: the brain failed on %s", message.KIND)

    def _resume_file_uploads(self) -> None:
        for meta in sorted(self._outgoing.glob("*.json")):
            try:
                saved = json.loads(meta.read_text(encoding="utf-8"))
                begin = UploadBegin(**saved["begin"],
                                    pieces=meta.with_suffix(".pieces").read_bytes())
                self._terminal.resume_upload(begin, FileSource(Path(saved["path"])))
                log.info("link terminal: taking up upload %s of %s", begin.upload_id, saved["path"])
            except Exception as exc:
                log.error("link terminal: cannot take up the upload in %s: %s", meta, exc)

    def _close_resources(self) -> None:
        self.brain.detach()
        self._cancel_pool.shutdown(wait=True)
        self._brain_pool.shutdown(wait=True)
        for upload in self._terminal.uploads.values():
            upload.source.close()
        super()._close_resources()

    # --- connecting ---------------------------------------------------------------------------
    async def _begin(self) -> None:
        self._retry = asyncio.Event()

    async def _serve(self) -> None:
        attempt, ever_connected = 0, False
        reason, detail = None, ""
        while not self._stopping.is_set():
            attempt += 1
            state = LinkState.RECONNECTING if ever_connected or attempt > 1 else LinkState.STARTING
            self._set_status(state, attempt=attempt, reason=reason, detail=detail)
            try:
                ws, identity = await open_connection(
                    self.uri, self._context, self._policy, timings=self.transport_timings,
                    own_problems=lambda: certificate_problems(self._identity, self._policy,
                                                              Side.TERMINAL))
            except Exception as exc:
                reason, detail = classify_error(exc)
                log.warning("link terminal: attempt %d to reach %s failed: %s: %s", attempt,
                            self.uri, reason.value, detail)
            else:
                log.info("link terminal: connected to %s (%s)", self.uri, identity.subject)
                reason, detail = await self._run_connection(ws, identity.subject)
                if self._status.state is LinkState.CONNECTED:
                    attempt, ever_connected = 0, True
            if self._stopping.is_set():
                break
            if reason.fatal:
                # Down until someone fixes a certificate or a version; still look again now and
                # then (a renewed certificate on the other side) or when told to.
                self._set_status(LinkState.DOWN, attempt=attempt, reason=reason, detail=detail)
                waits = [self._stopping.wait(), self._retry.wait()]
                if self.fatal_retry is not None:
                    waits.append(asyncio.sleep(self.fatal_retry))
                await _first(*waits)
                self._retry.clear()
                continue
            self._set_status(LinkState.RECONNECTING, attempt=attempt, reason=reason, detail=detail)
            delay = self.backoff.delay(max(1, attempt), self._rng)
            await _first(self._stopping.wait(), asyncio.sleep(delay))

    async def _end(self) -> None:
        if self._ink_timer is not None:
            self._ink_timer.cancel()


async def _first(*coros) -> None:
    tasks = [asyncio.ensure_future(c) for c in coros]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _fields(begin: UploadBegin) -> dict:
    return {name: getattr(begin, name) for name in
            ("upload_id", "name", "media_type", "size", "sha256", "chunk_size",
             "pieces_sha256")}
