"""The terminal's brain: what happens at the terminal when the workstation asks for something.

A ``TerminalBrain`` is the hook the terminal's signing flow plugs into
(``records.session_remote.StationBrain`` drives a real signing station with it). The endpoint
calls the hooks on its own brain thread, one at a time and in order, so they may block on
devices; ``on_turn_cancel`` alone runs on another thread, so it can reach a turn that is
still running. The brain answers through the terminal endpoint's thread-safe methods.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from records.link.messages import LogRequest, RecordClose, RecordOffer, TurnBegin, TurnCancel

if TYPE_CHECKING:
    from records.link.terminal import TerminalEndpoint

__all__ = ["TerminalBrain"]


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
        """A signatory's turn: read, sign, fingerprint and photo, then report the result."""

    def on_turn_cancel(self, cancel: TurnCancel) -> None:
        """The workstation called the turn off (on its own thread: the turn may be running)."""

    def on_record_close(self, close: RecordClose) -> None:
        """The workstation is done with the record (sealed or withdrawn)."""

    def on_log_request(self, request: LogRequest) -> None:
        """The workstation lacks log entries from ``request.from_index`` on: send them again."""
