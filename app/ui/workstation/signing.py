"""The workstation's signing side: push a record to a terminal, sign as prosecutor, let each
signatory sign where they are (the terminal, or this workstation's pad), seal and file, and
reopen a sealed record's verification report.

:class:`SigningController` owns the actions and the record's
:class:`~app.ui.workstation.signing_session.SigningSession`; every step runs as an
:class:`~app.ui.ops.Op` of the window, so the window never waits on a device, a signature, a
remote terminal or the seal.  Turns follow one another by themselves after the
certification until the record is ready to seal (or a refusal stops it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from app.ui.errors import describe_error
from app.ui.i18n import current_language
from app.ui.ops import Op, OpProgress
from app.ui.workstation.live_panel import LivePanel
from app.ui.workstation.local_pad import LocalPadDialog
from app.ui.workstation.signing_dialogs import CertifyDialog, PushDialog
from records.signing import RecordState

if TYPE_CHECKING:  # the signing stack loads with the first push, not with the window
    from app.ui.workstation.signing_session import FiledRecord, SigningSession, StationMaker
    from app.ui.workstation.window import WorkstationWindow
    from records.views import RecordView

__all__ = ["SigningController", "TerminalOption"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TerminalOption:
    """A terminal the record can be pushed to: how it is named, and how its station is made
    for a record (``maker(controller)`` is called on the GUI thread when pushing)."""

    key: str
    label: Callable[[], str]
    maker: Callable[[SigningController], StationMaker]


class SigningController(QObject):
    """See the module docstring."""

    session_opened = Signal()
    turn_done = Signal(object)   # TurnReport
    filed = Signal(object)       # FiledRecord
    step_failed = Signal(str)    # the message shown

    def __init__(self, window: WorkstationWindow, *,
                 pad: Callable[[SigningController], StationMaker]) -> None:
        super().__init__(window)
        self.window = window
        self.settings = window.settings
        self.terminals: dict[str, TerminalOption] = {}
        self._pad = pad
        self.session: SigningSession | None = None
        self.passphrase: bytes | None = None
        self.dialog: QWidget | None = None
        self.live = LivePanel(window.bridge, window)
        self.pad_dialog = LocalPadDialog(window.bridge, window,
                                         mouse_allowed=self.settings.devices.mode == "simulated")
        self.filed_record: FiledRecord | None = None
        self.viewers: list[QWidget] = []
        self.running = False  # a step of the session is under way
        self.certify_action = self._action("Ctrl+Shift+S", self.certify)
        self.seal_action = self._action("Ctrl+Shift+E", self.seal)
        self.report_action = self._action("Ctrl+Shift+R", self.open_report)
        window.live.attach(self.live)

    def _action(self, keys: str, slot: Callable[[], object]) -> QAction:
        action = QAction(self.window)
        action.setShortcut(QKeySequence(keys))
        action.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(action)
        return action

    def retranslate(self) -> None:
        self.certify_action.setText(self.tr("&Sign as prosecutor…"))
        self.seal_action.setText(self.tr("S&eal and file"))
        self.report_action.setText(self.tr("Verification &report"))

    def add_terminal(self, option: TerminalOption) -> None:
        """Offer ``option`` when pushing."""
        self.terminals[option.key] = option
        self.update_actions()
        self.window.retranslate()

    # -- state ----------------------------------------------------------------------------
    @property
    def record(self) -> RecordView | None:
        return self.window.open_record

    def _session_for(self, record: RecordView | None) -> SigningSession | None:
        session = self.session
        return session if session is not None and record is not None \
            and session.record_id == record.id else None

    def update_actions(self) -> None:
        record = self.record
        state = record.state if record is not None else None
        session = self._session_for(record)
        free = not self.running
        self.window.push_action.setEnabled(
            free and bool(self.terminals) and session is None
            and state in (RecordState.DRAFT, RecordState.SIGNING))
        current = record.current_signatory if record is not None else None
        self.certify_action.setEnabled(free and session is not None and current is not None
                                       and current.order == 1)
        self.seal_action.setEnabled(free and session is not None
                                    and state is RecordState.READY)
        self.report_action.setEnabled(state is RecordState.SEALED)

    def _failed(self, error: BaseException) -> None:
        self.running = False
        message = describe_error(error, current_language())[0] or str(error)
        self.live.turn_ended(self.tr("Stopped: {0}").format(message))
        self.step_failed.emit(message)
        self.window.reporter.report(self.window, error)
        self.update_actions()
        self.window.refresh_open_record()

    # -- push -----------------------------------------------------------------------------
    def push(self) -> PushDialog | None:
        """Ask where to push the open record, then push it."""
        record = self.record
        if record is None or not self.terminals:
            return None
        options = [(key, option.label()) for key, option in self.terminals.items()]
        dialog = PushDialog(self.window.record_title(record), options,
                            need_passphrase=self.passphrase is None, parent=self.window)
        dialog.accepted.connect(lambda: self._push(record, dialog.terminal_key,
                                                   dialog.passphrase.text().encode("utf-8")))
        self._show(dialog)
        return dialog

    def _push(self, record: RecordView, key: str, typed: bytes) -> None:
        passphrase = self.passphrase or typed
        terminal = self.terminals[key].maker(self)
        pad = self._pad(self)
        settings, services = self.settings, self.window.services
        assert services is not None
        blobs = services.blobs

        def work(progress: OpProgress) -> tuple[SigningSession, bytes]:
            from app.ui.workstation.signing_session import SigningSession

            session = SigningSession.open(settings, services, passphrase, record.id,
                                          terminal=terminal, pad=pad)
            try:
                view = session.push()
                return session, blobs.read_bytes(view.current_pdf_sha256)
            except BaseException:
                session.close()
                raise

        self.running = True
        self.update_actions()
        Op(self.window, work, lambda result: self._pushed(passphrase, *result)) \
            .failure(self._push_failed).with_progress(self.tr("Pushing the record…")).run()

    def _push_failed(self, error: BaseException) -> None:
        if getattr(error, "reason", "") == "wrong_passphrase":
            self.passphrase = None
        self._failed(error)

    def _pushed(self, passphrase: bytes, session: SigningSession, pdf: bytes) -> None:
        self.passphrase = passphrase
        self.session = session
        self.running = False
        record = self.record
        self.live.show_record(pdf, self.window.record_title(record) if record else "")
        self.window.live.bring_forward()
        self.session_opened.emit()
        self.window.refresh_open_record(then=self._after_step)

    # -- the steps, one after another -----------------------------------------------------
    def _after_step(self) -> None:
        """What comes next for the open record: certify, the next turn, or the seal."""
        self.update_actions()
        record, session = self.record, self._session_for(self.record)
        if session is None or record is None or self.running:
            return
        current = record.current_signatory
        if current is not None and current.order == 1:
            self.certify()
        elif current is not None:
            self.run_turn()
        elif record.state is RecordState.READY:
            self.live.turn_ended(self.tr("Everyone has signed or refused: the record can be "
                                         "sealed."))

    def certify(self) -> CertifyDialog | None:
        """Ask for the officer key's passphrase (or token PIN) and certify."""
        session, record = self._session_for(self.record), self.record
        if session is None or record is None or record.current_signatory is None:
            return None
        dialog = CertifyDialog(record.current_signatory.name, session.officer_key_on_token(),
                               self.window)
        dialog.secret_given.connect(lambda secret: self._certify(session, dialog, secret))
        self._show(dialog)
        return dialog

    def _certify(self, session: SigningSession, dialog: CertifyDialog, secret: str) -> None:
        from app.ui.workstation.signing_session import OfficerUnlock

        unlock = OfficerUnlock.pin(secret) if session.officer_key_on_token() \
            else OfficerUnlock.passphrase(secret.encode("utf-8"))

        def refused(error: BaseException) -> None:
            self.running = False
            dialog.refuse(describe_error(error, current_language())[0] or str(error))
            self.update_actions()

        def certified(_view: RecordView) -> None:
            self.running = False
            dialog.accept()
            self.live.turn_ended(self.tr("Certified by the prosecutor."))
            self.window.refresh_open_record(then=self._after_step)

        self.running = True
        self.update_actions()
        Op(self.window, lambda progress: session.certify(unlock), certified) \
            .failure(refused).with_progress(self.tr("Signing as prosecutor…")).run()

    def run_turn(self) -> None:
        """The current signatory's turn at their station (the window stays free)."""
        session, record = self._session_for(self.record), self.record
        if session is None or record is None or record.current_signatory is None:
            return
        signatory = record.current_signatory
        station = session.stations.get(signatory.station)
        self.live.turn_started(signatory, station.name if station is not None else "?")

        def done(report: Any) -> None:
            self.running = False
            outcome = report.outcome
            self.live.turn_ended(self.tr("{0}: signed").format(report.field_name)
                                 if outcome.signed else self.tr("{0}: refused — {1}").format(
                report.field_name, outcome.refusal_reason))
            self.turn_done.emit(report)
            self.window.refresh_open_record(then=self._after_step)

        self.running = True
        self.update_actions()
        Op(self.window, lambda progress: session.run_turn(), done).failure(self._failed).run()

    # -- seal, file, reopen ---------------------------------------------------------------
    def seal(self) -> Op[FiledRecord] | None:
        """Seal the record, write its evidence package, verify it; then show the report."""
        session = self._session_for(self.record)
        if session is None:
            return None
        texts = {"seal": self.tr("Sealing the record…"),
                 "package": self.tr("Writing the evidence package…"),
                 "verify": self.tr("Verifying the package…")}
        steps = list(texts)

        def work(progress: OpProgress) -> FiledRecord:
            return session.seal_and_file(lambda step: progress.update(
                steps.index(step), len(steps), texts[step]))

        self.running = True
        self.update_actions()
        return Op(self.window, work, self._filed).failure(self._failed) \
            .with_progress(texts["seal"]).run()

    def _filed(self, filed: FiledRecord) -> None:
        self.running = False
        self.filed_record = filed
        session, self.session = self.session, None
        if session is not None:
            Op(self.window, lambda progress: session.close()).run()
        verdict = filed.report.summary_line()
        self.live.turn_ended(self.tr("Sealed and filed: {0}").format(filed.package))
        self.live.turn_ended(verdict)
        self.filed.emit(filed)
        self.window.refresh_open_record(then=self.update_actions)

    def open_report(self) -> QWidget | None:
        """The verification report of the open sealed record (the verifier window)."""
        record = self.record
        if record is None or record.state is not RecordState.SEALED:
            return None
        from app.ui.workstation.signing_session import package_path

        path = package_path(self.settings, record.id)
        if not path.exists():
            QMessageBox.information(self.window, self.tr("Verification report"), self.tr(
                "No evidence package of this record is filed here ({0}).").format(path))
            return None
        from app.ui.verifier.window import VerifierWindow

        root = self.settings.pki_path / "ca" / "root-ca.cert.pem"
        viewer = VerifierWindow(self.settings, Path(path),
                                trust_paths=[root] if root.exists() else [])
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.show()
        self.viewers.append(viewer)
        viewer.destroyed.connect(lambda _obj=None, v=viewer: self.viewers.remove(v)
                                 if v in self.viewers else None)
        return viewer

    # -- plumbing -------------------------------------------------------------------------
    def _show(self, dialog: QWidget) -> None:
        self.dialog = dialog
        self.window.show_dialog(dialog)

    def cancel(self) -> None:
        """The window is closing: call off every turn waiting at a station, so the ops
        driving them end (before the window waits for its ops)."""
        self.pad_dialog.shutdown()
        if self.session is not None:
            self.session.cancel("the workstation window was closed")

    def shutdown(self) -> None:
        """After the ops have ended: close the session (stations, logs, timestamps)."""
        self.live.stop_following()
        session, self.session = self.session, None
        if session is not None:
            session.close()
        self.passphrase = None
        for viewer in list(self.viewers):
            viewer.close()
