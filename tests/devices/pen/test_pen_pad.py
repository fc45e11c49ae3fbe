"""``open_pad`` and pad discovery: hardware through hidapi, replays, the simulated pad, fallbacks.

For the hardware path the hidapi backend is an object with hidapi's API whose device end is
the STU emulator, so the production transport, reopen-after-replug and the STU driver all run.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from devices.clock import SessionClock
from devices.discovery import DeviceKind
from devices.errors import DeviceError
from devices.pads import SIMULATED_PAD_PATH, list_pads
from devices.pen import PadEventKind, PadMode, PadSpec, PenProtocol, open_pad
from devices.pen.stu_emulator import StuEmulator
from devices.pen.stu_log import load_stu_pen_log

from .conftest import STU_DIR, STU_SYNTHETIC

REPO = Path(__file__).resolve().parents[3]
LOG = REPO / "resources" / "devices" / "stu-pen-log.csv"


class Events:
    def __init__(self) -> None:
        self.samples: list = []
        self.events: list = []
        self.lock = threading.Lock()

    def sample(self, s) -> None:
        self.samples.append(s)

    def event(self, e) -> None:
        self.events.append(e)

    def kinds(self) -> list[PadEventKind]:
        return [e.kind for e in self.events]

    def wait_samples(self, n: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.samples) < n and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(self.samples) >= n


class EmulatedHidapi:
    """hidapi's module API (enumerate, device) with an emulated STU-540 behind one path."""

    def __init__(self, emulator: StuEmulator, clock: SessionClock) -> None:
        self.emulator = emulator
        self.clock = clock
        self.path = b"/dev/hidraw3"
        self.attached = True
        self.speed: float | None = None
        self.others = [{"path": b"/dev/hidraw0", "vendor_id": 0x046D, "product_id": 0xC52B,
                        "usage_page": 1, "usage": 6, "product_string": "Keyboard"}]

    def enumerate(self, vendor_id: int = 0, product_id: int = 0) -> list[dict]:
        stu = {"path": self.path, "vendor_id": 0x056A, "product_id": 0x00A8,
               "usage_page": 0xFF00, "usage": 1, "serial_number": "SN1",
               "product_string": "STU-540"}
        found = self.others + ([stu] if self.attached else [])
        return [e for e in found if vendor_id in (0, e["vendor_id"])
                and product_id in (0, e["product_id"])]

    def device(self):
        return EmulatedDevice(self)


class EmulatedDevice:
    def __init__(self, world: EmulatedHidapi) -> None:
        self.world = world
        self.stream = None

    def open_path(self, path: bytes) -> None:
        if not self.world.attached or path != self.world.path:
            raise OSError("open failed")
        self.stream = self.world.emulator.transport(clock=self.world.clock,
                                                    speed=self.world.speed)
        self.opened_as = path

    def read(self, max_length: int, timeout_ms: int = 0) -> list[int]:
        if not self.world.attached or self.opened_as != self.world.path:
            raise OSError("read error")
        report = self.stream.read(timeout_ms)
        return [] if report is None else list(report.data)

    def get_feature_report(self, report_id: int, max_length: int) -> list[int]:
        try:
            return list(self.world.emulator.get_feature(report_id, max_length))
        except DeviceError as exc:
            raise OSError(str(exc)) from None

    def send_feature_report(self, data: bytes) -> int:
        try:
            self.world.emulator.set_feature(bytes(data))
        except DeviceError:
            return -1
        return len(data)

    def get_report_descriptor(self, max_length: int = 4096) -> list[int]:
        raise OSError("not available")

    def write(self, data: bytes) -> int:
        return len(data)

    def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def takes():
    return load_stu_pen_log(LOG)


