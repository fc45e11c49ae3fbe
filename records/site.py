"""The working site as one machine uses it: the PKI directory, the identities of this site's
stations, the seal and the archive, validation material, and a timestamp authority.

A site is opened from a PKI directory (``Settings.pki_path``) with the site passphrase; with
``create=`` a missing PKI is created first (``inkseal pki init``'s content: CA, one terminal,
one workstation, officers, the seal, the TSA and the archive), which is how embedded defaults
and the demo start.  Keys stay encrypted on disk; each is decrypted once, when first used.

Timestamps come from the site's TSA URL when one is configured, otherwise from the local TSA:
the site's own TSA certificate and key answering RFC 3161 requests over loopback HTTP
(:class:`crypto.tsa_server.LocalTsaServer`).  :meth:`WorkingSite.timestamps` starts it and
the returned :class:`TimestampService` stops it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import crypto.pades_attributes  # noqa: F401 - see below
from crypto.errors import CryptoError
from crypto.keys import KDF_ITERATIONS
from crypto.pades_dss import ValidationMaterial
from crypto.pades_signers import SigningKey
from crypto.pades_timestamps import HttpTimestampSource, TimestampSource
from crypto.pki import Identity, Role, SitePki, create_working_site, utc_now
from crypto.tsa_authority import TimestampAuthority
from crypto.tsa_server import LocalTsaServer
from records.errors import RecordError

__all__ = ["SiteError", "SiteNames", "TimestampService", "WorkingSite"]

# Importing crypto.pades_attributes registers Inkseal's CMS attribute types with asn1crypto.
# It must happen before asn1crypto first builds its attribute-type table (the first timestamp
# token or signature made in the process), or the table is left unusable: every later
# signature then fails inside asn1crypto.  Whoever opens a site signs, so it is done here.

_STATION_ROLES = {"terminal": (Role.TERMINAL_SIGNING, Role.TERMINAL_LOG),
                  "workstation": (Role.WORKSTATION_SIGNING, Role.WORKSTATION_LOG)}


class SiteError(RecordError):
    """The site cannot be opened or a key of it cannot be used; ``cause`` is the crypto
    layer's reason (``wrong_passphrase``, ``entry_missing``, ``cert_expired``...)."""

    def __init__(self, *, reason: str, zh: str, en: str, path: str | None = None) -> None:
        super().__init__(reason=reason, zh=zh, en=en)
        self.path = path


@dataclass(frozen=True)
class SiteNames:
    """The PKI entry names this site uses for its stations and services."""

    terminal: str = "terminal-1"
    workstation: str = "workstation-1"
    officer: str = "officer-1"
    seal: str = "seal"
    tsa: str = "tsa"
    archive: str = "archive"

    def station_kind(self, station: str) -> str:
        """``terminal`` or ``workstation``: which kind of machine ``station`` names."""
        if station == self.terminal:
            return "terminal"
        if station == self.workstation:
            return "workstation"
        raise SiteError(reason="unknown_station", zh=f"本站点没有设备“{station}”",
                        en=f"this site has no station {station!r}")


class TimestampService:
    """A timestamp source for one working session; :meth:`close` stops a local TSA."""

    def __init__(self, source: TimestampSource, server: LocalTsaServer | None) -> None:
        self.source = source
        self._server = server

    @property
    def local(self) -> bool:
        """True when the timestamps come from this machine's local TSA."""
        return self._server is not None

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()

    def __enter__(self) -> TimestampService:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _crypto_failure(exc: CryptoError, what: str, path: Path) -> SiteError:
    reason = exc.reason
    zh = {"wrong_passphrase": "站点口令错误", "entry_missing": "站点证书缺失",
          "key_missing": "密钥文件缺失", "cert_expired": "证书已过期",
          "cert_revoked": "证书已被吊销", "pki_corrupt": "站点证书目录已损坏"}.get(reason, "无法使用站点密钥")
    return SiteError(reason=reason, zh=f"{zh}：{what}（{path}）",
                     en=f"cannot use {what}: {exc} [{reason}]", path=str(path))


