"""``pki init``'s content: a site CA plus every certificate a working site needs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from crypto.keys import KDF_ITERATIONS
from crypto.pki.roles import Kind
from crypto.pki.site import Clock, SitePki, utc_now

__all__ = ["create_working_site"]


def create_working_site(directory: Path, passphrase: bytes, *, site_name: str,
                        terminals: Sequence[str] = ("terminal-1",),
                        workstations: Sequence[str] = ("workstation-1",),
                        officers: Sequence[str] = ("officer-1",),
                        officer_names: Sequence[str] = (),
                        seal_name: str = "seal", tsa_name: str = "tsa",
                        archive_name: str = "archive", clock: Clock = utc_now,
                        crl_url_base: str = "", kdf_iterations: int = KDF_ITERATIONS) -> SitePki:
    """Create the CA and issue terminal, workstation, officer, seal, TSA and archive certificates.

    ``officer_names`` are display names (any script) matched by position to ``officers``.
    """
    pki = SitePki.create(directory, passphrase, site_name=site_name, clock=clock,
                         crl_url_base=crl_url_base, kdf_iterations=kdf_iterations)
    for name in terminals:
        pki.issue(Kind.TERMINAL, name, ca_passphrase=passphrase)
    for name in workstations:
        pki.issue(Kind.WORKSTATION, name, ca_passphrase=passphrase)
    for i, name in enumerate(officers):
        display = officer_names[i] if i < len(officer_names) else None
        pki.issue(Kind.OFFICER, name, ca_passphrase=passphrase, common_name=display)
    pki.issue(Kind.SEAL, seal_name, ca_passphrase=passphrase, common_name=f"{site_name}")
    pki.issue(Kind.TSA, tsa_name, ca_passphrase=passphrase,
              common_name=f"{site_name} Timestamp Authority")
    pki.issue(Kind.ARCHIVE, archive_name, ca_passphrase=passphrase,
              common_name=f"{site_name} Evidence Archive")
    return pki
