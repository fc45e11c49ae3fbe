"""This machine's link identity and its peer policy, from the ``link.*`` files or the site PKI."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from crypto.pki import PkiError, SitePki
from records.link.errors import LinkConfigError
from records.link.peers import PeerPolicy, Side, load_ca_certificates
from records.link.tls import LinkIdentity

__all__ = ["file_credentials", "site_credentials"]


def file_credentials(ca: str | Path, cert: str | Path, key: str | Path, *, side: Side,
                     key_password: bytes | None = None,
                     peer_names: Iterable[str] | None = None) -> tuple[LinkIdentity, PeerPolicy]:
    """``side``'s identity and the policy for its peer from the ``link.ca``, ``link.cert`` and
    ``link.key`` files; ``LinkConfigError`` names a setting that is not set."""
    for label, path in (("link.ca", ca), ("link.cert", cert), ("link.key", key)):
        if not str(path):
            raise LinkConfigError(f"{label} is not set", reason="not-configured")
    policy = PeerPolicy.expecting(side.other, load_ca_certificates([ca]), peer_names=peer_names)
    return LinkIdentity(Path(cert), Path(key), key_password), policy


def site_credentials(pki: SitePki, station: str, *, side: Side, passphrase: bytes,
                     peer_names: Iterable[str] | None = None) -> tuple[LinkIdentity, PeerPolicy]:
    """``station``'s TLS certificate (with its issuing CA) and encrypted key in the site PKI,
    and the policy that trusts the site root for a peer of the other side."""
    try:
        entry = pki.find(station, side.tls_role)
    except PkiError as exc:
        raise LinkConfigError(f"the site PKI at {pki.directory} has no {side.tls_role.value} "
                              f"certificate for {station!r}: {exc}", reason="no-certificate",
                              path=str(pki.directory)) from exc
    if entry.key.kind != "file":
        raise LinkConfigError(f"the TLS key of {station!r} is not a file", reason="key-on-token",
                              path=str(pki.directory))
    identity = LinkIdentity(pki.directory / entry.chain_path, pki.directory / entry.key.path,
                            passphrase)
    return identity, PeerPolicy.expecting(side.other, (pki.root,), peer_names=peer_names)
