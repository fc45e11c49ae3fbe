"""Fingerprint readers of the R30x / ZFM / AS608 family over their serial "0xEF01" protocol.

The pieces, bottom up: ``framing`` (packets on the wire), ``link`` (pyserial, bounded waits),
``reader`` (the driver), ``acquisition`` (one press with a live quality indication),
``image`` and ``quality`` (the 4-bit image and our quality figure), ``capture`` (the result),
``imprint`` (the red imprint for the visible signature), ``synthetic``, ``emulation`` and
``simulator`` (a simulated module on a pseudo-terminal), ``discovery``.
"""

from devices.fingerprint.acquisition import LiveMode, capture_fingerprint
from devices.fingerprint.capture import (
    CaptureProgress,
    CaptureStage,
    FingerprintCapture,
    LiveQuality,
    ReaderIdentity,
)
from devices.fingerprint.discovery import (
    SIMULATED_PATH,
    is_simulated_path,
    list_fingerprint_readers,
    open_fingerprint_reader,
)
from devices.fingerprint.emulation import FingerPlan, ImageFiles, ModuleSettings, SyntheticImages
from devices.fingerprint.errors import (
    CaptureCancelled,
    FingerprintError,
    FramingError,
    ImageTransferError,
    InvalidReaderSetting,
    PasswordRejected,
    PortUnavailable,
    ReaderRefused,
    ReaderTimeout,
)
from devices.fingerprint.imprint import render_imprint
from devices.fingerprint.messages import Bilingual
from devices.fingerprint.quality import QualityReport, Verdict, assess_quality, quick_quality
from devices.fingerprint.reader import R30xReader
from devices.fingerprint.simulator import Fault, FaultRule, ModuleSimulator
from devices.fingerprint.synthetic import Press, synthetic_fingerprint

__all__ = [
    "SIMULATED_PATH",
    "Bilingual",
    "CaptureCancelled",
    "CaptureProgress",
    "CaptureStage",
    "Fault",
    "FaultRule",
    "FingerPlan",
    "FingerprintCapture",
    "FingerprintError",
    "FramingError",
    "ImageFiles",
    "ImageTransferError",
    "InvalidReaderSetting",
    "LiveMode",
    "LiveQuality",
    "ModuleSettings",
    "ModuleSimulator",
    "PasswordRejected",
    "PortUnavailable",
    "Press",
    "QualityReport",
    "R30xReader",
    "ReaderIdentity",
    "ReaderRefused",
    "ReaderTimeout",
    "SyntheticImages",
    "Verdict",
    "assess_quality",
    "capture_fingerprint",
    "is_simulated_path",
    "list_fingerprint_readers",
    "open_fingerprint_reader",
    "quick_quality",
    "render_imprint",
    "synthetic_fingerprint",
]
