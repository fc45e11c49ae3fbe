"""The fingerprint press as it goes: what the reader says now (its live hint names the quality
while the finger rests on the glass: "good: hold still", "press the finger flat"), a bar
that follows the press through its stages, and the reader's verdict and score at the end,
coloured green when good, amber when usable, red when poor."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

from app.ui.i18n import Retranslating, current_language
from app.ui.style import set_role

__all__ = ["FingerprintMeter", "verdict_colour"]

_COLOURS = {"good": "#2e7d32", "acceptable": "#9a6700", "poor": "#b3261e",
            "no_finger": "#5b6270"}
# Where the bar stands at each stage of a press, before the verdict gives it its score.
_STAGE_LEVEL = {"waiting_for_finger": 5, "finger_on": 30, "uploading": 60, "analysing": 85,
                "done": 95}


def verdict_colour(verdict: str | None) -> str:
    """The bar's colour for a verdict (``good``, ``acceptable``, ``poor``, ``no_finger``)."""
    return _COLOURS.get(verdict or "", "#1f5fa8")


class FingerprintMeter(Retranslating, QWidget):
    """Hint text, quality bar and verdict of the press under way."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_role(self.hint, "heading")
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 100)
        self.bar.setTextVisible(False)
        self.bar.setMinimumHeight(22)
        self.verdict_label = QLabel(self)
        self.verdict_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column = QVBoxLayout(self)
        column.addWidget(self.hint)
        column.addWidget(self.bar)
        column.addWidget(self.verdict_label)
        self.verdict: str | None = None
        self.score: int | None = None
        self.stage = ""
        self._texts: tuple[str, str] | None = None  # (zh, en) from the reader
        self.retranslate()

    def retranslate(self) -> None:
        self.bar.setAccessibleName(self.tr("Fingerprint quality"))
        if self._texts is None:
            self.hint.setText(self.tr("Place your finger on the fingerprint reader."))
        else:
            zh, en = self._texts
            self.hint.setText(zh if current_language() == "zh" else en)
        self.verdict_label.setText(self._verdict_text())

    def _verdict_text(self) -> str:
        names = {"good": self.tr("Quality: good"), "acceptable": self.tr("Quality: usable"),
                 "poor": self.tr("Quality: poor — press again"),
                 "no_finger": self.tr("No finger on the reader")}
        text = names.get(self.verdict or "", "")
        if text and self.score is not None:
            text = self.tr("{0} (score {1})").format(text, self.score)
        return text

    def reset(self) -> None:
        """Back to the first prompt."""
        self.verdict = self.score = None
        self._texts, self.stage = None, ""
        self.bar.setValue(0)
        self._colour(None)
        self.retranslate()

    def show_progress(self, stage: str, text_zh: str, text_en: str) -> None:
        """One progress step from the reader: its stage and its hint in both languages."""
        self._texts = (text_zh, text_en)
        self.stage = stage
        if self.verdict is None:
            self.bar.setValue(_STAGE_LEVEL.get(stage, self.bar.value()))
        self.retranslate()

    def show_result(self, verdict: str, score: int) -> None:
        """The press is done: its verdict and score."""
        self.verdict, self.score = verdict, score
        self.bar.setValue(score)
        self._colour(verdict)
        self.retranslate()

    def _colour(self, verdict: str | None) -> None:
        self.bar.setStyleSheet(
            f"QProgressBar::chunk {{ background-color: {verdict_colour(verdict)}; }}")
