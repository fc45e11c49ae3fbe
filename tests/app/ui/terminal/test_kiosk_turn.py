"""The kiosk's main path: a signatory reads every page, signs on the (simulated) USB pad with
the ink echoed on screen, confirms, presses the fingerprint, and the turn is signed; or
refuses with a reason."""

from __future__ import annotations

from typing import Any

from tests.app.ui.terminal.conftest import Kiosk


def read_every_page(kiosk: Kiosk, qtbot: Any) -> None:
    panel = kiosk.window.panel
    qtbot.waitUntil(lambda: panel.screen == "reading", timeout=10_000)
    reading = panel.reading
    assert not reading.sign_button.isEnabled()
    while reading.next_button.isEnabled():
        reading.next_button.click()
    qtbot.waitUntil(lambda: reading.sign_button.isEnabled(), timeout=5_000)


def wait_for_pen(kiosk: Kiosk, qtbot: Any, idle_ms: int = 400) -> int:
    """Until the simulated pad has finished its take (the count stops growing)."""
    last = [-1]

    def idle() -> bool:
        count = kiosk.station.pen_sample_count()
        settled = count == last[0] and count > 0
        last[0] = count
        return settled

    qtbot.waitUntil(lambda: kiosk.station.pen_sample_count() > 0, timeout=15_000)
    while not idle():
        qtbot.wait(idle_ms)
    qtbot.waitUntil(lambda: kiosk.window.panel.signing.surface.samples == last[0],
                    timeout=5_000)
    return last[0]


def test_a_turn_signed_at_the_kiosk(make_kiosk: Any, qtbot: Any) -> None:
    kiosk = make_kiosk()
    panel = kiosk.window.panel
    turn = kiosk.run_turn()
    read_every_page(kiosk, qtbot)
    panel.reading.sign_button.click()
    qtbot.waitUntil(lambda: panel.screen == "signing" and panel.pad is not None,
                    timeout=10_000)
    assert "SIMULATED" in panel.signing.input_mode.text()
    wait_for_pen(kiosk, qtbot)
    surface = panel.signing.surface
    # Every sample the station captured was echoed on the screen, none twice.
    assert surface.samples == kiosk.station.pen_sample_count() > 50
    assert surface.stroke_count >= 1
    assert panel.signing.confirm_button.isEnabled()
    panel.signing.confirm_button.click()
    qtbot.waitUntil(lambda: panel.screen == "fingerprint", timeout=10_000)
    qtbot.waitUntil(lambda: panel.fingerprint.continue_button.isEnabled(), timeout=15_000)
    assert panel.fingerprint.meter.verdict in ("good", "acceptable")
    panel.fingerprint.continue_button.click()  # no camera at this station: signs at once
    qtbot.waitUntil(lambda: panel.screen == "done", timeout=30_000)
    turn.join()
    assert turn.error == [] and turn.outcome[0].signed
    kinds = [e.kind for e in kiosk.entries()]
    for kind in ("turn.begin", "page.view", "device.pad", "pen.batch", "pen.accepted",
                 "fingerprint.captured", "turn.signed"):
        assert kind in kinds, kind
    assert [e.data["page"] for e in kiosk.of("page.view")][:3] == [1, 2, 3]
