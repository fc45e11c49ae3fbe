"""What the link reports: plain frozen dataclasses handed to callbacks, never Qt signals."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from records.link.errors import CloseReason
from records.link.messages import Message, RecordOffer, UploadBegin

__all__ = [
    "Acknowledged", "CloseConnection", "LinkEvent", "Received", "RecordRefused",
    "RecordVerified", "SessionOpened", "SessionReplaced", "UploadData", "UploadFinished",
    "UploadProgress", "UploadQueried", "UploadRequested", "UploadStored",
]


@dataclass(frozen=True)
class LinkEvent:
    """Base of everything the link reports."""


@dataclass(frozen=True)
class SessionOpened(LinkEvent):
    """The handshake finished: a new session, or the old one resumed where it stopped."""

    session: str
    resumed: bool
    version: int
    peer_station: str
    caps: frozenset[str]
    backlog: int
    """Sequenced messages of this side that are being sent again or for the first time."""


@dataclass(frozen=True)
class SessionReplaced(LinkEvent):
    """Another peer took the place of the one the session was with; what was still waiting for
    the old peer (``dropped`` messages) was not sent to the new one."""

    previous_peer: str
    peer: str
    dropped: int


@dataclass(frozen=True)
class Received(LinkEvent):
    """A message from the peer, delivered once and in order; ``seq`` is 0 for unsequenced kinds."""

    message: Message
    seq: int
    session: str


@dataclass(frozen=True)
class Acknowledged(LinkEvent):
    """The peer has delivered every sequenced message of ours up to ``up_to``."""

    up_to: int
    released: int


@dataclass(frozen=True)
class CloseConnection(LinkEvent):
    """The protocol wants this connection closed, and says why (the peer is told the same)."""

    reason: CloseReason
    detail: str


@dataclass(frozen=True)
class RecordVerified(LinkEvent):
    """(terminal) An offered PDF whose SHA-256 and size match: it may be shown."""

    offer: RecordOffer


@dataclass(frozen=True)
class RecordRefused(LinkEvent):
    """(terminal) An offered PDF that does not match its declared hash or size: never shown."""

    offer: RecordOffer
    actual_sha256: str
    reason: str


@dataclass(frozen=True)
class UploadProgress(LinkEvent):
    """(terminal) The receiver holds ``have`` verified bytes of ``size``."""

    upload_id: str
    have: int
    size: int
    action: str
    """"resume" (sending goes on from ``have``), "rewind" (a chunk failed), "progress"."""
    reason: str = ""


@dataclass(frozen=True)
class UploadFinished(LinkEvent):
    """(terminal) The receiver's verdict on a whole upload; ``ok`` means the SHA-256 matched."""

    upload_id: str
    ok: bool
    size: int
    sha256: str
    reason: str
    sent_bytes: int = 0
    """Chunk bytes this side put on the wire, resends after cuts included."""


@dataclass(frozen=True)
class UploadRequested(LinkEvent):
    """(workstation) The terminal announced an upload; storage must say how much it already has."""

    begin: UploadBegin


@dataclass(frozen=True)
class UploadQueried(LinkEvent):
    """(workstation) After a reconnect the terminal asks where an upload stands."""

    upload_id: str


@dataclass(frozen=True)
class UploadData(LinkEvent):
    """(workstation) Upload bytes in order (whole pieces), not yet checked against the map."""

    upload_id: str
    offset: int
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class UploadStored(LinkEvent):
    """(workstation) An upload is complete on disk, every piece checked against the declared
    map (``ok`` False: the upload failed).

    What that proves, precisely: the file is the pieces of the map in order, contiguous from
    byte 0 to ``size``, each piece's SHA-256 as the map lists it, and the map's own SHA-256 is
    ``pieces_sha256``. ``sha256`` (the whole file's) is the sender's word, not recomputed here:
    whoever needs it proven binds ``pieces_sha256`` to a piece list it trusts (a recording's
    logged segments) or hashes the file."""

    upload_id: str
    ok: bool
    path: Path | None
    size: int
    sha256: str
    reason: str
    pieces_sha256: str = ""
