"""Signature formats: a pen track as ISO/IEC 19794-7, as readable JSON, and as ink on an image."""

from devices.signature.iso19794_7 import IsoError, parse_iso, track_from_iso, track_to_iso
from devices.signature.json_form import track_from_json, track_to_json
from devices.signature.render import RenderOptions, render_png, render_track
from devices.signature.track import PenTrack

__all__ = [
    "IsoError",
    "PenTrack",
    "RenderOptions",
    "parse_iso",
    "render_png",
    "render_track",
    "track_from_iso",
    "track_from_json",
    "track_to_iso",
    "track_to_json",
]
