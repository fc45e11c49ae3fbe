"""Which signature pads and pen tablets are attached (and the simulated pad, when offered).

hidapi lists one entry per top-level collection; a pen shows up as a Digitizer/Pen collection
(usage page 0x0D), as a Wacom vendor collection (0xFF0D), or, for a few cheap tablets, as a
Mouse collection of a known tablet maker. Signature pads are recognised by USB ID.

The Linux kernel's ``wacom`` driver refuses STU pads at probe time (input-wacom issue #52),
which may leave them without a hidraw node. So when the hidraw backend shows no STU, the
libusb backend is asked for Wacom STU IDs too; such a pad is opened through libusb
(``details["backend"] == "libusb"``).
"""

from __future__ import annotations

import importlib
import logging
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from devices.discovery import DeviceInfo, DeviceKind
from devices.pen.graphire import GRAPHIRE_MODELS, is_graphire
from devices.pen.sample import PenProtocol
from devices.pen.stu_protocol import STU_MODELS, WACOM_VID, is_stu
from devices.transport.hidapi_transport import enumerate_hid

__all__ = ["SIMULATED_PAD_PATH", "classify_hid_entry", "libusb_backend", "list_pads",
           "simulated_pad_info"]

log = logging.getLogger(__name__)

SIMULATED_PAD_PATH = "simulated:stu-540"
SIMULATED_PRODUCT_ID = 0x00A8
TABLET_VENDORS = {0x056A: "Wacom", 0x0531: "Wacom", 0x28BD: "XP-Pen", 0x256C: "Huion",
                  0x5543: "UC-Logic", 0x2FEB: "Veikk", 0x0B57: "Gaomon"}
PAGE_GENERIC_DESKTOP, PAGE_DIGITIZER, PAGE_WACOM = 0x01, 0x0D, 0xFF0D


def classify_hid_entry(entry: dict[str, Any]) -> PenProtocol | None:
    """The protocol a hidapi entry would be read with, or ``None`` if it is not a pen."""
    vid, pid = entry.get("vendor_id"), entry.get("product_id")
    page, usage = entry.get("usage_page", 0), entry.get("usage", 0)
    if is_stu(vid, pid):
        return PenProtocol.WACOM_STU
    if is_graphire(vid, pid):
        return PenProtocol.WACOM_GRAPHIRE
    if page == PAGE_DIGITIZER and usage in (0x01, 0x02):
        return PenProtocol.HID_DIGITIZER
    if vid in TABLET_VENDORS and (page == PAGE_WACOM and usage == 0x01
                                  or page == PAGE_GENERIC_DESKTOP and usage == 0x02):
        return PenProtocol.HID_DIGITIZER
    return None


def _name(entry: dict[str, Any], protocol: PenProtocol) -> str:
    vid, pid = entry.get("vendor_id"), entry.get("product_id")
    if protocol is PenProtocol.WACOM_STU and pid in STU_MODELS:
        return f"Wacom {STU_MODELS[pid].name}"
    if protocol is PenProtocol.WACOM_GRAPHIRE:
        return GRAPHIRE_MODELS[pid].name
    product = (entry.get("product_string") or "").strip()
    maker = (entry.get("manufacturer_string") or TABLET_VENDORS.get(vid, "")).strip()
    return " ".join(part for part in (maker, product) if part) or f"HID pen {vid:04x}:{pid:04x}"


def simulated_pad_info(log_path: Path) -> DeviceInfo:
    """The simulated STU pad, said to be simulated in its name and flag."""
    return DeviceInfo(
        kind=DeviceKind.PAD, name="Wacom STU-540 (simulated: replays recorded signatures)",
        path=SIMULATED_PAD_PATH, simulated=True, vendor_id=WACOM_VID,
        product_id=SIMULATED_PRODUCT_ID,
        details={"protocol": PenProtocol.WACOM_STU.value, "pen_log": str(log_path),
                 "display": "800x480"})


def libusb_backend() -> ModuleType | None:
    """hidapi's libusb module when it is a different backend from the default (Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return importlib.import_module("hid")
    except ImportError:
        return None


def _info(entry: dict[str, Any], protocol: PenProtocol, backend_name: str) -> DeviceInfo:
    path = entry.get("path", b"")
    path_text = path.decode(errors="replace") if isinstance(path, bytes) else str(path)
    return DeviceInfo(
        kind=DeviceKind.PAD, name=_name(entry, protocol), path=path_text,
        vendor_id=entry.get("vendor_id"), product_id=entry.get("product_id"),
        details={"protocol": protocol.value, "serial": entry.get("serial_number") or "",
                 "usage_page": entry.get("usage_page", 0), "usage": entry.get("usage", 0),
                 "interface": entry.get("interface_number", -1), "backend": backend_name})


def list_pads(*, backend: ModuleType | None = None, libusb: ModuleType | None = None,
              simulated_log: Path | None = None) -> list[DeviceInfo]:
    """Attached pads and tablets, then the simulated pad if a pen log for it is given.

    ``backend`` is the hidapi module to list with (default: hidraw on Linux); ``libusb`` the
    module asked for STU pads the first one cannot see (default: hidapi's libusb module, but
    only when ``backend`` is the default too).
    """
    found: list[DeviceInfo] = []
    seen: set[tuple[int, int, str]] = set()
    for entry in enumerate_hid(backend):
        protocol = classify_hid_entry(entry)
        if protocol is None:
            continue
        info = _info(entry, protocol, "hidraw")
        key = (info.vendor_id or 0, info.product_id or 0, info.path)
        if key not in seen:
            seen.add(key)
            found.append(info)
    if libusb is None and backend is None:
        libusb = libusb_backend()
    if libusb is not None and not any(is_stu(p.vendor_id, p.product_id) for p in found):
        try:
            extra = [e for e in libusb.enumerate(WACOM_VID, 0)
                     if is_stu(e.get("vendor_id"), e.get("product_id"))]
        except (OSError, ValueError) as exc:
            log.debug("libusb enumeration failed: %s", exc)
            extra = []
        found.extend(_info(e, PenProtocol.WACOM_STU, "libusb") for e in extra)
    # Signature pads first: they are what a signing station is for.
    found.sort(key=lambda d: d.details.get("protocol") != PenProtocol.WACOM_STU.value)
    if simulated_log is not None:
        found.append(simulated_pad_info(simulated_log))
    return found
