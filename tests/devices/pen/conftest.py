"""Fixtures for the pen tests: the recorded tablets in ../shared, a font, a clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.clock import SessionClock

HID = "hid"
# (directory, file) of every fixture recording with pen events.
STREAMS = [
    ("01-wacom-penstation2-056a-0061", "recording.hid"),
    ("04-xppen-deco01-28bd-0042", "pen_buttons.hid"),
    ("04-xppen-deco01-28bd-0042", "pen_coords.hid"),
    ("04-xppen-deco01-28bd-0042", "pen_pressure.hid"),
    ("05-xppen-artist16pro-28bd-900a", "pen_pressure.hid"),
    ("06-xppen-g430-28bd-0075", "pen_pressure.hid"),
    ("07-huion-hs610-256c-006d", "pen_pressure.hid"),
    ("07-huion-hs610-256c-006d", "pen_tilt.hid"),
]
DESCRIPTORS = [
    "01-wacom-penstation2-056a-0061",
    "02-wacom-inkling-056a-0221",
    "03-wacom-one-ctc4110wl-0531-0100",
    "08-wacom-intuos-pro-m-pth660-056a-0357",
    "09-huion-kamvas-pro-19-256c-006b",
]
STU_DIR = "10-wacom-stu-pendata-log"
STU_SYNTHETIC = "stu-report34.SYNTHETIC-from-logfile1.txt"


@pytest.fixture
def hid_fixtures(shared_fixtures: Path) -> Path:
    return shared_fixtures / HID


@pytest.fixture
def clock() -> SessionClock:
    return SessionClock()


@pytest.fixture(scope="session")
def font_path() -> Path:
    """A CJK-capable TrueType font: the one Inkseal ships, else the system's Noto CJK."""
    try:
        from records.fonts import cjk_font_path  # the tests may use records; devices may not
        return Path(cjk_font_path())
    except Exception:  # noqa: BLE001 - fall back to a system font when records is unavailable
        for candidate in ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                          "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"):
            if Path(candidate).exists():
                return Path(candidate)
    pytest.skip("no TrueType font available")
