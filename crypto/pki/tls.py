"""Mutually authenticated TLS contexts from site identities, and the peer-role check."""

from __future__ import annotations

import ssl
from collections.abc import Iterable

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from crypto.pki.errors import CertificateRejected
from crypto.pki.roles import Role, roles_of
from crypto.pki.site import Identity

__all__ = ["client_context", "peer_roles", "require_peer_role", "server_context"]


def _context(purpose: ssl.Purpose, identity: Identity, passphrase: bytes,
             root: x509.Certificate) -> ssl.SSLContext:
    if identity.key_file is None:
        raise CertificateRejected("TLS needs a key file; this identity's key is on a token",
                                  reason="key_on_token",
                                  subject=identity.certificate.subject.rfc4514_string())
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER if purpose is ssl.Purpose.CLIENT_AUTH
                         else ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.load_cert_chain(str(identity.chain_file), str(identity.key_file), password=passphrase)
    ctx.load_verify_locations(cadata=root.public_bytes(serialization.Encoding.PEM).decode())
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


def server_context(identity: Identity, passphrase: bytes, root: x509.Certificate
                   ) -> ssl.SSLContext:
    """A TLS 1.3 server context that demands a client certificate from the site CA."""
    return _context(ssl.Purpose.CLIENT_AUTH, identity, passphrase, root)


def client_context(identity: Identity, passphrase: bytes, root: x509.Certificate
                   ) -> ssl.SSLContext:
    """A TLS 1.3 client context presenting ``identity`` and trusting only the site root."""
    ctx = _context(ssl.Purpose.SERVER_AUTH, identity, passphrase, root)
    ctx.check_hostname = True
    return ctx


def peer_roles(tls: ssl.SSLSocket | ssl.SSLObject) -> frozenset[Role]:
    """The Inkseal roles named in the peer's (already verified) certificate."""
    der = tls.getpeercert(binary_form=True)
    if not der:
        return frozenset()
    return roles_of(x509.load_der_x509_certificate(der))


def require_peer_role(tls: ssl.SSLSocket | ssl.SSLObject, allowed: Iterable[Role]) -> Role:
    """Raise ``wrong_role`` unless the peer holds one of ``allowed`` (a terminal's TLS role...)."""
    allowed = set(allowed)
    found = peer_roles(tls) & allowed
    if not found:
        der = tls.getpeercert(binary_form=True)
        subject = x509.load_der_x509_certificate(der).subject.rfc4514_string() if der else ""
        raise CertificateRejected(f"TLS peer {subject or '(none)'} is not one of "
                                  f"{sorted(r.value for r in allowed)}", reason="wrong_role",
                                  subject=subject)
    return next(iter(found))
