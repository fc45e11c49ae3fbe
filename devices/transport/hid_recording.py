"""The hid-recorder text format (``.hid``): read and write, line by line.

Format (hid-tools ``man/hid-recorder.md``; the Rust hid-recorder's parser agrees)::

    # comment
    D: 0                              device index
    R: <len> <hex bytes>              report descriptor, length in decimal
    N: <name>
    P: <physical path>
    I: <bus> <vendor> <product>       hexadecimal, e.g. "I: 3 056a 0061"
    E: <sec>.<usec> <len> <hex bytes> one input report, byte 0 = report ID when numbered

Old recorders write ``E: 0.007978 8 ...``, new ones ``E: 000000.007978 8 ...``: both are
accepted. ``len`` must match the number of bytes (as the Rust parser insists).

Inkseal adds one kind of comment line that other tools skip as a comment::

    # inkseal-feature: <hex bytes>    a feature report the device answered (byte 0 = report ID)

so a recording of a signature pad carries the capability and information reports its driver
asked for, and a replay can answer them the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from devices.errors import ProtocolError

__all__ = [
    "FEATURE_PREFIX",
    "HidRecording",
    "RecordedReport",
    "RecordingError",
    "format_event",
    "format_header",
    "parse_recording",
    "read_recording",
    "write_feature",
]

FEATURE_PREFIX = "# inkseal-feature:"


class RecordingError(ProtocolError):
    """A ``.hid`` file that breaks the format; names the file and the 1-based line."""

    def __init__(self, message: str, *, reason: str, source: str, line: int) -> None:
        super().__init__(f"{source}:{line}: {message}", reason=reason, device=source)
        self.source = source
        self.line = line


@dataclass(frozen=True, slots=True)
class RecordedReport:
    """One ``E:`` line: seconds since the recording started and the raw report bytes."""

    time_s: float
    data: bytes


@dataclass(frozen=True)
class HidRecording:
    """Everything a ``.hid`` file holds for one device."""

    descriptor: bytes | None
    name: str | None
    phys: str | None
    bus: int | None
    vendor_id: int | None
    product_id: int | None
    reports: tuple[RecordedReport, ...]
    features: dict[int, bytes] = field(default_factory=dict)
    comments: tuple[str, ...] = ()
    source: str = "<memory>"


def _hex_bytes(tokens: list[str], *, source: str, line: int) -> bytes:
    try:
        values = [int(token, 16) for token in tokens]
    except ValueError:
        raise RecordingError("expected hexadecimal bytes", reason="bad_hex",
                             source=source, line=line) from None
    if any(v > 0xFF for v in values):
        raise RecordingError("a byte is larger than 0xff", reason="bad_hex",
                             source=source, line=line)
    return bytes(values)


def _counted(rest: str, *, source: str, line: int) -> tuple[list[str], bytes]:
    """``<len> <hex...>`` with the length checked; returns the tokens before it and the bytes."""
    tokens = rest.split()
    if not tokens:
        raise RecordingError("missing length", reason="bad_line", source=source, line=line)
    try:
        length = int(tokens[0])
    except ValueError:
        raise RecordingError(f"length {tokens[0]!r} is not a number", reason="bad_length",
                             source=source, line=line) from None
    data = _hex_bytes(tokens[1:], source=source, line=line)
    if len(data) != length:
        raise RecordingError(f"length says {length} bytes but {len(data)} follow",
                             reason="length_mismatch", source=source, line=line)
    return tokens, data


def parse_recording(lines: Iterable[str], *, source: str = "<memory>",
                    device: int = 0) -> HidRecording:
    """Parse hid-recorder text; keep only device ``device`` of a multi-device recording."""
    descriptor: bytes | None = None
    name = phys = None
    bus = vid = pid = None
    reports: list[RecordedReport] = []
    features: dict[int, bytes] = {}
    comments: list[str] = []
    current = 0
    for number, raw_line in enumerate(lines, start=1):
        line = raw_line.strip()
        if not line:
            continue
        if line.startswith(FEATURE_PREFIX):
            data = _hex_bytes(line[len(FEATURE_PREFIX):].split(), source=source, line=number)
            if data and current == device:
                features[data[0]] = data
            continue
        if line.startswith("#"):
            comments.append(line[1:].strip())
            continue
        tag, sep, rest = line.partition(":")
        if not sep or len(tag) != 1:
            raise RecordingError(f"not a hid-recorder line: {line[:40]!r}", reason="bad_line",
                                 source=source, line=number)
        rest = rest.strip()
        if tag == "D":
            try:
                current = int(rest)
            except ValueError:
                raise RecordingError("device index is not a number", reason="bad_line",
                                     source=source, line=number) from None
            continue
        if current != device:
            continue
        if tag == "R":
            _, descriptor = _counted(rest, source=source, line=number)
        elif tag == "N":
            name = rest
        elif tag == "P":
            phys = rest
        elif tag == "I":
            parts = rest.split()
            try:
                bus, vid, pid = (int(p, 16) for p in parts[:3])
            except ValueError:
                raise RecordingError("I: needs three hexadecimal numbers", reason="bad_line",
                                     source=source, line=number) from None
        elif tag == "E":
            time_text, _, counted = rest.partition(" ")
            try:
                time_s = float(time_text)
            except ValueError:
                raise RecordingError(f"bad timestamp {time_text!r}", reason="bad_timestamp",
                                     source=source, line=number) from None
            _, data = _counted(counted, source=source, line=number)
            reports.append(RecordedReport(time_s, data))
        # other tags (hid-recorder prints a few more in newer versions) are informative only
    return HidRecording(descriptor, name, phys, bus, vid, pid, tuple(reports), features,
                        tuple(comments), source)


def read_recording(path: Path | str, *, device: int = 0) -> HidRecording:
    """Read a ``.hid`` file; ``RecordingError`` names the file and line of any defect."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RecordingError(f"not a text file ({exc.reason})", reason="not_text",
                             source=str(path), line=0) from None
    return parse_recording(text.splitlines(), source=str(path), device=device)


def format_header(*, descriptor: bytes | None, name: str | None, phys: str | None,
                  bus: int, vendor_id: int, product_id: int,
                  comments: Iterable[str] = ()) -> Iterator[str]:
    """The header lines of a recording (no trailing newlines)."""
    for comment in comments:
        yield f"# {comment}"
    yield "D: 0"
    if descriptor is not None:
        yield f"R: {len(descriptor)} {descriptor.hex(' ')}".rstrip()
    if name:
        yield f"N: {name}"
    if phys:
        yield f"P: {phys}"
    yield f"I: {bus:x} {vendor_id:04x} {product_id:04x}"


def format_event(time_s: float, data: bytes) -> str:
    """One ``E:`` line in the current hid-recorder form (zero-padded seconds)."""
    seconds = int(time_s)
    micros = int(round((time_s - seconds) * 1_000_000))
    if micros == 1_000_000:
        seconds, micros = seconds + 1, 0
    return f"E: {seconds:06d}.{micros:06d} {len(data)} {data.hex(' ')}".rstrip()


def write_feature(out: TextIO, data: bytes) -> None:
    """Append one ``# inkseal-feature:`` line."""
    out.write(f"{FEATURE_PREFIX} {data.hex(' ')}\n")
