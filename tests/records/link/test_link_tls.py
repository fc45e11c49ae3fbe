"""Mutual TLS on loopback with certificates of the real site PKI: who may connect, and what
each side is told when refused."""

from __future__ import annotations

import ssl

import pytest

from crypto.pki import Kind, Role
from records.link import (
    CloseReason,
    LinkConfigError,
    LinkIdentity,
    LinkState,
    PeerPolicy,
    SessionOpened,
    Side,
    server_context,
)

from .certs import LinkSite
from .conftest import Recorder


def _down_or_retrying(rec: Recorder, reason: CloseReason):
    return lambda: any(s.reason is reason and s.state in (LinkState.DOWN, LinkState.RECONNECTING)
                       for s in rec.statuses)


def test_handshake_succeeds_and_both_sides_know_their_peer(endpoints):
    ws_rec, term_rec = Recorder(), Recorder()
    ws = endpoints.workstation(ws_rec)
    term = endpoints.terminal(ws.address, term_rec)
    term_rec.wait(lambda: term.status.state is LinkState.CONNECTED, what="terminal connected")
    ws_rec.wait(lambda: ws.status.state is LinkState.CONNECTED, what="workstation connected")
    assert ws.status.peer == "terminal-1"
    assert term.status.peer == "workstation-1"
    assert ws.session == term.session != ""
    opened = term_rec.of(SessionOpened)[0]
    assert opened.version == 1 and not opened.resumed
    assert {"ink", "preview", "upload", "log"} <= opened.caps


def test_terminal_certificate_from_an_unknown_ca_is_refused(endpoints, site, tmp_path):
    rogue = LinkSite(tmp_path / "rogue", name="Rogue CA")
    ws_rec, term_rec = Recorder(), Recorder()
    ws = endpoints.workstation(ws_rec)
    term = endpoints.terminal(ws.address, term_rec, identity=rogue.issue("terminal-9", Kind.TERMINAL))
    term_rec.wait(_down_or_retrying(term_rec, CloseReason.CERTIFICATE), what="certificate refusal")
    assert term.status.state is LinkState.DOWN  # retrying cannot fix a certificate
    assert "not issued by a CA of the site" in term.status.detail
    assert not ws_rec.of(SessionOpened)


def test_workstation_certificate_from_an_unknown_ca_is_refused(endpoints, tmp_path):
    rogue = LinkSite(tmp_path / "rogue", name="Rogue CA")
    term_rec = Recorder()
    ws = endpoints.workstation(identity=rogue.issue("workstation-9", Kind.WORKSTATION))
    term = endpoints.terminal(ws.address, term_rec)
    term_rec.wait(_down_or_retrying(term_rec, CloseReason.CERTIFICATE), what="certificate refusal")
    assert "certificate verify failed" in term.status.detail or "unable to get" in term.status.detail


def test_a_workstation_certificate_cannot_act_as_a_terminal(endpoints, site):
    ws_rec, term_rec = Recorder(), Recorder()
    ws = endpoints.workstation(ws_rec)
    term = endpoints.terminal(ws.address, term_rec, identity=site.issue("impostor", Kind.WORKSTATION))
    term_rec.wait(_down_or_retrying(term_rec, CloseReason.ROLE), what="role refusal")
    assert term.status.state is LinkState.DOWN
    assert "not a terminal certificate" in term.status.detail
    ws_rec.wait(lambda: ws.status.reason is CloseReason.ROLE, what="workstation saw the refusal")
    assert ws.status.attempt >= 1 and "impostor" in ws.status.detail
    assert not ws_rec.of(SessionOpened)


@pytest.mark.parametrize("kind, role", [(Kind.OFFICER, Role.OFFICER), (Kind.SEAL, Role.SEAL),
                                        (Kind.TERMINAL, Role.TERMINAL_SIGNING),
                                        (Kind.TERMINAL, Role.TERMINAL_LOG)],
                         ids=["officer", "seal", "terminal-signing", "terminal-log"])
def test_no_other_site_certificate_can_connect_at_all(endpoints, site, kind, role):
    ws_rec, term_rec = Recorder(), Recorder()
    ws = endpoints.workstation(ws_rec)
    term = endpoints.terminal(ws.address, term_rec, identity=site.issue("someone", kind, role))
    term_rec.wait(lambda: term.status.state is LinkState.DOWN, what="refused for good")
    assert term.status.reason in (CloseReason.CERTIFICATE, CloseReason.ROLE)
    assert not ws_rec.of(SessionOpened) and not term_rec.of(SessionOpened)


