"""What a station does with a turn's captures: log them as evidence, bundle and encrypt them,
and make the signatory's PAdES signature with the station's device key.

The station calls a :class:`TurnSigner` at these moments: the pen track was accepted (logged
with the ISO track as a blob), a fingerprint was pressed (logged with its PNG as a blob and
its quality), the turn is finished (bundle with the turn's pen batches, appearance, signature,
``turn.signed``), or the turn ends unsigned with pen batches logged (``pen.sealed``: their
opening encrypted for the archive, see :func:`crypto.evidence_pen.sealed_entries`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography import x509

from crypto.capture_log_entry import BlobRef
from crypto.errors import CryptoError
from crypto.evidence import seal_evidence
from crypto.evidence_pen import PenOpening, sealed_entries
from crypto.pades import Signatory, sign_for_signatory
from crypto.pades_document import open_reader, record_identity, signature_fields
from crypto.pades_signers import SigningKey
from crypto.pades_timestamps import TimestampSource
from devices.av import Photo
from devices.clock import SessionClock
from devices.fingerprint import FingerprintCapture
from devices.signature import PenTrack
from records.evidence_bundle import PenEvidence, build_bundle, pen_evidence, stamp_for
from records.session_types import OutcomeKind, SignatureOutcome, StationError, TurnRequest

if TYPE_CHECKING:
    from records.session import SigningStation

__all__ = ["TurnSigner"]


def _permille(value: float) -> int:
    return round(value * 1000)


@dataclass(frozen=True)
class TurnSigner:
    """The station's signing identity and what a signature needs besides the captures."""

    key: SigningKey
    """The station's device key (terminal or workstation signing certificate)."""
    archive_certificate: x509.Certificate
    timestamps: TimestampSource | None
    font_path: Path
    clock: SessionClock
    location: str | None = None

    def pen_accepted(self, station: SigningStation, request: TurnRequest, track: PenTrack,
                     attempt: int) -> PenEvidence:
        """Encode the accepted track and log it (``pen.accepted``, the ISO track as blob)."""
        pen = pen_evidence(track, {"field": request.field_name,
                                   "signatory": request.signatory_name, "role": request.role,
                                   "station": station.config.station,
                                   "simulated": track.capabilities.simulated})
        times = track.times_ms()
        station.log_entry("pen.accepted", {
            "field": request.field_name, "attempt": attempt, "samples": len(track),
            "strokes": len(track.strokes()), "duration_ms": round(times[-1]) if times else 0,
            "readable_sha256": hashlib.sha256(pen.readable).hexdigest(),
            "simulated": track.capabilities.simulated}, BlobRef.of_bytes(pen.iso))
        return pen

    def fingerprint_taken(self, station: SigningStation, request: TurnRequest,
                          capture: FingerprintCapture, attempt: int) -> None:
        """Log one press: its quality figures and the PNG as blob."""
        q = capture.quality
        station.log_entry("fingerprint.captured", {
            "field": request.field_name, "attempt": attempt, "score": q.score,
            "verdict": q.verdict.value, "reasons": list(q.reasons),
            "contact_permille": _permille(q.contact_coverage),
            "ridge_permille": _permille(q.ridge_coverage), "template_code": q.template_code,
            "reader": capture.device.name, "simulated": capture.simulated,
            "uploads": capture.attempts}, BlobRef(capture.sha256, len(capture.png)))

    def pen_unsigned(self, station: SigningStation, opening: PenOpening) -> None:
        """Log the pen opening of a turn that ends unsigned, encrypted for the archive."""
        try:
            parts = sealed_entries(opening, self.archive_certificate)
        except CryptoError as exc:
            # The refusal or cancellation still goes on record; the log says what was lost.
            station.log_entry("pen.seal_failed", {"field": opening.field, "reason": exc.reason,
                                                  "batches": len(opening.batches),
                                                  "message": str(exc)})
            return
        for data in parts:
            station.log_entry("pen.sealed", data)

    def sign(self, station: SigningStation, request: TurnRequest, pen: PenEvidence,
             fingerprint: FingerprintCapture, photo: Photo | None,
             capture: Mapping[str, Any], *,
             pen_batches: PenOpening | None = None) -> SignatureOutcome:
        """Bundle (with the turn's pen batches), encrypt, draw and sign; log ``turn.signed``;
        the outcome."""
        now = self.clock.wall_datetime(self.clock.now_ns())
        try:
            reader = open_reader(request.pdf)
            boxes = {f.name: f.size for f in signature_fields(reader)}
            record_sha256 = record_identity(request.pdf, reader)
            if request.field_name not in boxes:
                raise StationError(reason="field_missing", step="finish_turn",
                                   field=request.field_name,
                                   zh=f"笔录中没有签名栏 {request.field_name}",
                                   en=f"the record has no field {request.field_name}")
            bundle = build_bundle(field_name=request.field_name,
                                  signatory_name=request.signatory_name,
                                  signatory_role=request.role, record_sha256=record_sha256,
                                  captured_at=now, pen=pen, fingerprint=fingerprint,
                                  photo=photo, capture=capture, pen_batches=pen_batches)
            sealed = seal_evidence(bundle, self.archive_certificate)
            stamp = stamp_for(name=request.signatory_name, role_label=request.label_zh,
                              signed_at=now, font_path=self.font_path, pen=pen,
                              box=boxes[request.field_name], fingerprint=fingerprint)
            signed = sign_for_signatory(
                request.pdf, field=request.field_name, key=self.key,
                signatory=Signatory(request.signatory_name, request.role), evidence=sealed,
                stamp=stamp, timestamps=self.timestamps, location=self.location)
        except CryptoError as exc:
            station.log_entry("turn.sign_failed", {"field": request.field_name,
                                                   "reason": exc.reason, "message": str(exc)})
            raise StationError(reason=f"signing_{exc.reason}", step="finish_turn",
                               field=request.field_name, zh=f"签名失败：{exc}",
                               en=f"the signature could not be made: {exc}") from exc
        evidence_sha256 = hashlib.sha256(sealed.package_file).hexdigest()
        station.log_entry("turn.signed", {
            "field": request.field_name, "order": request.order,
            "record_sha256": record_sha256.hex(),
            "evidence_sha256": evidence_sha256,
            "signed_pdf_sha256": hashlib.sha256(signed).hexdigest(),
            "items": {i.name: i.sha256.hex() for i in bundle.items}})
        return SignatureOutcome(OutcomeKind.SIGNED, request.record_id, request.order,
                                request.field_name, station.config.station, station.simulated,
                                station.turn_seqs(), signed, sealed.package_file,
                                evidence_sha256)

    def refused(self, station: SigningStation, request: TurnRequest,
                reason: str) -> SignatureOutcome:
        """The outcome of a refusal (already logged by the station)."""
        return SignatureOutcome(OutcomeKind.REFUSED, request.record_id, request.order,
                                request.field_name, station.config.station, station.simulated,
                                station.turn_seqs(), refusal_reason=reason)
