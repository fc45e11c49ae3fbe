"""A TCP proxy for link tests: forwards bytes, and can cut or stall the network on demand."""

from __future__ import annotations

import asyncio
import threading


class TcpProxy:
    """Forwards loopback TCP connections to ``target`` from its own thread and loop.

    ``cut()`` drops every connection at once (both ends see the TCP connection die);
    ``stall()`` stops moving bytes (connections stay open, as behind a dead router) until
    ``resume()``; ``cut_after_upstream(n)`` cuts as soon as ``n`` more bytes went upstream.
    """

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.upstream_bytes = 0
        self.connections = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="link-test-proxy")
        self._writers: set[asyncio.StreamWriter] = set()
        self._flowing: asyncio.Event | None = None
        self._cut_at: int | None = None
        self.cuts = 0
        self.address: tuple[str, int] = ("127.0.0.1", 0)

    def start(self) -> tuple[str, int]:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(5)
        return self.address

    async def _start(self) -> None:
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.address = self._server.sockets[0].getsockname()[:2]

    def stop(self) -> None:
        async def _stop() -> None:
            self._server.close()
            self._flowing.set()
            self._abort_all()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            await asyncio.wait(tasks, timeout=1.0) if tasks else None
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self._server.wait_closed()
        asyncio.run_coroutine_threadsafe(_stop(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    def _call(self, fn) -> None:
        async def run() -> None:
            fn()
        asyncio.run_coroutine_threadsafe(run(), self._loop).result(5)

    def cut(self) -> None:
        """Drop every open connection now."""
        self._call(self._abort_all)

    def stall(self) -> None:
        """Stop forwarding bytes (open connections hang, new ones never get through)."""
        self._call(self._flowing.clear)

    def resume(self) -> None:
        """Forward bytes again."""
        self._call(self._flowing.set)

    def cut_after_upstream(self, nbytes: int) -> None:
        """Cut all connections once ``nbytes`` more bytes have gone from client to server."""
        def arm() -> None:
            self._cut_at = self.upstream_bytes + nbytes
        self._call(arm)

    def _abort_all(self) -> None:
        self.cuts += 1
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._forward(reader, writer)
        except asyncio.CancelledError:
            writer.transport.abort()

    async def _forward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update((writer, up_writer))
        await asyncio.gather(self._pipe(reader, up_writer, upstream=True),
                             self._pipe(up_reader, writer, upstream=False),
                             return_exceptions=True)
        for w in (writer, up_writer):
            self._writers.discard(w)
            w.transport.abort()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    *, upstream: bool) -> None:
        while True:
            await self._flowing.wait()
            try:
                data = await reader.read(65536)
            except OSError:
                data = b""
            # Nothing crosses a stalled path, not even the end of a connection.
            await self._flowing.wait()
            if not data:
                break
            if writer.transport.is_closing():
                break
            writer.write(data)
            if upstream:
                self.upstream_bytes += len(data)
                if self._cut_at is not None and self.upstream_bytes >= self._cut_at:
                    self._cut_at = None
                    self._abort_all()
                    break
            await writer.drain()
        if not writer.transport.is_closing():
            writer.transport.abort()
