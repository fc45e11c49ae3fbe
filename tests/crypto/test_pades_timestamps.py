"""Timestamp sources: the in-process site TSA, and any RFC 3161 TSA over HTTP (here the same
TSA behind a loopback HTTP server), both giving tokens OpenSSL accepts."""

from __future__ import annotations

import asyncio
import hashlib
import io
import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from asn1crypto import tsp
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader

from crypto.pades import PadesError, Signatory, certify, seal, sign_for_signatory
from crypto.pades_document import record_identity
from crypto.pades_signers import SigningKey
from crypto.pades_timestamps import LOCAL_TSA_POLICY, HttpTimestampSource, InProcessTimestampSource
from crypto.pki import Role
from crypto.tsa_authority import TimestampAuthority
from crypto.tsa_server import LocalTsaServer
from crypto.verify_pdf import verify_record_pdf
from tests.crypto.test_pades_world import (
    CERTIFICATION,
    CHECKPOINT,
    INSTITUTION,
    SEAL_FIELD,
    SIGNATORIES,
    evidence_for,
    expectations,
    font_path,
    identity,
    record_pdf,
    signing_key,
    site,
    stamp,
    validation,
)

FIXED = datetime(2026, 11, 29, 8, 0, 0, tzinfo=UTC)


def local_source() -> InProcessTimestampSource:
    tsa = identity("tsa", Role.TSA)
    assert tsa.private_key is not None
    return InProcessTimestampSource(tsa.certificate, tsa.private_key, tsa.chain, lambda: FIXED)


def test_token_carries_imprint_time_policy_and_tsa_chain() -> None:
    digest = hashlib.sha256(b"what is stamped").digest()
    token = asyncio.run(local_source().timestamper().async_timestamp(digest, "sha256"))
    signed = token["content"]
    info = signed["encap_content_info"]["content"].parsed
    assert info["message_imprint"]["hashed_message"].native == digest
    assert info["gen_time"].native == FIXED
    assert info["policy"].dotted == LOCAL_TSA_POLICY
    embedded = {c.chosen.subject.dump() for c in signed["certificates"]}
    tsa = identity("tsa", Role.TSA)
    assert {tsa.certificate.subject.public_bytes(), tsa.chain[0].subject.public_bytes()} <= embedded


@pytest.mark.external
def test_openssl_verifies_a_local_token(tmp_path: Path) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")
    data = b"a capture-log checkpoint"
    token = asyncio.run(local_source().timestamper().async_timestamp(
        hashlib.sha256(data).digest(), "sha256"))
    (tmp_path / "data").write_bytes(data)
    (tmp_path / "token.der").write_bytes(token.dump())
    (tmp_path / "root.pem").write_bytes(site().root.public_bytes(serialization.Encoding.PEM))
    done = subprocess.run(["openssl", "ts", "-verify", "-data", str(tmp_path / "data"), "-in",
                           str(tmp_path / "token.der"), "-token_in", "-CAfile",
                           str(tmp_path / "root.pem")], capture_output=True, text=True,
                          check=False)
    assert "Verification: OK" in done.stdout, done.stdout + done.stderr


class _Handler(BaseHTTPRequestHandler):
    source: InProcessTimestampSource

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        request = tsp.TimeStampReq.load(body)
        reply = asyncio.run(self.source.timestamper().async_request_tsa_response(request))
        payload = reply.dump()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_tsa() -> Iterator[str]:
    handler = type("Handler", (_Handler,), {"source": local_source()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="test-tsa-http")
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _certify(source: object) -> bytes:
    return certify(record_pdf(), field=CERTIFICATION, key=signing_key("officer-1", Role.OFFICER),
                   signer_name="李检察官", timestamps=source,
                   stamp=stamp("李检察官", "检察官", ink=False))


def test_signature_timestamp_over_http(http_tsa: str) -> None:
    pdf = _certify(HttpTimestampSource(http_tsa))
    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    tokens = [a for a in sig.signer_info["unsigned_attrs"]
              if a["type"].native == "signature_time_stamp_token"]
    assert len(tokens) == 1
    info = tokens[0]["values"][0]["content"]["encap_content_info"]["content"].parsed
    assert info["gen_time"].native == FIXED


def test_unreachable_tsa_is_a_typed_error() -> None:
    with pytest.raises(PadesError) as err:
        _certify(HttpTimestampSource("http://127.0.0.1:9/tsa", timeout=2))
    assert err.value.reason == "timestamp_failed" and err.value.field == CERTIFICATION


def test_signing_key_from_identity() -> None:
    officer = identity("officer-1", Role.OFFICER)
    key = SigningKey.from_identity(officer)
    assert key.certificate == officer.certificate and key.chain == officer.chain


def test_record_sealed_with_the_site_local_tsa_over_http_verifies() -> None:
    # The deployment's path: the site TSA certificate from ``pki init`` served by the local
    # TSA on loopback, used for every signature timestamp and the document timestamp.
    tsa = identity("tsa", Role.TSA)
    assert tsa.private_key is not None
    authority = TimestampAuthority(tsa.certificate, tsa.private_key, chain=tsa.chain[:-1])
    draft = record_pdf()
    with LocalTsaServer(authority) as server:
        source = HttpTimestampSource(server.url)
        pdf = _certify(source)
        device = signing_key("terminal-1", Role.TERMINAL_SIGNING)
        for seed, (field, name, role) in enumerate(SIGNATORIES):
            pdf = sign_for_signatory(pdf, field=field, key=device,
                                     signatory=Signatory(name, role),
                                     evidence=evidence_for(field, name, role,
                                                           record_identity(draft), seed),
                                     stamp=stamp(name, role, seed), timestamps=source)
        pdf = seal(pdf, field=SEAL_FIELD, key=signing_key("seal", Role.SEAL),
                   checkpoints=[CHECKPOINT], timestamps=source, validation=validation(),
                   seal_name=INSTITUTION, font_path=font_path())
    report = verify_record_pdf(pdf, expected=expectations(hashlib.sha256(draft).digest()),
                               trust=validation())
    assert report.ok, [c.message for c in report.failures()]
