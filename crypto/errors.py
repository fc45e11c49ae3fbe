"""The crypto layer's error tree: every error carries a machine-readable ``reason``.

Callers branch on ``reason`` (a short stable code), never on the message text.  Each area of
``crypto/`` adds its own subclasses below :class:`CryptoError`.
"""

from __future__ import annotations

__all__ = [
    "CryptoError",
    "CanonicalJsonError",
    "CaptureLogError",
    "TornTailError",
    "MerkleProofError",
    "CheckpointError",
    "TimestampError",
    "BagError",
]


class CryptoError(Exception):
    """Base of every crypto error; ``reason`` is a short stable code for programs and UIs."""

    def __init__(self, message: str = "", *, reason: str) -> None:
        super().__init__(message or reason)
        self.reason = reason


class CanonicalJsonError(CryptoError):
    """A value cannot be written as RFC 8785 canonical JSON (float, big integer, bad key...)."""

    def __init__(self, message: str, *, reason: str = "not_canonical", path: str = "") -> None:
        super().__init__(message, reason=reason)
        self.path = path


class CaptureLogError(CryptoError):
    """The capture log cannot be opened, appended to or read; ``path``, ``line`` (1-based) and
    ``offset`` (bytes) locate the problem."""

    def __init__(self, message: str, *, reason: str, path: str | None = None,
                 line: int | None = None, offset: int | None = None) -> None:
        super().__init__(message, reason=reason)
        self.path = path
        self.line = line
        self.offset = offset


class TornTailError(CaptureLogError):
    """The log ends in a partial line (a crash mid-write): ``line`` is its 1-based number,
    ``offset`` the byte where it starts, ``length`` how many bytes it has."""

    def __init__(self, message: str, *, path: str | None, line: int, offset: int,
                 length: int) -> None:
        super().__init__(message, reason="torn_tail", path=path, line=line, offset=offset)
        self.length = length


class MerkleProofError(CryptoError):
    """A Merkle inclusion or consistency proof is malformed or does not verify."""


class CheckpointError(CryptoError):
    """A checkpoint (signed note) cannot be parsed, or its signature does not verify."""


class TimestampError(CryptoError):
    """A timestamp request, response or token is refused, unreachable or invalid."""

    def __init__(self, message: str, *, reason: str, url: str | None = None) -> None:
        super().__init__(message, reason=reason)
        self.url = url


class BagError(CryptoError):
    """A BagIt bag cannot be written or read (bad layout, bad tag file); ``path`` names the file."""

    def __init__(self, message: str, *, reason: str, path: str | None = None,
                 line: int | None = None) -> None:
        super().__init__(message, reason=reason)
        self.path = path
        self.line = line
