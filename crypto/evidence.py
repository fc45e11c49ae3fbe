"""A signatory's evidence bundle, encrypted for the archive key (CMS EnvelopedData).

What goes where:

* **Inside the signature** (the ``inksealEvidence`` signed attribute, see
  :mod:`crypto.pades_attributes`): field, signatory, record identity, capture time, the
  SHA-256 and length of *every* item, the SHA-256 of the full encrypted bundle, and an
  EnvelopedData of the *embedded* items only: by default the pen track (ISO/IEC 19794-7),
  a few kilobytes that are the signature itself.  Photo and fingerprint image would inflate
  ``/Contents`` twice over (hex) for no gain: they are bound by hash.
* **In the evidence package**: :attr:`SealedEvidence.package_file`, an EnvelopedData of
  every item, whose SHA-256 the attribute carries.

Encryption: RSA-OAEP (SHA-256, MGF1-SHA-256) key transport to the archive certificate and
AES-256-CBC content encryption; ``openssl cms -decrypt`` reads both.  Integrity comes from
the hashes in the signed attribute, which the signature covers.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from asn1crypto import algos, cms, core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import MGF1, OAEP
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from crypto.errors import CryptoError
from crypto.pades_attributes import (
    EvidenceAttribute,
    EvidenceContent,
    EvidenceItemDigest,
    EvidenceItemValue,
)
from crypto.pki import oids

__all__ = [
    "EMBED_LIMIT",
    "EvidenceBundle",
    "EvidenceError",
    "EvidenceItem",
    "MEDIA_FINGERPRINT",
    "MEDIA_PEN_ISO",
    "MEDIA_PEN_READABLE",
    "MEDIA_PHOTO",
    "OpenedEvidence",
    "SealedEvidence",
    "open_embedded",
    "decrypt_envelope",
    "envelope",
    "open_package_file",
    "seal_evidence",
]

MEDIA_PEN_ISO = "application/vnd.iso.19794-7"
MEDIA_PEN_READABLE = "application/json"
MEDIA_FINGERPRINT = "image/png"
MEDIA_PHOTO = "image/jpeg"
EMBED_LIMIT = 256 * 1024
"""Most bytes of items embedded in a signature (each signature reserves twice that in hex)."""


class EvidenceError(CryptoError):
    """Evidence cannot be sealed or opened, or does not match what the signature says.

    ``reason``: ``embedded_too_large``, ``not_archive_certificate``, ``bad_attribute``,
    ``wrong_archive_key``, ``decrypt_failed``, ``hash_mismatch``, ``item_missing``,
    ``context_mismatch``, ``package_mismatch``; ``item`` names the item when one is at fault.
    """

    def __init__(self, message: str, *, reason: str, item: str | None = None) -> None:
        super().__init__(message, reason=reason)
        self.item = item


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence: a name (``pen_track``, ``photo``...), its media type, its bytes."""

    name: str
    media_type: str
    data: bytes = field(repr=False)
    embed: bool = False
    """Travel inside the signature (encrypted) rather than only by hash."""

    @property
    def sha256(self) -> bytes:
        return hashlib.sha256(self.data).digest()


@dataclass(frozen=True)
class EvidenceBundle:
    """Everything captured while one signatory signed one field of one record."""

    field_name: str
    signatory_name: str
    signatory_role: str
    record_sha256: bytes
    """SHA-256 of the record's revision 0: the record's identity."""
    captured_at: datetime
    items: tuple[EvidenceItem, ...]

    @classmethod
    def standard(cls, *, field_name: str, signatory_name: str, signatory_role: str,
                 record_sha256: bytes, captured_at: datetime, pen_track_iso: bytes,
                 pen_track_readable: bytes | None = None, fingerprint_png: bytes | None = None,
                 photo_jpeg: bytes | None = None) -> EvidenceBundle:
        """The usual bundle: the ISO pen track embedded, the other items bound by hash."""
        items = [EvidenceItem("pen_track", MEDIA_PEN_ISO, pen_track_iso, embed=True)]
        if pen_track_readable is not None:
            items.append(EvidenceItem("pen_track_readable", MEDIA_PEN_READABLE,
                                      pen_track_readable))
        if fingerprint_png is not None:
            items.append(EvidenceItem("fingerprint", MEDIA_FINGERPRINT, fingerprint_png))
        if photo_jpeg is not None:
            items.append(EvidenceItem("photo", MEDIA_PHOTO, photo_jpeg))
        return cls(field_name, signatory_name, signatory_role, record_sha256, captured_at,
                   tuple(items))


