"""The serial link to one module: pyserial underneath, packets above, every wait bounded.

Reads poll in short slices so a cancel event or a deadline is noticed within ~50 ms; skipped
bytes are logged with their stream offset and counted, never raised, unless what is left is
a packet cut short when the line went quiet.
"""

from __future__ import annotations

import errno
import logging
import threading
import time
from collections import deque
from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

import serial

try:
    from termios import error as _TermiosError
except ImportError:  # Windows: pyserial raises SerialException only
    _TermiosError = OSError  # type: ignore[misc,assignment]

from devices.fingerprint.errors import (
    CaptureCancelled,
    FramingError,
    PortUnavailable,
    ReaderTimeout,
)
from devices.fingerprint.framing import Discarded, Packet, PacketFramer
from devices.fingerprint.messages import Bilingual
from devices.fingerprint.protocol import DEFAULT_ADDRESS, PacketKind

__all__ = ["LineStats", "SerialLink", "SerialPort", "open_serial_port"]

log = logging.getLogger(__name__)

# pyserial lets termios.error (not an OSError) escape when a pty or USB adapter vanishes.
_PORT_ERRORS = (serial.SerialException, OSError, _TermiosError)

_ANSWER = Bilingual("an answer", "应答")

POLL_S = 0.05        # longest a single read blocks: the cancel/deadline latency
STALE_GAP_S = 0.25   # a partial packet older than this with a silent line is abandoned


class SerialPort(Protocol):
    """What the link needs of a pyserial ``Serial`` (a real port, a pty, or ``loop://``)."""

    timeout: float | None
    port: str | None

    @property
    def in_waiting(self) -> int: ...
    def read(self, size: int = 1) -> bytes: ...
    def write(self, data: bytes) -> int | None: ...
    def reset_input_buffer(self) -> None: ...
    def close(self) -> None: ...


@dataclass
class LineStats:
    """What the line has cost so far: skipped bytes by reason, and packets not addressed to us."""

    packets: int = 0
    discarded_bytes: int = 0
    discarded_runs: int = 0
    bad_checksums: int = 0
    foreign_packets: int = 0
    unexpected_packets: int = 0


def open_serial_port(path: str, baud: int) -> serial.Serial:
    """Open ``path`` with pyserial, 8N1, exclusive; missing/busy/forbidden become typed errors."""
    try:
        return serial.Serial(path, baud, timeout=POLL_S, write_timeout=2.0, exclusive=True)
    except serial.SerialException as exc:
        code = getattr(exc, "errno", None)
        if code in (errno.ENOENT, errno.ENODEV, errno.ENXIO):
            reason, text = "port_not_found", Bilingual(
                f"serial port {path} does not exist", f"串口 {path} 不存在")
        elif code in (errno.EACCES, errno.EPERM):
            reason, text = "permission_denied", Bilingual(
                f"no permission to open serial port {path} (is the user in the dialout group?)",
                f"没有打开串口 {path} 的权限（用户是否属于 dialout 组？）")
        elif code in (errno.EBUSY, errno.EAGAIN, errno.EWOULDBLOCK):
            reason, text = "port_busy", Bilingual(
                f"serial port {path} is in use by another program", f"串口 {path} 正被其他程序占用")
        else:
            reason, text = "port_error", Bilingual(
                f"cannot open serial port {path}: {exc}", f"无法打开串口 {path}：{exc}")
        raise PortUnavailable(text, reason=reason, device=path) from exc


