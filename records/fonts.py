"""The CJK font Inkseal ships, unpacked once into a cache directory and checked by hash.

The repository carries ``resources/fonts/InksealSans-Regular.ttf.xz`` (a GBK subset of
Noto Sans CJK SC with TrueType outlines and 1000 units per em, see ``tools/make_font.py``)
and the SHA-256 of the unpacked file.  Every PDF, stamp and screen uses this one font, so
Chinese text renders identically on every machine.
"""

from __future__ import annotations

import hashlib
import lzma
import os
import tempfile
from functools import lru_cache
from pathlib import Path

import platformdirs

from resources import ROOT as RESOURCES

__all__ = ["FONT_FAMILY", "FontError", "cjk_font_path", "missing_glyphs"]

FONT_FAMILY = "Inkseal Sans"
_PACKED = RESOURCES / "fonts" / "InksealSans-Regular.ttf.xz"
_DIGEST = RESOURCES / "fonts" / "InksealSans-Regular.ttf.sha256"


class FontError(RuntimeError):
    """The shipped font is missing or does not match its recorded hash."""


def _expected_digest() -> str:
    try:
        return _DIGEST.read_text(encoding="ascii").split()[0]
    except (OSError, IndexError) as exc:
        raise FontError(f"font digest {_DIGEST} unreadable: {exc}") from exc


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@lru_cache(maxsize=4)
def cjk_font_path(cache_dir: Path | None = None) -> Path:
    """Path of the unpacked TrueType font, unpacking and verifying it on first use."""
    digest = _expected_digest()
    cache = Path(cache_dir) if cache_dir else Path(platformdirs.user_cache_dir("inkseal"))
    target = cache / "fonts" / f"InksealSans-Regular-{digest[:16]}.ttf"
    if target.exists() and _sha256(target) == digest:
        return target
    if not _PACKED.exists():
        raise FontError(f"the shipped font {_PACKED} is missing")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
    try:
        h = hashlib.sha256()
        with os.fdopen(fd, "wb") as out, lzma.open(_PACKED, "rb") as packed:
            for chunk in iter(lambda: packed.read(1 << 20), b""):
                h.update(chunk)
                out.write(chunk)
        if h.hexdigest() != digest:
            raise FontError(f"{_PACKED} unpacks to {h.hexdigest()}, expected {digest}")
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


@lru_cache(maxsize=1)
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap())


def missing_glyphs(text: str, font: Path | None = None) -> list[str]:
    """Characters of ``text`` the shipped font cannot draw (line breaks and tabs excepted)."""
    cmap = _cmap(font or cjk_font_path())
    return sorted({ch for ch in text if ch not in "\r\n\t" and ord(ch) not in cmap})
