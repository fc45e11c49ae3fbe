"""The signing station: where a signatory reads, signs, presses a fingerprint and is
photographed, everything written into the station's capture log as it happens.

One :class:`SigningStation` per machine that has a pad (the detention-room terminal, or the
workstation's own pad), driven by explicit steps, the same for the headless script, the Qt
window and the link's terminal side::

    station.show_record(record_id, record_sha256, pages)   # A/V recording starts
    station.begin_turn(request)        # a TurnRequest: who signs which field of which PDF
    station.page_shown(1) ... station.page_shown(n)         # every page, with its time on screen
    station.start_signing()            # only once every page was shown; the pad captures
    station.clear()                    # any number of times: logged, the attempt starts over
    station.accept_signature()
    station.capture_fingerprint()      # may be repeated; quality is logged each time
    station.take_photo()
    outcome = station.finish_turn()    # the PAdES signature on the signatory's behalf
    # or at any point of a turn: outcome = station.refuse(reason)
    artifacts = station.close_record() # recording stopped, devices released

Steps block (devices, signing): call them from a worker thread, never a GUI thread.  What
happens is published to :meth:`subscribe`'d callbacks as :class:`StationEvent` values on the
thread that produced them (pad reader, recorder writer, the caller's).

Capture-log entries (``src`` = the station): ``station.record``, ``turn.begin``,
``page.view``, ``device.pad`` (``simulated`` said there), ``pen.prompt``, ``pen.batch``
(commitments, see :mod:`records.session_pen`), ``pen.event``, ``pen.clear``, ``pen.accepted``
(ISO track as blob), ``fingerprint.captured`` (PNG as blob, quality) or ``fingerprint.failed``,
``photo.taken`` (blob), ``turn.signed`` or (after ``pen.sealed``, the turn's pen batches
encrypted for the archive) ``turn.refused`` or ``turn.cancelled``, ``av.*`` (see
:mod:`records.session_media`), ``station.closed``.  Every turn entry names its ``field``.
Blobs are hashes only: pen tracks, fingerprints and photos travel encrypted for the archive.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from crypto.capture_log import CaptureLog
from crypto.capture_log_entry import BlobRef
from devices.av import Photo, PreviewFrame, RecorderError, SourceUnavailable
from devices.clock import SessionClock
from devices.discovery import DeviceInfo
from devices.errors import DeviceError
from devices.fingerprint import FingerprintCapture, Verdict
from devices.pen import Pad, PadEvent
from devices.signature import PenTrack
from records.evidence_bundle import PenEvidence
from records.session_config import StationArtifacts, StationConfig
from records.session_devices import (
    log_safe,
    open_turn_pad,
    pad_event_entry,
    press_fingerprint,
    without_local_paths,
)
from records.session_media import StationRecording
from records.session_output import Listener, StationOutput
from records.session_pen import PenCapture
from records.session_signing import TurnSigner
from records.session_types import (
    SignatureOutcome,
    StationError,
    StationEventKind,
    TurnRequest,
    TurnState,
)

__all__ = ["StationArtifacts", "StationConfig", "SigningStation"]



class SigningStation:
    """See the module docstring.  Thread-safe; one turn at a time."""

    def __init__(self, config: StationConfig, *, log_to: CaptureLog, signer: TurnSigner,
                 clock: SessionClock) -> None:
        self.config = config
        self._out = StationOutput(config.station, log_to)
        self._write = self._out.write
        self._publish = self._out.publish
        self._signer = signer
        self._clock = clock
        self._lock = threading.RLock()
        self._record: tuple[str, str] | None = None
        self._recording: StationRecording | None = None
        self._simulated: set[str] = set()
        self._reset_turn()

    def _reset_turn(self) -> None:
        self._request: TurnRequest | None = None
        self._state = TurnState.IDLE
        self._seen: set[int] = set()
        self._showing: tuple[int, int] | None = None  # page, since ns
        self._pad: Pad | None = None
        self._pen: PenCapture | None = None
        self._pen_evidence: PenEvidence | None = None
        self._pad_info: DeviceInfo | None = None
        self._fingerprint: FingerprintCapture | None = None
        self._fingerprint_attempts = 0
        self._photo: Photo | None = None
        self._out.start_turn()

    # --- plumbing ------------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        """Receive every :class:`StationEvent` (on the producing thread; return quickly)."""
        self._out.subscribe(listener)

    def _fail(self, reason: str, zh: str, en: str, step: str) -> StationError:
        request = self._request
        return StationError(reason=reason, zh=zh, en=en, step=step,
                            field=request.field_name if request else None)

    def _need(self, step: str, *states: TurnState) -> TurnRequest:
        if self._request is None or self._state not in states:
            raise self._fail("wrong_step", f"现在不能执行“{step}”（当前状态：{self._state.value}）",
                             f"cannot {step} now (turn state: {self._state.value})", step)
        return self._request

    def _set_state(self, state: TurnState) -> None:
        self._state = state
        self._publish(StationEventKind.STATE, state=state.value)

    @property
    def state(self) -> TurnState:
        return self._state

    @property
    def simulated(self) -> tuple[str, ...]:
        """Devices used so far that were simulated (``pad``, ``fingerprint``, ``camera``...)."""
        return tuple(sorted(self._simulated))

    # --- the record ----------------------------------------------------------------------
    def show_record(self, record_id: str, record_sha256: str, pages: int) -> None:
        """The record is on this station's screen: log it and start the A/V recording."""
        with self._lock:
            if self._record is not None:
                raise self._fail("record_open", "本设备已有一份笔录在显示",
                                 "a record is already shown at this station", "show_record")
            self._record = (record_id, record_sha256)
            self._simulated = set()
            self._write("station.record", {"record_id": record_id,
                                           "record_sha256": record_sha256, "pages": pages})
            if self.config.media is not None:
                recording = StationRecording(self._clock, self.config.media, self._write,
                                             self._on_segment, self._on_preview)
                name = f"{record_id}-{self.config.station}.mkv"
                try:
                    recording.start(self.config.media_dir / name)
                except (SourceUnavailable, RecorderError) as exc:
                    self._write("av.failed", {"reason": exc.reason, "message": str(exc)})
                    raise self._fail(f"av_{exc.reason}", f"无法开始录音录像：{exc}",
                                     f"cannot start the A/V recording: {exc}", "show_record") from exc
                self._recording = recording
                self._simulated.update(recording.simulated)
            self._publish(StationEventKind.RECORD_SHOWN, record_id=record_id, pages=pages)

    def _on_segment(self, segment: Any) -> None:
        self._publish(StationEventKind.SEGMENT, index=segment.index, length=segment.length)

    def _on_preview(self, frame: PreviewFrame) -> None:
        self._publish(StationEventKind.PREVIEW, jpeg=frame.jpeg, width=frame.width,
                      height=frame.height, at_ns=frame.captured_ns, simulated=frame.simulated)

    def close_record(self) -> StationArtifacts:
        """End any open turn (cancelled), stop the recording, release the devices."""
        with self._lock:
            if self._request is not None:
                self.cancel_turn("record closed")
            summary = self._recording.stop() if self._recording is not None else None
            if self._record is not None:
                self._write("station.closed", {"record_id": self._record[0],
                                               "simulated": self.simulated})
            self._record, self._recording = None, None
            return StationArtifacts(self.config.station, summary, self.simulated)

    # --- a turn --------------------------------------------------------------------------
    def begin_turn(self, request: TurnRequest) -> None:
        """A signatory's turn starts: they read the record first."""
        with self._lock:
            if self._record is None or self._record[0] != request.record_id:
                raise StationError(reason="record_not_shown", step="begin_turn",
                                   field=request.field_name,
                                   zh="该笔录未在本设备上显示", en="that record is not shown here")
            if self._request is not None:
                raise self._fail("turn_open", "上一位签名人的签名尚未结束",
                                 "the previous signatory's turn is still open", "begin_turn")
            self._reset_turn()
            self._request = request
            self._write("turn.begin", {"field": request.field_name, "order": request.order,
                                       "name": request.signatory_name, "role": request.role,
                                       "pdf_sha256": request.pdf_sha256,
                                       "pages": request.pages})
            self._set_state(TurnState.READING)

    def page_shown(self, page: int) -> None:
        """Page ``page`` (1-based) is on screen now; the page before it is hidden."""
        with self._lock:
            request = self._need("show a page", TurnState.READING, TurnState.SIGNING)
            if not 1 <= page <= request.pages:
                raise self._fail("bad_page", f"笔录没有第 {page} 页",
                                 f"the record has no page {page}", "page_shown")
            self.page_hidden()
            self._showing = (page, self._clock.now_ns())

    def page_hidden(self) -> None:
        """The page on screen was hidden (or the screen went to the pad prompt)."""
        with self._lock:
            if self._showing is None or self._request is None:
                return
            page, since = self._showing
            shown_ms = (self._clock.now_ns() - since) // 1_000_000
            self._showing = None
            self._seen.add(page)
            self._write("page.view", {"field": self._request.field_name, "page": page,
                                      "shown_ms": shown_ms, "from_us": since // 1000})
            self._publish(StationEventKind.PAGE_VIEWED, page=page, shown_ms=shown_ms)

    def start_signing(self) -> None:
        """Open the pad, show the prompt, capture; refused until every page was shown."""
        with self._lock:
            request = self._need("start signing", TurnState.READING)
            self.page_hidden()
            unseen = sorted(set(range(1, request.pages + 1)) - self._seen)
            if unseen:
                raise self._fail("pages_not_shown", f"签名前须阅看全部页面，未显示：{unseen}",
                                 f"every page must be shown before signing; not shown: {unseen}",
                                 "start_signing")
            self._pen = PenCapture(request.field_name, self._write,
                                   lambda data: self._publish(StationEventKind.INK, **data))
            pad = self._open_pad(request)
            self._pad = pad
            if pad.info.simulated:
                self._simulated.add("pad")
            pad.start()
            self._set_state(TurnState.SIGNING)

    def _open_pad(self, request: TurnRequest) -> Pad:
        """The turn's pad, feeding the turn's pen capture, logged and showing the prompt (under
        the lock; a station with another pen source overrides this one step)."""
        assert self._pen is not None
        try:
            return open_turn_pad(self.config, request, self._clock, self._pen.add,
                                 self._pad_event, self._write)
        except DeviceError as exc:
            raise self._fail(f"pad_{exc.reason}", f"无法打开签名板：{exc}",
                             f"cannot open the signature pad: {exc}", "start_signing") from exc

    def _pad_event(self, event: PadEvent) -> None:
        request, pen = self._request, self._pen
        self._write("pen.event", pad_event_entry(event, request.field_name if request else "",
                                                 pen.seal_report if pen else None))
        self._publish(StationEventKind.PAD_EVENT, kind=event.kind.value, message=event.message)

    def clear(self, reason: str = "signatory") -> None:
        """Clear the pad: the attempt so far stays logged, a new one starts."""
        with self._lock:
            self._need("clear the pad", TurnState.SIGNING)
            assert self._pen is not None and self._pad is not None
            try:
                self._pad.clear()
            except DeviceError as exc:
                self._write("pen.event", {"field": self._pen.field, "kind": "clear_failed",
                                          "message": str(exc)})
            data = self._pen.clear(reason)
            self._publish(StationEventKind.CLEARED, attempt=data["attempt"] + 1,
                          discarded=data["discarded_samples"])

    def pen_sample_count(self) -> int:
        """Samples of the current attempt so far (for a UI or a script waiting on the pen)."""
        pen = self._pen
        return len(pen.samples()) if pen is not None else 0

    def accept_signature(self) -> None:
        """The signatory confirmed their signature: the pen track is final."""
        with self._lock:
            request = self._need("accept the signature", TurnState.SIGNING)
            assert self._pen is not None and self._pad is not None
            self._pad.stop()
            self._pen.flush()
            samples = self._pen.samples()
            if self._pen.strokes() == 0:
                self._pad.start()
                raise self._fail("no_ink", "签名板上还没有签名", "nothing was signed on the pad",
                                 "accept_signature")
            track = PenTrack.of(samples, self._pad.capabilities)
            self._pad.close()
            self._pad_info = self._pad.info
            self._pad = None
            self._pen_evidence = self._signer.pen_accepted(self, request, track,
                                                           self._pen.attempt)
            self._set_state(TurnState.SIGNED)

    def capture_fingerprint(self, cancel: threading.Event | None = None) -> FingerprintCapture:
        """One fingerprint press (may be repeated: every press is logged with its quality)."""
        with self._lock:
            request = self._need("capture a fingerprint", TurnState.SIGNED,
                                 TurnState.FINGERPRINTED)
            self._fingerprint_attempts += 1
            attempt = self._fingerprint_attempts
            try:
                capture = press_fingerprint(self.config, self._clock, cancel, lambda p: (
                    self._publish(StationEventKind.FINGERPRINT_PROGRESS, stage=p.stage.value,
                                  text_zh=p.text.zh, text_en=p.text.en)))
            except DeviceError as exc:
                self._write("fingerprint.failed", {"field": request.field_name,
                                                   "attempt": attempt, "reason": exc.reason,
                                                   "message": str(exc)})
                raise self._fail(f"fingerprint_{exc.reason}", f"指纹采集失败：{exc}",
                                 f"the fingerprint could not be taken: {exc}",
                                 "capture_fingerprint") from exc
            if capture.simulated:
                self._simulated.add("fingerprint")
            self._signer.fingerprint_taken(self, request, capture, attempt)
            if capture.verdict is not Verdict.NO_FINGER:
                self._fingerprint = capture
                self._set_state(TurnState.FINGERPRINTED)
            self._publish(StationEventKind.FINGERPRINT, score=capture.quality.score,
                          verdict=capture.verdict.value)
            return capture

    def take_photo(self) -> Photo:
        """A still of the signatory from the running camera."""
        with self._lock:
            request = self._need("take the photo", TurnState.FINGERPRINTED,
                                 TurnState.PHOTOGRAPHED)
            if self._recording is None:
                raise self._fail("no_camera", "本设备不录像，无法拍照",
                                 "this station does not record, so it takes no photo",
                                 "take_photo")
            try:
                photo = self._recording.take_photo()
            except (SourceUnavailable, RecorderError) as exc:
                self._write("photo.failed", {"field": request.field_name, "reason": exc.reason})
                raise self._fail(f"photo_{exc.reason}", f"拍照失败：{exc}",
                                 f"the photo could not be taken: {exc}", "take_photo") from exc
            self._photo = photo
            self._write("photo.taken", {"field": request.field_name, "format": photo.format.value,
                                        "width": photo.width, "height": photo.height,
                                        "captured_us": photo.captured_ns // 1000,
                                        "simulated": photo.simulated},
                        BlobRef(photo.sha256, len(photo.data)))
            self._publish(StationEventKind.PHOTO, width=photo.width, height=photo.height)
            self._set_state(TurnState.PHOTOGRAPHED)
            return photo

    def finish_turn(self) -> SignatureOutcome:
        """Make the signatory's PAdES signature with this station's key; the outcome."""
        with self._lock:
            ready = (TurnState.PHOTOGRAPHED,) if self._recording is not None else (
                TurnState.FINGERPRINTED, TurnState.PHOTOGRAPHED)
            request = self._need("finish the turn", *ready)
            fault = self._out.fault
            if fault is not None:
                raise self._fail("log_failed", f"采集日志写入失败，不能签名：{fault}",
                                 f"the capture log failed, no signature: {fault}",
                                 "finish_turn")
            assert self._pen_evidence is not None and self._fingerprint is not None
            assert self._pen is not None
            outcome = self._signer.sign(self, request, self._pen_evidence, self._fingerprint,
                                        self._photo, self.capture_summary(),
                                        pen_batches=self._pen.opening())
            self._end_turn(TurnState.FINISHED, outcome)
            return outcome

    def capture_summary(self) -> dict[str, Any]:
        """What the evidence bundle says about how the turn was captured."""
        pen = self._pen
        return {"station": self.config.station, "simulated": list(self.simulated),
                "pen_attempts": pen.attempt if pen else 0,
                "pen_samples_total": pen.total if pen else 0,
                "fingerprint_attempts": self._fingerprint_attempts,
                "pad": without_local_paths(dict(self._pad_info.details))
                | {"name": self._pad_info.name} if self._pad_info else {},
                "fingerprint_reader": self._fingerprint.device.metadata()
                if self._fingerprint else {},
                "fingerprint_quality": log_safe(self._fingerprint.quality.as_dict())
                if self._fingerprint else {}}

    def refuse(self, reason: str) -> SignatureOutcome:
        """The signatory refuses to sign, for ``reason`` (logged word for word)."""
        with self._lock:
            request = self._need("record a refusal", TurnState.READING, TurnState.SIGNING,
                                 TurnState.SIGNED, TurnState.FINGERPRINTED,
                                 TurnState.PHOTOGRAPHED)
            text = (reason or "").strip()
            if not text:
                raise self._fail("refusal_reason_required", "拒绝签名必须记录理由",
                                 "a refusal needs its reason", "refuse")
            self._release_pad()
            self._seal_unsigned_pen()
            self._write("turn.refused", {"field": request.field_name, "reason": text})
            outcome = self._signer.refused(self, request, text)
            self._end_turn(TurnState.REFUSED, outcome)
            return outcome

    def cancel_turn(self, reason: str) -> None:
        """The workstation called the turn off; nothing is signed."""
        with self._lock:
            if self._request is None:
                return
            self._release_pad()
            self._seal_unsigned_pen()
            self._write("turn.cancelled", {"field": self._request.field_name, "reason": reason})
            self._set_state(TurnState.CANCELLED)
            self._reset_turn()

    def _release_pad(self) -> None:
        self.page_hidden()
        if self._pen is not None:
            self._pen.flush()
        if self._pad is not None:
            self._pad.close()
            self._pad = None

    def _seal_unsigned_pen(self) -> None:
        """A turn ending without a signature keeps its pen batches: encrypted for the archive
        in the log (``pen.sealed``), as a signed turn keeps them in its evidence bundle."""
        pen = self._pen
        if pen is not None and (pen.batches() or pen.opening().reports):
            self._signer.pen_unsigned(self, pen.opening())

    def _end_turn(self, state: TurnState, outcome: SignatureOutcome) -> None:
        self._set_state(state)
        self._publish(StationEventKind.TURN_ENDED, outcome=outcome.kind.value,
                      field=outcome.field_name)
        self._reset_turn()

    # --- what the signer needs -----------------------------------------------------------
    def log_entry(self, kind: str, data: Mapping[str, Any], blob: BlobRef | None = None) -> None:
        """Write one entry of the current turn (used by the turn signer)."""
        self._write(kind, data, blob)

    def turn_seqs(self) -> tuple[int, int]:
        """First and last log sequence number of the current turn so far."""
        return self._out.turn_seqs()

    def close(self) -> None:
        """Release everything (idempotent); a record still open is closed."""
        with self._lock:
            if self._record is not None:
                self.close_record()
            self._release_pad()
