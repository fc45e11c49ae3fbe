"""Fixtures: a simulated module on a real pty, and readers opened on it through pyserial."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from devices.fingerprint.emulation import FingerPlan, ModuleSettings
from devices.fingerprint.reader import R30xReader
from devices.fingerprint.simulator import ModuleSimulator

# Response timeouts for tests. The simulator answers at once, except that a new press takes
# it 0.1-0.3 s to draw (longer on a loaded machine), as a real module takes to scan.
PATIENT = 1.5
FAST = 0.3  # for tests that expect silence


@pytest.fixture
def make_simulator() -> Iterator[Callable[..., ModuleSimulator]]:
    """Start simulators with any settings; all are stopped at the end of the test."""
    started: list[ModuleSimulator] = []

    def make(*, finger: FingerPlan | None = None, **settings: object) -> ModuleSimulator:
        simulator = ModuleSimulator(settings=ModuleSettings(**settings),  # type: ignore[arg-type]
                                    finger=finger or FingerPlan(arrive_after_s=0.0))
        started.append(simulator.start())
        return simulator

    yield make
    for simulator in started:
        simulator.stop()


@pytest.fixture
def simulator(make_simulator: Callable[..., ModuleSimulator]) -> ModuleSimulator:
    """A default module (password 0, 57600 baud, 128-byte packets), finger already on."""
    return make_simulator()


@pytest.fixture
def make_reader() -> Iterator[Callable[..., R30xReader]]:
    """Readers on a port path, through pyserial; all are closed at the end of the test."""
    opened: list[R30xReader] = []

    def make(port: str, *, open_it: bool = True, **options: object) -> R30xReader:
        options.setdefault("response_timeout_s", PATIENT)
        reader = R30xReader(port, **options)  # type: ignore[arg-type]
        opened.append(reader)
        if open_it:
            reader.open()
        return reader

    yield make
    for reader in opened:
        reader.close()
