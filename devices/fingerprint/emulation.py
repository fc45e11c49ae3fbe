"""A fingerprint module's behaviour as a pure state machine: command packet in, replies out.

This is the part of the simulator that knows the protocol (password gate, image buffer,
system parameters, Img2Tz's verdict, image upload in data packets ending with an end packet);
``devices.fingerprint.simulator`` puts it on the far side of a pseudo-terminal.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from PIL import Image

from devices.fingerprint.framing import Packet
from devices.fingerprint.image import encode_image, fit_to_sensor
from devices.fingerprint.protocol import (
    DEFAULT_ADDRESS,
    DEFAULT_BAUD,
    IMAGE_HEIGHT,
    IMAGE_WIDTH,
    PACKET_SIZES,
    SIMULATED_MODEL,
    Instruction,
    PacketKind,
    Register,
    baud_multiplier,
)
from devices.fingerprint.quality import assess_quality
from devices.fingerprint.synthetic import Press, synthetic_fingerprint

__all__ = [
    "FingerPlan",
    "ImageFiles",
    "ImageSource",
    "ModuleEmulator",
    "ModuleSettings",
    "SyntheticImages",
]

class ImageSource(Protocol):
    """Where the simulated sensor's images come from."""

    def image_for(self, press_number: int, press: Press) -> np.ndarray:
        """The (288, 256) uint8 image of the ``press_number``-th press (0-based)."""
        ...


@dataclass(frozen=True)
class SyntheticImages:
    """Synthetic ridge patterns: one finger per ``seed``, a new noise draw for every press."""

    seed: int = 1

    def image_for(self, press_number: int, press: Press) -> np.ndarray:
        return synthetic_fingerprint(self.seed, press, attempt=press_number)


@dataclass(frozen=True)
class ImageFiles:
    """Images from files, used in turn; each is fitted onto the 256 x 288 sensor."""

    paths: tuple[Path, ...]

    def __post_init__(self) -> None:
        if not self.paths:
            raise ValueError("ImageFiles needs at least one file")

    def image_for(self, press_number: int, press: Press) -> np.ndarray:
        path = self.paths[press_number % len(self.paths)]
        with Image.open(path) as picture:
            return fit_to_sensor(picture)


@dataclass(frozen=True)
class FingerPlan:
    """When the simulated finger lands on the glass and how it is pressed.

    Timing starts at the first GenImg after the finger was last lifted. ``arrive_after_s``
    None means the finger never arrives. The finger counts as lifted once the host has sent
    nothing for ``lift_when_idle_s`` (the person walked away) or ``hold_s`` has passed. Press
    number n uses ``presses[n]`` (the last one repeats).
    """

    presses: tuple[Press, ...] = (Press.GOOD,)
    arrive_after_s: float | None = 0.3
    hold_s: float | None = None
    lift_when_idle_s: float = 1.5

    def press_for(self, number: int) -> Press:
        return self.presses[min(number, len(self.presses) - 1)]


@dataclass(frozen=True)
class ModuleSettings:
    """The simulated module's configuration (what its flash would hold)."""

    password: int = 0
    address: int = DEFAULT_ADDRESS
    baud: int = DEFAULT_BAUD
    packet_size: int = 128
    library_size: int = 1000
    security_level: int = 3
    model: str = SIMULATED_MODEL
    serial_number: str = "SIM00001"
    sensor: str = "SIM-OPT"

    def __post_init__(self) -> None:
        baud_multiplier(self.baud)
        if self.packet_size not in PACKET_SIZES:
            raise ValueError(f"packet size must be one of {PACKET_SIZES}")


