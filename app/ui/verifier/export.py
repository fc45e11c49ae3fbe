"""The report exported for the archive: the printable HTML page of ``inkseal verify --html``,
and a PDF made from that page by Qt (QTextDocument on a QPdfWriter, A4, the shipped CJK font).

Both run off the GUI thread: nothing here touches a widget.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from crypto.verify_report import PackageReport
from records.fonts import FONT_FAMILY

__all__ = ["report_html", "write_html", "write_pdf"]


def report_html(report: PackageReport, language: str) -> str:
    """The report as one self-contained HTML page (the command line's ``--html``)."""
    from crypto.verify_report_html import render_html

    return render_html(report, "en" if language == "en" else "zh")


def write_html(report: PackageReport, path: Path, language: str) -> Path:
    """Write the HTML report to ``path`` (replacing it only once complete)."""
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    partial.write_text(report_html(report, language), encoding="utf-8")
    partial.replace(path)
    return path


def write_pdf(report: PackageReport, path: Path, language: str, *,
              title: str = "Inkseal verification report") -> Path:
    """Write the report as an A4 PDF to ``path`` (replacing it only once complete)."""
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    writer = QPdfWriter(str(partial))
    writer.setTitle(title)
    writer.setCreator("Inkseal")
    writer.setResolution(300)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
    document = QTextDocument()
    font = QFont(FONT_FAMILY)
    font.setPointSizeF(9.0)
    document.setDefaultFont(font)
    # Qt's rich text reads a table's width and borders from attributes, not from CSS.
    # A table right after a definition list would sit inside its last indented entry.
    html = report_html(report, language).replace(
        "</dl><table>",
        "</dl><div></div><table width='100%' border='1' cellspacing='0' cellpadding='3'>", 1)
    document.setHtml(html)
    # No page size of our own: print_() lays the text out on the writer's pages, scaled from
    # the document's resolution to the writer's.
    document.print_(writer)
    del writer  # flushes and closes the file
    partial.replace(path)
    return path
