"""Tools we did not write accept every sealed record: poppler's pdfsig, qpdf, OpenSSL (each
CMS over its byte range, each RFC 3161 token) and the pyHanko command line.

The signatures are located here with a plain byte search, not with pyHanko, so OpenSSL's
verdict does not lean on our PDF library.  poppler 22.x's chain check misreports chains with
an intermediate CA (it ignores the return value of CERT_PKIXVerifyCert), so pdfsig is asked
about the signatures only (``-nocert``); trust comes from OpenSSL and pyHanko.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from asn1crypto import cms, tsp
from cryptography.hazmat.primitives import serialization

from crypto.pki import Role
from tests.crypto.test_pades_world import identity, sealed_record, site

pytestmark = pytest.mark.external


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} not installed")
    return path


@dataclass(frozen=True)
class Extracted:
    """One signature found by byte search: the signed bytes and the container."""

    index: int
    signed_data: bytes
    container: bytes

    @property
    def info(self) -> cms.ContentInfo:
        return cms.ContentInfo.load(self.container, strict=False)

    @property
    def is_doc_timestamp(self) -> bool:
        return self.info["content"]["encap_content_info"]["content_type"].native == "tst_info"


def extract_signatures(pdf: bytes) -> list[Extracted]:
    found = []
    pattern = rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]"
    for i, m in enumerate(re.finditer(pattern, pdf)):
        a, b, c, d = (int(x) for x in m.groups())
        hex_text = pdf[a + b + 1:c - 1]
        raw = bytes.fromhex(hex_text.decode("ascii"))
        length = cms.ContentInfo.load(raw, strict=False).dump()
        found.append(Extracted(i, pdf[a:a + b] + pdf[c:c + d], raw[:len(length)]))
    return found


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("judges")
    (path / "sealed.pdf").write_bytes(sealed_record().sealed)
    pem = serialization.Encoding.PEM
    (path / "root.pem").write_bytes(site().root.public_bytes(pem))
    (path / "issuing.pem").write_bytes(site().intermediate.public_bytes(pem))
    return path


@cache
def signatures() -> list[Extracted]:
    return extract_signatures(sealed_record().sealed)


def test_byte_search_finds_four_signatures_and_one_document_timestamp() -> None:
    kinds = [s.is_doc_timestamp for s in signatures()]
    assert kinds == [False, False, False, False, True]


def test_pdfsig_finds_every_signature_valid(workdir: Path) -> None:
    pdfsig = need("pdfsig")
    done = subprocess.run([pdfsig, "-nocert", str(workdir / "sealed.pdf")],
                          capture_output=True, text=True, check=False)
    verdicts = re.findall(r"Signature Validation: (.*)", done.stdout)
    assert verdicts[:4] == ["Signature is Valid."] * 4, done.stdout
    assert "Total document signed" in done.stdout  # the document timestamp covers all


def test_qpdf_finds_no_structural_error(workdir: Path) -> None:
    qpdf = need("qpdf")
    done = subprocess.run([qpdf, "--check", str(workdir / "sealed.pdf")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No syntax or stream encoding errors found" in done.stdout


def test_openssl_verifies_each_cms_over_its_byte_range(workdir: Path) -> None:
    openssl = need("openssl")
    for sig in signatures():
        if sig.is_doc_timestamp:
            continue
        (workdir / f"sig{sig.index}.der").write_bytes(sig.container)
        (workdir / f"data{sig.index}.bin").write_bytes(sig.signed_data)
        done = subprocess.run(
            [openssl, "cms", "-verify", "-binary", "-inform", "DER",
             "-in", str(workdir / f"sig{sig.index}.der"),
             "-content", str(workdir / f"data{sig.index}.bin"),
             "-CAfile", str(workdir / "root.pem"), "-purpose", "any", "-out", "/dev/null"],
            capture_output=True, text=True, check=False)
        assert done.returncode == 0 and "Verification successful" in done.stderr, done.stderr


def test_openssl_rejects_a_cms_over_changed_bytes(workdir: Path) -> None:
    openssl = need("openssl")
    sig = signatures()[1]
    (workdir / "bad.der").write_bytes(sig.container)
    changed = bytearray(sig.signed_data)
    changed[len(changed) // 2] ^= 0x01
    (workdir / "bad.bin").write_bytes(bytes(changed))
    done = subprocess.run(
        [openssl, "cms", "-verify", "-binary", "-inform", "DER", "-in", str(workdir / "bad.der"),
         "-content", str(workdir / "bad.bin"), "-CAfile", str(workdir / "root.pem"),
         "-purpose", "any", "-out", "/dev/null"], capture_output=True, text=True, check=False)
    assert done.returncode != 0


def _ts_verify(openssl: str, workdir: Path, name: str, data: bytes, token: bytes) -> None:
    (workdir / f"{name}.data").write_bytes(data)
    (workdir / f"{name}.tst").write_bytes(token)
    done = subprocess.run(
        [openssl, "ts", "-verify", "-data", str(workdir / f"{name}.data"), "-in",
         str(workdir / f"{name}.tst"), "-token_in", "-CAfile", str(workdir / "root.pem"),
         "-untrusted", str(workdir / "issuing.pem")],
        capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "Verification: OK" in done.stdout, done.stdout + done.stderr


def test_openssl_verifies_every_timestamp_token(workdir: Path) -> None:
    openssl = need("openssl")
    for sig in signatures():
        if sig.is_doc_timestamp:
            _ts_verify(openssl, workdir, "doc", sig.signed_data, sig.container)
            continue
        signer = sig.info["content"]["signer_infos"][0]
        tokens = [a["values"][0] for a in signer["unsigned_attrs"]
                  if a["type"].native == "signature_time_stamp_token"]
        assert len(tokens) == 1, f"signature {sig.index} lacks its timestamp"
        token = tokens[0]
        tst = token["content"]["encap_content_info"]["content"].parsed
        assert isinstance(tst, tsp.TSTInfo)
        _ts_verify(openssl, workdir, f"sig{sig.index}", signer["signature"].native, token.dump())


def test_pyhanko_cli_validates_every_signature(workdir: Path) -> None:
    cli = Path(shutil.which("pyhanko") or Path(__import__("sys").executable).parent / "pyhanko")
    if not cli.exists():
        pytest.skip("pyhanko-cli not installed")
    done = subprocess.run([str(cli), "sign", "validate", "--trust", str(workdir / "root.pem"),
                           "--trust-replace", "--no-revocation-check",
                           str(workdir / "sealed.pdf")],
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert len(lines) == 4 and all("INTACT:TRUSTED" in line for line in lines)
    assert all("ACCEPTABLE_MODIFICATIONS" in line or "UNTOUCHED" in line for line in lines)


def test_archive_certificate_is_usable_by_openssl_for_evidence(workdir: Path) -> None:
    # The archive key decrypts what the signatures carry (see test_evidence for the files).
    openssl = need("openssl")
    cert = identity("archive", Role.ARCHIVE).certificate
    (workdir / "archive.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    done = subprocess.run([openssl, "verify", "-CAfile", str(workdir / "root.pem"), "-untrusted",
                           str(workdir / "issuing.pem"), str(workdir / "archive.pem")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
