"""The signing session without windows: the prosecutor's certification with the officer key on
a PKCS#11 token (SoftHSM2), unlocked with its PIN: a wrong PIN signs nothing and says why, the
right one certifies with the token's key."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.settings import Settings
from app.ui.services import WorkstationServices
from app.ui.workstation.signing_session import OfficerUnlock, SigningSession
from crypto.pades_document import open_reader
from crypto.pkcs11 import (
    Pkcs11Error,
    TokenConfig,
    generate_key_on_token,
    store_certificate_on_token,
)
from crypto.pki import KeyLocation, Role
from records.signing import RecordState
from records.site import SiteNames, WorkingSite
from tests.app.ui.test_workstation_drafting import enrol
from tests.app.ui.workstation.signing_rig import PASSPHRASE, TEMPLATE, make_site
from tests.crypto.test_pkcs11 import PIN, token  # noqa: F401 - the SoftHSM2 token fixture


class Nowhere:
    """A station nobody signs at in this test (the certification needs none)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def show_record(self, *args: Any) -> None:
        raise AssertionError("not pushed in this test")


@pytest.fixture
def token_site(settings: Settings, token: TokenConfig) -> Iterator[WorkingSite]:  # noqa: F811
    make_site(settings)
    site = WorkingSite.open(settings.pki_path, PASSPHRASE.encode())
    public = generate_key_on_token(token, PIN, "officer-token")
    site.pki.issue_for_key(Role.OFFICER, "officer-token", public,
                           KeyLocation("pkcs11", token_label=token.token_label,
                                       key_label="officer-token"),
                           ca_passphrase=PASSPHRASE.encode(), common_name="李明")
    on_token = WorkingSite.open(settings.pki_path, PASSPHRASE.encode(),
                                names=SiteNames(officer="officer-token"))
    store_certificate_on_token(token, PIN, "officer-token",
                               on_token.certificate("officer-token", Role.OFFICER))
    yield on_token


def test_the_officer_key_on_a_token_certifies_with_its_pin(
        settings: Settings, services: WorkstationServices, token: TokenConfig,  # noqa: F811
        token_site: WorkingSite) -> None:
    template = services.templates[TEMPLATE]
    case_id = enrol(services, template, "zh")
    record = services.records.draft_record(case_id, TEMPLATE, template.example_values("zh"),
                                           language="zh").result()
    settings = dataclasses.replace(settings, pki=dataclasses.replace(
        settings.pki, pkcs11_module=token.module_path))

    def nowhere(name: str) -> Any:
        return lambda context: Nowhere(name)

    session = SigningSession.open(settings, services, PASSPHRASE.encode(), record.id,
                                  terminal=nowhere("terminal-1"), pad=nowhere("workstation-1"),
                                  site=token_site)
    try:
        assert session.officer_key_on_token()
        with pytest.raises(Pkcs11Error) as wrong:
            session.certify(OfficerUnlock.pin("000000"))
        assert wrong.value.reason == "wrong_pin"
        assert session.view().state is RecordState.DRAFT
        view = session.certify(OfficerUnlock.pin(PIN))
        assert view.head.signatories[0].state.value == "signed"
        pdf = services.blobs.read_bytes(view.current_pdf_sha256)
        (signature,) = open_reader(pdf).embedded_signatures
        assert signature.signer_cert.subject.native["common_name"] == "李明"
    finally:
        session.close()
    log = Path(settings.data_path / "capture" / record.id / "workstation-1.jsonl").read_text()
    assert "record.certified" in log
