"""Who may be at the other end: site roles, how a certificate shows its role, the peer policy.

The convention used until the site PKI settles its own: a certificate's role is an extended
key usage OID under the arc ``1.3.6.1.4.1.61524.1`` (``.1`` workstation, ``.2`` terminal,
``.3`` officer, ``.4`` seal, ``.5`` log signing, ``.6`` archive). A site with another
convention replaces ``PeerPolicy.roles_of`` and nothing else.
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
from cryptography.x509.oid import ExtensionOID, NameOID

from records.link.errors import LinkConfigError, PeerRejected

__all__ = [
    "ROLE_ARC",
    "PeerIdentity",
    "PeerPolicy",
    "Role",
    "load_ca_certificates",
    "roles_from_extended_key_usage",
]

ROLE_ARC = "1.3.6.1.4.1.61524.1"


class Role(Enum):
    """A site role a certificate can be issued for; the value is the last arc of its OID."""

    WORKSTATION = 1
    TERMINAL = 2
    OFFICER = 3
    SEAL = 4
    LOG_SIGNING = 5
    ARCHIVE = 6

    @property
    def oid(self) -> x509.ObjectIdentifier:
        """The extended key usage OID that marks a certificate as issued for this role."""
        return x509.ObjectIdentifier(f"{ROLE_ARC}.{self.value}")

    @property
    def label(self) -> str:
        """The role's name on the wire and in logs: 'workstation', 'terminal', ..."""
        return self.name.lower().replace("_", "-")

    @classmethod
    def from_label(cls, label: str) -> Role:
        """The role named ``label``; ValueError for a name that is not a role."""
        for role in cls:
            if role.label == label:
                return role
        raise ValueError(f"not a role: {label!r}")


def roles_from_extended_key_usage(cert: x509.Certificate) -> frozenset[Role]:
    """The roles a certificate carries as extended key usage OIDs under ``ROLE_ARC``."""
    try:
        usages = cert.extensions.get_extension_for_oid(ExtensionOID.EXTENDED_KEY_USAGE).value
    except x509.ExtensionNotFound:
        return frozenset()
    by_oid = {role.oid: role for role in Role}
    return frozenset(by_oid[oid] for oid in usages if oid in by_oid)


def _common_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    value = names[0].value if names else cert.subject.rfc4514_string()
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


@dataclass(frozen=True)
class PeerIdentity:
    """The authenticated peer of one connection, as its certificate shows it."""

    subject: str
    """The certificate's common name (the station or officer name)."""
    fingerprint: str
    """SHA-256 of the certificate's DER bytes, lower-case hex."""
    roles: frozenset[Role]
    not_after: datetime
    """When the certificate expires (UTC)."""


@dataclass(frozen=True)
class PeerPolicy:
    """What a connection's peer must be: issued by a trusted site CA, for the expected role."""

    trusted_cas: tuple[x509.Certificate, ...]
    """Site CA certificates; the TLS handshake checks the chain, dates and signatures against them."""
    expected_role: Role
    """The role the peer's certificate must carry (a terminal cannot act as a workstation)."""
    roles_of: Callable[[x509.Certificate], frozenset[Role]] = roles_from_extended_key_usage
    """How a certificate shows its roles; the only piece a site PKI convention replaces."""
    peer_names: frozenset[str] | None = field(default=None)
    """When set, the peer's common name must be one of these (pins one terminal, say)."""

    def __post_init__(self) -> None:
        if not self.trusted_cas:
            raise LinkConfigError("a peer policy needs at least one trusted CA certificate",
                                  reason="no-ca")

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
            shown = ", ".join(sorted(r.label for r in roles)) or "none"
            raise PeerRejected(
                f"{subject!r} is not a {self.expected_role.label} certificate (roles: {shown})",
                reason="role", subject=subject)
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
