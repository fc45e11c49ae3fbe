"""The driver through pyserial on a real pseudo-terminal, against the simulated module."""

from __future__ import annotations

import time

import pytest

from devices.errors import DeviceGone, DeviceTimeout, ProtocolError
from devices.fingerprint.emulation import FingerPlan
from devices.fingerprint.errors import (
    FramingError,
    ImageTransferError,
    InvalidReaderSetting,
    PasswordRejected,
    PortUnavailable,
    ReaderTimeout,
)
from devices.fingerprint.image import decode_image
from devices.fingerprint.protocol import IMAGE_BYTES, Instruction
from devices.fingerprint.simulator import Fault, FaultRule, line_speed
from devices.fingerprint.synthetic import Press

from .conftest import FAST


def test_open_identifies_the_simulated_module(simulator, make_reader) -> None:
    reader = make_reader(simulator.port)
    identity = reader.identity
    assert identity.simulated and identity.port == simulator.port
    assert identity.model == "INKSEAL-SIM R30x" and identity.packet_size == 128
    assert reader.parameters.baud == 57600 and reader.parameters.library_size == 1000
    assert simulator.emulator.commands[:3] == [Instruction.VFY_PWD, Instruction.READ_SYS_PARA,
                                               Instruction.READ_PROD_INFO]


def test_the_driver_really_uses_pyserial_on_the_tty(simulator, make_reader) -> None:
    import serial
    reader = make_reader(simulator.port)
    port = reader._require_link().port
    assert isinstance(port, serial.Serial) and port.port.startswith("/dev/")
    assert line_speed(port.fileno()) == 57600


def test_gen_img_upload_and_template(simulator, make_reader) -> None:
    reader = make_reader(simulator.port)
    assert reader.generate_image() == 0x00
    counts: list[int] = []
    raw = reader.upload_image(on_data=lambda received: counts.append(len(received)))
    assert len(raw) == IMAGE_BYTES and counts[-1] == IMAGE_BYTES and len(counts) == 288
    assert decode_image(raw).std() > 30
    assert reader.image_to_template() == 0x00


@pytest.mark.parametrize("packet_size", [32, 64, 256])
def test_every_packet_size(make_simulator, make_reader, packet_size: int) -> None:
    reader = make_reader(make_simulator(packet_size=packet_size).port)
    assert reader.identity.packet_size == packet_size
    reader.generate_image()
    assert len(reader.upload_image()) == IMAGE_BYTES


@pytest.mark.parametrize("baud", [9600, 48000, 115200])
def test_other_baud_rates_including_non_standard_ones(make_simulator, make_reader, baud: int) -> None:
    reader = make_reader(make_simulator(baud=baud).port, baud=baud)
    assert reader.parameters.baud == baud


def test_wrong_baud_rate_gets_no_answer(make_simulator, make_reader) -> None:
    simulator = make_simulator(baud=115200)
    reader = make_reader(simulator.port, open_it=False, baud=57600, response_timeout_s=FAST)
    started = time.monotonic()
    with pytest.raises(ReaderTimeout) as caught:
        reader.open()
    assert caught.value.reason == "no_response" and isinstance(caught.value, DeviceTimeout)
    assert "baud" in str(caught.value) and "波特率" in caught.value.localized("zh")
    assert time.monotonic() - started < 2.0     # two tries of 0.3 s, then a clear error
    assert simulator.ignored_at_wrong_baud >= 1


def test_password(make_simulator, make_reader) -> None:
    simulator = make_simulator(password=0x0BADCAFE)
    with pytest.raises(PasswordRejected) as caught:
        make_reader(simulator.port, password=1)
    assert caught.value.reason == "wrong_password" and caught.value.code == 0x13
    reader = make_reader(simulator.port, password=0x0BADCAFE)
    assert reader.generate_image() == 0x00


def test_address(make_simulator, make_reader) -> None:
    simulator = make_simulator(address=0x00C0FFEE)
    with pytest.raises(ReaderTimeout):
        make_reader(simulator.port, response_timeout_s=FAST)  # it ignores other addresses
    assert make_reader(simulator.port, address=0x00C0FFEE).identity.address == 0x00C0FFEE


def test_missing_port(make_reader, tmp_path) -> None:
    with pytest.raises(PortUnavailable) as caught:
        make_reader(str(tmp_path / "ttyUSB9"))
    assert caught.value.reason == "port_not_found" and isinstance(caught.value, DeviceGone)
    assert "不存在" in caught.value.localized("zh")


def test_port_in_use(simulator, make_reader) -> None:
    make_reader(simulator.port)
    with pytest.raises(PortUnavailable) as caught:
        make_reader(simulator.port)
    assert caught.value.reason == "port_busy"


@pytest.mark.parametrize("options, reason", [({"baud": 56000}, "bad_baud"),
                                             ({"password": 2 ** 32}, "bad_password"),
                                             ({"address": -1}, "bad_address")])
