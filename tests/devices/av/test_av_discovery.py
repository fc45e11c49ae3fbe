"""Listing cameras and microphones; the synthetic ones are always there and marked."""

from __future__ import annotations

from pathlib import Path

from devices.av.discovery import hardware_cameras, list_cameras, list_microphones
from devices.discovery import DeviceKind, gather


def fake_sysfs(root: Path, nodes: dict[str, tuple[str, str]]) -> Path:
    for node, (name, index) in nodes.items():
        (root / node).mkdir(parents=True)
        (root / node / "name").write_text(name + "\n")
        (root / node / "index").write_text(index + "\n")
    return root


def test_cameras_come_from_sysfs_capture_nodes_only(tmp_path: Path) -> None:
    sysfs = fake_sysfs(tmp_path, {"video0": ("HD Pro Webcam C920", "0"),
                                  "video1": ("HD Pro Webcam C920", "1"),   # metadata node
                                  "video10": ("Document Camera", "0")})
    found = hardware_cameras(sysfs)
    assert [(c.name, c.path, c.simulated) for c in found] == [
        ("HD Pro Webcam C920", "/dev/video0", False), ("Document Camera", "/dev/video10", False)]
    assert all(c.kind is DeviceKind.CAMERA for c in found)


def test_the_lists_end_with_the_simulated_sources() -> None:
    cams, mics = list_cameras(), list_microphones()
    assert cams[-1].simulated and cams[-1].path == "synthetic"
    assert mics[-1].simulated and mics[-1].kind is DeviceKind.MICROPHONE
    assert not any(c.simulated for c in cams[:-1])


def test_the_shared_listing_takes_both() -> None:
    found, problems = gather([list_cameras, list_microphones])
    assert problems == []
    assert {d.kind for d in found} == {DeviceKind.CAMERA, DeviceKind.MICROPHONE}
