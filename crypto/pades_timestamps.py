"""Where signature and document timestamps come from: a small interface and two sources.

Signing code asks a :class:`TimestampSource` for a pyHanko ``TimeStamper``:

* :class:`HttpTimestampSource`: any RFC 3161 TSA over HTTP (a site's TSA, or Inkseal's
  local TSA on loopback, :mod:`crypto.tsa_server`), through :class:`crypto.tsa.SiteTimeStamper`
  so failures are typed ``TimestampError`` errors.
* :class:`InProcessTimestampSource`: answers RFC 3161 requests in this process with the
  site TSA certificate and key.  It is a real TSA (real tokens, real key, the site's TSA
  certificate), just without a network hop; its tokens name our local-TSA policy OID so a
  verifier can tell them apart.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from pyhanko.sign.general import as_signing_certificate_v2, simple_cms_attribute
from pyhanko.sign.timestamps import TimeStamper

from crypto.keys import PrivateKey
from crypto.pki import oids
from crypto.tsa import SiteTimeStamper

__all__ = [
    "HttpTimestampSource",
    "InProcessTimestampSource",
    "LOCAL_TSA_POLICY",
    "TimestampSource",
]

LOCAL_TSA_POLICY = f"{oids.ARC}.5.1"
"""TSTInfo policy of tokens issued by :class:`InProcessTimestampSource`."""


class TimestampSource(Protocol):
    """Anything that can hand out a pyHanko ``TimeStamper`` for one signing run."""

    @property
    def description(self) -> str:
        """Human-readable origin of the timestamps (logged and reported)."""
        ...

    def timestamper(self) -> TimeStamper:
        """A timestamper to use for one signing or sealing run."""
        ...


@dataclass(frozen=True)
class HttpTimestampSource:
    """An RFC 3161 TSA reached over HTTP(S)."""

    url: str
    timeout: float = 10.0

    @property
    def description(self) -> str:
        return f"RFC 3161 TSA at {self.url}"

    def timestamper(self) -> TimeStamper:
        return _ReparsedTokens(self.url, timeout_s=self.timeout)


class _ReparsedTokens(SiteTimeStamper):
    """Hands pyHanko each token freshly loaded from its DER.

    The site timestamper reads the whole reply to check it; asn1crypto then re-encodes that
    fully parsed tree every time pyHanko serialises the signature (several times per
    signature), which made one signature take seconds.  A fresh load keeps it lazy.
    """

    async def async_timestamp(self, message_digest: bytes, md_algorithm: str
                              ) -> cms.ContentInfo:
        token = await super().async_timestamp(message_digest, md_algorithm)
        return cms.ContentInfo.load(token.dump())


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class _InProcessTimeStamper(TimeStamper):
    """RFC 3161 token issuance in-process (TSTInfo in SignedData, ESSCertIDv2)."""

    def __init__(self, cert: x509.Certificate, key: PrivateKey,
                 chain: Sequence[x509.Certificate], clock: Callable[[], datetime]) -> None:
        super().__init__(include_nonce=True)
        self._cert = _asn1(cert)
        self._key = key
        self._chain = [_asn1(c) for c in chain]
        self._clock = clock

    def _sign(self, data: bytes) -> tuple[bytes, str]:
        if isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(data, ec.ECDSA(hashes.SHA256())), "sha256_ecdsa"
        if isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, PKCS1v15(), hashes.SHA256()), "sha256_rsa"
        raise TypeError(f"unsupported TSA key {type(self._key).__name__}")

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        now = self._clock()
        info = {
            "version": "v1",
            "policy": LOCAL_TSA_POLICY,
            "message_imprint": req["message_imprint"],
            "serial_number": secrets.randbits(127),
            "gen_time": now,
            "accuracy": {"seconds": 1},
            "tsa": asn1_x509.GeneralName(name="directory_name", value=self._cert.subject),
        }
        if req["nonce"].native is not None:
            info["nonce"] = req["nonce"]
        tst_der = tsp.TSTInfo(info).dump()
        signed_attrs = cms.CMSAttributes([
            simple_cms_attribute("content_type", "tst_info"),
            simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(now)})),
            simple_cms_attribute("signing_certificate_v2",
                                 as_signing_certificate_v2(self._cert)),
            simple_cms_attribute("message_digest", hashlib.sha256(tst_der).digest()),
        ])
        signature, algorithm = self._sign(signed_attrs.dump())
        signer_info = cms.SignerInfo({
            "version": "v1",
            "sid": cms.SignerIdentifier({"issuer_and_serial_number": cms.IssuerAndSerialNumber(
                {"issuer": self._cert.issuer, "serial_number": self._cert.serial_number})}),
            "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
            "signed_attrs": signed_attrs,
            "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": algorithm}),
            "signature": signature,
        })
        signed_data = cms.SignedData({
            "version": "v3",
            "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
            "encap_content_info": {"content_type": "tst_info",
                                   "content": cms.ParsableOctetString(tst_der)},
            "certificates": [self._cert, *self._chain],
            "signer_infos": [signer_info],
        })
        return tsp.TimeStampResp({
            "status": {"status": "granted"},
            "time_stamp_token": {"content_type": "signed_data", "content": signed_data},
        })


@dataclass(frozen=True)
class InProcessTimestampSource:
    """The site TSA answering in this process (no network); tokens carry our local policy."""

    certificate: x509.Certificate
    private_key: PrivateKey = field(repr=False)
    chain: tuple[x509.Certificate, ...]
    """The TSA's issuing CAs (embedded in each token so validators can build the path)."""
    clock: Callable[[], datetime]

    @property
    def description(self) -> str:
        return f"in-process TSA {self.certificate.subject.rfc4514_string()}"

    def timestamper(self) -> TimeStamper:
        return _InProcessTimeStamper(self.certificate, self.private_key, self.chain, self.clock)