@dataclass(frozen=True)
class SealedEvidence:
    """The encrypted forms of a bundle: the signed-attribute value and the package file."""

    attribute: EvidenceAttribute
    package_file: bytes = field(repr=False)
    """DER EnvelopedData (ContentInfo) of every item, for the evidence package."""

    @property
    def attribute_der(self) -> bytes:
        return self.attribute.dump()


@dataclass(frozen=True)
class OpenedEvidence:
    """Decrypted evidence, checked against the hashes the signature carries."""

    field_name: str
    signatory_name: str
    signatory_role: str
    record_sha256: bytes
    captured_at: datetime
    items: Mapping[str, bytes]


def _content(bundle: EvidenceBundle, items: Sequence[EvidenceItem]) -> bytes:
    return EvidenceContent({
        "version": 1, "field_name": bundle.field_name, "signatory_name": bundle.signatory_name,
        "signatory_role": bundle.signatory_role, "record_sha256": bundle.record_sha256,
        "captured_at": bundle.captured_at.astimezone(UTC),
        "items": [EvidenceItemValue({"name": i.name, "media_type": i.media_type, "data": i.data})
                  for i in items],
    }).dump()


def envelope(plaintext: bytes, recipient: x509.Certificate) -> cms.ContentInfo:
    """CMS EnvelopedData of ``plaintext`` for ``recipient`` (RSA-OAEP-SHA256, AES-256-CBC)."""
    public_key = recipient.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise EvidenceError("the archive certificate must hold an RSA key",
                            reason="not_archive_certificate")
    cek, iv = os.urandom(32), os.urandom(16)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(algorithms.AES(cek), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padded) + encryptor.finalize()
    wrapped = public_key.encrypt(cek, OAEP(MGF1(hashes.SHA256()), hashes.SHA256(), None))
    cert = asn1_x509.Certificate.load(recipient.public_bytes(serialization.Encoding.DER))
    sha256 = algos.DigestAlgorithm({"algorithm": "sha256"})
    ktri = cms.KeyTransRecipientInfo({
        "version": "v0",
        "rid": cms.RecipientIdentifier({"issuer_and_serial_number": cms.IssuerAndSerialNumber(
            {"issuer": cert.issuer, "serial_number": cert.serial_number})}),
        "key_encryption_algorithm": cms.KeyEncryptionAlgorithm({
            "algorithm": "rsaes_oaep",
            "parameters": algos.RSAESOAEPParams({
                "hash_algorithm": sha256,
                "mask_gen_algorithm": {"algorithm": "mgf1", "parameters": sha256},
            })}),
        "encrypted_key": wrapped,
    })
    return cms.ContentInfo({"content_type": "enveloped_data", "content": cms.EnvelopedData({
        "version": "v0",
        "recipient_infos": [cms.RecipientInfo({"ktri": ktri})],
        "encrypted_content_info": {
            "content_type": oids.CONTENT_EVIDENCE_BUNDLE,
            "content_encryption_algorithm": {"algorithm": "aes256_cbc",
                                             "parameters": core.OctetString(iv)},
            "encrypted_content": ciphertext,
        },
    })})


def decrypt_envelope(info: cms.ContentInfo, key: rsa.RSAPrivateKey) -> bytes:
    """Open an EnvelopedData made by :func:`envelope` with the archive's private key."""
    try:
        enveloped = info["content"]
        eci = enveloped["encrypted_content_info"]
        iv = eci["content_encryption_algorithm"]["parameters"].native
        ciphertext = eci["encrypted_content"].native
        wrapped_keys = [ri.chosen["encrypted_key"].native for ri in enveloped["recipient_infos"]]
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise EvidenceError(f"not an evidence envelope: {exc}", reason="bad_attribute") from exc
    cek = None
    for wrapped in wrapped_keys:
        try:
            cek = key.decrypt(wrapped, OAEP(MGF1(hashes.SHA256()), hashes.SHA256(), None))
            break
        except ValueError:
            continue
    if cek is None:
        raise EvidenceError("the archive key does not open this evidence",
                            reason="wrong_archive_key")
    try:
        decryptor = Cipher(algorithms.AES(cek), modes.CBC(iv)).decryptor()
        padded = decryptor.update(ciphertext) + decryptor.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError as exc:
        raise EvidenceError("evidence ciphertext is damaged", reason="decrypt_failed") from exc


