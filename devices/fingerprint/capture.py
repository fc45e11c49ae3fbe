"""What a capture produces and what it reports while it runs: plain frozen values.

``FingerprintCapture`` is the evidence value: the image, its PNG bytes and their SHA-256, the
quality figure, the host time of the press and which reader (simulated or not) took it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from PIL import Image

from devices.fingerprint.image import png_bytes
from devices.fingerprint.messages import Bilingual
from devices.fingerprint.quality import QualityReport, Verdict

__all__ = [
    "CaptureProgress",
    "CaptureStage",
    "FingerprintCapture",
    "LiveQuality",
    "ReaderIdentity",
    "build_capture",
]

SIMULATED_NOTE = Bilingual(
    "SIMULATED fingerprint reader: this image was not taken from a person's finger",
    "模拟指纹仪：此图像并非采自真人手指")


@dataclass(frozen=True)
class ReaderIdentity:
    """Which reader took a capture, as far as the module tells us."""

    name: str                      # e.g. "R30x fingerprint reader" or the module type it reports
    port: str                      # the serial port path
    simulated: bool                # True for Inkseal's module simulator
    baud: int
    address: int = 0xFFFFFFFF
    packet_size: int = 128         # data packet payload size the module uses
    library_size: int | None = None
    security_level: int | None = None
    model: str | None = None       # ReadProdInfo module type, when the module supports it
    serial_number: str | None = None
    hardware_version: str | None = None
    sensor: str | None = None

    def metadata(self) -> dict[str, str]:
        """Key/value text describing the reader, for PNG chunks and logs."""
        out = {"name": self.name, "port": self.port, "simulated": "yes" if self.simulated else "no",
               "baud": str(self.baud), "address": f"{self.address:08X}"}
        for key in ("model", "serial_number", "hardware_version", "sensor"):
            value = getattr(self, key)
            if value:
                out[key] = value
        return out


class CaptureStage(StrEnum):
    """Where a capture is, in the order it goes through."""

    WAITING_FOR_FINGER = "waiting_for_finger"
    FINGER_ON = "finger_on"          # live quality rounds while the finger rests on the glass
    UPLOADING = "uploading"
    ANALYSING = "analysing"
    DONE = "done"


_STAGE_TEXT = {
    CaptureStage.WAITING_FOR_FINGER: Bilingual("Place a finger on the reader", "请将手指放在指纹仪上"),
    CaptureStage.FINGER_ON: Bilingual("Finger detected: hold still", "已检测到手指，请保持不动"),
    CaptureStage.UPLOADING: Bilingual("Reading the fingerprint image", "正在读取指纹图像"),
    CaptureStage.ANALYSING: Bilingual("Checking the fingerprint", "正在检查指纹质量"),
    CaptureStage.DONE: Bilingual("Fingerprint captured: you may lift the finger", "指纹采集完成，可以抬起手指"),
}


@dataclass(frozen=True)
class LiveQuality:
    """The live indication while the finger is on the sensor."""

    verdict: Verdict
    score: int | None              # our quick figure when an image was at hand, else None
    template_code: int | None      # Img2Tz's answer for this press, when asked
    hint: Bilingual                # what to tell the person pressing


@dataclass(frozen=True)
class CaptureProgress:
    """One progress event: the stage, a message for people, and the live quality if any."""

    stage: CaptureStage
    elapsed_s: float
    upload_fraction: float | None = None   # 0..1 during UPLOADING
    live: LiveQuality | None = None
    preview: np.ndarray | None = field(default=None, compare=False, repr=False)  # rows so far

    @property
    def text(self) -> Bilingual:
        """The stage message, or the live hint when there is one."""
        return self.live.hint if self.live is not None else _STAGE_TEXT[self.stage]


@dataclass(frozen=True)
class FingerprintCapture:
    """One captured fingerprint: the evidence and how it was taken."""

    image: np.ndarray = field(compare=False, repr=False)  # uint8 (288, 256), read-only
    png: bytes = field(repr=False)
    sha256: str                    # hex SHA-256 of ``png``
    quality: QualityReport
    captured_ns: int               # host perf_counter_ns when the module confirmed the image
    device: ReaderIdentity
    raw: bytes = field(repr=False, default=b"")  # the 4-bit bytes exactly as uploaded
    attempts: int = 1              # image uploads it took (a corrupted transfer is retried)

    @property
    def verdict(self) -> Verdict:
        return self.quality.verdict

    @property
    def simulated(self) -> bool:
        return self.device.simulated

    def pil_image(self) -> Image.Image:
        """The image as a Pillow greyscale image."""
        return Image.fromarray(np.ascontiguousarray(self.image))


def build_capture(image: np.ndarray, *, raw: bytes, quality: QualityReport, captured_ns: int,
                  device: ReaderIdentity, attempts: int = 1) -> FingerprintCapture:
    """Assemble the capture: PNG with the reader and quality in its text chunks, and its hash."""
    text = {"Software": "Inkseal", "Source": device.name, "Inkseal-Reader-Port": device.port,
            "Inkseal-Simulated": "yes" if device.simulated else "no",
            "Inkseal-Quality": f"{quality.score} {quality.verdict.value}"}
    for key, value in device.metadata().items():
        text[f"Inkseal-Reader-{key}"] = value
    if device.simulated:
        text["Comment"] = f"{SIMULATED_NOTE.en} / {SIMULATED_NOTE.zh}"
    frozen = np.array(image, dtype=np.uint8, copy=True)
    frozen.setflags(write=False)
    data = png_bytes(frozen, text)
    return FingerprintCapture(image=frozen, png=data, sha256=hashlib.sha256(data).hexdigest(),
                              quality=quality, captured_ns=captured_ns, device=device,
                              raw=bytes(raw), attempts=attempts)
