"""A terminal reached over the link, as the workstation's record workflow drives it.

:class:`RemoteStation` is the :class:`~records.session_stations.StationHandle` of a terminal
behind a :class:`~records.link.WorkstationEndpoint`: ``show_record`` is ``record.offer`` and
waits for the terminal's ``record.confirm``; ``run_turn`` sends ``turn.begin`` (the request
and the PDF) and waits for ``signature.result``; ``close_record`` is ``record.close``, then
waits for the terminal's checkpoint, every line of its log and its recording.

While the record is open the terminal's capture-log lines arrive one by one; each is checked
(its place in the chain, its source and its signature under the terminal's log key) and
appended to ``<capture_dir>/<record_id>/<station>.jsonl`` on a writer thread of its own,
exactly once and in order, whatever cuts and reconnections happen.  The uploaded recording
and its segment list are moved into the blob store (their SHA-256 verified by the upload)
and named in ``media_dir`` as the terminal named them, so the seal and the package take them
like a local station's.

Link events reach :meth:`subscribe`'d listeners on the link thread (live ink, camera
previews, page views, results): they must return at once (``app/`` queues them to Qt).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from crypto.capture_log import LogHead
from crypto.capture_log_entry import GENESIS_PREV, parse_entry
from crypto.errors import CaptureLogError
from devices.av import RecordingSummary, parse_segment_list
from devices.clock import SessionClock
from records.blobstore import BlobStore
from records.link import (
    LinkEvent,
    LinkIdentity,
    LogCheckpoint,
    LogEntry,
    PeerPolicy,
    Received,
    RecordClosed,
    RecordConfirm,
    Side,
    SignatureResult,
    TerminalEndpoint,
    TurnBegin,
    UploadStored,
    WorkstationEndpoint,
    parse_address,
    site_credentials,
)
from records.link.log_lines import LogMirror, LogMirrorError
from records.session_config import StationConfig
from records.session_remote import (
    StationBrain,
    TerminalSetup,
    recording_from_json,
    recording_pieces,
)
from records.session_signing import TurnSigner
from records.session_stations import StationClosing, TurnDriver, log_origin
from records.session_types import SignatureOutcome, StationError, TurnRequest
from records.site import WorkingSite

__all__ = ["RemoteStation", "RemoteTimeouts", "TerminalLink", "TerminalWiring", "listening_terminal",
           "loopback_terminal"]

log = logging.getLogger("inkseal.remote")
Listener = Callable[[LinkEvent], None]


@dataclass(frozen=True)
class RemoteTimeouts:
    """How long the workstation waits on the terminal, in seconds (the link may be down
    meanwhile: what was sent waits in its journal and goes out on reconnection)."""

    confirm: float = 120.0
    """For the terminal to confirm an offered record."""
    turn: float = 3600.0
    """For a signatory's turn to end."""
    close: float = 1800.0
    """For the log, checkpoint and recording after ``record.close`` (a long upload)."""


