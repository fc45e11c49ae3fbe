"""Pad discovery for ``inkseal devices`` and the UI: ``list_pads()`` (see ``devices.pen.discovery``)."""

from devices.pen.discovery import (
                                   SIMULATED_PAD_PATH,
                                   classify_hid_entry,
                                   list_pads,
                                   simulated_pad_info,
)

__all__ = ["SIMULATED_PAD_PATH", "classify_hid_entry", "list_pads", "simulated_pad_info"]
