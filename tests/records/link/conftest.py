"""Fixtures for the link tests: a throwaway site PKI, endpoints on loopback, an event recorder."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from crypto.pki import Kind
from records.link import (
    Backoff,
    InkSample,
    LinkEvent,
    LinkStatus,
    LinkTimings,
    PeerPolicy,
    Side,
    TerminalBrain,
    TerminalEndpoint,
    TransportTimings,
    TurnBegin,
    WorkstationEndpoint,
)

from .certs import LinkSite
from .proxy import TcpProxy

# Quick enough to keep the tests short, slack enough that a busy CI machine is not a 'stall'.
FAST = LinkTimings(heartbeat_interval=0.15, stall_timeout=1.0)
FAST_TRANSPORT = TransportTimings(open_timeout=1.0, close_timeout=0.5)
FAST_BACKOFF = Backoff(initial=0.05, maximum=0.3)


class Recorder:
    """Collects events and statuses from the link thread; tests wait on conditions."""

    def __init__(self) -> None:
        self.events: list[LinkEvent] = []
        self.statuses: list[LinkStatus] = []
        self._cond = threading.Condition()

    def event(self, event: LinkEvent) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def status(self, status: LinkStatus) -> None:
        with self._cond:
            self.statuses.append(status)
            self._cond.notify_all()

    def of(self, kind: type) -> list:
        with self._cond:
            return [e for e in self.events if isinstance(e, kind)]

    def wait(self, predicate: Callable[[], bool], timeout: float = 10.0, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting for {what or predicate}")
                self._cond.wait(min(left, 0.05))


@pytest.fixture
def site(tmp_path: Path) -> LinkSite:
    return LinkSite(tmp_path / "pki")


@pytest.fixture
def endpoints(tmp_path: Path, site: LinkSite) -> Iterator[Callable]:
    """Factories for endpoints with fast timings; everything started is stopped afterwards."""
    started: list = []

    def workstation(recorder: Recorder | None = None, *, identity=None, policy=None,
                    state: str = "ws", **kw) -> WorkstationEndpoint:
        ep = WorkstationEndpoint(
            listen=("127.0.0.1", 0),
            identity=identity or site.issue("workstation-1", Kind.WORKSTATION),
            policy=policy or PeerPolicy.expecting(Side.TERMINAL, (site.cert,)),
            state_dir=tmp_path / state, station="workstation-1",
            on_event=recorder.event if recorder else None,
            on_status=recorder.status if recorder else None,
            timings=kw.pop("timings", FAST), transport_timings=FAST_TRANSPORT,
            fsync=kw.pop("fsync", False), **kw)
        ep.start()
        started.append(ep)
        return ep

    def terminal(address: tuple[str, int], recorder: Recorder | None = None, *, identity=None,
                 policy=None, state: str = "term", name: str = "terminal-1",
                 **kw) -> TerminalEndpoint:
        ep = TerminalEndpoint(
            connect=address,
            identity=identity or site.issue(name, Kind.TERMINAL),
            policy=policy or PeerPolicy.expecting(Side.WORKSTATION, (site.cert,)),
            state_dir=tmp_path / state, station=name,
            on_event=recorder.event if recorder else None,
            on_status=recorder.status if recorder else None,
            timings=kw.pop("timings", FAST), transport_timings=FAST_TRANSPORT,
            backoff=kw.pop("backoff", FAST_BACKOFF), fsync=kw.pop("fsync", False), **kw)
        ep.start()
        started.append(ep)
        return ep

    class Factory:
        pass

    factory = Factory()
    factory.workstation = workstation  # type: ignore[attr-defined]
    factory.terminal = terminal  # type: ignore[attr-defined]
    factory.stop = lambda ep: (ep.stop(), started.remove(ep))  # type: ignore[attr-defined]
    yield factory
    for ep in reversed(started):
        ep.stop()


@pytest.fixture
def proxy_to() -> Iterator[Callable[[tuple[str, int]], TcpProxy]]:
    proxies: list[TcpProxy] = []

    def make(target: tuple[str, int]) -> TcpProxy:
        proxy = TcpProxy(target)
        proxy.start()
        proxies.append(proxy)
        return proxy

    yield make
    for proxy in proxies:
        proxy.stop()


class PlainBrain(TerminalBrain):
    """A terminal brain for link tests, without a signing station: it reports every page,
    draws ``samples`` pen samples in three strokes, answers with made-up outcome bytes, and
    on close sends its log entries, a checkpoint and (if given) uploads ``recording``."""

    def __init__(self, samples: int = 300, recording: Path | None = None) -> None:
        self.samples = samples
        self.recording = recording
        self.log: list[bytes] = []

    def _log(self, text: str) -> None:
        assert self.terminal is not None
        self.terminal.send_log_entry("log", len(self.log), text.encode())
        self.log.append(text.encode())

    def on_record(self, offer) -> None:
        assert self.terminal is not None
        self._log(f"shown {offer.record_id}")
        for page in range(1, offer.pages + 1):
            self.terminal.page_view(offer.record_id, "", page, 10)

    def on_turn(self, turn) -> None:
        assert self.terminal is not None
        self._log(f"turn {turn.turn}")
        per_stroke = max(1, self.samples // 3)
        for i in range(self.samples):
            self.terminal.pen_sample(turn.record_id, turn.turn, i // per_stroke,
                                     InkSample(i, i, 500, 0, 0, i, time.perf_counter_ns()))
        self.terminal.send_result(turn.record_id, turn.turn, turn.field_name, "signed",
                                  f"outcome of {turn.field_name}".encode(), simulated=True)

    def on_record_close(self, close) -> None:
        assert self.terminal is not None
        self._log(f"closed {close.record_id}")
        self.terminal.send_checkpoint("log", len(self.log), b"checkpoint")
        if self.recording is not None:
            self.terminal.upload_file(self.recording, media_type="video/x-matroska")


def turn_begin(record_id: str = "rec-1", turn: int = 1, pdf: bytes = b"%PDF-1.7\n") -> TurnBegin:
    """A turn request as the workstation sends it."""
    return TurnBegin(record_id=record_id, turn=turn, revision=1, field_name=f"Sig_{turn}",
                     signatory_id="suspect-1", signatory_name="王某", signatory_role="suspect",
                     label_zh="犯罪嫌疑人", label_en="suspect", pages=1,
                     pdf_sha256=hashlib.sha256(pdf).hexdigest(), prompt_zh="请签名",
                     prompt_en="Please sign", pdf=pdf)