def test_bad_settings_are_refused_before_touching_the_port(make_reader, options, reason) -> None:
    with pytest.raises(InvalidReaderSetting) as caught:
        make_reader("/dev/null", open_it=False, **options)
    assert caught.value.reason == reason


# -- faults on the line --------------------------------------------------------------------

@pytest.mark.parametrize("fault", [Fault.BAD_CHECKSUM, Fault.SILENCE, Fault.TRUNCATE])
def test_a_spoiled_answer_is_asked_for_again(simulator, make_reader, fault: Fault) -> None:
    reader = make_reader(simulator.port)
    reader.generate_image()                          # the simulator draws the press once
    simulator.inject(FaultRule(fault, Instruction.GEN_IMG))
    started = time.monotonic()
    assert reader.generate_image() == 0x00
    # A spoiled answer is noticed once the line goes quiet, not after the full timeout.
    assert time.monotonic() - started < (3.0 if fault is Fault.SILENCE else 1.2)
    assert simulator.emulator.commands.count(Instruction.GEN_IMG) == 3
    if fault is Fault.BAD_CHECKSUM:
        assert reader.line_stats.bad_checksums == 1


def test_garbage_before_an_answer_is_skipped_and_counted(simulator, make_reader) -> None:
    reader = make_reader(simulator.port)
    simulator.inject(FaultRule(Fault.GARBAGE, Instruction.GEN_IMG, times=3, garbage_bytes=300))
    for _ in range(3):
        assert reader.generate_image() == 0x00
    assert reader.line_stats.discarded_bytes >= 300
    assert simulator.emulator.commands.count(Instruction.GEN_IMG) <= 4


def test_a_module_that_stops_answering_gives_a_timeout(simulator, make_reader) -> None:
    reader = make_reader(simulator.port, response_timeout_s=FAST)
    simulator.inject(FaultRule(Fault.SILENCE, times=None))
    started = time.monotonic()
    with pytest.raises(ReaderTimeout) as caught:
        reader.generate_image()
    assert caught.value.reason == "no_response"
    assert time.monotonic() - started < 1.5


def test_a_reply_always_cut_short_gives_a_framing_error(simulator, make_reader) -> None:
    reader = make_reader(simulator.port, response_timeout_s=FAST)
    simulator.inject(FaultRule(Fault.TRUNCATE, Instruction.GEN_IMG, times=None))
    with pytest.raises(FramingError) as caught:
        reader.generate_image()
    assert caught.value.reason == "truncated_packet" and isinstance(caught.value, ProtocolError)


def test_a_corrupted_image_packet_is_a_typed_error(simulator, make_reader) -> None:
    reader = make_reader(simulator.port)
    reader.generate_image()
    simulator.inject(FaultRule(Fault.CORRUPT_DATA, Instruction.UP_IMAGE))
    with pytest.raises(ImageTransferError) as caught:
        reader.upload_image()
    assert caught.value.reason == "image_incomplete"
    assert "1 corrupted packet" in str(caught.value)
    assert len(reader.upload_image()) == IMAGE_BYTES   # the buffer still holds the image


def test_a_stalled_upload_is_a_timeout_not_a_hang(simulator, make_reader) -> None:
    reader = make_reader(simulator.port)
    reader.generate_image()
    simulator.inject(FaultRule(Fault.STALL_UPLOAD, Instruction.UP_IMAGE))
    started = time.monotonic()
    with pytest.raises(ReaderTimeout) as caught:
        reader.upload_image()
    assert caught.value.reason == "upload_stalled"
    assert time.monotonic() - started < 2.0
    assert reader.generate_image() == 0x00             # the line recovers for the next command


def test_simulator_gone_mid_session(make_simulator, make_reader) -> None:
    simulator = make_simulator()
    reader = make_reader(simulator.port)
    simulator.stop()                     # the pty is gone, as when a USB adapter is pulled
    with pytest.raises(PortUnavailable) as caught:
        reader.generate_image()
    assert caught.value.reason == "disconnected"


def test_the_power_on_byte_is_not_counted_as_noise(make_simulator, make_reader) -> None:
    simulator = make_simulator()
    reader = make_reader(simulator.port)
    simulator.power_cycle()              # says 0x55 again
    time.sleep(0.05)
    assert reader.generate_image() == 0x00
    assert reader.line_stats.discarded_bytes == 0


def test_a_late_answer_is_not_taken_for_the_next_command(make_simulator, make_reader) -> None:
    # The first GenImg of a press is slow (the simulator draws the finger, ~0.15 s); with a
    # response timeout shorter than that, its answer comes after the driver has asked again.
    simulator = make_simulator(finger=FingerPlan(presses=(Press.PARTIAL,), arrive_after_s=0.0))
    reader = make_reader(simulator.port)
    reader.response_timeout_s = 0.03
    try:
        assert reader.generate_image() == 0x00
    except ReaderTimeout:
        pass
    reader.response_timeout_s = 1.5
    # A corner of a finger: Img2Tz says 0x07. A stale GenImg answer would say 0x00.
    assert reader.image_to_template() == 0x07
    assert reader.image_to_template() == 0x07
