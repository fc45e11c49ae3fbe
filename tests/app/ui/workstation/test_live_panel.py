"""The live panel fed as the link feeds it: ink batches drawn and timed from their arrival,
a clear across the link said in the interface's language."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from app.ui.bridge import Bridge
from app.ui.i18n import Localization
from app.ui.workstation.live_panel import LivePanel
from app.ui.workstation.remote_terminal import follow_remote
from records.link import InkBatch, InkClear, InkSample, Received


class Terminal:
    """A terminal across the link as the panel sees it: a name and its link events."""

    name = "terminal-1"
    endpoint = None

    def __init__(self) -> None:
        self.listeners: list[Callable[[Any], None]] = []

    def subscribe(self, listener: Callable[[Any], None]) -> None:
        self.listeners.append(listener)

    def send(self, message: Any, seq: int) -> None:
        for listener in self.listeners:
            listener(Received(message=message, seq=seq, session="s"))


def panel_on_link(qtbot: Any) -> tuple[LivePanel, Terminal]:
    bridge = Bridge()
    panel = LivePanel(bridge)
    bridge.setParent(panel)
    qtbot.addWidget(panel)
    panel.resize(900, 600)
    panel.show()
    qtbot.waitExposed(panel)
    terminal = Terminal()
    follow_remote(panel, terminal)
    return panel, terminal


def lines(panel: LivePanel) -> list[str]:
    return [panel.events.item(i).text() for i in range(panel.events.count())]


def test_ink_from_the_link_is_drawn_and_timed_from_its_arrival(qtbot: Any) -> None:
    panel, terminal = panel_on_link(qtbot)
    panel.ink.latencies = []
    sent = time.perf_counter_ns()
    samples = tuple(InkSample(x=1000 + 40 * i, y=2000 + 25 * i, pressure=500, tilt_x=0,
                              tilt_y=0, device_time=i, host_ns=i * 5_000_000)
                    for i in range(20))
    terminal.send(InkBatch(record_id="R", turn=0, stroke=1, first=0, samples=samples), 1)
    qtbot.waitUntil(lambda: panel.ink.samples == 20 and len(panel.ink.latencies) == 20)
    assert panel.ink.stroke_count == 1
    # Timed from when the batch reached this machine, not from the terminal's clock.
    assert 0 < max(panel.ink.latencies) <= time.perf_counter_ns() - sent


def test_a_clear_across_the_link_is_said_in_the_interface_language(qtbot: Any) -> None:
    panel, terminal = panel_on_link(qtbot)
    terminal.send(InkClear(record_id="R", turn=0, reason="attempt 2"), 1)
    qtbot.waitUntil(lambda: any("attempt 2 begins" in line for line in lines(panel)))
    Localization.of().set_language("zh")
    terminal.send(InkClear(record_id="R", turn=0, reason="attempt 3"), 2)
    qtbot.waitUntil(lambda: panel.events.count() == 2)
    last = lines(panel)[-1]
    assert "attempt" not in last and "3" in last
