"""The link's state machine, without I/O: frames in, events and frames out.

Both sides run a ``LinkProtocol`` (the terminal connects, the workstation listens). Every frame
carries a frame number ``n`` that counts 1, 2, 3 ... on each connection in each direction; a
frame number seen before is a replay, a skipped one a gap, and either closes the connection.
Sequenced messages (``Delivery.DURABLE`` / ``RELIABLE``) also carry a session sequence number
``s`` that counts across connections; they are journaled before they are sent, stay in the
outbox until the peer acknowledges them (the ``a`` field of every frame), and after a reconnect
the hello/welcome exchange tells each side how far the other got, so the outbox is sent again
from exactly there: nothing lost, nothing twice, in order.

Send priority: control (handshake, acks, heartbeats, upload steering) > sequenced messages
(ink, log entries, results) > the newest preview frame > upload chunks. Previews are replaced,
not queued, so they can never hold ink back.

Not thread-safe: the owner serialises calls (the endpoints hold one lock around them).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from records.link.codec import canonical_json, decode_frame, encode_frame
from records.link.errors import CloseReason, ProtocolViolation
from records.link.events import (
    Acknowledged,
    CloseConnection,
    LinkEvent,
    Received,
    SessionOpened,
    SessionReplaced,
)
from records.link.journal import Journal
from records.link.messages import (
    PROTOCOL_VERSIONS,
    Ack,
    Beat,
    Delivery,
    Hello,
    Message,
    Welcome,
    message_from_frame,
    message_header,
)
from records.link.peers import Side

__all__ = ["CAPABILITIES", "LinkProtocol", "LinkTimings", "Phase"]

log = logging.getLogger(__name__)

CAPABILITIES = frozenset({"ink", "preview", "upload", "log"})


class Phase(Enum):
    """Where the current connection stands."""

    IDLE = "idle"                    # no connection
    AWAIT_HELLO = "await-hello"      # listening side, connection open, hello not yet received
    AWAIT_WELCOME = "await-welcome"  # connecting side, hello sent
    OPEN = "open"                    # handshake done, messages flow
    CLOSED = "closed"                # the protocol asked to close; waiting for the transport


@dataclass(frozen=True)
class LinkTimings:
    """Heartbeat and stall detection, in seconds."""

    heartbeat_interval: float = 2.0
    """Send a heartbeat after this long without sending anything."""
    stall_timeout: float = 8.0
    """Declare the peer stalled after this long without receiving anything."""


class LinkProtocol:
    """One side of a link session: handshake, sequencing, acknowledgements, outbox, heartbeats."""

    def __init__(self, role: Side, journal: Journal, *, station: str,
                 timings: LinkTimings = LinkTimings(),
                 clock: Callable[[], int] = time.monotonic_ns,
                 capabilities: frozenset[str] = CAPABILITIES,
                 versions: tuple[int, ...] = PROTOCOL_VERSIONS,
                 new_session_id: Callable[[], str] = lambda: uuid.uuid4().hex) -> None:
        if role not in (Side.WORKSTATION, Side.TERMINAL):
            raise ValueError(f"a link side is a workstation or a terminal, not {role.label}")
        self.role = role
        self.peer_role = Side.TERMINAL if role is Side.WORKSTATION else Side.WORKSTATION
        self.journal = journal
        self.station = station
        self.timings = timings
        self.capabilities = capabilities
        self.versions = versions
        self._clock = clock
        self._new_session_id = new_session_id
        self.phase = Phase.IDLE
        self.version = 0
        self.peer_station = ""
        self.peer_caps: frozenset[str] = frozenset()
        self.previews_dropped = 0
        self._delivered = journal.delivered
        self._peer = journal.peer
        self._events: list[LinkEvent] = []
        self._reset_connection()

    # --- connection lifecycle ----------------------------------------------------------------
    def connection_made(self, peer: str = "") -> None:
        """A transport connection is up (TLS done, peer certificate accepted); ``peer`` names the
        certificate's subject, to which the session is bound."""
        self._reset_connection()
        self._peer = peer
        if self.role is Side.TERMINAL:
            self.phase = Phase.AWAIT_WELCOME
            self._control.append(Hello(
                versions=self.versions, role=self.role.label, station=self.station,
                session=self.journal.session, delivered=self._delivered,
                caps=tuple(sorted(self.capabilities))))
        else:
            self.phase = Phase.AWAIT_HELLO

    def connection_lost(self) -> None:
        """The transport connection is gone; sequenced messages wait in the outbox."""
        self._persist_delivered()
        self.phase = Phase.IDLE
        self._reset_connection()
        self._on_lost()

    @property
    def session(self) -> str:
        """The current session id ('' before the first handshake)."""
        return self.journal.session

    @property
    def is_open(self) -> bool:
        """True when the handshake is done and messages flow."""
        return self.phase is Phase.OPEN

    @property
    def backlog(self) -> int:
        """Sequenced messages not yet acknowledged by the peer."""
        return self.journal.backlog

    # --- sending ------------------------------------------------------------------------------
    def send(self, message: Message) -> int:
        """Queue a message; returns its sequence number (0 for unsequenced kinds).

        Sequenced messages are journaled now, whether or not a connection is up. A preview
        replaces any preview still waiting and is dropped when the link is not open; control
        messages are dropped when the link is not open.
        """
        if message.SENDER not in (None, self.role):
            raise ValueError(f"a {self.role.label} does not send {message.KIND}")
        delivery = message.DELIVERY
        if delivery is Delivery.BULK:
            raise ValueError("upload chunks are pulled by the upload, not sent")
        if delivery.sequenced:
            header = canonical_json(message_header(message))
            entry = self.journal.append(header, message.payload(),
                                        durable=delivery is Delivery.DURABLE)
            if self.phase is Phase.OPEN:
                self._outq.append(entry)
            return entry.seq
        if self.phase is not Phase.OPEN:
            if delivery is Delivery.PREVIEW:
                self.previews_dropped += 1
            return 0
        if delivery is Delivery.PREVIEW:
            if "preview" not in self.peer_caps:
                self.previews_dropped += 1
                return 0
            if self._preview is not None:
                self.previews_dropped += 1
            self._preview = message
        else:
            self._control.append(message)
        return 0

    def next_frame(self) -> bytes | None:
        """The next frame to write, by priority, or None when nothing waits."""
        if self.phase in (Phase.IDLE, Phase.CLOSED):
            return None
        s, header, payload = 0, b"", b""
        if self._control:
            message: Message | None = self._control.popleft()
        elif self.phase is not Phase.OPEN:
            return None
        elif self._outq:
            entry = self._outq.popleft()
            message, s, header, payload = None, entry.seq, entry.header, entry.payload
        elif self._preview is not None:
            message, self._preview = self._preview, None
        elif self._delivered > self._ack_sent:
            message = Ack()
        else:
            message = self._bulk()
            if message is None:
                return None
        if message is not None:
            header, payload = canonical_json(message_header(message)), message.payload()
        self._persist_delivered()
        self._n_out += 1
        self._ack_sent = self._delivered
        self._last_tx = self._clock()
        return encode_frame(self._n_out, s, self._delivered, header, payload)

    # --- receiving ----------------------------------------------------------------------------
    def receive(self, data: bytes) -> list[LinkEvent]:
        """Take one frame from the peer; returns what happened (a close request on violation)."""
        if self.phase in (Phase.IDLE, Phase.CLOSED):
            return self.take_events()
        try:
            self._receive(data)
        except ProtocolViolation as violation:
            self.close(violation.close_reason, violation.detail)
        return self.take_events()

    def tick(self) -> list[LinkEvent]:
        """Call a few times per heartbeat interval: queues heartbeats, detects a stalled peer."""
        if self.phase in (Phase.AWAIT_HELLO, Phase.AWAIT_WELCOME, Phase.OPEN):
            now = self._clock()
            quiet = (now - self._last_rx) / 1e9
            if quiet > self.timings.stall_timeout:
                self.close(CloseReason.STALLED, f"nothing received for {quiet:.1f} s")
            elif (self.phase is Phase.OPEN and not self._control
                  and (now - self._last_tx) / 1e9 >= self.timings.heartbeat_interval):
                self._control.append(Beat(sent_ns=now))
        return self.take_events()

    def close(self, reason: CloseReason, detail: str) -> None:
        """Ask for the connection to be closed with a reason (the event tells the transport)."""
        if self.phase in (Phase.IDLE, Phase.CLOSED):
            return
        log.info("link %s: closing the connection: %s: %s", self.role.label, reason.value, detail)
        self.phase = Phase.CLOSED
        self._events.append(CloseConnection(reason, detail))

    def take_events(self) -> list[LinkEvent]:
        """Events produced since the last call (by receive, tick, send or next_frame)."""
        events, self._events = self._events, []
        return events

    # --- hooks for the two sides ----------------------------------------------------------
    def _on_message(self, message: Message, seq: int) -> None:
        """Handle a delivered message; the default reports it as ``Received``."""
        self._events.append(Received(message, seq, self.session))

    def _on_open(self) -> None:
        """Called when a session opens or resumes."""

    def _on_lost(self) -> None:
        """Called when the connection is gone."""

    def _bulk(self) -> Message | None:
        """The next bulk message to send when nothing else waits."""
        return None

    # --- internals ------------------------------------------------------------------------
    def _reset_connection(self) -> None:
        now = self._clock()
        self._n_out = 0
        self._n_in = 0
        self._ack_sent = -1
        self._last_rx = now
        self._last_tx = now
        self._control: deque[Message] = deque()
        self._outq: deque = deque()
        self._preview: Message | None = None

    def _persist_delivered(self) -> None:
        # Written only now, after the application handled the messages, so a crash in between
        # means the peer sends them again (at least once) rather than never (at most once).
        # Not flushed: this runs on the link thread, and an fsync there can wait behind the
        # writeback of a whole upload (ext4 commits); after a power cut the peer resends.
        if self._delivered > self.journal.delivered:
            self.journal.mark_delivered(self._delivered)

    def _receive(self, data: bytes) -> None:
        frame = decode_frame(data)
        if frame.n <= self._n_in:
            raise ProtocolViolation(CloseReason.REPLAY, f"frame {frame.n} after frame {self._n_in}",
                                    offset=4)
        if frame.n != self._n_in + 1:
            raise ProtocolViolation(CloseReason.GAP, f"frame {frame.n} after frame {self._n_in}",
                                    offset=4)
        self._n_in = frame.n
        self._last_rx = self._clock()
        message = message_from_frame(frame.kind, frame.fields, frame.payload)
        if message.SENDER not in (None, self.peer_role):
            raise ProtocolViolation(CloseReason.UNEXPECTED,
                                    f"a {self.peer_role.label} does not send {message.KIND}")
        if message.DELIVERY.sequenced != (frame.s > 0):
            raise ProtocolViolation(CloseReason.MALFORMED,
                                    f"{message.KIND} with sequence number {frame.s}", offset=12)
        if self.phase is Phase.AWAIT_HELLO:
            self._accept_hello(message)
            return
        if self.phase is Phase.AWAIT_WELCOME:
            self._accept_welcome(message)
            return
        if isinstance(message, (Hello, Welcome)):
            raise ProtocolViolation(CloseReason.UNEXPECTED, f"{message.KIND} after the handshake")
        self._take_ack(frame.a)
        if frame.s:
            if frame.s <= self._delivered:
                raise ProtocolViolation(CloseReason.REPLAY,
                                        f"message {frame.s} already delivered (up to {self._delivered})",
                                        offset=12)
            if frame.s != self._delivered + 1:
                raise ProtocolViolation(CloseReason.GAP,
                                        f"message {frame.s} after message {self._delivered}", offset=12)
            self._delivered = frame.s
        if not isinstance(message, (Ack, Beat)):
            self._on_message(message, frame.s)

    def _take_ack(self, a: int) -> None:
        last_sent = self.journal.next_seq - 1
        if a > last_sent:
            raise ProtocolViolation(CloseReason.MALFORMED,
                                    f"acknowledges message {a}, only {last_sent} were sent", offset=20)
        released = self.journal.mark_acked(a)
        if released:
            self._events.append(Acknowledged(a, released))

    def _check_versions(self, versions: tuple[int, ...]) -> int:
        common = set(versions) & set(self.versions)
        if not common:
            raise ProtocolViolation(CloseReason.VERSION,
                                    f"peer speaks versions {sorted(versions)}, this side {list(self.versions)}")
        return max(common)

    def _adopt_peer_position(self, peer_delivered: int) -> None:
        if peer_delivered < self.journal.acked:
            lost = self.journal.rebase(peer_delivered)
            log.warning("link %s: the peer lost %d acknowledged messages; the outbox continues "
                        "after its message %d", self.role.label, lost, peer_delivered)
        elif peer_delivered > self.journal.next_seq - 1:
            # This side lost the journal tail after sending it (power cut before the flush):
            # carry on after what the peer already has.
            self.journal.next_seq = peer_delivered + 1
        self.journal.mark_acked(peer_delivered)

    def _accept_hello(self, message: Message) -> None:
        if not isinstance(message, Hello):
            raise ProtocolViolation(CloseReason.UNEXPECTED, f"{message.KIND} before hello")
        if message.role != self.peer_role.label:
            raise ProtocolViolation(CloseReason.UNEXPECTED,
                                    f"hello from a {message.role!r}, expected a {self.peer_role.label}")
        self.version = self._check_versions(message.versions)
        resumed = (bool(message.session) and message.session == self.journal.session
                   and self._peer == self.journal.peer)
        if resumed:
            self._adopt_peer_position(message.delivered)
        else:
            self._new_session(self._new_session_id())
        self.peer_station = message.station
        self.peer_caps = frozenset(message.caps) & self.capabilities
        self._control.append(Welcome(
            version=self.version, role=self.role.label, station=self.station,
            session=self.journal.session, resumed=resumed, delivered=self._delivered,
            caps=tuple(sorted(self.peer_caps))))
        self._open(resumed)

    def _accept_welcome(self, message: Message) -> None:
        if not isinstance(message, Welcome):
            raise ProtocolViolation(CloseReason.UNEXPECTED, f"{message.KIND} before welcome")
        if message.role != self.peer_role.label:
            raise ProtocolViolation(CloseReason.UNEXPECTED,
                                    f"welcome from a {message.role!r}, expected a {self.peer_role.label}")
        self.version = self._check_versions((message.version,))
        if message.resumed and message.session != self.journal.session:
            raise ProtocolViolation(CloseReason.UNEXPECTED,
                                    "welcome resumes a session this side does not hold")
        if message.resumed:
            self._adopt_peer_position(message.delivered)
        else:
            self._new_session(message.session)
        self.peer_station = message.station
        self.peer_caps = frozenset(message.caps) & self.capabilities
        self._open(message.resumed)

    def _new_session(self, session: str) -> None:
        previous = self.journal.peer
        other_peer = bool(previous) and previous != self._peer
        dropped = self.journal.start_session(session, self._peer, keep_pending=not other_peer)
        self._delivered = 0
        if other_peer:
            log.warning("link %s: %s replaces %s; %d messages meant for %s were dropped",
                        self.role.label, self._peer, previous, dropped, previous)
            self._events.append(SessionReplaced(previous, self._peer, dropped))

    def _open(self, resumed: bool) -> None:
        self.phase = Phase.OPEN
        self._outq = deque(self.journal.pending())
        log.info("link %s: session %s %s with %s (version %d, %d to send)", self.role.label,
                 self.session, "resumed" if resumed else "opened", self.peer_station,
                 self.version, len(self._outq))
        self._events.append(SessionOpened(self.session, resumed, self.version, self.peer_station,
                                          self.peer_caps, len(self._outq)))
        self._on_open()
