"""User-visible text in Simplified Chinese and English, kept together so neither drifts."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Bilingual"]


@dataclass(frozen=True)
class Bilingual:
    """One message in both languages the product speaks."""

    en: str
    zh: str

    def in_language(self, language: str) -> str:
        """The message in ``language`` ('zh' or 'en'); anything else falls back to English."""
        return self.zh if language.lower().startswith("zh") else self.en

    def format(self, **values: object) -> Bilingual:
        """Both texts with ``str.format`` placeholders filled in."""
        return Bilingual(self.en.format(**values), self.zh.format(**values))

    def __str__(self) -> str:
        return self.en
