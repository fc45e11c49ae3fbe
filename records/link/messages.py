"""Every message of link protocol version 1, as frozen dataclasses (shape in ``schema``)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from records.link.errors import CloseReason, ProtocolViolation
from records.link.ink import InkSample
from records.link.peers import Side
from records.link.pieces import PieceMap
from records.link.schema import Delivery, Message, build_message, one_of
from records.link.schema import payload_field as _payload

__all__ = [
    "MESSAGE_TYPES", "PROTOCOL_VERSIONS", "Ack", "Beat", "Delivery", "Hello", "InkBatch",
    "InkClear", "LogCheckpoint", "LogEntry", "LogRequest", "Message", "PageView", "PreviewFrame", "RecordClose",
    "RecordClosed", "RecordConfirm", "RecordOffer", "SignatureResult", "TurnBegin", "TurnCancel", "UploadBegin",
    "UploadChunk", "UploadDone", "UploadQuery", "UploadStatus", "Welcome", "message_from_frame",
    "message_header",
]

PROTOCOL_VERSIONS = (1,)
_UPLOAD_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}\Z")


# --- handshake and link control -------------------------------------------------------------

@dataclass(frozen=True)
class Hello(Message):
    """First frame of the connecting side: versions, role, station, session to resume."""

    KIND = "hello"
    versions: tuple[int, ...]
    role: str
    station: str
    session: str
    """The session to resume; empty for a new one."""
    delivered: int
    """Highest sequenced message of the peer this side has delivered in that session."""
    caps: tuple[str, ...]


@dataclass(frozen=True)
class Welcome(Message):
    """The listening side's answer to hello: chosen version, session id, resumed or new."""

    KIND = "welcome"
    version: int
    role: str
    station: str
    session: str
    resumed: bool
    delivered: int
    caps: tuple[str, ...]


@dataclass(frozen=True)
class Ack(Message):
    """Carries only the envelope's ack number, when there is nothing else to send."""

    KIND = "ack"


@dataclass(frozen=True)
class Beat(Message):
    """Heartbeat, sent when a side has been quiet; its absence reveals a stalled peer."""

    KIND = "beat"
    sent_ns: int


# --- the record, turns and what the signatory does -------------------------------------------

@dataclass(frozen=True)
class RecordOffer(Message):
    """The exact PDF bytes of a record and their SHA-256, pushed to the terminal."""

    KIND, SENDER, DELIVERY, MAX_PAYLOAD = "record.offer", Side.WORKSTATION, Delivery.DURABLE, 64 << 20
    record_id: str
    title: str
    sha256: str
    size: int
    pages: int
    pdf: bytes = _payload()


@dataclass(frozen=True)
class RecordConfirm(Message):
    """The terminal's verdict on an offer: the hash it computed and whether it will show it."""

    KIND, SENDER, DELIVERY = "record.confirm", Side.TERMINAL, Delivery.DURABLE
    record_id: str
    sha256: str
    accepted: bool
    reason: str


@dataclass(frozen=True)
class RecordClose(Message):
    """The workstation is done with a record on this terminal (sealed, withdrawn)."""

    KIND, SENDER, DELIVERY = "record.close", Side.WORKSTATION, Delivery.DURABLE
    record_id: str
    reason: str


@dataclass(frozen=True)
class PageView(Message):
    """A page of the record was on the terminal's screen for ``shown_ms`` during a turn."""

    KIND, SENDER, DELIVERY = "page.view", Side.TERMINAL, Delivery.DURABLE
    record_id: str
    field_name: str
    page: int
    shown_ms: int


@dataclass(frozen=True)
class TurnBegin(Message):
    """A signatory's turn (``records.session_types.TurnRequest`` field for field) with the PDF
    as it stands, and the prompt the pad shows in Chinese and English."""

    KIND, SENDER, DELIVERY, MAX_PAYLOAD = "turn.begin", Side.WORKSTATION, Delivery.DURABLE, 64 << 20
    record_id: str
    turn: int
    """The signatory's place in the signing order."""
    revision: int
    field_name: str
    signatory_id: str
    signatory_name: str
    signatory_role: str
    label_zh: str
    label_en: str
    pages: int
    pdf_sha256: str
    prompt_zh: str
    prompt_en: str
    pdf: bytes = _payload()

    def validate(self) -> None:
        if hashlib.sha256(self.pdf).hexdigest() != self.pdf_sha256:
            raise ValueError("turn.begin.pdf_sha256 does not match the PDF")


