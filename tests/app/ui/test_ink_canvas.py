"""The ink canvas's latency accounting: a sample counts as painted once a paint event that
covered its pixel has finished, not at whatever paint comes first."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QRect

from app.ui.widgets.ink_canvas import InkArea, InkCanvas, InkPoint


def shown_canvas(qtbot: Any) -> InkCanvas:
    canvas = InkCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(400, 300)
    canvas.set_area(InkArea(0, 1000, 0, 600))
    canvas.show()
    qtbot.waitExposed(canvas)
    canvas.latencies = []
    return canvas


def test_a_sample_is_counted_when_the_paint_covering_it_ends(qtbot: Any) -> None:
    canvas = shown_canvas(qtbot)
    now = time.perf_counter_ns()
    canvas.add_points([InkPoint(800, 500, 0.5, True, now), InkPoint(810, 505, 0.6, True, now)])
    assert canvas.latencies == []
    canvas.repaint(QRect(0, 0, 4, 4))  # a paint elsewhere on the canvas: not these pixels
    assert canvas.latencies == []
    qtbot.waitUntil(lambda: len(canvas.latencies) == 2)
    assert all(0 < ns < 5_000_000_000 for ns in canvas.latencies)


def test_samples_without_a_pixel_or_a_time_are_not_counted(qtbot: Any) -> None:
    canvas = shown_canvas(qtbot)
    now = time.perf_counter_ns()
    canvas.add_points([InkPoint(100, 100, 0.5, True, now),
                       InkPoint(110, 100, 0.0, False, now, in_range=False),  # pen gone
                       InkPoint(120, 100, 0.5, True, 0)])                   # no time
    frames = canvas.frames
    qtbot.waitUntil(lambda: canvas.frames > frames)
    canvas.repaint()
    assert len(canvas.latencies) == 1


def test_rows_from_the_link_carry_the_time_they_arrived(qtbot: Any) -> None:
    canvas = shown_canvas(qtbot)
    arrived = time.perf_counter_ns()
    canvas.add_rows([[0, 300, 200, 512, 1], [5000, 320, 210, 600, 1]], pressure_max=1023,
                    t_ns=arrived)
    qtbot.waitUntil(lambda: len(canvas.latencies) == 2)
    assert max(canvas.latencies) <= time.perf_counter_ns() - arrived
