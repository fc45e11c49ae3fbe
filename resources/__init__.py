"""Data shipped with Inkseal: templates, fonts, icons, translations."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent
