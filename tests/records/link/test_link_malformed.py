"""A misbehaving peer on real TLS: malformed, unknown, replayed and skipped frames close with a reason."""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from crypto.pki import Kind
from records.link import CloseReason, LinkState, PeerPolicy, SessionOpened, Side, client_context
from records.link.codec import canonical_json, encode_frame
from records.link.messages import Beat, Hello, LogEntry, message_header

from .conftest import Recorder


def _frame(message, n: int, s: int = 0, a: int = 0) -> bytes:
    return encode_frame(n, s, a, canonical_json(message_header(message)), message.payload())


def _hello(n: int = 1) -> bytes:
    return _frame(Hello(versions=(1,), role="terminal", station="rogue-terminal", session="",
                        delivered=0, caps=()), n)


async def _talk(address, context, frames: list) -> tuple[int, str]:
    """Send frames as a terminal; returns the close code and reason the workstation gave."""
    async with connect(f"wss://{address[0]}:{address[1]}/", ssl=context, proxy=None,
                       compression=None) as ws:
        for frame in frames:
            await ws.send(frame)
        try:
            while True:
                await asyncio.wait_for(ws.recv(), 5)
        except ConnectionClosed:
            pass
        return ws.close_code, ws.close_reason


def _log(i: int) -> LogEntry:
    return LogEntry(log_id="log", index=i, entry=b"x")


CASES = {
    "garbage": ([b"\x00" * 40], CloseReason.MALFORMED),
    "text frame": (["hello"], CloseReason.MALFORMED),
    "unknown kind": ([_hello(), encode_frame(2, 0, 0, b'{"k":"teleport"}')], CloseReason.UNKNOWN_KIND),
    "replayed frame": ([_hello(), _frame(_log(0), 2, 1), _frame(_log(0), 2, 1)], CloseReason.REPLAY),
    "replayed sequence": ([_hello(), _frame(_log(0), 2, 1), _frame(_log(0), 3, 1)], CloseReason.REPLAY),
    "skipped frame": ([_hello(), _frame(Beat(sent_ns=1), 3)], CloseReason.GAP),
    "skipped sequence": ([_hello(), _frame(_log(0), 2, 2)], CloseReason.GAP),
    "no hello": ([_frame(_log(0), 1, 1)], CloseReason.UNEXPECTED),
    "wrong version": ([_frame(Hello(versions=(9,), role="terminal", station="t", session="",
                                    delivered=0, caps=()), 1)], CloseReason.VERSION),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_misbehaving_terminal_is_disconnected_with_the_reason(endpoints, site, case):
    frames, reason = CASES[case]
    ws_rec = Recorder()
    ws = endpoints.workstation(ws_rec)
    identity = site.issue("rogue-terminal", Kind.TERMINAL)
    context = client_context(identity, PeerPolicy.expecting(Side.WORKSTATION, (site.cert,)))
    code, text = asyncio.run(_talk(ws.address, context, frames))
    assert code == reason.close_code
    assert text.startswith(reason.value + ":")
    ws_rec.wait(lambda: ws.status.reason is reason, what="the workstation noted why")


def test_after_a_misbehaving_peer_a_proper_terminal_is_served(endpoints, site):
    ws_rec, term_rec = Recorder(), Recorder()
    ws = endpoints.workstation(ws_rec)
    context = client_context(site.issue("terminal-1", Kind.TERMINAL),
                             PeerPolicy.expecting(Side.WORKSTATION, (site.cert,)))
    asyncio.run(_talk(ws.address, context, [_hello(), b"junk"]))
    term = endpoints.terminal(ws.address, term_rec)
    term_rec.wait(lambda: term.status.state is LinkState.CONNECTED)
    # The rogue's session was dropped in favour of the real one; it resumed nothing.
    assert not term_rec.of(SessionOpened)[0].resumed
    term.send_log_entry("log", 0, b"real")
    ws_rec.wait(lambda: any(getattr(e, "message", None) and e.message.KIND == "log.entry"
                            for e in ws_rec.events))