@dataclass(frozen=True)
class TurnCancel(Message):
    """The workstation calls a signing turn off."""

    KIND, SENDER, DELIVERY = "turn.cancel", Side.WORKSTATION, Delivery.DURABLE
    record_id: str
    turn: int
    reason: str


@dataclass(frozen=True)
class InkBatch(Message):
    """Pen samples of one stroke, about 16 ms worth, mirrored live; ``first`` is the turn index."""

    KIND, SENDER, DELIVERY, MAX_PAYLOAD = "ink.batch", Side.TERMINAL, Delivery.RELIABLE, 1 << 20
    record_id: str
    turn: int
    stroke: int
    first: int
    samples: tuple[InkSample, ...] = _payload()


@dataclass(frozen=True)
class InkClear(Message):
    """The signatory cleared the pad (logged, never hidden); ink of the turn starts over."""

    KIND, SENDER, DELIVERY = "ink.clear", Side.TERMINAL, Delivery.RELIABLE
    record_id: str
    turn: int
    reason: str


@dataclass(frozen=True)
class PreviewFrame(Message):
    """A small camera preview JPEG; droppable, never in the way of ink."""

    KIND, SENDER, DELIVERY, MAX_PAYLOAD = "preview.frame", Side.TERMINAL, Delivery.PREVIEW, 512 << 10
    at_ns: int
    width: int
    height: int
    jpeg: bytes = _payload()

    def validate(self) -> None:
        if not self.jpeg.startswith(b"\xff\xd8"):
            raise ValueError("preview.frame.jpeg does not start with a JPEG SOI marker")


@dataclass(frozen=True)
class SignatureResult(Message):
    """How a signatory's turn ended: "signed" or "refused" with the station's outcome
    (``SignatureOutcome.to_bytes()``, opaque here), or "failed" with the reason and the
    station's message in both languages (and no outcome)."""

    KIND, SENDER, DELIVERY, MAX_PAYLOAD = "signature.result", Side.TERMINAL, Delivery.DURABLE, 64 << 20
    record_id: str
    turn: int
    field_name: str
    outcome: str
    simulated: bool
    """True when a device was simulated; the workstation must show and record it."""
    reason: str
    message_zh: str
    message_en: str
    result_sha256: str
    result: bytes = _payload()

    def validate(self) -> None:
        one_of(self.KIND, "outcome", self.outcome, ("signed", "refused", "failed"))
        if hashlib.sha256(self.result).hexdigest() != self.result_sha256:
            raise ValueError("signature.result.result_sha256 does not match the result")
        if (self.outcome == "failed") != (not self.result):
            raise ValueError("signature.result carries an outcome exactly when it did not fail")


@dataclass(frozen=True)
class LogEntry(Message):
    """One capture-log entry of the terminal, opaque to the link, delivered once and in order."""

    KIND, SENDER, DELIVERY, MAX_PAYLOAD = "log.entry", Side.TERMINAL, Delivery.RELIABLE, 16 << 20
    log_id: str
    index: int
    entry: bytes = _payload()


@dataclass(frozen=True)
class LogCheckpoint(Message):
    """A signed checkpoint of the terminal's capture log, opaque to the link."""

    KIND, SENDER, DELIVERY, MAX_PAYLOAD = "log.checkpoint", Side.TERMINAL, Delivery.DURABLE, 1 << 20
    log_id: str
    index: int
    checkpoint: bytes = _payload()


@dataclass(frozen=True)
class LogRequest(Message):
    """The workstation lacks entries of the terminal's log from ``from_index`` on: send again."""

    KIND, SENDER, DELIVERY = "log.request", Side.WORKSTATION, Delivery.DURABLE
    log_id: str
    from_index: int


@dataclass(frozen=True)
class RecordClosed(Message):
    """The terminal closed a record: its log ended at ``log_size`` entries (the checkpoint was
    sent), and these uploads carry the recording and its segment list ("" for none)."""

    KIND, SENDER, DELIVERY, MAX_PAYLOAD = "record.closed", Side.TERMINAL, Delivery.DURABLE, 8 << 20
    record_id: str
    log_id: str
    log_size: int
    simulated: tuple[str, ...]
    recording_upload: str
    segments_upload: str
    summary: bytes = _payload()
    """The recording's summary as JSON (empty without a recording)."""


