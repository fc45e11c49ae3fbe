"""The headless entry points the CLI will call with plain settings values."""

from __future__ import annotations

import threading

import pytest

from crypto.pki import Kind
from records.link import LinkConfigError, LinkState, Side
from records.link.headless import (
    endpoint_credentials,
    run_until_stopped,
    terminal_endpoint,
    workstation_endpoint,
)
from records.link.peers import PeerPolicy
from records.link.workstation import WorkstationEndpoint

from .certs import KEY_PASSWORD
from .conftest import PlainBrain


def test_headless_workstation_and_terminal_meet_and_stop_on_request(site, tmp_path):
    ws_id = site.issue("workstation-1", Kind.WORKSTATION)
    site.issue("terminal-1", Kind.TERMINAL)
    ws = workstation_endpoint(listen="127.0.0.1:0", credentials=endpoint_credentials(
        Side.WORKSTATION, "workstation-1", files=(str(site.ca_path), str(ws_id.cert_path),
                                                  str(ws_id.key_path)),
        key_password=KEY_PASSWORD, pki=None, site_passphrase=None),
        state_dir=tmp_path / "ws", station="workstation-1")
    ws.start()
    try:
        connected = threading.Event()
        # The terminal's identity straight from the site PKI.
        term = terminal_endpoint(
            connect=f"{ws.address[0]}:{ws.address[1]}", credentials=endpoint_credentials(
                Side.TERMINAL, "terminal-1", files=("", "", ""), key_password=None,
                pki=site.pki, site_passphrase=KEY_PASSWORD),
            state_dir=tmp_path / "t", station="terminal-1", brain=PlainBrain(),
            on_status=lambda s: s.state is LinkState.CONNECTED and connected.set())
        stop = threading.Event()
        runner = threading.Thread(target=run_until_stopped, args=(term, stop))
        runner.start()
        assert connected.wait(10)
        stop.set()
        runner.join(10)
        assert not runner.is_alive() and term.status.state is LinkState.DOWN
    finally:
        ws.stop()


@pytest.mark.parametrize("missing", ["ca", "cert", "key"])
def test_an_unset_link_file_is_named(site, tmp_path, missing):
    ws_id = site.issue("workstation-1", Kind.WORKSTATION)
    files = {"ca": str(site.ca_path), "cert": str(ws_id.cert_path), "key": str(ws_id.key_path),
             missing: ""}
    with pytest.raises(LinkConfigError, match=f"link.{missing} is not set"):
        endpoint_credentials(Side.WORKSTATION, "w", files=(files["ca"], files["cert"],
                                                           files["key"]),
                             key_password=KEY_PASSWORD, pki=None, site_passphrase=None)


def test_without_files_or_a_site_nothing_can_be_used(tmp_path):
    with pytest.raises(LinkConfigError) as err:
        endpoint_credentials(Side.TERMINAL, "t", files=("", "", ""), key_password=None,
                             pki=None, site_passphrase=None)
    assert err.value.reason == "not-configured"


@pytest.mark.parametrize("address", ["localhost", "host:port", "127.0.0.1:70000"])
def test_a_bad_address_is_refused(site, tmp_path, address):
    ws_id = site.issue("workstation-1", Kind.WORKSTATION)
    with pytest.raises(LinkConfigError, match="HOST:PORT"):
        workstation_endpoint(listen=address, credentials=(ws_id, PeerPolicy.expecting(
            Side.TERMINAL, (site.cert,))), state_dir=tmp_path, station="w")


def test_an_address_in_use_is_reported_by_start(site, tmp_path, endpoints):
    first = endpoints.workstation()
    ws_id = site.issue("workstation-2", Kind.WORKSTATION)
    second = WorkstationEndpoint(listen=first.address, identity=ws_id,
                                 policy=PeerPolicy.expecting(Side.TERMINAL, (site.cert,)),
                                 state_dir=tmp_path / "ws2", station="w2")
    with pytest.raises(OSError):
        second.start()
    second.stop()


def test_the_allocator_keeps_chunk_sized_buffers_on_glibc():
    import platform

    from records.link.allocator import keep_freed_buffers
    if platform.libc_ver()[0] != "glibc":
        pytest.skip("mallopt is a glibc call")
    assert keep_freed_buffers() is True
    assert keep_freed_buffers() is True  # once per process, idempotent
