"""Signatures made ready for replay: every sample, on the session clock, with the pen's own
rhythm."""

from __future__ import annotations

import zipfile

from app.ui.verifier.contents import VerifiedPackage, open_verified
from app.ui.verifier.signature_ink import ReplayUnavailable, ink_of_track
from devices.pen.sample import AxisRange, PenButtons, PenCapabilities, PenProtocol, PenSample
from devices.signature import PenTrack, track_from_json
from tests.app.ui.verifier.conftest import Demo


def _sample(t_ns: int, device_time: int | None, touching: bool = True) -> PenSample:
    return PenSample(x=100, y=200, x_mm=None, y_mm=None, pressure=512, pressure_norm=0.5,
                     tilt_x=None, tilt_y=None, buttons=PenButtons.NONE, in_range=True,
                     touching=touching, device_time=device_time, sequence=None, t_ns=t_ns)


CAPS = PenCapabilities(name="test pad", protocol=PenProtocol.WACOM_STU, vendor_id=None,
                       product_id=None, x=AxisRange(0, 1000, 10.0), y=AxisRange(0, 500, 5.0),
                       pressure=AxisRange(0, 1023), device_time_unit_s=0.001)


def test_device_time_gives_the_rhythm_and_host_time_the_place() -> None:
    # Samples 5 ms apart on the pad, delivered with USB jitter on the host.
    jitter = [0, 3, -2, 4, 0, -3, 2, 0]
    samples = [_sample(1_000_000_000 + i * 5_000_000 + j * 1_000_000, 4000 + 5 * i)
               for i, j in enumerate(jitter)]
    ink = ink_of_track(PenTrack.of(samples, CAPS), field_name="F", station="s",
                       signatory="n", role="r", on_session_clock=True)
    gaps = [b.t_us - a.t_us for a, b in zip(ink.points, ink.points[1:])]
    assert max(gaps) - min(gaps) <= 1  # even spacing: the jitter is gone
    assert abs(ink.start_us - 1_000_000) < 2_000 and abs(ink.end_us - 1_035_000) < 2_000
    assert ink.device_span_s == 0.035
    assert ink.aspect == 2.0  # 10 units/mm across, 5 down: a y unit is twice as long
    assert ink.count_at(ink.start_us - 1) == 0
    assert ink.count_at(ink.end_us) == len(samples)


def test_without_a_device_clock_the_host_times_stand() -> None:
    samples = [_sample(2_000_000 + i * 7_000, None) for i in range(5)]
    ink = ink_of_track(PenTrack.of(samples, CAPS), field_name="F", station="s",
                       signatory="n", role="r", on_session_clock=True)
    assert [p.t_us for p in ink.points] == [2000 + i * 7 for i in range(5)]


def test_the_replayed_track_is_the_decrypted_one(verified: VerifiedPackage, demo: Demo) -> None:
    from crypto.evidence import open_package_file
    from crypto.pades_document import open_reader
    from crypto.pades_verify_evidence import evidence_of
    from tests.app.ui.verifier.conftest import load_options

    key = load_options([], demo.archive_key, demo.passphrase).archive_key
    with zipfile.ZipFile(demo.package) as archive:
        names = archive.namelist()
        pdf = archive.read(next(n for n in names if n.endswith("data/record.pdf")))
        evidence = archive.read(next(n for n in names if n.endswith("Sig_4_suspect.p7m")))
    sig = next(s for s in open_reader(pdf).embedded_signatures
               if s.field_name == "Sig_4_suspect")
    opened = open_package_file(evidence, evidence_of(sig), key)
    track, _ = track_from_json(opened.items["pen_track_readable"].decode())
    ink = verified.signatures["Sig_4_suspect"]
    assert [(p.x, p.y, p.touching) for p in ink.points] == [
        (s.x, s.y, s.touching) for s in track.samples]
    assert [p.pressure for p in ink.points] == [s.pressure_norm for s in track.samples]
    assert ink.station == "terminal-1" and ink.signatory == "王某某" and ink.on_session_clock
    assert ink.photo.startswith(b"\x89PNG") and ink.fingerprint.startswith(b"\x89PNG")
    # The demo's simulated pad replays the recorded signature eight times faster.
    assert ink.device_span_s is not None
    assert 6 < ink.device_span_s / ((ink.end_us - ink.start_us) / 1e6) < 10


def test_without_the_archive_key_no_signature_is_replayable(
        verified_without_key: VerifiedPackage) -> None:
    assert verified_without_key.signatures == {}
    assert verified_without_key.unavailable == {
        field: ReplayUnavailable.NO_ARCHIVE_KEY
        for field in ("Sig_2_recorder", "Sig_3_appropriate_adult", "Sig_4_suspect")}


def test_a_lone_pdf_replays_the_track_inside_each_signature(demo: Demo) -> None:
    from tests.app.ui.verifier.conftest import load_options

    options = load_options([demo.trust_root], demo.archive_key, demo.passphrase)
    package = open_verified(demo.pdf, trust=options.roots, archive_key=options.archive_key)
    assert package.report.kind == "pdf"
    assert set(package.signatures) == {"Sig_2_recorder", "Sig_3_appropriate_adult",
                                       "Sig_4_suspect"}
    ink = package.signatures["Sig_2_recorder"]
    assert not ink.on_session_clock and ink.start_us == 0 and len(ink.points) > 100
    assert package.media == {} and package.timeline == ()
