"""ISO/IEC 19794-7:2007 full format (signature/sign time series), export and import.

Layout (the 2007 edition as BioSignIn implements it, checked against the ASN.1 printed in
GOST R ISO/IEC 19794-7-2009; no code taken)::

    "SDI\\0"  " 10\\0"                 format identifier, version
    channel inclusion    BE16          bit 15 X, 14 Y, 13 Z, 12 VX, 11 VY, 10 AX, 9 AY, 8 T,
                                       7 DT, 6 F, 5 S, 4 TX, 3 TY, 2 AZ, 1 EL, 0 R
    per included channel: preamble byte (bit 7 scaling, 6 min, 5 max, 4 mean, 3 std-dev,
                          2 constant, 1 linear component removed) + one BE16 per attribute
    reserved             1 byte
    extended data flag   1 byte
    sample count         BE24
    samples              BE16 per included channel; signed channels (X, Y, VX, VY, AX, AY,
                         TX, TY) stored plus 32768

A scaling value is a 16-bit float, ``(1 + f/2048) * 2**(e-16)`` with ``e`` in the top five
bits. We write X and Y scaled in units per metre, T in units per second and tilt in units
per radian (SI units, as BioSignIn writes X/Y and T); pressure F has no physical unit and
gets no scaling. Where a device's coordinates or resolution do not fit 16 bits, X and Y are
divided by the smallest integer that makes them fit: that, and the scaling value's 11-bit
mantissa, are the format's quantisation.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field

from devices.errors import ProtocolError
from devices.pen.sample import AxisRange, PenButtons, PenCapabilities, PenProtocol, PenSample
from devices.signature.track import PenTrack

__all__ = ["CHANNELS", "IsoChannel", "IsoError", "IsoRecord", "decode_scaling",
           "encode_record", "encode_scaling", "parse_iso", "track_from_iso", "track_to_iso"]

MAGIC = b"SDI\0"
VERSION = b" 10\0"
CHANNELS = ("X", "Y", "Z", "VX", "VY", "AX", "AY", "T", "DT", "F", "S", "TX", "TY", "AZ",
            "EL", "R")  # most significant inclusion bit first
SIGNED = {"X", "Y", "VX", "VY", "AX", "AY", "TX", "TY"}
ATTRIBUTES = ("scaling", "min", "max", "mean", "std")  # preamble bits 7..3, each a BE16
FLAG_CONSTANT, FLAG_LINEAR_REMOVED = 0x04, 0x02
SCALING_MAX = (1 + 2047 / 2048) * 2.0 ** 15
SCALING_MIN = 2.0 ** -16


class IsoError(ProtocolError):
    """A byte string that is not a well-formed 19794-7 record; ``offset`` says where."""

    def __init__(self, message: str, *, offset: int) -> None:
        super().__init__(f"ISO/IEC 19794-7: {message} (at byte {offset})", reason="bad_iso_record")
        self.offset = offset


def encode_scaling(value: float) -> int:
    """The 16-bit encoding of a positive scaling value (nearest representable)."""
    if not SCALING_MIN <= value <= SCALING_MAX:
        raise ValueError(f"scaling value {value} outside {SCALING_MIN}..{SCALING_MAX}")
    exponent = math.floor(math.log2(value))
    fraction = round((value / 2.0 ** exponent - 1) * 2048)
    if fraction == 2048:
        exponent, fraction = exponent + 1, 0
    return (exponent + 16) << 11 | fraction


def decode_scaling(raw: int) -> float:
    return (1 + (raw & 0x7FF) / 2048) * 2.0 ** ((raw >> 11) - 16)


@dataclass(frozen=True)
class IsoChannel:
    """One channel's description: attributes present (raw BE16 values, offsets removed)."""

    name: str
    scaling: float | None = None
    minimum: int | None = None
    maximum: int | None = None
    flags: int = 0


@dataclass(frozen=True)
class IsoRecord:
    """A decoded record: channel descriptions and one dict of channel values per sample."""

    channels: dict[str, IsoChannel]
    points: list[dict[str, int]] = field(default_factory=list)


def _offset(name: str) -> int:
    return 32768 if name in SIGNED else 0


