"""Site PKI: a site CA, the certificates terminals, officers, the seal, the TSA and the archive
need, their encrypted keys, CRLs, trust checks and TLS contexts."""

from __future__ import annotations

from crypto.pki.errors import CertificateRejected, PkiError
from crypto.pki.roles import PROFILES, KeyType, Kind, Role, RoleProfile, roles_of
from crypto.pki.site import Identity, SitePki, utc_now
from crypto.pki.store import KeyLocation, PkiEntry
from crypto.pki.working_site import create_working_site

__all__ = [
    "PROFILES",
    "CertificateRejected",
    "Identity",
    "KeyLocation",
    "KeyType",
    "Kind",
    "PkiEntry",
    "PkiError",
    "Role",
    "RoleProfile",
    "SitePki",
    "create_working_site",
    "roles_of",
    "utc_now",
]