def test_listing_classifies_pens_and_puts_signature_pads_first(clock: SessionClock) -> None:
    entries = [
        {"path": b"/dev/hidraw1", "vendor_id": 0x28BD, "product_id": 0x0042, "usage_page": 0x0D,
         "usage": 2, "product_string": "Deco 01", "manufacturer_string": "XP-Pen"},
        {"path": b"/dev/hidraw2", "vendor_id": 0x28BD, "product_id": 0x0075, "usage_page": 1,
         "usage": 2, "product_string": "G430"},
        {"path": b"/dev/hidraw3", "vendor_id": 0x056A, "product_id": 0x00A5, "usage_page": 0xFF00,
         "usage": 1},
        {"path": b"/dev/hidraw4", "vendor_id": 0x046D, "product_id": 0xC52B, "usage_page": 1,
         "usage": 2, "product_string": "Mouse"},
    ]
    backend = SimpleNamespace(enumerate=lambda vid=0, pid=0: entries)
    pads = list_pads(backend=backend, simulated_log=LOG)
    assert [p.path for p in pads] == ["/dev/hidraw3", "/dev/hidraw1", "/dev/hidraw2",
                                      SIMULATED_PAD_PATH]
    assert pads[0].name == "Wacom STU-530" and pads[0].details["protocol"] == "wacom-stu"
    assert pads[1].name == "XP-Pen Deco 01"
    assert all(p.kind is DeviceKind.PAD for p in pads)
    assert [p.simulated for p in pads] == [False, False, False, True]
    assert "simulated" in pads[-1].name


def test_auto_without_hardware_falls_back_to_the_simulated_pad(clock: SessionClock,
                                                               font_path: Path) -> None:
    out = Events()
    empty = SimpleNamespace(enumerate=lambda vid=0, pid=0: [])
    pad = open_pad(PadSpec(simulated_log=LOG, replay_speed=None, backend=empty), clock,
                   out.sample, out.event)
    try:
        assert pad.info.simulated and pad.info.path == SIMULATED_PAD_PATH
        assert pad.capabilities.simulated and "simulated" in pad.capabilities.name
        assert pad.capabilities.protocol is PenProtocol.WACOM_STU and pad.has_display
        assert pad.show_prompt("张三", font_path)
        pad.start()
        out.wait_samples(1844)  # take 0 of the shipped log
    finally:
        pad.close()
    assert out.kinds()[0] is PadEventKind.PROMPT_SHOWN
    assert out.kinds()[-1] is PadEventKind.STOPPED
    assert [s.sequence for s in out.samples] == list(range(1, 1845))


def test_simulated_variants_differ(clock: SessionClock) -> None:
    firsts = []
    for variant in (0, 9):  # the same take, the second time moved and scaled
        out = Events()
        with open_pad(PadSpec(pad="simulated", simulated_log=LOG, replay_speed=None,
                              variant=variant), clock, out.sample, out.event) as pad:
            assert pad.info.details["take"] == 0
            pad.start()
            out.wait_samples(1844)
        firsts.append([(s.x, s.y) for s in out.samples[:200]])
    assert firsts[0] != firsts[1]


def test_hardware_mode_without_a_pad_is_a_clear_error(clock: SessionClock) -> None:
    empty = SimpleNamespace(enumerate=lambda vid=0, pid=0: [])
    with pytest.raises(DeviceError) as info:
        open_pad(PadSpec(mode=PadMode.HARDWARE, backend=empty), clock, print, print)
    assert info.value.reason == "no_pad"
    with pytest.raises(DeviceError) as info:
        open_pad(PadSpec(pad="simulated", mode=PadMode.HARDWARE), clock, print, print)
    assert info.value.reason == "simulation_not_allowed"
    with pytest.raises(DeviceError) as info:
        open_pad(PadSpec(pad="simulated"), clock, print, print)
    assert info.value.reason == "no_simulation_data"


