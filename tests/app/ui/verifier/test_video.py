"""Recordings decoded on a worker: frames for any moment, read in place from the zip, and in
sync with the capture log (the photo a station logged is the frame its recording holds at
that instant)."""

from __future__ import annotations

import io
import threading
import zipfile

import numpy as np
from PIL import Image
from PySide6.QtGui import QImage

from app.ui.verifier.contents import VerifiedPackage
from app.ui.verifier.media_clock import MediaClock
from app.ui.verifier.video import DecodedFrame, MemberReader, VideoDecoder
from tests.app.ui.verifier.conftest import Demo


class Frames:
    """Collects delivered frames; :meth:`at` asks for one and waits for it."""

    def __init__(self, decoder_source: object) -> None:
        self.got: dict[int, DecodedFrame] = {}
        self.arrived = threading.Condition()
        self.decoder = VideoDecoder(decoder_source, self._deliver)  # type: ignore[arg-type]

    def _deliver(self, frame: DecodedFrame) -> None:
        with self.arrived:
            self.got[frame.request] = frame
            self.arrived.notify_all()

    def at(self, time_s: float) -> DecodedFrame:
        number = self.decoder.show(time_s)
        with self.arrived:
            assert self.arrived.wait_for(lambda: number in self.got, timeout=10)
            return self.got[number]


def grey(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_Grayscale8)
    rows = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(
        image.height(), image.bytesPerLine())
    return rows[:, :image.width()].astype(float)


def unlikeness(a: np.ndarray, b: np.ndarray) -> float:
    """1 - the correlation of two grey images: blind to the brightness and contrast a codec's
    colour conversion shifts, near 0 only when the content is the same."""
    a, b = a - a.mean(), b - b.mean()
    return 1.0 - float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))


def test_a_stored_member_is_read_in_place(verified: VerifiedPackage, demo: Demo) -> None:
    media = verified.media["terminal-1"]
    assert media.source.path == demo.package  # not extracted
    with zipfile.ZipFile(demo.package) as archive:
        member = next(n for n in archive.namelist() if n.endswith(media.name))
        expected = archive.read(member)
    with MemberReader(media.source) as reader:
        assert reader.read() == expected
        reader.seek(-10, io.SEEK_END)
        assert reader.read(100) == expected[-10:]
        reader.seek(1000)
        assert reader.read(16) == expected[1000:1016]


def test_frames_for_any_moment_forward_and_back(verified: VerifiedPackage) -> None:
    frames = Frames(verified.media["workstation-1"].source)
    try:
        times = [0.0, 0.5, 0.6, 3.0, 1.0, 9.5, 100.0, 0.2]
        shown = [frames.at(t) for t in times]
        for wanted, frame in zip(times, shown):
            assert frame.image.width() == 320 and frame.image.height() == 240
            # The frame on screen then: never after the moment, and close before it (15 fps;
            # a loaded machine may have dropped a few frames); before the first frame that
            # one (which may be at 0 itself: the camera can expose its first frame right as
            # the recording starts), past the end the last one.
            if wanted == 0.0:
                assert 0.0 <= frame.time_s < 0.5
            elif wanted < 9.5:
                assert wanted - 0.5 <= frame.time_s <= wanted + 0.002
        assert shown[-2].time_s == max(f.time_s for f in shown)
    finally:
        frames.decoder.close()
    assert not frames.decoder.running


def placements(clock: MediaClock, mono_us: int) -> list[float]:
    """Every media time the recording's clock gives a session instant: one, except just after
    the timeline jumped ahead (held-up audio appended after stand-in silence), where frames
    written before the jump sit on the earlier piece."""
    since = (mono_us - clock.origin_mono_us) / 1e6
    rate = 1.0 + clock.time_map.drift_ppm * 1e-6
    pieces = [(0.0, 0.0), *clock.time_map.anchors]
    out = [clock.media_s(mono_us)]
    for i, (media_at, since_at) in enumerate(pieces):
        end = pieces[i + 1][0] if i + 1 < len(pieces) else float("inf")
        media = media_at + (since - since_at) * rate
        if since_at <= since and media < end and all(abs(media - m) > 1e-6 for m in out):
            out.append(media)
    return out


def test_the_logged_photo_is_the_frame_recorded_at_that_instant(
        verified: VerifiedPackage) -> None:
    for field, ink in verified.signatures.items():
        photo = np.asarray(Image.open(io.BytesIO(ink.photo)).convert("L"), dtype=float)
        taken = next(e for e in verified.timeline if e.log_kind == "photo.taken"
                     and e.field == field)
        media = verified.media[ink.station]
        assert media.clock is not None
        moments = placements(media.clock, taken.mono_us)
        frames = Frames(media.source)
        try:
            candidates = {}
            for moment in moments:
                for step in range(-6, 7):  # the frames around it, 15 per second
                    frame = frames.at(moment + step / 15 + 0.01)
                    candidates[frame.time_s] = unlikeness(grey(frame.image), photo)
        finally:
            frames.decoder.close()
        best = min(candidates, key=candidates.__getitem__)
        runner_up = sorted(candidates.values())[1]
        # The photo's own frame differs from it by the codec's noise alone (about 0.002 here),
        # its neighbours by the moving clock as well (0.017 and more).
        if candidates[best] < 0.4 * runner_up:  # one frame stands out: it is the photo
            assert min(abs(best - m) for m in moments) < 1.5 / 15, (field, moments, candidates)
        else:
            # No frame of the recording is the photo: only allowed when the recorder logged
            # that it dropped video frames there (a loaded machine), never silently.
            dropped = [e.data for e in verified.timeline if e.station == ink.station
                       and e.log_kind == "av.event" and e.data.get("type") == "dropped"
                       and min(abs(e.data.get("at_ms", -10**9) / 1000 - m)
                               for m in moments) < 1.0]
            assert dropped, (field, moments, candidates)
