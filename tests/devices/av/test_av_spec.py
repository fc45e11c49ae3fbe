"""What a source name means."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.av.errors import SourceUnavailable
from devices.av.spec import SourceSpec, SpecKind


@pytest.mark.parametrize("text,kind,value", [
    ("auto", SpecKind.AUTO, ""),
    ("synthetic", SpecKind.SYNTHETIC, ""),
    ("Simulated", SpecKind.SYNTHETIC, ""),
    ("0", SpecKind.INDEX, "0"),
    ("12", SpecKind.INDEX, "12"),
    ("rtsp://10.0.0.5:554/stream1", SpecKind.URL, "rtsp://10.0.0.5:554/stream1"),
    ("tcp://127.0.0.1:9000", SpecKind.URL, "tcp://127.0.0.1:9000"),
    ("/dev/video2", SpecKind.DEVICE_PATH, "/dev/video2"),
    ("USB Audio Device", SpecKind.NAME, "USB Audio Device"),
])
def test_source_names_are_classified(text: str, kind: SpecKind, value: str) -> None:
    spec = SourceSpec.parse(text)
    assert (spec.kind, spec.value, spec.text) == (kind, value, text)


def test_an_existing_file_is_a_file_source(tmp_path: Path) -> None:
    clip = tmp_path / "interview.mp4"
    clip.write_bytes(b"x")
    assert SourceSpec.parse(str(clip)) == SourceSpec(SpecKind.FILE, str(clip), str(clip))
    assert SourceSpec.parse(f"file://{clip}").kind is SpecKind.FILE


@pytest.mark.parametrize("text", ["/nowhere/clip.mp4", "missing.wav", "./x/y"])
def test_a_missing_file_is_a_clear_error_not_a_device_name(text: str) -> None:
    with pytest.raises(SourceUnavailable) as err:
        SourceSpec.parse(text)
    assert err.value.reason == "file_not_found"
    assert err.value.spec == text


def test_an_empty_name_is_rejected() -> None:
    with pytest.raises(SourceUnavailable) as err:
        SourceSpec.parse("  ")
    assert err.value.reason == "bad_spec"
