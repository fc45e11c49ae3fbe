"""Pure certificate and CRL construction for a site CA (no files, no clock of its own)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

from crypto.keys import PrivateKey
from crypto.pki.roles import PROFILES, KeyType, Role

__all__ = [
    "PublicKey",
    "Revocation",
    "SubjectSpec",
    "generate_key",
    "make_ca_certificate",
    "make_crl",
    "make_end_entity",
]

PublicKey = ec.EllipticCurvePublicKey | rsa.RSAPublicKey | ed25519.Ed25519PublicKey

# Clocks of terminals and workstations drift; a certificate valid "from now" would be
# rejected by a peer a minute behind.
_BACKDATE = timedelta(minutes=10)


@dataclass(frozen=True)
class SubjectSpec:
    """Who a certificate is for."""

    common_name: str
    organization: str
    country: str = "CN"


@dataclass(frozen=True)
class Revocation:
    """One revoked certificate in a CRL."""

    serial: int
    revoked_at: datetime


def generate_key(key_type: KeyType) -> PrivateKey:
    """A fresh private key of ``key_type``."""
    if key_type is KeyType.EC_P256:
        return ec.generate_private_key(ec.SECP256R1())
    if key_type is KeyType.ED25519:
        return ed25519.Ed25519PrivateKey.generate()
    size = 2048 if key_type is KeyType.RSA_2048 else 3072
    return rsa.generate_private_key(public_exponent=65537, key_size=size)


def _hash_for(key: PrivateKey) -> hashes.HashAlgorithm | None:
    return None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256()


def _name(subject: SubjectSpec, unit: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, subject.country),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, subject.organization),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit),
        x509.NameAttribute(NameOID.COMMON_NAME, subject.common_name),
    ])


def _key_usage(flags: frozenset[str]) -> x509.KeyUsage:
    names = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
             "key_agreement", "key_cert_sign", "crl_sign")
    unknown = flags - set(names)
    if unknown:
        raise ValueError(f"unknown key usage {sorted(unknown)}")
    return x509.KeyUsage(**{n: n in flags for n in names}, encipher_only=False,
                         decipher_only=False)


def _policies(role: Role) -> x509.CertificatePolicies:
    return x509.CertificatePolicies([x509.PolicyInformation(PROFILES[role].policy_oid, None)])


def _crl_points(url: str | None) -> list[x509.Extension[x509.ExtensionType]]:
    if not url:
        return []
    dp = x509.DistributionPoint([x509.UniformResourceIdentifier(url)], None, None, None)
    return [x509.Extension(x509.CRLDistributionPoints.oid, False, x509.CRLDistributionPoints([dp]))]


def make_ca_certificate(role: Role, subject: SubjectSpec, public_key: PublicKey, *, now: datetime,
                        issuer: x509.Certificate | None, issuer_key: PrivateKey,
                        validity_days: int | None = None, crl_url: str | None = None
                        ) -> x509.Certificate:
    """A root (``issuer`` None: self-signed) or an intermediate CA certificate."""
    profile = PROFILES[role]
    name = _name(subject, profile.unit)
    days = validity_days or profile.validity_days
    builder = (x509.CertificateBuilder()
               .subject_name(name)
               .issuer_name(issuer.subject if issuer else name)
               .public_key(public_key)
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - _BACKDATE)
               .not_valid_after(now + timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=True, path_length=None if issuer is None
                                                    else 0), critical=True)
               .add_extension(_key_usage(profile.key_usage), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
               .add_extension(_policies(role), critical=False))
    if issuer is not None:
        aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(
            issuer.public_key())  # type: ignore[arg-type]
        builder = builder.add_extension(aki, critical=False)
        for ext in _crl_points(crl_url):
            builder = builder.add_extension(ext.value, critical=ext.critical)
    return builder.sign(issuer_key, _hash_for(issuer_key))  # type: ignore[arg-type]


def make_end_entity(role: Role, subject: SubjectSpec, public_key: PublicKey, *, now: datetime,
                    issuer: x509.Certificate, issuer_key: PrivateKey,
                    dns_names: Sequence[str] = (), ip_addresses: Iterable[str] = (),
                    validity_days: int | None = None, crl_url: str | None = None
                    ) -> x509.Certificate:
    """An end-entity certificate whose extensions say its ``role``."""
    profile = PROFILES[role]
    if role in (Role.ROOT_CA, Role.INTERMEDIATE_CA):
        raise ValueError("use make_ca_certificate for CA certificates")
    days = validity_days or profile.validity_days
    not_after = min(now + timedelta(days=days), issuer.not_valid_after_utc)
    builder = (x509.CertificateBuilder()
               .subject_name(_name(subject, profile.unit))
               .issuer_name(issuer.subject)
               .public_key(public_key)
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - _BACKDATE)
               .not_valid_after(not_after)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(_key_usage(profile.key_usage), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   issuer.public_key()), critical=False)  # type: ignore[arg-type]
               .add_extension(_policies(role), critical=False))
    if profile.eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(profile.eku)),
                                        critical=profile.eku_critical)
    if profile.tls_names:
        names: list[x509.GeneralName] = [x509.DNSName(n) for n in dns_names]
        names += [x509.IPAddress(ipaddress.ip_address(a)) for a in ip_addresses]
        if names:
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    for ext in _crl_points(crl_url):
        builder = builder.add_extension(ext.value, critical=ext.critical)
    return builder.sign(issuer_key, _hash_for(issuer_key))  # type: ignore[arg-type]


def make_crl(issuer: x509.Certificate, issuer_key: PrivateKey, revoked: Iterable[Revocation], *,
             now: datetime, next_update_days: int, number: int) -> x509.CertificateRevocationList:
    """A CRL from ``issuer`` listing ``revoked``, valid ``next_update_days`` from ``now``."""
    builder = (x509.CertificateRevocationListBuilder()
               .issuer_name(issuer.subject)
               .last_update(now - _BACKDATE)
               .next_update(now + timedelta(days=next_update_days))
               .add_extension(x509.CRLNumber(number), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   issuer.public_key()), critical=False))  # type: ignore[arg-type]
    for item in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(item.serial)
            .revocation_date(item.revoked_at).build())
    return builder.sign(issuer_key, _hash_for(issuer_key))  # type: ignore[arg-type]
