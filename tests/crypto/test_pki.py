"""The site PKI: what ``pki init`` issues, how roles show, and the typed refusals."""

from __future__ import annotations

import json
import socket
import ssl
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, ObjectIdentifier

from crypto.keys import KeyStoreError
from crypto.pki import (
    CertificateRejected,
    KeyLocation,
    Kind,
    PkiError,
    Role,
    SitePki,
    oids,
    roles_of,
    utc_now,
)
from crypto.pki.builder import SubjectSpec, make_ca_certificate, make_end_entity
from crypto.pki.tls import client_context, require_peer_role, server_context
from tests.crypto.test_pades_world import FAST_KDF, PASSPHRASE, site


def _ext(cert: x509.Certificate, cls: type) -> x509.Extension:  # type: ignore[type-arg]
    return cert.extensions.get_extension_for_class(cls)


def _cert(role: Role, name: str | None = None) -> x509.Certificate:
    pki = site()
    entry = pki.find(name, role) if name else pki.find_role(role)
    return pki.certificate(entry)


@pytest.fixture
def small_site(tmp_path: Path) -> SitePki:
    return SitePki.create(tmp_path / "pki", b"pw", site_name="Test Site", kdf_iterations=FAST_KDF)


# ------------------------------------------------------------------------ what init issues
def test_working_site_has_every_role_once() -> None:
    roles = sorted(e.role.value for e in site().entries())
    assert roles == sorted(["terminal-tls", "terminal-signing", "terminal-log",
                            "workstation-tls", "workstation-signing", "workstation-log",
                            "officer", "seal", "tsa", "archive"])


def test_each_certificate_names_its_role_by_policy_and_unit() -> None:
    pki = site()
    for entry in pki.entries():
        cert = pki.certificate(entry)
        assert roles_of(cert) == {entry.role}
        unit = cert.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATIONAL_UNIT_NAME)
        assert unit and unit[0].value
        assert pki.check(cert, entry.role)  # trusted, valid now, role as recorded


def test_signing_certificates_commit_to_documents() -> None:
    for role in (Role.TERMINAL_SIGNING, Role.OFFICER, Role.SEAL):
        cert = _cert(role, "terminal-1" if role is Role.TERMINAL_SIGNING else None)
        usage = _ext(cert, x509.KeyUsage).value
        assert usage.digital_signature and usage.content_commitment
        assert ObjectIdentifier(oids.EKU_DOCUMENT_SIGNING) in _ext(cert,
                                                                    x509.ExtendedKeyUsage).value
        assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey)


def test_tsa_certificate_has_critical_sole_timestamping_eku() -> None:
    eku = _ext(_cert(Role.TSA), x509.ExtendedKeyUsage)
    assert eku.critical and list(eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]


def test_capture_log_key_is_ed25519_and_archive_key_is_rsa_for_encryption() -> None:
    log = _cert(Role.TERMINAL_LOG, "terminal-1")
    assert isinstance(log.public_key(), ed25519.Ed25519PublicKey)
    assert list(_ext(log, x509.ExtendedKeyUsage).value) == [
        ObjectIdentifier(oids.EKU_CAPTURE_LOG_SIGNING)]
    archive = _cert(Role.ARCHIVE)
    assert isinstance(archive.public_key(), rsa.RSAPublicKey)
    assert archive.public_key().key_size >= 3072
    assert _ext(archive, x509.KeyUsage).value.key_encipherment


def test_tls_certificates_serve_both_ends_and_name_the_host() -> None:
    cert = _cert(Role.TERMINAL_TLS, "terminal-1")
    assert set(_ext(cert, x509.ExtendedKeyUsage).value) == {ExtendedKeyUsageOID.SERVER_AUTH,
                                                            ExtendedKeyUsageOID.CLIENT_AUTH}
    names = _ext(cert, x509.SubjectAlternativeName).value
    assert "terminal-1" in names.get_values_for_type(x509.DNSName)


def test_ca_chain_root_then_issuing_ca_limited_to_end_entities() -> None:
    pki = site()
    root_bc = _ext(pki.root, x509.BasicConstraints).value
    assert root_bc.ca and pki.root.issuer == pki.root.subject
    assert pki.intermediate is not None
    bc = _ext(pki.intermediate, x509.BasicConstraints).value
    assert bc.ca and bc.path_length == 0
    assert pki.ca_chain == (pki.intermediate, pki.root)


def test_private_keys_on_disk_are_all_encrypted() -> None:
    keys = list(site().directory.rglob("*.key.pem"))
    assert len(keys) == 12  # two CA keys and ten issued ones
    for path in keys:
        assert path.read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
        assert path.stat().st_mode & 0o077 == 0


def test_crls_are_published_and_fresh() -> None:
    crls = site().crls()
    assert {c.issuer for c in crls} == {site().root.subject, site().intermediate.subject}
    assert all(c.next_update_utc > utc_now() + timedelta(days=20) for c in crls)


