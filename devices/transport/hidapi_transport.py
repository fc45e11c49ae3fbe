"""The production transport: a HID device opened through hidapi (PyPI ``hidapi``).

The hidapi wheel ships two modules with the same API. ``import hid`` is the **libusb**
backend (its extension links the bundled libusb and, opening a device, detaches the kernel
driver); ``import hidraw`` is the **hidraw** backend (links libudev only, talks to
``/dev/hidraw*``, leaves the kernel driver bound and also sees uhid devices). On Linux we
use ``hidraw``; elsewhere there is only ``hid``. The backend module can be passed in, so
the class is exercised in tests with an object that behaves like hidapi's device.
"""

from __future__ import annotations

import importlib
import sys
import threading
from pathlib import Path
from types import ModuleType
from typing import Any

from devices.clock import SessionClock
from devices.errors import DeviceError, DeviceGone
from devices.transport.base import InputReport, TransportInfo, TransportKind

__all__ = ["HidapiTransport", "enumerate_hid", "hid_backend"]

MAX_REPORT = 4096


def hid_backend() -> tuple[ModuleType, TransportKind]:
    """The hidapi module to use here and what it is: ``hidraw`` on Linux, ``hid`` elsewhere."""
    if sys.platform.startswith("linux"):
        try:
            return importlib.import_module("hidraw"), TransportKind.HIDRAW
        except ImportError:  # a hidapi built without the hidraw module
            pass
    try:
        return importlib.import_module("hid"), TransportKind.LIBUSB
    except ImportError as exc:
        raise DeviceError("hidapi is not installed (pip install hidapi)",
                          reason="hidapi_missing") from exc


def enumerate_hid(backend: ModuleType | None = None, vendor_id: int = 0,
                  product_id: int = 0) -> list[dict[str, Any]]:
    """hidapi's device list (dicts with path, vendor_id, product_id, usage_page, ...)."""
    module = backend if backend is not None else hid_backend()[0]
    return list(module.enumerate(vendor_id, product_id))


def _path_text(path: bytes | str) -> str:
    return path.decode(errors="replace") if isinstance(path, bytes) else path


class HidapiTransport:
    """One open hidapi device. Reads time out; unplugging turns into ``DeviceGone``."""

    def __init__(self, device: Any, info: TransportInfo, clock: SessionClock) -> None:
        self._device = device
        self.info = info
        self.clock = clock
        self._lock = threading.Lock()  # hidapi handles are not safe for concurrent calls
        self._closed = False

    @classmethod
    def open(cls, path: bytes | str, *, clock: SessionClock, backend: ModuleType | None = None,
             kind: TransportKind | None = None, entry: dict[str, Any] | None = None,
             ) -> HidapiTransport:
        """Open the device at ``path`` (as listed by ``enumerate_hid``)."""
        if backend is None:
            backend, found_kind = hid_backend()
            kind = kind or found_kind
        kind = kind or TransportKind.HIDRAW
        raw_path = path.encode() if isinstance(path, str) else path
        if entry is None:
            entry = next((e for e in enumerate_hid(backend) if e.get("path") == raw_path), {})
        device = backend.device()
        try:
            device.open_path(raw_path)
        except (OSError, ValueError) as exc:
            hint = " (check the udev rule giving your user access to /dev/hidraw*)" \
                if kind is TransportKind.HIDRAW else ""
            raise DeviceError(f"cannot open {_path_text(raw_path)}: {exc}{hint}",
                              reason="open_failed", device=_path_text(raw_path)) from exc
        name = entry.get("product_string") or ""
        if not name:
            try:
                name = device.get_product_string() or ""
            except (OSError, ValueError):
                name = ""
        info = TransportInfo(
            path=_path_text(raw_path), vendor_id=int(entry.get("vendor_id") or 0),
            product_id=int(entry.get("product_id") or 0), name=name or "HID device",
            kind=kind, serial=entry.get("serial_number") or None)
        return cls(device, info, clock)

    def _gone(self, exc: BaseException) -> DeviceGone:
        return DeviceGone(f"{self.info.path}: {exc}", device=self.info.path)

    def report_descriptor(self) -> bytes | None:
        with self._lock:
            self._check_open()
            try:
                return bytes(self._device.get_report_descriptor(MAX_REPORT))
            except (AttributeError, OSError, ValueError):
                pass
        # hidapi older than 0.14 has no get_report_descriptor: the kernel exports it in sysfs.
        node = Path(self.info.path).name
        sysfs = Path("/sys/class/hidraw") / node / "device" / "report_descriptor"
        try:
            return sysfs.read_bytes()
        except OSError:
            return None

    def read(self, timeout_ms: int) -> InputReport | None:
        # No lock here: the reader thread is the only caller, and holding the lock for the
        # whole timeout would stall feature reports sent from another thread.
        self._check_open()
        try:
            data = self._device.read(MAX_REPORT, max(1, timeout_ms))
        except (OSError, ValueError) as exc:
            raise self._gone(exc) from exc
        t_ns = self.clock.now_ns()
        if not data:
            return None
        return InputReport(bytes(data), t_ns)

    def write(self, data: bytes) -> int:
        with self._lock:
            self._check_open()
            try:
                written = int(self._device.write(data))
            except (OSError, ValueError) as exc:
                raise self._gone(exc) from exc
        if written < 0:
            raise DeviceError(f"{self.info.path}: output report refused", reason="write_failed",
                              device=self.info.path)
        return written

    def get_feature_report(self, report_id: int, size: int) -> bytes:
        with self._lock:
            self._check_open()
            try:
                return bytes(self._device.get_feature_report(report_id, size))
            except (OSError, ValueError) as exc:
                raise DeviceError(f"{self.info.path}: feature report 0x{report_id:02x}: {exc}",
                                  reason="feature_failed", device=self.info.path) from exc

    def send_feature_report(self, data: bytes) -> int:
        with self._lock:
            self._check_open()
            try:
                sent = int(self._device.send_feature_report(data))
            except (OSError, ValueError) as exc:
                raise DeviceError(f"{self.info.path}: feature report 0x{data[0]:02x}: {exc}",
                                  reason="feature_failed", device=self.info.path) from exc
        if sent < 0:
            raise DeviceError(f"{self.info.path}: feature report 0x{data[0]:02x} refused",
                              reason="feature_failed", device=self.info.path)
        return sent

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                try:
                    self._device.close()
                except (OSError, ValueError):
                    pass

    def _check_open(self) -> None:
        if self._closed:
            raise DeviceGone(f"{self.info.path}: transport closed", device=self.info.path)
