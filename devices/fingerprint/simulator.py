"""Inkseal's simulated fingerprint module, speaking the real protocol on a pseudo-terminal.

``ModuleSimulator`` opens a pty pair (``os.openpty``), runs the module's protocol on the master
side in one thread, and offers the slave path (``/dev/pts/N``) to be opened like any serial
port, so the real driver and pyserial run unchanged. It honours the module password and
baud rate (commands sent at another line speed are garbage to a UART and get no answer),
announces itself with 0x55 like a module at power-on, can pace its output at the real line
rate, and can inject faults: bad checksums, garbage, silence, truncated replies, a corrupted
or stalled image upload, a finger that never arrives (``FingerPlan(arrive_after_s=None)``).

Everything it produces says it is simulated: its module type (``ReadProdInfo``) is
``INKSEAL-SIM``, and readers opened on it mark their captures and ``DeviceInfo`` as simulated.
"""

from __future__ import annotations

import array
import fcntl
import logging
import os
import random
import select
import termios
import threading
import time
import tty
from dataclasses import dataclass, replace
from enum import StrEnum

from devices.fingerprint.emulation import (
    FingerPlan,
    ImageSource,
    ModuleEmulator,
    ModuleSettings,
    SyntheticImages,
)
from devices.fingerprint.framing import Discarded, Packet, PacketFramer
from devices.fingerprint.protocol import Instruction

__all__ = ["Fault", "FaultRule", "ModuleSimulator", "line_speed"]

log = logging.getLogger(__name__)

_TCGETS2 = 0x802C542A if os.uname().machine in ("x86_64", "i686", "aarch64", "armv7l") else None
_POWER_ON = b"\x55"


class Fault(StrEnum):
    """Faults the simulator can inject into its replies."""

    BAD_CHECKSUM = "bad_checksum"    # the acknowledge packet's checksum is wrong
    GARBAGE = "garbage"              # random bytes on the line before the reply
    SILENCE = "silence"              # no reply at all
    TRUNCATE = "truncate"            # the first half of the reply, then nothing
    CORRUPT_DATA = "corrupt_data"    # one image data packet with a wrong checksum
    STALL_UPLOAD = "stall_upload"    # the image upload stops half way


@dataclass(frozen=True)
class FaultRule:
    """Inject ``fault`` into the replies to ``instruction`` (any command when None).

    ``times`` is how many replies it spoils (None: every one from now on, e.g. a module
    that stops answering).
    """

    fault: Fault
    instruction: Instruction | None = None
    times: int | None = 1
    garbage_bytes: int = 40


def line_speed(fd: int) -> int | None:
    """The baud rate the tty behind ``fd`` is set to (None when it cannot be read)."""
    if _TCGETS2 is not None:
        buf = array.array("i", [0] * 64)
        try:
            fcntl.ioctl(fd, _TCGETS2, buf)
            return buf[9]  # c_ispeed of struct termios2
        except OSError:
            pass
    try:
        code = termios.tcgetattr(fd)[4]
    except termios.error:
        return None
    for name in dir(termios):
        if name.startswith("B") and name[1:].isdigit() and getattr(termios, name) == code:
            return int(name[1:])
    return None


