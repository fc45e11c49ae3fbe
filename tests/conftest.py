"""Suite-wide set-up: offscreen Qt, an isolated data directory, the shared fixtures, leak checks."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

# Before anything can create a QApplication.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false")

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("INKSEAL_SHARED_DIR", REPO.parent / "shared"))


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data directory and no user settings file."""
    home = tmp_path_factory.mktemp("inkseal-home")
    for name in list(os.environ):
        if name.startswith("INKSEAL_") and name not in ("INKSEAL_SHARED_DIR", "INKSEAL_TEST_POSTGRES_URL"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("INKSEAL_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("INKSEAL_SETTINGS", str(home / "settings.toml"))
    return home


@pytest.fixture
def shared_fixtures() -> Path:
    """The recorded device data in ../shared/fixtures; skips cleanly where it is absent."""
    path = SHARED / "fixtures"
    if not path.is_dir():
        pytest.skip(f"shared fixtures not present at {path}")
    return path


@pytest.fixture(autouse=True)
def no_thread_left_behind():
    """Fail a test that leaves a thread of its own running (napari's rule)."""
    before = set(threading.enumerate())
    yield
    deadline_threads = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    for thread in deadline_threads:
        thread.join(timeout=2.0)
    leaked = [t for t in deadline_threads if t.is_alive() and not t.daemon]
    leaked_daemons = [t for t in deadline_threads if t.is_alive() and t.daemon
                      and not t.name.startswith(("asyncio_", "ThreadPoolExecutor", "QDBus"))]
    if leaked or leaked_daemons:
        names = ", ".join(t.name for t in leaked + leaked_daemons)
        pytest.fail(f"test left threads running: {names}")