# --- the recording upload --------------------------------------------------------------------

@dataclass(frozen=True)
class UploadBegin(Message):
    """A file the terminal will upload: its size, SHA-256 and piece map (``records.link.pieces``),
    sent in chunks of whole pieces of at most ``chunk_size`` bytes (one piece may be larger)."""

    KIND, SENDER, DELIVERY, MAX_PAYLOAD = "upload.begin", Side.TERMINAL, Delivery.DURABLE, 16 << 20
    upload_id: str
    name: str
    media_type: str
    size: int
    sha256: str
    """The whole file's SHA-256 as the sender knows it (the recorder's, for a recording)."""
    chunk_size: int
    pieces_sha256: str
    pieces: bytes = _payload()

    def validate(self) -> None:
        if not _UPLOAD_ID.match(self.upload_id):
            raise ValueError("upload.begin.upload_id must be 1-64 letters, digits, '.', '_' or '-'")
        if not 0 < self.chunk_size <= UploadChunk.MAX_PAYLOAD:
            raise ValueError(f"upload.begin.chunk_size must be 1..{UploadChunk.MAX_PAYLOAD}")
        if hashlib.sha256(self.pieces).hexdigest() != self.pieces_sha256:
            raise ValueError("upload.begin.pieces_sha256 does not match the piece map")
        if PieceMap.unpack(self.pieces).size != self.size:
            raise ValueError("upload.begin.pieces do not add up to its size")

    def piece_map(self) -> PieceMap:
        """The declared piece map."""
        return PieceMap.unpack(self.pieces)


@dataclass(frozen=True)
class UploadQuery(Message):
    """After a reconnect: where does the receiver stand with this upload?"""

    KIND, SENDER = "upload.query", Side.TERMINAL
    upload_id: str


@dataclass(frozen=True)
class UploadChunk(Message):
    """Whole pieces of an upload, from ``offset`` on (each checked against the piece map)."""

    KIND, SENDER, DELIVERY, MAX_PAYLOAD = "upload.chunk", Side.TERMINAL, Delivery.BULK, 4 << 20
    upload_id: str
    offset: int
    data: bytes = _payload(view=True)  # received: a view of the frame, checked and written at once


@dataclass(frozen=True)
class UploadStatus(Message):
    """The receiver holds ``have`` verified bytes, and what the sender should do about it.

    ``action``: "resume" (send from ``have`` on), "rewind" (a chunk failed, ``reason`` says
    why; send from ``have`` again), "progress" (for display only), "unknown" (announce the
    upload again).
    """

    KIND, SENDER = "upload.status", Side.WORKSTATION
    upload_id: str
    have: int
    action: str
    reason: str

    def validate(self) -> None:
        one_of(self.KIND, "action", self.action, ("resume", "rewind", "progress", "unknown"))


@dataclass(frozen=True)
class UploadDone(Message):
    """The receiver's final word: the whole file's SHA-256 matched (``ok``) or not."""

    KIND, SENDER, DELIVERY = "upload.done", Side.WORKSTATION, Delivery.DURABLE
    upload_id: str
    ok: bool
    size: int
    sha256: str
    reason: str


MESSAGE_TYPES: dict[str, type[Message]] = {
    cls.KIND: cls for cls in (
        Hello, Welcome, Ack, Beat, RecordOffer, RecordConfirm, RecordClose, PageView, TurnBegin,
        TurnCancel, InkBatch, InkClear, PreviewFrame, SignatureResult, LogEntry, LogCheckpoint,
        LogRequest, RecordClosed, UploadBegin, UploadQuery, UploadChunk, UploadStatus,
        UploadDone)
}


def message_header(message: Message) -> dict[str, Any]:
    """The header object of a message: its kind and fields."""
    return {"k": message.KIND, **message.header_fields()}


def message_from_frame(kind: str, fields: dict[str, Any],
                       payload: bytes | memoryview) -> Message:
    """Build the message a frame carries; ``ProtocolViolation`` says what is wrong with it."""
    cls = MESSAGE_TYPES.get(kind)
    if cls is None:
        raise ProtocolViolation(CloseReason.UNKNOWN_KIND, f"unknown message kind {kind!r}")
    return build_message(cls, fields, payload)
