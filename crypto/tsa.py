"""RFC 3161 timestamps: a client for the site's TSA (a pyHanko timestamper), and verification
of a token against the data it covers and the TSA certificate or trust roots.

The timestamper runs aiohttp under ``asyncio``: pyHanko's async signing API awaits it; the sync
helpers here call ``asyncio.run`` and must run on a worker thread, never inside an event loop
(the GUI's included).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import aiohttp
from asn1crypto import cms, core, tsp, x509
from cryptography import x509 as cx509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper, TimestampRequestError
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathError, ValidationError

from crypto.errors import TimestampError

if TYPE_CHECKING:
    from crypto.tsa_server import LocalTsaServer

__all__ = ["SiteTimeStamper", "TimestampInfo", "ResponseStatus", "response_status",
           "timestamper_for", "request_timestamp", "timestamp_checkpoint",
           "verify_timestamp_token",
           "TIMESTAMP_REASON_TEXT", "describe_timestamp_error"]

T = TypeVar("T")
_HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}

#: What each TimestampError reason means, for people: English and Simplified Chinese.
TIMESTAMP_REASON_TEXT: dict[str, dict[str, str]] = {
    "bad_url": {"en": "the timestamp authority address is not valid", "zh": "时间戳服务地址无效"},
    "unreachable": {"en": "the timestamp authority cannot be reached", "zh": "无法连接时间戳服务"},
    "timeout": {"en": "the timestamp authority did not answer in time", "zh": "时间戳服务响应超时"},
    "http_status": {"en": "the timestamp authority answered with an HTTP error",
                    "zh": "时间戳服务返回 HTTP 错误"},
    "bad_content_type": {"en": "the answer is not a timestamp reply", "zh": "响应不是时间戳应答"},
    "bad_response": {"en": "the timestamp reply is unreadable", "zh": "时间戳应答无法解析"},
    "refused": {"en": "the timestamp authority refused the request", "zh": "时间戳服务拒绝了请求"},
    "bad_nonce": {"en": "the reply does not answer our request", "zh": "应答与请求不匹配（随机数不符）"},
    "malformed_token": {"en": "the timestamp token is malformed", "zh": "时间戳令牌格式错误"},
    "imprint_mismatch": {"en": "the timestamp covers other data", "zh": "时间戳对应的是其他数据"},
    "unknown_signer": {"en": "the timestamp was not signed by the expected authority",
                       "zh": "时间戳不是由预期的时间戳服务签发"},
    "digest_mismatch": {"en": "the timestamp token was changed", "zh": "时间戳令牌已被篡改"},
    "signer_certificate_mismatch": {"en": "the token names another certificate",
                                    "zh": "令牌中的证书标识与签名证书不符"},
    "bad_signature": {"en": "the timestamp signature does not verify", "zh": "时间戳签名验证失败"},
    "not_a_tsa": {"en": "the certificate is not a timestamp authority's",
                  "zh": "该证书不是时间戳服务证书"},
    "certificate_expired": {"en": "the timestamp lies outside its certificate's validity",
                            "zh": "时间戳时间不在证书有效期内"},
    "untrusted": {"en": "the timestamp authority is not trusted", "zh": "时间戳服务不受信任"},
    "wrong_policy": {"en": "the timestamp was issued under another policy", "zh": "时间戳策略不符"},
    "bad_alg": {"en": "the hash or key algorithm is not supported", "zh": "不支持该哈希或密钥算法"},
    "no_trust_anchor": {"en": "no certificate to check the timestamp against",
                        "zh": "没有用于验证时间戳的证书"},
    "no_data": {"en": "no data to check the timestamp against", "zh": "没有用于核对时间戳的数据"},
    "no_tsa": {"en": "no timestamp authority is configured", "zh": "未配置时间戳服务"},
    "in_event_loop": {"en": "internal error: a timestamp was requested on the event loop",
                      "zh": "内部错误：在事件循环中同步请求了时间戳"},
}


def describe_timestamp_error(error: TimestampError, language: str = "en") -> str:
    """One sentence for people (``en`` or ``zh``) for a :class:`~crypto.errors.TimestampError`."""
    text = TIMESTAMP_REASON_TEXT.get(error.reason)
    if text is None:
        return str(error)
    return text["zh" if language.startswith("zh") else "en"]


class SiteTimeStamper(HTTPTimeStamper):
    """pyHanko's HTTP timestamper for a site URL (e.g. settings ``tsa_url``), with a timeout
    and typed errors: :class:`~crypto.errors.TimestampError` with reason ``bad_url``,
    ``unreachable``, ``timeout``, ``http_status``, ``bad_content_type``, ``bad_response``,
    ``refused`` (the TSA said no; its failure info is in the message) or ``bad_nonce``."""

    def __init__(self, url: str, *, timeout_s: float = 10.0,
                 auth: tuple[str, str] | None = None, include_nonce: bool = True) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise TimestampError(f"timestamp authority URL {url!r} is not an http(s) URL",
                                 reason="bad_url", url=url)
        super().__init__(url, timeout=timeout_s, auth=auth)
        self.include_nonce = include_nonce

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        try:
            response = await super().async_request_tsa_response(req)
        except TimestampRequestError as exc:
            raise self._classify(exc.__cause__) from exc
        except (ValueError, TypeError) as exc:
            raise TimestampError(f"{self.url} sent something that is not a TimeStampResp",
                                 reason="bad_response", url=self.url) from exc
        status = response_status(response.dump())  # parse now: a garbled reply is said so here
        if status.status not in ("granted", "granted_with_mods"):
            raise TimestampError(f"{self.url} refused the request: {status.status} "
                                 f"({', '.join(status.failures) or 'no failure info'}; "
                                 f"{status.text})", reason="refused", url=self.url)
        try:
            response["time_stamp_token"].native
        except (ValueError, TypeError) as exc:
            raise TimestampError(f"{self.url} sent a granted reply without a readable token",
                                 reason="bad_response", url=self.url) from exc
        return response

    async def async_timestamp(self, message_digest: bytes, md_algorithm: str) -> cms.ContentInfo:
        try:
            return await super().async_timestamp(message_digest, md_algorithm)
        except TimestampRequestError as exc:  # pyHanko's nonce check on a granted reply
            raise TimestampError(f"{self.url}: {exc}", reason="bad_nonce", url=self.url) from exc

    def _classify(self, cause: BaseException | None) -> TimestampError:
        if isinstance(cause, aiohttp.ContentTypeError):
            return TimestampError(f"{self.url} did not answer with application/timestamp-reply",
                                  reason="bad_content_type", url=self.url)
        if isinstance(cause, aiohttp.ClientResponseError):
            return TimestampError(f"{self.url} answered HTTP {cause.status}", reason="http_status",
                                  url=self.url)
        if isinstance(cause, (asyncio.TimeoutError, aiohttp.ServerTimeoutError)):
            return TimestampError(f"{self.url} did not answer within {self.timeout} s",
                                  reason="timeout", url=self.url)
        return TimestampError(f"cannot reach {self.url}: {cause}", reason="unreachable",
                              url=self.url)


@dataclass(frozen=True)
class ResponseStatus:
    """A TimeStampResp's PKIStatusInfo: ``granted``, ``rejection``...; failure bit names
    (``bad_alg``, ``unaccepted_policy``...) and the TSA's own text."""

    status: str
    failures: tuple[str, ...]
    text: str


