"""A local RFC 3161 timestamp authority: answers TimeStampReq DER with TimeStampResp DER.

The token is a CMS SignedData over a TSTInfo, signed with the TSA certificate's key (RSA,
ECDSA or Ed25519), with the content-type, message-digest and ESS signing-certificate-v2
(RFC 5816) signed attributes, and the signer named by issuer and serial number.  Serial
numbers only ever grow (and never repeat across restarts when a state file is given).
Requests the TSA cannot honour get a ``rejection`` with the RFC 3161 failure bit, never an
exception.  :class:`InProcessTimeStamper` serves pyHanko without HTTP.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from asn1crypto import algos, cms, tsp, x509
from cryptography import x509 as cx509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pyhanko.sign.timestamps import TimeStamper

from crypto.errors import TimestampError

__all__ = ["INKSEAL_TSA_POLICY", "SerialCounter", "TimestampAuthority", "InProcessTimeStamper"]

#: The default TSA policy OID (an arc under the Inkseal placeholder enterprise number; a site
#: with its own policy passes it in).
INKSEAL_TSA_POLICY = "1.3.6.1.4.1.59999.1.3.1"

_IMPRINT_SIZES = {"sha256": 32, "sha384": 48, "sha512": 64}
_SPKI = PublicFormat.SubjectPublicKeyInfo


class SerialCounter:
    """Strictly increasing serial numbers: ``max(last + 1, now in µs)``, persisted to
    ``state_path`` (write, fsync, rename) when given, so a restart never repeats one."""

    def __init__(self, state_path: Path | None = None,
                 now_us: Callable[[], int] = lambda: time.time_ns() // 1000) -> None:
        self._path = state_path
        self._now_us = now_us
        self._lock = threading.Lock()
        self._last = 0
        if state_path is not None and state_path.exists():
            try:
                self._last = int(state_path.read_text(encoding="ascii").strip())
            except (ValueError, OSError) as exc:
                raise TimestampError(f"TSA serial state {state_path} is unreadable",
                                     reason="bad_state") from exc

    def next(self) -> int:
        """The next serial number (durable before it is returned, with a state file)."""
        with self._lock:
            serial = max(self._last + 1, self._now_us())
            if self._path is not None:
                temporary = self._path.with_name(self._path.name + ".tmp")
                with open(temporary, "w", encoding="ascii") as handle:
                    handle.write(f"{serial}\n")
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temporary, self._path)
            self._last = serial
            return serial


def _rejection(fail: str, text: str) -> bytes:
    status = tsp.PKIStatusInfo({"status": "rejection", "status_string": [text],
                                "fail_info": tsp.PKIFailureInfo({fail})}).dump()
    # TimeStampResp ::= SEQUENCE { status, timeStampToken OPTIONAL }; asn1crypto insists on the
    # token, so the token-less rejection is framed by hand.
    return b"\x30" + _der_length(len(status)) + status


def _der_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    body = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


class TimestampAuthority:
    """Issues RFC 3161 tokens with the given TSA certificate and private key (thread-safe)."""

    def __init__(self, certificate: cx509.Certificate, private_key: rsa.RSAPrivateKey
                 | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey, *,
                 chain: Sequence[cx509.Certificate] = (), policy: str = INKSEAL_TSA_POLICY,
                 serials: SerialCounter | None = None, accuracy_ms: int = 1000,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        if certificate.public_key().public_bytes(Encoding.DER, _SPKI) != \
                private_key.public_key().public_bytes(Encoding.DER, _SPKI):
            raise TimestampError("TSA private key does not match its certificate",
                                 reason="key_mismatch")
        self._cert = x509.Certificate.load(certificate.public_bytes(Encoding.DER))
        self._chain = [x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in chain]
        self._key = private_key
        self._policy = policy
        self._serials = serials or SerialCounter()
        self._accuracy_ms = accuracy_ms
        self._now = now
        if isinstance(private_key, ed25519.Ed25519PrivateKey):
            # RFC 8419: with signed attributes, Ed25519 goes with SHA-512 as digest algorithm.
            self._digest, self._sig_alg = "sha512", "ed25519"
        elif isinstance(private_key, ec.EllipticCurvePrivateKey):
            self._digest, self._sig_alg = "sha256", "sha256_ecdsa"
        elif isinstance(private_key, rsa.RSAPrivateKey):
            self._digest, self._sig_alg = "sha256", "sha256_rsa"
        else:
            raise TimestampError("TSA key must be RSA, ECDSA or Ed25519", reason="bad_key")

    @property
    def policy(self) -> str:
        """The policy OID every token carries."""
        return self._policy

    def respond(self, request: bytes) -> bytes:
        """The DER TimeStampResp for a DER TimeStampReq: a token, or a rejection saying why."""
        try:
            req = tsp.TimeStampReq.load(request)
            version = req["version"].native
            imprint = req["message_imprint"]
            algorithm = imprint["hash_algorithm"]["algorithm"].native
            digest = imprint["hashed_message"].native
            policy = req["req_policy"].native
            has_extensions = req["extensions"].native is not None
            nonce = req["nonce"].native
            cert_req = bool(req["cert_req"].native)
        except (ValueError, TypeError, KeyError) as exc:
            return _rejection("bad_data_format", f"not a TimeStampReq: {exc}")
        if version != "v1":
            return _rejection("bad_request", "only version 1 requests are supported")
        if algorithm not in _IMPRINT_SIZES:
            return _rejection("bad_alg", f"hash algorithm {algorithm} is not accepted")
        if len(digest) != _IMPRINT_SIZES[algorithm]:
            return _rejection("bad_data_format", "message imprint has the wrong length")
        if policy is not None and policy != self._policy:
            return _rejection("unaccepted_policy", f"this TSA issues under {self._policy} only")
        if has_extensions:
            return _rejection("unaccepted_extensions", "request extensions are not supported")
        token = self._token(imprint, nonce, cert_req)
        status = tsp.PKIStatusInfo({"status": "granted"})
        return tsp.TimeStampResp({"status": status, "time_stamp_token": token}).dump()

    def _token(self, imprint: tsp.MessageImprint, nonce: int | None,
               cert_req: bool) -> cms.ContentInfo:
        at = self._now().astimezone(UTC)
        info = {
            "version": "v1", "policy": self._policy, "message_imprint": imprint,
            "serial_number": self._serials.next(), "gen_time": at,
            "accuracy": _accuracy(self._accuracy_ms),
            "tsa": x509.GeneralName({"directory_name": self._cert.subject}),
        }
        if nonce is not None:
            info["nonce"] = nonce
        tst_info = tsp.TSTInfo(info).dump()
        attrs = cms.CMSAttributes([
            _attr("content_type", "tst_info"),
            _attr("message_digest", hashlib.new(self._digest, tst_info).digest()),
            _attr("signing_certificate_v2", self._ess_cert_id()),
        ])
        signer = cms.SignerInfo({
            "version": "v1",
            "sid": cms.SignerIdentifier({"issuer_and_serial_number": cms.IssuerAndSerialNumber(
                {"issuer": self._cert.issuer, "serial_number": self._cert.serial_number})}),
            "digest_algorithm": algos.DigestAlgorithm({"algorithm": self._digest}),
            "signed_attrs": attrs,
            "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": self._sig_alg}),
            "signature": self._sign(attrs.dump()),
        })
        signed_data = {
            "version": "v3",
            "digest_algorithms": [algos.DigestAlgorithm({"algorithm": self._digest})],
            "encap_content_info": {"content_type": "tst_info",
                                   "content": cms.ParsableOctetString(tst_info)},
            "signer_infos": [signer],
        }
        if cert_req:  # RFC 3161 §2.4.1: the TSA certificate only when asked for
            signed_data["certificates"] = [self._cert, *self._chain]
        return cms.ContentInfo({"content_type": "signed_data",
                                "content": cms.SignedData(signed_data)})

    def _ess_cert_id(self) -> tsp.SigningCertificateV2:
        issuer_serial = {"issuer": [x509.GeneralName({"directory_name": self._cert.issuer})],
                         "serial_number": self._cert.serial_number}
        return tsp.SigningCertificateV2({"certs": [{
            "hash_algorithm": {"algorithm": "sha256"},
            "cert_hash": hashlib.sha256(self._cert.dump()).digest(),
            "issuer_serial": issuer_serial}]})

    def _sign(self, data: bytes) -> bytes:
        key = self._key
        if isinstance(key, ed25519.Ed25519PrivateKey):
            return key.sign(data)
        if isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(hashes.SHA256()))
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def _attr(name: str, value: object) -> cms.CMSAttribute:
    return cms.CMSAttribute({"type": name, "values": [value]})


def _accuracy(millis: int) -> tsp.Accuracy:
    seconds, rest = divmod(millis, 1000)
    value: dict[str, int] = {}
    if seconds:
        value["seconds"] = seconds
    if rest:
        value["millis"] = rest
    return tsp.Accuracy(value or {"millis": 1})


class InProcessTimeStamper(TimeStamper):
    """A pyHanko timestamper answered by a :class:`TimestampAuthority` in this process."""

    def __init__(self, authority: TimestampAuthority, include_nonce: bool = True) -> None:
        super().__init__(include_nonce=include_nonce)
        self._authority = authority

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        return tsp.TimeStampResp.load(self._authority.respond(req.dump()))
