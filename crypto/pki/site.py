"""A site's PKI directory: its CA, the certificates it issued or imported, their keys and CRLs.

Layout (all PEM)::

    site.json                        index: site name, entries, CRL state
    ca/root-ca.cert.pem              ca/root-ca.key.pem (encrypted; absent for an imported CA)
    ca/intermediate-ca.cert.pem      ca/intermediate-ca.key.pem
    crl/<issuer role>.crl.pem
    certs/<name>/<role>.cert.pem     .chain.pem (cert + issuing CAs)   .key.pem (encrypted)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from crypto.keys import KDF_ITERATIONS, PrivateKey, load_private_key, save_private_key
from crypto.pki.builder import (
    PublicKey,
    Revocation,
    SubjectSpec,
    generate_key,
    make_ca_certificate,
    make_crl,
    make_end_entity,
)
from crypto.pki.errors import CertificateRejected, PkiError
from crypto.pki.roles import PROFILES, KeyType, Kind, Role, roles_of
from crypto.pki.store import (
    KeyLocation,
    PkiEntry,
    SiteIndex,
    check_entry_name,
    read_index,
    write_index,
)
from crypto.pki.trust import check_certificate, same_public_key

__all__ = ["Clock", "Identity", "SitePki", "utc_now"]

Clock = Callable[[], datetime]
_PEM = serialization.Encoding.PEM


def utc_now() -> datetime:
    """The default clock: aware UTC now."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Identity:
    """A certificate with its private key (``None`` when the key is on a token) and CA chain."""

    entry: PkiEntry
    certificate: x509.Certificate
    private_key: PrivateKey | None
    chain: tuple[x509.Certificate, ...]
    """Issuing CAs, nearest first, ending with the root."""
    cert_file: Path
    chain_file: Path
    key_file: Path | None


def _pem(certs: Sequence[x509.Certificate]) -> bytes:
    return b"".join(c.public_bytes(_PEM) for c in certs)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _load_cert(path: Path) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(path.read_bytes())
    except FileNotFoundError as exc:
        raise PkiError(f"certificate {path} is missing", reason="entry_missing",
                       path=str(path)) from exc
    except ValueError as exc:
        raise PkiError(f"{path} is not a PEM certificate", reason="pki_corrupt",
                       path=str(path)) from exc


