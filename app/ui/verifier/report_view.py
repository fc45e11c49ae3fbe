"""The verification report on screen: the overall verdict, what it rests on, every check with
its verdict (colour, symbol and word), and the selected check's details."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.i18n import Retranslating, current_language
from app.ui.style import set_role
from app.ui.verifier.look import tone_colour, tone_icon, tone_of_outcome, tone_of_verdict
from crypto.pades_report import Check, Verdict
from crypto.verify_report import PackageReport
from crypto.verify_report_text import CHECK_NAMES, REASONS_ZH, outcome_text, verdict_text

__all__ = ["ReportView", "check_name", "check_reason"]


def check_name(check: Check, language: str) -> str:
    pair = CHECK_NAMES.get(check.name, (check.name, check.name))
    return pair[1] if language == "en" else pair[0]


def check_reason(check: Check, language: str) -> str:
    """The reason in words: Chinese from the domain's table, English from its code."""
    if language == "en":
        return check.reason.replace("_", " ")
    zh = check.details.get("zh")
    return zh if isinstance(zh, str) else REASONS_ZH.get(check.reason, check.reason)


class ReportView(Retranslating, QWidget):
    """One report: summary line, facts, the checks, and the selected check's details."""

    check_selected = Signal(object)  # the Check, or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verifier-report")
        self.report: PackageReport | None = None
        self.outcome_label = QLabel(self)
        self.outcome_label.setObjectName("verifier-outcome")
        self.outcome_label.setWordWrap(True)
        self.outcome_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts_label = QLabel(self)
        self.facts_label.setWordWrap(True)
        set_role(self.facts_label, "hint")
        for label in (self.outcome_label, self.facts_label):
            label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.checks = QTreeWidget(self)
        self.checks.setObjectName("verifier-checks")
        self.checks.setColumnCount(5)
        self.checks.setRootIsDecorated(False)
        self.checks.setUniformRowHeights(True)
        self.checks.setAlternatingRowColors(True)
        self.checks.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.checks.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        # Subject and reason are sized to their contents up to a cap (_fit_columns): one long
        # subject (a timestamp's id, a file name) must not push the message off the screen.
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.checks.currentItemChanged.connect(self._selected)
        self.details = QPlainTextEdit(self)
        self.details.setObjectName("verifier-check-details")
        self.details.setReadOnly(True)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.checks)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        column = QVBoxLayout(self)
        column.addWidget(self.outcome_label)
        column.addWidget(self.facts_label)
        column.addWidget(split, 1)
        self.retranslate()

    # -- content ------------------------------------------------------------------------
    def show_report(self, report: PackageReport | None) -> None:
        """Show ``report`` (None: nothing opened yet)."""
        self.report = report
        self.retranslate()
        if report is not None and self.checks.topLevelItemCount():
            first_problem = next((i for i, c in enumerate(report.checks)
                                  if c.verdict is Verdict.FAIL), 0)
            self.checks.setCurrentItem(self.checks.topLevelItem(first_problem))

    def current_check(self) -> Check | None:
        item = self.checks.currentItem()
        if item is None or self.report is None:
            return None
        return self.report.checks[self.checks.indexOfTopLevelItem(item)]

    def summary_text(self) -> str:
        """The one-line verdict with the tally, in the interface language."""
        report = self.report
        if report is None:
            return ""
        language = current_language()
        counts = report.counts()
        return self.tr("{0} — {1} passed, {2} failed, {3} warnings, {4} not checked").format(
            outcome_text(report.outcome, language), counts["pass"], counts["fail"],
            counts["warn"], counts["skip"])

    def retranslate(self) -> None:
        self.checks.setHeaderLabels([self.tr("Verdict"), self.tr("Check"), self.tr("Of"),
                                     self.tr("Reason"), self.tr("Message")])
        self.checks.setAccessibleName(self.tr("Checks"))
        self.details.setAccessibleName(self.tr("Details of the selected check"))
        report = self.report
        if report is None:
            self.outcome_label.setText(self.tr(
                "Open an evidence package or a sealed PDF to verify it (File ▸ Open, or drop "
                "it on this window)."))
            self.outcome_label.setStyleSheet("")
            self.facts_label.setText("")
            self.checks.clear()
            self.details.setPlainText("")
            return
        tone = tone_of_outcome(report.outcome)
        self.outcome_label.setText(self.summary_text())
        self.outcome_label.setStyleSheet(
            f"font-weight: 600; font-size: 13pt; padding: 6px; color: white; "
            f"background: {tone_colour(tone).name()};")
        self.facts_label.setText(self._facts(report))
        self._fit_labels()
        self._fill(report)

    def _fit_labels(self) -> None:
        # Never squeezed by the list below (the verdict is the first thing to read): a
        # wrapped label's height depends on its width, which the layout does not ask here.
        width = max(self.width() - 24, 200)
        for label in (self.outcome_label, self.facts_label):
            label.setMinimumHeight(label.heightForWidth(width) if label.text() else 0)

    def _fit_columns(self) -> None:
        """Subject and reason as wide as their contents, each at most a fifth of the list."""
        cap = max(120, self.checks.viewport().width() // 5)
        header = self.checks.header()
        for column in (2, 3):
            wanted = max(self.checks.sizeHintForColumn(column),
                         header.sectionSizeHint(column)) + 12
            header.resizeSection(column, min(wanted, cap))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_labels()
        self._fit_columns()

    def _facts(self, report: PackageReport) -> str:
        parts = [self.tr("Subject: {0}").format(report.subject),
                 self.tr("Trust roots given by you: the result is trusted as far as they are.")
                 if report.trusted else
                 self.tr("No trust roots were given: the package's own roots were used, so "
                         "nothing here is trusted. Add the site's root under Verification "
                         "options."),
                 self.tr("Archive key given: evidence decrypted and compared.")
                 if report.archive_key else
                 self.tr("No archive key: biometric evidence and pen-track replay are not "
                         "available.")]
        if report.simulated:
            listing = "; ".join(f"{k}: {', '.join(v)}" for k, v in report.simulated.items())
            parts.append(self.tr("SIMULATED devices were used: {0}").format(listing))
        return "\n".join(parts)

    def _fill(self, report: PackageReport) -> None:
        language = current_language()
        keep = self.checks.currentIndex().row()
        self.checks.blockSignals(True)
        self.checks.clear()
        for check in report.checks:
            tone = tone_of_verdict(check.verdict)
            item = QTreeWidgetItem([verdict_text(check.verdict, language),
                                    check_name(check, language), check.subject,
                                    check_reason(check, language), check.message])
            item.setIcon(0, tone_icon(tone))
            item.setForeground(0, tone_colour(tone))
            item.setToolTip(2, check.subject)
            item.setToolTip(3, check.message)
            item.setToolTip(4, check.message)
            self.checks.addTopLevelItem(item)
        self.checks.blockSignals(False)
        self._fit_columns()
        if 0 <= keep < self.checks.topLevelItemCount():
            self.checks.setCurrentItem(self.checks.topLevelItem(keep))

    def _selected(self, current: QTreeWidgetItem | None, _previous: object = None) -> None:
        check = self.current_check() if current is not None else None
        if check is None:
            self.details.setPlainText("")
        else:
            language = current_language()
            lines = [f"{verdict_text(check.verdict, language)} · {check_name(check, language)}"
                     + (f" · {check.subject}" if check.subject else ""),
                     self.tr("Reason: {0} ({1})").format(check_reason(check, language),
                                                         check.reason),
                     self.tr("Message: {0}").format(check.message)]
            if check.details:
                lines.append(self.tr("Details:"))
                lines.append(json.dumps(check.to_json()["details"], ensure_ascii=False,
                                        indent=1))
            self.details.setPlainText("\n".join(lines))
        self.check_selected.emit(check)
