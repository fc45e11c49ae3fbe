"""The hidapi transport: the right backend, timeouts, and unplugging turned into DeviceGone.

No HID device exists on the test machines, so the device is an object that behaves as the
hidapi wheel's ``device`` class does (lists of ints, ``[]`` on timeout, ``OSError`` once the
device is gone); the backend choice is checked against the real installed wheel.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from devices.clock import SessionClock
from devices.errors import DeviceError, DeviceGone
from devices.transport.base import TransportKind
from devices.transport.hidapi_transport import HidapiTransport, enumerate_hid, hid_backend

PATH = b"/dev/hidraw7"


class FakeHidDevice:
    """hidapi's device API over a scripted list of reports."""

    def __init__(self, world: SimpleNamespace) -> None:
        self.world = world
        self.opened = False

    def open_path(self, path: bytes) -> None:
        if path not in self.world.paths:
            raise OSError("open failed")
        self.opened = True

    def read(self, max_length: int, timeout_ms: int = 0) -> list[int]:
        if not self.opened:
            raise ValueError("not open")
        if self.world.unplugged:
            raise OSError("read error")
        self.world.timeouts.append(timeout_ms)
        return list(self.world.reports.pop(0)) if self.world.reports else []

    def get_report_descriptor(self, max_length: int = 4096) -> list[int]:
        return list(self.world.descriptor)

    def get_feature_report(self, report_id: int, max_length: int) -> list[int]:
        if report_id not in self.world.features:
            raise OSError("get feature report failed")
        return list(self.world.features[report_id][:max_length])

    def send_feature_report(self, buff: bytes) -> int:
        self.world.sent.append(bytes(buff))
        return len(buff)

    def write(self, buff: bytes) -> int:
        self.world.sent.append(bytes(buff))
        return -1 if self.world.refuse_writes else len(buff)

    def get_product_string(self) -> str:
        return "Fake pad"

    def close(self) -> None:
        self.opened = False
        self.world.closed += 1


@pytest.fixture
def backend() -> SimpleNamespace:
    world = SimpleNamespace(paths={PATH}, reports=[b"\x07\xa0\x4f\x2a\xff\x1d\x00\x00"],
                            unplugged=False, timeouts=[], descriptor=b"\x05\x0d\x09\x02",
                            features={9: b"\x09" + bytes(16)}, sent=[], closed=0,
                            refuse_writes=False)
    entry = {"path": PATH, "vendor_id": 0x28BD, "product_id": 0x0042, "usage_page": 0x0D,
             "product_string": "Deco 01", "serial_number": ""}
    return SimpleNamespace(world=world, device=lambda: FakeHidDevice(world),
                           enumerate=lambda vid=0, pid=0: [entry])


def _open(backend: SimpleNamespace, clock: SessionClock) -> HidapiTransport:
    return HidapiTransport.open(PATH, clock=clock, backend=backend, kind=TransportKind.HIDRAW)


def test_backend_on_linux_is_hidraw_which_keeps_the_kernel_driver() -> None:
    module, kind = hid_backend()
    if sys.platform.startswith("linux"):
        assert (module.__name__, kind) == ("hidraw", TransportKind.HIDRAW)
        # The wheel's "hid" module is the libusb build; "hidraw" links no libusb at all.
        hid = importlib.import_module("hid")
        assert b"libusb" in Path(hid.__file__).read_bytes()
        assert b"libusb" not in Path(module.__file__).read_bytes()
    assert isinstance(enumerate_hid(module), list)


def test_reads_reports_and_stamps_them(backend: SimpleNamespace, clock: SessionClock) -> None:
    transport = _open(backend, clock)
    assert transport.info.name == "Deco 01" and not transport.info.simulated
    assert (transport.info.vendor_id, transport.info.product_id) == (0x28BD, 0x0042)
    before = clock.now_ns()
    report = transport.read(25)
    assert report.data == bytes.fromhex("07 a0 4f 2a ff 1d 00 00")
    assert before <= report.t_ns <= clock.now_ns()
    assert transport.read(25) is None
    assert backend.world.timeouts == [25, 25]  # never 0, which would block forever
    assert transport.report_descriptor() == b"\x05\x0d\x09\x02"
    transport.close()


def test_unplug_becomes_device_gone(backend: SimpleNamespace, clock: SessionClock) -> None:
    transport = _open(backend, clock)
    backend.world.unplugged = True
    with pytest.raises(DeviceGone):
        transport.read(10)
    transport.close()
    with pytest.raises(DeviceGone):
        transport.read(10)


def test_open_failure_is_a_typed_error_with_a_hint(backend: SimpleNamespace,
                                                   clock: SessionClock) -> None:
    with pytest.raises(DeviceError) as info:
        HidapiTransport.open(b"/dev/hidraw99", clock=clock, backend=backend,
                             kind=TransportKind.HIDRAW)
    assert info.value.reason == "open_failed"
    assert "udev" in str(info.value)


def test_feature_reports(backend: SimpleNamespace, clock: SessionClock) -> None:
    transport = _open(backend, clock)
    assert transport.get_feature_report(9, 17)[0] == 9
    with pytest.raises(DeviceError) as info:
        transport.get_feature_report(0x42, 8)
    assert info.value.reason == "feature_failed"
    assert transport.send_feature_report(b"\x20\x00") == 2
    backend.world.refuse_writes = True
    with pytest.raises(DeviceError):
        transport.write(b"\x01")
    transport.close()
    transport.close()
    assert backend.world.closed == 1