def response_status(response: bytes) -> ResponseStatus:
    """Read the status of a DER TimeStampResp, including a rejection without a token (which
    asn1crypto's ``TimeStampResp`` cannot parse).  Raises ``bad_response``."""
    try:
        outer = core.Sequence.load(response)
        info = tsp.PKIStatusInfo.load(outer[0].dump())
        return ResponseStatus(info["status"].native, tuple(sorted(info["fail_info"].native or ())),
                              "; ".join(info["status_string"].native or ()))
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise TimestampError("not a TimeStampResp", reason="bad_response") from exc


def timestamper_for(tsa_url: str, *, local: LocalTsaServer | None = None,
                    timeout_s: float = 10.0) -> SiteTimeStamper:
    """The timestamper a deployment uses: the site TSA at ``tsa_url`` (the ``tsa_url``
    setting), or the running local TSA when that is empty."""
    url = tsa_url.strip() or (local.url if local is not None else "")
    if not url:
        raise TimestampError("no timestamp authority: set tsa_url or start the local TSA",
                             reason="no_tsa")
    return SiteTimeStamper(url, timeout_s=timeout_s)


def request_timestamp(data: bytes, timestamper: TimeStamper, *,
                      algorithm: str = "sha256") -> bytes:
    """A DER timestamp token over ``data`` (hashed with ``algorithm``).  Worker threads only."""
    if algorithm not in _HASHES:
        raise TimestampError(f"unsupported hash {algorithm}", reason="bad_alg")
    digest = hashlib.new(algorithm, data).digest()
    return _run_blocking(timestamper.async_timestamp(digest, algorithm)).dump()