class SitePki:
    """One site's PKI directory; create it with :meth:`create`, use it with :meth:`open`."""

    def __init__(self, directory: Path, index: SiteIndex, clock: Clock) -> None:
        self._dir = Path(directory)
        self._index = index
        self._clock = clock
        self.root = _load_cert(self._dir / "ca" / "root-ca.cert.pem")
        issuing = self._dir / "ca" / "intermediate-ca.cert.pem"
        self.intermediate = _load_cert(issuing) if issuing.exists() else None

    # ----------------------------------------------------------------- creating and opening
    @classmethod
    def create(cls, directory: Path, passphrase: bytes, *, site_name: str,
               clock: Clock = utc_now, crl_url_base: str = "", crl_days: int = 30,
               kdf_iterations: int = KDF_ITERATIONS) -> SitePki:
        """A new site CA: root and issuing intermediate, keys encrypted under ``passphrase``."""
        directory = Path(directory)
        if (directory / "site.json").exists():
            raise PkiError(f"a site PKI already exists at {directory}", reason="pki_exists",
                           path=str(directory))
        now = clock()
        subject_root = SubjectSpec(f"{site_name} Root CA", site_name)
        subject_int = SubjectSpec(f"{site_name} Issuing CA", site_name)
        root_key = generate_key(KeyType.EC_P256)
        root = make_ca_certificate(Role.ROOT_CA, subject_root, root_key.public_key(), now=now,
                                   issuer=None, issuer_key=root_key)
        int_key = generate_key(KeyType.EC_P256)
        crl_url = f"{crl_url_base.rstrip('/')}/root-ca.crl" if crl_url_base else None
        intermediate = make_ca_certificate(Role.INTERMEDIATE_CA, subject_int,
                                           int_key.public_key(), now=now, issuer=root,
                                           issuer_key=root_key, crl_url=crl_url)
        ca = directory / "ca"
        save_private_key(ca / "root-ca.key.pem", root_key, passphrase, iterations=kdf_iterations)
        save_private_key(ca / "intermediate-ca.key.pem", int_key, passphrase,
                         iterations=kdf_iterations)
        _write(ca / "root-ca.cert.pem", _pem([root]))
        _write(ca / "intermediate-ca.cert.pem", _pem([intermediate]))
        index = SiteIndex(site_name=site_name, created=now,
                          ca_key_path="ca/intermediate-ca.key.pem",
                          crl_url_base=crl_url_base, crl_days=crl_days,
                          kdf_iterations=kdf_iterations)
        write_index(directory / "site.json", index)
        pki = cls(directory, index, clock)
        pki.refresh_crls(passphrase)
        return pki

    @classmethod
    def adopt_ca(cls, directory: Path, root: x509.Certificate, *, site_name: str,
                 intermediate: x509.Certificate | None = None,
                 issuing_key: PrivateKey | None = None, passphrase: bytes | None = None,
                 clock: Clock = utc_now, kdf_iterations: int = KDF_ITERATIONS) -> SitePki:
        """Use a site's own CA instead of creating one; with its issuing key we may issue too."""
        directory = Path(directory)
        if (directory / "site.json").exists():
            raise PkiError(f"a site PKI already exists at {directory}", reason="pki_exists",
                           path=str(directory))
        if intermediate is not None:
            check_certificate(intermediate, root=root, intermediates=(), at=clock())
        issuer = intermediate or root
        key_path = ""
        if issuing_key is not None:
            if not same_public_key(issuer, issuing_key.public_key()):
                raise CertificateRejected("the CA key does not belong to the issuing CA",
                                          reason="key_mismatch",
                                          subject=issuer.subject.rfc4514_string())
            if not passphrase:
                raise PkiError("a passphrase is needed to store the CA key",
                               reason="ca_key_missing", path=str(directory))
            key_path = ("ca/intermediate-ca.key.pem" if intermediate is not None
                        else "ca/root-ca.key.pem")
            save_private_key(directory / key_path, issuing_key, passphrase,
                             iterations=kdf_iterations)
        _write(directory / "ca" / "root-ca.cert.pem", _pem([root]))
        if intermediate is not None:
            _write(directory / "ca" / "intermediate-ca.cert.pem", _pem([intermediate]))
        index = SiteIndex(site_name=site_name, created=clock(), external_ca=True,
                          ca_key_path=key_path, kdf_iterations=kdf_iterations)
        write_index(directory / "site.json", index)
        return cls(directory, index, clock)

    @classmethod
    def open(cls, directory: Path, *, clock: Clock = utc_now) -> SitePki:
        """Open an existing PKI directory (no passphrase needed until a key is used)."""
        directory = Path(directory)
        return cls(directory, read_index(directory / "site.json"), clock)

    # ------------------------------------------------------------------------- reading
    @property
    def directory(self) -> Path:
        return self._dir

    @property
    def site_name(self) -> str:
        return self._index.site_name

    @property
    def issuing_ca(self) -> x509.Certificate:
        return self.intermediate or self.root

    @property
    def ca_chain(self) -> tuple[x509.Certificate, ...]:
        """The site's CA certificates, issuing CA first, root last."""
        return (self.intermediate, self.root) if self.intermediate else (self.root,)

    def entries(self) -> tuple[PkiEntry, ...]:
        return self._index.entries

    def find(self, name: str, role: Role | None = None) -> PkiEntry:
        """The entry ``name`` (in ``role`` when a holder has several certificates)."""
        hits = [e for e in self._index.entries
                if e.name == name and (role is None or e.role is role)]
        if len(hits) == 1:
            return hits[0]
        if not hits:
            what = f"{name} ({role.value})" if role else name
            raise PkiError(f"no certificate {what} in {self._dir}", reason="entry_missing",
                           name=name)
        roles = ", ".join(e.role.value for e in hits)
        raise PkiError(f"{name} has several certificates ({roles}); say which role",
                       reason="entry_ambiguous", name=name)

    def find_role(self, role: Role) -> PkiEntry:
        """The single current entry in ``role`` (the seal, the TSA, the archive)."""
        hits = [e for e in self._index.entries if e.role is role and e.revoked_at is None]
        if not hits:
            raise PkiError(f"no {role.value} certificate in {self._dir}",
                           reason="entry_missing", name=role.value)
        return hits[-1]

    def certificate(self, entry: PkiEntry) -> x509.Certificate:
        return _load_cert(self._dir / entry.cert_path)

    def crls(self) -> tuple[x509.CertificateRevocationList, ...]:
        """The CRLs stored for the site's CAs (may be stale: see ``next_update_utc``)."""
        found = []
        for path in sorted((self._dir / "crl").glob("*.crl.pem")):
            try:
                found.append(x509.load_pem_x509_crl(path.read_bytes()))
            except ValueError as exc:
                raise PkiError(f"{path} is not a PEM CRL", reason="pki_corrupt",
                               path=str(path)) from exc
        return tuple(found)

    def check(self, cert: x509.Certificate, role: Role | None = None,
              at: datetime | None = None) -> list[x509.Certificate]:
        """Raise :class:`CertificateRejected` unless ``cert`` is trusted, valid and in ``role``."""
        intermediates = (self.intermediate,) if self.intermediate else ()
        return check_certificate(cert, root=self.root, intermediates=intermediates,
                                 at=at or self._clock(), crls=self.crls(), role=role)

    def load_identity(self, name: str, role: Role | None, passphrase: bytes | None) -> Identity:
        """Certificate, decrypted key and chain of ``name``, checked against the site root."""
        entry = self.find(name, role)
        cert = self.certificate(entry)
        path = self.check(cert, entry.role)
        key: PrivateKey | None = None
        key_file: Path | None = None
        if entry.key.kind == "file":
            key_file = self._dir / entry.key.path
            if passphrase is None:
                raise PkiError(f"the key of {name} needs a passphrase", reason="passphrase_needed",
                               name=name)
            key = load_private_key(key_file, passphrase)
            if not same_public_key(cert, key.public_key()):
                raise CertificateRejected(f"{key_file} does not hold the key of {name}",
                                          reason="key_mismatch",
                                          subject=cert.subject.rfc4514_string())
        return Identity(entry, cert, key, tuple(path[1:]), self._dir / entry.cert_path,
                        self._dir / entry.chain_path, key_file)

    # ------------------------------------------------------------------------- issuing
    def _issuer_key(self, ca_passphrase: bytes) -> PrivateKey:
        if not self._index.ca_key_path:
            raise PkiError("this site's CA key is not here (imported CA): issue certificates "
                           "with the site's own CA and import them", reason="ca_key_missing",
                           path=str(self._dir))
        return load_private_key(self._dir / self._index.ca_key_path, ca_passphrase)

    def issue(self, kind: Kind, name: str, *, ca_passphrase: bytes,
              key_passphrase: bytes | None = None, common_name: str | None = None,
              dns_names: Sequence[str] = (), ip_addresses: Sequence[str] = (),
              validity_days: int | None = None) -> tuple[PkiEntry, ...]:
        """Issue every certificate of ``kind`` for ``name`` with fresh keys stored encrypted."""
        check_entry_name(name)
        issuer_key = self._issuer_key(ca_passphrase)
        issued = []
        for role in kind.roles:
            self._refuse_duplicate(name, role)
            key = generate_key(PROFILES[role].key_type)
            key_rel = f"certs/{name}/{role.value}.key.pem"
            save_private_key(self._dir / key_rel, key, key_passphrase or ca_passphrase,
                             iterations=self._index.kdf_iterations)
            issued.append(self._sign_and_record(
                role, name, key.public_key(), issuer_key, KeyLocation("file", key_rel),
                common_name=common_name, dns_names=dns_names or (name, "localhost"),
                ip_addresses=ip_addresses or ("127.0.0.1",), validity_days=validity_days))
        return tuple(issued)

    def issue_for_key(self, role: Role, name: str, public_key: PublicKey, key: KeyLocation, *,
                      ca_passphrase: bytes, common_name: str | None = None,
                      validity_days: int | None = None) -> PkiEntry:
        """Certify a key held elsewhere (a PKCS#11 token): only the certificate is stored here."""
        check_entry_name(name)
        self._refuse_duplicate(name, role)
        return self._sign_and_record(role, name, public_key, self._issuer_key(ca_passphrase),
                                     key, common_name=common_name, dns_names=(name,),
                                     ip_addresses=(), validity_days=validity_days)

    def import_identity(self, role: Role, name: str, cert: x509.Certificate,
                        key: PrivateKey | None, *, key_passphrase: bytes | None,
                        token_key: KeyLocation | None = None) -> PkiEntry:
        """Adopt a certificate the site's own CA issued (and its key, stored encrypted here)."""
        check_entry_name(name)
        self._refuse_duplicate(name, role)
        path = self.check(cert, role=None)
        if role not in _acceptable_roles(cert, role):
            raise CertificateRejected(f"{cert.subject.rfc4514_string()} cannot serve as "
                                      f"{role.value}", reason="wrong_role",
                                      subject=cert.subject.rfc4514_string())
        if key is not None:
            if not same_public_key(cert, key.public_key()):
                raise CertificateRejected("the key does not belong to the certificate",
                                          reason="key_mismatch",
                                          subject=cert.subject.rfc4514_string())
            if not key_passphrase:
                raise PkiError("a passphrase is needed to store the imported key",
                               reason="passphrase_needed", name=name)
            key_rel = f"certs/{name}/{role.value}.key.pem"
            save_private_key(self._dir / key_rel, key, key_passphrase,
                             iterations=self._index.kdf_iterations)
            location = KeyLocation("file", key_rel)
        elif token_key is not None:
            location = token_key
        else:
            raise PkiError("an imported identity needs its key or a token location",
                           reason="import_rejected", name=name)
        return self._record(role, name, cert, path[1:], location, imported=True)

    def revoke(self, name: str, role: Role, *, ca_passphrase: bytes) -> PkiEntry:
        """Mark an entry revoked and publish new CRLs."""
        entry = self.find(name, role)
        revoked = replace(entry, revoked_at=self._clock())
        self._save(tuple(revoked if e == entry else e for e in self._index.entries))
        self.refresh_crls(ca_passphrase)
        return revoked

    def refresh_crls(self, ca_passphrase: bytes) -> tuple[x509.CertificateRevocationList, ...]:
        """Sign fresh CRLs (valid ``crl_days``) for the root and the issuing CA."""
        now = self._clock()
        number = self._index.crl_number + 1
        crl_dir = self._dir / "crl"
        crl_dir.mkdir(parents=True, exist_ok=True)
        made = []
        revoked = [Revocation(e.serial, e.revoked_at) for e in self._index.entries
                   if e.revoked_at is not None]
        if self._index.external_ca:
            return self.crls()
        root_key = load_private_key(self._dir / "ca" / "root-ca.key.pem", ca_passphrase)
        made.append(("root-ca", make_crl(self.root, root_key, [], now=now,
                                         next_update_days=self._index.crl_days, number=number)))
        if self.intermediate is not None:
            int_key = self._issuer_key(ca_passphrase)
            made.append(("intermediate-ca", make_crl(self.intermediate, int_key, revoked, now=now,
                                                     next_update_days=self._index.crl_days,
                                                     number=number)))
        for stem, crl in made:
            _write(crl_dir / f"{stem}.crl.pem", crl.public_bytes(_PEM))
        self._index = replace(self._index, crl_number=number)
        write_index(self._dir / "site.json", self._index)
        return tuple(c for _, c in made)

    # ------------------------------------------------------------------------- internals
    def _refuse_duplicate(self, name: str, role: Role) -> None:
        if any(e.name == name and e.role is role for e in self._index.entries):
            raise PkiError(f"{name} already has a {role.value} certificate",
                           reason="entry_exists", name=name)

    def _sign_and_record(self, role: Role, name: str, public_key: PublicKey,
                         issuer_key: PrivateKey, location: KeyLocation, *,
                         common_name: str | None, dns_names: Sequence[str],
                         ip_addresses: Sequence[str], validity_days: int | None) -> PkiEntry:
        base = self._index.crl_url_base.rstrip("/")
        crl_url = f"{base}/intermediate-ca.crl" if base and self.intermediate else None
        cert = make_end_entity(role, SubjectSpec(common_name or name, self.site_name), public_key,
                               now=self._clock(), issuer=self.issuing_ca, issuer_key=issuer_key,
                               dns_names=dns_names, ip_addresses=ip_addresses,
                               validity_days=validity_days, crl_url=crl_url)
        return self._record(role, name, cert, list(self.ca_chain), location, imported=False)

    def _record(self, role: Role, name: str, cert: x509.Certificate,
                chain: Sequence[x509.Certificate], location: KeyLocation, *,
                imported: bool) -> PkiEntry:
        cert_rel = f"certs/{name}/{role.value}.cert.pem"
        chain_rel = f"certs/{name}/{role.value}.chain.pem"
        _write(self._dir / cert_rel, _pem([cert]))
        _write(self._dir / chain_rel, _pem([cert, *[c for c in chain if c != self.root]]))
        cn = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        entry = PkiEntry(name=name, role=role, common_name=str(cn[0].value) if cn else name,
                         cert_path=cert_rel, chain_path=chain_rel, key=location,
                         serial=cert.serial_number, not_before=cert.not_valid_before_utc,
                         not_after=cert.not_valid_after_utc, imported=imported)
        self._save((*self._index.entries, entry))
        return entry

    def _save(self, entries: tuple[PkiEntry, ...]) -> None:
        self._index = self._index.with_entries(entries)
        write_index(self._dir / "site.json", self._index)


def _acceptable_roles(cert: x509.Certificate, wanted: Role) -> set[Role]:
    """Roles an imported certificate may take: its policy OIDs, or else what its EKUs permit."""
    named = roles_of(cert)
    if named:
        return set(named)
    try:
        ekus = set(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
    except x509.ExtensionNotFound:
        ekus = set()
    need = set(PROFILES[wanted].eku)
    return {wanted} if need <= ekus else set()
