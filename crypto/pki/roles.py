"""What each certificate of a site is for, and how that is written into the certificate.

A role is visible three ways: a certificate policy OID of ours (one per role), the extended
key usages a peer or validator checks anyway, and the subject's organisational unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, ObjectIdentifier

from crypto.pki import oids

__all__ = [
    "KeyType",
    "Kind",
    "PROFILES",
    "Role",
    "RoleProfile",
    "roles_of",
]


class KeyType(Enum):
    """Key algorithms a site issues."""

    EC_P256 = "ec-p256"
    ED25519 = "ed25519"
    RSA_2048 = "rsa-2048"
    RSA_3072 = "rsa-3072"


class Role(Enum):
    """One certificate's purpose; the value is also the file stem in the PKI directory."""

    ROOT_CA = "root-ca"
    INTERMEDIATE_CA = "intermediate-ca"
    TERMINAL_TLS = "terminal-tls"
    TERMINAL_SIGNING = "terminal-signing"
    TERMINAL_LOG = "terminal-log"
    WORKSTATION_TLS = "workstation-tls"
    WORKSTATION_SIGNING = "workstation-signing"
    WORKSTATION_LOG = "workstation-log"
    OFFICER = "officer"
    SEAL = "seal"
    TSA = "tsa"
    ARCHIVE = "archive"


class Kind(Enum):
    """What ``pki issue KIND NAME`` creates: one or several certificates for one holder."""

    TERMINAL = "terminal"
    WORKSTATION = "workstation"
    OFFICER = "officer"
    SEAL = "seal"
    TSA = "tsa"
    ARCHIVE = "archive"

    @property
    def roles(self) -> tuple[Role, ...]:
        return _KIND_ROLES[self]


_KIND_ROLES: dict[Kind, tuple[Role, ...]] = {
    Kind.TERMINAL: (Role.TERMINAL_TLS, Role.TERMINAL_SIGNING, Role.TERMINAL_LOG),
    Kind.WORKSTATION: (Role.WORKSTATION_TLS, Role.WORKSTATION_SIGNING, Role.WORKSTATION_LOG),
    Kind.OFFICER: (Role.OFFICER,),
    Kind.SEAL: (Role.SEAL,),
    Kind.TSA: (Role.TSA,),
    Kind.ARCHIVE: (Role.ARCHIVE,),
}


@dataclass(frozen=True)
class RoleProfile:
    """How a certificate of one role is made."""

    role: Role
    policy_number: int
    """Last arc of the role's policy OID under :data:`oids.POLICY_ARC`."""
    unit: str
    """Subject organisational unit (English; the role is also in the policy OID)."""
    label_zh: str
    key_type: KeyType
    key_usage: frozenset[str]
    """Names of ``x509.KeyUsage`` flags that are set."""
    eku: tuple[ObjectIdentifier, ...] = ()
    eku_critical: bool = False
    tls_names: bool = False
    """Carries DNS/IP subject alternative names (TLS endpoints)."""
    validity_days: int = 825

    @property
    def policy_oid(self) -> ObjectIdentifier:
        return ObjectIdentifier(f"{oids.POLICY_ARC}.{self.policy_number}")


_SIGN = frozenset({"digital_signature", "content_commitment"})
_DOC = (ObjectIdentifier(oids.EKU_DOCUMENT_SIGNING),)
_TLS = (ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH)
_LOG = (ObjectIdentifier(oids.EKU_CAPTURE_LOG_SIGNING),)
_CA = frozenset({"key_cert_sign", "crl_sign"})

PROFILES: dict[Role, RoleProfile] = {p.role: p for p in (
    RoleProfile(Role.ROOT_CA, 1, "Root CA", "根证书机构", KeyType.EC_P256, _CA,
                validity_days=7305),
    RoleProfile(Role.INTERMEDIATE_CA, 2, "Issuing CA", "签发证书机构", KeyType.EC_P256, _CA,
                validity_days=3652),
    RoleProfile(Role.TERMINAL_TLS, 10, "Terminal", "终端", KeyType.EC_P256,
                frozenset({"digital_signature"}), _TLS, tls_names=True),
    RoleProfile(Role.TERMINAL_SIGNING, 11, "Terminal document signing", "终端代签",
                KeyType.EC_P256, _SIGN, _DOC),
    RoleProfile(Role.TERMINAL_LOG, 12, "Terminal capture log", "终端采集日志", KeyType.ED25519,
                frozenset({"digital_signature"}), _LOG),
    RoleProfile(Role.WORKSTATION_TLS, 20, "Workstation", "工作站", KeyType.EC_P256,
                frozenset({"digital_signature"}), _TLS, tls_names=True),
    RoleProfile(Role.WORKSTATION_SIGNING, 21, "Workstation document signing", "工作站代签",
                KeyType.EC_P256, _SIGN, _DOC),
    RoleProfile(Role.WORKSTATION_LOG, 22, "Workstation capture log", "工作站采集日志",
                KeyType.ED25519, frozenset({"digital_signature"}), _LOG),
    RoleProfile(Role.OFFICER, 30, "Officer", "办案人员", KeyType.EC_P256, _SIGN, _DOC),
    RoleProfile(Role.SEAL, 31, "Institution seal", "单位电子印章", KeyType.EC_P256, _SIGN, _DOC,
                validity_days=1825),
    RoleProfile(Role.TSA, 32, "Timestamp authority", "时间戳服务", KeyType.EC_P256, _SIGN,
                (ExtendedKeyUsageOID.TIME_STAMPING,), eku_critical=True, validity_days=1825),
    RoleProfile(Role.ARCHIVE, 33, "Evidence archive", "证据档案", KeyType.RSA_3072,
                frozenset({"key_encipherment"}), (ObjectIdentifier(oids.EKU_ARCHIVE_ENCRYPTION),),
                validity_days=3652),
)}

_BY_POLICY = {p.policy_oid.dotted_string: p.role for p in PROFILES.values()}


def roles_of(cert: x509.Certificate) -> frozenset[Role]:
    """The Inkseal roles a certificate names through its certificate policies."""
    try:
        policies = cert.extensions.get_extension_for_class(x509.CertificatePolicies).value
    except x509.ExtensionNotFound:
        return frozenset()
    return frozenset(_BY_POLICY[p.policy_identifier.dotted_string] for p in policies
                     if p.policy_identifier.dotted_string in _BY_POLICY)
