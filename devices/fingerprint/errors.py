"""Fingerprint reader errors: the device layer's tree, with a code, a reason and both languages.

Every error here is a ``devices.errors.DeviceError``; ``reason`` is machine-readable, ``text``
holds the message in Chinese and English, ``code`` the module's confirmation code when the
module itself refused.
"""

from __future__ import annotations

from devices.errors import DeviceError, DeviceGone, DeviceTimeout, ProtocolError
from devices.fingerprint.messages import Bilingual
from devices.fingerprint.protocol import code_info

__all__ = [
    "BilingualError",
    "CaptureCancelled",
    "FingerprintError",
    "FramingError",
    "ImageTransferError",
    "InvalidReaderSetting",
    "PasswordRejected",
    "PortUnavailable",
    "ReaderRefused",
    "ReaderTimeout",
    "refusal",
]


class BilingualError:
    """Mixin: the error's message in both languages, for the UI and the command line."""

    text: Bilingual

    def localized(self, language: str) -> str:
        """The message in the user's language."""
        return self.text.in_language(language)


class FingerprintError(BilingualError, DeviceError):
    """A fingerprint reader problem that is not a timeout, a lost port or broken bytes."""

    def __init__(self, text: Bilingual, *, reason: str, device: str | None = None,
                 code: int | None = None) -> None:
        super().__init__(text.en, reason=reason, device=device)
        self.text = text
        self.code = code


class ReaderRefused(FingerprintError):
    """The module answered a command with a failing confirmation code."""


class PasswordRejected(ReaderRefused):
    """Wrong module password, or the module wants its password first."""


class CaptureCancelled(FingerprintError):
    """The caller cancelled the capture (its cancel event was set)."""

    def __init__(self, *, device: str | None = None) -> None:
        super().__init__(Bilingual("fingerprint capture cancelled", "已取消指纹采集"),
                         reason="cancelled", device=device)


class InvalidReaderSetting(FingerprintError, ValueError):
    """A baud rate, password or address the module family cannot use."""


class ImageTransferError(FingerprintError):
    """The image upload ended with missing or extra bytes (a packet was lost on the line)."""


class ReaderTimeout(BilingualError, DeviceTimeout):
    """No answer in time (``no_response``), no finger in time (``no_finger``), upload stalled."""

    def __init__(self, text: Bilingual, *, reason: str, device: str | None = None) -> None:
        super().__init__(text.en, reason=reason, device=device)
        self.text = text


class PortUnavailable(BilingualError, DeviceGone):
    """The serial port is missing, busy, not ours to open, or vanished mid-transfer."""

    def __init__(self, text: Bilingual, *, reason: str, device: str | None = None) -> None:
        super().__init__(text.en, reason=reason, device=device)
        self.text = text


class FramingError(BilingualError, ProtocolError):
    """Bytes that break the packet protocol and could not be skipped (truncated, unexpected)."""

    def __init__(self, text: Bilingual, *, reason: str, device: str | None = None,
                 offset: int | None = None) -> None:
        super().__init__(text.en, reason=reason, device=device)
        self.text = text
        self.offset = offset  # position in the received byte stream, for diagnostics


def refusal(code: int, *, instruction: str, device: str | None = None) -> ReaderRefused:
    """The typed error for a failing confirmation code returned to ``instruction``."""
    info = code_info(code)
    text = Bilingual(f"{instruction}: {info.text.en} (code 0x{code:02X})",
                     f"{instruction}：{info.text.zh}（确认码 0x{code:02X}）")
    kind = PasswordRejected if info.reason in ("wrong_password", "password_required") else ReaderRefused
    return kind(text, reason=info.reason, device=device, code=code)
