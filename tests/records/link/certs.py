"""A throwaway site PKI for link tests and the link benchmark: the real ``crypto.pki`` site CA
(root and issuing CA) issuing terminals, workstations, officers and the seal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from crypto.pki import Kind, Role, SitePki
from records.link.tls import LinkIdentity

__all__ = ["KEY_PASSWORD", "LinkSite"]

KEY_PASSWORD = b"link-test-password"


class LinkSite:
    """A site CA in ``directory``; :meth:`issue` hands out link identities by kind and role."""

    def __init__(self, directory: Path, name: str = "测试检察院") -> None:
        self._shift = timedelta(0)
        self.pki = SitePki.create(directory, KEY_PASSWORD, site_name=name, clock=self._now,
                                  kdf_iterations=1000)
        self.cert = self.pki.root
        self.ca_path = directory / "ca" / "root-ca.cert.pem"
        self._issued: set[tuple[str, Kind]] = set()

    def _now(self) -> datetime:
        return datetime.now(UTC) + self._shift

    def issue(self, name: str, kind: Kind = Kind.TERMINAL, role: Role | None = None, *,
              expired: bool = False) -> LinkIdentity:
        """The identity of ``name``'s certificate in ``role`` (default: the kind's first role,
        the TLS one for terminals and workstations), issuing ``kind`` for it on first use."""
        if (name, kind) not in self._issued:
            if expired:
                self._shift = -timedelta(days=30)
            try:
                self.pki.issue(kind, name, ca_passphrase=KEY_PASSWORD,
                               validity_days=1 if expired else None)
            finally:
                self._shift = timedelta(0)
            self._issued.add((name, kind))
        entry = self.pki.find(name, role or kind.roles[0])
        return LinkIdentity(self.pki.directory / entry.chain_path,
                            self.pki.directory / entry.key.path, KEY_PASSWORD)
