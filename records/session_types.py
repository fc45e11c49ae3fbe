"""The values a signing turn is made of: what a station is asked (:class:`TurnRequest`), what
it hands back (:class:`SignatureOutcome`), where a turn stands (:class:`TurnState`), the
events a station publishes (:class:`StationEvent` and its kinds) and its error.

Requests and outcomes cross machines: :meth:`TurnRequest.to_json` travels with ``turn.begin``
(the PDF bytes beside it), :meth:`SignatureOutcome.to_bytes` is the ``signature.result``
payload of the link.  Both are plain, versioned and checked when read back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from records.errors import RecordError

__all__ = [
    "OutcomeKind",
    "SignatureOutcome",
    "StationError",
    "StationEvent",
    "StationEventKind",
    "TurnRequest",
    "TurnState",
]

_OUTCOME_MAGIC = b"inkseal-signature-outcome/1\n"


class StationError(RecordError):
    """A station step that cannot be taken now or failed; ``step`` names it, ``field`` the
    signature field of the turn (when there is one)."""

    def __init__(self, *, reason: str, zh: str, en: str, step: str = "",
                 field: str | None = None) -> None:
        super().__init__(reason=reason, zh=zh, en=en)
        self.step = step
        self.field = field


class TurnState(StrEnum):
    """Where a station's current turn stands."""

    IDLE = "idle"                  # no turn
    READING = "reading"            # the signatory reads the record page by page
    SIGNING = "signing"            # the pad captures
    SIGNED = "signed"              # the pen track was accepted
    FINGERPRINTED = "fingerprinted"
    PHOTOGRAPHED = "photographed"
    FINISHED = "finished"          # the PAdES signature was made
    REFUSED = "refused"
    CANCELLED = "cancelled"


class OutcomeKind(StrEnum):
    SIGNED = "signed"
    REFUSED = "refused"


@dataclass(frozen=True)
class TurnRequest:
    """One signatory's turn, as the workstation asks a station for it."""

    record_id: str
    revision: int
    order: int
    field_name: str
    signatory_id: str
    signatory_name: str
    role: str
    label_zh: str
    label_en: str
    pages: int
    pdf: bytes = field(repr=False)
    """The record as it stands: the signature goes on as an incremental update of these bytes."""

    @property
    def pdf_sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()

    @property
    def prompt(self) -> tuple[str, str]:
        """What the pad shows (Chinese, English)."""
        return (f"{self.label_zh} {self.signatory_name}：请在框内签名",
                f"{self.label_en} {self.signatory_name}: please sign in the box")

    def to_json(self) -> dict[str, Any]:
        """Everything but the PDF (which travels as bytes beside it)."""
        return {"v": 1, "record_id": self.record_id, "revision": self.revision,
                "order": self.order, "field_name": self.field_name,
                "signatory_id": self.signatory_id, "signatory_name": self.signatory_name,
                "role": self.role, "label_zh": self.label_zh, "label_en": self.label_en,
                "pages": self.pages, "pdf_sha256": self.pdf_sha256}

    @classmethod
    def from_json(cls, data: Mapping[str, Any], pdf: bytes) -> TurnRequest:
        """Read :meth:`to_json` back with the PDF; the PDF must hash as announced."""
        try:
            request = cls(str(data["record_id"]), int(data["revision"]), int(data["order"]),
                          str(data["field_name"]), str(data["signatory_id"]),
                          str(data["signatory_name"]), str(data["role"]), str(data["label_zh"]),
                          str(data["label_en"]), int(data["pages"]), pdf)
            announced = str(data["pdf_sha256"])
        except (KeyError, TypeError, ValueError) as exc:
            raise StationError(reason="bad_request", zh=f"签名请求格式错误：{exc}",
                               en=f"malformed turn request: {exc}") from exc
        if request.pdf_sha256 != announced:
            raise StationError(reason="pdf_mismatch", zh="收到的笔录与请求中的摘要不符",
                               en="the PDF received does not hash as the request says",
                               field=request.field_name)
        return request