class RemoteStation:
    """See the module docstring.  ``station`` is the terminal's name (its certificate's common
    name and capture-log source); ``log_key`` the public key of its capture log."""

    def __init__(self, station: str, *, log_key: Ed25519PublicKey, capture_dir: Path,
                 media_dir: Path, blobs: BlobStore | None = None,
                 timeouts: RemoteTimeouts = RemoteTimeouts()) -> None:
        self._name = station
        self._log_key = log_key
        self.capture_dir = Path(capture_dir)
        self.media_dir = Path(media_dir)
        self.blobs = blobs
        self.timeouts = timeouts
        self.endpoint: WorkstationEndpoint | None = None
        self._cond = threading.Condition()
        self._listeners: list[Listener] = []
        self._confirms: dict[str, RecordConfirm] = {}
        self._results: dict[tuple[str, int], deque[SignatureResult]] = {}
        self._abandoned: dict[tuple[str, int], int] = {}
        self._closed: dict[str, RecordClosed] = {}
        self._checkpoints: dict[str, LogCheckpoint] = {}
        self._stored: dict[str, UploadStored] = {}
        self._mirrors: dict[str, LogMirror] = {}
        self._mirror_fault: dict[str, str] = {}
        self._cancel = threading.Event()
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="inkseal-remote-log")

    # --- wiring --------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name

    def attach(self, endpoint: WorkstationEndpoint) -> None:
        """The endpoint the terminal is reached through (give it ``on_link_event``)."""
        self.endpoint = endpoint

    def subscribe(self, listener: Listener) -> None:
        """Hear every link event (on the link thread; return at once)."""
        self._listeners.append(listener)

    def close(self) -> None:
        """Finish the log writes under way and close the copies."""
        self._writer.shutdown(wait=True)
        for mirror in self._mirrors.values():
            mirror.close()

    def cancel(self) -> None:
        """Stop waiting (a turn called off by the prosecutor, the program closing)."""
        self._cancel.set()
        with self._cond:
            self._cond.notify_all()

    def _need_endpoint(self) -> WorkstationEndpoint:
        if self.endpoint is None:
            raise StationError(reason="no_link", zh="终端连接未启动", en="the link is not started")
        return self.endpoint

    # --- the link's events (link thread) -------------------------------------------------
    def on_link_event(self, event: LinkEvent) -> None:
        """The endpoint's ``on_event``: keep what the workflow waits for, tell the listeners."""
        if isinstance(event, Received):
            self._take(event.message)
        elif isinstance(event, UploadStored):
            with self._cond:
                self._stored[event.upload_id] = event
                self._cond.notify_all()
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # noqa: BLE001 - a listener must never break the link
                log.exception("a remote station listener failed")

    def _take(self, message: object) -> None:
        if isinstance(message, LogEntry):
            self._writer.submit(self._write_line, message.log_id, message.index, message.entry)
            return
        with self._cond:
            if isinstance(message, RecordConfirm):
                self._confirms[message.record_id] = message
            elif isinstance(message, SignatureResult):
                key = (message.record_id, message.turn)
                if self._abandoned.get(key):
                    self._abandoned[key] -= 1  # the answer to a turn nobody waits for any more
                else:
                    self._results.setdefault(key, deque()).append(message)
            elif isinstance(message, LogCheckpoint):
                self._checkpoints[message.log_id] = message
            elif isinstance(message, RecordClosed):
                self._closed[message.record_id] = message
            self._cond.notify_all()

    # --- the log copy (writer thread) ------------------------------------------------------
    def _mirror(self, log_id: str) -> LogMirror:
        mirror = self._mirrors.get(log_id)
        if mirror is None:
            parts = log_id.split("/")
            record_id = parts[1] if len(parts) == 3 else hashlib.sha256(log_id.encode()).hexdigest()
            mirror = LogMirror(self.capture_dir / record_id / f"{self._name}.jsonl", self._check)
            self._mirrors[log_id] = mirror
        return mirror

    def _check(self, index: int, line: bytes, previous: bytes | None) -> None:
        try:
            entry = parse_entry(line)
        except CaptureLogError as exc:
            raise LogMirrorError(f"log line {index}: {exc}", reason=exc.reason, index=index) from exc
        prev = hashlib.sha256(previous).hexdigest() if previous is not None else GENESIS_PREV
        problem = ("seq" if entry.seq != index else "source" if entry.source != self._name
                   else "chain" if entry.prev != prev
                   else "signature" if not entry.signature_valid(self._log_key) else "")
        if problem:
            raise LogMirrorError(f"log line {index} of {self._name} fails its {problem} check",
                                 reason=f"bad-{problem}", index=index)

    def _write_line(self, log_id: str, index: int, line: bytes) -> None:
        if log_id in self._mirror_fault:
            return
        try:
            mirror = self._mirror(log_id)
            mirror.add(index, line)
        except (LogMirrorError, OSError) as exc:
            log.error("remote %s: %s", self._name, exc)
            self._mirror_fault[log_id] = str(exc)
        with self._cond:
            self._cond.notify_all()

    def _mirror_state(self, log_id: str) -> tuple[int, int]:
        """(lines in the copy, lines held after a gap), read on the writer thread."""
        def state() -> tuple[int, int]:
            mirror = self._mirror(log_id)
            mirror.flush()
            return mirror.count, mirror.waiting
        return self._writer.submit(state).result()

    # --- waiting -------------------------------------------------------------------------
    def _wait(self, ready: Callable[[], object], timeout: float, what_zh: str, what_en: str,
              reason: str):
        deadline = time.monotonic() + timeout
        self._cancel.clear()
        with self._cond:
            while True:
                found = ready()
                if found:
                    return found
                if self._cancel.is_set():
                    raise StationError(reason="cancelled", zh=f"已取消等待{what_zh}",
                                       en=f"stopped waiting for {what_en}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StationError(reason=reason, zh=f"等待{what_zh}超时",
                                       en=f"timed out waiting for {what_en}")
                self._cond.wait(min(left, 1.0))

    # --- StationHandle -------------------------------------------------------------------
    def show_record(self, record_id: str, record_sha256: str, pdf: bytes, pages: int) -> None:
        """Offer the PDF; returns once the terminal confirmed its hash (it shows it then)."""
        endpoint = self._need_endpoint()
        with self._cond:
            self._confirms.pop(record_id, None)
        endpoint.offer_record(record_id, record_id, pdf, pages)
        confirm: RecordConfirm = self._wait(lambda: self._confirms.get(record_id),
                                            self.timeouts.confirm, "终端确认笔录",
                                            f"{self._name} to confirm the record",
                                            "terminal_unreachable")
        if not confirm.accepted:
            raise StationError(reason=f"record_refused_{confirm.reason}",
                               zh=f"终端拒绝显示笔录：{confirm.reason}",
                               en=f"{self._name} refused the record: {confirm.reason}")

    def run_turn(self, request: TurnRequest) -> SignatureOutcome:
        """Send the turn and wait for its result."""
        endpoint = self._need_endpoint()
        zh, en = request.prompt
        endpoint.begin_turn(TurnBegin(
            record_id=request.record_id, turn=request.order, revision=request.revision,
            field_name=request.field_name, signatory_id=request.signatory_id,
            signatory_name=request.signatory_name, signatory_role=request.role,
            label_zh=request.label_zh, label_en=request.label_en, pages=request.pages,
            pdf_sha256=request.pdf_sha256, prompt_zh=zh, prompt_en=en, pdf=request.pdf))
        key = (request.record_id, request.order)
        try:
            result: SignatureResult = self._wait(
                lambda: self._results.get(key) and self._results[key].popleft(),
                self.timeouts.turn, f"{request.label_zh}签名", f"the {request.label_en}'s turn",
                "turn_timeout")
        except StationError as exc:
            with self._cond:
                self._abandoned[key] = self._abandoned.get(key, 0) + 1
            endpoint.cancel_turn(request.record_id, request.order, exc.reason)
            raise StationError(reason=exc.reason, zh=exc.zh, en=exc.en,
                               field=request.field_name) from exc
        if result.outcome == "failed":
            raise StationError(reason=result.reason or "terminal_failed",
                               zh=result.message_zh or "终端签名失败",
                               en=result.message_en or f"the turn failed at {self._name}",
                               field=request.field_name)
        return SignatureOutcome.from_bytes(result.result)

    def cancel_turn(self, record_id: str, order: int, reason: str) -> None:
        """Call the running turn off at the terminal (``run_turn`` then fails with the reason
        the terminal reports)."""
        self._need_endpoint().cancel_turn(record_id, order, reason)

    def close_record(self, record_id: str) -> StationClosing:
        """Close the record at the terminal; wait for its log, checkpoint and recording."""
        endpoint = self._need_endpoint()
        endpoint.close_record(record_id, "sealed")
        timeout = self.timeouts.close
        closed: RecordClosed = self._wait(lambda: self._closed.get(record_id), timeout,
                                          "终端关闭笔录", f"{self._name} to close the record",
                                          "close_timeout")
        checkpoint: LogCheckpoint = self._wait(lambda: self._checkpoints.get(closed.log_id),
                                               timeout, "终端日志检查点",
                                               f"the checkpoint of {self._name}'s log",
                                               "close_timeout")
        self._complete_log(closed, timeout)
        recording = self._recording(closed, timeout)
        mirror = self._mirrors[closed.log_id]
        last = mirror.last_line()
        head = LogHead(self._name, mirror.count, hashlib.sha256(last).digest() if last else b"")
        log.info("remote %s: record %s closed: %d log lines, recording %s", self._name,
                 record_id, mirror.count, recording.path.name if recording else "none")
        return StationClosing(self._name, mirror.path, checkpoint.checkpoint.decode("utf-8"),
                              head, recording, tuple(closed.simulated))

    def _complete_log(self, closed: RecordClosed, timeout: float) -> None:
        """Every line up to the checkpoint is in the copy (asking again for lost ones)."""
        if closed.log_id != log_origin(closed.record_id, self._name):
            raise StationError(reason="log_unexpected", zh="终端日志标识不符",
                               en=f"{self._name} closed an unexpected log {closed.log_id!r}")
        deadline = time.monotonic() + timeout
        asked = -1
        while True:
            fault = self._mirror_fault.get(closed.log_id)
            if fault:
                raise StationError(reason="log_rejected", zh=f"终端日志未通过检查：{fault}",
                                   en=f"the log of {self._name} was refused: {fault}")
            count, _held = self._mirror_state(closed.log_id)
            if count >= closed.log_size:
                return
            if count != asked:
                # Everything before record.closed was delivered before it: what is missing
                # was lost on this side (a crash after the acknowledgement). Ask again.
                log.warning("remote %s: log %s has %d of %d lines; asking again", self._name,
                            closed.log_id, count, closed.log_size)
                self._need_endpoint().request_log(closed.log_id, count)
                asked = count
            if time.monotonic() > deadline:
                raise StationError(reason="log_incomplete", zh="终端日志不完整",
                                   en=f"the log of {self._name} has {count} of "
                                      f"{closed.log_size} lines")
            with self._cond:
                self._cond.wait(0.2)

    def _recording(self, closed: RecordClosed, timeout: float) -> RecordingSummary | None:
        """The terminal's recording and its segment list, checked, then in the blob store.

        The upload verified every piece of the recording against the map it announced; here
        that map must be the recording's own segments (as the summary and the chained segment
        list give them, which must agree): then the file is exactly those segments, contiguous
        from byte 0, and is adopted by link without reading it again. Its whole SHA-256 stays
        the terminal's word (its log's ``av.stopped``), checked when the blob is read and by
        the verifier. A recording not cut along its segments is hashed whole before adoption,
        and so is the segment list.
        """
        if not closed.recording_upload:
            return None
        uploads = (closed.segments_upload, closed.recording_upload)
        stored = self._wait(lambda: all(u in self._stored for u in uploads) and
                            [self._stored[u] for u in uploads], timeout, "终端上传录像",
                            f"{self._name}'s recording", "upload_timeout")
        for upload in stored:
            if not upload.ok or upload.path is None:
                raise StationError(reason="upload_corrupt", zh="终端上传的录像校验失败",
                                   en=f"an upload of {self._name} does not match its SHA-256")
        listing_upload, media_upload = stored
        try:
            data = json.loads(closed.summary)
            names = (str(data["list_name"]), str(data["name"]))
            claimed = recording_from_json(data, media_upload.path, listing_upload.path)
        except (ValueError, KeyError, TypeError) as exc:
            raise StationError(reason="recording_summary", zh=f"录像说明无法读取：{exc}",
                               en=f"the recording's summary cannot be read: {exc}") from exc
        listing = parse_segment_list(listing_upload.path.read_text(encoding="utf-8"),
                                     path=listing_upload.path)
        ends = listing.end
        if (claimed.sha256 != media_upload.sha256 or claimed.size != media_upload.size
                or not listing.chain_ok or ends is None or ends.sha256 != claimed.sha256
                or [s.sha256 for s in listing.segments] != [s.sha256 for s in claimed.segments]):
            raise StationError(reason="recording_mismatch", zh="录像与其分段清单不符",
                               en=f"{self._name}'s recording does not match its segment list")
        segments = recording_pieces(claimed)
        cut_along_segments = (segments is not None
                              and segments.sha256() == media_upload.pieces_sha256)
        try:
            listing_file = self._adopt(listing_upload, names[0], verified=False)
            media_file = self._adopt(media_upload, names[1], verified=cut_along_segments)
        except ValueError as exc:
            raise StationError(reason="recording_summary", zh=f"录像说明无法读取：{exc}",
                               en=f"the recording's summary cannot be read: {exc}") from exc
        return dataclasses.replace(claimed, path=media_file, list_path=listing_file)

    def _adopt(self, stored: UploadStored, name: str, *, verified: bool) -> Path:
        """The upload in the blob store, and named ``name`` in the media directory;
        ``verified``: its bytes are proven to be what its SHA-256 names (else hashed first)."""
        assert stored.path is not None
        if Path(name).name != name or not name:
            raise ValueError(f"not a file name: {name!r}")
        if not verified and _file_sha256(stored.path) != stored.sha256:
            raise StationError(reason="upload_corrupt", zh="终端上传的录像校验失败",
                               en=f"the upload {name} of {self._name} does not match its SHA-256")
        source = stored.path
        if self.blobs is not None:
            source = _into_blobs(self.blobs, stored.path, stored.sha256)
        self.media_dir.mkdir(parents=True, exist_ok=True)
        target = self.media_dir / name
        if not target.exists():
            try:
                os.link(source, target)
            except OSError:  # another file system: a copy
                with open(source, "rb") as src, open(target, "wb") as dst:
                    while block := src.read(1 << 20):
                        dst.write(block)
        return target


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _into_blobs(blobs: BlobStore, path: Path, sha256: str) -> Path:
    """Link a file whose bytes are proven to be ``sha256``'s into the blob store without
    reading it again (a copy, hashed again, when the store is on another file system)."""
    target = blobs.path_for(sha256)
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(path, 0o444)
        os.link(path, target)
        fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        blobs.put_file(path, expected_sha256=sha256)
    return target



