"""The simulated module's protocol behaviour, packet in, packets out (no pty needed)."""

from __future__ import annotations

import numpy as np
import pytest

from devices.fingerprint.emulation import (
    FingerPlan,
    ImageFiles,
    ModuleEmulator,
    ModuleSettings,
    SyntheticImages,
)
from devices.fingerprint.framing import Packet
from devices.fingerprint.image import decode_image, png_bytes
from devices.fingerprint.protocol import IMAGE_BYTES, Instruction, PacketKind
from devices.fingerprint.synthetic import Press


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def emulator(finger: FingerPlan | None = None, **settings: object) -> tuple[ModuleEmulator, FakeClock]:
    clock = FakeClock()
    module = ModuleEmulator(ModuleSettings(**settings), SyntheticImages(3),  # type: ignore[arg-type]
                            finger or FingerPlan(arrive_after_s=0.0), clock=clock)
    return module, clock


def code(replies: list[Packet]) -> int:
    assert replies and replies[0].kind is PacketKind.ACK
    return replies[0].payload[0]


def cmd(instruction: int, params: bytes = b"", address: int = 0xFFFFFFFF) -> Packet:
    return Packet.command(instruction, params, address)


def test_a_module_with_a_password_refuses_everything_until_verified() -> None:
    module, _ = emulator(password=0x1234)
    assert code(module.handle(cmd(Instruction.GEN_IMG))) == 0x21
    assert code(module.handle(cmd(Instruction.VFY_PWD, (0x1111).to_bytes(4, "big")))) == 0x13
    assert code(module.handle(cmd(Instruction.GEN_IMG))) == 0x21
    assert code(module.handle(cmd(Instruction.VFY_PWD, (0x1234).to_bytes(4, "big")))) == 0x00
    assert code(module.handle(cmd(Instruction.GEN_IMG))) == 0x00


def test_packets_for_another_address_or_not_commands_are_ignored() -> None:
    module, _ = emulator(address=0x00000001)
    assert module.handle(cmd(Instruction.GEN_IMG)) == []
    assert module.handle(Packet(PacketKind.DATA, b"\x01", 0x00000001)) == []
    replies = module.handle(cmd(Instruction.GEN_IMG, address=0x00000001))
    assert code(replies) == 0x00 and replies[0].address == 0x00000001


def test_finger_arrives_after_its_delay_counted_from_the_first_genimg() -> None:
    module, clock = emulator(FingerPlan(arrive_after_s=2.0))
    assert code(module.handle(cmd(Instruction.GEN_IMG))) == 0x02
    clock.now += 1.0
    assert code(module.handle(cmd(Instruction.GEN_IMG))) == 0x02
    clock.now += 1.0
    assert code(module.handle(cmd(Instruction.GEN_IMG))) == 0x00


def test_a_finger_that_never_arrives() -> None:
    module, clock = emulator(FingerPlan(arrive_after_s=None))
    for _ in range(5):
        clock.now += 10
        assert code(module.handle(cmd(Instruction.GEN_IMG))) == 0x02


def test_finger_lifts_when_the_host_goes_quiet_and_the_next_press_is_new() -> None:
    module, clock = emulator(FingerPlan(presses=(Press.PARTIAL, Press.GOOD), arrive_after_s=0.5,
                                        lift_when_idle_s=1.0))
    clock.now += 0.6
    module.handle(cmd(Instruction.GEN_IMG))  # starts the timing
    clock.now += 0.6
    assert code(module.handle(cmd(Instruction.GEN_IMG))) == 0x00
    assert code(module.handle(cmd(Instruction.IMG2TZ, b"\x01"))) == 0x07   # a corner only
    clock.now += 5.0                                                        # walked away
    assert code(module.handle(cmd(Instruction.GEN_IMG))) == 0x02
    clock.now += 0.6
    assert code(module.handle(cmd(Instruction.GEN_IMG))) == 0x00
    assert code(module.handle(cmd(Instruction.IMG2TZ, b"\x01"))) == 0x00   # second press: good


def test_hold_time_lifts_the_finger() -> None:
    module, clock = emulator(FingerPlan(arrive_after_s=0.0, hold_s=1.0))
    assert code(module.handle(cmd(Instruction.GEN_IMG))) == 0x00
    clock.now += 1.5
    assert code(module.handle(cmd(Instruction.GEN_IMG))) == 0x02


@pytest.mark.parametrize("press, expected", [(Press.GOOD, 0x00), (Press.PARTIAL, 0x07),
                                             (Press.SMUDGED, 0x06), (Press.NONE, 0x15)])
