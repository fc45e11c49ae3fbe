"""Writing on the screen itself: a pen display or tablet the OS drives (QTabletEvent with
pressure and tilt) and, in simulated mode only, the mouse — each sample reaches the station's
capture log with its pressure, and the input is named there and on screen."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QInputDevice, QPointingDevice, QPointingDeviceUniqueId, QTabletEvent
from PySide6.QtWidgets import QApplication

from app.ui.terminal.os_pen import PRESSURE_LEVELS
from app.ui.widgets.pen_surface import MOUSE_PRESSURE, SurfaceInput
from records.session_types import StationEventKind
from tests.app.ui.terminal.conftest import Kiosk
from tests.app.ui.terminal.test_kiosk_turn import read_every_page

PEN = QPointingDevice("Test Pen Display", 4242, QInputDevice.DeviceType.Stylus,
                      QPointingDevice.PointerType.Pen,
                      QInputDevice.Capability.Position | QInputDevice.Capability.Pressure
                      | QInputDevice.Capability.XTilt | QInputDevice.Capability.YTilt,
                      1, 3, "", QPointingDeviceUniqueId.fromNumericId(77))

# (event, x, y, pressure, x tilt, y tilt): one stroke, pressure rising then falling.
STROKE = [(QEvent.Type.TabletPress, 60.0, 80.0, 0.20, 10.0, -5.0),
          (QEvent.Type.TabletMove, 90.5, 85.0, 0.45, 12.0, -6.0),
          (QEvent.Type.TabletMove, 130.0, 95.25, 0.80, 15.0, -8.0),
          (QEvent.Type.TabletMove, 170.0, 90.0, 0.55, 14.0, -7.0),
          (QEvent.Type.TabletRelease, 171.0, 90.0, 0.0, 14.0, -7.0)]


def tablet(widget: Any, kind: QEvent.Type, x: float, y: float, pressure: float,
           tilt_x: float, tilt_y: float, ms: int) -> None:
    down = kind != QEvent.Type.TabletRelease
    buttons = Qt.MouseButton.LeftButton if down else Qt.MouseButton.NoButton
    event = QTabletEvent(kind, PEN, QPointF(x, y), widget.mapToGlobal(QPointF(x, y)), pressure,
                         tilt_x, tilt_y, 0.0, 0.0, 0.0, Qt.KeyboardModifier.NoModifier,
                         Qt.MouseButton.LeftButton, buttons)
    event.setTimestamp(ms)
    QApplication.sendEvent(widget, event)


def ink_rows(events: list[Any]) -> list[list[Any]]:
    """The rows the station's pen capture batched, as its ink events carried them."""
    return [row for e in events if e.kind is StationEventKind.INK for row in e.data["rows"]]


def logged_batches(kiosk: Kiosk) -> list[tuple[int, bool]]:
    """(samples, touching) of each ``pen.batch`` entry (rows in clear, or the commitment's
    facts)."""
    batches = []
    for entry in kiosk.of("pen.batch"):
        data = entry.data
        if "rows" in data:
            batches.append((len(data["rows"]), bool(data["rows"][0][4])))
        else:
            assert len(data["commit"]) == 64
            batches.append((int(data["count"]), bool(data["touching"])))
    return batches


def batched(rows: list[list[Any]]) -> list[tuple[int, bool]]:
    """The same, from the rows: a new batch wherever the pen goes down or up."""
    out: list[tuple[int, bool]] = []
    for row in rows:
        touching = bool(row[4])
        if out and out[-1][1] == touching:
            out[-1] = (out[-1][0] + 1, touching)
        else:
            out.append((1, touching))
    return out


def choose(kiosk: Kiosk, source: SurfaceInput | None) -> None:
    box = kiosk.window.input_box
    box.setCurrentIndex(box.findData(source.value if source else ""))
    assert kiosk.window.input_source() is source


def open_surface(kiosk: Kiosk, qtbot: Any) -> Any:
    panel = kiosk.window.panel
    read_every_page(kiosk, qtbot)
    panel.reading.sign_button.click()
    qtbot.waitUntil(lambda: panel.signing.surface.capturing and panel.pad is not None,
                    timeout=10_000)
    return panel.signing.surface


def refuse_to_end(kiosk: Kiosk, qtbot: Any, reason: str = "test over") -> None:
    kiosk.window.panel.refuse(reason)
    qtbot.waitUntil(lambda: kiosk.window.panel.screen == "done", timeout=15_000)


