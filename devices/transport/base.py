"""The transport interface every HID driver talks through, whatever is underneath.

It mirrors the hidapi device API (so the production transport is a thin wrapper) with bytes
instead of lists of ints, and one addition: every input report carries the host's monotonic
time at which it was read, stamped as close to the wire as the transport can.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

__all__ = ["HidTransport", "InputReport", "TransportInfo", "TransportKind"]


class TransportKind(StrEnum):
    """Where the bytes come from; anything but the first two is not a physical device."""

    HIDRAW = "hidraw"          # hidapi's hidraw backend (Linux): the kernel driver stays bound
    LIBUSB = "libusb"          # hidapi's libusb backend: detaches the kernel driver
    REPLAY = "replay"          # a recorded .hid stream
    EMULATOR = "emulator"      # a software device answering the real protocol


@dataclass(frozen=True)
class TransportInfo:
    """Identity of the device behind a transport."""

    path: str
    vendor_id: int
    product_id: int
    name: str
    kind: TransportKind
    serial: str | None = None
    bus: int = 3  # USB, as in hid-recorder's I: line

    @property
    def simulated(self) -> bool:
        """True when no physical device is behind this transport."""
        return self.kind in (TransportKind.REPLAY, TransportKind.EMULATOR)


@dataclass(frozen=True, slots=True)
class InputReport:
    """One input report (report-ID byte first when numbered) and when the host read it."""

    data: bytes
    t_ns: int


@runtime_checkable
class HidTransport(Protocol):
    """A HID device as drivers see it. Every call returns or raises within its timeout.

    ``read`` returns ``None`` when nothing arrived within ``timeout_ms`` and raises
    ``DeviceGone`` when the device went away; feature calls raise ``DeviceError`` subclasses.
    """

    info: TransportInfo

    def report_descriptor(self) -> bytes | None: ...

    def read(self, timeout_ms: int) -> InputReport | None: ...

    def write(self, data: bytes) -> int: ...

    def get_feature_report(self, report_id: int, size: int) -> bytes: ...

    def send_feature_report(self, data: bytes) -> int: ...

    def close(self) -> None: ...
