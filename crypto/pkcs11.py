"""Officer and seal keys on a PKCS#11 token (smart card, HSM, SoftHSM2 in tests).

The key is generated on the token (or imported once into it) and never leaves; the site CA
certifies its public key (:meth:`SitePki.issue_for_key`) and the certificate is stored on
the token beside it.  Signing goes through pyHanko's PKCS#11 signer inside a session that
:func:`token_signing_key` opens and closes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import pkcs11
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pkcs11 import Attribute, KeyType, ObjectClass
from pkcs11 import exceptions as p11_errors
from pkcs11.util.ec import (
    decode_ec_private_key,
    encode_ec_public_key,
    encode_named_curve_parameters,
)
from pyhanko.sign.pkcs11 import PKCS11Signer

from crypto.errors import CryptoError
from crypto.pades_signers import SigningKey, to_asn1
from crypto.pki.builder import PublicKey

__all__ = [
    "Pkcs11Error",
    "TokenConfig",
    "generate_key_on_token",
    "import_key_to_token",
    "store_certificate_on_token",
    "token_signing_key",
]


class Pkcs11Error(CryptoError):
    """The token cannot be used: ``module_missing``, ``token_missing``, ``wrong_pin``,
    ``pin_locked``, ``key_missing``, ``key_exists``, ``token_error``; ``token`` names it."""

    def __init__(self, message: str, *, reason: str, token: str = "", label: str = "") -> None:
        super().__init__(message, reason=reason)
        self.token = token
        self.label = label


@dataclass(frozen=True)
class TokenConfig:
    """Which PKCS#11 module and which token in it."""

    module_path: str
    token_label: str


def _lib(config: TokenConfig) -> pkcs11.lib:
    if not os.path.exists(config.module_path):
        raise Pkcs11Error(f"PKCS#11 module {config.module_path} not found",
                          reason="module_missing", token=config.token_label)
    try:
        return pkcs11.lib(config.module_path)
    except (p11_errors.PKCS11Error, RuntimeError, OSError) as exc:
        raise Pkcs11Error(f"cannot load {config.module_path}: {exc}", reason="module_missing",
                          token=config.token_label) from exc


@contextmanager
def _session(config: TokenConfig, pin: str, *, rw: bool) -> Iterator[pkcs11.Session]:
    lib = _lib(config)
    try:
        token = lib.get_token(token_label=config.token_label)
    except (p11_errors.NoSuchToken, p11_errors.MultipleTokensReturned) as exc:
        raise Pkcs11Error(f"no single token labelled {config.token_label!r}",
                          reason="token_missing", token=config.token_label) from exc
    try:
        session = token.open(rw=rw, user_pin=pin)
    except p11_errors.PinIncorrect as exc:
        raise Pkcs11Error(f"wrong PIN for token {config.token_label}", reason="wrong_pin",
                          token=config.token_label) from exc
    except p11_errors.PinLocked as exc:
        raise Pkcs11Error(f"token {config.token_label} is locked", reason="pin_locked",
                          token=config.token_label) from exc
    except p11_errors.PKCS11Error as exc:
        raise Pkcs11Error(f"token {config.token_label}: {exc!r}", reason="token_error",
                          token=config.token_label) from exc
    try:
        yield session
    finally:
        session.close()


def _refuse_existing(session: pkcs11.Session, label: str, config: TokenConfig) -> None:
    if list(session.get_objects({Attribute.LABEL: label, Attribute.CLASS:
                                 ObjectClass.PRIVATE_KEY})):
        raise Pkcs11Error(f"token {config.token_label} already holds a key {label!r}",
                          reason="key_exists", token=config.token_label, label=label)


def _key_id(label: str) -> bytes:
    return label.encode("utf-8")[:32]


def generate_key_on_token(config: TokenConfig, pin: str, label: str) -> PublicKey:
    """Generate a non-extractable ECDSA P-256 key pair on the token; return its public key."""
    with _session(config, pin, rw=True) as session:
        _refuse_existing(session, label, config)
        params = session.create_domain_parameters(
            KeyType.EC, {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")},
            local=True)
        public, _private = params.generate_keypair(
            store=True, label=label, id=_key_id(label),
            private_template={Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False,
                              Attribute.SIGN: True})
        der = encode_ec_public_key(public)
    key = serialization.load_der_public_key(der)
    assert isinstance(key, ec.EllipticCurvePublicKey)
    return key


def import_key_to_token(config: TokenConfig, pin: str, label: str,
                        key: ec.EllipticCurvePrivateKey) -> None:
    """Put an existing EC key onto the token (non-extractable from then on)."""
    der = key.private_bytes(serialization.Encoding.DER,
                            serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption())
    with _session(config, pin, rw=True) as session:
        _refuse_existing(session, label, config)
        attrs = decode_ec_private_key(der)
        attrs.update({Attribute.TOKEN: True, Attribute.LABEL: label, Attribute.ID: _key_id(label),
                      Attribute.SIGN: True, Attribute.SENSITIVE: True,
                      Attribute.EXTRACTABLE: False, Attribute.PRIVATE: True})
        session.create_object(attrs)


def store_certificate_on_token(config: TokenConfig, pin: str, label: str,
                               cert: x509.Certificate) -> None:
    """Store the key's certificate beside it (same label and ID) for other tools to find."""
    der = cert.public_bytes(serialization.Encoding.DER)
    with _session(config, pin, rw=True) as session:
        session.create_object({
            Attribute.CLASS: ObjectClass.CERTIFICATE,
            Attribute.CERTIFICATE_TYPE: pkcs11.CertificateType.X_509,
            Attribute.TOKEN: True, Attribute.LABEL: label, Attribute.ID: _key_id(label),
            Attribute.SUBJECT: cert.subject.public_bytes(), Attribute.VALUE: der,
        })


@contextmanager
def token_signing_key(config: TokenConfig, pin: str, label: str, cert: x509.Certificate,
                      chain: Sequence[x509.Certificate]) -> Iterator[SigningKey]:
    """A :class:`SigningKey` whose signatures happen on the token, for the ``with`` block."""
    with _session(config, pin, rw=False) as session:
        if not list(session.get_objects({Attribute.LABEL: label,
                                         Attribute.CLASS: ObjectClass.PRIVATE_KEY})):
            raise Pkcs11Error(f"token {config.token_label} has no key {label!r}",
                              reason="key_missing", token=config.token_label, label=label)
        # Hash here and let the token do plain ECDSA: many tokens (SoftHSM2 2.6 among them)
        # lack the combined CKM_ECDSA_SHA256 mechanism.
        signer = PKCS11Signer(session, key_label=label, signing_cert=to_asn1(cert),
                              ca_chain=[to_asn1(c) for c in chain], other_certs_to_pull=None,
                              use_raw_mechanism=isinstance(cert.public_key(),
                                                           ec.EllipticCurvePublicKey))
        yield SigningKey(signer, cert, tuple(chain))
