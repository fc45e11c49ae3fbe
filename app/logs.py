"""Logging: a rotating file in the data directory and the console at the level asked for."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

__all__ = ["configure_logging"]

_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def configure_logging(log_file: Path | None, console_level: str = "INFO") -> Path | None:
    """Send everything (DEBUG and up) to ``log_file`` and ``console_level`` and up to stderr.

    Returns the log file actually used, or None when it could not be opened (the
    console still works, and says why).
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_inkseal", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(logging.DEBUG)

    console = logging.StreamHandler()
    console.setLevel(console_level.upper())
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    console._inkseal = True  # type: ignore[attr-defined]
    root.addHandler(console)

    if log_file is None:
        return None
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        rotating = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=5 * 1024 * 1024, backupCount=5, encoding="utf-8")
    except OSError as exc:
        logging.getLogger(__name__).warning("cannot write the log file %s: %s", log_file, exc)
        return None
    rotating.setLevel(logging.DEBUG)
    rotating.setFormatter(logging.Formatter(_FORMAT))
    rotating._inkseal = True  # type: ignore[attr-defined]
    root.addHandler(rotating)
    return log_file
