"""The terminal's brain: what happens at the terminal when the workstation asks for something.

A ``TerminalBrain`` is the hook the terminal's signing flow plugs into: the endpoint calls it on
its own worker thread (so it may block on devices), and the brain answers through the
terminal endpoint's thread-safe methods. ``ScriptedBrain`` is the headless stand-in used by
``inkseal terminal --headless`` and the tests: it reads every page, draws a synthetic
signature at 200 Hz and reports it — every result it produces says ``simulated``.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from records.link.ink import InkSample
from records.link.messages import RecordClose, RecordOffer, TurnBegin, TurnCancel

if TYPE_CHECKING:
    from records.link.terminal import TerminalEndpoint

__all__ = ["ScriptedBrain", "TerminalBrain"]


class TerminalBrain:
    """Hooks called on the terminal's brain thread; the default does nothing."""

    terminal: TerminalEndpoint | None = None

    def attach(self, terminal: TerminalEndpoint) -> None:
        """The endpoint this brain answers through."""
        self.terminal = terminal

    def detach(self) -> None:
        """The endpoint is stopping: give up long work soon."""

    def on_record(self, offer: RecordOffer) -> None:
        """A record arrived and its SHA-256 matched: show it."""

    def on_turn(self, turn: TurnBegin) -> None:
        """A signatory's turn: prompt, capture ink, fingerprint and photo, report the result."""

    def on_turn_cancel(self, cancel: TurnCancel) -> None:
        """The workstation called the turn off."""

    def on_record_close(self, close: RecordClose) -> None:
        """The workstation is done with the record (sealed or withdrawn)."""


@dataclass(frozen=True)
class Script:
    """How the scripted brain behaves."""

    sample_rate: int = 200
    """Pen samples per second."""
    samples_per_turn: int = 400
    strokes: int = 3
    pace: float = 1.0
    """1.0 draws in real time; 0 draws as fast as it can (tests)."""
    page_dwell: float = 0.0
    """Seconds each page stays on screen."""
    recording: Path | None = None
    """Uploaded when the record is closed, if set."""


class ScriptedBrain(TerminalBrain):
    """Reads, signs and uploads on a script, with simulated devices; says so in everything."""

    def __init__(self, script: Script = Script(), log_id: str = "terminal-simulated") -> None:
        self.script = script
        self.log_id = log_id
        self._cancel = threading.Event()
        self._log_index = 0
        self.signed: list[str] = []

    def detach(self) -> None:
        self._cancel.set()

    def _log(self, **entry) -> None:
        assert self.terminal is not None
        line = json.dumps({"simulated": True, **entry}, sort_keys=True).encode("utf-8")
        self.terminal.send_log_entry(self.log_id, self._log_index, line)
        self._log_index += 1

    def on_record(self, offer: RecordOffer) -> None:
        assert self.terminal is not None
        self._log(event="record.shown", record_id=offer.record_id, sha256=offer.sha256)
        for page in range(1, offer.pages + 1):
            self.terminal.page_view(offer.record_id, page, "shown")
            self._cancel.wait(self.script.page_dwell)
            self.terminal.page_view(offer.record_id, page, "hidden")

    def on_turn(self, turn: TurnBegin) -> None:
        assert self.terminal is not None
        s = self.script
        self._log(event="turn.begin", record_id=turn.record_id, turn=turn.turn,
                  signatory=turn.signatory_id, prompt=turn.prompt_en)
        track = hashlib.sha256()
        period = 1.0 / s.sample_rate
        start = time.perf_counter()
        per_stroke = max(1, s.samples_per_turn // s.strokes)
        for i in range(s.samples_per_turn):
            if self._cancel.is_set():
                return
            if s.pace:
                delay = start + i * period / s.pace - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            stroke = i // per_stroke
            phase = 2 * math.pi * (i % per_stroke) / per_stroke
            sample = InkSample(x=int(4000 + 3000 * math.sin(phase + stroke)),
                               y=int(2500 + 1500 * math.sin(2 * phase)),
                               pressure=int(600 + 400 * math.sin(phase) ** 2), tilt_x=0, tilt_y=0,
                               device_time=i * 5000, host_ns=time.perf_counter_ns())
            track.update(repr(sample).encode())
            self.terminal.pen_sample(turn.record_id, turn.turn, stroke, sample)
        self.terminal.flush_ink()
        evidence = json.dumps({"simulated": True, "signatory_id": turn.signatory_id,
                               "samples": s.samples_per_turn, "track_sha256": track.hexdigest()},
                              sort_keys=True).encode("utf-8")
        self.terminal.send_result(turn.record_id, turn.turn, turn.signatory_id, "signed",
                                  evidence, simulated=True)
        self._log(event="turn.end", record_id=turn.record_id, turn=turn.turn, outcome="signed")
        self.signed.append(turn.signatory_id)

    def on_record_close(self, close: RecordClose) -> None:
        assert self.terminal is not None
        self._log(event="record.closed", record_id=close.record_id, reason=close.reason)
        self.terminal.send_checkpoint(self.log_id, self._log_index,
                                      json.dumps({"simulated": True, "entries": self._log_index})
                                      .encode("utf-8"))
        if self.script.recording is not None:
            self.terminal.upload_file(self.script.recording, media_type="video/x-matroska")