class ModuleEmulator:
    """Answers command packets the way an R30x/AS608 module does. Thread-safe."""

    def __init__(self, settings: ModuleSettings, images: ImageSource, finger: FingerPlan,
                 *, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self._images = images
        self._clock = clock
        self._lock = threading.Lock()
        self._finger = finger
        self._packet_size = settings.packet_size
        self._pending_baud = settings.baud // 9600
        self._security = settings.security_level
        self._verified = settings.password == 0
        self._image: np.ndarray | None = None
        self._press_started: float | None = None   # first GenImg of the current press
        self._press_number = 0
        self._press_image: np.ndarray | None = None
        self._last_activity = clock()
        self.commands: list[int] = []              # every instruction received, in order

    def set_finger(self, plan: FingerPlan) -> None:
        """Replace the finger plan; the next GenImg starts its timing afresh."""
        with self._lock:
            self._finger = plan
            self._lift()

    def lift_finger(self) -> None:
        """The finger leaves the glass now; a later press is a new press."""
        with self._lock:
            self._lift()

    @property
    def packet_size(self) -> int:
        return self._packet_size

    def handle(self, packet: Packet) -> list[Packet]:
        """The replies to one received packet (none for packets the module ignores)."""
        if packet.address != self.settings.address or packet.kind is not PacketKind.COMMAND:
            return []
        with self._lock:
            now = self._clock()
            if now - self._last_activity > self._finger.lift_when_idle_s:
                self._lift()
            self._last_activity = now
            instruction, params = packet.payload[0], packet.payload[1:]
            self.commands.append(instruction)
            replies = self._dispatch(instruction, params)
            self._last_activity = self._clock()
            return replies

    def touch(self) -> None:
        """Note activity (the simulator calls this when it finishes sending a long reply)."""
        with self._lock:
            self._last_activity = self._clock()

    def _ack(self, code: int, data: bytes = b"") -> list[Packet]:
        return [Packet.ack(code, data, self.settings.address)]

    def _dispatch(self, instruction: int, params: bytes) -> list[Packet]:
        if not self._verified and instruction != Instruction.VFY_PWD:
            return self._ack(0x21)
        handler = _HANDLERS.get(instruction)
        if handler is None:
            return self._ack(0xFC)  # unsupported command
        return handler(self, params)

    def _verify_password(self, params: bytes) -> list[Packet]:
        if len(params) != 4:
            return self._ack(0x01)
        self._verified = int.from_bytes(params, "big") == self.settings.password
        return self._ack(0x00 if self._verified else 0x13)

    def _gen_img(self, params: bytes) -> list[Packet]:
        if not self._finger_present():
            return self._ack(0x02)
        if self._press_image is None:
            press = self._finger.press_for(self._press_number)
            image = np.asarray(self._images.image_for(self._press_number, press), dtype=np.uint8)
            if image.shape != (IMAGE_HEIGHT, IMAGE_WIDTH):
                raise ValueError(f"image source gave shape {image.shape}")
            self._press_image = image
        self._image = self._press_image
        return self._ack(0x00)

    def _img2tz(self, params: bytes) -> list[Packet]:
        if len(params) != 1 or not 1 <= params[0] <= 6:
            return self._ack(0x01)
        if self._image is None:
            return self._ack(0x15)
        # The simulated module's own feature extractor: our quality measure stands in for it.
        report = assess_quality(self._image)
        if report.contact_coverage < 0.04:
            return self._ack(0x15)          # nothing to extract from
        if report.contact_coverage < 0.35:
            return self._ack(0x07)          # too small an area
        if report.ridge_coverage < 0.5 * report.contact_coverage:
            return self._ack(0x06)          # skin there, ridges not: too disordered
        return self._ack(0x00)

    def _up_image(self, params: bytes) -> list[Packet]:
        if self._image is None:
            return self._ack(0x0F)
        data = encode_image(self._image)
        size = self._packet_size
        chunks = [data[i:i + size] for i in range(0, len(data), size)]
        address = self.settings.address
        out = self._ack(0x00)
        out += [Packet(PacketKind.DATA, chunk, address) for chunk in chunks[:-1]]
        out.append(Packet(PacketKind.END, chunks[-1], address))
        return out

    def _read_sys_para(self, params: bytes) -> list[Packet]:
        status = (0b100 if self.settings.password and self._verified else 0) \
            | (0b1000 if self._image is not None else 0)
        body = b"".join(v.to_bytes(2, "big") for v in (
            status, 0x0000, self.settings.library_size, self._security))
        body += self.settings.address.to_bytes(4, "big")
        body += PACKET_SIZES.index(self._packet_size).to_bytes(2, "big")
        body += (self.settings.baud // 9600).to_bytes(2, "big")
        return self._ack(0x00, body)

    def _set_sys_para(self, params: bytes) -> list[Packet]:
        if len(params) != 2:
            return self._ack(0x01)
        register, value = params
        if register == Register.BAUD and 1 <= value <= 12:
            self._pending_baud = value   # like the R503: applies after the next power-on
        elif register == Register.SECURITY and 1 <= value <= 5:
            self._security = value
        elif register == Register.PACKET_SIZE and value < len(PACKET_SIZES):
            self._packet_size = PACKET_SIZES[value]
        elif register in (Register.BAUD, Register.SECURITY, Register.PACKET_SIZE):
            return self._ack(0x1B)
        else:
            return self._ack(0x1A)
        return self._ack(0x00)

    def _template_num(self, params: bytes) -> list[Packet]:
        return self._ack(0x00, (0).to_bytes(2, "big"))

    def _read_prod_info(self, params: bytes) -> list[Packet]:
        def text(value: str, size: int) -> bytes:
            return value.encode("ascii")[:size].ljust(size, b"\x00")
        body = (text(self.settings.model, 16) + text("SIM0", 4) + text(self.settings.serial_number, 8)
                + bytes([1, 0]) + text(self.settings.sensor, 8)
                + IMAGE_WIDTH.to_bytes(2, "big") + IMAGE_HEIGHT.to_bytes(2, "big")
                + (512).to_bytes(2, "big") + self.settings.library_size.to_bytes(2, "big"))
        return self._ack(0x00, body)

    @property
    def pending_baud(self) -> int:
        """The baud rate a SetSysPara asked for, effective after the next power-on."""
        return self._pending_baud * 9600

    def _finger_present(self) -> bool:
        plan = self._finger
        now = self._clock()
        if self._press_started is None:
            self._press_started = now
        if plan.arrive_after_s is None:
            return False
        arrived = self._press_started + plan.arrive_after_s
        if now < arrived:
            return False
        if plan.hold_s is not None and now >= arrived + plan.hold_s:
            self._lift()  # lifted; the next GenImg starts waiting for the next press
            return False
        return True

    def _lift(self) -> None:
        if self._press_image is not None:
            self._press_number += 1
        self._press_image = None
        self._press_started = None


_HANDLERS: dict[int, Callable[[ModuleEmulator, bytes], list[Packet]]] = {
    Instruction.VFY_PWD: ModuleEmulator._verify_password,
    Instruction.GEN_IMG: ModuleEmulator._gen_img,
    Instruction.IMG2TZ: ModuleEmulator._img2tz,
    Instruction.UP_IMAGE: ModuleEmulator._up_image,
    Instruction.READ_SYS_PARA: ModuleEmulator._read_sys_para,
    Instruction.SET_SYS_PARA: ModuleEmulator._set_sys_para,
    Instruction.TEMPLATE_NUM: ModuleEmulator._template_num,
    Instruction.READ_PROD_INFO: ModuleEmulator._read_prod_info,
}

