"""The local timestamp authority over HTTP on loopback (RFC 3161 §3.4), as a thread to start
and stop.  POST ``application/timestamp-query`` → ``application/timestamp-reply``."""

from __future__ import annotations

import atexit
import logging
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from crypto.errors import TimestampError
from crypto.tsa_authority import TimestampAuthority

__all__ = ["LocalTsaServer", "MAX_REQUEST_BYTES"]

#: A TimeStampReq is a few hundred bytes; anything far larger is refused unread.
MAX_REQUEST_BYTES = 64 * 1024
_log = logging.getLogger(__name__)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 10  # seconds a client may stall before its connection is dropped
    # HTTP/1.0: one request per connection, so stopping never waits on an idle keep-alive.
    protocol_version = "HTTP/1.0"

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type != "application/timestamp-query":
            self._plain(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "expected application/timestamp-query")
            return
        length_header = self.headers.get("Content-Length")
        if length_header is None or not length_header.isdigit():
            self._plain(HTTPStatus.LENGTH_REQUIRED, "Content-Length required")
            return
        length = int(length_header)
        if length > MAX_REQUEST_BYTES:
            self._plain(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "request too large")
            return
        try:
            body = self.rfile.read(length)
        except (TimeoutError, OSError):
            self.close_connection = True
            return
        if len(body) != length:
            self._plain(HTTPStatus.BAD_REQUEST, "request body cut short")
            return
        try:
            reply = self.server.authority.respond(body)
        except Exception:  # an answer of ours must never take the server down
            _log.exception("timestamp authority failed")
            self._plain(HTTPStatus.INTERNAL_SERVER_ERROR, "timestamp authority failed")
            return
        self._send(HTTPStatus.OK, "application/timestamp-reply", reply)

    def do_GET(self) -> None:  # noqa: N802
        self._plain(HTTPStatus.METHOD_NOT_ALLOWED, "POST an RFC 3161 request")

    def _plain(self, status: HTTPStatus, text: str) -> None:
        self._send(status, "text/plain; charset=utf-8", text.encode("utf-8"))

    def _send(self, status: HTTPStatus, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        _log.debug("local TSA: " + format, *args)


class _Server(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True  # server_close() waits for requests in flight

    def __init__(self, address: tuple[str, int], authority: TimestampAuthority) -> None:
        self.authority = authority
        super().__init__(address, _Handler)


class LocalTsaServer:
    """The local TSA on ``host`` (loopback) and ``port`` (0: any free one); see :attr:`url`."""

    def __init__(self, authority: TimestampAuthority, host: str = "127.0.0.1",
                 port: int = 0) -> None:
        self._authority = authority
        self._address = (host, port)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Where to POST requests (valid while running)."""
        if self._server is None:
            raise TimestampError("local TSA is not running", reason="not_running")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/tsa"

    def start(self) -> LocalTsaServer:
        """Bind and serve on a thread of its own; raises ``TimestampError`` if it cannot bind."""
        if self._server is not None:
            return self
        try:
            self._server = _Server(self._address, self._authority)
        except OSError as exc:
            raise TimestampError(f"local TSA cannot listen on {self._address}: {exc.strerror}",
                                 reason="cannot_listen") from exc
        # Daemon, stopped from an exit hook: a forgotten server never keeps the process alive.
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.1}, name="local-tsa",
                                        daemon=True)
        self._thread.start()
        atexit.register(self.stop)
        return self

    def stop(self) -> None:
        """Stop serving, finish requests in flight and release the port.  Idempotent."""
        atexit.unregister(self.stop)
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join()

    def __enter__(self) -> LocalTsaServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