def test_a_pen_on_the_screen_writes_with_pressure_and_tilt(make_kiosk: Any, qtbot: Any) -> None:
    kiosk = make_kiosk()
    events: list[Any] = []
    kiosk.station.subscribe(events.append)
    choose(kiosk, SurfaceInput.TABLET)
    turn = kiosk.run_turn()
    surface = open_surface(kiosk, qtbot)
    assert "pen on this screen" in kiosk.window.panel.signing.input_mode.text()
    for ms, (kind, x, y, pressure, tx, ty) in enumerate(STROKE, start=5000):
        tablet(surface, kind, x, y, pressure, tx, ty, ms * 5)
    qtbot.waitUntil(lambda: surface.samples == len(STROKE), timeout=5_000)
    assert surface.stroke_count == 1
    kiosk.window.panel.confirm_signature()
    qtbot.waitUntil(lambda: kiosk.window.panel.screen == "fingerprint", timeout=10_000)
    refuse_to_end(kiosk, qtbot)
    turn.join()

    (pad,) = kiosk.of("device.pad")
    assert pad.data["details"]["source"] == "os-tablet"
    assert pad.data["simulated"] is False and pad.data["name"].startswith("OS tablet")
    rows = ink_rows(events)
    assert len(rows) == len(STROKE)
    assert logged_batches(kiosk) == batched(rows) == [(4, True), (1, False)]
    # [t_us, x, y, pressure, touching, tilt_x, tilt_y, device_time, sequence]
    assert [r[3] for r in rows] == [round(p * (PRESSURE_LEVELS - 1)) if k != QEvent.Type
                                    .TabletRelease else 0 for k, _x, _y, p, _a, _b in STROKE]
    assert [r[4] for r in rows] == [1, 1, 1, 1, 0]
    assert [(r[5], r[6]) for r in rows] == [(round(a), round(b)) for *_r, a, b in STROKE]
    assert [r[7] for r in rows] == [ms * 5 for ms in range(5000, 5000 + len(STROKE))]
    xs = [r[1] for r in rows]
    assert xs == sorted(xs) and xs[0] < xs[-1]  # left to right, in surface units
    accepted = kiosk.of("pen.accepted")[0]
    assert accepted.data["strokes"] == 1 and accepted.data["samples"] == len(STROKE)
    assert kiosk.of("turn.refused")[0].data["reason"] == "test over"


def test_the_mouse_writes_in_simulated_mode_and_says_so(make_kiosk: Any, qtbot: Any) -> None:
    kiosk = make_kiosk(simulated=True)
    events: list[Any] = []
    kiosk.station.subscribe(events.append)
    choose(kiosk, SurfaceInput.MOUSE)
    turn = kiosk.run_turn()
    surface = open_surface(kiosk, qtbot)
    assert "mouse" in kiosk.window.panel.signing.input_mode.text()
    qtbot.mousePress(surface, Qt.MouseButton.LeftButton, pos=QPoint(50, 60))
    for x in range(60, 200, 20):
        qtbot.mouseMove(surface, QPoint(x, 60 + x // 4))
    qtbot.mouseRelease(surface, Qt.MouseButton.LeftButton, pos=QPoint(200, 110))
    qtbot.waitUntil(lambda: surface.stroke_count == 1, timeout=5_000)
    kiosk.window.panel.confirm_signature()
    qtbot.waitUntil(lambda: kiosk.window.panel.screen == "fingerprint", timeout=10_000)
    refuse_to_end(kiosk, qtbot)
    turn.join()
    (pad,) = kiosk.of("device.pad")
    assert pad.data["simulated"] is True and pad.data["details"]["source"] == "mouse"
    rows = ink_rows(events)
    assert logged_batches(kiosk) == batched(rows)
    touching = [r for r in rows if r[4] == 1]
    assert len(touching) >= 5
    assert {r[3] for r in touching} == {round(MOUSE_PRESSURE * (PRESSURE_LEVELS - 1))}
    assert rows[-1][4] == 0 and rows[-1][3] == 0
    assert all(r[5] is None for r in rows)  # a mouse has no tilt
    assert kiosk.of("turn.refused")


def test_without_simulation_the_mouse_does_not_write(make_kiosk: Any, qtbot: Any) -> None:
    kiosk = make_kiosk(simulated=False)
    box = kiosk.window.input_box
    assert box.findData(SurfaceInput.MOUSE.value) == -1
    assert not kiosk.window.simulated_band.isVisible()
    choose(kiosk, SurfaceInput.TABLET)
    turn = kiosk.run_turn()
    surface = open_surface(kiosk, qtbot)
    qtbot.mousePress(surface, Qt.MouseButton.LeftButton, pos=QPoint(50, 60))
    qtbot.mouseMove(surface, QPoint(120, 80))
    qtbot.mouseRelease(surface, Qt.MouseButton.LeftButton, pos=QPoint(120, 80))
    qtbot.wait(100)
    assert surface.samples == 0 and surface.ignored_mouse >= 2
    assert not kiosk.window.panel.signing.confirm_button.isEnabled()
    refuse_to_end(kiosk, qtbot)
    turn.join()
    assert kiosk.of("pen.batch") == []


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_input_is_named_in_both_languages(make_kiosk: Any, qtbot: Any,
                                              language: str) -> None:
    from app.ui.i18n import Localization

    kiosk = make_kiosk()
    Localization.of().set_language(language)
    box = kiosk.window.input_box

    def names() -> list[str]:
        return [box.itemText(i) for i in range(box.count())]

    chinese = language == "zh"
    qtbot.waitUntil(lambda: all(any("\u4e00" <= c <= "\u9fff" for c in name) == chinese
                                for name in names()))
    assert len(set(names())) == 3 and all(names())
