"""The sealed record the session, package, verifier and tamper tests share: the full headless
demo run once per test process (site, two stations, real device drivers on simulated
devices, seal, package), plus a small site for station tests.

Tests never change what they get from here: they copy a package before tampering with it.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import zipfile
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import rsa

from crypto.pades_timestamps import InProcessTimestampSource
from crypto.pki import Role, utc_now
from records.demo import DemoResult, run_headless_demo
from records.site import WorkingSite

PASSPHRASE = b"station test passphrase"


def scratch(prefix: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, True)
    return path


@cache
def demo() -> DemoResult:
    """The full demo (pen replayed at once, real A/V on the synthetic sources)."""
    messages: list[str] = []
    result = run_headless_demo(scratch("inkseal-session-world-") / "out",
                               progress=messages.append, pen_speed=None)
    assert result.ok, (result.errors, result.report and
                       [c.message for c in result.report.failures()])
    object.__setattr__(result, "messages", messages)
    return result


def demo_site() -> WorkingSite:
    result = demo()
    assert result.data_dir is not None and result.passphrase_file is not None
    passphrase = result.passphrase_file.read_text(encoding="ascii").strip().encode()
    return WorkingSite.open(result.data_dir / "pki", passphrase)


@cache
def archive_key() -> rsa.RSAPrivateKey:
    return demo_site().archive_key()


def package() -> Path:
    result = demo()
    assert result.package is not None
    return result.package


def unpacked(into: Path) -> Path:
    """A directory copy of the package (the bag's top directory)."""
    with zipfile.ZipFile(package()) as zf:
        zf.extractall(into)
    (top,) = [p for p in into.iterdir() if p.is_dir()]
    return top


@cache
def small_site() -> WorkingSite:
    """A fresh site with fast key derivation, for station tests."""
    return WorkingSite.open(scratch("inkseal-station-site-") / "pki", PASSPHRASE,
                            create="测试检察院", officer_names=("李明",), kdf_iterations=1000)


def in_process_timestamps(site: WorkingSite) -> InProcessTimestampSource:
    tsa = site.identity(site.names.tsa, Role.TSA)
    assert tsa.private_key is not None
    return InProcessTimestampSource(tsa.certificate, tsa.private_key, tsa.chain, utc_now)


# ---------------------------------------------------------------------- the world is sound
def test_the_demo_world_is_a_verified_sealed_package() -> None:
    result = demo()
    assert result.report.ok and result.report.trusted and result.package.exists()
    assert result.report.archive_key
