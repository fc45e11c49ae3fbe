"""The two sides of the link protocol (no I/O): what a terminal and a workstation add to it.

The terminal checks every offered PDF against its declared SHA-256 and size and answers with
``record.confirm`` before anything may show it; it also drives uploads. The workstation keeps
the receiving side of uploads in step: chunks are accepted strictly in order from the offset
its storage reported, and storage (I/O, outside this module) reports back what it verified.
"""

from __future__ import annotations

import hashlib
import logging

from records.link.codec import canonical_json
from records.link.errors import CloseReason, ProtocolViolation, UploadError
from records.link.events import (
    RecordRefused,
    RecordVerified,
    UploadData,
    UploadFinished,
    UploadProgress,
    UploadQueried,
    UploadRequested,
)
from records.link.journal import Journal
from records.link.messages import (
    InkBatch,
    InkClear,
    Message,
    RecordConfirm,
    RecordOffer,
    UploadBegin,
    UploadChunk,
    UploadDone,
    UploadQuery,
    UploadStatus,
    message_header,
)
from records.link.peers import Side
from records.link.pieces import PieceMap
from records.link.protocol import LinkProtocol
from records.link.upload import DEFAULT_CHUNK, LIVE_WINDOW, OutgoingUpload, UploadSource

__all__ = ["INK_QUIET_NS", "STATUS_EVERY", "TerminalProtocol", "WorkstationProtocol"]

log = logging.getLogger(__name__)

STATUS_EVERY = 1 << 20
"""The receiver reports upload progress after this many verified bytes (opening the window):
often enough that the small window kept while ink is live still flows."""
INK_QUIET_NS = 1_000_000_000
"""Live ink counts as flowing until this long after the last ink message was queued."""


