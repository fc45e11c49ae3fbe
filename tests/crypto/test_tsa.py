"""RFC 3161: the local timestamp authority (in process and over HTTP on loopback), the site
client with typed errors, token verification, and outside judges (openssl, pyHanko)."""

from __future__ import annotations

import asyncio
import hashlib
import io
import re
import shutil
import socket
import subprocess
import threading
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from asn1crypto import algos, cms, tsp
from asn1crypto import x509 as a509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.keys import load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
from pyhanko.sign.validation.status import TimestampSignatureStatus
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.pdfgen import canvas

import crypto.tsa as tsa_module
from crypto.errors import TimestampError
from crypto.tsa import (
    TIMESTAMP_REASON_TEXT,
    SiteTimeStamper,
    describe_timestamp_error,
    request_timestamp,
    response_status,
    timestamp_checkpoint,
    timestamper_for,
    verify_timestamp_token,
)
from crypto.tsa_authority import (
    INKSEAL_TSA_POLICY,
    InProcessTimeStamper,
    SerialCounter,
    TimestampAuthority,
)
from crypto.tsa_server import LocalTsaServer


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Inkseal Test Site"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _new_key(kind: str):
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if kind == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    return ed25519.Ed25519PrivateKey.generate()


def _issue(subject: str, key, issuer: x509.Name, issuer_key, *, ca: bool,
           tsa: bool = False) -> x509.Certificate:
    now = datetime.now(UTC)
    builder = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(issuer)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=365))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                              critical=False))
    builder = builder.add_extension(x509.KeyUsage(
        digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
        encipher_only=False, decipher_only=False), critical=True)
    if tsa:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]),
                                        critical=True)
    algorithm = None if isinstance(issuer_key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    return builder.sign(issuer_key, algorithm)


class Pki:
    def __init__(self, tsa_kind: str = "ec") -> None:
        self.root_key = ec.generate_private_key(ec.SECP256R1())
        self.root = _issue("Test Root CA", self.root_key, _name("Test Root CA"), self.root_key,
                           ca=True)
        self.tsa_key = _new_key(tsa_kind)
        self.tsa = _issue("Test TSA", self.tsa_key, self.root.subject, self.root_key, ca=False,
                          tsa=True)

    def authority(self, **kwargs) -> TimestampAuthority:
        return TimestampAuthority(self.tsa, self.tsa_key, **kwargs)


@pytest.fixture(scope="module")
def pki() -> Pki:
    return Pki()


def _request(data: bytes, *, algorithm: str = "sha256", policy: str | None = None,
             cert_req: bool = True, nonce: int | None = 12345, extensions=None) -> bytes:
    req = {"version": "v1", "message_imprint": {
        "hash_algorithm": algos.DigestAlgorithm({"algorithm": algorithm}),
        "hashed_message": hashlib.new(algorithm, data).digest()}, "cert_req": cert_req}
    if policy:
        req["req_policy"] = policy
    if nonce is not None:
        req["nonce"] = nonce
    if extensions is not None:
        req["extensions"] = extensions
    return tsp.TimeStampReq(req).dump()


def _token(reply: bytes) -> bytes:
    response = tsp.TimeStampResp.load(reply)
    assert response["status"]["status"].native == "granted"
    return response["time_stamp_token"].dump()


@pytest.mark.parametrize("kind", ["rsa", "ec", "ed25519"])
def test_tokens_verify_for_every_key_type(kind: str) -> None:
    pki = Pki(kind)
    moment = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=250000)
    authority = pki.authority(now=lambda: moment)
    token = _token(authority.respond(_request(b"record bytes")))
    info = verify_timestamp_token(token, data=b"record bytes", tsa_certificate=pki.tsa,
                                  policy=INKSEAL_TSA_POLICY)
    assert info.gen_time == moment and info.nonce == 12345 and info.hash_algorithm == "sha256"
    assert verify_timestamp_token(token, data=b"record bytes", trust_roots=[pki.root]).serial_number \
        == info.serial_number


def test_serial_numbers_grow_even_when_the_clock_steps_back(tmp_path: Path) -> None:
    times = iter([5_000, 4_000, 4_000, 9_000])
    counter = SerialCounter(tmp_path / "serial", now_us=lambda: next(times))
    assert [counter.next() for _ in range(4)] == [5_000, 5_001, 5_002, 9_000]
    restarted = SerialCounter(tmp_path / "serial", now_us=lambda: 10)
    assert restarted.next() == 9_001
    (tmp_path / "bad").write_text("not a number")
    with pytest.raises(TimestampError) as err:
        SerialCounter(tmp_path / "bad")
    assert err.value.reason == "bad_state"


