"""The prosecutor's workstation window: cases, their persons and records, drafting from the
templates, each record's PDF, and the signing side (push to a terminal, the live view, sign
as prosecutor, the workstation's own pad, seal and file, the verification report: see
:mod:`app.ui.workstation.signing`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QWidget,
)

from app import __version__
from app.settings import Settings
from app.ui.bridge import Bridge
from app.ui.errors import ErrorReporter
from app.ui.i18n import Localization, Retranslating, current_language
from app.ui.ops import Op, OpProgress, OpRunner
from app.ui.pdf_preview import PdfPreview
from app.ui.services import ServicesSource, WorkstationServices, local_now
from app.ui.style import apply_style
from app.ui.workstation.cases import CaseDialog, CasePanel
from app.ui.workstation.draft import DraftDialog
from app.ui.workstation.live import LivePlace
from app.ui.workstation.persons import PersonDialog, PersonPanel
from app.ui.workstation.records import RecordPanel, state_name
from app.ui.workstation.signing import SigningController, TerminalOption
from app.ui.workstation.stations import StationConfigMaker, pad_maker, settings_config
from app.ui.workstation.template_choice import TemplateDialog

if TYPE_CHECKING:
    from records.views import CaseView, PersonView, RecordSummary, RecordView

__all__ = ["WorkstationWindow"]


class WorkstationWindow(Retranslating, QMainWindow):
    """One window per workstation.  ``services`` are either open already or a function that
    opens them, which then runs in the background while the window is on screen.
    ``terminals`` are offered when pushing a record (none: pushing is off);
    ``station_config`` gives the devices of this workstation's own pad (default: the
    ``devices.*`` settings)."""

    ready = Signal()  # the services are open and the cases are listed

    def __init__(self, settings: Settings, services: ServicesSource,
                 parent: QWidget | None = None, *,
                 clock: Callable[[], datetime] = local_now,
                 terminals: Sequence[TerminalOption] | None = None,
                 station_config: StationConfigMaker | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workstation-window")
        self.settings, self.clock = settings, clock
        self.bridge = Bridge(self)
        self.reporter = ErrorReporter(settings.log_path, self)
        self.op_runner = OpRunner(self.bridge, self.reporter, parent=self)
        self.services: WorkstationServices | None = None
        self._opened: list[WorkstationServices] = []  # appended by the worker that opens them
        self._is_ready = False
        self._closed = False
        self.dialog: QWidget | None = None  # the dialog open now, if any
        self.open_record: RecordView | None = None

        self.cases = CasePanel(self)
        self.persons = PersonPanel(self)
        self.records = RecordPanel(self)
        # Made in the order Tab visits them: the tab bar before the pages it switches.
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("record-tabs")
        self.preview = PdfPreview(self)
        self.live = LivePlace(self)
        self.tabs.addTab(self.preview, "")
        self.tabs.addTab(self.live, "")
        middle = QSplitter(Qt.Orientation.Vertical, self)
        middle.addWidget(self.persons)
        middle.addWidget(self.records)
        main = QSplitter(self)
        for widget in (self.cases, middle, self.tabs):
            main.addWidget(widget)
        main.setStretchFactor(2, 1)
        main.setSizes([220, 400, 660])
        self.setCentralWidget(main)
        self.station_label, self.database_label = QLabel(self), QLabel(self)
        self.statusBar().addPermanentWidget(self.station_label)
        self.statusBar().addPermanentWidget(self.database_label)
        self._build_actions()
        self.signing = SigningController(self, pad=pad_maker(station_config or settings_config(
            settings)))
        self._signing_menus()
        for option in terminals or ():
            self.signing.add_terminal(option)
        self.cases.case_selected.connect(self._show_case)
        self.cases.new_button.clicked.connect(self.new_case)
        self.persons.add_button.clicked.connect(self.add_person)
        self.records.new_button.clicked.connect(self.new_record)
        self.records.open_requested.connect(self.load_record)
        self.records.table.itemSelectionChanged.connect(self._update_actions)
        self.retranslate()
        self.resize(1280, 800)
        if isinstance(services, WorkstationServices):
            self._services_ready(services)
        else:
            self._open_services(services)

    # -- actions --------------------------------------------------------------------------
    def _action(self, keys: str | QKeySequence.StandardKey | None,
                slot: Callable[[], object] | None) -> QAction:
        action = QAction(self)
        if keys is not None:
            action.setShortcut(QKeySequence(keys))
        if slot is not None:
            action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)  # shortcuts work wherever the focus is in the window
        return action

    def _build_actions(self) -> None:
        self.new_case_action = self._action("Ctrl+Shift+N", self.new_case)
        self.add_person_action = self._action("Ctrl+Shift+P", self.add_person)
        self.new_record_action = self._action("Ctrl+N", self.new_record)
        self.open_record_action = self._action("Ctrl+O", self._open_selected)
        self.push_action = self._action("Ctrl+T", lambda: self.signing.push())
        self.push_action.setEnabled(False)  # until a record is open and a terminal offered
        self.refresh_action = self._action(QKeySequence.StandardKey.Refresh, self.refresh_cases)
        self.quit_action = self._action(QKeySequence.StandardKey.Quit, self.close)
        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for language in ("zh", "en"):
            action = QAction(self.language_group)
            action.setCheckable(True)
            action.setChecked(language == current_language())
            action.triggered.connect(lambda _checked=False, lang=language: self.switch_language(
                lang))
            self.language_actions[language] = action
        self.toggle_language_action = self._action("Ctrl+L", lambda: self.switch_language(
            "en" if current_language() == "zh" else "zh"))
        self.large_type_action = self._action(None, None)
        self.large_type_action.setCheckable(True)
        self.large_type_action.toggled.connect(self._large_type)
        self.focus_actions = [self._action(f"Alt+{n}", target) for n, target in
                              enumerate((self.cases.list.setFocus, self.persons.table.setFocus,
                                         self.records.table.setFocus, self._focus_document),
                                        start=1)]
        self.about_action = self._action(None, self._about)

        menus = self.menuBar()
        self.station_menu = menus.addMenu("")
        for action in (self.new_case_action, self.add_person_action, self.new_record_action,
                       self.open_record_action, self.push_action, self.refresh_action):
            self.station_menu.addAction(action)
        self.station_menu.addSeparator()
        self.station_menu.addAction(self.quit_action)
        self.view_menu = menus.addMenu("")
        self.language_menu = self.view_menu.addMenu("")
        self.language_menu.addActions(list(self.language_actions.values()))
        self.view_menu.addAction(self.toggle_language_action)
        self.view_menu.addAction(self.large_type_action)
        self.view_menu.addSeparator()
        self.view_menu.addActions(self.focus_actions)
        self.help_menu = menus.addMenu("")
        self.help_menu.addAction(self.about_action)
        self.toolbar = self.addToolBar("")
        self.toolbar.setObjectName("workstation-toolbar")
        for action in (self.new_case_action, self.add_person_action, self.new_record_action,
                       self.push_action):
            self.toolbar.addAction(action)
        self._update_actions()

    def _signing_menus(self) -> None:
        signing = self.signing
        actions = (signing.certify_action, signing.seal_action, signing.report_action)
        self.signing_menu = self.menuBar().addMenu("")
        self.menuBar().insertMenu(self.view_menu.menuAction(), self.signing_menu)
        self.signing_menu.addAction(self.push_action)
        self.signing_menu.addActions(list(actions))
        self.toolbar.addActions([signing.certify_action, signing.seal_action])
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Inkseal — Workstation {0}").format(self.settings.station_id))
        if hasattr(self, "signing_menu"):
            self.signing_menu.setTitle(self.tr("&Signing"))
        texts = {
            self.new_case_action: self.tr("New &case…"),
            self.add_person_action: self.tr("Add &person…"),
            self.new_record_action: self.tr("New &record…"),
            self.open_record_action: self.tr("&Open record"),
            self.push_action: self.tr("Push to &terminal"),
            self.refresh_action: self.tr("Re&fresh"),
            self.quit_action: self.tr("&Quit"),
            self.toggle_language_action: self.tr("Switch &language"),
            self.large_type_action: self.tr("Lar&ge type"),
            self.about_action: self.tr("&About Inkseal"),
        }
        for action, text in texts.items():
            action.setText(text)
        self.push_action.setToolTip(self.tr(
            "Push the open record to a terminal: the signatories read it there page by page "
            "and sign; the live view follows.") if getattr(self, "signing", None) is not None
            and self.signing.terminals else self.tr(
            "The terminal link is not configured on this workstation, so records cannot be "
            "pushed to a terminal yet."))
        self.push_action.setStatusTip(self.push_action.toolTip())
        if hasattr(self, "signing"):
            self.signing.retranslate()
        self.language_actions["zh"].setText("中文")  # untranslated: each language in itself
        self.language_actions["en"].setText("English")  # untranslated: each language in itself
        for action, text in zip(self.focus_actions, (
                self.tr("Go to the cases"), self.tr("Go to the persons"),
                self.tr("Go to the records"), self.tr("Go to the document")), strict=True):
            action.setText(text)
        self.station_menu.setTitle(self.tr("&Workstation"))
        self.view_menu.setTitle(self.tr("&View"))
        self.language_menu.setTitle(self.tr("Interface language"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.toolbar.setWindowTitle(self.tr("Main actions"))
        self.tabs.setTabText(0, self.tr("Document"))
        self.tabs.setTabText(1, self.live.title())
        self.station_label.setText(self.tr("Station: {0}").format(self.settings.station_id))
        self.database_label.setText(
            self.tr("Database: {0}").format(self.services.database.url) if self.services
            else self.tr("Opening the database…"))
        if self.open_record is not None:
            self.preview.title.setText(self.record_title(self.open_record))

    def _update_actions(self) -> None:
        has_case = self.services is not None and self.cases.current is not None
        self.new_case_action.setEnabled(self.services is not None)
        self.cases.new_button.setEnabled(self.services is not None)
        self.add_person_action.setEnabled(has_case)
        self.persons.add_button.setEnabled(has_case)
        self.new_record_action.setEnabled(has_case)
        self.records.new_button.setEnabled(has_case)
        self.open_record_action.setEnabled(has_case and self.records.current is not None)
        if hasattr(self, "signing"):
            self.signing.update_actions()

    # -- services -------------------------------------------------------------------------
    def _open_services(self, opener: Callable[[], WorkstationServices]) -> None:
        opened = self._opened

        def work(progress: OpProgress) -> WorkstationServices:
            services = opener()
            opened.append(services)  # whoever closes the window shuts these down
            return services

        self.statusBar().showMessage(self.tr("Opening the database…"))
        Op(self, work, self._services_ready).failure(self._services_failed).run()

    def _services_failed(self, error: BaseException) -> None:
        self.statusBar().showMessage(self.tr("The database could not be opened; see the "
                                             "message and the log."))
        self.reporter.report(self, error)

    def _services_ready(self, services: WorkstationServices) -> None:
        self.services = services
        if services not in self._opened:
            self._opened.append(services)
        self.statusBar().clearMessage()
        self.retranslate()
        self._update_actions()
        self.refresh_cases()

    # -- cases and persons ----------------------------------------------------------------
    def refresh_cases(self, select: str | None = None) -> None:
        """List the cases again (keeping the selected one, or selecting ``select``)."""
        if self.services is None:
            return
        records = self.services.records
        Op(self, lambda progress: records.list_cases().result(),
           lambda cases: self._cases_listed(cases, select)).run()

    def _cases_listed(self, cases: tuple[CaseView, ...], select: str | None) -> None:
        self.cases.set_cases(cases, select)
        self._update_actions()
        if not self._is_ready:
            self._is_ready = True
            self.ready.emit()

    def _show_case(self, case: CaseView | None) -> None:
        self.persons.set_persons(case.persons if case else ())
        self.records.set_records(())
        self.preview.clear()
        self.open_record = None
        self._update_actions()
        if case is not None:
            self.refresh_records(case.id)

    def refresh_records(self, case_id: str, select: str | None = None) -> None:
        assert self.services is not None
        records = self.services.records
        Op(self, lambda progress: records.list_records(case_id).result(),
           lambda rows: self._records_listed(case_id, rows, select)).run()

    def _records_listed(self, case_id: str, rows: tuple[RecordSummary, ...],
                        select: str | None) -> None:
        current = self.cases.current
        if current is not None and current.id == case_id:  # not a late answer for another
            self.records.set_records(rows, select)
            self._update_actions()

    def new_case(self) -> None:
        if self.services is None:
            return
        dialog = CaseDialog(self.services.records, self)
        dialog.created.connect(lambda case: self.refresh_cases(case.id))
        self._show_dialog(dialog)

    def add_person(self) -> None:
        case = self.cases.current
        if self.services is None or case is None:
            return
        dialog = PersonDialog(self.services.records, case, self, today=self.clock().date())
        dialog.added.connect(self._person_added)
        self._show_dialog(dialog)

    def _person_added(self, person: PersonView) -> None:
        assert self.services is not None
        records = self.services.records
        Op(self, lambda progress: records.load_case(person.case_id).result(),
           self.cases.replace).run()

    # -- records --------------------------------------------------------------------------
    def new_record(self) -> None:
        case = self.cases.current
        if self.services is None or case is None:
            return
        chooser = TemplateDialog(self.services.templates, self)
        # Opened once the chooser has gone, so that the window manager does not hand the
        # activation back to this window behind the new dialog.
        chooser.accepted.connect(lambda: self.bridge.post(
            self.draft, chooser.template_id, chooser.record_language, context=self))
        self._show_dialog(chooser)

    def draft(self, template_id: str, language: str) -> DraftDialog | None:
        """Open the drafting dialog for a template of the selected case."""
        case = self.cases.current
        if self.services is None or case is None:
            return None
        dialog = DraftDialog(self.services, case, self.services.templates[template_id],
                             language, self, clock=self.clock)
        dialog.saved.connect(self._record_saved)
        self._show_dialog(dialog)
        return dialog

    def _record_saved(self, record: RecordView, pdf: bytes) -> None:
        self.refresh_records(record.summary.case_id, select=record.id)
        self._show_record(record, pdf)

    def _open_selected(self) -> None:
        current = self.records.current
        if current is not None:
            self.load_record(current.id)

    def load_record(self, record_id: str) -> None:
        """Show a record's current PDF (the newest signed state, or the sealed one)."""
        assert self.services is not None
        records, blobs = self.services.records, self.services.blobs

        def work(progress: OpProgress) -> tuple[RecordView, bytes]:
            record = records.load_record(record_id).result()
            return record, blobs.read_bytes(record.current_pdf_sha256)

        Op(self, work, lambda result: self._show_record(*result)) \
            .with_progress(self.tr("Opening the record…")).run()

    def _show_record(self, record: RecordView, pdf: bytes, *, front: bool = True) -> None:
        self.open_record = record
        self.preview.show_pdf(pdf, self.record_title(record))
        if front:
            self.tabs.setCurrentWidget(self.preview)
        self._update_actions()

    def refresh_open_record(self, then: Callable[[], object] | None = None) -> None:
        """Load the open record again (it was signed, sealed...), keep the tab in front,
        refresh the list; then ``then()``."""
        record = self.open_record
        if self.services is None or record is None:
            return
        records, blobs = self.services.records, self.services.blobs

        def work(progress: OpProgress) -> tuple[RecordView, bytes]:
            view = records.load_record(record.id).result()
            return view, blobs.read_bytes(view.current_pdf_sha256)

        def shown(result: tuple[RecordView, bytes]) -> None:
            if self.open_record is None or self.open_record.id != record.id:
                return
            self._show_record(*result, front=False)
            self.refresh_records(record.summary.case_id, select=record.id)
            if then is not None:
                then()

        Op(self, work, shown).run()

    def record_title(self, record: RecordView) -> str:
        """The record's title, state and revision, in the interface language."""
        summary = record.summary
        title = summary.title_en if current_language() == "en" else summary.title_zh
        return self.tr("{0} · {1} · revision {2}").format(title, state_name(summary.state),
                                                          summary.head_revision)

    # -- view -----------------------------------------------------------------------------
    def _focus_document(self) -> None:
        self.tabs.setCurrentWidget(self.preview)
        self.preview.view.setFocus()

    def switch_language(self, language: str) -> None:
        """Change the interface language of every window (records keep theirs)."""
        Localization.of().set_language(language)
        self.language_actions[language].setChecked(True)

    def _large_type(self, on: bool) -> None:
        apply_style(QApplication.instance(), large_type=on)  # type: ignore[arg-type]

    def _about(self) -> None:
        QMessageBox.about(self, self.tr("About Inkseal"), self.tr(
            "Inkseal {0}\nSignature-pad signing of interrogation records, sealed as evidence."
        ).format(__version__))

    def show_dialog(self, dialog: QWidget) -> None:
        """Open ``dialog`` window-modal (deleted when closed); :attr:`dialog` names it."""
        self._show_dialog(dialog)

    def _show_dialog(self, dialog: QWidget) -> None:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()  # type: ignore[attr-defined]

    # -- closing --------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop the ops (waiting for the running ones), then the services.  Idempotent."""
        if self._closed:
            return
        self._closed = True
        self.signing.cancel()  # a turn waiting at a station would hold its op forever
        self.op_runner.shutdown()
        self.signing.shutdown()
        self.bridge.close()
        for services in self._opened:
            services.shutdown()
