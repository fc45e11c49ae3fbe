"""Pen samples as they travel in ink batches: a fixed 30-byte big-endian record each."""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["INK_RECORD", "InkSample", "pack_samples", "unpack_samples"]

# x, y: int32 device units; pressure: uint16 device units; tilt_x, tilt_y: int16 device units;
# device_time: int64 (the pad's own counter); host_ns: int64 (the session clock at arrival).
INK_RECORD = struct.Struct(">iiHhhqq")


@dataclass(frozen=True, slots=True)
class InkSample:
    """One pen sample: position, pressure, tilt, the pad's time and the host's monotonic time."""

    x: int
    y: int
    pressure: int
    tilt_x: int
    tilt_y: int
    device_time: int
    host_ns: int


def pack_samples(samples: Iterable[InkSample]) -> bytes:
    """The payload of an ink batch; ValueError names the first sample out of range."""
    out = bytearray()
    for i, s in enumerate(samples):
        try:
            out += INK_RECORD.pack(s.x, s.y, s.pressure, s.tilt_x, s.tilt_y, s.device_time, s.host_ns)
        except struct.error as exc:
            raise ValueError(f"ink sample {i} out of range: {exc}") from None
    return bytes(out)


def unpack_samples(payload: bytes) -> tuple[InkSample, ...]:
    """Samples from an ink batch payload; ValueError when the length is not whole records."""
    if len(payload) % INK_RECORD.size:
        raise ValueError(f"ink payload of {len(payload)} bytes is not a multiple of "
                         f"{INK_RECORD.size}")
    return tuple(InkSample(*fields) for fields in INK_RECORD.iter_unpack(payload))
