"""Opening a camera or microphone from what the user named (``SourceSpec``).

``auto`` takes the first attached device and falls back to the synthetic source when there is
none; the synthetic sources say so in their ``SourceInfo`` (and from there in the container,
the segment list, the events and the summary).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from devices.av._cv import cv2
from devices.av.audio_file import FileInputStream
from devices.av.camera import Camera, CameraMode
from devices.av.clocks import Clock
from devices.av.discovery import hardware_cameras, hardware_microphones
from devices.av.errors import SourceUnavailable
from devices.av.events import SourceInfo, SourceRole
from devices.av.microphone import InputStreamLike, Microphone
from devices.av.spec import SourceSpec, SpecKind
from devices.av.synthetic_camera import SyntheticCameraSettings, SyntheticCapture
from devices.av.synthetic_microphone import SyntheticInputStream, SyntheticMicrophoneSettings

__all__ = ["open_camera", "open_microphone"]

_PA_DEVICE_UNAVAILABLE = -9985
_PA_INVALID_DEVICE = -9996
_OPEN_TIMEOUT_MS = 5000


def open_camera(spec: str | SourceSpec, clock: Clock, *, size: tuple[int, int] = (1280, 720),
                fps: float = 30.0, latency_ms: float | None = None,
                synthetic: SyntheticCameraSettings | None = None,
                allow_simulated: bool = True) -> Camera:
    """A ``Camera`` for ``spec``, opened (so a missing camera raises ``SourceUnavailable`` now).

    ``latency_ms`` is the calibrated exposure-to-grab latency; without it a live camera is
    assumed one frame period late (an estimate: calibrate with ``devices.av.calibration``).
    """
    spec = spec if isinstance(spec, SourceSpec) else SourceSpec.parse(spec)
    if spec.kind is SpecKind.AUTO:
        found = hardware_cameras()
        if not found and not allow_simulated:
            raise SourceUnavailable("no camera attached / 没有连接摄像头", reason="camera_missing",
                                    spec=spec.text)
        spec = SourceSpec(SpecKind.DEVICE_PATH, found[0].path, spec.text) if found else \
            SourceSpec(SpecKind.SYNTHETIC, "", spec.text)
    if spec.kind is SpecKind.SYNTHETIC:
        settings = synthetic or SyntheticCameraSettings(width=size[0], height=size[1], fps=fps)
        capture = SyntheticCapture(clock, settings)
        info = SourceInfo(SourceRole.CAMERA, "synthetic", "test pattern", True, {
            "size": f"{settings.width}x{settings.height}", "fps": settings.fps,
            "latency_ms": settings.latency_ms, "latency": "simulated"})
        camera = Camera(capture.reopen, info, clock, width=settings.width, height=settings.height,
                        fps=settings.fps, latency_ns=int(settings.latency_ms * 1e6),
                        kernel_timestamps=settings.driver_timestamps)
    elif spec.kind in (SpecKind.FILE, SpecKind.URL):
        camera = _stream_camera(spec, clock, latency_ms)
    elif spec.kind is SpecKind.DEVICE_PATH and not spec.value.startswith("/dev/video"):
        raise SourceUnavailable(f"not a camera: {spec.text}", reason="bad_spec", spec=spec.text)
    else:
        camera = _device_camera(spec, clock, size, fps, latency_ms)
    camera.open()
    return camera


def _device_camera(spec: SourceSpec, clock: Clock, size: tuple[int, int], fps: float,
                   latency_ms: float | None) -> Camera:
    target: int | str
    if spec.kind is SpecKind.NAME:
        matches = [c for c in hardware_cameras() if spec.value.lower() in c.name.lower()]
        if not matches:
            raise SourceUnavailable(f"no camera named {spec.value!r} / 找不到摄像头",
                                    reason="camera_missing", spec=spec.text)
        target = matches[0].path
    else:
        target = spec.index if spec.kind is SpecKind.INDEX else spec.value
    linux = sys.platform.startswith("linux")
    backend = cv2.CAP_V4L2 if linux else cv2.CAP_ANY

    def fresh() -> Any:
        cap = cv2.VideoCapture(target, backend)
        if cap.isOpened():
            # MJPEG lets USB 2 cameras deliver 720p30; then ask for the size and rate wanted.
            cap.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter_fourcc(*"MJPG"))
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, size[0])
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, size[1])
            cap.set(cv2.CAP_PROP_FPS, fps)
        return cap

    probe = fresh()
    if not probe.isOpened():
        probe.release()
        raise SourceUnavailable(f"camera {spec.text} cannot be opened / 无法打开摄像头",
                                reason="camera_missing", spec=spec.text)
    width = int(probe.get(cv2.CAP_PROP_FRAME_WIDTH)) or size[0]
    height = int(probe.get(cv2.CAP_PROP_FRAME_HEIGHT)) or size[1]
    got_fps = probe.get(cv2.CAP_PROP_FPS) or fps
    opener = _first_then(probe, fresh)
    latency = latency_ms if latency_ms is not None else 1000.0 / got_fps
    info = SourceInfo(SourceRole.CAMERA, "device", str(target), False, {
        "size": f"{width}x{height}", "fps": round(got_fps, 3),
        "requested": f"{size[0]}x{size[1]}@{fps:g}", "latency_ms": round(latency, 2),
        "latency": "configured" if latency_ms is not None else "estimated"})
    return Camera(opener, info, clock, width=width, height=height, fps=got_fps,
                  latency_ns=int(latency * 1e6), kernel_timestamps=linux)


def _stream_camera(spec: SourceSpec, clock: Clock, latency_ms: float | None) -> Camera:
    params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, _OPEN_TIMEOUT_MS,
              cv2.CAP_PROP_READ_TIMEOUT_MSEC, _OPEN_TIMEOUT_MS]

    def fresh() -> Any:
        return cv2.VideoCapture(spec.value, cv2.CAP_FFMPEG, params)

    probe = fresh()
    if not probe.isOpened():
        probe.release()
        raise SourceUnavailable(f"cannot open video {spec.value} / 无法打开视频源",
                                reason="camera_unreadable", spec=spec.text)
    width = int(probe.get(cv2.CAP_PROP_FRAME_WIDTH))
    height = int(probe.get(cv2.CAP_PROP_FRAME_HEIGHT))
    fps = probe.get(cv2.CAP_PROP_FPS) or 30.0
    opener = _first_then(probe, fresh)
    file = spec.kind is SpecKind.FILE
    latency = latency_ms if latency_ms is not None else 0.0
    info = SourceInfo(SourceRole.CAMERA, "file" if file else "url", spec.value, False, {
        "size": f"{width}x{height}", "fps": round(fps, 3), "latency_ms": latency})
    return Camera(opener, info, clock, width=width, height=height, fps=fps,
                  latency_ns=int(latency * 1e6), mode=CameraMode.FILE if file else CameraMode.LIVE)


def _first_then(first: Any, fresh: Callable[[], Any]) -> Callable[[], Any]:
    """An opener that hands out the already opened capture once, then opens new ones.

    Opening twice would cost a second connection to a network camera (which may accept only
    one client) or a second start-up of a USB camera.
    """
    pending = [first]

    def opener() -> Any:
        return pending.pop() if pending else fresh()
    return opener


def open_microphone(spec: str | SourceSpec, clock: Clock, *, sample_rate: int = 48_000,
                    channels: int = 1, blocksize: int = 480,
                    synthetic: SyntheticMicrophoneSettings | None = None,
                    allow_simulated: bool = True) -> Microphone:
    """A ``Microphone`` for ``spec``, opened (a missing or busy one raises now)."""
    spec = spec if isinstance(spec, SourceSpec) else SourceSpec.parse(spec)
    if spec.kind is SpecKind.AUTO:
        found = hardware_microphones()
        default = [m for m in found if m.details.get("default")] or found
        if not default and not allow_simulated:
            raise SourceUnavailable("no microphone attached / 没有连接麦克风",
                                    reason="microphone_missing", spec=spec.text)
        spec = SourceSpec(SpecKind.INDEX, default[0].path, spec.text) if default else \
            SourceSpec(SpecKind.SYNTHETIC, "", spec.text)
    factory: Callable[[Callable[..., None]], InputStreamLike]
    ends = False
    if spec.kind is SpecKind.SYNTHETIC:
        settings = synthetic or SyntheticMicrophoneSettings(sample_rate=sample_rate,
                                                            channels=channels, blocksize=blocksize)
        sample_rate, channels = settings.sample_rate, settings.channels
        info = SourceInfo(SourceRole.MICROPHONE, "synthetic", "tone with marks", True, {
            "rate": sample_rate, "channels": channels, "drift_ppm": settings.drift_ppm})

        def factory(cb: Callable[..., None]) -> InputStreamLike:
            return SyntheticInputStream(cb, clock, settings)
    elif spec.kind in (SpecKind.FILE, SpecKind.URL):
        ends = spec.kind is SpecKind.FILE
        info = SourceInfo(SourceRole.MICROPHONE, spec.kind.value, spec.value, False,
                          {"rate": sample_rate, "channels": channels})

        def factory(cb: Callable[..., None]) -> InputStreamLike:
            return FileInputStream(cb, clock, spec.value, samplerate=sample_rate,
                                   channels=channels, blocksize=blocksize)
    elif spec.kind in (SpecKind.INDEX, SpecKind.NAME):
        device = _portaudio_device(spec)
        info = SourceInfo(SourceRole.MICROPHONE, "device", device["name"], False,
                          {"index": device["index"], "rate": sample_rate, "channels": channels})

        def factory(cb: Callable[..., None]) -> InputStreamLike:
            return _portaudio_stream(spec, device["index"], cb, sample_rate, channels, blocksize)
    else:
        raise SourceUnavailable(f"not a microphone: {spec.text}", reason="bad_spec", spec=spec.text)
    mic = Microphone(factory, info, clock, sample_rate=sample_rate, channels=channels, ends=ends)
    mic.open()
    return mic


def _portaudio_device(spec: SourceSpec) -> dict[str, Any]:
    try:
        import sounddevice as sd
    except OSError as exc:  # libportaudio missing
        raise SourceUnavailable(f"PortAudio is not installed: {exc}", reason="microphone_missing",
                                spec=spec.text) from exc
    key: int | str = spec.index if spec.kind is SpecKind.INDEX else spec.value
    try:
        return dict(sd.query_devices(key, "input"))
    except (ValueError, sd.PortAudioError) as exc:
        raise SourceUnavailable(f"no microphone {spec.text!r}: {exc} / 找不到麦克风",
                                reason="microphone_missing", spec=spec.text) from exc


def _portaudio_stream(spec: SourceSpec, index: int, callback: Callable[..., None],
                      sample_rate: int, channels: int, blocksize: int) -> InputStreamLike:
    import sounddevice as sd
    try:
        return sd.InputStream(device=index, samplerate=sample_rate, channels=channels,
                              dtype="int16", blocksize=blocksize, callback=callback)
    except sd.PortAudioError as exc:
        raise _portaudio_error(exc, spec.text) from exc


def _portaudio_error(exc: Exception, spec: str) -> SourceUnavailable:
    """Map PortAudio's error codes to a reason a UI can act on."""
    code = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else None
    if code == _PA_DEVICE_UNAVAILABLE:
        return SourceUnavailable(f"microphone {spec} is busy (used by another program) / 麦克风被占用",
                                 reason="microphone_busy", spec=spec)
    if code == _PA_INVALID_DEVICE or "querying device" in str(exc):
        return SourceUnavailable(f"microphone {spec} is missing / 找不到麦克风",
                                 reason="microphone_missing", spec=spec)
    return SourceUnavailable(f"microphone {spec} cannot be opened: {exc} / 无法打开麦克风",
                             reason="microphone_unreadable", spec=spec)