def test_hardware_stu_through_hidapi_with_unplug_and_replug(takes, clock: SessionClock,
                                                            font_path: Path) -> None:
    emulator = StuEmulator(takes[3:4])
    backend = EmulatedHidapi(emulator, clock)
    backend.speed = 1.0  # the pad writes in real time: 1.3 s of signature
    out = Events()
    pad = open_pad(PadSpec(backend=backend), clock, out.sample, out.event)
    try:
        assert not pad.info.simulated and pad.info.path == "/dev/hidraw3"
        assert pad.info.name == "Wacom STU-540"
        assert not pad.capabilities.simulated
        pad.driver.pump.reopen_interval_s = 0.02
        assert pad.show_prompt("王五 Wang Wu", font_path)
        assert emulator.images_shown == 1
        pad.start()
        out.wait_samples(50)
        backend.attached = False           # unplugged ...
        emulator.unplugged()
        deadline = time.monotonic() + 5
        while PadEventKind.UNPLUGGED not in out.kinds() and time.monotonic() < deadline:
            time.sleep(0.01)
        backend.path = b"/dev/hidraw5"     # ... and back, under a new node
        backend.attached = True
        out.wait_samples(153)
    finally:
        pad.close()
    kinds = out.kinds()
    assert kinds.index(PadEventKind.UNPLUGGED) < kinds.index(PadEventKind.RECONNECTED)
    assert emulator.option_mode == 3  # reconfigured after the replug
    # At most the one report in flight at the moment of the unplug is lost.
    assert 153 <= len(out.samples) <= 154
    assert all(s.sequence is not None for s in out.samples)


def test_replay_files_open_with_the_right_driver(hid_fixtures: Path, clock: SessionClock) -> None:
    out = Events()
    stu_file = hid_fixtures / STU_DIR / STU_SYNTHETIC
    # The synthetic STU stream has a .txt name: name it as a path to an existing file.
    with open_pad(PadSpec(pad=str(stu_file), replay_speed=None), clock, out.sample,
                  out.event) as pad:
        assert pad.has_display and pad.info.simulated
        assert pad.capabilities.protocol is PenProtocol.WACOM_STU
        pad.start()
        assert pad.wait_finished(10)
    assert len(out.samples) == 1529
    out = Events()
    deco = hid_fixtures / "04-xppen-deco01-28bd-0042" / "pen_pressure.hid"
    with open_pad(PadSpec(pad=str(deco), replay_speed=None), clock, out.sample,
                  out.event) as pad:
        assert not pad.has_display and not pad.show_prompt("x", "unused.ttf")
        pad.clear()  # nothing to clear on a tablet: no error
        pad.start()
        assert pad.wait_finished(10)
    assert len(out.samples) == 1125 and "replay" in pad.info.name


def test_recording_the_simulated_pad_replays_identically(clock: SessionClock,
                                                         tmp_path: Path) -> None:
    target = tmp_path / "capture.hid"
    first = Events()
    with open_pad(PadSpec(pad="simulated", simulated_log=LOG, replay_speed=None, variant=3,
                          record_to=target), clock, first.sample, first.event) as pad:
        pad.start()
        first.wait_samples(154)
    second = Events()
    with open_pad(PadSpec(pad=str(target), replay_speed=None), clock, second.sample,
                  second.event) as pad:
        pad.start()
        assert pad.wait_finished(10)
    assert [(s.x, s.y, s.pressure, s.sequence) for s in second.samples] == \
        [(s.x, s.y, s.pressure, s.sequence) for s in first.samples]


def test_stu_without_a_hidraw_node_is_found_and_opened_through_libusb(
        takes, clock: SessionClock) -> None:
    # The kernel's wacom driver refuses STU pads; then only the libusb backend sees them.
    emulator = StuEmulator(takes[3:4])
    libusb = EmulatedHidapi(emulator, clock)
    libusb.path = b"1-4:1.0"
    hidraw = SimpleNamespace(enumerate=lambda vid=0, pid=0: [])
    pads = list_pads(backend=hidraw, libusb=libusb)
    assert [(p.path, p.details["backend"]) for p in pads] == [("1-4:1.0", "libusb")]
    out = Events()
    with open_pad(PadSpec(backend=hidraw, libusb=libusb), clock, out.sample, out.event) as pad:
        assert pad.driver.transport.info.kind.value == "libusb"
        assert pad.capabilities.protocol is PenProtocol.WACOM_STU
        pad.start()
        out.wait_samples(154)
    assert [s.sequence for s in out.samples] == list(range(1, 155))
