"""The verifier's replay: how long opening a package takes beyond verifying it, and how fast a
scrub brings the right video frame, against decoding the recording straight through.

Makes the headless demo package (or takes ``--package`` with ``--data`` for its trust root
and archive key), then measures in the same run:

* open: ``open_verified`` (verification + logs, evidence, recordings for the window) against
  ``verify_path`` alone (the command line's verification) — the window's extra cost;
* scrub: the time from asking the decoder for a random moment to the frame's arrival
  (median and 95th percentile over ``--seeks``), against the time one frame takes when the
  whole recording is decoded in order (PyAV, same file, same thread count).

Usage: .venv/bin/python bench/replay.py [--package P --data DIR] [--seeks 60]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _machine import machine  # noqa: E402

from app.ui.verifier.contents import open_verified  # noqa: E402
from app.ui.verifier.options import load_options  # noqa: E402
from app.ui.verifier.video import MemberReader, VideoDecoder  # noqa: E402


def _demo(out: Path) -> tuple[Path, Path]:
    from records.demo import run_headless_demo

    result = run_headless_demo(out, language="zh", progress=lambda _text: None)
    assert result.ok and result.package and result.data_dir, result.errors
    return result.package, result.data_dir


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path)
    parser.add_argument("--data", type=Path, help="the demo's data directory (PKI, passphrase)")
    parser.add_argument("--seeks", type=int, default=60)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="inkseal-bench-replay-") as tmp:
        package, data = (args.package, args.data) if args.package else _demo(Path(tmp))
        options = load_options([data / "pki" / "ca" / "root-ca.cert.pem"],
                               data / "pki" / "certs" / "archive" / "archive.key.pem",
                               (data / "DEMO-ONLY-site-passphrase.txt").read_bytes().strip())
        from crypto.verify_package import verify_path
        from records.evidence_bundle import ink_from_iso

        started = time.perf_counter()
        verify_path(package, trust=list(options.roots), archive_key=options.archive_key,
                    pen_decoder=ink_from_iso)
        verify_s = time.perf_counter() - started
        started = time.perf_counter()
        opened = open_verified(package, trust=options.roots, archive_key=options.archive_key)
        open_s = time.perf_counter() - started
        print(f"open: verify_path {verify_s:.2f} s, open_verified {open_s:.2f} s "
              f"(ratio {open_s / verify_s:.2f})")

        media = next(iter(opened.media.values()))
        import av

        with MemberReader(media.source) as reader, av.open(reader) as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            started = time.perf_counter()
            frames = sum(1 for frame in container.decode(stream) if frame.to_ndarray(
                format="rgb24") is not None)
            straight_s = (time.perf_counter() - started) / max(frames, 1)
            duration = float(frames / (stream.average_rate or 15))
        arrived = threading.Event()
        decoder = VideoDecoder(media.source, lambda _frame: arrived.set())
        latencies = []
        rng = random.Random(7)
        try:
            for _ in range(args.seeks):
                arrived.clear()
                started = time.perf_counter()
                decoder.show(rng.uniform(0, duration))
                if not arrived.wait(10):
                    raise SystemExit("no frame within 10 s")
                latencies.append(time.perf_counter() - started)
        finally:
            decoder.close()
        latencies.sort()
        median = statistics.median(latencies)
        p95 = latencies[int(0.95 * (len(latencies) - 1))]
        print(f"recording: {media.name}, {frames} frames, {duration:.1f} s")
        print(f"straight decode: {straight_s * 1000:.2f} ms per frame")
        print(f"scrub to a random moment: median {median * 1000:.1f} ms, 95th percentile "
              f"{p95 * 1000:.1f} ms (ratio to one straight frame: {median / straight_s:.1f})")
        opened.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
