"""Encrypted private-key storage and passphrase sources.

Keys are written as PKCS#8 PEM encrypted under a passphrase (PBES2, AES-256-CBC) or read
from PKCS#12 files; a key in the clear is refused on load.  Passphrases come from a
prompt, an environment variable or a file, never from a command-line argument that ``ps``
would show.
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from asn1crypto import algos
from asn1crypto import keys as asn1_keys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives import padding as sym_padding
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.serialization import pkcs12

from crypto.errors import CryptoError

__all__ = [
    "KDF_ITERATIONS",
    "KeyStoreError",
    "PassphraseError",
    "PassphraseOrigin",
    "PassphraseSource",
    "PrivateKey",
    "encrypt_pkcs8",
    "load_pkcs12",
    "load_private_key",
    "save_pkcs12",
    "save_private_key",
    "write_private_file",
]

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey

KDF_ITERATIONS = 600_000
"""PBKDF2-HMAC-SHA256 rounds for stored keys (OWASP's 2023 figure); about 0.2 s to unlock."""


class KeyStoreError(CryptoError):
    """A key file is missing, unreadable, unencrypted, or the passphrase is wrong.

    ``reason`` is one of ``key_missing``, ``key_exists``, ``wrong_passphrase``,
    ``key_unencrypted``, ``key_corrupt``, ``key_type_unsupported``; ``path`` names the file.
    """

    def __init__(self, message: str, *, reason: str, path: str | None = None) -> None:
        super().__init__(message, reason=reason)
        self.path = path


class PassphraseError(CryptoError):
    """No passphrase could be obtained: ``passphrase_missing``, ``passphrase_unreadable``,
    ``passphrase_empty`` or ``passphrase_mismatch``; ``origin`` says where it was sought."""

    def __init__(self, message: str, *, reason: str, origin: str) -> None:
        super().__init__(message, reason=reason)
        self.origin = origin


class PassphraseOrigin(Enum):
    """Where a passphrase comes from."""

    PROMPT = "prompt"
    ENV = "env"
    FILE = "file"
    VALUE = "value"


@dataclass(frozen=True)
class PassphraseSource:
    """Where to read a passphrase from; :meth:`read` fetches it when needed."""

    origin: PassphraseOrigin
    where: str = ""
    """Variable name for ``ENV``, file path for ``FILE``, prompt text for ``PROMPT``."""
    value: bytes = field(default=b"", repr=False)
    """The passphrase itself, for ``VALUE`` (programs and tests, never a command line)."""
    confirm: bool = False
    """Ask twice at a prompt (for a new passphrase)."""

    @classmethod
    def from_env(cls, name: str) -> PassphraseSource:
        return cls(PassphraseOrigin.ENV, name)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> PassphraseSource:
        return cls(PassphraseOrigin.FILE, str(path))

    @classmethod
    def from_prompt(cls, prompt: str, *, confirm: bool = False) -> PassphraseSource:
        return cls(PassphraseOrigin.PROMPT, prompt, confirm=confirm)

    @classmethod
    def of(cls, value: bytes | str) -> PassphraseSource:
        raw = value.encode("utf-8") if isinstance(value, str) else value
        return cls(PassphraseOrigin.VALUE, "value", value=raw)

    def describe(self) -> str:
        return f"{self.origin.value}:{self.where}" if self.where else self.origin.value

    def read(self, *, environ: Mapping[str, str] | None = None,
             ask: Callable[[str], str] = getpass.getpass) -> bytes:
        """Return the passphrase bytes, or raise :class:`PassphraseError`."""
        if self.origin is PassphraseOrigin.VALUE:
            result = self.value
        elif self.origin is PassphraseOrigin.ENV:
            env = os.environ if environ is None else environ
            if self.where not in env:
                raise PassphraseError(f"environment variable {self.where} is not set",
                                      reason="passphrase_missing", origin=self.describe())
            result = env[self.where].encode("utf-8")
        elif self.origin is PassphraseOrigin.FILE:
            try:
                text = Path(self.where).read_bytes()
            except OSError as exc:
                raise PassphraseError(f"cannot read passphrase file {self.where}: {exc.strerror}",
                                      reason="passphrase_unreadable",
                                      origin=self.describe()) from exc
            # One trailing newline is how editors and `echo` end a file, not part of the secret.
            result = text[:-1] if text.endswith(b"\n") else text
            result = result[:-1] if result.endswith(b"\r") else result
        else:
            first = ask(self.where or "Passphrase: ")
            if self.confirm and ask("Again: ") != first:
                raise PassphraseError("the two passphrases differ", reason="passphrase_mismatch",
                                      origin=self.describe())
            result = first.encode("utf-8")
        if not result:
            raise PassphraseError("the passphrase is empty", reason="passphrase_empty",
                                  origin=self.describe())
        return result


def write_private_file(path: Path, data: bytes, *, overwrite: bool = False) -> None:
    """Write ``data`` atomically with mode 0600; refuse to replace a file unless asked."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise KeyStoreError(f"{path} already exists", reason="key_exists", path=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def encrypt_pkcs8(key: PrivateKey, passphrase: bytes, *,
                  iterations: int = KDF_ITERATIONS) -> bytes:
    """Encrypted PKCS#8 PEM: PBES2, PBKDF2-HMAC-SHA256 with ``iterations``, AES-256-CBC.

    ``cryptography``'s own choice uses 2048 PBKDF2 rounds, too few against guessing a
    passphrase from a stolen file; OpenSSL and ``cryptography`` both read this form.
    """
    if not passphrase:
        raise PassphraseError("refusing to store a key under an empty passphrase",
                              reason="passphrase_empty", origin="value")
    plain = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
    salt, iv = os.urandom(16), os.urandom(16)
    kek = hashlib.pbkdf2_hmac("sha256", passphrase, salt, iterations, 32)
    padder = sym_padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(kek), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padder.update(plain) + padder.finalize()) + encryptor.finalize()
    info = asn1_keys.EncryptedPrivateKeyInfo({
        "encryption_algorithm": {"algorithm": "pbes2", "parameters": {
            "key_derivation_func": {"algorithm": "pbkdf2", "parameters": {
                "salt": algos.Pbkdf2Salt(name="specified", value=salt),
                "iteration_count": iterations, "prf": {"algorithm": "sha256"}}},
            "encryption_scheme": {"algorithm": "aes256_cbc", "parameters": iv}}},
        "encrypted_data": ciphertext,
    })
    body = base64.encodebytes(info.dump()).replace(b"\n", b"")
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return (b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + b"\n".join(lines)
            + b"\n-----END ENCRYPTED PRIVATE KEY-----\n")


def save_private_key(path: Path, key: PrivateKey, passphrase: bytes, *,
                     overwrite: bool = False, iterations: int = KDF_ITERATIONS) -> None:
    """Store ``key`` as encrypted PKCS#8 PEM (see :func:`encrypt_pkcs8`), mode 0600."""
    write_private_file(Path(path), encrypt_pkcs8(key, passphrase, iterations=iterations),
                       overwrite=overwrite)


def load_private_key(path: Path, passphrase: bytes) -> PrivateKey:
    """Load an encrypted PKCS#8 (or legacy encrypted PEM) key; clear keys are refused."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise KeyStoreError(f"key file {path} is missing", reason="key_missing",
                            path=str(path)) from exc
    except OSError as exc:
        raise KeyStoreError(f"cannot read key file {path}: {exc.strerror}", reason="key_missing",
                            path=str(path)) from exc
    if b"ENCRYPTED" not in data.split(b"\n", 1)[0] and b"Proc-Type: 4,ENCRYPTED" not in data:
        raise KeyStoreError(f"{path} holds a private key in the clear; store keys encrypted",
                            reason="key_unencrypted", path=str(path))
    try:
        key = serialization.load_pem_private_key(data, password=passphrase)
    except ValueError as exc:
        # cryptography reports a bad passphrase and a damaged file alike; a damaged PEM
        # envelope fails before decryption, so tell those apart by the PEM markers.
        if b"-----BEGIN" not in data or b"-----END" not in data:
            raise KeyStoreError(f"{path} is not a PEM key file", reason="key_corrupt",
                                path=str(path)) from exc
        raise KeyStoreError(f"wrong passphrase for {path} (or the file is damaged)",
                            reason="wrong_passphrase", path=str(path)) from exc
    except TypeError as exc:
        raise KeyStoreError(f"{path}: {exc}", reason="key_corrupt", path=str(path)) from exc
    return _checked_type(key, path)


def _checked_type(key: object, path: Path) -> PrivateKey:
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
                      | ed25519.Ed25519PrivateKey):
        raise KeyStoreError(f"{path}: unsupported key type {type(key).__name__}",
                            reason="key_type_unsupported", path=str(path))
    return key


def save_pkcs12(path: Path, name: str, key: PrivateKey, cert: x509.Certificate,
                chain: list[x509.Certificate], passphrase: bytes, *,
                overwrite: bool = False) -> None:
    """Store key, certificate and chain as a PKCS#12 file (AES-256, PBKDF2-SHA256)."""
    algorithm = (serialization.PrivateFormat.PKCS12.encryption_builder()
                 .kdf_rounds(200_000)
                 .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
                 .hmac_hash(hashes.SHA256())
                 .build(passphrase))
    blob = pkcs12.serialize_key_and_certificates(name.encode("utf-8"), key, cert, chain or None,
                                                 algorithm)
    write_private_file(Path(path), blob, overwrite=overwrite)


def load_pkcs12(path: Path, passphrase: bytes
                ) -> tuple[PrivateKey, x509.Certificate, list[x509.Certificate]]:
    """Load key, certificate and additional certificates from a PKCS#12 file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KeyStoreError(f"cannot read {path}: {exc.strerror}", reason="key_missing",
                            path=str(path)) from exc
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError as exc:
        raise KeyStoreError(f"wrong passphrase for {path} (or not a PKCS#12 file)",
                            reason="wrong_passphrase", path=str(path)) from exc
    if key is None or cert is None:
        raise KeyStoreError(f"{path} holds no key and certificate pair", reason="key_corrupt",
                            path=str(path))
    return _checked_type(key, path), cert, list(extra)