def test_each_token_has_a_larger_serial(pki: Pki) -> None:
    authority = pki.authority()
    serials = [verify_timestamp_token(_token(authority.respond(_request(b"x"))), data=b"x",
                                      tsa_certificate=pki.tsa).serial_number for _ in range(5)]
    assert serials == sorted(set(serials))


def test_certificates_only_when_asked_for(pki: Pki) -> None:
    authority = pki.authority()
    without = cms.ContentInfo.load(_token(authority.respond(_request(b"x", cert_req=False))))
    assert not without["content"]["certificates"]
    with_certs = cms.ContentInfo.load(_token(authority.respond(_request(b"x"))))
    assert len(with_certs["content"]["certificates"]) == 1


@pytest.mark.parametrize("request_bytes,failure", [
    (_request(b"x", algorithm="sha1"), "bad_alg"),
    (_request(b"x", policy="1.2.3.4"), "unaccepted_policy"),
    (b"\x30\x03\x02\x01\x01", "bad_data_format"),
    (b"not der at all", "bad_data_format"),
    (tsp.TimeStampReq({"version": "v1", "message_imprint": {
        "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
        "hashed_message": b"short"}}).dump(), "bad_data_format"),
    (_request(b"x", extensions=[{"extn_id": "1.2.3.4.5", "critical": False,
                                 "extn_value": b"\x05\x00"}]), "unaccepted_extensions"),
])
def test_requests_the_tsa_cannot_honour_are_rejected_with_the_reason(
        pki: Pki, request_bytes: bytes, failure: str) -> None:
    status = response_status(pki.authority().respond(request_bytes))
    assert status.status == "rejection" and status.failures == (failure,)


def test_key_must_match_certificate(pki: Pki) -> None:
    with pytest.raises(TimestampError) as err:
        TimestampAuthority(pki.tsa, ec.generate_private_key(ec.SECP256R1()))
    assert err.value.reason == "key_mismatch"


def test_verification_refuses_what_it_should(pki: Pki) -> None:
    token = _token(pki.authority().respond(_request(b"data")))
    other = Pki()
    cases = [
        (dict(data=b"other", tsa_certificate=pki.tsa), "imprint_mismatch"),
        (dict(data=b"data", tsa_certificate=other.tsa), "unknown_signer"),
        (dict(data=b"data", trust_roots=[other.root]), "untrusted"),
        (dict(data=b"data", tsa_certificate=pki.tsa, policy="1.2.3"), "wrong_policy"),
        (dict(data=b"data"), "no_trust_anchor"),
    ]
    for kwargs, reason in cases:
        with pytest.raises(TimestampError) as err:
            verify_timestamp_token(token, **kwargs)
        assert err.value.reason == reason
    with pytest.raises(TimestampError) as err:
        verify_timestamp_token(b"\x30\x00", data=b"data", tsa_certificate=pki.tsa)
    assert err.value.reason == "malformed_token"


def test_a_changed_token_does_not_verify(pki: Pki) -> None:
    token = bytearray(_token(pki.authority().respond(_request(b"data"))))
    content = cms.ContentInfo.load(bytes(token))["content"]["encap_content_info"]["content"]
    gen_time = tsp.TSTInfo.load(content.contents)["gen_time"].dump()
    where = bytes(token).find(gen_time)
    assert where > 0
    token[where + 5] ^= 0x01  # one digit of the year: still well-formed, no longer signed
    with pytest.raises(TimestampError) as err:
        verify_timestamp_token(bytes(token), data=b"data", tsa_certificate=pki.tsa)
    assert err.value.reason in ("digest_mismatch", "malformed_token")


def test_a_certificate_without_the_timestamping_purpose_is_not_a_tsa() -> None:
    pki = Pki()
    plain = _issue("Not a TSA", pki.tsa_key, pki.root.subject, pki.root_key, ca=False)
    token = _token(TimestampAuthority(plain, pki.tsa_key).respond(_request(b"d")))
    with pytest.raises(TimestampError) as err:
        verify_timestamp_token(token, data=b"d", tsa_certificate=plain)
    assert err.value.reason == "not_a_tsa"


def test_a_time_outside_the_certificate_is_refused(pki: Pki) -> None:
    later = datetime.now(UTC) + timedelta(days=800)
    token = _token(pki.authority(now=lambda: later).respond(_request(b"d")))
    with pytest.raises(TimestampError) as err:
        verify_timestamp_token(token, data=b"d", tsa_certificate=pki.tsa)
    assert err.value.reason == "certificate_expired"


