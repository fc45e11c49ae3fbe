"""The R30x / ZFM / AS608 "0xEF01" serial protocol: packet kinds, instructions, codes, limits.

Facts from the Hangzhou Grow R503/R307 user manuals: every multi-byte field is big-endian;
the length field counts the payload plus the 2-byte checksum; the checksum is the 16-bit sum of
the packet identifier, both length bytes and the payload (header and address excluded).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from devices.fingerprint.messages import Bilingual

__all__ = [
    "BAUD_UNIT",
    "DEFAULT_ADDRESS",
    "DEFAULT_BAUD",
    "HEADER",
    "IMAGE_BYTES",
    "IMAGE_HEIGHT",
    "IMAGE_WIDTH",
    "MAX_PAYLOAD",
    "PACKET_SIZES",
    "SIMULATED_MODEL",
    "CodeInfo",
    "Instruction",
    "PacketKind",
    "Register",
    "baud_multiplier",
    "code_info",
    "is_valid_baud",
]

HEADER = b"\xef\x01"
DEFAULT_ADDRESS = 0xFFFFFFFF
BAUD_UNIT = 9600                 # the module's baud rate is 9600 x N, N = 1..12
DEFAULT_BAUD = 57600             # factory setting, N = 6
PACKET_SIZES = (32, 64, 128, 256)  # data packet size by size code 0..3 (SetSysPara register 6)
MAX_PAYLOAD = 256                # the largest payload any packet of this protocol carries
IMAGE_WIDTH = 256
IMAGE_HEIGHT = 288
IMAGE_BYTES = IMAGE_WIDTH * IMAGE_HEIGHT // 2  # 4 bits per pixel, two pixels per byte
SIMULATED_MODEL = "INKSEAL-SIM R30x"  # module type Inkseal's simulator reports in ReadProdInfo


class PacketKind(IntEnum):
    """The packet identifier byte."""

    COMMAND = 0x01
    DATA = 0x02   # data follows
    ACK = 0x07
    END = 0x08    # last data packet


class Instruction(IntEnum):
    """Instruction codes sent in command packets (only those this driver or simulator uses)."""

    GEN_IMG = 0x01          # capture the finger into the image buffer
    IMG2TZ = 0x02           # generate a character file (template features) from the image buffer
    UP_IMAGE = 0x0A         # upload the image buffer to the host
    SET_SYS_PARA = 0x0E
    READ_SYS_PARA = 0x0F
    VFY_PWD = 0x13
    TEMPLATE_NUM = 0x1D
    READ_PROD_INFO = 0x3C   # newer modules (R503); older ones refuse it


class Register(IntEnum):
    """SetSysPara register numbers."""

    BAUD = 4
    SECURITY = 5
    PACKET_SIZE = 6


def is_valid_baud(baud: int) -> bool:
    """True for the rates these modules speak: 9600 x N with N = 1..12."""
    return baud % BAUD_UNIT == 0 and 1 <= baud // BAUD_UNIT <= 12


def baud_multiplier(baud: int) -> int:
    """N in 9600 x N; raises ValueError for a rate the module cannot speak."""
    if not is_valid_baud(baud):
        raise ValueError(f"{baud} is not 9600 x N with N = 1..12")
    return baud // BAUD_UNIT


@dataclass(frozen=True)
class CodeInfo:
    """What a confirmation code means: a stable reason and a message for people."""

    code: int
    reason: str
    text: Bilingual


_CODES: dict[int, tuple[str, str, str]] = {
    0x00: ("ok", "command completed", "指令执行完毕"),
    0x01: ("packet_receive_error", "the reader could not receive the command packet",
           "指纹仪接收数据包出错"),
    0x02: ("no_finger", "no finger on the sensor", "传感器上没有手指"),
    0x03: ("image_capture_failed", "the reader failed to take the finger image", "指纹图像采集失败"),
    0x06: ("image_messy", "the fingerprint image is too disordered to extract features",
           "指纹图像太乱，无法生成特征"),
    0x07: ("too_few_features", "too few ridge features, or too small a fingerprint area",
           "指纹特征点太少或按压面积太小"),
    0x08: ("no_match", "the fingerprints do not match", "指纹不匹配"),
    0x09: ("not_found", "no matching fingerprint in the library", "指纹库中没有匹配的指纹"),
    0x0A: ("merge_failed", "the character files do not belong to one finger", "特征合并失败"),
    0x0B: ("bad_location", "template number outside the library", "模板编号超出指纹库范围"),
    0x0C: ("template_read_error", "the template could not be read or is invalid", "读取模板出错或模板无效"),
    0x0D: ("template_upload_error", "the template upload failed", "上传特征失败"),
    0x0E: ("cannot_receive_data", "the reader cannot receive the following data packets",
           "指纹仪无法接收后续数据包"),
    0x0F: ("image_upload_error", "the reader failed to upload the image", "上传图像失败"),
    0x10: ("delete_failed", "deleting the template failed", "删除模板失败"),
    0x11: ("clear_failed", "clearing the library failed", "清空指纹库失败"),
    0x13: ("wrong_password", "the reader refused the password", "指纹仪口令不正确"),
    0x15: ("no_valid_image", "there is no valid image in the image buffer", "图像缓冲区内没有有效图像"),
    0x18: ("flash_error", "the reader failed to write its flash memory", "写入闪存出错"),
    0x19: ("undefined_error", "the reader reported an undefined error", "指纹仪报告未定义错误"),
    0x1A: ("invalid_register", "invalid register number", "寄存器编号无效"),
    0x1B: ("bad_register_value", "invalid register setting", "寄存器设置内容错误"),
    0x1C: ("bad_notepad_page", "invalid notepad page", "记事本页码错误"),
    0x1D: ("port_operation_failed", "the reader failed to operate its port", "端口操作失败"),
    0x20: ("wrong_address", "the address code is wrong", "地址码错误"),
    0x21: ("password_required", "the reader requires its password first", "必须先验证指纹仪口令"),
    0x26: ("reader_timeout", "the reader timed out", "指纹仪超时"),
    0x29: ("sensor_hardware_error", "the sensor hardware reported an error", "传感器硬件错误"),
    0xFC: ("unsupported_command", "the reader does not support this command", "指纹仪不支持该指令"),
    0xFD: ("hardware_error", "the reader reported a hardware error", "指纹仪硬件错误"),
    0xFE: ("command_failed", "the reader failed to carry out the command", "指令执行失败"),
}


def code_info(code: int) -> CodeInfo:
    """The meaning of a confirmation code; unknown codes get a reason naming the code."""
    known = _CODES.get(code)
    if known is None:
        return CodeInfo(code, f"code_0x{code:02x}",
                        Bilingual(f"the reader answered with unknown code 0x{code:02X}",
                                  f"指纹仪返回未知确认码 0x{code:02X}"))
    reason, en, zh = known
    return CodeInfo(code, reason, Bilingual(en, zh))