class SerialLink:
    """Packets over one serial port, addressed to one module."""

    def __init__(self, port: SerialPort, *, address: int = DEFAULT_ADDRESS,
                 device: str | None = None) -> None:
        self.port = port
        self.address = address
        self.device = device or port.port or "serial"
        self.stats = LineStats()
        self._framer = PacketFramer()
        self._ready: deque[Packet] = deque()
        self._last_byte_at = time.monotonic()
        self._spoiled: str | None = None  # why a packet since the last command was unusable

    def send(self, packet: Packet) -> None:
        """Write one packet; a vanished port becomes ``PortUnavailable``."""
        try:
            self.port.write(packet.encode())
        except _PORT_ERRORS as exc:
            raise self._gone(exc) from exc

    def command(self, instruction: int, params: bytes = b"") -> None:
        """Flush stale input, then send a command packet to our module."""
        self.discard_input()
        self._spoiled = None
        self.send(Packet.command(instruction, params, self.address))

    def discard_input(self) -> None:
        """Forget anything received but not yet consumed (left-overs of an abandoned transfer)."""
        try:
            self.port.reset_input_buffer()
        except _PORT_ERRORS as exc:
            raise self._gone(exc) from exc
        self._account(self._framer.reset(), logging.DEBUG)
        self._ready.clear()

    def receive(self, *, timeout_s: float, expect: Collection[PacketKind] = (PacketKind.ACK,),
                cancel: threading.Event | None = None, what: Bilingual = _ANSWER) -> Packet:
        """The next packet of a kind in ``expect`` from our module, within ``timeout_s``.

        Other packets are logged and skipped. Raises ``ReaderTimeout`` (nothing came),
        ``FramingError`` (a packet came spoiled, cut short or with a bad checksum, and the line
        then went quiet: no point waiting out the timeout), ``CaptureCancelled`` or
        ``PortUnavailable``.
        """
        deadline = time.monotonic() + timeout_s
        while True:
            while self._ready:
                packet = self._ready.popleft()
                if packet.address != self.address:
                    self.stats.foreign_packets += 1
                    log.warning("%s: skipped a packet for address %08X", self.device, packet.address)
                elif packet.kind in expect:
                    return packet
                else:
                    self.stats.unexpected_packets += 1
                    log.warning("%s: skipped an unexpected %s packet while waiting for %s",
                                self.device, packet.kind.name, what.en)
            if cancel is not None and cancel.is_set():
                raise CaptureCancelled(device=self.device)
            now = time.monotonic()
            if now >= deadline or (self._spoiled and not self._framer.pending
                                   and now - self._last_byte_at > STALE_GAP_S):
                raise self._timed_out(what, timeout_s)
            self._pump(min(POLL_S, deadline - now))

    def _pump(self, wait_s: float) -> None:
        try:
            self.port.timeout = max(0.001, wait_s)
            waiting = self.port.in_waiting
            data = self.port.read(waiting if waiting > 0 else 1)
        except _PORT_ERRORS as exc:
            raise self._gone(exc) from exc
        now = time.monotonic()
        if data:
            self._last_byte_at = now
            self._accept(self._framer.feed(data))
        elif self._framer.pending and now - self._last_byte_at > STALE_GAP_S:
            # A header that promised more bytes than ever came: maybe a false header in
            # garbage that swallowed a real packet. Drop it and look again.
            self._spoiled = "truncated_packet"
            self._accept(self._framer.abandon_candidate())

    def _accept(self, items: list[Packet | Discarded]) -> None:
        for item in items:
            if isinstance(item, Packet):
                self.stats.packets += 1
                self._ready.append(item)
        self._account(items)

    def _account(self, items: list[Packet | Discarded], level: int = logging.WARNING) -> None:
        for item in items:
            if isinstance(item, Discarded):
                if item.data == b"\x55" and item.reason == "garbage":
                    # What a module sends once after power-on (R503 manual), not line noise.
                    log.info("%s: the module announced it is ready (0x55)", self.device)
                    continue
                self.stats.discarded_runs += 1
                self.stats.discarded_bytes += len(item.data)
                if item.reason == "bad_checksum":
                    self.stats.bad_checksums += 1
                    self._spoiled = self._spoiled or "bad_checksum"
                log.log(level, "%s: skipped %d byte(s) at stream offset %d (%s): %s", self.device,
                        len(item.data), item.offset, item.reason, item.data[:16].hex(" "))

    def _timed_out(self, what: Bilingual, timeout_s: float) -> Exception:
        if self._framer.pending or self._spoiled == "truncated_packet":
            return FramingError(
                Bilingual(f"{self.device}: a packet was cut short while waiting for {what.en} "
                          "(the line went quiet half way through a packet)",
                          f"{self.device}：等待{what.zh}时数据包被截断（数据包传输中途中断）"),
                reason="truncated_packet", device=self.device, offset=self._framer.offset)
        if self._spoiled == "bad_checksum":
            return FramingError(
                Bilingual(f"{self.device}: {what.en} arrived with a bad checksum",
                          f"{self.device}：收到的{what.zh}校验和错误"),
                reason="bad_checksum", device=self.device, offset=self._framer.offset)
        return ReaderTimeout(
            Bilingual(f"{self.device}: no {what.en} from the fingerprint reader within "
                      f"{timeout_s:.1f} s (check the cable, the baud rate and the power)",
                      f"{self.device}：指纹仪在 {timeout_s:.1f} 秒内没有{what.zh}"
                      "（请检查连线、波特率和电源）"),
            reason="no_response", device=self.device)

    def _gone(self, exc: BaseException) -> PortUnavailable:
        return PortUnavailable(
            Bilingual(f"{self.device}: the serial port went away ({exc})",
                      f"{self.device}：串口已断开（{exc}）"),
            reason="disconnected", device=self.device)
