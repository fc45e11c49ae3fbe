"""WebSocket over TLS 1.3 under the link protocol: listening, connecting, pumping one connection.

Every WebSocket message is one binary frame of ``records.link.codec``. WebSocket compression
is off (PDF, JPEG and media do not shrink, and it costs throughput) and so are websockets' own
pings: the protocol's heartbeats detect a stalled peer, application included. The peer's
certificate is checked twice: by TLS against the site CA (chain, dates), then by the
``PeerPolicy`` for its role, on the listening side before the WebSocket upgrade is accepted
(HTTP 403 with the reason) and on the connecting side before the first frame is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Protocol

from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.connection import Connection
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidMessage, InvalidStatus
from websockets.http11 import Request, Response

from records.link.errors import CertificateRefused, CloseReason, LinkConfigError, PeerRejected
from records.link.events import CloseConnection
from records.link.peers import PeerIdentity, PeerPolicy

__all__ = [
    "MAX_FRAME", "ConnectionPump", "TransportTimings", "classify_error", "open_connection",
    "parse_address", "pump_connection", "start_listening",
]

log = logging.getLogger(__name__)

MAX_FRAME = (64 << 20) + (1 << 20)
_WS_OPTIONS = dict(compression=None, ping_interval=None, max_size=MAX_FRAME,
                   max_queue=(64, 16), write_limit=(256 << 10, 64 << 10))


@dataclass(frozen=True)
class TransportTimings:
    """Timeouts of the WebSocket layer, in seconds."""

    open_timeout: float = 10.0
    """TLS handshake plus WebSocket upgrade."""
    close_timeout: float = 2.0
    """How long a closing handshake may take before the TCP connection is dropped."""


class ConnectionPump(Protocol):
    """What ``pump_connection`` drives: the endpoint around a protocol object."""

    wake: asyncio.Event
    tick_interval: float

    def frame_to_send(self) -> bytes | None: ...

    def frame_received(self, data: bytes) -> CloseConnection | None: ...

    def tick(self) -> CloseConnection | None: ...


def parse_address(text: str, *, default_host: str = "127.0.0.1") -> tuple[str, int]:
    """'HOST:PORT', '[v6]:PORT' or ':PORT' as (host, port); ``LinkConfigError`` otherwise."""
    host, sep, port = text.strip().rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise LinkConfigError(f"{text!r} is not HOST:PORT", reason="address")
    host = host.strip("[]") or default_host
    return host, int(port)


def _peer_der(connection: Connection) -> bytes | None:
    ssl_object = connection.transport.get_extra_info("ssl_object")
    return ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None


async def start_listening(host: str, port: int, context: ssl.SSLContext, policy: PeerPolicy,
                          handler: Callable[[ServerConnection, PeerIdentity], Awaitable[None]],
                          *, admit: Callable[[PeerIdentity], tuple[HTTPStatus, str] | None],
                          on_refused: Callable[[CloseReason, str], None],
                          timings: TransportTimings = TransportTimings()) -> Server:
    """Listen for terminals; ``admit`` may turn a peer away (busy) with a status and reason."""
    identities: dict[int, PeerIdentity] = {}

    def process_request(connection: ServerConnection, request: Request) -> Response | None:
        try:
            identity = policy.check(_peer_der(connection))
        except PeerRejected as exc:
            log.warning("link: refused %s: %s", connection.remote_address, exc)
            on_refused(CloseReason.ROLE, str(exc))
            return connection.respond(HTTPStatus.FORBIDDEN, f"{CloseReason.ROLE.value}: {exc}\n")
        refusal = admit(identity)
        if refusal is not None:
            status, text = refusal
            on_refused(CloseReason.BUSY, text)
            return connection.respond(status, f"{CloseReason.BUSY.value}: {text}\n")
        identities[id(connection)] = identity
        return None

    async def on_connection(connection: ServerConnection) -> None:
        identity = identities.pop(id(connection))
        await handler(connection, identity)

    return await serve(on_connection, host, port, ssl=context, process_request=process_request,
                       open_timeout=timings.open_timeout, close_timeout=timings.close_timeout,
                       server_header=None, **_WS_OPTIONS)


async def open_connection(uri: str, context: ssl.SSLContext, policy: PeerPolicy, *,
                          timings: TransportTimings = TransportTimings(),
                          own_problems: Callable[[], list[str]] | None = None,
                          ) -> tuple[ClientConnection, PeerIdentity]:
    """Connect to a workstation and accept its certificate's role, or raise.

    ``own_problems`` lists what is wrong with this side's certificate, to explain a refusal.
    """
    try:
        ws = await connect(uri, ssl=context, proxy=None, open_timeout=timings.open_timeout,
                           close_timeout=timings.close_timeout, user_agent_header=None,
                           **_WS_OPTIONS)
    except (InvalidMessage, EOFError, ConnectionResetError) as exc:
        # In TLS 1.3 the server judges the client certificate after the client's handshake is
        # done, and asyncio drops the connection without the alert: the upgrade only sees it
        # die. Ask again, plainly: a server that hangs up right after the handshake, before a
        # word, refused this side's certificate.
        host, port = _host_port(uri)
        if await asyncio.to_thread(_hangs_up_after_handshake, host, port, context,
                                   timings.open_timeout):
            problems = own_problems() if own_problems else []
            raise CertificateRefused("; ".join(problems) or "for a reason only it can tell") from exc
        raise
    try:
        identity = policy.check(_peer_der(ws))
    except PeerRejected as exc:
        with contextlib.suppress(Exception):
            await ws.close(CloseReason.ROLE.close_code, _close_text(CloseReason.ROLE, str(exc)))
        raise
    return ws, identity


def _host_port(uri: str) -> tuple[str, int]:
    netloc = uri.split("://", 1)[1].split("/", 1)[0]
    return parse_address(netloc)


def _hangs_up_after_handshake(host: str, port: int, context: ssl.SSLContext,
                              timeout: float) -> bool:
    """True when the server completes a TLS handshake with us, then closes without a word."""
    try:
        raw = socket.create_connection((host, port), timeout=timeout)
    except OSError:
        return False
    with raw:
        try:
            tls = context.wrap_socket(raw)
        except OSError:  # no TLS server there, or we refused it: not a refusal of us
            return False
        with tls:
            # Send nothing: a server that accepted us now waits for the HTTP upgrade.
            tls.settimeout(min(timeout, 1.0))
            try:
                return tls.recv(1) == b""
            except TimeoutError:
                return False
            except OSError:  # an alert or a reset right after the handshake
                return True


def _close_text(reason: CloseReason, detail: str) -> str:
    # A WebSocket close reason holds at most 123 bytes of UTF-8.
    text = f"{reason.value}: {detail}".encode("utf-8")[:123]
    return text.decode("utf-8", "ignore")


def classify_error(exc: BaseException) -> tuple[CloseReason, str]:
    """Why a connection attempt failed, as a reason and a human detail."""
    if isinstance(exc, PeerRejected):
        return CloseReason.ROLE, str(exc)
    if isinstance(exc, CertificateRefused):
        return CloseReason.CERTIFICATE, str(exc)
    if isinstance(exc, InvalidStatus):
        body = (exc.response.body or b"").decode("utf-8", "replace").strip()
        prefix, _, text = body.partition(": ")
        reason = next((r for r in CloseReason if r.value == prefix), CloseReason.NETWORK)
        return reason, text or f"HTTP {exc.response.status_code}"
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return CloseReason.CERTIFICATE, f"the peer's certificate: {seen.verify_message}"
        if isinstance(seen, ssl.SSLError):
            alert = seen.reason or str(seen)
            if "ALERT" in alert.upper() or "CERTIFICATE" in alert.upper():
                return CloseReason.CERTIFICATE, f"the peer refused this side's certificate: {alert.lower()}"
            return CloseReason.NETWORK, f"TLS: {alert.lower()}"
        seen = seen.__cause__ or seen.__context__
    if isinstance(exc, (TimeoutError, asyncio.TimeoutError)):
        return CloseReason.NETWORK, "timed out"
    if isinstance(exc, (OSError, InvalidHandshake, EOFError)):
        return CloseReason.NETWORK, str(exc) or type(exc).__name__
    return CloseReason.INTERNAL, f"{type(exc).__name__}: {exc}"


def _reason_from_peer(ws: Connection) -> tuple[CloseReason, str]:
    rcvd = ws.protocol.close_rcvd
    if rcvd is None:
        return CloseReason.NETWORK, "the connection dropped"
    reason = CloseReason.from_close_code(rcvd.code)
    if reason is None:
        return (CloseReason.GOING_AWAY if rcvd.code == 1000 else CloseReason.NETWORK,
                rcvd.reason or f"closed with code {rcvd.code}")
    prefix = f"{reason.value}: "
    detail = rcvd.reason[len(prefix):] if rcvd.reason.startswith(prefix) else rcvd.reason
    return reason, f"the peer closed: {detail}"


async def pump_connection(ws: Connection, pump: ConnectionPump,
                          timings: TransportTimings = TransportTimings()) -> tuple[CloseReason, str]:
    """Move frames both ways until the connection ends; returns why it ended."""
    requested: asyncio.Future[CloseConnection] = asyncio.get_running_loop().create_future()

    def request(close: CloseConnection | None) -> bool:
        if close is not None and not requested.done():
            requested.set_result(close)
        return requested.done()

    async def read() -> None:
        async for data in ws:
            if request(pump.frame_received(data)):
                return

    async def write() -> None:
        sent = 0
        while True:
            # A send into a dead TLS transport can complete without suspending; yield now and
            # then so the loss is noticed (and reading and ticking get their turn).
            sent += 1
            if sent % 8 == 0:
                await asyncio.sleep(0)
            if ws.transport.is_closing():
                return
            frame = pump.frame_to_send()
            if frame is None:
                pump.wake.clear()
                frame = pump.frame_to_send()
                if frame is None:
                    await pump.wake.wait()
                    continue
            await ws.send(frame)

    async def tick() -> None:
        while not request(pump.tick()):
            await asyncio.sleep(pump.tick_interval)

    tasks = [asyncio.create_task(c) for c in (read(), write(), tick())]
    try:
        await asyncio.wait([*tasks, requested], return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    for task in tasks:
        if task.done() and not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            if not isinstance(exc, ConnectionClosed):
                log.error("link: connection task failed", exc_info=exc)
                request(CloseConnection(CloseReason.INTERNAL, f"{type(exc).__name__}: {exc}"))
    if requested.done():
        close = requested.result()
        if close.reason is CloseReason.STALLED:
            ws.transport.abort()  # nothing gets through a stalled path, not even a close frame
        else:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(close.reason.close_code,
                                                _close_text(close.reason, close.detail)),
                                       timings.close_timeout)
            ws.transport.abort()
        return close.reason, close.detail
    ws.transport.abort()
    return _reason_from_peer(ws)
