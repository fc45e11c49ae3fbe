"""A signatory's evidence bundle, assembled from what the devices produced during the turn,
and the visible appearance drawn from the same data.

Items (their SHA-256 go into the signature; the package carries them encrypted):

=====================  ==================================  ==========================
name                   what                                where
=====================  ==================================  ==========================
``pen_track``          ISO/IEC 19794-7 full format          inside the signature, encrypted
``pen_track_readable`` the same samples as JSON, lossless   package
``fingerprint``        PNG from the reader (quality in it)  package
``photo``              PNG still from the station camera    package
``capture``            JSON: devices, simulated flags,      package
                       attempts, fingerprint quality
``pen_batches``        every logged pen batch of the turn   package
                       (discarded attempts too) and the
                       nonce that opens the log's
                       commitments (:mod:`crypto.evidence_pen`)
=====================  ==================================  ==========================

The capture log carries none of these in clear: its ``pen.batch`` entries hold commitments
that only ``pen_batches`` opens, its blobs are hashes.

The ink shown in the signature is rendered from the ISO track *as decoded back*, so anyone
holding the archive key can decode the signed pen track and get the same picture
(:mod:`crypto.verify_package_ink`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from crypto.appearance import StampSpec
from crypto.evidence import (
    MEDIA_FINGERPRINT,
    MEDIA_PEN_ISO,
    MEDIA_PEN_READABLE,
    EvidenceBundle,
    EvidenceItem,
)
from crypto.evidence_pen import MEDIA_PEN_BATCHES, PEN_BATCHES_ITEM, PenOpening
from crypto.verify_package_ink import InkDrawing, ink_picture
from devices.av import Photo
from devices.fingerprint import FingerprintCapture
from devices.signature import PenTrack, track_from_iso, track_to_iso, track_to_json

__all__ = [
    "CAPTURE_ITEM",
    "PenEvidence",
    "build_bundle",
    "ink_from_iso",
    "ink_from_track",
    "pen_evidence",
    "stamp_for",
]

CAPTURE_ITEM = "capture"
_MARGIN = 0.04  # of the larger side of the ink's bounds, so round ends are not cut off


def ink_from_track(track: PenTrack) -> InkDrawing:
    """The inked strokes of ``track``, moved to their bounds (plus a small margin)."""
    bounds = track.ink_bounds()
    if bounds is None:
        return InkDrawing((), (1.0, 1.0))
    x0, y0, x1, y1 = bounds
    margin = max(x1 - x0, y1 - y0, 1) * _MARGIN
    strokes = tuple(tuple((s.x - x0 + margin, s.y - y0 + margin, s.pressure_norm) for s in run)
                    for run in track.strokes())
    return InkDrawing(strokes, (x1 - x0 + 2 * margin, y1 - y0 + 2 * margin))


def ink_from_iso(iso: bytes) -> InkDrawing:
    """The drawing an ISO/IEC 19794-7 pen track shows (the verifier's :data:`PenDecoder`)."""
    return ink_from_track(track_from_iso(iso))


class PenEvidence:
    """A pen track in its two evidence forms, and the drawing the signature shows."""

    def __init__(self, track: PenTrack, metadata: Mapping[str, Any]) -> None:
        self.track = track
        self.iso = track_to_iso(track)
        self.readable = track_to_json(track, metadata).encode("utf-8")
        self.drawing = ink_from_iso(self.iso)


def pen_evidence(track: PenTrack, metadata: Mapping[str, Any]) -> PenEvidence:
    """Encode ``track`` (ISO and JSON) and derive the drawing from the ISO form."""
    return PenEvidence(track, metadata)


def build_bundle(*, field_name: str, signatory_name: str, signatory_role: str,
                 record_sha256: bytes, captured_at: datetime, pen: PenEvidence,
                 fingerprint: FingerprintCapture | None, photo: Photo | None,
                 capture: Mapping[str, Any],
                 pen_batches: PenOpening | None = None) -> EvidenceBundle:
    """The bundle of one turn; ``capture`` describes devices and attempts (JSON-ready),
    ``pen_batches`` opens the turn's logged ``pen.batch`` commitments."""
    items = [EvidenceItem("pen_track", MEDIA_PEN_ISO, pen.iso, embed=True),
             EvidenceItem("pen_track_readable", MEDIA_PEN_READABLE, pen.readable)]
    if pen_batches is not None:
        items.append(EvidenceItem(PEN_BATCHES_ITEM, MEDIA_PEN_BATCHES, pen_batches.to_json()))
    if fingerprint is not None:
        items.append(EvidenceItem("fingerprint", MEDIA_FINGERPRINT, fingerprint.png))
    if photo is not None:
        items.append(EvidenceItem("photo", photo.mime_type, photo.data))
    text = json.dumps(capture, ensure_ascii=False, sort_keys=True, indent=1)
    items.append(EvidenceItem(CAPTURE_ITEM, "application/json", text.encode("utf-8")))
    return EvidenceBundle(field_name, signatory_name, signatory_role, record_sha256,
                          captured_at, tuple(items))


def stamp_for(*, name: str, role_label: str, signed_at: datetime, font_path: Path,
              pen: PenEvidence, box: tuple[float, float],
              fingerprint: FingerprintCapture | None) -> StampSpec:
    """The visible signature: the ink (rendered to fit exactly where the appearance puts
    it), the red fingerprint imprint, name, role and time."""
    ink = ink_picture(pen.drawing, box, with_fingerprint=fingerprint is not None)
    return StampSpec(name, role_label, signed_at, font_path, ink=ink,
                     fingerprint=fingerprint.pil_image() if fingerprint is not None else None)
