"""Officer and seal keys on a real SoftHSM2 token: generated or imported, certified by the
site CA, used to sign a record through pyHanko's PKCS#11 signer."""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature

from crypto.pades import certify, seal
from crypto.pkcs11 import (
    Pkcs11Error,
    TokenConfig,
    generate_key_on_token,
    import_key_to_token,
    store_certificate_on_token,
    token_signing_key,
)
from crypto.pki import KeyLocation, Role, SitePki
from crypto.verify_pdf import verify_record_pdf
from tests.crypto.test_pades_world import (
    CERTIFICATION,
    CHECKPOINT,
    FAST_KDF,
    INSTITUTION,
    SEAL_FIELD,
    expectations,
    font_path,
    record_pdf,
    sealed_record,
    stamp,
    timestamps,
    validation,
)

MODULES = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
           "/usr/local/lib/softhsm/libsofthsm2.so")
PIN, SO_PIN = "246810", "13579111"
LABEL = "inkseal-officers"


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TokenConfig]:
    util = shutil.which("softhsm2-util")
    module = next((m for m in MODULES if os.path.exists(m)), None)
    if util is None or module is None:
        pytest.skip("softhsm2 not installed (tools/system-deps --test installs it)")
    home = tmp_path_factory.mktemp("softhsm")
    (home / "tokens").mkdir()
    conf = home / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {home / 'tokens'}\nobjectstore.backend = file\n"
                    "log.level = ERROR\n")
    # SoftHSM reads this once, when the module is first initialised in the process.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOFTHSM2_CONF", str(conf))
        subprocess.run([util, "--init-token", "--free", "--label", LABEL, "--so-pin", SO_PIN,
                        "--pin", PIN], check=True, capture_output=True,
                       env={**os.environ, "SOFTHSM2_CONF": str(conf)})
        yield TokenConfig(module, LABEL)


@pytest.fixture(scope="module")
def token_site(tmp_path_factory: pytest.TempPathFactory) -> SitePki:
    return SitePki.create(tmp_path_factory.mktemp("pki") / "pki", b"pw", site_name=INSTITUTION,
                          kdf_iterations=FAST_KDF)


def _certify_with(key) -> bytes:  # type: ignore[no-untyped-def]
    return certify(record_pdf(), field=CERTIFICATION, key=key, signer_name="李检察官",
                   timestamps=timestamps(), stamp=stamp("李检察官", "检察官", ink=False))


def _status(pdf: bytes, site: SitePki):  # type: ignore[no-untyped-def]
    from crypto.pades_dss import ValidationMaterial

    context = ValidationMaterial((site.root, validation().trust_roots[0]),
                                 crls=site.crls()).validation_context(revocation_mode="soft-fail")
    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    return asyncio.run(async_validate_pdf_signature(sig, signer_validation_context=context,
                                                    ts_validation_context=context))


def test_key_generated_on_the_token_signs_a_record(token: TokenConfig,
                                                   token_site: SitePki) -> None:
    public = generate_key_on_token(token, PIN, "officer-hsm")
    entry = token_site.issue_for_key(Role.OFFICER, "officer-hsm", public,
                                     KeyLocation("pkcs11", token_label=token.token_label,
                                                 key_label="officer-hsm"),
                                     ca_passphrase=b"pw", common_name="李检察官")
    ident = token_site.load_identity("officer-hsm", Role.OFFICER, None)
    assert ident.private_key is None and ident.key_file is None
    store_certificate_on_token(token, PIN, "officer-hsm", ident.certificate)
    with token_signing_key(token, PIN, "officer-hsm", ident.certificate, ident.chain) as key:
        pdf = _certify_with(key)
    status = _status(pdf, token_site)
    assert status.bottom_line, status.pretty_print_details()
    assert status.signing_cert.serial_number == entry.serial
    assert SitePki.open(token_site.directory).find("officer-hsm").key.kind == "pkcs11"


def test_imported_seal_key_seals_a_record_that_verifies(token: TokenConfig,
                                                        token_site: SitePki) -> None:
    software = ec.generate_private_key(ec.SECP256R1())
    import_key_to_token(token, PIN, "seal-hsm", software)
    token_site.issue_for_key(Role.SEAL, "seal-hsm", software.public_key(),
                             KeyLocation("pkcs11", token_label=token.token_label,
                                         key_label="seal-hsm"), ca_passphrase=b"pw")
    del software  # from here on the key lives only on the token
    ident = token_site.load_identity("seal-hsm", Role.SEAL, None)
    with token_signing_key(token, PIN, "seal-hsm", ident.certificate, ident.chain) as key:
        sealed = seal(sealed_record().signed, field=SEAL_FIELD, key=key,
                      checkpoints=[CHECKPOINT], timestamps=timestamps(),
                      validation=_both_sites(token_site), seal_name=INSTITUTION,
                      font_path=font_path())
    report = verify_record_pdf(sealed, expected=expectations(sealed_record().record_sha256),
                               trust=_both_sites(token_site))
    assert report.ok, [c.message for c in report.failures()]


def _both_sites(token_site: SitePki):  # type: ignore[no-untyped-def]
    from crypto.pades_dss import ValidationMaterial

    world = validation()
    return ValidationMaterial((*world.trust_roots, token_site.root),
                              (*world.other_certs, token_site.intermediate),
                              (*world.crls, *token_site.crls()))


def test_token_refusals_are_typed(token: TokenConfig) -> None:
    with pytest.raises(Pkcs11Error) as err:
        with token_signing_key(token, "000000", "officer-hsm", None, ()):  # type: ignore[arg-type]
            pass
    assert err.value.reason == "wrong_pin"
    with pytest.raises(Pkcs11Error) as err:
        with token_signing_key(TokenConfig(token.module_path, "no-such-token"), PIN, "x",
                               None, ()):  # type: ignore[arg-type]
            pass
    assert err.value.reason == "token_missing"
    with pytest.raises(Pkcs11Error) as err:
        with token_signing_key(token, PIN, "never-made", None, ()):  # type: ignore[arg-type]
            pass
    assert err.value.reason == "key_missing"
    generate_key_on_token(token, PIN, "dup")
    with pytest.raises(Pkcs11Error) as err:
        generate_key_on_token(token, PIN, "dup")
    assert err.value.reason == "key_exists"
    with pytest.raises(Pkcs11Error) as err:
        generate_key_on_token(TokenConfig("/nonexistent/libp11.so", LABEL), PIN, "x")
    assert err.value.reason == "module_missing"


def test_token_key_cannot_be_read_out(token: TokenConfig) -> None:
    import pkcs11
    from pkcs11 import Attribute, ObjectClass

    generate_key_on_token(token, PIN, "sealed-away")
    lib = pkcs11.lib(token.module_path)
    with lib.get_token(token_label=token.token_label).open(user_pin=PIN) as session:
        key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label="sealed-away")
        assert key[Attribute.SENSITIVE] and not key[Attribute.EXTRACTABLE]
        with pytest.raises(pkcs11.exceptions.PKCS11Error):
            key[Attribute.VALUE]  # noqa: B018 - reading must fail