class TerminalProtocol(LinkProtocol):
    """The terminal's side: connects, verifies offers, uploads recordings.

    Uploads yield to live ink: for ``INK_QUIET_NS`` after an ink message was queued, at most
    ``LIVE_WINDOW`` upload bytes are out beyond the receiver's last report.
    """

    def __init__(self, journal: Journal, **kwargs) -> None:
        super().__init__(Side.TERMINAL, journal, **kwargs)
        self.uploads: dict[str, OutgoingUpload] = {}
        self._ink_at: int | None = None

    def send(self, message: Message) -> int:
        if isinstance(message, (InkBatch, InkClear)):
            self._ink_at = self._clock()
        return super().send(message)

    @property
    def ink_live(self) -> bool:
        """True while live ink flows (an ink message was queued less than INK_QUIET_NS ago)."""
        return self._ink_at is not None and self._clock() - self._ink_at < INK_QUIET_NS

    def start_upload(self, source: UploadSource, *, upload_id: str, name: str, media_type: str,
                     sha256: str, pieces: PieceMap,
                     chunk_size: int = DEFAULT_CHUNK) -> UploadBegin:
        """Announce an upload (journaled like any sequenced message) and send it when told where."""
        if upload_id in self.uploads:
            raise UploadError(f"upload {upload_id} is already going", reason="duplicate",
                              upload_id=upload_id)
        if pieces.size != source.size:
            raise UploadError(f"upload {upload_id}: the piece map covers {pieces.size} bytes, "
                              f"the source has {source.size}", reason="map-size",
                              upload_id=upload_id)
        packed = pieces.pack()
        begin = UploadBegin(upload_id=upload_id, name=name, media_type=media_type,
                            size=source.size, sha256=sha256,
                            chunk_size=max(chunk_size, pieces.largest),
                            pieces_sha256=hashlib.sha256(packed).hexdigest(), pieces=packed)
        self.uploads[upload_id] = OutgoingUpload(begin, source, canonical_json(message_header(begin)))
        self.send(begin)
        return begin

    def resume_upload(self, begin: UploadBegin, source: UploadSource) -> None:
        """Take up an upload announced before a restart: ask the receiver where it stands."""
        if source.size != begin.size:
            raise UploadError(f"upload {begin.upload_id}: the source has {source.size} bytes, "
                              f"{begin.size} were announced", reason="source-changed",
                              upload_id=begin.upload_id)
        upload = OutgoingUpload(begin, source, canonical_json(message_header(begin)))
        self.uploads[begin.upload_id] = upload
        if self.is_open:
            self.send(UploadQuery(upload_id=begin.upload_id))

    def _on_message(self, message: Message, seq: int) -> None:
        if isinstance(message, RecordOffer):
            self._check_offer(message)
        elif isinstance(message, UploadStatus):
            self._take_status(message)
        elif isinstance(message, UploadDone):
            upload = self.uploads.pop(message.upload_id, None)
            if upload is not None:
                upload.finished = True
                upload.source.close()
            self._events.append(UploadFinished(message.upload_id, message.ok, message.size,
                                               message.sha256, message.reason,
                                               upload.sent_bytes if upload else 0))
        else:
            super()._on_message(message, seq)

    def _check_offer(self, offer: RecordOffer) -> None:
        actual = hashlib.sha256(offer.pdf).hexdigest()
        if actual != offer.sha256:
            reason = "hash-mismatch"
        elif len(offer.pdf) != offer.size:
            reason = "size-mismatch"
        else:
            reason = ""
        self.send(RecordConfirm(record_id=offer.record_id, sha256=actual, accepted=not reason,
                                reason=reason))
        if reason:
            log.warning("link terminal: record %s refused: %s (declared %s, computed %s)",
                        offer.record_id, reason, offer.sha256, actual)
            self._events.append(RecordRefused(offer, actual, reason))
        else:
            self._events.append(RecordVerified(offer))

    def _take_status(self, status: UploadStatus) -> None:
        upload = self.uploads.get(status.upload_id)
        if upload is None:
            return
        if status.action == "unknown":
            # The receiver lost the upload (its storage was reset): announce it again.
            upload.offset = None
            self.send(upload.begin)
            return
        if status.have > upload.begin.size:
            raise ProtocolViolation(CloseReason.MALFORMED,
                                    f"upload {status.upload_id}: receiver holds {status.have} of "
                                    f"{upload.begin.size} bytes")
        if status.action in ("resume", "rewind"):
            upload.offset = status.have
            upload.verified = status.have
            upload.check = status.action == "rewind"
        else:
            upload.verified = max(upload.verified, status.have)
        self._events.append(UploadProgress(status.upload_id, status.have, upload.begin.size,
                                           status.action, status.reason))

    def _on_open(self) -> None:
        pending = {entry.header for entry in self.journal.pending()}
        for upload in self.uploads.values():
            upload.offset = None
            if upload.begin_header not in pending:
                # The receiver has the announcement; only where it stands is unknown.
                self.send(UploadQuery(upload_id=upload.begin.upload_id))

    def _on_lost(self) -> None:
        for upload in self.uploads.values():
            upload.offset = None

    def _bulk(self) -> Message | None:
        window = LIVE_WINDOW if self.ink_live else None
        for upload in list(self.uploads.values()):
            try:
                chunk = upload.next_chunk(window)
            except UploadError as exc:
                log.error("link terminal: %s", exc)
                self.uploads.pop(upload.begin.upload_id)
                upload.source.close()
                self._events.append(UploadFinished(upload.begin.upload_id, False, upload.begin.size,
                                                   upload.begin.sha256, exc.reason,
                                                   upload.sent_bytes))
                continue
            if chunk is not None:
                offset, data = chunk
                return UploadChunk(upload_id=upload.begin.upload_id, offset=offset, data=data)
        return None


class _Incoming:
    __slots__ = ("begin", "expected", "reported", "finished")

    def __init__(self, begin: UploadBegin) -> None:
        self.begin = begin
        self.expected: int | None = None  # next offset taken from the wire; None: ask storage
        self.reported = 0
        self.finished = False


