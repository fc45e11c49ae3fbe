"""Whether a Qt window can be shown here, and what to say when it cannot."""

from __future__ import annotations

import os
import sys

__all__ = ["headless_hint", "has_display"]


def has_display(env: dict[str, str] | None = None) -> bool:
    env = dict(os.environ) if env is None else env
    if env.get("QT_QPA_PLATFORM"):
        return True  # the user chose a platform (offscreen, xcb under Xvfb, ...)
    if not sys.platform.startswith("linux"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def headless_hint(command: str) -> str:
    return (
        f"inkseal {command}: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
        "  Without a screen, run the scripted record end to end:\n"
        "      .venv/bin/inkseal demo --headless --out demo-out\n"
        "  or start the window on a virtual screen:\n"
        f"      xvfb-run -a .venv/bin/inkseal {command}\n"
        "  (apt-get install xvfb; or set QT_QPA_PLATFORM=offscreen to run without drawing anywhere)"
    )
