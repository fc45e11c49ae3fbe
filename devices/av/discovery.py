"""Which cameras and microphones are attached, for ``inkseal devices`` and the set-up screens.

Both lists end with the synthetic source, marked ``simulated=True``; it is what ``auto``
falls back to on a machine without the hardware.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from devices.discovery import DeviceInfo, DeviceKind

__all__ = ["SYNTHETIC_CAMERA", "SYNTHETIC_MICROPHONE", "hardware_cameras", "hardware_microphones",
           "list_cameras", "list_microphones"]

log = logging.getLogger(__name__)

SYNTHETIC_CAMERA = DeviceInfo(DeviceKind.CAMERA, "Synthetic test pattern (simulated) / 模拟摄像头",
                              "synthetic", simulated=True)
SYNTHETIC_MICROPHONE = DeviceInfo(DeviceKind.MICROPHONE,
                                  "Synthetic tone with marks (simulated) / 模拟麦克风",
                                  "synthetic", simulated=True)


def hardware_cameras(sysfs: Path = Path("/sys/class/video4linux")) -> list[DeviceInfo]:
    """Video capture devices found without opening them (Linux: sysfs; elsewhere: none known)."""
    if not sys.platform.startswith("linux") or not sysfs.is_dir():
        return []
    found = []
    for node in sorted(sysfs.glob("video*"), key=lambda p: int(p.name[5:] or 0)):
        try:
            # A UVC camera has two nodes: index 0 captures, index 1 carries metadata.
            if (node / "index").read_text().strip() not in ("", "0"):
                continue
            name = (node / "name").read_text().strip() or node.name
        except OSError:
            continue
        found.append(DeviceInfo(DeviceKind.CAMERA, name, f"/dev/{node.name}",
                                details={"index": int(node.name[5:] or 0)}))
    return found


def hardware_microphones() -> list[DeviceInfo]:
    """PortAudio input devices; empty when PortAudio is missing or lists none."""
    try:
        import sounddevice as sd
        devices = sd.query_devices()
        default_in = sd.default.device[0]
        apis = sd.query_hostapis()
    except (OSError, ImportError) as exc:
        log.debug("PortAudio unavailable: %s", exc)
        return []
    found = []
    for dev in devices:
        if dev["max_input_channels"] <= 0:
            continue
        found.append(DeviceInfo(DeviceKind.MICROPHONE, dev["name"], str(dev["index"]), details={
            "host_api": apis[dev["hostapi"]]["name"],
            "channels": dev["max_input_channels"],
            "default_samplerate": dev["default_samplerate"],
            "default": dev["index"] == default_in,
        }))
    return found


def list_cameras() -> list[DeviceInfo]:
    """Attached cameras, then the synthetic camera."""
    return [*hardware_cameras(), SYNTHETIC_CAMERA]


def list_microphones() -> list[DeviceInfo]:
    """Attached microphones, then the synthetic microphone."""
    return [*hardware_microphones(), SYNTHETIC_MICROPHONE]
