"""Is this certificate one of ours, valid now, not revoked, and in the role asked for?"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization

from crypto.pki.errors import CertificateRejected
from crypto.pki.roles import Role, roles_of

__all__ = ["check_certificate", "chain_to_root", "same_public_key"]


def _subject(cert: x509.Certificate) -> str:
    return cert.subject.rfc4514_string()


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    if cert.issuer != issuer.subject:
        return False
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def chain_to_root(cert: x509.Certificate, intermediates: Sequence[x509.Certificate],
                  root: x509.Certificate) -> list[x509.Certificate]:
    """The path ``[cert, intermediate..., root]``; raises ``cert_untrusted`` if there is none."""
    path = [cert]
    current = cert
    for _ in range(len(intermediates) + 1):
        if _issued_by(current, root):
            return path if current == root else [*path, root]
        step = next((c for c in intermediates if c not in path and _issued_by(current, c)), None)
        if step is None:
            break
        path.append(step)
        current = step
    raise CertificateRejected(f"{_subject(cert)} does not chain to the site root "
                              f"{_subject(root)}", reason="cert_untrusted",
                              subject=_subject(cert))


def check_certificate(cert: x509.Certificate, *, root: x509.Certificate,
                      intermediates: Sequence[x509.Certificate], at: datetime,
                      crls: Sequence[x509.CertificateRevocationList] = (),
                      role: Role | None = None) -> list[x509.Certificate]:
    """Check trust, validity at ``at``, revocation (by the given CRLs) and role; return the path."""
    path = chain_to_root(cert, intermediates, root)
    for item in path:
        if at < item.not_valid_before_utc:
            raise CertificateRejected(f"{_subject(item)} is not valid before "
                                      f"{item.not_valid_before_utc:%Y-%m-%d %H:%M}Z",
                                      reason="cert_not_yet_valid", subject=_subject(item))
        if at > item.not_valid_after_utc:
            raise CertificateRejected(f"{_subject(item)} expired on "
                                      f"{item.not_valid_after_utc:%Y-%m-%d %H:%M}Z",
                                      reason="cert_expired", subject=_subject(item))
    for item, issuer in zip(path, path[1:], strict=False):
        for crl in crls:
            if crl.issuer == issuer.subject:
                revoked = crl.get_revoked_certificate_by_serial_number(item.serial_number)
                if revoked is not None and revoked.revocation_date_utc <= at:
                    raise CertificateRejected(
                        f"{_subject(item)} was revoked on {revoked.revocation_date_utc:%Y-%m-%d}",
                        reason="cert_revoked", subject=_subject(item))
    if role is not None and role not in roles_of(cert):
        have = ", ".join(sorted(r.value for r in roles_of(cert))) or "none"
        raise CertificateRejected(f"{_subject(cert)} is not a {role.value} certificate "
                                  f"(its roles: {have})", reason="wrong_role",
                                  subject=_subject(cert))
    return path


def same_public_key(cert: x509.Certificate, public_key: object) -> bool:
    """Whether ``cert`` certifies ``public_key`` (compared by SubjectPublicKeyInfo bytes)."""
    spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    theirs = public_key.public_bytes(*spki)  # type: ignore[attr-defined]
    return bool(cert.public_key().public_bytes(*spki) == theirs)