def _pack_channel(ch: IsoChannel) -> bytes:
    preamble = ch.flags & (FLAG_CONSTANT | FLAG_LINEAR_REMOVED)
    body = b""
    if ch.scaling is not None:
        preamble |= 0x80
        body += struct.pack(">H", encode_scaling(ch.scaling))
    for bit, value in ((0x40, ch.minimum), (0x20, ch.maximum)):
        if value is not None:
            preamble |= bit
            body += struct.pack(">H", value + _offset(ch.name))
    return bytes([preamble]) + body


def _fits(name: str, value: int) -> bool:
    return -32768 <= value <= 32767 if name in SIGNED else 0 <= value <= 65535


def encode_record(record: IsoRecord) -> bytes:
    """Serialise an ``IsoRecord``; values must already fit their 16-bit channels."""
    names = [n for n in CHANNELS if n in record.channels]
    inclusion = sum(1 << (15 - CHANNELS.index(n)) for n in names)
    out = bytearray(MAGIC + VERSION + struct.pack(">H", inclusion))
    for name in names:
        out += _pack_channel(record.channels[name])
    out += b"\0"  # reserved
    if len(record.points) >= 1 << 24:
        raise ValueError("more samples than the format's 24-bit count allows")
    out += b"\0" + len(record.points).to_bytes(3, "big")
    for point in record.points:
        for name in names:
            value = point[name]
            if not _fits(name, value):
                raise ValueError(f"channel {name} value {value} does not fit 16 bits")
            out += struct.pack(">H", value + _offset(name))
    return bytes(out)


def parse_iso(data: bytes) -> IsoRecord:
    """Read a 2007 full-format record; ``IsoError`` with the byte offset on any defect."""
    if data[:4] != MAGIC:
        raise IsoError("not a signature record (format identifier)", offset=0)
    if data[4:8] != VERSION:
        raise IsoError(f"version {data[4:8]!r} is not the 2007 edition's ' 10'", offset=4)
    pos = 8

    def take(n: int) -> bytes:
        nonlocal pos
        if pos + n > len(data):
            raise IsoError(f"record ends early (needs {n} more bytes)", offset=pos)
        chunk = data[pos:pos + n]
        pos += n
        return chunk

    (inclusion,) = struct.unpack(">H", take(2))
    names = [n for i, n in enumerate(CHANNELS) if inclusion & (1 << (15 - i))]
    if "X" not in names or "Y" not in names:
        raise IsoError("X and Y channels are mandatory", offset=8)
    channels: dict[str, IsoChannel] = {}
    for name in names:
        preamble = take(1)[0]
        values: dict[str, int] = {}
        for i, attribute in enumerate(ATTRIBUTES):
            if preamble & (0x80 >> i):
                (values[attribute],) = struct.unpack(">H", take(2))
        off = _offset(name)
        channels[name] = IsoChannel(
            name, decode_scaling(values["scaling"]) if "scaling" in values else None,
            values["min"] - off if "min" in values else None,
            values["max"] - off if "max" in values else None,
            preamble & (FLAG_CONSTANT | FLAG_LINEAR_REMOVED))
    take(1)  # reserved
    extended = take(1)[0]
    count = int.from_bytes(take(3), "big")
    size = 2 * len(names)
    if pos + count * size > len(data):
        raise IsoError(f"{count} samples announced, the record holds fewer", offset=pos)
    points = []
    for _ in range(count):
        raw = struct.unpack(f">{len(names)}H", take(size))
        points.append({n: v - _offset(n) for n, v in zip(names, raw)})
    if extended:
        take(2)  # extended data length; the data itself is not interpreted here
    return IsoRecord(channels, points)


def _coordinate_divisor(axis: AxisRange, values: list[int]) -> int:
    """Smallest integer k so that values/k fit int16 and the scaling per metre fits."""
    biggest = max([abs(axis.minimum), abs(axis.maximum), *map(abs, values)], default=0)
    k = max(1, math.ceil(biggest / 32767))
    if axis.resolution:
        k = max(k, math.ceil(axis.resolution * 1000 / SCALING_MAX))
    return k


