"""One press end to end through pyserial: live indication, bounded waits, cancel, faults."""

from __future__ import annotations

import hashlib
import threading
import time

import numpy as np
import pytest

from devices.fingerprint.acquisition import LiveMode
from devices.fingerprint.capture import CaptureProgress, CaptureStage
from devices.fingerprint.emulation import FingerPlan
from devices.fingerprint.errors import CaptureCancelled, ReaderTimeout
from devices.fingerprint.image import png_text
from devices.fingerprint.protocol import Instruction
from devices.fingerprint.quality import Verdict
from devices.fingerprint.simulator import Fault, FaultRule
from devices.fingerprint.synthetic import Press


def stages(events: list[CaptureProgress]) -> list[CaptureStage]:
    out: list[CaptureStage] = []
    for event in events:
        if not out or out[-1] is not event.stage:
            out.append(event.stage)
    return out


def test_a_good_press(make_simulator, make_reader) -> None:
    simulator = make_simulator(finger=FingerPlan(arrive_after_s=0.2))
    reader = make_reader(simulator.port)
    events: list[CaptureProgress] = []
    before = time.perf_counter_ns()
    capture = reader.capture(timeout_s=5, on_progress=events.append, poll_s=0.02)
    after = time.perf_counter_ns()

    assert capture.verdict is Verdict.GOOD and capture.quality.template_code == 0x00
    assert before < capture.captured_ns < after
    assert capture.sha256 == hashlib.sha256(capture.png).hexdigest()
    assert capture.image.shape == (288, 256) and not capture.image.flags.writeable
    assert capture.simulated and capture.device.port == simulator.port
    assert capture.attempts == 1 and len(capture.raw) == 36864
    assert stages(events) == [CaptureStage.WAITING_FOR_FINGER, CaptureStage.FINGER_ON,
                              CaptureStage.UPLOADING, CaptureStage.ANALYSING, CaptureStage.DONE]
    live = [e.live for e in events if e.stage is CaptureStage.FINGER_ON and e.live]
    assert live and live[-1].template_code == 0x00 and live[-1].hint.zh
    fractions = [e.upload_fraction for e in events if e.stage is CaptureStage.UPLOADING]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    previews = [e.preview for e in events if e.preview is not None]
    assert previews and previews[-1].shape == (288, 256)
    assert events[-1].live.verdict is Verdict.GOOD and events[-1].live.score == capture.quality.score
    assert "good" in events[-1].text.en and "指纹已采集" in events[-1].text.zh
    # Img2Tz judged the very image that was uploaded: UpImage comes before the last Img2Tz.
    commands = simulator.emulator.commands
    assert commands[-2:] == [Instruction.UP_IMAGE, Instruction.IMG2TZ]


def test_the_png_says_it_is_simulated(simulator, make_reader) -> None:
    capture = make_reader(simulator.port).capture(timeout_s=5, poll_s=0.02)
    text = png_text(capture.png)
    assert text["Inkseal-Simulated"] == "yes"
    assert "SIMULATED" in text["Comment"] and "模拟" in text["Comment"]
    assert text["Inkseal-Reader-model"] == "INKSEAL-SIM R30x"
    assert np.array_equal(np.asarray(capture.pil_image()), capture.image)


def test_a_finger_that_never_arrives_times_out(make_simulator, make_reader) -> None:
    simulator = make_simulator(finger=FingerPlan(arrive_after_s=None))
    reader = make_reader(simulator.port)
    started = time.monotonic()
    with pytest.raises(ReaderTimeout) as caught:
        reader.capture(timeout_s=0.6, poll_s=0.05)
    elapsed = time.monotonic() - started
    assert caught.value.reason == "no_finger" and 0.6 <= elapsed < 1.5
    assert "手指" in caught.value.localized("zh")


def test_cancel_from_another_thread_stops_at_once(make_simulator, make_reader) -> None:
    simulator = make_simulator(finger=FingerPlan(arrive_after_s=None))
    reader = make_reader(simulator.port)
    cancel = threading.Event()
    timer = threading.Timer(0.3, cancel.set)
    timer.start()
    started = time.monotonic()
    try:
        with pytest.raises(CaptureCancelled) as caught:
            reader.capture(timeout_s=30, cancel=cancel, poll_s=0.2)
    finally:
        timer.join()
    assert caught.value.reason == "cancelled"
    assert time.monotonic() - started < 1.0
    assert reader.generate_image() == 0x02          # the reader stays usable


def test_cancel_during_a_paced_upload(make_simulator, make_reader) -> None:
    simulator = make_simulator(baud=9600)           # 36 864 bytes take ~40 s at 9600 baud
    simulator.pace = True
    reader = make_reader(simulator.port, baud=9600)
    cancel = threading.Event()

    def on_progress(event: CaptureProgress) -> None:
        if event.stage is CaptureStage.UPLOADING:
            cancel.set()

    started = time.monotonic()
    with pytest.raises(CaptureCancelled):
        reader.capture(timeout_s=10, on_progress=on_progress, cancel=cancel, poll_s=0.02)
    assert time.monotonic() - started < 3.0