class WorkstationProtocol(LinkProtocol):
    """The workstation's side: listens, receives uploads in step with its storage."""

    def __init__(self, journal: Journal, **kwargs) -> None:
        super().__init__(Side.WORKSTATION, journal, **kwargs)
        self.incoming: dict[str, _Incoming] = {}
        self.chunks_dropped = 0

    # Storage reports, called by the endpoint once its I/O is done.
    def upload_ready(self, upload_id: str, have: int) -> None:
        """Storage holds ``have`` verified bytes: take chunks from there and tell the sender."""
        inc = self.incoming.get(upload_id)
        if inc is None:
            return
        inc.expected, inc.reported = have, have
        self.send(UploadStatus(upload_id=upload_id, have=have, action="resume", reason=""))

    def adopt_upload(self, begin: UploadBegin) -> None:
        """Storage knows an upload announced before a restart of this side: follow it again."""
        self.incoming.setdefault(begin.upload_id, _Incoming(begin))

    def upload_unknown(self, upload_id: str) -> None:
        """Storage has never heard of this upload: the sender must announce it again."""
        self.send(UploadStatus(upload_id=upload_id, have=0, action="unknown", reason=""))

    def upload_progress(self, upload_id: str, have: int) -> None:
        """Storage verified and wrote up to ``have``; the sender hears of it now and then."""
        inc = self.incoming.get(upload_id)
        # Only while chunks flow: a stale figure after a reconnect must not steer the sender.
        if inc is not None and inc.expected is not None and have - inc.reported >= STATUS_EVERY:
            inc.reported = have
            self.send(UploadStatus(upload_id=upload_id, have=have, action="progress", reason=""))

    def upload_rejected(self, upload_id: str, have: int, error: str) -> None:
        """A chunk failed its hash: rewind to ``have`` and ask the sender to resend from there."""
        inc = self.incoming.get(upload_id)
        if inc is None:
            return
        inc.expected, inc.reported = have, have
        self.send(UploadStatus(upload_id=upload_id, have=have, action="rewind", reason=error))

    def upload_finished(self, upload_id: str, ok: bool, size: int, sha256: str, reason: str) -> None:
        """The whole upload is stored and checked: send the verdict (journaled, never lost)."""
        inc = self.incoming.get(upload_id)
        if inc is not None:
            if inc.finished:
                return
            inc.finished = True
        self.send(UploadDone(upload_id=upload_id, ok=ok, size=size, sha256=sha256, reason=reason))

    def _on_message(self, message: Message, seq: int) -> None:
        if isinstance(message, UploadBegin):
            known = self.incoming.get(message.upload_id)
            if known is not None and known.begin != message:
                raise ProtocolViolation(CloseReason.UNEXPECTED,
                                        f"upload {message.upload_id} announced twice, differently")
            self.incoming[message.upload_id] = _Incoming(message)
            self._events.append(UploadRequested(message))
        elif isinstance(message, UploadQuery):
            inc = self.incoming.get(message.upload_id)
            if inc is not None:
                inc.expected = None
            self._events.append(UploadQueried(message.upload_id))
        elif isinstance(message, UploadChunk):
            self._take_chunk(message)
        else:
            super()._on_message(message, seq)

    def _take_chunk(self, chunk: UploadChunk) -> None:
        inc = self.incoming.get(chunk.upload_id)
        if inc is None or inc.expected is None or inc.finished or chunk.offset != inc.expected:
            # In flight before a rewind or a reconnect; the sender will resend from the status.
            self.chunks_dropped += 1
            return
        size = len(chunk.data)
        if size == 0 or size > inc.begin.chunk_size or chunk.offset + size > inc.begin.size:
            raise ProtocolViolation(CloseReason.MALFORMED,
                                    f"upload {chunk.upload_id}: chunk of {size} bytes at "
                                    f"{chunk.offset} does not fit {inc.begin.size} bytes in chunks "
                                    f"of {inc.begin.chunk_size}")
        inc.expected += size
        self._events.append(UploadData(chunk.upload_id, chunk.offset, chunk.data))

    def _on_lost(self) -> None:
        for inc in self.incoming.values():
            inc.expected = None
