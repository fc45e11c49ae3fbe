"""The two-window demo walks a complete record by itself (autoplay): the prosecutor drafts it
in the drafting dialog, pushes it to the terminal over the TLS link on loopback, certifies it;
the recorder and the appropriate adult sign at the workstation's pad, the suspect at the
terminal (fingerprint and photo each); the record is sealed, filed and verified, and the
verifier window opens on its package."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.settings import Settings
from app.ui.demo import Demo, DemoOptions, DemoOutcome, prepare_demo
from records.signing import RecordState
from tests.app.ui.loop_watch import STALL_S, LoopWatch
from tests.app.ui.screens import glyph_problems


@pytest.fixture
def demo(qtbot: Any, settings: Settings, tmp_path: Path) -> Iterator[Demo]:
    options = DemoOptions(tmp_path / "demo", language="zh", autoplay=True, pen_speed=None,
                          video_size=(160, 120), pace_s=0.05)
    made = Demo(prepare_demo(settings, options.out, options.language), options)
    qtbot.addWidget(made.workstation)
    qtbot.addWidget(made.terminal)
    yield made
    made.close()


@pytest.mark.slow
def test_the_demo_autoplays_a_complete_record(demo: Demo, qtbot: Any) -> None:
    outcomes: list[DemoOutcome] = []
    demo.finished.connect(outcomes.append)
    watch = LoopWatch(demo.workstation)
    demo.finished.connect(lambda _outcome: watch.stop())
    assert demo.director is not None
    demo.director.stepped.connect(watch.mark)
    demo.show()
    watch.start()
    qtbot.waitUntil(lambda: bool(outcomes), timeout=240_000)
    watch.stop()
    outcome = outcomes[0]
    assert outcome.errors == () and outcome.ok, outcome
    assert outcome.package is not None and outcome.package.exists()
    assert outcome.report.ok and outcome.report.trusted
    window = demo.workstation
    assert window.open_record is not None and window.open_record.state is RecordState.SEALED
    assert demo.director is not None
    assert demo.director.steps + [demo.director.step] == ["case", "draft", "save", "saved", "push",
                                                         "certify", "turns", "seal", "report"]
    terminal_actions = demo.autoplays[0].actions
    assert {"next page", "sign", "confirm", "continue", "photo", "finish"} <= set(
        terminal_actions)
    pad_actions = demo.autoplays[1].actions
    assert pad_actions.count("finish") == 2  # the recorder and the appropriate adult
    live = window.signing.live
    lines = [live.events.item(i).text() for i in range(live.events.count())]
    assert any("terminal-1" in line for line in lines)
    assert live.ink.frames > 0 and live.camera.frames > 0
    assert glyph_problems(window) == [] and glyph_problems(demo.terminal) == []

    # The window kept turning all along: while drafting, pushing, signing, and while sealing,
    # which waits for the terminal's recording to come up the link (it is in the package).
    media = [c for c in outcome.report.checks if c.name == "media" and "terminal-1" in c.subject]
    assert media and all(c.verdict.value == "pass" for c in media)
    assert "seal" in watch.marks and "report" in watch.marks
    assert watch.ticks_between("seal", "report") > 20
    sealing = watch.longest_gap("seal", "report")
    assert sealing < STALL_S, f"the event loop stalled for {sealing:.3f} s while sealing"
    longest = watch.longest_gap()
    assert longest < STALL_S, f"the event loop stalled for {longest:.3f} s during the demo"