@pytest.mark.parametrize("press, code", [(Press.PARTIAL, 0x07), (Press.SMUDGED, 0x06)])
def test_a_poor_press_is_returned_as_poor_not_hidden(make_simulator, make_reader, press, code) -> None:
    simulator = make_simulator(finger=FingerPlan(presses=(press,), arrive_after_s=0.0))
    reader = make_reader(simulator.port)
    events: list[CaptureProgress] = []
    capture = reader.capture(timeout_s=5, settle_s=0.3, on_progress=events.append, poll_s=0.05)
    assert capture.verdict is Verdict.POOR and capture.quality.template_code == code
    hints = {e.live.template_code for e in events if e.stage is CaptureStage.FINGER_ON and e.live}
    assert hints == {code}


def test_the_live_rounds_wait_for_a_better_press(make_simulator, make_reader) -> None:
    # First press a corner, then (after the person lifts and presses again) a good one.
    plan = FingerPlan(presses=(Press.PARTIAL, Press.GOOD), arrive_after_s=0.0, hold_s=0.4)
    simulator = make_simulator(finger=plan)
    reader = make_reader(simulator.port)
    events: list[CaptureProgress] = []
    capture = reader.capture(timeout_s=5, settle_s=3.0, on_progress=events.append, poll_s=0.05)
    assert capture.verdict is Verdict.GOOD
    codes = [e.live.template_code for e in events if e.stage is CaptureStage.FINGER_ON and e.live]
    assert codes[0] == 0x07 and codes[-1] == 0x00
    assert CaptureStage.WAITING_FOR_FINGER in stages(events)[1:]   # it saw the finger go


def test_image_preview_mode(make_simulator, make_reader) -> None:
    simulator = make_simulator(finger=FingerPlan(arrive_after_s=0.0))
    reader = make_reader(simulator.port)
    events: list[CaptureProgress] = []
    capture = reader.capture(timeout_s=5, live=LiveMode.IMAGE_PREVIEW, on_progress=events.append)
    assert capture.verdict is Verdict.GOOD
    live = [e for e in events if e.stage is CaptureStage.FINGER_ON and e.live]
    assert live[-1].live.score is not None and live[-1].preview.shape == (288, 256)
    # One upload served as preview and capture: no second GenImg/UpImage.
    assert simulator.emulator.commands.count(Instruction.UP_IMAGE) == 1


def test_a_corrupted_transfer_is_retried_from_the_same_image(simulator, make_reader) -> None:
    reader = make_reader(simulator.port)
    simulator.inject(FaultRule(Fault.CORRUPT_DATA, Instruction.UP_IMAGE))
    capture = reader.capture(timeout_s=5, poll_s=0.02)
    assert capture.attempts == 2 and capture.verdict is Verdict.GOOD
    assert reader.line_stats.bad_checksums == 1


def test_a_transfer_that_always_fails_ends_in_a_typed_error(simulator, make_reader) -> None:
    reader = make_reader(simulator.port)
    simulator.inject(FaultRule(Fault.STALL_UPLOAD, Instruction.UP_IMAGE, times=None))
    started = time.monotonic()
    with pytest.raises(ReaderTimeout) as caught:
        reader.capture(timeout_s=5, poll_s=0.02, upload_retries=1)
    assert caught.value.reason == "upload_stalled" and time.monotonic() - started < 3.0


def test_garbage_on_the_line_during_capture(simulator, make_reader) -> None:
    reader = make_reader(simulator.port)
    simulator.inject(FaultRule(Fault.GARBAGE, times=None, garbage_bytes=64))
    capture = reader.capture(timeout_s=5, poll_s=0.02)
    assert capture.verdict is Verdict.GOOD and reader.line_stats.discarded_bytes > 0


def test_a_broken_progress_listener_does_not_lose_the_press(simulator, make_reader) -> None:
    def listener(event: CaptureProgress) -> None:
        raise RuntimeError("bug in the listener")

    capture = make_reader(simulator.port).capture(timeout_s=5, on_progress=listener, poll_s=0.02)
    assert capture.verdict is Verdict.GOOD


def test_two_presses_in_a_row_are_two_presses(make_simulator, make_reader) -> None:
    plan = FingerPlan(arrive_after_s=0.1, lift_when_idle_s=0.2)
    simulator = make_simulator(finger=plan)
    reader = make_reader(simulator.port)
    first = reader.capture(timeout_s=5, poll_s=0.02)
    time.sleep(0.3)                                  # the first person lifts and leaves
    second = reader.capture(timeout_s=5, poll_s=0.02)
    assert first.sha256 != second.sha256             # a new press, not the old image again
    assert second.captured_ns > first.captured_ns
