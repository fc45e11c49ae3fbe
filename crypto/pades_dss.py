"""Validation material (trust roots, CA certificates, CRLs) and the DSS update before the seal.

Everything is offline by default: revocation data comes from the CRLs given (the site CA
publishes them), and nothing is fetched unless ``fetch`` is asked for.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from asn1crypto import crl as asn1_crl
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.validation.dss import DocumentSecurityStore, collect_validation_info
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

from crypto.errors import CryptoError
from crypto.pades_document import open_reader
from crypto.pades_signers import to_asn1

__all__ = ["ValidationDataError", "ValidationMaterial", "add_validation_data"]


class ValidationDataError(CryptoError):
    """Validation data for a signature cannot be gathered (``chain_invalid``)."""

    def __init__(self, message: str, *, reason: str, field: str | None = None) -> None:
        super().__init__(message, reason=reason)
        self.field = field


@dataclass(frozen=True)
class ValidationMaterial:
    """What a validator may use: trust roots, other CA certificates, revocation lists."""

    trust_roots: tuple[x509.Certificate, ...]
    other_certs: tuple[x509.Certificate, ...] = ()
    crls: tuple[x509.CertificateRevocationList, ...] = field(default=(), repr=False)
    require_revocation: bool = True
    """Signing: demand revocation data for every certificate (so B-LT is complete)."""

    def validation_context(self, *, at: datetime | None = None, fetch: bool = False,
                           extra_crls: Sequence[asn1_crl.CertificateList] = (),
                           extra_ocsps: Sequence[object] = (),
                           extra_certs: Sequence[object] = (),
                           revocation_mode: str | None = None) -> ValidationContext:
        """A pyHanko validation context; offline unless ``fetch``."""
        crls = [asn1_crl.CertificateList.load(c.public_bytes(serialization.Encoding.DER))
                for c in self.crls]
        mode = revocation_mode or ("require" if self.require_revocation else "soft-fail")
        return ValidationContext(
            trust_roots=[to_asn1(c) for c in self.trust_roots],
            other_certs=[*(to_asn1(c) for c in self.other_certs), *extra_certs],
            crls=[*crls, *extra_crls], ocsps=list(extra_ocsps), allow_fetching=fetch,
            revocation_mode=mode, moment=at, retroactive_revinfo=True)


async def add_validation_data(pdf: bytes, context: ValidationContext) -> bytes:
    """One incremental update adding a DSS (certificates, CRLs, VRI) for every signature."""
    reader = open_reader(pdf)
    signatures = reader.embedded_signatures
    if not signatures:
        return pdf
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    for sig in signatures:
        try:
            paths = await collect_validation_info(sig, context)
        except (PathBuildingError, PathValidationError) as exc:
            raise ValidationDataError(f"{sig.field_name}: {exc}", reason="chain_invalid",
                                      field=sig.field_name) from exc
        DocumentSecurityStore.supply_dss_in_writer(writer, None, paths=paths,
                                                   validation_context=context)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
