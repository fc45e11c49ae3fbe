"""Fingerprint path figures: framing, quality, synthetic presses, capture over a pty.

Each figure comes with a baseline measured in the same run:
  - framer throughput vs. a bare scan of the same bytes for headers (``bytes.find``);
  - full quality figure vs. the quick half-resolution estimate used for the live indication;
  - one capture over a pty through pyserial (GenImg, UpImage, Img2Tz, decode, quality, PNG)
    vs. pushing the same number of raw bytes through a pty and pyserial;
  - an image upload paced at the real line rate vs. the theoretical wire time (10 bits per
    byte), at 57600 and 115200 baud: why the live indication uses Img2Tz, not image uploads.

Usage: .venv/bin/python bench/fingerprint.py [--rounds 20] [--no-paced]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import serial  # noqa: E402
from _machine import machine  # noqa: E402

from devices.fingerprint.emulation import FingerPlan, ModuleSettings  # noqa: E402
from devices.fingerprint.framing import Packet, PacketFramer  # noqa: E402
from devices.fingerprint.image import decode_image, encode_image  # noqa: E402
from devices.fingerprint.protocol import IMAGE_BYTES, PacketKind  # noqa: E402
from devices.fingerprint.quality import assess_quality, quick_quality  # noqa: E402
from devices.fingerprint.reader import R30xReader  # noqa: E402
from devices.fingerprint.simulator import ModuleSimulator  # noqa: E402
from devices.fingerprint.synthetic import Press, synthetic_fingerprint  # noqa: E402


def timed(fn: Callable[[], object], rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1e3:8.2f} ms  max {max(values) * 1e3:8.2f} ms"


def upload_stream() -> bytes:
    data = encode_image(synthetic_fingerprint(1))
    chunks = [data[i:i + 128] for i in range(0, len(data), 128)]
    packets = [Packet(PacketKind.DATA, c) for c in chunks[:-1]] + [Packet(PacketKind.END, chunks[-1])]
    return b"".join(p.encode() for p in packets)


def bench_framer(rounds: int) -> None:
    stream = upload_stream()

    def frame() -> None:
        framer = PacketFramer()
        for i in range(0, len(stream), 4096):
            framer.feed(stream[i:i + 4096])

    def scan() -> None:
        position, count = 0, 0
        while (position := stream.find(b"\xef\x01", position)) >= 0:
            position += 2
            count += 1

    framed, scanned = timed(frame, rounds), timed(scan, rounds)
    mb = len(stream) / 1e6
    print(f"framer     {len(stream)} bytes of upload: {mb / statistics.median(framed):7.1f} MB/s "
          f"({ms(framed)})")
    print(f"  baseline bytes.find scan:      {mb / statistics.median(scanned):7.1f} MB/s; "
          f"framer/scan time ratio {statistics.median(framed) / statistics.median(scanned):.1f}x;"
          f" a 115200-baud line carries 0.0115 MB/s")


def bench_quality(rounds: int) -> None:
    image = decode_image(encode_image(synthetic_fingerprint(2)))
    full = timed(lambda: assess_quality(image), rounds)
    quick = timed(lambda: quick_quality(image), rounds)
    print(f"quality    full figure    {ms(full)}")
    print(f"  quick half-res estimate:     {ms(quick)}; full/quick "
          f"{statistics.median(full) / statistics.median(quick):.1f}x")
    for press in Press:
        times = timed(lambda press=press: synthetic_fingerprint(3, press), max(3, rounds // 4))
        print(f"synthetic  {press.value:8} press   {ms(times)}")


def raw_pty_transfer(size: int) -> float:
    """Seconds to move ``size`` bytes from a pty master to pyserial on the slave."""
    master, slave = os.openpty()
    port = serial.Serial(os.ttyname(slave), 57600, timeout=0.05)
    payload = b"\xa5" * size
    try:
        started = time.perf_counter()
        writer = threading.Thread(target=lambda: os.write(master, payload))
        writer.start()
        got = 0
        while got < size:
            got += len(port.read(max(1, port.in_waiting)))
        writer.join()
        return time.perf_counter() - started
    finally:
        port.close()
        os.close(master)
        os.close(slave)


def bench_capture(rounds: int) -> None:
    with ModuleSimulator(finger=FingerPlan(arrive_after_s=0.0)) as simulator:
        with R30xReader(simulator.port) as reader:
            reader.capture(timeout_s=5, poll_s=0.01)  # warm-up: the simulator draws the press
            captures = timed(lambda: reader.capture(timeout_s=5, poll_s=0.01, settle_s=0.0), rounds)
            uploads = []
            for _ in range(rounds):
                reader.generate_image()
                uploads.append(timed(reader.upload_image, 1)[0])
    wire = upload_stream()
    raw = [raw_pty_transfer(len(wire)) for _ in range(rounds)]
    print(f"capture    whole press over pty (unpaced)  {ms(captures)}")
    print(f"  UpImage alone (288 packets):             {ms(uploads)}")
    print(f"  baseline raw {len(wire)} bytes pty->pyserial: {ms(raw)}; UpImage/raw "
          f"{statistics.median(uploads) / statistics.median(raw):.1f}x")


def bench_paced() -> None:
    for baud in (57600, 115200):
        with ModuleSimulator(settings=ModuleSettings(baud=baud), pace=True,
                             finger=FingerPlan(arrive_after_s=0.0)) as simulator:
            with R30xReader(simulator.port, baud=baud) as reader:
                reader.generate_image()
                started = time.perf_counter()
                reader.upload_image()
                took = time.perf_counter() - started
                started = time.perf_counter()
                reader.image_to_template()
                template = time.perf_counter() - started
        wire_s = (IMAGE_BYTES + 288 * 11 + 12) * 10 / baud
        print(f"paced      UpImage at {baud:6} baud: {took:6.2f} s; theoretical wire time "
              f"{wire_s:5.2f} s; ratio {took / wire_s:.2f}; Img2Tz round trip {template * 1e3:.1f} ms "
              "(simulated; a real module needs a few hundred ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--no-paced", action="store_true", help="skip the paced uploads (~11 s)")
    args = parser.parse_args()
    print(f"machine    {machine(' '.join(platform.libc_ver()))}")
    bench_framer(args.rounds)
    bench_quality(args.rounds)
    bench_capture(max(3, args.rounds // 4))
    if not args.no_paced:
        bench_paced()
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
