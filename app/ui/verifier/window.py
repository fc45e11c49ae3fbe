"""The archivist's verifier window: open a sealed package or PDF, verify it in the background,
read the report, replay each signature beside its station's recording, walk the capture-log
timeline, and export the report as HTML or PDF."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QSplitter,
    QTabWidget,
    QWidget,
)

from app.settings import Settings
from app.ui.bridge import Bridge
from app.ui.errors import ErrorReporter
from app.ui.i18n import Localization, Retranslating, current_language
from app.ui.ops import Op, OpProgress, OpRunner
from app.ui.verifier.contents import VerifiedPackage, open_verified
from app.ui.verifier.export import write_html, write_pdf
from app.ui.verifier.options import OptionsDialog, VerificationOptions, load_options
from app.ui.verifier.replay_view import ReplayView
from app.ui.verifier.report_view import ReportView
from app.ui.verifier.timeline import TimelineEvent
from app.ui.verifier.timeline_view import TimelineView

__all__ = ["VerifierWindow"]


class VerifierWindow(Retranslating, QMainWindow):
    """One window per package being verified; ``path`` opens at once when given."""

    verified = Signal(object)   # the VerifiedPackage now shown
    ready = Signal()            # a verification's result is on screen (startup probe)
    exported = Signal(str)      # the path of a report just written
    options_loaded = Signal()

    def __init__(self, settings: Settings, path: Path | None = None, *,
                 trust_paths: Sequence[Path] = (), archive_key_path: Path | None = None,
                 passphrase: bytes | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verifier-window")
        self.setAcceptDrops(True)
        self.settings = settings
        self.bridge = Bridge(self)
        self.reporter = ErrorReporter(settings.log_path, self)
        self.op_runner = OpRunner(self.bridge, self.reporter, name="inkseal-verify",
                                  parent=self)
        self.options = VerificationOptions()
        self.package: VerifiedPackage | None = None
        self.path: Path | None = None
        self.dialog: QWidget | None = None
        self._closed = False
        self._verifying: Op[VerifiedPackage] | None = None

        self.report_view = ReportView(self)
        self.replay = ReplayView(self.bridge, self)
        self.timeline = TimelineView(self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("verifier-tabs")
        self.tabs.addTab(self.report_view, "")
        playback = QSplitter(Qt.Orientation.Vertical, self)
        playback.addWidget(self.replay)
        playback.addWidget(self.timeline)
        playback.setStretchFactor(0, 3)
        playback.setStretchFactor(1, 2)
        self.playback = playback
        self.tabs.addTab(playback, "")
        self.setCentralWidget(self.tabs)
        self.status_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.status_label, 1)
        self._build_actions()
        self.timeline.event_selected.connect(self.jump_to_event)
        self.replay.position_changed.connect(
            lambda us: self.timeline.set_cursor(self.replay.station, us))
        self.retranslate()
        self.resize(1280, 860)
        if archive_key_path is not None and passphrase is None:
            # The key's passphrase is asked in the options dialog, once the window is up.
            self.path = Path(path) if path is not None else None
            self.options = VerificationOptions(tuple(trust_paths), Path(archive_key_path))
            self.bridge.post(self._ask_passphrase, context=self)
        elif trust_paths or archive_key_path:
            self.apply_options(trust_paths, archive_key_path, passphrase, then_open=path)
        elif path is not None:
            self.open_path(path)

    # -- actions --------------------------------------------------------------------------
    def _action(self, keys: str | QKeySequence.StandardKey | None,
                slot: Callable[[], object]) -> QAction:
        action = QAction(self)
        if keys is not None:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.open_action = self._action(QKeySequence.StandardKey.Open, self.choose_file)
        self.open_folder_action = self._action("Ctrl+Shift+O", self.choose_folder)
        self.options_action = self._action("Ctrl+K", self.edit_options)
        self.verify_again_action = self._action("F5", self.verify_again)
        self.export_html_action = self._action("Ctrl+E", lambda: self.choose_export("html"))
        self.export_pdf_action = self._action("Ctrl+P", lambda: self.choose_export("pdf"))
        self.quit_action = self._action(QKeySequence.StandardKey.Quit, self.close)
        self.play_action = self._action("Space", self.replay.toggle)
        # Space belongs to the replay only: elsewhere it still presses buttons and boxes.
        self.removeAction(self.play_action)
        self.replay.addAction(self.play_action)
        self.play_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.toggle_language_action = self._action("Ctrl+L", lambda: self.switch_language(
            "en" if current_language() == "zh" else "zh"))
        self.focus_actions = [self._action(f"Alt+{n}", target) for n, target in enumerate((
            self._focus_report, self._focus_replay, self._focus_timeline), start=1)]
        menus = self.menuBar()
        self.file_menu = menus.addMenu("")
        for action in (self.open_action, self.open_folder_action, self.options_action,
                       self.verify_again_action):
            self.file_menu.addAction(action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.export_html_action)
        self.file_menu.addAction(self.export_pdf_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.view_menu = menus.addMenu("")
        self.view_menu.addAction(self.play_action)
        self.view_menu.addAction(self.toggle_language_action)
        self.view_menu.addSeparator()
        self.view_menu.addActions(self.focus_actions)
        self._update_actions()

    def retranslate(self) -> None:
        name = self.path.name if self.path else ""
        self.setWindowTitle(self.tr("Inkseal — Verifier {0}").format(name).rstrip())
        texts = {
            self.open_action: self.tr("&Open package or PDF…"),
            self.open_folder_action: self.tr("Open package &folder…"),
            self.options_action: self.tr("Verification &options…"),
            self.verify_again_action: self.tr("&Verify again"),
            self.export_html_action: self.tr("Export report as &HTML…"),
            self.export_pdf_action: self.tr("Export report as &PDF…"),
            self.quit_action: self.tr("&Quit"),
            self.play_action: self.tr("&Play or pause the replay"),
            self.toggle_language_action: self.tr("Switch &language"),
        }
        for action, text in texts.items():
            action.setText(text)
        for action, text in zip(self.focus_actions, (
                self.tr("Go to the report"), self.tr("Go to the replay"),
                self.tr("Go to the timeline")), strict=True):
            action.setText(text)
        self.file_menu.setTitle(self.tr("&File"))
        self.view_menu.setTitle(self.tr("&View"))
        self.tabs.setTabText(0, self.tr("Report"))
        self.tabs.setTabText(1, self.tr("Replay and timeline"))
        self.status_label.setText(self._options_text())

    def _options_text(self) -> str:
        roots = len(self.options.roots)
        trust = self.tr("%n trust root(s) given", "", roots) if roots else \
            self.tr("no trust roots given (results untrusted)")
        key = self.tr("archive key loaded") if self.options.archive_key is not None else \
            self.tr("no archive key (no biometric checks, no replay)")
        return f"{trust} · {key}"

    def _update_actions(self) -> None:
        busy = self._verifying is not None and not self._verifying.done
        has_report = self.package is not None
        self.verify_again_action.setEnabled(self.path is not None and not busy)
        self.export_html_action.setEnabled(has_report and not busy)
        self.export_pdf_action.setEnabled(has_report and not busy)

    # -- opening and verifying ------------------------------------------------------------
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open an evidence package or a sealed PDF"), "",
            self.tr("Packages and PDFs (*.zip *.pdf);;All files (*)"))
        if path:
            self.open_path(Path(path))

    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Open a package folder"))
        if path:
            self.open_path(Path(path))

    def open_path(self, path: Path) -> Op[VerifiedPackage] | None:
        """Verify ``path`` in the background and show the result."""
        self.path = Path(path)
        return self.verify_again()

    def verify_again(self) -> Op[VerifiedPackage] | None:
        if self.path is None or self._closed:
            return None
        path, options = self.path, self.options
        stage_texts = {"verify": self.tr("Verifying signatures, logs, recordings and files…"),
                       "logs": self.tr("Reading the capture logs…"),
                       "evidence": self.tr("Opening the evidence…"),
                       "media": self.tr("Finding the recordings…")}

        def work(progress: OpProgress) -> VerifiedPackage:
            return open_verified(path, trust=options.roots, archive_key=options.archive_key,
                                 stage=lambda done, total, name: progress.update(
                                     done, total, stage_texts[name]),
                                 check=progress.check)

        self.statusBar().showMessage(self.tr("Verifying {0}…").format(path.name))
        op = Op(self, work, self._verified).failure(self._verify_failed) \
            .with_progress(self.tr("Verifying {0}…").format(path.name)).cancellable(
                self._verify_cancelled)
        self._verifying = op
        op.run()
        self._update_actions()
        self.retranslate()
        return op

    def _verified(self, package: VerifiedPackage) -> None:
        previous, self.package = self.package, package
        self.statusBar().clearMessage()
        self.report_view.show_report(package.report)
        self.replay.show_package(package)
        self.timeline.show_package(package)
        if previous is not None:
            previous.close()
        self._update_actions()
        if QApplication.activeWindow() is None and self.isVisible():
            # The progress dialog has gone; without a window manager (a kiosk, a virtual
            # screen) nobody hands the keyboard back to this window.
            self.activateWindow()
        self.verified.emit(package)
        self.ready.emit()

    def _verify_failed(self, error: BaseException) -> None:
        self.statusBar().showMessage(self.tr("The verification could not run; see the message."))
        self._update_actions()
        self.reporter.report(self, error)

    def _verify_cancelled(self) -> None:
        self.statusBar().showMessage(self.tr("Verification cancelled."))
        self._update_actions()

    # -- options --------------------------------------------------------------------------
    def edit_options(self) -> OptionsDialog:
        dialog = OptionsDialog(self.options, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.apply_options(
            dialog.trust_paths, dialog.archive_key_path, dialog.passphrase,
            then_open=self.path))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _ask_passphrase(self) -> None:
        dialog = self.edit_options()
        dialog.passphrase_edit.setFocus()

    def apply_options(self, trust_paths: Sequence[Path], archive_key_path: Path | None,
                      passphrase: bytes | None, *, then_open: Path | None = None) -> None:
        """Load trust roots and the archive key in the background, then verify again."""
        trust_paths = tuple(trust_paths)

        def loaded(options: VerificationOptions) -> None:
            self.options = options
            self.retranslate()
            self.options_loaded.emit()
            if then_open is not None:
                self.open_path(then_open)

        Op(self, lambda progress: load_options(trust_paths, archive_key_path, passphrase),
           loaded).with_progress(self.tr("Opening the archive key…")).run()

    # -- replay and timeline --------------------------------------------------------------
    def jump_to_event(self, event: TimelineEvent) -> None:
        """Show the replay at ``event`` (its station, its moment; its signature if any)."""
        replay = self.replay
        if self.package is not None and event.field in self.package.signatures and (
                replay.signature is None or replay.signature.field != event.field):
            replay.select_signature(event.field)
        replay.pause()
        replay.select_station(event.station, keep_position=True)
        replay.seek(event.mono_us)

    # -- export ---------------------------------------------------------------------------
    def choose_export(self, kind: str) -> None:
        if self.package is None:
            return
        stem = self.path.stem if self.path else "report"
        filters = self.tr("HTML pages (*.html)") if kind == "html" else \
            self.tr("PDF documents (*.pdf)")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the report"),
                                              f"{stem}-verification.{kind}", filters)
        if path:
            self.export(Path(path), kind)

    def export(self, path: Path, kind: str) -> Op[Path] | None:
        """Write the report to ``path`` as ``html`` or ``pdf`` in the background."""
        if self.package is None:
            return None
        report, language = self.package.report, current_language()
        title = self.tr("Inkseal verification report")

        def work(progress: OpProgress) -> Path:
            progress.update(0, 1)
            if kind == "pdf":
                return write_pdf(report, path, language, title=title)
            return write_html(report, path, language)

        def done(written: Path) -> None:
            self.statusBar().showMessage(self.tr("Report written to {0}").format(written),
                                         10_000)
            self.exported.emit(str(written))

        return Op(self, work, done).with_progress(self.tr("Writing {0}…").format(path.name)) \
            .run()

    # -- view -----------------------------------------------------------------------------
    def _focus_report(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.report_view.checks.setFocus()

    def _focus_replay(self) -> None:
        self.tabs.setCurrentIndex(1)
        self.replay.slider.setFocus()

    def _focus_timeline(self) -> None:
        self.tabs.setCurrentIndex(1)
        self.timeline.table.setFocus()

    def switch_language(self, language: str) -> None:
        Localization.of().set_language(language)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            event.acceptProposedAction()
            self.open_path(Path(urls[0].toLocalFile()))

    # -- closing --------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop the replay, the ops (waiting for running ones), drop temporary copies."""
        if self._closed:
            return
        self._closed = True
        self.replay.close_player()
        self.op_runner.shutdown()
        self.bridge.close()
        if self.package is not None:
            self.package.close()