# ------------------------------------------------------------------------ issuing and loading
def test_issue_a_second_terminal_and_load_it(small_site: SitePki) -> None:
    issued = small_site.issue(Kind.TERMINAL, "terminal-2", ca_passphrase=b"pw",
                              dns_names=["terminal-2.local"], ip_addresses=["10.0.0.7"])
    assert [e.role for e in issued] == list(Kind.TERMINAL.roles)
    ident = small_site.load_identity("terminal-2", Role.TERMINAL_SIGNING, b"pw")
    assert ident.chain == (small_site.intermediate, small_site.root)
    reopened = SitePki.open(small_site.directory)
    assert [e.name for e in reopened.entries()] == ["terminal-2"] * 3


def test_display_name_may_be_chinese_but_entry_names_are_file_safe(small_site: SitePki) -> None:
    entry, = small_site.issue(Kind.OFFICER, "officer-7", ca_passphrase=b"pw",
                              common_name="李检察官")
    assert entry.common_name == "李检察官"
    with pytest.raises(PkiError) as err:
        small_site.issue(Kind.OFFICER, "../escape", ca_passphrase=b"pw")
    assert err.value.reason == "bad_name"


def test_duplicate_and_ambiguous_and_missing_entries(small_site: SitePki) -> None:
    small_site.issue(Kind.TERMINAL, "t1", ca_passphrase=b"pw")
    with pytest.raises(PkiError) as err:
        small_site.issue(Kind.TERMINAL, "t1", ca_passphrase=b"pw")
    assert err.value.reason == "entry_exists"
    with pytest.raises(PkiError) as err:
        small_site.find("t1")
    assert err.value.reason == "entry_ambiguous"
    with pytest.raises(PkiError) as err:
        small_site.find("t9", Role.TERMINAL_TLS)
    assert err.value.reason == "entry_missing"


def test_wrong_ca_passphrase_cannot_issue(small_site: SitePki) -> None:
    with pytest.raises(KeyStoreError) as err:
        small_site.issue(Kind.SEAL, "seal", ca_passphrase=b"guess")
    assert err.value.reason == "wrong_passphrase"


def test_wrong_key_passphrase_cannot_load() -> None:
    with pytest.raises(KeyStoreError) as err:
        site().load_identity("officer-1", Role.OFFICER, b"not it")
    assert err.value.reason == "wrong_passphrase"


def test_expired_and_not_yet_valid_certificates_are_refused(small_site: SitePki) -> None:
    small_site.issue(Kind.OFFICER, "o", ca_passphrase=b"pw", validity_days=30)
    cert = small_site.certificate(small_site.find("o"))
    with pytest.raises(CertificateRejected) as err:
        small_site.check(cert, Role.OFFICER, at=utc_now() + timedelta(days=31))
    assert err.value.reason == "cert_expired"
    with pytest.raises(CertificateRejected) as err:
        small_site.check(cert, Role.OFFICER, at=utc_now() - timedelta(days=1))
    assert err.value.reason == "cert_not_yet_valid"
    later = SitePki.open(small_site.directory, clock=lambda: utc_now() + timedelta(days=40))
    with pytest.raises(CertificateRejected) as err:
        later.load_identity("o", Role.OFFICER, b"pw")
    assert err.value.reason == "cert_expired"


def test_untrusted_and_wrong_role_certificates_are_refused(small_site: SitePki) -> None:
    foreign = site().certificate(site().find("officer-1"))
    with pytest.raises(CertificateRejected) as err:
        small_site.check(foreign)
    assert err.value.reason == "cert_untrusted"
    terminal = site().certificate(site().find("terminal-1", Role.TERMINAL_SIGNING))
    with pytest.raises(CertificateRejected) as err:
        site().check(terminal, Role.SEAL)
    assert err.value.reason == "wrong_role"


def test_revoked_certificate_is_refused_and_listed_in_the_crl(small_site: SitePki) -> None:
    small_site.issue(Kind.OFFICER, "o", ca_passphrase=b"pw")
    entry = small_site.revoke("o", Role.OFFICER, ca_passphrase=b"pw")
    cert = small_site.certificate(entry)
    with pytest.raises(CertificateRejected) as err:
        small_site.check(cert, Role.OFFICER, at=utc_now() + timedelta(seconds=1))
    assert err.value.reason == "cert_revoked"
    issuing = next(c for c in small_site.crls() if c.issuer == small_site.intermediate.subject)
    assert issuing.get_revoked_certificate_by_serial_number(cert.serial_number) is not None


def test_opening_and_creating_report_typed_errors(tmp_path: Path, small_site: SitePki) -> None:
    with pytest.raises(PkiError) as err:
        SitePki.open(tmp_path / "nowhere")
    assert err.value.reason == "pki_missing"
    with pytest.raises(PkiError) as err:
        SitePki.create(small_site.directory, b"pw", site_name="again")
    assert err.value.reason == "pki_exists"
    (small_site.directory / "site.json").write_text(json.dumps({"format": 99}))
    with pytest.raises(PkiError) as err:
        SitePki.open(small_site.directory)
    assert err.value.reason == "pki_corrupt"


