"""The one place that imports OpenCV.

``import cv2`` (opencv-python) points ``QT_QPA_PLATFORM_PLUGIN_PATH`` at the Qt plugins bundled
in its wheel, which breaks PySide6 if it starts later in the same process; the variable is put
back as it was right after the import. Everything in ``devices.av`` gets ``cv2`` from here.
"""

from __future__ import annotations

import os

_VAR = "QT_QPA_PLATFORM_PLUGIN_PATH"
_before = os.environ.get(_VAR)
import cv2  # noqa: E402 - must run between saving and restoring the variable

if _before is None:
    os.environ.pop(_VAR, None)
else:
    os.environ[_VAR] = _before

__all__ = ["cv2"]
