"""Errors of the site PKI."""

from __future__ import annotations

from crypto.errors import CryptoError

__all__ = ["CertificateRejected", "PkiError"]


class PkiError(CryptoError):
    """The PKI directory or an entry in it cannot be used.

    ``reason``: ``pki_missing``, ``pki_exists``, ``pki_corrupt``, ``entry_missing``,
    ``entry_exists``, ``ca_key_missing``, ``bad_name``, ``bad_kind``, ``import_rejected``;
    ``path`` names the file or directory, ``name`` the entry.
    """

    def __init__(self, message: str, *, reason: str, path: str | None = None,
                 name: str | None = None) -> None:
        super().__init__(message, reason=reason)
        self.path = path
        self.name = name


class CertificateRejected(PkiError):
    """A certificate cannot be used for what is asked: ``cert_expired``,
    ``cert_not_yet_valid``, ``cert_untrusted``, ``cert_revoked``, ``wrong_role``,
    ``key_mismatch``; ``subject`` is the certificate's subject."""

    def __init__(self, message: str, *, reason: str, subject: str = "",
                 path: str | None = None) -> None:
        super().__init__(message, reason=reason, path=path)
        self.subject = subject
