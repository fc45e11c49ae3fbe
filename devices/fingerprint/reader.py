"""The R30x / ZFM / AS608 driver: one module on one serial port, one command at a time.

Opening does the handshake (VfyPwd, which every module of the family answers), reads the
system parameters (packet size, baud, library) and, where the module supports it, its product
information. Every command waits for its acknowledge packet with a bounded timeout; the
idempotent ones are sent once more after a lost or corrupted answer. ``capture`` runs the
whole press (see ``devices.fingerprint.acquisition``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from devices.clock import SessionClock
from devices.fingerprint.acquisition import LiveMode, capture_fingerprint
from devices.fingerprint.capture import CaptureProgress, FingerprintCapture, ReaderIdentity
from devices.fingerprint.errors import (
    FramingError,
    ImageTransferError,
    InvalidReaderSetting,
    ReaderRefused,
    ReaderTimeout,
    refusal,
)
from devices.fingerprint.link import LineStats, SerialLink, SerialPort, open_serial_port
from devices.fingerprint.messages import Bilingual
from devices.fingerprint.protocol import (
    DEFAULT_ADDRESS,
    DEFAULT_BAUD,
    IMAGE_BYTES,
    PACKET_SIZES,
    SIMULATED_MODEL,
    Instruction,
    PacketKind,
    is_valid_baud,
)

__all__ = ["ProductInfo", "R30xReader", "SystemParameters"]

log = logging.getLogger(__name__)

_ACK = (PacketKind.ACK,)
_DATA = (PacketKind.DATA, PacketKind.END)
_IMAGE_DATA = Bilingual("image data", "图像数据")


@dataclass(frozen=True)
class SystemParameters:
    """ReadSysPara: the module's status register and basic configuration."""

    status: int
    system_id: int
    library_size: int
    security_level: int
    address: int
    packet_size: int
    baud: int

    @property
    def image_buffer_valid(self) -> bool:
        return bool(self.status & 0b1000)


@dataclass(frozen=True)
class ProductInfo:
    """ReadProdInfo (newer modules such as the R503): what the module says it is."""

    model: str
    batch: str
    serial_number: str
    hardware_version: str
    sensor: str
    image_width: int
    image_height: int
    template_size: int
    library_size: int


def _ascii(data: bytes) -> str:
    return data.split(b"\x00", 1)[0].decode("ascii", "replace").strip()