def _run_blocking(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on this (worker) thread; never on a running loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    coroutine.close()
    raise TimestampError("this call blocks: make it from a worker thread, or await the async "
                         "API inside the event loop", reason="in_event_loop")


def timestamp_checkpoint(note: str, timestamper: TimeStamper) -> bytes:
    """A token over a signed checkpoint note (its UTF-8 bytes, signatures included): proof the
    log head existed at the token's time."""
    return request_timestamp(note.encode("utf-8"), timestamper)


@dataclass(frozen=True)
class TimestampInfo:
    """What a verified token says: when, under which policy, serial, over which digest."""

    gen_time: datetime
    serial_number: int
    policy: str
    hash_algorithm: str
    message_digest: bytes
    nonce: int | None
    tsa_certificate: cx509.Certificate


def verify_timestamp_token(token: bytes, *, data: bytes | None = None,
                           digest: tuple[str, bytes] | None = None,
                           tsa_certificate: cx509.Certificate | None = None,
                           trust_roots: Sequence[cx509.Certificate] = (),
                           policy: str | None = None) -> TimestampInfo:
    """Check a DER token: it covers ``data`` (or ``(algorithm, digest)``), its CMS signature
    and signed attributes hold, and its signer is ``tsa_certificate`` or chains to one of
    ``trust_roots`` with the timeStamping purpose at the token's time.  Offline: no
    revocation is fetched.  Raises :class:`~crypto.errors.TimestampError`."""
    if tsa_certificate is None and not trust_roots:
        raise TimestampError("give the TSA certificate or trust roots", reason="no_trust_anchor")
    try:
        content = cms.ContentInfo.load(token)
        signed = content["content"]
        if content["content_type"].native != "signed_data" or \
                signed["encap_content_info"]["content_type"].native != "tst_info":
            raise ValueError("not a timestamp token")
        encapsulated = signed["encap_content_info"]["content"].contents
        info = tsp.TSTInfo.load(encapsulated)
        signer_info = signed["signer_infos"][0]
        info.native  # force a full parse: malformed content fails here, not later
        certificates = [c.chosen for c in (signed["certificates"] or [])]
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise TimestampError(f"not a timestamp token: {exc}", reason="malformed_token") from exc
    algorithm = info["message_imprint"]["hash_algorithm"]["algorithm"].native
    imprint = info["message_imprint"]["hashed_message"].native
    expected = _expected_digest(algorithm, data, digest)
    if imprint != expected:
        raise TimestampError("the token is over other data", reason="imprint_mismatch")
    cert = _signer_certificate(signer_info, certificates, tsa_certificate)
    _check_signed_attributes(signer_info, cert, encapsulated)
    _check_signature(signer_info, cert)
    gen_time = info["gen_time"].native
    public = cx509.load_der_x509_certificate(cert.dump())
    _check_purpose(public, gen_time)
    if trust_roots:
        _check_chain(cert, certificates, trust_roots, gen_time)
    if policy is not None and info["policy"].native != policy:
        raise TimestampError(f"token policy {info['policy'].native}, expected {policy}",
                             reason="wrong_policy")
    return TimestampInfo(gen_time, info["serial_number"].native, info["policy"].native,
                         algorithm, imprint, info["nonce"].native, public)


def _expected_digest(algorithm: str, data: bytes | None,
                     digest: tuple[str, bytes] | None) -> bytes:
    if digest is not None:
        if digest[0] != algorithm:
            raise TimestampError(f"token hashes with {algorithm}, not {digest[0]}",
                                 reason="imprint_mismatch")
        return digest[1]
    if data is None:
        raise TimestampError("give the data or its digest", reason="no_data")
    if algorithm not in _HASHES:
        raise TimestampError(f"token uses unsupported hash {algorithm}", reason="bad_alg")
    return hashlib.new(algorithm, data).digest()


def _signer_certificate(signer_info: cms.SignerInfo, embedded: list[x509.Certificate],
                        pinned: cx509.Certificate | None) -> x509.Certificate:
    sid = signer_info["sid"]
    if sid.name != "issuer_and_serial_number":
        raise TimestampError("signer not named by issuer and serial", reason="unknown_signer")
    issuer, serial = sid.chosen["issuer"], sid.chosen["serial_number"].native
    candidates = [x509.Certificate.load(pinned.public_bytes(Encoding.DER))] if pinned else embedded
    for cert in candidates:
        if cert.issuer == issuer and cert.serial_number == serial:
            return cert
    raise TimestampError("the token was not signed by the expected TSA certificate",
                         reason="unknown_signer")


def _check_signed_attributes(signer_info: cms.SignerInfo, cert: x509.Certificate,
                             content: bytes) -> None:
    attrs = {a["type"].native: a["values"][0] for a in signer_info["signed_attrs"] or []}
    digest_name = signer_info["digest_algorithm"]["algorithm"].native
    if attrs.get("content_type") is None or attrs["content_type"].native != "tst_info":
        raise TimestampError("content-type attribute missing or wrong", reason="malformed_token")
    if attrs.get("message_digest") is None or \
            attrs["message_digest"].native != hashlib.new(digest_name, content).digest():
        raise TimestampError("message-digest attribute does not match", reason="digest_mismatch")
    ess = attrs.get("signing_certificate_v2") or attrs.get("signing_certificate")
    if ess is None:
        raise TimestampError("no ESS signing-certificate attribute", reason="malformed_token")
    cert_id = ess["certs"][0]
    hash_name = cert_id["hash_algorithm"]["algorithm"].native if "hash_algorithm" in cert_id \
        else "sha1"
    if cert_id["cert_hash"].native != hashlib.new(hash_name, cert.dump()).digest():
        raise TimestampError("ESS certificate hash names another certificate",
                             reason="signer_certificate_mismatch")


def _check_signature(signer_info: cms.SignerInfo, cert: x509.Certificate) -> None:
    key = cx509.load_der_x509_certificate(cert.dump()).public_key()
    signed = signer_info["signed_attrs"].untag().dump()
    signature = signer_info["signature"].native
    digest_name = signer_info["digest_algorithm"]["algorithm"].native
    try:
        if isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, signed)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, signed, ec.ECDSA(_HASHES[digest_name]()))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signed, padding.PKCS1v15(), _HASHES[digest_name]())
        else:
            raise TimestampError("unsupported TSA key type", reason="bad_alg")
    except InvalidSignature as exc:
        raise TimestampError("the token's signature does not verify",
                             reason="bad_signature") from exc
    except KeyError as exc:
        raise TimestampError(f"unsupported digest {digest_name}", reason="bad_alg") from exc