# --- wiring a workflow to its terminal ---------------------------------------------------------

@dataclass(frozen=True)
class TerminalWiring:
    """What a workflow on this machine hands over to reach its terminal through the link."""

    site: WorkingSite
    passphrase: bytes
    """The site passphrase (it opens the TLS keys)."""
    clock: SessionClock
    capture_dir: Path
    """Where the record's capture logs go on the workstation."""
    media_dir: Path
    state_dir: Path
    """The link's journals and uploads (``workstation/``, ``terminal/``) and, for a terminal
    in this process, its own capture logs and media (``terminal/``)."""
    config: StationConfig
    """The terminal's station, when the terminal runs in this process."""
    signer: TurnSigner
    driver: TurnDriver
    blobs: BlobStore | None
    stack: contextlib.ExitStack
    """Everything started is stopped through it."""
    progress: Callable[[str], None]
    timeouts: RemoteTimeouts = RemoteTimeouts()


TerminalLink = Callable[[TerminalWiring], RemoteStation]


def _listen(wiring: TerminalWiring, listen: tuple[str, int],
            credentials: tuple[LinkIdentity, PeerPolicy] | None) -> RemoteStation:
    site = wiring.site
    term, ws_name = site.names.terminal, site.names.workstation
    identity, policy = credentials or site_credentials(
        site.pki, ws_name, side=Side.WORKSTATION, passphrase=wiring.passphrase,
        peer_names=(term,))
    remote = RemoteStation(term, log_key=site.log_certificate(term).public_key(),  # type: ignore[arg-type]
                           capture_dir=wiring.capture_dir.parent, media_dir=wiring.media_dir,
                           blobs=wiring.blobs, timeouts=wiring.timeouts)
    wiring.stack.callback(remote.close)
    endpoint = WorkstationEndpoint(listen=listen, identity=identity, policy=policy,
                                   state_dir=wiring.state_dir / "workstation", station=ws_name,
                                   on_event=remote.on_link_event)
    remote.attach(endpoint)
    endpoint.start()
    wiring.stack.callback(endpoint.stop)
    wiring.stack.callback(remote.cancel)
    wiring.progress(f"链路 link: 工作站在 {endpoint.address[0]}:{endpoint.address[1]} 等待终端 "
                    f"workstation listening for {term} (mutual TLS 1.3)")
    return remote