class ModuleSimulator:
    """A simulated R30x module on a pty; use as a context manager or start()/stop()."""

    def __init__(self, *, settings: ModuleSettings | None = None, images: ImageSource | None = None,
                 finger: FingerPlan | None = None, pace: bool = False, seed: int = 1) -> None:
        self.settings = settings or ModuleSettings()
        self.emulator = ModuleEmulator(self.settings, images or SyntheticImages(seed),
                                       finger or FingerPlan())
        self.pace = pace
        self._rng = random.Random(seed)
        self._faults: list[FaultRule] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._master = self._slave = -1
        self._wake_r = self._wake_w = -1
        self.port = ""
        self.ignored_at_wrong_baud = 0   # commands dropped because the line speed was wrong

    # -- life cycle ---------------------------------------------------------------------
    def start(self) -> ModuleSimulator:
        """Open the pty and start answering; ``port`` is then the path to open."""
        if self._thread is not None:
            return self
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)  # no echo, no line discipline until the driver configures it
        os.set_blocking(self._master, False)
        self._wake_r, self._wake_w = os.pipe()
        self.port = os.ttyname(self._slave)
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"fingerprint-simulator {self.port}",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop answering, join the thread, close the pty."""
        if self._thread is None:
            return
        self._stop.set()
        os.write(self._wake_w, b"x")
        self._thread.join(timeout=5.0)
        self._thread = None
        for fd in (self._master, self._slave, self._wake_r, self._wake_w):
            try:
                os.close(fd)
            except OSError:
                pass
        self._master = self._slave = self._wake_r = self._wake_w = -1

    def __enter__(self) -> ModuleSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- control --------------------------------------------------------------------------
    def inject(self, rule: FaultRule) -> None:
        """Spoil upcoming replies as ``rule`` says."""
        with self._lock:
            self._faults.append(rule)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def set_finger(self, plan: FingerPlan) -> None:
        """Change when and how the finger presses (timing restarts at the next GenImg)."""
        self.emulator.set_finger(plan)

    def power_cycle(self) -> None:
        """Apply settings that take effect at power-on (a new baud rate) and say 0x55 again."""
        self.settings = replace(self.settings, baud=self.emulator.pending_baud)
        self.emulator.settings = self.settings
        self._write(_POWER_ON)

    # -- the thread -------------------------------------------------------------------------
    def _run(self) -> None:
        framer = PacketFramer()
        self._write(_POWER_ON)  # a real module announces itself once it is up
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self._master, self._wake_r], [], [], 0.2)
                if self._master not in ready:
                    continue
                data = os.read(self._master, 4096)
            except BlockingIOError:
                continue
            except OSError as exc:
                log.debug("simulator %s: read failed: %s", self.port, exc)
                time.sleep(0.05)
                continue
            for item in framer.feed(data):
                if isinstance(item, Discarded):
                    log.debug("simulator %s: ignored %d byte(s) (%s)", self.port, len(item.data),
                              item.reason)
                elif not self._stop.is_set():
                    self._answer(item)

    def _answer(self, packet: Packet) -> None:
        speed = line_speed(self._slave)
        if speed is not None and speed != self.settings.baud:
            # A UART at another speed reads garbage and never recognises a command.
            self.ignored_at_wrong_baud += 1
            log.debug("simulator %s: command at %d baud ignored (module at %d)", self.port, speed,
                      self.settings.baud)
            return
        try:
            replies = self.emulator.handle(packet)
        except Exception:  # noqa: BLE001 - a broken image source must not kill the module
            log.exception("simulator %s: failed to answer", self.port)
            replies = [Packet.ack(0xFE, address=self.settings.address)]
        if not replies:
            return
        instruction = packet.payload[0] if packet.payload else None
        self._send(replies, self._take_fault(instruction))
        self.emulator.touch()

    def _take_fault(self, instruction: int | None) -> FaultRule | None:
        with self._lock:
            for index, rule in enumerate(self._faults):
                if rule.instruction is None or rule.instruction == instruction:
                    if rule.times is not None:
                        if rule.times <= 1:
                            del self._faults[index]
                        else:
                            self._faults[index] = replace(rule, times=rule.times - 1)
                    return rule
        return None

    def _send(self, replies: list[Packet], rule: FaultRule | None) -> None:
        wire = [packet.encode() for packet in replies]
        fault = rule.fault if rule else None
        if fault is Fault.SILENCE:
            return
        if fault is Fault.BAD_CHECKSUM:
            wire[0] = wire[0][:-1] + bytes([wire[0][-1] ^ 0x5A])
        elif fault is Fault.TRUNCATE:
            wire = [wire[0][: len(wire[0]) // 2]]
        elif fault is Fault.CORRUPT_DATA and len(wire) > 2:
            middle = len(wire) // 2
            wire[middle] = wire[middle][:-1] + bytes([wire[middle][-1] ^ 0x5A])
        elif fault is Fault.STALL_UPLOAD and len(wire) > 2:
            wire = wire[: len(wire) // 2]
        if fault is Fault.GARBAGE and rule is not None:
            noise = bytes(self._rng.randrange(256) for _ in range(rule.garbage_bytes))
            wire.insert(0, noise)
        for chunk in wire:
            if not self._write(chunk):
                return

    def _write(self, data: bytes) -> bool:
        """Write everything (paced at the line rate if asked); False if stopped meanwhile."""
        view = memoryview(data)
        started = time.monotonic()
        sent = 0
        while view and not self._stop.is_set():
            try:
                step = 64 if self.pace else len(view)
                written = os.write(self._master, view[:step])
            except BlockingIOError:
                select.select([], [self._master], [], 0.05)
                continue
            except OSError as exc:
                log.debug("simulator %s: write failed: %s", self.port, exc)
                return False
            view = view[written:]
            sent += written
            if self.pace:
                due = started + sent * 10 / self.settings.baud  # 10 bits per byte on the wire
                delay = due - time.monotonic()
                if delay > 0:
                    self._stop.wait(delay)
        return not view