def _create(directory: Path, passphrase: bytes, institution: str, names: SiteNames,
            officer_names: Sequence[str], clock: Callable[[], datetime],
            kdf_iterations: int) -> SitePki:
    """Create the working site; a creation that fails half-way leaves nothing behind (a
    half-made PKI would only fail later, less clearly)."""
    existed = directory.exists()
    try:
        return create_working_site(
            directory, passphrase, site_name=institution, terminals=(names.terminal,),
            workstations=(names.workstation,), officers=(names.officer,),
            officer_names=tuple(officer_names)[:1], seal_name=names.seal, tsa_name=names.tsa,
            archive_name=names.archive, clock=clock, kdf_iterations=kdf_iterations)
    except (CryptoError, ValueError, OSError) as exc:
        if not existed:
            shutil.rmtree(directory, ignore_errors=True)
        if isinstance(exc, CryptoError):
            raise
        raise SiteError(reason="site_creation_failed",
                        zh=f"无法创建站点证书：{exc}（机构名称不超过 40 个字符）",
                        en=f"cannot create the site PKI for {institution!r}: {exc}",
                        path=str(directory)) from exc


class WorkingSite:
    """One site's PKI with its passphrase: keys, certificates, trust and timestamps."""

    def __init__(self, pki: SitePki, passphrase: bytes, names: SiteNames,
                 clock: Callable[[], datetime]) -> None:
        self.pki = pki
        self.names = names
        self._passphrase = passphrase
        self._clock = clock
        self._identities: dict[tuple[str, Role], Identity] = {}

    @classmethod
    def open(cls, directory: Path, passphrase: bytes, *, names: SiteNames = SiteNames(),
             create: str | None = None, officer_names: Sequence[str] = (),
             clock: Callable[[], datetime] = utc_now,
             kdf_iterations: int = KDF_ITERATIONS) -> WorkingSite:
        """Open the PKI at ``directory``; when it does not exist and ``create`` names the
        institution, create a working site for it first."""
        directory = Path(directory)
        try:
            if (directory / "site.json").exists():
                pki = SitePki.open(directory, clock=clock)
            elif create is None:
                raise SiteError(reason="site_missing",
                                zh=f"找不到站点证书目录：{directory}（请先运行 inkseal pki init）",
                                en=f"no site PKI at {directory}; run 'inkseal pki init'",
                                path=str(directory))
            else:
                pki = _create(directory, passphrase, create, names, officer_names, clock,
                              kdf_iterations)
        except CryptoError as exc:
            raise _crypto_failure(exc, "site PKI", directory) from exc
        return cls(pki, passphrase, names, clock)

    # --- identities ----------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The institution's name, as its seal shows it."""
        return self.pki.site_name

    def identity(self, name: str, role: Role) -> Identity:
        """The decrypted identity ``name`` in ``role`` (cached), checked against the site CA."""
        key = (name, role)
        if key not in self._identities:
            try:
                self._identities[key] = self.pki.load_identity(name, role, self._passphrase)
            except CryptoError as exc:
                raise _crypto_failure(exc, f"{name} ({role.value})", self.pki.directory) from exc
        return self._identities[key]

    def certificate(self, name: str, role: Role) -> x509.Certificate:
        """A certificate of this site, without touching its key."""
        try:
            return self.pki.certificate(self.pki.find(name, role))
        except CryptoError as exc:
            raise _crypto_failure(exc, f"{name} ({role.value})", self.pki.directory) from exc

    def _key(self, name: str, role: Role) -> SigningKey:
        identity = self.identity(name, role)
        try:
            return SigningKey.from_identity(identity)
        except ValueError as exc:
            raise SiteError(reason="key_on_token", zh=f"{name} 的密钥在硬件令牌上，请使用令牌签名",
                            en=str(exc)) from exc

    def officer_key(self) -> SigningKey:
        """The prosecutor's certification key."""
        return self._key(self.names.officer, Role.OFFICER)

    def officer_display_name(self) -> str:
        """The officer's name as the certificate states it."""
        return self.pki.find(self.names.officer, Role.OFFICER).common_name

    def seal_key(self) -> SigningKey:
        """The institution's seal key."""
        return self._key(self.names.seal, Role.SEAL)

    def station_signing_key(self, station: str) -> SigningKey:
        """The device key a station signs with on a signatory's behalf."""
        role = _STATION_ROLES[self.names.station_kind(station)][0]
        return self._key(station, role)

    def log_key(self, station: str) -> Ed25519PrivateKey:
        """The Ed25519 key that signs ``station``'s capture log."""
        role = _STATION_ROLES[self.names.station_kind(station)][1]
        key = self.identity(station, role).private_key
        if not isinstance(key, Ed25519PrivateKey):
            raise SiteError(reason="bad_log_key", zh=f"{station} 的日志密钥不是 Ed25519 密钥",
                            en=f"the capture-log key of {station} is not an Ed25519 key")
        return key

    def log_certificate(self, station: str) -> x509.Certificate:
        """The certificate of ``station``'s capture-log key (goes into the package)."""
        return self.certificate(station, _STATION_ROLES[self.names.station_kind(station)][1])

    def archive_certificate(self) -> x509.Certificate:
        """The certificate evidence bundles are encrypted for."""
        return self.certificate(self.names.archive, Role.ARCHIVE)

    def archive_key(self) -> rsa.RSAPrivateKey:
        """The archive's private key (archivists only: it opens the evidence)."""
        key = self.identity(self.names.archive, Role.ARCHIVE).private_key
        if not isinstance(key, rsa.RSAPrivateKey):
            raise SiteError(reason="bad_archive_key", zh="证据档案密钥不是 RSA 密钥",
                            en="the archive key is not an RSA key")
        return key

    def archive_key_file(self) -> Path:
        """Where the archive's encrypted key is stored (for ``inkseal verify --archive-key``)."""
        entry = self.pki.find(self.names.archive, Role.ARCHIVE)
        return self.pki.directory / entry.key.path

    # --- trust and time ------------------------------------------------------------------
    @property
    def root(self) -> x509.Certificate:
        return self.pki.root

    @property
    def ca_chain(self) -> tuple[x509.Certificate, ...]:
        """Issuing CA first, root last."""
        return self.pki.ca_chain

    def root_file(self) -> Path:
        """The root certificate's PEM file (what ``inkseal verify --trust`` takes)."""
        return self.pki.directory / "ca" / "root-ca.cert.pem"

    def validation(self) -> ValidationMaterial:
        """Trust roots, CA certificates and the site's current CRLs, for signing and sealing."""
        return ValidationMaterial(trust_roots=(self.pki.root,),
                                  other_certs=self.pki.ca_chain[:-1], crls=self.pki.crls())

    def timestamps(self, tsa_url: str = "") -> TimestampService:
        """The site TSA at ``tsa_url``, or (empty) the local TSA started on loopback."""
        if tsa_url.strip():
            return TimestampService(HttpTimestampSource(tsa_url.strip()), None)
        tsa = self.identity(self.names.tsa, Role.TSA)
        if tsa.private_key is None:
            raise SiteError(reason="key_on_token", zh="时间戳服务密钥在硬件令牌上",
                            en="the TSA key is on a token; configure pki.tsa_url")
        authority = TimestampAuthority(tsa.certificate, tsa.private_key,  # type: ignore[arg-type]
                                       chain=tsa.chain, now=self._clock)
        try:
            server = LocalTsaServer(authority).start()
        except CryptoError as exc:
            raise SiteError(reason=exc.reason, zh=f"本地时间戳服务无法启动：{exc}",
                            en=f"the local TSA cannot start: {exc}") from exc
        return TimestampService(HttpTimestampSource(server.url), server)
