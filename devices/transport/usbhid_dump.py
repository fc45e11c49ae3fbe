"""usbhid-dump output (``usbhid-dump -es`` streams, ``-ed`` descriptors) read as a recording.

DIGImend's tablet collection holds real report streams in this form::

    001:005:001:STREAM             1523653646.049964
     07 A0 4F 2A FF 1D 00 00
                                                      (blank line between records)
    001:005:001:DESCRIPTOR         1523653486.159290
     05 0D 09 01 A1 01 85 07 ...

The three numbers are bus, device and interface. A stream file usually has no descriptor of
its own: pass the interface's descriptor dump (DIGImend's ``rd/original<iface>.txt``) along,
or let ``read_usbhid_dump`` find a sibling file named ``*original<iface>*``. Some descriptor
files are bare hex without a header line; they are accepted too.
"""

from __future__ import annotations

import re
from pathlib import Path

from devices.transport.hid_recording import HidRecording, RecordedReport, RecordingError

__all__ = ["is_usbhid_dump", "read_descriptor_file", "read_usbhid_dump"]

HEADER = re.compile(r"^(\d{3}):(\d{3}):(\d{3}):(STREAM|DESCRIPTOR)\s+(\d+\.\d+)\s*$")


def is_usbhid_dump(text: str) -> bool:
    """Whether ``text`` starts like usbhid-dump output."""
    for line in text.splitlines():
        if line.strip():
            return HEADER.match(line.strip()) is not None
    return False


def _records(text: str, source: str) -> list[tuple[str, int, float, bytes, int]]:
    """(kind, interface, time, bytes, line) for every record; bare hex is one DESCRIPTOR."""
    records: list[tuple[str, int, float, bytes, int]] = []
    current: list | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        header = HEADER.match(line)
        if header:
            current = [header.group(4), int(header.group(3)), float(header.group(5)),
                       bytearray(), number]
            records.append(current)  # type: ignore[arg-type]
            continue
        if current is None:  # a descriptor file without a header line
            current = ["DESCRIPTOR", -1, 0.0, bytearray(), number]
            records.append(current)  # type: ignore[arg-type]
        try:
            current[3].extend(int(token, 16) for token in line.split())
        except ValueError:
            raise RecordingError("expected hexadecimal bytes", reason="bad_hex",
                                 source=source, line=number) from None
    return [(k, i, t, bytes(b), n) for k, i, t, b, n in records]


def read_descriptor_file(path: Path | str) -> bytes:
    """A report descriptor from a raw ``.bin`` file or a usbhid-dump descriptor dump."""
    path = Path(path)
    data = path.read_bytes()
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        return data  # raw bytes, as in /sys/.../report_descriptor
    descriptors = [r for r in _records(text, str(path)) if r[0] == "DESCRIPTOR"]
    if not descriptors:
        raise RecordingError("no report descriptor in the file", reason="no_descriptor",
                             source=str(path), line=0)
    return descriptors[0][3]


def _sibling_descriptor(path: Path, interface: int) -> bytes | None:
    for candidate in sorted(path.parent.glob(f"*original{interface}*")):
        if candidate != path:
            return read_descriptor_file(candidate)
    return None


def read_usbhid_dump(path: Path | str, *, descriptor: bytes | None = None) -> HidRecording:
    """The stream records of a dump as a recording, times re-based to the first report."""
    path = Path(path)
    try:
        text = path.read_text(encoding="ascii")
    except UnicodeDecodeError:
        raise RecordingError("not a usbhid-dump text file", reason="not_text",
                             source=str(path), line=0) from None
    records = _records(text, str(path))
    streams = [r for r in records if r[0] == "STREAM"]
    interface = streams[0][1] if streams else -1
    if descriptor is None:
        own = [r for r in records if r[0] == "DESCRIPTOR" and r[1] in (interface, -1)]
        descriptor = own[0][3] if own else _sibling_descriptor(path, interface)
    start = streams[0][2] if streams else 0.0
    reports = tuple(RecordedReport(round(t - start, 6), data) for _, _, t, data, _ in streams)
    return HidRecording(descriptor=descriptor, name=path.name, phys=None, bus=3,
                        vendor_id=None, product_id=None, reports=reports, source=str(path))