def _check_purpose(cert: cx509.Certificate, at: datetime) -> None:
    try:
        usage = cert.extensions.get_extension_for_class(cx509.ExtendedKeyUsage).value
    except cx509.ExtensionNotFound as exc:
        raise TimestampError("TSA certificate has no timeStamping purpose",
                             reason="not_a_tsa") from exc
    if cx509.oid.ExtendedKeyUsageOID.TIME_STAMPING not in usage:
        raise TimestampError("TSA certificate has no timeStamping purpose", reason="not_a_tsa")
    if not cert.not_valid_before_utc <= at <= cert.not_valid_after_utc:
        raise TimestampError("the token's time is outside its certificate's validity",
                             reason="certificate_expired")


def _check_chain(cert: x509.Certificate, embedded: list[x509.Certificate],
                 roots: Sequence[cx509.Certificate], at: datetime) -> None:
    context = ValidationContext(
        trust_roots=[x509.Certificate.load(r.public_bytes(Encoding.DER)) for r in roots],
        other_certs=embedded, moment=at, allow_fetching=False, revocation_mode="soft-fail")
    validator = CertificateValidator(cert, intermediate_certs=embedded,
                                     validation_context=context)
    try:
        _run_blocking(validator.async_validate_usage(set(), {"time_stamping"}))
    except (PathError, ValidationError) as exc:
        raise TimestampError(f"TSA certificate does not chain to a trusted root: {exc}",
                             reason="untrusted") from exc