# ------------------------------------------------------------------------ a site's own CA
def _external_ca() -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    root = make_ca_certificate(Role.ROOT_CA, SubjectSpec("Provincial Root", "Province"),
                               key.public_key(), now=utc_now(), issuer=None, issuer_key=key)
    return root, key


def test_adopted_ca_with_its_key_issues_certificates(tmp_path: Path) -> None:
    root, key = _external_ca()
    pki = SitePki.adopt_ca(tmp_path / "pki", root, site_name="Province", issuing_key=key,
                           passphrase=b"pw", kdf_iterations=FAST_KDF)
    entry, = pki.issue(Kind.SEAL, "seal", ca_passphrase=b"pw")
    assert pki.check(pki.certificate(entry), Role.SEAL)


def test_imported_identity_from_the_sites_own_ca(tmp_path: Path) -> None:
    root, key = _external_ca()
    pki = SitePki.adopt_ca(tmp_path / "pki", root, site_name="Province", kdf_iterations=FAST_KDF)
    with pytest.raises(PkiError) as err:
        pki.issue(Kind.SEAL, "seal", ca_passphrase=b"pw")
    assert err.value.reason == "ca_key_missing"
    seal_key = ec.generate_private_key(ec.SECP256R1())
    seal_cert = make_end_entity(Role.SEAL, SubjectSpec("Seal", "Province"),
                                seal_key.public_key(), now=utc_now(), issuer=root,
                                issuer_key=key)
    with pytest.raises(CertificateRejected) as err:
        pki.import_identity(Role.SEAL, "seal", seal_cert, ec.generate_private_key(ec.SECP256R1()),
                            key_passphrase=b"pw")
    assert err.value.reason == "key_mismatch"
    with pytest.raises(CertificateRejected) as err:
        pki.import_identity(Role.TSA, "tsa", seal_cert, seal_key, key_passphrase=b"pw")
    assert err.value.reason == "wrong_role"
    entry = pki.import_identity(Role.SEAL, "seal", seal_cert, seal_key, key_passphrase=b"pw")
    assert entry.imported
    assert pki.load_identity("seal", Role.SEAL, b"pw").chain == (root,)
    foreign = site().certificate(site().find_role(Role.SEAL))
    with pytest.raises(CertificateRejected) as err:
        pki.import_identity(Role.SEAL, "other", foreign, None, key_passphrase=None,
                            token_key=KeyLocation("pkcs11", token_label="t", key_label="k"))
    assert err.value.reason == "cert_untrusted"


# ------------------------------------------------------------------------ TLS between roles
def test_mutual_tls_between_workstation_and_terminal_checks_roles() -> None:
    pki = site()
    ws = pki.load_identity("workstation-1", Role.WORKSTATION_TLS, PASSPHRASE)
    term = pki.load_identity("terminal-1", Role.TERMINAL_TLS, PASSPHRASE)
    server_ctx = server_context(ws, PASSPHRASE, pki.root)
    client_ctx = client_context(term, PASSPHRASE, pki.root)
    a, b = socket.socketpair()
    seen: dict[str, object] = {}

    def serve() -> None:
        with server_ctx.wrap_socket(a, server_side=True) as tls:
            seen["client_role"] = require_peer_role(tls, {Role.TERMINAL_TLS})
            tls.sendall(b"ok")

    thread = threading.Thread(target=serve, name="tls-server")
    thread.start()
    try:
        with client_ctx.wrap_socket(b, server_hostname="workstation-1") as tls:
            assert require_peer_role(tls, {Role.WORKSTATION_TLS}) is Role.WORKSTATION_TLS
            with pytest.raises(CertificateRejected) as err:
                require_peer_role(tls, {Role.TERMINAL_TLS})
            assert err.value.reason == "wrong_role"
            assert tls.recv(2) == b"ok"
    finally:
        thread.join(timeout=10)
    assert seen["client_role"] is Role.TERMINAL_TLS


def test_tls_client_refuses_a_server_outside_the_site(tmp_path: Path) -> None:
    other = SitePki.create(tmp_path / "other", b"pw", site_name="Elsewhere",
                           kdf_iterations=FAST_KDF)
    other.issue(Kind.WORKSTATION, "workstation-1", ca_passphrase=b"pw")
    stranger = other.load_identity("workstation-1", Role.WORKSTATION_TLS, b"pw")
    term = site().load_identity("terminal-1", Role.TERMINAL_TLS, PASSPHRASE)
    server_ctx = server_context(stranger, b"pw", other.root)
    client_ctx = client_context(term, PASSPHRASE, site().root)
    a, b = socket.socketpair()

    def serve() -> None:
        try:
            with server_ctx.wrap_socket(a, server_side=True):
                pass
        except (ssl.SSLError, OSError):
            pass

    thread = threading.Thread(target=serve, name="tls-stranger")
    thread.start()
    try:
        with pytest.raises(ssl.SSLCertVerificationError):
            client_ctx.wrap_socket(b, server_hostname="workstation-1")
    finally:
        b.close()
        thread.join(timeout=10)
