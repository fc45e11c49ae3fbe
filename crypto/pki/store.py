"""The PKI directory's index (``site.json``) and the value types it holds."""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from crypto.keys import KDF_ITERATIONS
from crypto.pki.errors import PkiError
from crypto.pki.roles import Role

__all__ = [
    "FORMAT",
    "KeyLocation",
    "PkiEntry",
    "SiteIndex",
    "check_entry_name",
    "read_index",
    "write_index",
]

FORMAT = 1
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def check_entry_name(name: str) -> str:
    """An entry name is also a directory name: letters, digits, ``._-``, at most 64."""
    if not _NAME.match(name):
        raise PkiError(f"bad entry name {name!r}: use letters, digits, '.', '_' or '-' "
                       "(the display name may be any text)", reason="bad_name", name=name)
    return name


@dataclass(frozen=True)
class KeyLocation:
    """Where a private key lives: an encrypted file in the PKI directory, or a PKCS#11 token."""

    kind: str
    """``file`` or ``pkcs11``."""
    path: str = ""
    """For ``file``: path relative to the PKI directory."""
    token_label: str = ""
    key_label: str = ""
    """For ``pkcs11``: the token and the key (and certificate) object label."""


@dataclass(frozen=True)
class PkiEntry:
    """One issued or imported certificate and where its key is."""

    name: str
    role: Role
    common_name: str
    cert_path: str
    """Relative to the PKI directory; ``chain_path`` holds the certificate plus its CAs."""
    chain_path: str
    key: KeyLocation
    serial: int
    not_before: datetime
    not_after: datetime
    imported: bool = False
    revoked_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["role"] = self.role.value
        data["serial"] = f"{self.serial:x}"
        data["not_before"] = self.not_before.isoformat()
        data["not_after"] = self.not_after.isoformat()
        data["revoked_at"] = self.revoked_at.isoformat() if self.revoked_at else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PkiEntry:
        return cls(name=data["name"], role=Role(data["role"]), common_name=data["common_name"],
                   cert_path=data["cert_path"], chain_path=data["chain_path"],
                   key=KeyLocation(**data["key"]), serial=int(data["serial"], 16),
                   not_before=datetime.fromisoformat(data["not_before"]),
                   not_after=datetime.fromisoformat(data["not_after"]),
                   imported=bool(data.get("imported", False)),
                   revoked_at=(datetime.fromisoformat(data["revoked_at"])
                               if data.get("revoked_at") else None))


@dataclass(frozen=True)
class SiteIndex:
    """Contents of ``site.json``."""

    site_name: str
    created: datetime
    external_ca: bool = False
    """The site imported its own CA; ``ca_key_path`` is empty when it cannot issue."""
    ca_key_path: str = ""
    crl_url_base: str = ""
    crl_days: int = 30
    crl_number: int = 0
    kdf_iterations: int = KDF_ITERATIONS
    """PBKDF2 rounds for keys stored here."""
    entries: tuple[PkiEntry, ...] = field(default_factory=tuple)

    def with_entries(self, entries: tuple[PkiEntry, ...]) -> SiteIndex:
        return replace(self, entries=entries)


def read_index(path: Path) -> SiteIndex:
    """Parse ``site.json``; a missing or damaged file is a typed error."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PkiError(f"no site PKI at {path.parent} (run 'inkseal pki init')",
                       reason="pki_missing", path=str(path)) from exc
    except (OSError, ValueError) as exc:
        raise PkiError(f"{path} is unreadable: {exc}", reason="pki_corrupt",
                       path=str(path)) from exc
    try:
        if data.get("format") != FORMAT:
            raise ValueError(f"unknown format {data.get('format')!r}")
        return SiteIndex(site_name=data["site_name"],
                         created=datetime.fromisoformat(data["created"]),
                         external_ca=bool(data.get("external_ca", False)),
                         ca_key_path=data.get("ca_key_path", ""),
                         crl_url_base=data.get("crl_url_base", ""),
                         crl_days=int(data.get("crl_days", 30)),
                         crl_number=int(data.get("crl_number", 0)),
                         kdf_iterations=int(data.get("kdf_iterations", KDF_ITERATIONS)),
                         entries=tuple(PkiEntry.from_json(e) for e in data.get("entries", [])))
    except (KeyError, TypeError, ValueError) as exc:
        raise PkiError(f"{path} is damaged: {exc}", reason="pki_corrupt",
                       path=str(path)) from exc


def write_index(path: Path, index: SiteIndex) -> None:
    """Replace ``site.json`` atomically."""
    data = {
        "format": FORMAT,
        "site_name": index.site_name,
        "created": index.created.isoformat(),
        "external_ca": index.external_ca,
        "ca_key_path": index.ca_key_path,
        "crl_url_base": index.crl_url_base,
        "crl_days": index.crl_days,
        "crl_number": index.crl_number,
        "kdf_iterations": index.kdf_iterations,
        "entries": [e.to_json() for e in index.entries],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".site.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=2)
            fh.write("\n")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
