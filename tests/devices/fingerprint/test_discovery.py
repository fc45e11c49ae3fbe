"""Finding readers by their handshake, and opening the simulated one by its path."""

from __future__ import annotations

import threading

import pytest

from devices.discovery import DeviceKind, gather
from devices.fingerprint.discovery import (
    SIMULATED_PATH,
    list_fingerprint_readers,
    open_fingerprint_reader,
)
from devices.fingerprint.emulation import FingerPlan
from devices.fingerprint.errors import PasswordRejected
from devices.fingerprint.quality import Verdict


def test_the_simulated_reader_is_listed_only_when_asked_for() -> None:
    assert all(not d.simulated for d in list_fingerprint_readers(ports=[]))
    [simulated] = list_fingerprint_readers(ports=[], include_simulated=True)
    assert simulated.kind is DeviceKind.FINGERPRINT and simulated.simulated
    assert simulated.path == SIMULATED_PATH and "模拟" in simulated.name


def test_a_port_that_answers_the_handshake_is_listed(simulator) -> None:
    [found] = list_fingerprint_readers(ports=[simulator.port])
    assert found.path == simulator.port and found.kind is DeviceKind.FINGERPRINT
    assert found.simulated                      # the module itself says it is the simulator
    assert found.details["baud"] == 57600 and found.details["packet_size"] == 128


def test_the_baud_rate_is_found(make_simulator) -> None:
    simulator = make_simulator(baud=115200)
    [found] = list_fingerprint_readers(ports=[simulator.port], bauds=(57600, 115200),
                                       timeout_s=0.2)
    assert found.details["baud"] == 115200


def test_a_reader_with_another_password_is_listed_as_such(make_simulator) -> None:
    simulator = make_simulator(password=99)
    [found] = list_fingerprint_readers(ports=[simulator.port])
    assert found.details["password_ok"] is False


def test_ports_without_a_reader_are_skipped(tmp_path, make_simulator) -> None:
    silent = make_simulator(baud=9600)           # answers only at 9600: silence at 57600
    assert list_fingerprint_readers(ports=[str(tmp_path / "nothing"), silent.port],
                                    timeout_s=0.1) == []


def test_the_listing_plugs_into_the_device_gatherer() -> None:
    found, problems = gather([lambda: list_fingerprint_readers(ports=[], include_simulated=True)])
    assert problems == [] and found[0].simulated


def test_opening_the_simulated_path_runs_the_real_driver_on_a_pty() -> None:
    before = set(threading.enumerate())
    reader = open_fingerprint_reader(SIMULATED_PATH, baud=19200, password=7,
                                     finger=FingerPlan(arrive_after_s=0.0))
    try:
        assert reader.identity.simulated and reader.port_path.startswith("/dev/")
        assert reader.identity.baud == 19200
        assert reader.capture(timeout_s=5, poll_s=0.02).verdict is Verdict.GOOD
    finally:
        reader.close()
    assert set(threading.enumerate()) <= before   # closing the reader stopped the simulator


def test_a_failed_open_stops_the_simulator() -> None:
    from devices.fingerprint import emulation
    before = set(threading.enumerate())
    wrong = emulation.ModuleSettings(password=1)
    with pytest.raises(PasswordRejected):
        open_fingerprint_reader(SIMULATED_PATH, password=2, simulator_settings=wrong,
                                response_timeout_s=0.3)
    assert set(threading.enumerate()) <= before
