"""Fixtures for the transport tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.clock import SessionClock


@pytest.fixture
def hid_fixtures(shared_fixtures: Path) -> Path:
    return shared_fixtures / "hid"


@pytest.fixture
def clock() -> SessionClock:
    return SessionClock()