class R30xReader:
    """A fingerprint module of the R30x / ZFM / AS608 family behind a serial port."""

    def __init__(self, port: str, *, baud: int = DEFAULT_BAUD, password: int = 0,
                 address: int = DEFAULT_ADDRESS, clock: SessionClock | None = None,
                 simulated: bool = False, response_timeout_s: float = 2.0,
                 port_opener: Callable[[str, int], SerialPort] = open_serial_port) -> None:
        if not is_valid_baud(baud):
            raise InvalidReaderSetting(
                Bilingual(f"baud rate {baud} is not 9600 x N (N = 1..12)",
                          f"波特率 {baud} 无效，应为 9600 的 1 至 12 倍"), reason="bad_baud", device=port)
        for value, what in ((password, "password"), (address, "address")):
            if not 0 <= value <= 0xFFFFFFFF:
                raise InvalidReaderSetting(
                    Bilingual(f"the {what} must fit in 32 bits", "口令和地址必须是 32 位数值"),
                    reason=f"bad_{what}", device=port)
        self.port_path = port
        self.baud = baud
        self.address = address
        self.clock = clock or SessionClock()
        self.response_timeout_s = response_timeout_s
        self._password = password
        self._simulated = simulated
        self._port_opener = port_opener
        self._link: SerialLink | None = None
        self._identity: ReaderIdentity | None = None
        self._on_close: list[Callable[[], None]] = []
        self._late_answers = 0            # answers owed to tries that timed out
        self.parameters: SystemParameters | None = None
        self.product: ProductInfo | None = None

    # -- life cycle ---------------------------------------------------------------------
    def open(self) -> ReaderIdentity:
        """Open the port, verify the password, read the parameters; returns who answered."""
        if self._identity is not None:
            return self._identity
        port = self._port_opener(self.port_path, self.baud)
        self._link = SerialLink(port, address=self.address, device=self.port_path)
        try:
            self.verify_password()
            self.parameters = self.read_system_parameters()
            self.product = self.read_product_info()
        except BaseException:
            self._close_port()
            raise
        simulated = self._simulated or (self.product is not None
                                        and self.product.model == SIMULATED_MODEL)
        if simulated:
            name = "Simulated R30x fingerprint reader"
        else:
            name = self.product.model if self.product else "R30x fingerprint reader"
        self._identity = ReaderIdentity(
            name=name, port=self.port_path, simulated=simulated, baud=self.baud,
            address=self.address, packet_size=self.parameters.packet_size,
            library_size=self.parameters.library_size,
            security_level=self.parameters.security_level,
            model=self.product.model if self.product else None,
            serial_number=self.product.serial_number if self.product else None,
            hardware_version=self.product.hardware_version if self.product else None,
            sensor=self.product.sensor if self.product else None)
        log.info("fingerprint reader on %s: %s, %d baud, %d-byte packets%s", self.port_path, name,
                 self.baud, self.parameters.packet_size, " (SIMULATED)" if simulated else "")
        return self._identity

    def close(self) -> None:
        """Close the port and whatever was opened with it (a simulator)."""
        self._close_port()
        callbacks, self._on_close = self._on_close, []
        for callback in reversed(callbacks):
            callback()

    def call_on_close(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` when the reader is closed (owners of a simulator use this)."""
        self._on_close.append(callback)

    def __enter__(self) -> R30xReader:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def identity(self) -> ReaderIdentity:
        if self._identity is None:
            raise RuntimeError("the reader is not open")
        return self._identity

    @property
    def line_stats(self) -> LineStats:
        """Skipped bytes and packets on this line so far."""
        return self._require_link().stats

    # -- commands -------------------------------------------------------------------------
    def verify_password(self) -> None:
        """VfyPwd, the handshake; a wrong password raises ``PasswordRejected``."""
        self._expect_ok(Instruction.VFY_PWD, self._password.to_bytes(4, "big"), "VfyPwd")

    def read_system_parameters(self) -> SystemParameters:
        """ReadSysPara."""
        data = self._expect_ok(Instruction.READ_SYS_PARA, b"", "ReadSysPara")
        if len(data) < 16:
            raise FramingError(Bilingual("ReadSysPara answer too short", "ReadSysPara 应答过短"),
                               reason="short_answer", device=self.port_path)
        words = [int.from_bytes(data[i:i + 2], "big") for i in (0, 2, 4, 6, 12, 14)]
        size_code, baud_n = words[4], words[5]
        packet_size = PACKET_SIZES[size_code] if size_code < len(PACKET_SIZES) else 128
        return SystemParameters(status=words[0], system_id=words[1], library_size=words[2],
                                security_level=words[3], address=int.from_bytes(data[8:12], "big"),
                                packet_size=packet_size, baud=baud_n * 9600)

    def read_product_info(self) -> ProductInfo | None:
        """ReadProdInfo, or None for the many modules that do not know it."""
        try:
            data = self._expect_ok(Instruction.READ_PROD_INFO, b"", "ReadProdInfo",
                                   timeout_s=min(self.response_timeout_s, 0.5), retries=0)
        except (ReaderRefused, ReaderTimeout, FramingError) as exc:
            log.debug("%s: no product information (%s)", self.port_path, exc)
            return None
        if len(data) < 46:
            return None

        def word(offset: int) -> int:
            return int.from_bytes(data[offset:offset + 2], "big")
        return ProductInfo(model=_ascii(data[0:16]), batch=_ascii(data[16:20]),
                           serial_number=_ascii(data[20:28]), hardware_version=f"{data[28]}.{data[29]}",
                           sensor=_ascii(data[30:38]), image_width=word(38), image_height=word(40),
                           template_size=word(42), library_size=word(44))

    def generate_image(self, cancel: threading.Event | None = None) -> int:
        """GenImg: 0x00 image taken, 0x02 no finger, 0x03 capture failed; other codes raise."""
        return self._expect(Instruction.GEN_IMG, b"", "GenImg", (0x00, 0x02, 0x03), cancel=cancel)

    def image_to_template(self, buffer_id: int = 1, cancel: threading.Event | None = None) -> int:
        """Img2Tz (GenChar): 0x00 features extracted; 0x06/0x07/0x15 the module's complaints."""
        return self._expect(Instruction.IMG2TZ, bytes([buffer_id]), "Img2Tz",
                            (0x00, 0x06, 0x07, 0x15), cancel=cancel)

    def upload_image(self, *, on_data: Callable[[bytearray], None] | None = None,
                     cancel: threading.Event | None = None) -> bytes:
        """UpImage: the image buffer as 36 864 bytes (4 bits per pixel), checked for size.

        ``on_data`` gets the bytes so far after every data packet (read them, do not keep them). A lost packet (skipped for a
        bad checksum) gives ``ImageTransferError``; a module that stops sending, a
        ``ReaderTimeout`` with reason ``upload_stalled``.
        """
        link = self._require_link()
        self._expect_ok(Instruction.UP_IMAGE, b"", "UpImage", retries=0, cancel=cancel)
        size = self.parameters.packet_size if self.parameters else 128
        per_packet_s = max(0.5, (size + 11) * 10 / self.baud * 8)
        received = bytearray()
        checksum_failures = link.stats.bad_checksums
        while True:
            try:
                packet = link.receive(timeout_s=per_packet_s, expect=_DATA, cancel=cancel,
                                      what=_IMAGE_DATA)
            except ReaderTimeout as exc:
                raise ReaderTimeout(
                    Bilingual(f"{self.port_path}: the image upload stopped after "
                              f"{len(received)} of {IMAGE_BYTES} bytes",
                              f"{self.port_path}：图像上传在 {len(received)}/{IMAGE_BYTES} 字节处中断"),
                    reason="upload_stalled", device=self.port_path) from exc
            received += packet.payload
            if on_data is not None:
                on_data(received)
            if packet.kind is PacketKind.END or len(received) > IMAGE_BYTES:
                break
        lost = link.stats.bad_checksums - checksum_failures
        if len(received) != IMAGE_BYTES:
            raise ImageTransferError(
                Bilingual(f"{self.port_path}: image upload gave {len(received)} bytes instead of "
                          f"{IMAGE_BYTES} ({lost} corrupted packet(s) skipped)",
                          f"{self.port_path}：图像上传收到 {len(received)} 字节，应为 {IMAGE_BYTES} 字节"
                          f"（跳过 {lost} 个损坏的数据包）"),
                reason="image_incomplete" if len(received) < IMAGE_BYTES else "image_oversize",
                device=self.port_path)
        return bytes(received)

    def capture(self, timeout_s: float = 30.0,
                on_progress: Callable[[CaptureProgress], None] | None = None,
                cancel: threading.Event | None = None, *,
                live: LiveMode | str = LiveMode.TEMPLATE_CHECK, settle_s: float = 3.0,
                poll_s: float = 0.1, upload_retries: int = 2) -> FingerprintCapture:
        """Wait for a finger, follow its quality live, take the image (``capture_fingerprint``).

        Call it from a worker thread; ``on_progress`` is called on that thread, ``cancel``
        may be set from any thread and is noticed within ~50 ms.
        """
        return capture_fingerprint(self, timeout_s=timeout_s, on_progress=on_progress,
                                   cancel=cancel, live=live, settle_s=settle_s, poll_s=poll_s,
                                   upload_retries=upload_retries)

    # -- plumbing ---------------------------------------------------------------------------
    def _require_link(self) -> SerialLink:
        if self._link is None:
            raise RuntimeError("the reader is not open")
        return self._link

    def _expect_ok(self, instruction: Instruction, params: bytes, name: str, *,
                   timeout_s: float | None = None, retries: int = 1,
                   cancel: threading.Event | None = None) -> bytes:
        code, data = self._exchange(instruction, params, timeout_s=timeout_s, retries=retries,
                                    cancel=cancel)
        if code != 0x00:
            raise refusal(code, instruction=name, device=self.port_path)
        return data

    def _expect(self, instruction: Instruction, params: bytes, name: str, allowed: tuple[int, ...],
                *, cancel: threading.Event | None = None) -> int:
        code, _ = self._exchange(instruction, params, timeout_s=None, retries=1, cancel=cancel)
        if code not in allowed:
            raise refusal(code, instruction=name, device=self.port_path)
        return code

    def _exchange(self, instruction: Instruction, params: bytes, *, timeout_s: float | None,
                  retries: int, cancel: threading.Event | None) -> tuple[int, bytes]:
        link = self._require_link()
        self._absorb_late_answers(cancel)
        attempt = 0
        while True:
            link.command(instruction, params)
            try:
                packet = link.receive(timeout_s=timeout_s or self.response_timeout_s, expect=_ACK,
                                      cancel=cancel)
            except (ReaderTimeout, FramingError) as exc:
                if isinstance(exc, ReaderTimeout):
                    # Acknowledgements carry no command number: a slow module may still answer
                    # this try later, and that answer must not pass for the next command's.
                    self._late_answers += 1
                if attempt >= retries:
                    raise
                attempt += 1
                log.warning("%s: %s lost its answer (%s); sending it again", self.port_path,
                            instruction.name, exc.reason)
                continue
            return packet.payload[0], packet.payload[1:]

    def _absorb_late_answers(self, cancel: threading.Event | None) -> None:
        """Before a new command, wait for answers still owed to tries that timed out."""
        while self._late_answers > 0:
            try:
                packet = self._require_link().receive(timeout_s=self.response_timeout_s,
                                                      expect=_ACK, cancel=cancel)
            except (ReaderTimeout, FramingError):
                self._late_answers = 0  # those commands never reached the module
                return
            self._late_answers -= 1
            log.info("%s: skipped a late answer (code 0x%02X) to an earlier command",
                     self.port_path, packet.payload[0])

    def _close_port(self) -> None:
        if self._link is not None:
            try:
                self._link.port.close()
            except Exception as exc:  # noqa: BLE001 - closing a vanished port must not raise
                log.debug("%s: close failed: %s", self.port_path, exc)
        self._link = None
        self._identity = None
