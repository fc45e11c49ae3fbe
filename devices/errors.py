"""The device layer's error tree: every error carries a machine-readable ``reason``."""

from __future__ import annotations

__all__ = ["DeviceError", "DeviceGone", "DeviceTimeout", "ProtocolError"]


class DeviceError(Exception):
    """Base of every device error; ``reason`` is a short stable code, ``device`` names the device."""

    def __init__(self, message: str, *, reason: str, device: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.device = device


class DeviceGone(DeviceError):
    """The device was unplugged or its transport closed."""

    def __init__(self, message: str, *, device: str | None = None, reason: str = "gone") -> None:
        super().__init__(message, reason=reason, device=device)


class DeviceTimeout(DeviceError):
    """The device did not answer in time."""

    def __init__(self, message: str, *, device: str | None = None, reason: str = "timeout") -> None:
        super().__init__(message, reason=reason, device=device)


class ProtocolError(DeviceError):
    """Bytes from the device that break its protocol (bad checksum, short report, unknown id)."""
