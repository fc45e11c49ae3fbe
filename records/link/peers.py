"""Who may be at the other end: the two sides of the link, and the peer policy.

A certificate shows its site role through the certificate policy OIDs of ``crypto.pki``
(``crypto.pki.roles_of``): a terminal connects with a ``terminal-tls`` certificate, a
workstation listens with a ``workstation-tls`` one. Any other certificate of the site (a
terminal's signing or log key, an officer's, the seal's, the TSA's) cannot take part in the
link at all: TLS refuses those without the TLS usages, the policy refuses the rest by role.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from crypto.pki import Role, roles_of
from records.link.errors import LinkConfigError, PeerRejected

__all__ = ["PeerIdentity", "PeerPolicy", "Side", "load_ca_certificates"]


class Side(Enum):
    """One end of the link: the workstation listens, the terminal connects."""

    WORKSTATION = "workstation"
    TERMINAL = "terminal"

    @property
    def label(self) -> str:
        """The side's name on the wire and in logs."""
        return self.value

    @property
    def tls_role(self) -> Role:
        """The site role a certificate must carry to act as this side."""
        return Role.WORKSTATION_TLS if self is Side.WORKSTATION else Role.TERMINAL_TLS

    @property
    def other(self) -> Side:
        """The side at the other end."""
        return Side.TERMINAL if self is Side.WORKSTATION else Side.WORKSTATION

    @classmethod
    def from_label(cls, label: str) -> Side:
        """The side named ``label``; ValueError for anything else."""
        try:
            return cls(label)
        except ValueError:
            raise ValueError(f"not a side of the link: {label!r}") from None


def _common_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    value = names[0].value if names else cert.subject.rfc4514_string()
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def _role_text(role: Role) -> str:
    return {Role.TERMINAL_TLS: "terminal", Role.WORKSTATION_TLS: "workstation"}.get(role, role.value)


@dataclass(frozen=True)
class PeerIdentity:
    """The authenticated peer of one connection, as its certificate shows it."""

    subject: str
    """The certificate's common name (the station's name in the site PKI)."""
    fingerprint: str
    """SHA-256 of the certificate's DER bytes, lower-case hex."""
    roles: frozenset[Role]
    not_after: datetime
    """When the certificate expires (UTC)."""


@dataclass(frozen=True)
class PeerPolicy:
    """What a connection's peer must be: issued under a trusted site CA, for the expected role."""

    trusted_cas: tuple[x509.Certificate, ...]
    """Site CA certificates (the root); the TLS handshake checks chain, dates and signatures."""
    expected_role: Role
    """The role the peer's certificate must carry: ``Side.X.tls_role`` of the other side."""
    roles_of: Callable[[x509.Certificate], frozenset[Role]] = roles_of
    """How a certificate shows its roles (the site PKI's certificate policies)."""
    peer_names: frozenset[str] | None = field(default=None)
    """When set, the peer's common name must be one of these (pins one terminal, say)."""

    def __post_init__(self) -> None:
        if not self.trusted_cas:
            raise LinkConfigError("a peer policy needs at least one trusted CA certificate",
                                  reason="no-ca")

    @classmethod
    def expecting(cls, side: Side, trusted_cas: Iterable[x509.Certificate], *,
                  peer_names: Iterable[str] | None = None) -> PeerPolicy:
        """The policy for a peer that must be ``side`` (a terminal's policy expects a workstation)."""
        return cls(tuple(trusted_cas), side.tls_role,
                   peer_names=frozenset(peer_names) if peer_names is not None else None)

    def ca_pem(self) -> str:
        """The trusted CA certificates as one PEM text, for ``SSLContext.load_verify_locations``."""
        return "".join(ca.public_bytes(serialization.Encoding.PEM).decode("ascii")
                       for ca in self.trusted_cas)

    def check(self, peer_der: bytes | None) -> PeerIdentity:
        """Accept the peer certificate the TLS handshake verified, or raise ``PeerRejected``.

        The chain, validity dates and signatures were already checked by the handshake against
        ``trusted_cas``; this adds what TLS cannot know: the site role and the name pin.
        """
        if not peer_der:
            raise PeerRejected("the peer presented no certificate", reason="no-certificate")
        try:
            cert = x509.load_der_x509_certificate(peer_der)
        except ValueError as exc:
            raise PeerRejected(f"the peer certificate cannot be read: {exc}",
                               reason="bad-certificate") from None
        subject = _common_name(cert)
        roles = self.roles_of(cert)
        if self.expected_role not in roles:
            shown = ", ".join(sorted(r.value for r in roles)) or "none"
            raise PeerRejected(
                f"{subject!r} is not a {_role_text(self.expected_role)} certificate "
                f"(roles: {shown})", reason="role", subject=subject)
        if self.peer_names is not None and subject not in self.peer_names:
            raise PeerRejected(f"{subject!r} is not among the expected peers",
                               reason="name", subject=subject)
        return PeerIdentity(subject=subject,
                            fingerprint=hashlib.sha256(peer_der).hexdigest(),
                            roles=roles,
                            not_after=cert.not_valid_after_utc)


def load_ca_certificates(paths: Iterable[str | Path]) -> tuple[x509.Certificate, ...]:
    """Read PEM CA certificates (one or more per file); ``LinkConfigError`` names a bad file."""
    cas: list[x509.Certificate] = []
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise LinkConfigError(f"cannot read the CA file {path}: {exc.strerror}",
                                  reason="ca-unreadable", path=str(path)) from None
        try:
            found = x509.load_pem_x509_certificates(data)
        except ValueError as exc:
            raise LinkConfigError(f"{path} holds no PEM certificate: {exc}",
                                  reason="ca-invalid", path=str(path)) from None
        cas.extend(found)
    return tuple(cas)