def test_pyhanko_http_timestamper_gets_a_valid_token_over_http(pki: Pki) -> None:
    with LocalTsaServer(pki.authority()) as server:
        stamper = HTTPTimeStamper(server.url, timeout=5)
        digest = hashlib.sha256(b"signed attributes").digest()
        token = asyncio.run(stamper.async_timestamp(digest, "sha256"))
    context = ValidationContext(trust_roots=[_asn1(pki.root)], allow_fetching=False)
    kwargs = asyncio.run(validate_tst_signed_data(token["content"], context, lambda alg: digest))
    status = TimestampSignatureStatus(**kwargs)
    assert status.intact and status.valid and status.trusted and not status.revoked, status
    verify_timestamp_token(token.dump(), digest=("sha256", digest), trust_roots=[pki.root])


def _asn1(cert: x509.Certificate) -> a509.Certificate:
    return a509.Certificate.load(cert.public_bytes(Encoding.DER))


def test_site_timestamper_and_checkpoint_timestamp(pki: Pki) -> None:
    note = "inkseal.test/record/1\n12\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n\u2014 x y\n"
    with LocalTsaServer(pki.authority()) as server:
        token = timestamp_checkpoint(note, SiteTimeStamper(server.url, timeout_s=5))
        in_process = timestamp_checkpoint(note, InProcessTimeStamper(pki.authority()))
    for t in (token, in_process):
        info = verify_timestamp_token(t, data=note.encode("utf-8"), tsa_certificate=pki.tsa)
        assert info.policy == INKSEAL_TSA_POLICY


def test_settings_url_or_the_local_tsa(pki: Pki) -> None:
    assert timestamper_for(" http://tsa.site.example/tsa ").url == "http://tsa.site.example/tsa"
    with LocalTsaServer(pki.authority()) as server:
        stamper = timestamper_for("", local=server, timeout_s=3)
        assert stamper.url == server.url and stamper.timeout == 3
        verify_timestamp_token(request_timestamp(b"x", stamper), data=b"x", tsa_certificate=pki.tsa)
    with pytest.raises(TimestampError) as err:
        timestamper_for("")
    assert err.value.reason == "no_tsa"


def test_the_blocking_helper_refuses_to_run_inside_an_event_loop(pki: Pki) -> None:
    async def inside() -> None:
        with pytest.raises(TimestampError) as err:
            request_timestamp(b"x", InProcessTimeStamper(pki.authority()))
        assert err.value.reason == "in_event_loop"

    asyncio.run(inside())


def test_http_misuse_is_answered_not_crashed(pki: Pki) -> None:
    with LocalTsaServer(pki.authority()) as server:
        def post(body: bytes, content_type: str) -> int:
            request = urllib.request.Request(server.url, data=body, method="POST",
                                             headers={"Content-Type": content_type})
            try:
                with urllib.request.urlopen(request, timeout=5) as reply:
                    assert reply.headers["Content-Type"] == "application/timestamp-reply"
                    return reply.status
            except urllib.error.HTTPError as exc:
                return exc.code

        assert post(_request(b"x"), "application/timestamp-query") == 200
        assert post(_request(b"x"), "text/plain") == 415
        assert post(b"0" * 100_000, "application/timestamp-query") == 413
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(server.url, timeout=5)
        assert err.value.code == 405
        assert post(b"garbage", "application/timestamp-query") == 200  # a rejection inside


def test_site_timestamper_errors_are_typed(pki: Pki) -> None:
    with pytest.raises(TimestampError) as err:
        SiteTimeStamper("ftp://tsa.example")
    assert err.value.reason == "bad_url"

    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(TimestampError) as err:
        request_timestamp(b"x", SiteTimeStamper(f"http://127.0.0.1:{port}/tsa", timeout_s=2))
    assert err.value.reason == "unreachable"

    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/tsa"
        with pytest.raises(TimestampError) as err:
            request_timestamp(b"x", SiteTimeStamper(url, timeout_s=0.5))
        assert err.value.reason == "timeout"

    for status, content_type, reason in [(500, "text/plain", "http_status"),
                                         (200, "text/html", "bad_content_type"),
                                         (200, "application/timestamp-reply", "bad_response")]:
        with _Canned(status, content_type) as url:
            with pytest.raises(TimestampError) as err:
                request_timestamp(b"x", SiteTimeStamper(url, timeout_s=5))
            assert err.value.reason == reason

    with LocalTsaServer(pki.authority(policy="1.2.3.4.5")) as server:
        stamper = SiteTimeStamper(server.url, timeout_s=5)
        stamper.request_cms = _with_policy(stamper.request_cms, "1.9.9.9")
        with pytest.raises(TimestampError) as err:
            request_timestamp(b"x", stamper)
        assert err.value.reason == "refused"


