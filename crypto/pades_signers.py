"""pyHanko signers for Inkseal keys, and per-signature signed attributes.

* :class:`KeySigner` signs with a key already loaded in memory: pyHanko's ``SimpleSigner``
  re-parses (and for RSA re-validates) the key on every raw signature, which costs more
  than the whole PDF update for RSA-3072; and its dry run (size estimate) signs for real.
* :func:`with_signed_attributes` wraps any pyHanko signer (file key, PKCS#11 token) for one
  signature, adding our signed attributes through pyHanko's public attribute-provider
  interface while keeping the PAdES (CAdES) attributes pyHanko would add.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from asn1crypto import core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from pyhanko.sign.ades.api import CAdESSignedAttrSpec, GenericCommitment
from pyhanko.sign.attributes import CMSAttributeProvider, SignedAttributeProviderSpec
from pyhanko.sign.signers import Signer
from pyhanko.sign.signers.pdf_cms import CAdESSignedAttributeProviderSpec, PdfCMSSignedAttributes
from pyhanko_certvalidator.registry import SimpleCertificateStore

from crypto.keys import PrivateKey
from crypto.pki.site import Identity

__all__ = [
    "KeySigner",
    "SignedAttribute",
    "SigningKey",
    "to_asn1",
    "with_signed_attributes",
]


def to_asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    """The asn1crypto form of a ``cryptography`` certificate (pyHanko speaks asn1crypto)."""
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class KeySigner(Signer):
    """A pyHanko signer over a loaded ``cryptography`` key (EC, RSA PKCS#1 v1.5, Ed25519)."""

    def __init__(self, certificate: x509.Certificate, key: PrivateKey,
                 chain: Sequence[x509.Certificate]) -> None:
        registry = SimpleCertificateStore.from_certs([to_asn1(c) for c in chain])
        super().__init__(signing_cert=to_asn1(certificate), cert_registry=registry,
                         embed_roots=True)
        self._key = key

    def _placeholder(self) -> bytes:
        if isinstance(self._key, rsa.RSAPrivateKey):
            return bytes(self._key.key_size // 8)
        if isinstance(self._key, ec.EllipticCurvePrivateKey):
            # DER ECDSA signature upper bound: two INTEGERs of (bits/8 + 1) bytes plus headers.
            n = self._key.curve.key_size // 8 + 1
            return bytes(2 * (n + 2) + 3)
        return bytes(64)

    async def async_sign_raw(self, data: bytes, digest_algorithm: str,
                             dry_run: bool = False) -> bytes:
        if dry_run:
            return self._placeholder()
        hash_algo = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(),
                     "sha512": hashes.SHA512()}[digest_algorithm]
        if isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(data, ec.ECDSA(hash_algo))
        if isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, PKCS1v15(), hash_algo)
        if isinstance(self._key, ed25519.Ed25519PrivateKey):
            return self._key.sign(data)
        raise TypeError(f"unsupported key type {type(self._key).__name__}")


@dataclass(frozen=True)
class SigningKey:
    """A pyHanko signer plus the certificates validators need: the chain up to the root."""

    signer: Signer
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]
    """Issuing CAs, nearest first, ending with the root."""

    @classmethod
    def from_key(cls, certificate: x509.Certificate, key: PrivateKey,
                 chain: Sequence[x509.Certificate]) -> SigningKey:
        return cls(KeySigner(certificate, key, chain), certificate, tuple(chain))

    @classmethod
    def from_identity(cls, identity: Identity) -> SigningKey:
        """From a site identity whose key was loaded from its encrypted file."""
        if identity.private_key is None:
            raise ValueError(f"{identity.entry.name}: the key is on a token; use "
                             "crypto.pkcs11.token_signing_key")
        return cls.from_key(identity.certificate, identity.private_key, identity.chain)


@dataclass(frozen=True)
class SignedAttribute:
    """One extra signed CMS attribute: its registered asn1crypto name and value."""

    attribute_type: str
    value: core.Asn1Value


class _StaticProvider(CMSAttributeProvider):
    def __init__(self, attribute: SignedAttribute) -> None:
        self.attribute_type = attribute.attribute_type
        self._value = attribute.value

    async def build_attr_value(self, dry_run: bool = False) -> Any:
        return self._value


class _PadesWithExtras(SignedAttributeProviderSpec):
    def __init__(self, signing_cert: asn1_x509.Certificate, commitment: GenericCommitment,
                 extras: Sequence[SignedAttribute]) -> None:
        settings = PdfCMSSignedAttributes(
            cades_signed_attrs=CAdESSignedAttrSpec(commitment_type=commitment.asn1))
        self._base = CAdESSignedAttributeProviderSpec(attr_settings=settings,
                                                      signing_cert=signing_cert,
                                                      is_pades=True, timestamper=None)
        self._extras = tuple(extras)

    def signed_attr_providers(self, data_digest: bytes, digest_algorithm: str
                              ) -> Any:
        yield from self._base.signed_attr_providers(data_digest, digest_algorithm)
        for extra in self._extras:
            yield _StaticProvider(extra)


class _WithAttributes(Signer):
    """Delegates the raw signature to ``inner``; owns the signed attributes of one signature."""

    def __init__(self, inner: Signer, spec: SignedAttributeProviderSpec) -> None:
        super().__init__(prefer_pss=inner.prefer_pss, embed_roots=inner.embed_roots,
                         signing_cert=inner.signing_cert, cert_registry=inner.cert_registry)
        self._inner = inner
        self.signed_attr_prov_spec = spec

    def get_signature_mechanism_for_digest(self, digest: str | None) -> Any:
        return self._inner.get_signature_mechanism_for_digest(digest)

    async def async_sign_raw(self, data: bytes, digest_algorithm: str,
                             dry_run: bool = False) -> bytes:
        return await self._inner.async_sign_raw(data, digest_algorithm, dry_run)


def with_signed_attributes(key: SigningKey, commitment: GenericCommitment,
                           extras: Sequence[SignedAttribute] = ()) -> Signer:
    """A one-signature signer: PAdES attributes, a commitment type, and ``extras``."""
    signing_cert = key.signer.signing_cert
    if signing_cert is None:
        raise ValueError("the signer has no certificate")
    return _WithAttributes(key.signer, _PadesWithExtras(signing_cert, commitment, extras))
