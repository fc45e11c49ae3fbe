"""The screens of one signatory's turn, as the signatory sees them: waiting, reading page by
page, signing, the fingerprint, the photo, and the end.  They only show and ask; the
:class:`~app.ui.terminal.turn_panel.TurnPanel` moves between them and talks to the station."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QImage, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.ui.i18n import Retranslating
from app.ui.style import set_role
from app.ui.terminal.feed import PadOpened
from app.ui.widgets.camera_view import CameraView
from app.ui.widgets.fingerprint_meter import FingerprintMeter
from app.ui.widgets.page_view import PageView
from app.ui.widgets.pen_surface import PenSurface, SurfaceInput

__all__ = ["FingerprintScreen", "MessageScreen", "PhotoScreen", "ReadingScreen",
           "SigningScreen"]


def _button(parent: QWidget, shortcut: str | Qt.Key | None = None) -> QPushButton:
    button = QPushButton(parent)
    button.setMinimumHeight(44)
    button.setAutoDefault(False)
    if shortcut:
        # An action, not the button's own shortcut: setText() replaces that with the text's
        # mnemonic on every language switch.
        # Window-wide, so it works wherever the focus is (after a step the focus may sit in
        # the header); Qt matches it only while its screen is the one shown, so the screens
        # sharing Ctrl+Return never collide.
        action = QAction(parent)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda: button.click() if button.isEnabled()
                                 and button.isVisible() else None)
        parent.addAction(action)
        button.setProperty("shortcut_text", QKeySequence(shortcut).toString(
            QKeySequence.SequenceFormat.NativeText))
    return button


def _heading(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    set_role(label, "heading")
    return label


class MessageScreen(Retranslating, QWidget):
    """A title and a sentence (waiting for a record, a turn's end)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = _heading(self)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body = QLabel(self)
        self.body.setWordWrap(True)
        self.body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column = QVBoxLayout(self)
        column.addStretch(1)
        column.addWidget(self.title)
        column.addWidget(self.body)
        column.addStretch(2)
        self.retranslate()

    def retranslate(self) -> None:
        pass  # the panel sets both texts for what it says

    def say(self, title: str, body: str) -> None:
        self.title.setText(title)
        self.body.setText(body)


class ReadingScreen(Retranslating, QWidget):
    """The record page by page; signing opens once every page was on screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = _heading(self)
        self.pages = PageView(self)
        self.previous_button = _button(self, Qt.Key.Key_PageUp)
        self.position = QLabel(self)
        self.position.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.next_button = _button(self, Qt.Key.Key_PageDown)
        self.refuse_button = _button(self)
        self.sign_button = _button(self)
        navigation = QHBoxLayout()
        navigation.addWidget(self.previous_button)
        navigation.addWidget(self.position, 1)
        navigation.addWidget(self.next_button)
        actions = QHBoxLayout()
        actions.addWidget(self.refuse_button)
        actions.addStretch(1)
        actions.addWidget(self.sign_button)
        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addWidget(self.pages, 1)
        column.addLayout(navigation)
        column.addLayout(actions)
        self.seen: set[int] = set()
        self.retranslate()

    def retranslate(self) -> None:
        self.previous_button.setText(self.tr("◀ Previous page"))
        self.next_button.setText(self.tr("Next page ▶"))
        self.refuse_button.setText(self.tr("I refuse to sign…"))
        self.sign_button.setText(self.tr("I have read every page: sign"))
        self.pages.setAccessibleName(self.tr("Record page"))
        self.update_position()

    def update_position(self) -> None:
        count = self.pages.page_count
        if count:
            self.position.setText(self.tr("Page {0} of {1} · read {2} of {1}").format(
                self.pages.page + 1, count, len(self.seen)))
        else:
            self.position.setText("")
        self.previous_button.setEnabled(self.pages.page > 0)
        self.next_button.setEnabled(self.pages.page + 1 < count)

    @property
    def all_seen(self) -> bool:
        return bool(self.pages.page_count) and len(self.seen) >= self.pages.page_count


class SigningScreen(Retranslating, QWidget):
    """The signing box: the prompt, the ink as it is written, clear and confirm."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prompt = _heading(self)
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.input_mode = QLabel(self)
        self.input_mode.setObjectName("input-mode")
        self.input_mode.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_role(self.input_mode, "hint")
        self.surface = PenSurface(self)
        self.surface.setMinimumHeight(220)
        self.surface.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.clear_button = _button(self, "Ctrl+Backspace")
        self.refuse_button = _button(self)
        self.confirm_button = _button(self, "Ctrl+Return")
        actions = QHBoxLayout()
        actions.addWidget(self.clear_button)
        actions.addWidget(self.refuse_button)
        actions.addStretch(1)
        actions.addWidget(self.confirm_button)
        column = QVBoxLayout(self)
        column.addWidget(self.prompt)
        column.addWidget(self.input_mode)
        column.addWidget(self.surface, 1)
        column.addLayout(actions)
        self.pad: PadOpened | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.clear_button.setText(self.tr("Clear and sign again"))
        self.refuse_button.setText(self.tr("I refuse to sign…"))
        self.confirm_button.setText(self.tr("Confirm my signature"))
        self.surface.setAccessibleName(self.tr("Signature"))
        self.show_input(self.pad)

    def show_input(self, pad: PadOpened | None) -> None:
        """Say what the signature is written with (and that it is simulated, when it is)."""
        self.pad = pad
        if pad is None:
            self.input_mode.setText(self.tr("Opening the signature pad…"))
            return
        if pad.source == SurfaceInput.MOUSE.value:
            text = self.tr("Input: the mouse (simulated mode, no pressure) — recorded as such")
        elif pad.source == SurfaceInput.TABLET.value:
            text = self.tr("Input: pen on this screen ({0})").format(pad.name)
        elif pad.simulated:
            text = self.tr("Input: signature pad {0} — SIMULATED").format(pad.name)
        else:
            text = self.tr("Input: signature pad {0}").format(pad.name)
        if pad.has_display:
            text += self.tr(" · the prompt is on the pad's screen")
        self.input_mode.setText(text)


class FingerprintScreen(Retranslating, QWidget):
    """The fingerprint press with its live quality."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = _heading(self)
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.device = QLabel(self)
        self.device.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_role(self.device, "hint")
        self.meter = FingerprintMeter(self)
        self.image = QLabel(self)
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setMinimumHeight(150)
        self.refuse_button = _button(self)
        self.again_button = _button(self, "Ctrl+R")
        self.continue_button = _button(self, "Ctrl+Return")
        actions = QHBoxLayout()
        actions.addWidget(self.refuse_button)
        actions.addStretch(1)
        actions.addWidget(self.again_button)
        actions.addWidget(self.continue_button)
        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addWidget(self.device)
        column.addStretch(1)
        column.addWidget(self.meter)
        column.addWidget(self.image, 2)
        column.addLayout(actions)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Press your finger on the fingerprint reader"))
        self.refuse_button.setText(self.tr("I refuse to sign…"))
        self.again_button.setText(self.tr("Press again"))
        self.continue_button.setText(self.tr("Continue"))

    def show_print(self, png: bytes) -> None:
        image = QImage.fromData(png, "PNG")
        if not image.isNull():
            self.image.setPixmap(QPixmap.fromImage(image).scaledToHeight(
                min(220, max(120, self.image.height())),
                Qt.TransformationMode.SmoothTransformation))

    def clear_print(self) -> None:
        self.image.clear()


class PhotoScreen(Retranslating, QWidget):
    """The camera picture; the photo is taken when the signatory is ready."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = _heading(self)
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.camera = CameraView(self)
        self.camera.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.status = QLabel(self)
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.refuse_button = _button(self)
        self.photo_button = _button(self, "Ctrl+P")
        self.finish_button = _button(self, "Ctrl+Return")
        actions = QHBoxLayout()
        actions.addWidget(self.refuse_button)
        actions.addStretch(1)
        actions.addWidget(self.photo_button)
        actions.addWidget(self.finish_button)
        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addWidget(self.camera, 1)
        column.addWidget(self.status)
        column.addLayout(actions)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Look at the camera for your photo"))
        self.refuse_button.setText(self.tr("I refuse to sign…"))
        self.photo_button.setText(self.tr("Take the photo"))
        self.finish_button.setText(self.tr("Confirm and sign"))
