"""The verifier's world: one real sealed package (the headless demo, built once per test
session: pen, fingerprint, camera and microphone simulated, everything else real), the
trust root and archive key that go with it, and windows opened on it."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.settings import Settings, load_settings
from app.ui.verifier import VerifierWindow
from app.ui.verifier.contents import VerifiedPackage, open_verified
from app.ui.verifier.options import VerificationOptions, load_options


@dataclass(frozen=True)
class Demo:
    """A sealed package and what an archivist holds to verify it."""

    package: Path
    trust_root: Path
    archive_key: Path
    passphrase: bytes
    pdf: Path


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    from records.demo import run_headless_demo

    out = tmp_path_factory.mktemp("verifier-demo")
    result = run_headless_demo(out, language="zh", progress=lambda _text: None)
    assert result.ok, result.errors
    assert result.package and result.trust_root and result.archive_key
    assert result.passphrase_file
    pdf = out / "record.pdf"
    with zipfile.ZipFile(result.package) as archive:
        member = next(n for n in archive.namelist() if n.endswith("/data/record.pdf"))
        pdf.write_bytes(archive.read(member))
    return Demo(result.package, result.trust_root, result.archive_key,
                result.passphrase_file.read_bytes().strip(), pdf)


@pytest.fixture(scope="session")
def options(demo: Demo) -> VerificationOptions:
    return load_options([demo.trust_root], demo.archive_key, demo.passphrase)


@pytest.fixture(scope="session")
def verified(demo: Demo, options: VerificationOptions) -> VerifiedPackage:
    """The demo package verified with its trust root and the archive key."""
    return open_verified(demo.package, trust=options.roots, archive_key=options.archive_key)


@pytest.fixture(scope="session")
def verified_without_key(demo: Demo) -> VerifiedPackage:
    return open_verified(demo.package)


@pytest.fixture
def verifier_settings(isolated_settings: Path) -> Settings:
    return load_settings()


def wait_verified(qtbot: Any, window: VerifierWindow, timeout: int = 60_000) -> None:
    qtbot.waitUntil(lambda: window.package is not None and window.op_runner.idle()
                    and window.bridge.pending == 0, timeout=timeout)


@pytest.fixture
def window(qtbot: Any, ui_app: Any, verifier_settings: Settings, demo: Demo,
           options: VerificationOptions) -> Iterator[VerifierWindow]:
    """A verifier window on the demo package, with trust root and archive key, verified."""
    shown = VerifierWindow(verifier_settings)
    qtbot.addWidget(shown)
    shown.options = options
    shown.show()
    qtbot.waitExposed(shown)
    shown.open_path(demo.package)
    wait_verified(qtbot, shown)
    yield shown
    shown.close()
