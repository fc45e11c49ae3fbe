"""The readable form of a pen track: JSON with the device description and one line per sample.

Nothing is dropped or rounded, so ``track_from_json(track_to_json(t)) == t``. The output is
deterministic (fixed key order, one sample object per line) so equal tracks give equal bytes
and a diff of two files shows which samples differ.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from devices.errors import ProtocolError
from devices.pen.sample import AxisRange, PenButtons, PenCapabilities, PenProtocol, PenSample
from devices.signature.track import PenTrack

__all__ = ["FORMAT", "SAMPLE_FIELDS", "sample_to_dict", "track_from_json", "track_to_json"]

FORMAT = "inkseal-pen-track"
VERSION = 1
SAMPLE_FIELDS = ("x", "y", "x_mm", "y_mm", "pressure", "pressure_norm", "tilt_x", "tilt_y",
                 "buttons", "in_range", "touching", "device_time", "sequence", "t_ns")


def sample_to_dict(sample: PenSample) -> dict[str, Any]:
    """A sample as plain JSON values (buttons as an integer bit set)."""
    out = {name: getattr(sample, name) for name in SAMPLE_FIELDS}
    out["buttons"] = int(sample.buttons)
    return out


def _capabilities_to_dict(caps: PenCapabilities) -> dict[str, Any]:
    data = asdict(caps)
    data["protocol"] = caps.protocol.value
    data["display_size"] = list(caps.display_size) if caps.display_size else None
    data["notes"] = list(caps.notes)
    return data


def track_to_json(track: PenTrack, metadata: Mapping[str, Any] | None = None) -> str:
    """The track as JSON text; ``metadata`` (who signed, session, ...) is kept alongside."""
    head = {
        "format": FORMAT,
        "version": VERSION,
        "metadata": dict(metadata or {}),
        "device": _capabilities_to_dict(track.capabilities),
        "sample_count": len(track.samples),
    }
    lines = json.dumps(head, ensure_ascii=False, indent=1, sort_keys=False)[:-2]
    rows = ",\n  ".join(json.dumps(sample_to_dict(s), ensure_ascii=False, separators=(",", ":"))
                        for s in track.samples)
    return f'{lines},\n "samples": [\n  {rows}\n ]\n}}\n'


def _axis(data: Mapping[str, Any] | None) -> AxisRange | None:
    if data is None:
        return None
    return AxisRange(int(data["minimum"]), int(data["maximum"]), data.get("resolution"))


def track_from_json(text: str) -> tuple[PenTrack, dict[str, Any]]:
    """Read a track written by ``track_to_json``; returns it and its metadata."""
    try:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise ProtocolError(f"not an {FORMAT} document", reason="bad_track_json")
        if data.get("version") != VERSION:
            raise ProtocolError(f"unsupported {FORMAT} version {data.get('version')!r}",
                                reason="bad_track_json")
        d = data["device"]
        x, y, pressure = _axis(d["x"]), _axis(d["y"]), _axis(d["pressure"])
        assert x is not None and y is not None and pressure is not None
        caps = PenCapabilities(
            name=d["name"], protocol=PenProtocol(d["protocol"]), vendor_id=d["vendor_id"],
            product_id=d["product_id"], x=x, y=y, pressure=pressure,
            tilt_x=_axis(d.get("tilt_x")), tilt_y=_axis(d.get("tilt_y")),
            report_rate_hz=d.get("report_rate_hz"),
            display_size=tuple(d["display_size"]) if d.get("display_size") else None,
            device_time_unit_s=d.get("device_time_unit_s"),
            has_sequence=bool(d.get("has_sequence")), simulated=bool(d.get("simulated")),
            notes=tuple(d.get("notes", ())))
        samples = tuple(
            PenSample(**{**{k: row[k] for k in SAMPLE_FIELDS},
                         "buttons": PenButtons(row["buttons"])})
            for row in data["samples"])
    except ProtocolError:
        raise
    except (ValueError, KeyError, TypeError, AssertionError) as exc:
        raise ProtocolError(f"malformed pen-track JSON: {exc!r}", reason="bad_track_json") \
            from exc
    if len(samples) != data.get("sample_count", len(samples)):
        raise ProtocolError("sample_count does not match the samples", reason="bad_track_json")
    return PenTrack(samples, caps), data.get("metadata", {})