def track_to_iso(track: PenTrack, *, time_channel: str = "T") -> bytes:
    """The track as a 2007 full-format record: X, Y, T (or DT), F, S, and TX/TY with tilt."""
    caps = track.capabilities
    samples = track.samples
    if time_channel not in ("T", "DT"):
        raise ValueError("time_channel must be 'T' or 'DT'")
    channels: dict[str, IsoChannel] = {}
    columns: dict[str, list[int]] = {}
    for name, axis, attr in (("X", caps.x, "x"), ("Y", caps.y, "y")):
        raw = [getattr(s, attr) for s in samples]
        k = _coordinate_divisor(axis, raw)
        channels[name] = IsoChannel(
            name, axis.resolution * 1000 / k if axis.resolution else None,
            round(axis.minimum / k), round(axis.maximum / k))
        columns[name] = [round(v / k) for v in raw]
    times = [round(t) for t in track.times_ms()]
    if time_channel == "T":
        scale = next((s for s in (1000, 100, 10, 1) if not times or times[-1] * s / 1000
                      <= 65535), 1)
        channels["T"] = IsoChannel("T", float(scale))
        columns["T"] = [round(t * scale / 1000) for t in times]
    else:
        channels["DT"] = IsoChannel("DT", 1000.0)
        columns["DT"] = [min(65535, b - a) for a, b in zip([times[0] if times else 0, *times],
                                                          times)]
    channels["F"] = IsoChannel("F", None, max(0, caps.pressure.minimum),
                               min(65535, caps.pressure.maximum))
    columns["F"] = [min(65535, max(0, s.pressure)) for s in samples]
    channels["S"] = IsoChannel("S", None, 0, 1)
    columns["S"] = [int(s.touching) for s in samples]
    if caps.tilt_x is not None and caps.tilt_y is not None:
        for name, axis, attr in (("TX", caps.tilt_x, "tilt_x"), ("TY", caps.tilt_y, "tilt_y")):
            per_radian = axis.resolution * 180 / math.pi if axis.resolution else None
            channels[name] = IsoChannel(name, per_radian if per_radian and
                                        SCALING_MIN <= per_radian <= SCALING_MAX else None,
                                        axis.minimum, axis.maximum)
            columns[name] = [getattr(s, attr) or 0 for s in samples]
    points = [{name: column[i] for name, column in columns.items()}
              for i in range(len(samples))]
    return encode_record(IsoRecord(channels, points))


def track_from_iso(data: bytes) -> PenTrack:
    """A track read back from a record, in the record's units (mm and ms as it states them)."""
    record = parse_iso(data)
    ch = record.channels

    def axis(name: str, per: float) -> AxisRange | None:
        c = ch.get(name)
        if c is None:
            return None
        values = [p[name] for p in record.points]
        low = c.minimum if c.minimum is not None else min(values, default=0)
        high = c.maximum if c.maximum is not None else max(values, default=0)
        return AxisRange(low, high, c.scaling / per if c.scaling else None)

    x, y = axis("X", 1000), axis("Y", 1000)
    assert x is not None and y is not None
    pressure = axis("F", 1) or AxisRange(0, 1)
    pressure = AxisRange(pressure.minimum, pressure.maximum)
    tilt_x, tilt_y = axis("TX", 180 / math.pi), axis("TY", 180 / math.pi)
    if "T" in ch:
        per_ms = (ch["T"].scaling or 1000) / 1000
        times = [p["T"] / per_ms for p in record.points]
    else:
        per_ms = (ch["DT"].scaling or 1000) / 1000 if "DT" in ch else 1.0
        times, total = [], 0.0
        for p in record.points:
            total += p.get("DT", 0) / per_ms
            times.append(total)
    caps = PenCapabilities(
        name="ISO/IEC 19794-7 record", protocol=PenProtocol.ISO_19794_7, vendor_id=None,
        product_id=None, x=x, y=y, pressure=pressure, tilt_x=tilt_x, tilt_y=tilt_y,
        device_time_unit_s=0.001)
    samples = []
    for p, t in zip(record.points, times):
        touching = bool(p["S"]) if "S" in p else p.get("F", 0) > 0
        f = p.get("F", int(touching))
        samples.append(PenSample(
            x=p["X"], y=p["Y"], x_mm=x.to_mm(p["X"]), y_mm=y.to_mm(p["Y"]), pressure=f,
            pressure_norm=pressure.normalise(f), tilt_x=p.get("TX"), tilt_y=p.get("TY"),
            buttons=PenButtons.NONE, in_range=True, touching=touching,
            device_time=round(t), sequence=None, t_ns=round(t * 1_000_000)))
    return PenTrack(tuple(samples), caps)
