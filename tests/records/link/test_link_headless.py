"""The headless entry points the CLI will call with plain settings values."""

from __future__ import annotations

import threading

import pytest

from crypto.pki import Kind
from records.link import LinkConfigError, LinkState, Side
from records.link.headless import run_until_stopped, terminal_endpoint, workstation_endpoint
from records.link.peers import PeerPolicy
from records.link.workstation import WorkstationEndpoint

from .certs import KEY_PASSWORD
from .conftest import PlainBrain


def test_headless_workstation_and_terminal_meet_and_stop_on_request(site, tmp_path):
    ws_id = site.issue("workstation-1", Kind.WORKSTATION)
    t_id = site.issue("terminal-1", Kind.TERMINAL)
    ws = workstation_endpoint(listen="127.0.0.1:0", ca=site.ca_path, cert=ws_id.cert_path,
                              key=ws_id.key_path, key_password=KEY_PASSWORD,
                              state_dir=tmp_path / "ws", station="workstation-1")
    ws.start()
    try:
        connected = threading.Event()
        term = terminal_endpoint(
            connect=f"{ws.address[0]}:{ws.address[1]}", ca=site.ca_path, cert=t_id.cert_path,
            key=t_id.key_path, key_password=KEY_PASSWORD, state_dir=tmp_path / "t",
            station="terminal-1", brain=PlainBrain(),
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
    files = {"ca": site.ca_path, "cert": ws_id.cert_path, "key": ws_id.key_path, missing: ""}
    with pytest.raises(LinkConfigError, match=f"link.{missing} is not set"):
        workstation_endpoint(listen="127.0.0.1:0", key_password=KEY_PASSWORD,
                             state_dir=tmp_path, station="w", **files)


@pytest.mark.parametrize("address", ["localhost", "host:port", "127.0.0.1:70000"])
def test_a_bad_address_is_refused(site, tmp_path, address):
    ws_id = site.issue("workstation-1", Kind.WORKSTATION)
    with pytest.raises(LinkConfigError, match="HOST:PORT"):
        workstation_endpoint(listen=address, ca=site.ca_path, cert=ws_id.cert_path,
                             key=ws_id.key_path, key_password=KEY_PASSWORD, state_dir=tmp_path,
                             station="w")


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
