"""The link's error tree and the reasons a connection is closed, each a stable machine code."""

from __future__ import annotations

from enum import Enum

__all__ = [
    "CertificateRefused",
    "CloseReason",
    "LinkConfigError",
    "LinkError",
    "PeerRejected",
    "ProtocolViolation",
    "UploadError",
]


class CloseReason(Enum):
    """Why a link connection ended; the value travels in the WebSocket close reason."""

    MALFORMED = "malformed"          # bytes that are not a valid frame or message
    UNKNOWN_KIND = "unknown-kind"    # a message kind this version does not know
    UNEXPECTED = "unexpected"        # a valid message in the wrong state or direction
    REPLAY = "replay"                # a frame or sequence number seen before
    GAP = "gap"                      # a frame or sequence number skipped
    VERSION = "version"              # no protocol version in common
    STALLED = "stalled"              # nothing heard from the peer within the stall timeout
    ROLE = "role"                    # the peer's certificate is not of the expected role
    CERTIFICATE = "certificate"      # the TLS handshake refused a certificate
    BUSY = "busy"                    # another peer holds the session
    SUPERSEDED = "superseded"        # the same peer reconnected on a new connection
    GOING_AWAY = "going-away"        # the other end is shutting down
    NETWORK = "network"              # the connection dropped or could not be opened
    INTERNAL = "internal"            # a fault on this side

    @property
    def close_code(self) -> int:
        """The WebSocket close code sent for this reason (private range 4000-4999)."""
        if self is CloseReason.GOING_AWAY:
            return 1001
        return 4000 + list(CloseReason).index(self)

    @property
    def fatal(self) -> bool:
        """True when retrying the same connection cannot help until someone changes something."""
        return self in (CloseReason.VERSION, CloseReason.ROLE, CloseReason.CERTIFICATE)

    @classmethod
    def from_close_code(cls, code: int) -> CloseReason | None:
        """The reason a peer meant by a close code, or None for a code it does not use."""
        if code == 1001:
            return cls.GOING_AWAY
        members = list(cls)
        if 4000 <= code < 4000 + len(members):
            return members[code - 4000]
        return None


class LinkError(Exception):
    """Base of every link error; ``reason`` is a short stable code a UI can switch on."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class ProtocolViolation(LinkError):
    """The peer broke the protocol; ``close_reason`` says how, ``offset`` is the byte at fault."""

    def __init__(self, close_reason: CloseReason, detail: str, *, offset: int | None = None) -> None:
        super().__init__(f"{close_reason.value}: {detail}", reason=close_reason.value)
        self.close_reason = close_reason
        self.detail = detail
        self.offset = offset


class PeerRejected(LinkError):
    """A peer's certificate failed this side's policy (wrong role, unknown name, no certificate)."""

    def __init__(self, message: str, *, reason: str = "role", subject: str | None = None) -> None:
        super().__init__(message, reason=reason)
        self.subject = subject


class CertificateRefused(LinkError):
    """The peer's TLS stack refused this side's certificate; ``why`` is this side's best guess."""

    def __init__(self, why: str) -> None:
        super().__init__(f"the peer refused this side's certificate: {why}", reason="certificate")
        self.why = why


class LinkConfigError(LinkError):
    """A certificate, key, CA file or address that cannot be used; ``path`` names the file."""

    def __init__(self, message: str, *, reason: str, path: str | None = None) -> None:
        super().__init__(message, reason=reason)
        self.path = path


class UploadError(LinkError):
    """An upload that cannot go on (source changed, bad size, hash mismatch at the end)."""

    def __init__(self, message: str, *, reason: str, upload_id: str | None = None) -> None:
        super().__init__(message, reason=reason)
        self.upload_id = upload_id
