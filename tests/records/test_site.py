"""The working site: created on first use, reopened after, keys in their roles, clear errors for
a wrong passphrase or a missing site, and a local TSA whose tokens verify against the root."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from crypto.pki import Role, roles_of
from crypto.tsa import request_timestamp, verify_timestamp_token
from records.site import SiteError, SiteNames, WorkingSite
from tests.records.test_session_world import small_site


def test_first_use_creates_the_working_site_and_later_uses_reopen_it(tmp_path: Path) -> None:
    created = WorkingSite.open(tmp_path / "pki", b"pass", create="某某市人民检察院",
                               officer_names=("李明",), kdf_iterations=1000)
    assert created.name == "某某市人民检察院" and created.officer_display_name() == "李明"
    again = WorkingSite.open(tmp_path / "pki", b"pass", create="another name")
    assert again.root == created.root and again.name == "某某市人民检察院"
    assert again.root_file().read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    assert again.archive_key_file().exists() and b"ENCRYPTED" in again.archive_key_file().read_bytes()


def test_a_missing_site_is_not_created_unless_asked(tmp_path: Path) -> None:
    with pytest.raises(SiteError) as missing:
        WorkingSite.open(tmp_path / "nowhere", b"pass")
    assert missing.value.reason == "site_missing" and "inkseal pki init" in missing.value.en
    assert "pki init" in missing.value.zh


def test_a_site_that_cannot_be_created_leaves_nothing_behind(tmp_path: Path) -> None:
    # The TSA's certificate is named "<institution> Timestamp Authority": too long for X.509.
    with pytest.raises(SiteError) as failed:
        WorkingSite.open(tmp_path / "pki", b"pass", create="People's Procuratorate of Nan'an "
                         "District, Chongqing", kdf_iterations=1000)
    assert failed.value.reason == "site_creation_failed" and "Chongqing" in failed.value.en
    assert not (tmp_path / "pki").exists()
    made = WorkingSite.open(tmp_path / "pki", b"pass", create="南岸区人民检察院",
                            kdf_iterations=1000)
    assert made.name == "南岸区人民检察院"


def test_a_wrong_passphrase_is_a_clear_error_naming_the_key() -> None:
    site = WorkingSite.open(small_site().pki.directory, b"not the passphrase")
    with pytest.raises(SiteError) as wrong:
        site.seal_key()
    assert wrong.value.reason == "wrong_passphrase" and "seal" in wrong.value.en
    assert "口令错误" in wrong.value.zh


def test_every_key_serves_in_its_role() -> None:
    site = small_site()
    assert Role.OFFICER in roles_of(site.officer_key().certificate)
    assert Role.SEAL in roles_of(site.seal_key().certificate)
    assert Role.TERMINAL_SIGNING in roles_of(site.station_signing_key("terminal-1").certificate)
    assert Role.WORKSTATION_SIGNING in roles_of(
        site.station_signing_key("workstation-1").certificate)
    for station, role in (("terminal-1", Role.TERMINAL_LOG),
                          ("workstation-1", Role.WORKSTATION_LOG)):
        key = site.log_key(station)
        assert isinstance(key, Ed25519PrivateKey)
        cert = site.log_certificate(station)
        assert role in roles_of(cert) and cert.public_key() == key.public_key()
    assert site.archive_key().public_key().public_numbers() == \
        site.archive_certificate().public_key().public_numbers()
    assert site.validation().trust_roots == (site.root,) and site.validation().crls
    with pytest.raises(SiteError) as unknown:
        site.log_key("terminal-9")
    assert unknown.value.reason == "unknown_station"


def test_names_say_which_kind_of_machine_a_station_is() -> None:
    names = SiteNames(terminal="room-3", workstation="desk-1")
    assert names.station_kind("room-3") == "terminal"
    assert names.station_kind("desk-1") == "workstation"


def test_the_local_tsa_serves_tokens_the_site_root_verifies() -> None:
    site = small_site()
    with site.timestamps() as service:
        assert service.local and "127.0.0.1" in service.source.description
        token = request_timestamp(b"checkpoint", service.source.timestamper())
    info = verify_timestamp_token(token, data=b"checkpoint", trust_roots=[site.root])
    assert info.tsa_certificate == site.certificate(site.names.tsa, Role.TSA)
    configured = site.timestamps("https://tsa.example.invalid/tsr")
    assert not configured.local and "tsa.example.invalid" in configured.source.description
    configured.close()