@dataclass(frozen=True)
class SignatureOutcome:
    """How a turn ended: the signed PDF and the encrypted evidence, or the refusal's reason.

    ``evidence_sha256`` is the SHA-256 (hex) of ``evidence_file``, the encrypted bundle the
    evidence package carries; ``log_seqs`` are the station's capture-log entries of the turn.
    """

    kind: OutcomeKind
    record_id: str
    order: int
    field_name: str
    station: str
    simulated: tuple[str, ...]
    """Devices that were simulated during the turn (``pad``, ``fingerprint``, ``camera``...)."""
    log_seqs: tuple[int, int]
    """First and last capture-log sequence number of the turn on ``station``'s log."""
    signed_pdf: bytes = field(default=b"", repr=False)
    evidence_file: bytes = field(default=b"", repr=False)
    evidence_sha256: str = ""
    refusal_reason: str = ""

    @property
    def signed(self) -> bool:
        return self.kind is OutcomeKind.SIGNED

    def to_bytes(self) -> bytes:
        """Magic line, one JSON line, then the signed PDF and the evidence file."""
        head = {"kind": self.kind.value, "record_id": self.record_id, "order": self.order,
                "field_name": self.field_name, "station": self.station,
                "simulated": list(self.simulated), "log_seqs": list(self.log_seqs),
                "evidence_sha256": self.evidence_sha256, "refusal_reason": self.refusal_reason,
                "pdf_length": len(self.signed_pdf), "pdf_sha256":
                    hashlib.sha256(self.signed_pdf).hexdigest(),
                "evidence_length": len(self.evidence_file)}
        line = json.dumps(head, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"
        return _OUTCOME_MAGIC + line + self.signed_pdf + self.evidence_file

    @classmethod
    def from_bytes(cls, data: bytes) -> SignatureOutcome:
        """Read :meth:`to_bytes` back, checking lengths and hashes."""
        def bad(why: str) -> StationError:
            return StationError(reason="bad_outcome", zh=f"签名结果格式错误：{why}",
                                en=f"malformed signature outcome: {why}")

        if not data.startswith(_OUTCOME_MAGIC):
            raise bad("unknown format")
        end = data.find(b"\n", len(_OUTCOME_MAGIC))
        if end < 0:
            raise bad("no header line")
        try:
            head = json.loads(data[len(_OUTCOME_MAGIC):end])
            pdf_length, evidence_length = int(head["pdf_length"]), int(head["evidence_length"])
            body = data[end + 1:]
            if len(body) != pdf_length + evidence_length:
                raise bad(f"{len(body)} bytes of payload, the header says "
                          f"{pdf_length + evidence_length}")
            pdf, evidence = body[:pdf_length], body[pdf_length:]
            if hashlib.sha256(pdf).hexdigest() != head["pdf_sha256"]:
                raise bad("the signed PDF does not hash as announced")
            if evidence and hashlib.sha256(evidence).hexdigest() != head["evidence_sha256"]:
                raise bad("the evidence file does not hash as announced")
            first, last = (int(v) for v in head["log_seqs"])
            return cls(OutcomeKind(head["kind"]), str(head["record_id"]), int(head["order"]),
                       str(head["field_name"]), str(head["station"]),
                       tuple(str(s) for s in head["simulated"]), (first, last), pdf, evidence,
                       str(head["evidence_sha256"]), str(head["refusal_reason"]))
        except StationError:
            raise
        except (KeyError, TypeError, ValueError) as exc:
            raise bad(str(exc)) from exc


class StationEventKind(StrEnum):
    """What a station tells its subscribers (the UI, the link, the script)."""

    STATE = "state"                    # data: state
    RECORD_SHOWN = "record_shown"      # data: record_id, pages
    PAGE_VIEWED = "page_viewed"        # data: page, shown_ms
    INK = "ink"                        # data: attempt, stroke, samples (x, y, pressure, t_us)
    CLEARED = "cleared"                # data: attempt (the new one), discarded
    PAD_EVENT = "pad_event"            # data: kind, message
    FINGERPRINT_PROGRESS = "fingerprint_progress"  # data: stage, text_zh, text_en
    FINGERPRINT = "fingerprint"        # data: score, verdict
    PHOTO = "photo"                    # data: width, height
    SEGMENT = "segment"                # data: index, length
    PREVIEW = "preview"                # data: jpeg, width, height, at_ns, simulated (~5/s)
    LOGGED = "logged"                  # data: seq, kind (every capture-log entry, when queued)
    LOG_LINE = "log_line"              # data: seq, kind, line (its signed bytes, once on disk)
    FAULT = "fault"                    # data: reason, message (a device or log failure)
    TURN_ENDED = "turn_ended"          # data: outcome


@dataclass(frozen=True)
class StationEvent:
    """One event, on whichever thread produced it (pad reader, recorder writer, caller)."""

    kind: StationEventKind
    station: str
    data: Mapping[str, Any] = field(default_factory=dict)