def test_every_error_reason_reads_in_english_and_chinese() -> None:
    source = Path(tsa_module.__file__).read_text(encoding="utf-8")
    reasons = set(re.findall(r'reason="([a-z_]+)"', source))
    assert reasons <= set(TIMESTAMP_REASON_TEXT)
    error = TimestampError("x", reason="timeout")
    assert describe_timestamp_error(error, "zh") == "时间戳服务响应超时"
    assert describe_timestamp_error(error) == "the timestamp authority did not answer in time"


def _with_policy(request_cms, policy: str):
    def build(message_digest, md_algorithm):
        nonce, req = request_cms(message_digest, md_algorithm)
        req["req_policy"] = policy
        return nonce, req
    return build


class _Canned:
    """A tiny HTTP server giving one fixed answer, to see how the client takes bad replies."""

    def __init__(self, status: int, content_type: str) -> None:
        answer = (status, content_type)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers["Content-Length"]))
                body = b"this is not DER"
                self.send_response(answer[0])
                self.send_header("Content-Type", answer[1])
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, name="canned-http")

    def __enter__(self) -> str:
        self.thread.start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.mark.external
@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
@pytest.mark.parametrize("kind", ["rsa", "ec"])
def test_openssl_ts_verify_accepts_the_local_tsa(tmp_path: Path, kind: str) -> None:
    pki = Pki(kind)
    (tmp_path / "root.pem").write_bytes(pki.root.public_bytes(Encoding.PEM))
    (tmp_path / "tsa.pem").write_bytes(pki.tsa.public_bytes(Encoding.PEM))
    data = tmp_path / "checkpoint.txt"
    data.write_bytes(b"inkseal.test/terminal-a\n3\nAAAA\n")

    def openssl(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["openssl", "ts", *args], cwd=tmp_path, capture_output=True,
                              text=True, timeout=30)

    made = openssl("-query", "-data", "checkpoint.txt", "-sha256", "-cert", "-out", "req.tsq")
    assert made.returncode == 0, made.stderr
    with LocalTsaServer(pki.authority()) as server:
        request = urllib.request.Request(server.url, data=(tmp_path / "req.tsq").read_bytes(),
                                         headers={"Content-Type": "application/timestamp-query"})
        with urllib.request.urlopen(request, timeout=10) as reply:
            (tmp_path / "resp.tsr").write_bytes(reply.read())
    checked = openssl("-verify", "-data", "checkpoint.txt", "-in", "resp.tsr",
                      "-CAfile", "root.pem", "-untrusted", "tsa.pem")
    assert checked.returncode == 0 and "Verification: OK" in checked.stdout, checked.stderr
    shown = openssl("-reply", "-in", "resp.tsr", "-text")
    assert INKSEAL_TSA_POLICY in shown.stdout and "Granted" in shown.stdout

    data.write_bytes(b"inkseal.test/terminal-a\n4\nAAAA\n")
    tampered = openssl("-verify", "-data", "checkpoint.txt", "-in", "resp.tsr",
                       "-CAfile", "root.pem", "-untrusted", "tsa.pem")
    assert tampered.returncode != 0


def test_pyhanko_signs_a_pdf_with_the_site_timestamper(pki: Pki) -> None:
    signer_key = ec.generate_private_key(ec.SECP256R1())
    signer_cert = _issue("Test Prosecutor", signer_key, pki.root.subject, pki.root_key, ca=False)
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "record")
    page.save()
    signer = signers.SimpleSigner(
        signing_cert=_asn1(signer_cert),
        signing_key=load_private_key_from_pemder_data(
            signer_key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption()), None),
        cert_registry=SimpleCertificateStore.from_certs([_asn1(pki.root)]))
    with LocalTsaServer(pki.authority()) as server:
        signed = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(buffer.getvalue())),
                                  signers.PdfSignatureMetadata(field_name="Sig1"), signer=signer,
                                  timestamper=SiteTimeStamper(server.url, timeout_s=5))
    context = ValidationContext(trust_roots=[_asn1(pki.root)], allow_fetching=False)
    embedded = PdfFileReader(signed).embedded_signatures[0]
    status = validate_pdf_signature(embedded, context, ts_validation_context=context)
    assert status.intact and status.valid
    ts = status.timestamp_validity
    assert ts is not None and ts.intact and ts.valid and ts.trusted
