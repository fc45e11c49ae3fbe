"""The user interface's language: Qt translation files for our own strings, the domain's own
bilingual texts for template titles, field labels and error messages.

Every string of ``app/ui`` is English source text passed through ``self.tr()`` or
``QCoreApplication.translate(context, ...)``; ``resources/translations/inkseal_zh_CN.ts``
holds the Chinese and ``tools/i18n.py`` regenerates it and its compiled ``.qm``.  The
language is one per application (Qt's translators are), held by the :class:`Localization`
child of the ``QApplication``.  Switching it installs or removes translators, which makes Qt
send ``LanguageChange`` to every widget; widgets built with :class:`Retranslating` then call
their ``retranslate()``, which sets every text again: ``tr()`` strings and, through
:func:`current_language`, the domain's ``Text.get(language)``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLibraryInfo,
    QLocale,
    QObject,
    QTranslator,
    Signal,
)

from resources import ROOT as RESOURCES

__all__ = [
    "CATALOGUE",
    "TRANSLATIONS_DIR",
    "UI_LANGUAGES",
    "Localization",
    "Retranslating",
    "current_language",
]

log = logging.getLogger(__name__)

TRANSLATIONS_DIR = RESOURCES / "translations"
CATALOGUE = "inkseal"
#: Languages of the interface; the domain's third form "zh+en" is for printed records only.
UI_LANGUAGES = ("zh", "en")
_QT_LOCALES = {"zh": "zh_CN", "en": "en_US"}
_OBJECT_NAME = "inkseal-localization"


class Localization(QObject):
    """The application's interface language and the translators that provide it."""

    language_changed = Signal(str)

    def __init__(self, parent: QObject, *, directory: Path = TRANSLATIONS_DIR) -> None:
        super().__init__(parent)
        self.setObjectName(_OBJECT_NAME)
        self._directory = Path(directory)
        self._language = "en"  # the source strings, before any translator is installed
        self._translators: list[QTranslator] = []

    @classmethod
    def of(cls, app: QCoreApplication | None = None) -> Localization:
        """The localization of ``app`` (the running application by default), made on first
        use with the English source strings."""
        app = app or QCoreApplication.instance()
        if app is None:
            raise RuntimeError("no QApplication yet")
        found = app.findChild(Localization, _OBJECT_NAME)
        return found if found is not None else cls(app)

    @property
    def language(self) -> str:
        return self._language

    def catalogue_path(self, language: str) -> Path:
        """The compiled translation file of ``language``."""
        return self._directory / f"{CATALOGUE}_{_QT_LOCALES[language]}.qm"

    def set_language(self, language: str) -> None:
        """Switch every window to ``language`` ('zh' or 'en'); ValueError for others.
        A missing translation file is logged and leaves the English texts."""
        if language not in UI_LANGUAGES:
            raise ValueError(f"interface language must be one of {UI_LANGUAGES}, not {language!r}")
        app = QCoreApplication.instance()
        for translator in self._translators:
            app.removeTranslator(translator)
            translator.deleteLater()
        self._translators = []
        if language != "en":
            locale = _QT_LOCALES[language]
            qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            # Ours first, then Qt's own (standard buttons, dialogs); both may be absent.
            for path in (self.catalogue_path(language), Path(qt_dir) / f"qtbase_{locale}.qm"):
                translator = QTranslator(self)
                if translator.load(str(path)):
                    app.installTranslator(translator)
                    self._translators.append(translator)
                else:
                    log.error("cannot load the translation file %s; showing English", path)
        self._language = language
        QLocale.setDefault(QLocale(_QT_LOCALES[language]))
        self.language_changed.emit(language)


def current_language() -> str:
    """The interface language of the running application ('zh' or 'en')."""
    app = QCoreApplication.instance()
    if app is None:
        return "en"
    found = app.findChild(Localization, _OBJECT_NAME)
    return "en" if found is None else found.language


class Retranslating:
    """Mixin for a widget that sets its texts in ``retranslate()``: called again on every
    language change.  List it before the Qt base class."""

    def retranslate(self) -> None:
        """Set every user-visible text; called once by the widget and on each switch."""
        raise NotImplementedError

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)  # type: ignore[misc]