def listening_terminal(listen: str,
                       credentials: tuple[LinkIdentity, PeerPolicy] | None = None) -> TerminalLink:
    """A terminal in another process (or machine) that connects to ``listen`` ('HOST:PORT');
    ``credentials`` default to the workstation's TLS identity in the site PKI."""
    address = parse_address(listen)
    return lambda wiring: _listen(wiring, address, credentials)


def loopback_terminal(wiring: TerminalWiring) -> RemoteStation:
    """The terminal in this process, on its own threads, reached over mutual TLS on loopback:
    its own capture log, station and media directory, everything it hands over carried by
    the link."""
    remote = _listen(wiring, ("127.0.0.1", 0), None)
    assert remote.endpoint is not None
    site, term = wiring.site, wiring.site.names.terminal
    own = wiring.state_dir / "terminal"
    config = dataclasses.replace(wiring.config, media_dir=own / "media")
    setup = TerminalSetup(config, wiring.signer, site.log_key(term), wiring.clock,
                          own / "capture")
    identity, policy = site_credentials(site.pki, term, side=Side.TERMINAL,
                                        passphrase=wiring.passphrase,
                                        peer_names=(site.names.workstation,))
    terminal = TerminalEndpoint(connect=remote.endpoint.address, identity=identity,
                                policy=policy, state_dir=own / "link", station=term,
                                brain=StationBrain(setup, wiring.driver))
    terminal.start()
    wiring.stack.callback(terminal.stop)
    return remote
