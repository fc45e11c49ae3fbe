"""The one-folder PyInstaller bundle: built from build.spec, it carries its resources, leaves
unused Qt out, runs the headless demo end to end, and opens the verifier window on the
package the demo made (offscreen, quitting once the report is on screen)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.slow, pytest.mark.external]


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed (pip install -e '.[bundle]')")
    out = tmp_path_factory.mktemp("bundle")
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(out / "dist"), "--workpath", str(out / "build"),
         str(REPO / "build.spec")],
        cwd=REPO, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    folder = out / "dist" / "inkseal"
    print(f"bundle built in {time.monotonic() - started:.0f} s, "
          f"{_size(folder) / 2**20:.0f} MiB")
    return folder


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INKSEAL_")}
    env.update(INKSEAL_DATA_DIR=str(home / "data"), INKSEAL_SETTINGS=str(home / "s.toml"),
               QT_QPA_PLATFORM="offscreen")
    return env


def test_the_bundle_carries_what_it_needs_and_nothing_of_unused_qt(bundle: Path) -> None:
    inside = bundle / "_internal"
    for needed in ("resources/templates/interrogation_transcript.toml",
                   "resources/fonts/InksealSans-Regular.ttf.xz",
                   "resources/translations/inkseal_zh_CN.qm",
                   "resources/devices/stu-pen-log.csv", "records/migrations/env.py",
                   "PySide6/Qt/plugins/platforms/libqoffscreen.so",
                   "PySide6/Qt/plugins/platforms/libqxcb.so",
                   "PySide6/Qt/plugins/tls/libqopensslbackend.so",
                   "PySide6/Qt/lib/libQt6Pdf.so.6"):
        assert (inside / needed).exists(), needed
    assert list((inside / "records" / "migrations" / "versions").glob("*.py"))
    names = {p.name for p in inside.rglob("*")}
    for unused in ("libQt6Qml.so.6", "libQt6Quick.so.6", "libQt6WebEngineCore.so.6",
                   "libQt6VirtualKeyboard.so.6", "libQt6Multimedia.so.6", "libqeglfs.so"):
        assert unused not in names, unused


def test_the_bundle_runs_the_demo_and_the_verifier(bundle: Path, tmp_path: Path) -> None:
    program = bundle / "inkseal"
    out = tmp_path / "demo"
    demo = subprocess.run([str(program), "demo", "--headless", "--out", str(out)],
                          env=_env(tmp_path), capture_output=True, text=True, timeout=600,
                          check=False)
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    assert "demo passed" in demo.stdout
    package = next(out.glob("record-*.zip"))
    data = out / "data"
    probe = subprocess.run(
        [str(program), "verify", "--gui", str(package), "--trust",
         str(data / "pki" / "ca" / "root-ca.cert.pem"), "--archive-key",
         str(data / "pki" / "certs" / "archive" / "archive.key.pem"), "--passphrase-file",
         str(data / "DEMO-ONLY-site-passphrase.txt")],
        env={**_env(tmp_path), "INKSEAL_STARTUP_PROBE": "1"}, capture_output=True,
        text=True, timeout=300, check=False)
    assert probe.returncode == 0, probe.stdout[-3000:] + probe.stderr[-3000:]
    assert "startup-probe ready" in probe.stdout
    # The long-term step an archivist takes works from the bundle too.
    renewed = tmp_path / "renewed.zip"
    renew = subprocess.run(
        [str(program), "--set", f"pki.dir={data / 'pki'}", "archive", "renew", str(package),
         "--out", str(renewed), "--passphrase-file",
         str(data / "DEMO-ONLY-site-passphrase.txt")],
        env=_env(tmp_path), capture_output=True, text=True, timeout=600, check=False)
    assert renew.returncode == 0, renew.stdout[-3000:] + renew.stderr[-3000:]
    assert renewed.is_file()


def test_every_command_answers_help_from_the_bundle(bundle: Path, tmp_path: Path) -> None:
    from app.cli import COMMANDS

    for name in COMMANDS:
        done = subprocess.run([str(bundle / "inkseal"), name, "--help"], env=_env(tmp_path),
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0 and "usage: inkseal" in done.stdout, (name, done.stderr)
