"""What the log says of a device: name, kind and ranges, never a file of this machine and never
pen data hidden in a pad event."""

from __future__ import annotations

from devices.pen import PadEvent
from devices.pen.events import PadEventKind
from records.session_devices import pad_event_entry, without_local_paths
from records.session_pen import PenCapture


def test_file_paths_become_file_names_and_device_nodes_stay() -> None:
    value = {"pen_log": "/work/main/resources/devices/stu-pen-log.csv",
             "windows": "C:\\Users\\clerk\\replay\\take-3.csv",
             "hidraw": "/dev/hidraw3", "win_hid": "\\\\?\\hid#vid_056a&pid_00a8#7&1",
             "simulated": "simulated:stu-540", "nested": [{"log": "/tmp/x/y.csv"}, 5, None],
             "relative": "takes/take-3.csv"}
    assert without_local_paths(value) == {
        "pen_log": "stu-pen-log.csv", "windows": "take-3.csv", "hidraw": "/dev/hidraw3",
        "win_hid": "\\\\?\\hid#vid_056a&pid_00a8#7&1", "simulated": "simulated:stu-540",
        "nested": [{"log": "y.csv"}, 5, None], "relative": "takes/take-3.csv"}


def test_an_undecodable_report_is_logged_by_length_and_commitment() -> None:
    event = PadEvent(PadEventKind.REPORT_SKIPPED, 1, "bad report", "bad_length",
                     {"report": "02e1041a0f", "skipped": 1})
    pen = PenCapture("Sig_4_suspect", lambda *_: None, lambda _: None, nonce=bytes(32))
    entry = pad_event_entry(event, "Sig_4_suspect", pen.seal_report)
    assert entry["data"]["skipped"] == 1
    assert entry["data"]["report"] == {"length": 5, "index": 0,
                                       "commit": pen.opening().report_commitments()[0]}
    assert pen.opening().reports == (bytes.fromhex("02e1041a0f"),)
    # With no turn to keep it in, only its length is said.
    bare = pad_event_entry(event, "")
    assert bare["data"]["report"] == {"length": 5}
    # Events without a report pass unchanged.
    plain = PadEvent(PadEventKind.STARTED, 1, "capture started")
    assert pad_event_entry(plain, "f", pen.seal_report)["data"] == {}
