"""One module per ``inkseal`` subcommand: ``HELP``, ``add_arguments(parser)``, ``run(args, settings)``."""

from __future__ import annotations

import sys

__all__ = ["EXIT_NOT_AVAILABLE", "EXIT_NO_DISPLAY", "not_available"]

EXIT_NOT_AVAILABLE = 4
EXIT_NO_DISPLAY = 3


def not_available(command: str, needs: str) -> int:
    """Say plainly that a command is not part of this build yet, and fail."""
    print(f"inkseal {command}: not available in this version yet; it needs {needs}.",
          file=sys.stderr)
    return EXIT_NOT_AVAILABLE