@pytest.mark.parametrize("kind, role", [(Kind.OFFICER, Role.OFFICER), (Kind.SEAL, Role.SEAL)],
                         ids=["officer", "seal"])
def test_no_other_site_certificate_can_listen_as_the_workstation(endpoints, site, kind, role):
    ws_rec, term_rec = Recorder(), Recorder()
    ws = endpoints.workstation(ws_rec, identity=site.issue("someone", kind, role))
    term = endpoints.terminal(ws.address, term_rec)
    term_rec.wait(lambda: term.status.state is LinkState.DOWN, what="refused for good")
    assert term.status.reason in (CloseReason.CERTIFICATE, CloseReason.ROLE)
    assert not ws_rec.of(SessionOpened) and not term_rec.of(SessionOpened)


def test_a_terminal_certificate_cannot_act_as_the_workstation(endpoints, site):
    ws_rec, term_rec = Recorder(), Recorder()
    ws = endpoints.workstation(ws_rec, identity=site.issue("fake-workstation", Kind.TERMINAL))
    term = endpoints.terminal(ws.address, term_rec)
    term_rec.wait(_down_or_retrying(term_rec, CloseReason.ROLE), what="role refusal")
    assert "fake-workstation" in term.status.detail
    assert not term_rec.of(SessionOpened) and not ws_rec.of(SessionOpened)


def test_an_expired_terminal_certificate_is_refused(endpoints, site):
    term_rec = Recorder()
    ws = endpoints.workstation()
    term = endpoints.terminal(ws.address, term_rec,
                              identity=site.issue("terminal-old", Kind.TERMINAL, expired=True))
    term_rec.wait(_down_or_retrying(term_rec, CloseReason.CERTIFICATE), what="expiry refusal")
    assert "expired" in term.status.detail


def test_an_expired_workstation_certificate_is_refused(endpoints, site):
    term_rec = Recorder()
    ws = endpoints.workstation(identity=site.issue("workstation-old", Kind.WORKSTATION, expired=True))
    term = endpoints.terminal(ws.address, term_rec)
    term_rec.wait(_down_or_retrying(term_rec, CloseReason.CERTIFICATE), what="expiry refusal")
    assert "expired" in term.status.detail


def test_a_second_terminal_is_turned_away_while_one_holds_the_session(endpoints, site):
    first_rec, second_rec = Recorder(), Recorder()
    ws = endpoints.workstation()
    endpoints.terminal(ws.address, first_rec, state="t1", name="terminal-1")
    first_rec.wait(lambda: any(s.state is LinkState.CONNECTED for s in first_rec.statuses))
    second = endpoints.terminal(ws.address, second_rec, state="t2", name="terminal-2")
    second_rec.wait(lambda: any(s.reason is CloseReason.BUSY and s.attempt >= 2
                                for s in second_rec.statuses), what="busy, retried")
    assert second.status.state is LinkState.RECONNECTING  # busy is worth retrying
    assert "terminal-1" in second.status.detail


def test_tls_is_1_3_only_and_requires_a_client_certificate(site):
    identity = site.issue("workstation-1", Kind.WORKSTATION)
    ctx = server_context(identity, PeerPolicy.expecting(Side.TERMINAL, (site.cert,)))
    assert ctx.minimum_version is ssl.TLSVersion.TLSv1_3
    assert ctx.verify_mode is ssl.CERT_REQUIRED


def test_a_wrong_key_password_is_a_clear_configuration_error(site):
    good = site.issue("workstation-1", Kind.WORKSTATION)
    bad = LinkIdentity(good.cert_path, good.key_path, b"not the password")
    with pytest.raises(LinkConfigError) as err:
        server_context(bad, PeerPolicy.expecting(Side.TERMINAL, (site.cert,)))
    assert err.value.path == str(good.key_path)


def test_a_missing_certificate_file_is_named(site, tmp_path):
    good = site.issue("workstation-1", Kind.WORKSTATION)
    missing = LinkIdentity(tmp_path / "nope.pem", good.key_path, good.key_password)
    with pytest.raises(LinkConfigError) as err:
        server_context(missing, PeerPolicy.expecting(Side.TERMINAL, (site.cert,)))
    assert err.value.reason == "file-missing" and "nope.pem" in err.value.path
