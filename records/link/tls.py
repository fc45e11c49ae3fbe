"""TLS 1.3 contexts for the link: each side proves its certificate and requires the peer's."""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature

from records.link.errors import LinkConfigError
from records.link.peers import PeerPolicy, Side

__all__ = ["LinkIdentity", "certificate_problems", "client_context", "server_context"]


@dataclass(frozen=True)
class LinkIdentity:
    """This machine's certificate and private key for the link (files, as the settings name them)."""

    cert_path: Path
    """PEM certificate, optionally followed by its intermediate CA certificates."""
    key_path: Path
    """PKCS#8 PEM private key, encrypted with ``key_password`` (or not encrypted if that is None)."""
    key_password: bytes | None = field(default=None, repr=False)


def _base_context(protocol: int, identity: LinkIdentity, policy: PeerPolicy) -> ssl.SSLContext:
    ctx = ssl.SSLContext(protocol)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.maximum_version = ssl.TLSVersion.TLSv1_3
    ctx.verify_mode = ssl.CERT_REQUIRED
    # Strict X.509 checks (basic constraints on CAs, key usage) on top of OpenSSL's defaults.
    ctx.verify_flags |= ssl.VERIFY_X509_STRICT
    ctx.load_verify_locations(cadata=policy.ca_pem())
    for path in (identity.cert_path, identity.key_path):
        if not Path(path).is_file():
            raise LinkConfigError(f"{path} does not exist", reason="file-missing", path=str(path))
    try:
        ctx.load_cert_chain(identity.cert_path, identity.key_path,
                            password=identity.key_password or None)
    except ssl.SSLError as exc:
        raise LinkConfigError(
            f"cannot use {identity.cert_path} with {identity.key_path}: {exc.reason or exc}",
            reason="key-unusable", path=str(identity.key_path)) from None
    except (TypeError, ValueError) as exc:
        raise LinkConfigError(f"cannot load {identity.key_path}: {exc}",
                              reason="key-password", path=str(identity.key_path)) from None
    return ctx


def server_context(identity: LinkIdentity, policy: PeerPolicy) -> ssl.SSLContext:
    """The listening side's context: TLS 1.3 only, a client certificate from a site CA required."""
    return _base_context(ssl.PROTOCOL_TLS_SERVER, identity, policy)


def client_context(identity: LinkIdentity, policy: PeerPolicy) -> ssl.SSLContext:
    """The connecting side's context: TLS 1.3 only, the server certificate from a site CA.

    Host names are not matched: a site's certificates name stations, not addresses; the peer
    is authenticated by the site CA and its role (and optionally a name pin in the policy).
    """
    ctx = _base_context(ssl.PROTOCOL_TLS_CLIENT, identity, policy)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


def certificate_problems(identity: LinkIdentity, policy: PeerPolicy, own_role: Side,
                         now: datetime | None = None) -> list[str]:
    """What a peer would hold against this side's certificate, checked locally.

    TLS cannot say why a peer refused us (the alert is lost on the way), so the link explains
    a refusal with this: expiry, an issuer outside the site, a missing role.
    """
    try:
        certs = x509.load_pem_x509_certificates(Path(identity.cert_path).read_bytes())
    except (OSError, ValueError) as exc:
        return [f"{identity.cert_path} cannot be read: {exc}"]
    cert = certs[0]
    now = now or datetime.now(UTC)
    problems = []
    if cert.not_valid_after_utc < now:
        problems.append(f"this side's certificate expired on {cert.not_valid_after_utc:%Y-%m-%d %H:%M} UTC")
    if cert.not_valid_before_utc > now:
        problems.append(f"this side's certificate is valid only from "
                        f"{cert.not_valid_before_utc:%Y-%m-%d %H:%M} UTC")
    if not _chains_to(cert, certs[1:], policy.trusted_cas):
        problems.append("this side's certificate is not issued by a CA of the site")
    if own_role.tls_role not in policy.roles_of(cert):
        problems.append(f"this side's certificate is not a {own_role.label} TLS certificate")
    return problems


def _chains_to(cert: x509.Certificate, intermediates: list[x509.Certificate],
               roots: tuple[x509.Certificate, ...], depth: int = 4) -> bool:
    """True when ``cert`` leads through ``intermediates`` to one of ``roots``."""
    if any(_issued_by(cert, root) for root in roots):
        return True
    return depth > 0 and any(_chains_to(ca, intermediates, roots, depth - 1)
                             for ca in intermediates if ca != cert and _issued_by(cert, ca))


def _issued_by(cert: x509.Certificate, ca: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True