def seal_evidence(bundle: EvidenceBundle, archive_cert: x509.Certificate, *,
                  embed_limit: int = EMBED_LIMIT) -> SealedEvidence:
    """Encrypt ``bundle`` for the archive: the attribute value and the package file."""
    embedded = [i for i in bundle.items if i.embed]
    size = sum(len(i.data) for i in embedded)
    if size > embed_limit:
        raise EvidenceError(f"embedded evidence is {size} bytes, more than {embed_limit}",
                            reason="embedded_too_large")
    names = [i.name for i in bundle.items]
    if len(set(names)) != len(names):
        raise EvidenceError("evidence item names repeat", reason="bad_attribute")
    package_file = envelope(_content(bundle, bundle.items), archive_cert).dump()
    attribute = EvidenceAttribute({
        "version": 1, "field_name": bundle.field_name, "signatory_name": bundle.signatory_name,
        "signatory_role": bundle.signatory_role, "record_sha256": bundle.record_sha256,
        "captured_at": bundle.captured_at.astimezone(UTC),
        "items": [EvidenceItemDigest({"name": i.name, "media_type": i.media_type,
                                      "length": len(i.data), "sha256": i.sha256,
                                      "embedded": i.embed}) for i in bundle.items],
        "package_sha256": hashlib.sha256(package_file).digest(),
        "embedded": envelope(_content(bundle, embedded), archive_cert),
    })
    return SealedEvidence(attribute, package_file)


def _open(info: cms.ContentInfo, attribute: EvidenceAttribute, key: rsa.RSAPrivateKey,
          *, all_items: bool) -> OpenedEvidence:
    try:
        content = EvidenceContent.load(decrypt_envelope(info, key))
        native = content.native
    except (ValueError, TypeError) as exc:
        raise EvidenceError(f"decrypted evidence does not parse: {exc}",
                            reason="decrypt_failed") from exc
    attr = attribute.native
    for name in ("field_name", "signatory_name", "signatory_role", "record_sha256",
                 "captured_at"):
        if native[name] != attr[name]:
            raise EvidenceError(f"encrypted evidence is for another {name.replace('_', ' ')} "
                                f"({native[name]!r}, the signature says {attr[name]!r})",
                                reason="context_mismatch", item=name)
    digests = {d["name"]: d for d in attr["items"]}
    items: dict[str, bytes] = {}
    for value in native["items"]:
        expected = digests.get(value["name"])
        if expected is None:
            raise EvidenceError(f"item {value['name']} is not listed in the signature",
                                reason="hash_mismatch", item=value["name"])
        data = value["data"]
        if hashlib.sha256(data).digest() != expected["sha256"] or len(data) != expected["length"]:
            raise EvidenceError(f"item {value['name']} does not match its signed hash",
                                reason="hash_mismatch", item=value["name"])
        items[value["name"]] = data
    wanted = [n for n, d in digests.items() if all_items or d["embedded"]]
    missing = [n for n in wanted if n not in items]
    if missing:
        raise EvidenceError(f"evidence items missing: {', '.join(missing)}",
                            reason="item_missing", item=missing[0])
    return OpenedEvidence(native["field_name"], native["signatory_name"],
                          native["signatory_role"], native["record_sha256"],
                          native["captured_at"], items)


def open_embedded(attribute: EvidenceAttribute, archive_key: rsa.RSAPrivateKey) -> OpenedEvidence:
    """Decrypt the items carried inside the signature and check them against its hashes."""
    return _open(attribute["embedded"], attribute, archive_key, all_items=False)


def open_package_file(package_file: bytes, attribute: EvidenceAttribute,
                      archive_key: rsa.RSAPrivateKey) -> OpenedEvidence:
    """Check a package file against the signature's digest, decrypt it, check every item."""
    if hashlib.sha256(package_file).digest() != attribute["package_sha256"].native:
        raise EvidenceError("this evidence file is not the one the signature names",
                            reason="package_mismatch")
    try:
        info = cms.ContentInfo.load(package_file)
    except ValueError as exc:
        raise EvidenceError(f"evidence file does not parse: {exc}", reason="bad_attribute") from exc
    return _open(info, attribute, archive_key, all_items=True)
