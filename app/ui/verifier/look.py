"""The verifier's verdict colours and icons: each verdict has a colour, a drawn symbol and a
word, so that nothing depends on colour alone (and nothing on a font having a tick glyph)."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from crypto.pades_report import Verdict
from crypto.verify_report import Outcome

__all__ = ["Tone", "tone_colour", "tone_icon", "tone_of_outcome", "tone_of_verdict"]


class Tone(StrEnum):
    """How a result looks: green for established, red for failed, amber for untrusted or a
    warning, grey for a question not asked."""

    GOOD = "good"
    BAD = "bad"
    CAUTION = "caution"
    NEUTRAL = "neutral"


_COLOURS = {Tone.GOOD: "#0a6b2a", Tone.BAD: "#a40f12", Tone.CAUTION: "#8a5a00",
            Tone.NEUTRAL: "#5b6270"}


def tone_of_verdict(verdict: Verdict) -> Tone:
    return {Verdict.PASS: Tone.GOOD, Verdict.FAIL: Tone.BAD, Verdict.WARN: Tone.CAUTION,
            Verdict.SKIP: Tone.NEUTRAL}[verdict]


def tone_of_outcome(outcome: Outcome) -> Tone:
    return {Outcome.PASS: Tone.GOOD, Outcome.FAIL: Tone.BAD,
            Outcome.UNTRUSTED: Tone.CAUTION}[outcome]


def tone_colour(tone: Tone) -> QColor:
    return QColor(_COLOURS[tone])


def tone_icon(tone: Tone, size: int = 16) -> QIcon:
    """A filled disc in the tone's colour with a white tick, cross, bang or dash."""
    pixmap = QPixmap(size * 2, size * 2)  # drawn at twice the size: crisp on HiDPI
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = float(size * 2)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(tone_colour(tone))
    painter.drawEllipse(QRectF(1, 1, s - 2, s - 2))
    pen = QPen(QColor("white"), s * 0.12, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
               Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    path = QPainterPath()
    if tone is Tone.GOOD:
        path.moveTo(QPointF(s * 0.28, s * 0.52))
        path.lineTo(QPointF(s * 0.44, s * 0.68))
        path.lineTo(QPointF(s * 0.72, s * 0.34))
    elif tone is Tone.BAD:
        path.moveTo(QPointF(s * 0.33, s * 0.33))
        path.lineTo(QPointF(s * 0.67, s * 0.67))
        path.moveTo(QPointF(s * 0.67, s * 0.33))
        path.lineTo(QPointF(s * 0.33, s * 0.67))
    elif tone is Tone.CAUTION:
        path.moveTo(QPointF(s * 0.5, s * 0.25))
        path.lineTo(QPointF(s * 0.5, s * 0.58))
        path.moveTo(QPointF(s * 0.5, s * 0.74))
        path.lineTo(QPointF(s * 0.5, s * 0.75))
    else:
        path.moveTo(QPointF(s * 0.3, s * 0.5))
        path.lineTo(QPointF(s * 0.7, s * 0.5))
    painter.drawPath(path)
    painter.end()
    pixmap.setDevicePixelRatio(2.0)
    return QIcon(pixmap)