def test_img2tz_judges_the_press(press: Press, expected: int) -> None:
    module, _ = emulator(FingerPlan(presses=(press,), arrive_after_s=0.0))
    assert code(module.handle(cmd(Instruction.IMG2TZ, b"\x01"))) == 0x15   # no image yet
    module.handle(cmd(Instruction.GEN_IMG))
    assert code(module.handle(cmd(Instruction.IMG2TZ, b"\x01"))) == expected
    assert code(module.handle(cmd(Instruction.IMG2TZ, b"\x09"))) == 0x01   # no such buffer


@pytest.mark.parametrize("packet_size", [32, 64, 128, 256])
def test_upimage_sends_an_ack_then_data_packets_ending_with_an_end_packet(packet_size: int) -> None:
    module, _ = emulator(packet_size=packet_size)
    assert code(module.handle(cmd(Instruction.UP_IMAGE))) == 0x0F           # empty buffer
    module.handle(cmd(Instruction.GEN_IMG))
    replies = module.handle(cmd(Instruction.UP_IMAGE))
    assert code(replies) == 0x00
    data = replies[1:]
    assert len(data) == IMAGE_BYTES // packet_size
    assert all(p.kind is PacketKind.DATA for p in data[:-1]) and data[-1].kind is PacketKind.END
    assert all(len(p.payload) == packet_size for p in data)
    image = decode_image(b"".join(p.payload for p in data))
    assert image.shape == (288, 256) and image.std() > 30


def test_read_sys_para_layout() -> None:
    module, _ = emulator(packet_size=64, baud=115200, library_size=300, security_level=4)
    replies = module.handle(cmd(Instruction.READ_SYS_PARA))
    body = replies[0].payload[1:]
    assert len(body) == 16
    assert int.from_bytes(body[4:6], "big") == 300
    assert int.from_bytes(body[6:8], "big") == 4
    assert body[8:12] == b"\xff\xff\xff\xff"
    assert int.from_bytes(body[12:14], "big") == 1          # size code 1 = 64 bytes
    assert int.from_bytes(body[14:16], "big") == 12         # 9600 x 12
    module.handle(cmd(Instruction.GEN_IMG))
    status = int.from_bytes(module.handle(cmd(Instruction.READ_SYS_PARA))[0].payload[1:3], "big")
    assert status & 0b1000                                  # image buffer holds an image


def test_set_sys_para() -> None:
    module, _ = emulator()
    assert code(module.handle(cmd(Instruction.SET_SYS_PARA, bytes([6, 3])))) == 0x00
    assert module.packet_size == 256
    assert code(module.handle(cmd(Instruction.SET_SYS_PARA, bytes([4, 12])))) == 0x00
    assert module.pending_baud == 115200 and module.settings.baud == 57600  # after power-on
    assert code(module.handle(cmd(Instruction.SET_SYS_PARA, bytes([4, 13])))) == 0x1B
    assert code(module.handle(cmd(Instruction.SET_SYS_PARA, bytes([9, 1])))) == 0x1A


def test_product_info_says_simulated() -> None:
    module, _ = emulator()
    body = module.handle(cmd(Instruction.READ_PROD_INFO))[0].payload[1:]
    assert len(body) == 46 and body[:11] == b"INKSEAL-SIM"


def test_unknown_instruction_is_unsupported() -> None:
    module, _ = emulator()
    assert code(module.handle(cmd(0x77))) == 0xFC
    assert module.commands == [0x77]


def test_images_can_come_from_files(tmp_path) -> None:
    picture = np.full((288, 256), 230, dtype=np.uint8)
    picture[100:200, 50:150] = 20
    path = tmp_path / "press.png"
    path.write_bytes(png_bytes(picture))
    clock = FakeClock()
    module = ModuleEmulator(ModuleSettings(), ImageFiles((path,)), FingerPlan(arrive_after_s=0),
                            clock=clock)
    module.handle(cmd(Instruction.GEN_IMG))
    data = b"".join(p.payload for p in module.handle(cmd(Instruction.UP_IMAGE))[1:])
    image = decode_image(data)
    assert image[150, 100] == 17 and image[10, 10] == 238   # 20 -> level 1, 230 -> level 14


def test_image_files_need_a_file() -> None:
    with pytest.raises(ValueError):
        ImageFiles(())


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError):
        ModuleSettings(baud=12345)
    with pytest.raises(ValueError):
        ModuleSettings(packet_size=100)
