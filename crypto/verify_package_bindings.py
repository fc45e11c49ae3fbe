"""What the sealed capture logs say, held against the PDF and its signatures.

* The record every machine logged is the record in the PDF (its identity).
* Each signatory's turn: every page shown before the pad opened; the accepted pen track, the
  fingerprint and the photo logged as blobs whose SHA-256 the signature's evidence attribute
  names; ``turn.signed`` names the encrypted bundle the signature names and the PDF revision
  the signature made.
* A field left unsigned has a logged refusal with the reason the package states.
* Which devices were simulated, as the logs say (reported, never hidden).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from pyhanko.pdf_utils.misc import PdfError

from crypto.capture_log_entry import LogEntry
from crypto.pades_attributes import EvidenceAttribute
from crypto.pades_report import Check, Verdict

__all__ = ["check_bindings", "revision_ends", "simulated_devices"]


def _data(entry: LogEntry) -> Mapping[str, Any]:
    return entry.data if isinstance(entry.data, Mapping) else {}


def _fail(subject: str, reason: str, message: str, **details: Any) -> Check:
    return Check("log_binding", subject, Verdict.FAIL, reason, message, details)


def revision_ends(reader: Any) -> dict[str, int]:
    """For each signature field, where the revision its signature made ends (the signed
    bytes plus the signature's own gap)."""
    ends: dict[str, int] = {}
    if reader is None:
        return ends
    try:
        for sig in reader.embedded_signatures:
            start, length, gap_end, tail = (int(v) for v in sig.byte_range)
            ends[sig.field_name] = gap_end + tail
    except (PdfError, ValueError, TypeError, KeyError):
        pass
    return ends


def simulated_devices(entries: Sequence[LogEntry]) -> dict[str, list[str]]:
    """Per machine, the devices its log says were simulated."""
    found: dict[str, set[str]] = {}
    for entry in entries:
        data = _data(entry)
        if entry.kind == "device.pad" and data.get("simulated"):
            found.setdefault(entry.source, set()).add("pad")
        elif entry.kind == "fingerprint.captured" and data.get("simulated"):
            found.setdefault(entry.source, set()).add("fingerprint")
        elif entry.kind == "av.started":
            found.setdefault(entry.source, set()).update(str(s) for s in data.get("simulated", []))
    return {k: sorted(v) for k, v in sorted(found.items()) if v}


def _turn(entries: Sequence[LogEntry], field: str) -> list[LogEntry]:
    """The entries of the last turn logged for ``field`` (from its ``turn.begin``)."""
    begins = [i for i, e in enumerate(entries) if e.kind == "turn.begin"
              and _data(e).get("field") == field]
    if not begins:
        return []
    source = entries[begins[-1]].source
    return [e for e in entries[begins[-1]:] if e.source == source
            and _data(e).get("field") == field]


def _check_turn(field: str, turn: Sequence[LogEntry], attribute: EvidenceAttribute,
                signed_pdf: bytes | None, pages: int) -> list[Check]:
    native = attribute.native
    items = {i["name"]: i["sha256"].hex() for i in native["items"]}
    checks: list[Check] = []
    opened = next((i for i, e in enumerate(turn) if e.kind == "device.pad"), None)
    seen = {int(_data(e).get("page", 0)) for e in turn[:opened] if e.kind == "page.view"}
    missing = sorted(set(range(1, pages + 1)) - seen)
    if opened is None or missing:
        checks.append(_fail(field, "pages_not_shown",
                            f"{field}: pages {missing} were not shown before the signature",
                            missing=missing))
    blobs = {"pen_track": [e for e in turn if e.kind == "pen.accepted"],
             "fingerprint": [e for e in turn if e.kind == "fingerprint.captured"],
             "photo": [e for e in turn if e.kind == "photo.taken"]}
    for name, logged in blobs.items():
        if name not in items:
            continue
        if not any(e.blob is not None and e.blob.sha256 == items[name] for e in logged):
            checks.append(_fail(field, "evidence_not_logged",
                                f"{field}: the signed {name} is not the one the station logged",
                                item=name))
    signed = [e for e in turn if e.kind == "turn.signed"]
    if not signed:
        checks.append(_fail(field, "signature_not_logged",
                            f"{field}: the station's log has no signature for this field"))
        return checks
    data = _data(signed[-1])
    if data.get("evidence_sha256") != native["package_sha256"].hex():
        checks.append(_fail(field, "evidence_mismatch",
                            f"{field}: the logged evidence bundle is not the one the "
                            "signature names"))
    if signed_pdf is not None and \
            data.get("signed_pdf_sha256") != hashlib.sha256(signed_pdf).hexdigest():
        checks.append(_fail(field, "revision_mismatch",
                            f"{field}: the PDF revision signed is not the one the station "
                            "logged"))
    return checks


def check_bindings(entries: Sequence[LogEntry], manifest: Mapping[str, Any], pdf: bytes,
                   reader: Any, identity: bytes | None,
                   evidence: Mapping[str, EvidenceAttribute]) -> list[Check]:
    """Every cross-check of logs against the PDF; one pass check per signatory when sound."""
    checks: list[Check] = []
    logged = {_data(e).get("record_sha256") for e in entries
              if e.kind in ("record.opened", "station.record")}
    if identity is None or logged != {identity.hex()}:
        checks.append(_fail("record", "log_record_mismatch",
                            "the capture logs are about another record than this PDF",
                            logged=sorted(str(x) for x in logged)))
    ends = revision_ends(reader)
    pages = int(manifest.get("record", {}).get("pages", 0))
    for signatory in manifest.get("fields", {}).get("signatories", []):
        field = signatory["field"]
        turn = _turn(entries, field)
        if signatory.get("state") == "refused":
            refusals = [e for e in turn if e.kind == "turn.refused"]
            if not refusals or _data(refusals[-1]).get("reason") != \
                    signatory.get("refusal_reason"):
                checks.append(_fail(field, "refusal_not_logged",
                                    f"{field}: the refusal is not in the station's log as "
                                    "stated"))
            else:
                checks.append(Check("log_binding", field, Verdict.PASS, "ok",
                                    f"{field}: refusal logged: {signatory['refusal_reason']}"))
            continue
        attribute = evidence.get(field)
        if attribute is None:
            continue  # the PDF verification already failed this field
        end = ends.get(field)
        found = _check_turn(field, turn, attribute, pdf[:end] if end else None, pages)
        checks.extend(found or [Check(
            "log_binding", field, Verdict.PASS, "ok",
            f"{field}: every page shown, pen track, fingerprint, photo and signature as "
            "logged", {"entries": len(turn)})])
    return checks
