"""Wacom STU signature pads: report IDs, payload layouts and pen data, as pure functions.

Layouts follow the STU SDK's ``Protocol.hpp``/``Protocol.cpp`` (read as a specification;
no code taken). Commands are HID feature reports with the report ID in byte 0; pen data
arrives as input reports. Byte order is mixed on purpose: status word, pen data,
capability, information and session IDs are big-endian; rectangles, thresholds, colours
and the image-block length are little-endian.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum

from devices.errors import ProtocolError

__all__ = [
    "EncodingMode",
    "ErrorCode",
    "PenDataOptionMode",
    "ReportId",
    "STU_MODELS",
    "StatusCode",
    "StuCapability",
    "StuInformation",
    "StuModel",
    "StuPenData",
    "StuStatus",
    "WACOM_VID",
    "clear_screen",
    "decode_pen_data",
    "end_image_data",
    "handwriting_display_area",
    "handwriting_thickness_color24",
    "image_data_block",
    "inking_mode",
    "is_stu",
    "pen_data_option_mode",
    "reset",
    "start_image_data",
]

WACOM_VID = 0x056A
IMAGE_BLOCK_REPORT_SIZE = 256
IMAGE_BLOCK_MAX_DATA = IMAGE_BLOCK_REPORT_SIZE - 3  # report ID + LE16 length


class ReportId(IntEnum):
    """STU report IDs used here (SDK enum ``ReportId``)."""

    PEN_DATA = 0x01
    STATUS = 0x03
    RESET = 0x04
    INFORMATION = 0x08
    CAPABILITY = 0x09
    UID = 0x0A
    CLEAR_SCREEN = 0x20
    INKING_MODE = 0x21
    INK_THRESHOLD = 0x22
    START_IMAGE_DATA = 0x25
    IMAGE_DATA_BLOCK = 0x26
    END_IMAGE_DATA = 0x27
    HANDWRITING_THICKNESS_COLOR = 0x28
    HANDWRITING_DISPLAY_AREA = 0x2A
    HANDWRITING_THICKNESS_COLOR24 = 0x2D
    PEN_DATA_OPTION = 0x30
    PEN_DATA_OPTION_MODE = 0x32
    PEN_DATA_TIME_COUNT_SEQUENCE = 0x34


class StatusCode(IntEnum):
    READY = 0x00
    IMAGE = 0x01
    CAPTURE = 0x02
    CALCULATION = 0x03
    IMAGE_BOOT = 0x04
    ROM_BUSY = 0x05
    SYSTEM_RESET = 0xFF


class ErrorCode(IntEnum):
    NONE = 0x00
    WRONG_REPORT_ID = 0x01
    WRONG_STATE = 0x02
    CRC = 0x03
    BAD_PARAMETER = 0x04
    WRONG_ENCODING = 0x10
    IMAGE_TOO_LONG = 0x11
    ZLIB = 0x12
    WRONG_AREA = 0x15


class PenDataOptionMode(IntEnum):
    NONE = 0
    TIME_COUNT = 1
    SEQUENCE_NUMBER = 2
    TIME_COUNT_SEQUENCE = 3


class EncodingMode(IntEnum):
    """Image encodings for ``StartImageData``; capability ``encoding_flag`` says which work."""

    MONO_1BIT = 0x00
    MONO_1BIT_ZLIB = 0x01
    RGB565 = 0x02
    BGR24 = 0x04


ENCODING_FLAG_ZLIB, ENCODING_FLAG_1BIT, ENCODING_FLAG_16BIT, ENCODING_FLAG_24BIT = 1, 2, 4, 8


@dataclass(frozen=True)
class StuModel:
    """What we know of a model before asking it (PID from the SDK's product-ID list)."""

    name: str
    screen: tuple[int, int]
    colour: bool
    time_count_sequence: bool  # supports PenDataOptionMode 3 (report 0x34)


STU_MODELS: dict[int, StuModel] = {
    0x00A1: StuModel("STU-500", (640, 480), False, False),
    0x00A2: StuModel("STU-300", (396, 100), False, False),
    0x00A3: StuModel("STU-520A", (800, 480), True, False),
    0x00A4: StuModel("STU-430", (320, 200), False, True),
    0x00A5: StuModel("STU-530", (800, 480), True, True),
    0x00A6: StuModel("STU-430V", (320, 200), False, True),
    0x00A8: StuModel("STU-540", (800, 480), True, True),
    0x00A9: StuModel("STU-541", (800, 480), True, True),
}


def is_stu(vendor_id: int | None, product_id: int | None) -> bool:
    """Whether a USB ID is a Wacom STU pad (SDK product range 0x00A1-0x00AF)."""
    return vendor_id == WACOM_VID and product_id is not None and 0x00A1 <= product_id <= 0x00AF


def _need(data: bytes, report_id: int, size: int) -> None:
    if len(data) < size or data[0] != report_id:
        raise ProtocolError(f"report 0x{report_id:02x}: expected {size} bytes starting with "
                            f"0x{report_id:02x}, got {data[:size].hex(' ') or 'nothing'}",
                            reason="bad_feature_report")


@dataclass(frozen=True)
class StuStatus:
    """Report 0x03: device state, result of the last command, status word."""

    status: int
    last_result: int
    status_word: int

    SIZE = 5

    @classmethod
    def decode(cls, data: bytes) -> StuStatus:
        _need(data, ReportId.STATUS, cls.SIZE)
        return cls(data[1], data[2], data[3] | data[4] << 8)

    def encode(self) -> bytes:
        return bytes([ReportId.STATUS, self.status, self.last_result]) + \
            struct.pack("<H", self.status_word)


@dataclass(frozen=True)
class StuInformation:
    """Report 0x08: model name and firmware."""

    model_name: str
    firmware_major: int
    firmware_minor: int
    secure_ic: int
    secure_ic_version: bytes

    SIZE = 17

    @classmethod
    def decode(cls, data: bytes) -> StuInformation:
        _need(data, ReportId.INFORMATION, cls.SIZE)
        name = data[1:10].split(b"\0", 1)[0].decode("ascii", errors="replace").strip()
        return cls(name, data[10], data[11], data[12], bytes(data[13:17]))

    def encode(self) -> bytes:
        name = self.model_name.encode("ascii")[:9].ljust(9, b"\0")
        return bytes([ReportId.INFORMATION]) + name + bytes(
            [self.firmware_major, self.firmware_minor, self.secure_ic]) + \
            self.secure_ic_version[:4].ljust(4, b"\0")


@dataclass(frozen=True)
class StuCapability:
    """Report 0x09: tablet and screen geometry, report rate, resolution, image encodings."""

    max_x: int
    max_y: int
    max_pressure: int
    screen_width: int
    screen_height: int
    max_report_rate: int
    resolution_lpi: int
    encoding_flag: int

    SIZE = 17

    @classmethod
    def decode(cls, data: bytes) -> StuCapability:
        _need(data, ReportId.CAPABILITY, cls.SIZE)
        mx, my, mp, sw, sh, rate, res, flag = struct.unpack(">HHHHHBHB", data[1:15])
        return cls(mx, my, mp, sw, sh, rate, res, flag)

    def encode(self) -> bytes:
        return bytes([ReportId.CAPABILITY]) + struct.pack(
            ">HHHHHBHB", self.max_x, self.max_y, self.max_pressure, self.screen_width,
            self.screen_height, self.max_report_rate, self.resolution_lpi,
            self.encoding_flag) + b"\0\0"

    @property
    def units_per_mm(self) -> float | None:
        return self.resolution_lpi / 25.4 if self.resolution_lpi else None


@dataclass(frozen=True, slots=True)
class StuPenData:
    """One pen report: 0x01 (position and pressure) or 0x34 (plus time count and sequence)."""

    ready: bool         # pen in proximity
    switch: int         # 3 bits; non-zero = considered touching
    pressure: int       # 12-bit field
    x: int
    y: int
    time_count: int | None = None  # device milliseconds, 16-bit, wraps
    sequence: int | None = None    # 16-bit, wraps

    def encode(self, report_id: int = ReportId.PEN_DATA) -> bytes:
        head = bytes([(0x80 if self.ready else 0) | (self.switch & 7) << 4
                      | (self.pressure >> 8) & 0x0F, self.pressure & 0xFF])
        body = struct.pack(">HH", self.x, self.y)
        if report_id == ReportId.PEN_DATA_TIME_COUNT_SEQUENCE:
            body += struct.pack(">HH", self.time_count or 0, self.sequence or 0)
        elif report_id == ReportId.PEN_DATA_OPTION:
            body += struct.pack(">H", self.time_count or self.sequence or 0)
        return bytes([report_id]) + head + body


PEN_REPORT_SIZES = {ReportId.PEN_DATA: 7, ReportId.PEN_DATA_OPTION: 9,
                    ReportId.PEN_DATA_TIME_COUNT_SEQUENCE: 11}


def decode_pen_data(report: bytes, option_mode: int = PenDataOptionMode.NONE) -> StuPenData:
    """Decode report 0x01, 0x30 or 0x34; ``ProtocolError`` for anything else or short."""
    if not report:
        raise ProtocolError("empty report", reason="empty_report")
    report_id = report[0]
    size = PEN_REPORT_SIZES.get(report_id)  # type: ignore[call-overload]
    if size is None:
        raise ProtocolError(f"report ID 0x{report_id:02x} is not STU pen data",
                            reason="unknown_report_id")
    if len(report) < size:
        raise ProtocolError(f"STU report 0x{report_id:02x} has {len(report)} bytes, "
                            f"expected {size}", reason="short_report")
    b1 = report[1]
    pressure = (b1 & 0x0F) << 8 | report[2]
    x, y = struct.unpack(">HH", report[3:7])
    time_count = sequence = None
    if report_id == ReportId.PEN_DATA_TIME_COUNT_SEQUENCE:
        time_count, sequence = struct.unpack(">HH", report[7:11])
    elif report_id == ReportId.PEN_DATA_OPTION:
        (option,) = struct.unpack(">H", report[7:9])
        if option_mode == PenDataOptionMode.SEQUENCE_NUMBER:
            sequence = option
        else:
            time_count = option
    return StuPenData(bool(b1 & 0x80), (b1 >> 4) & 7, pressure, x, y, time_count, sequence)


# -- commands (feature reports to send) ---------------------------------------------------
def reset(hard: bool = False) -> bytes:
    return bytes([ReportId.RESET, 1 if hard else 0])


def clear_screen() -> bytes:
    return bytes([ReportId.CLEAR_SCREEN, 0])


def inking_mode(on: bool) -> bytes:
    return bytes([ReportId.INKING_MODE, 1 if on else 0])


def pen_data_option_mode(mode: PenDataOptionMode) -> bytes:
    return bytes([ReportId.PEN_DATA_OPTION_MODE, int(mode)])


def handwriting_thickness_color24(rgb: tuple[int, int, int], thickness: int) -> bytes:
    """Ink colour and thickness (0..3 = 1, 3, 5, 7 px on the STU-540); colour bytes are B, G, R."""
    r, g, b = rgb
    return bytes([ReportId.HANDWRITING_THICKNESS_COLOR24, b, g, r, thickness & 0xFF])


def handwriting_display_area(x1: int, y1: int, x2: int, y2: int) -> bytes:
    """The screen rectangle (pixels, inclusive) where the pad draws ink."""
    return bytes([ReportId.HANDWRITING_DISPLAY_AREA]) + struct.pack("<4H", x1, y1, x2, y2)


def start_image_data(mode: EncodingMode) -> bytes:
    return bytes([ReportId.START_IMAGE_DATA, int(mode)])


def image_data_block(chunk: bytes) -> bytes:
    """One 256-byte image block report: ID, LE16 length, data, zero padding."""
    if len(chunk) > IMAGE_BLOCK_MAX_DATA:
        raise ValueError(f"image block of {len(chunk)} bytes exceeds {IMAGE_BLOCK_MAX_DATA}")
    report = bytes([ReportId.IMAGE_DATA_BLOCK]) + struct.pack("<H", len(chunk)) + chunk
    return report.ljust(IMAGE_BLOCK_REPORT_SIZE, b"\0")


def end_image_data(commit: bool = True) -> bytes:
    return bytes([ReportId.END_IMAGE_DATA, 0 if commit else 1])
