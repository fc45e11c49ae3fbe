"""Link benchmark: live ink latency and loss, and upload throughput against a plain TLS copy.

Run from the repository root: ``.venv/bin/python bench/link.py [--ink-seconds 10] [--size-mb 1024]
[--threads]``; ``--threads`` also prints, per round, the CPU seconds and minor page faults per GB
of every thread of both link ends and the plain copy's client and server CPU apart.

The workstation endpoint runs in this process and the terminal in a child process (two
interpreters, as on two machines), both on loopback with mutual TLS 1.3 and a throwaway site CA.

1. Live ink: pen samples at 200 Hz for ``--ink-seconds``; delay from the sample's capture time
   (CLOCK_MONOTONIC, shared by the processes) to its arrival in the workstation's callback.
   Targets: 99th percentile under 30 ms, no sample lost. Then again while a recording uploads.
2. Upload: a ``--size-mb`` file through the link (chunks of whole 1 MiB pieces, the recorder's
   segment hashes as the piece map, so the sender hashes nothing and the receiver checks every
   piece once, writes and flushes) against a plain TLS copy of the same file (asyncio TLS
   stream, written to disk and flushed), alternately, ``--rounds`` times each. Target: ratio
   >= 0.8. Both are CPU-bound on a small machine: the CPU seconds per GB of both ends say
   where the difference goes (the one SHA-256 pass alone is printed beside them).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import multiprocessing as mp
import os
import resource
import ssl
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from _machine import machine  # noqa: E402

from crypto.pki import Kind  # noqa: E402
from records.link import (  # noqa: E402
    InkBatch,
    InkSample,
    LinkState,
    PeerPolicy,
    Received,
    Side,
    TerminalEndpoint,
    UploadStored,
    WorkstationEndpoint,
    client_context,
    load_ca_certificates,
    server_context,
)
from records.link.pieces import PieceMap  # noqa: E402
from records.link.tls import LinkIdentity  # noqa: E402

SAMPLE_RATE = 200


# --- the machine -----------------------------------------------------------------------------

def cpu_seconds() -> float:
    """CPU time of this process so far, all threads, user and system."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def thread_cpu() -> dict[str, tuple[float, int]]:
    """CPU seconds and minor page faults of each thread of this process so far, by thread
    name (pool threads of one pool summed; threads Python did not start counted as "other")."""
    names = {t.native_id: t.name.rsplit("_", 1)[0] for t in threading.enumerate()}
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[str, tuple[float, int]] = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the thread ended meanwhile
            continue
        name = names.get(int(task.name), "other")
        cpu, faults = out.get(name, (0.0, 0))
        out[name] = (cpu + (int(fields[11]) + int(fields[12])) / tick, faults + int(fields[7]))
    return out


def thread_delta(before: dict[str, tuple[float, int]],
                 after: dict[str, tuple[float, int]]) -> dict[str, tuple[float, int]]:
    return {name: (cpu - before.get(name, (0.0, 0))[0], faults - before.get(name, (0.0, 0))[1])
            for name, (cpu, faults) in after.items()}


def load_note(before: tuple[float, float, float], after: tuple[float, float, float]) -> str:
    cores = os.cpu_count() or 1
    busy = max(before[0], after[0])
    verdict = ("UNDER LOAD: other work was running, figures are pessimistic"
               if busy > 0.5 * cores else "machine otherwise quiet")
    return (f"load average 1 min: {before[0]:.2f} before, {after[0]:.2f} after "
            f"({cores} CPUs) -> {verdict}")


# --- the terminal, in its own process --------------------------------------------------------

def terminal_process(address, identity: LinkIdentity, ca_path: str, state_dir: str, conn) -> None:
    policy = PeerPolicy.expecting(Side.WORKSTATION, load_ca_certificates([ca_path]))
    term = TerminalEndpoint(connect=address, identity=identity, policy=policy,
                            state_dir=Path(state_dir), station="bench-terminal")
    term.start()
    try:
        while True:
            command, *args = conn.recv()
            if command == "stop":
                break
            if command == "cpu":
                conn.send(("cpu", cpu_seconds(), thread_cpu()))
            if command == "ink":
                seconds, turn = args
                conn.send(("ink-sent", draw(term, seconds, turn)))
            elif command == "upload":
                path, digest, packed = args
                conn.send(("upload-started", time.perf_counter_ns()))
                # The recorder's segment hashes stand in for a pass of the sender's own.
                term.upload_file(Path(path), media_type="video/x-matroska", sha256=digest,
                                 pieces=PieceMap.unpack(packed),
                                 upload_id=f"bench-{time.time_ns()}")
    finally:
        term.stop()


def draw(term: TerminalEndpoint, seconds: float, turn: int) -> int:
    """Pen samples at 200 Hz, each stamped when it is 'captured'; returns how many."""
    count = int(seconds * SAMPLE_RATE)
    period_ns = 1_000_000_000 // SAMPLE_RATE
    start = time.perf_counter_ns()
    for i in range(count):
        target = start + i * period_ns
        while (now := time.perf_counter_ns()) < target:
            time.sleep(max(0.0, (target - now) / 1e9 - 0.0005))
        sample = InkSample(x=i % 10000, y=(i * 7) % 8000, pressure=512, tilt_x=0, tilt_y=0,
                           device_time=i * 5000, host_ns=time.perf_counter_ns())
        term.pen_sample("bench-record", turn, i // 400, sample)
    term.flush_ink()
    return count


# --- the workstation side --------------------------------------------------------------------

class Arrivals:
    """What the workstation's callback saw, stamped on arrival."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ink: dict[int, list[tuple[int, int]]] = {}
        self.stored: list[tuple[int, UploadStored]] = []
        self.changed = threading.Condition(self.lock)

    def on_event(self, event) -> None:
        now = time.perf_counter_ns()
        with self.lock:
            if isinstance(event, Received) and isinstance(event.message, InkBatch):
                batch = event.message
                rows = self.ink.setdefault(batch.turn, [])
                rows.extend((batch.first + i, now - s.host_ns) for i, s in enumerate(batch.samples))
            elif isinstance(event, UploadStored):
                self.stored.append((now, event))
            self.changed.notify_all()

    def wait(self, predicate, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with self.changed:
            while not predicate():
                if time.monotonic() > deadline:
                    raise TimeoutError("the benchmark timed out")
                self.changed.wait(0.1)


def ink_report(label: str, rows: list[tuple[int, int]], sent: int) -> tuple[float, int]:
    indices = sorted(i for i, _ in rows)
    lost = sent - len(set(indices))
    duplicates = len(indices) - len(set(indices))
    delays = sorted(d / 1e6 for _, d in rows)
    p50 = statistics.median(delays)
    p99 = delays[min(len(delays) - 1, int(0.99 * len(delays)))]
    print(f"  {label}: {sent} samples at {SAMPLE_RATE} Hz; delay p50 {p50:.1f} ms, p99 {p99:.1f} ms,"
          f" max {delays[-1]:.1f} ms; lost {lost}, duplicated {duplicates}"
          f"  [target p99 < 30 ms: {'met' if p99 < 30 else 'MISSED'}; lost 0: "
          f"{'met' if lost == 0 else 'MISSED'}]")
    return p99, lost


# --- plain TLS copy baseline -----------------------------------------------------------------

def plain_client(address, identity: LinkIdentity, ca_path: str, path: str, conn) -> None:
    async def run() -> None:
        policy = PeerPolicy.expecting(Side.WORKSTATION, load_ca_certificates([ca_path]))
        reader, writer = await asyncio.open_connection(*address, ssl=client_context(identity, policy))
        conn.send(("copy-started", time.perf_counter_ns()))
        cpu0 = cpu_seconds()
        with open(path, "rb") as f:
            while block := f.read(1 << 20):
                writer.write(block)
                await writer.drain()
        writer.close()
        await writer.wait_closed()
        conn.send(("cpu", cpu_seconds() - cpu0))
    asyncio.run(run())


def plain_copy(address_holder, identity_ws, identity_t, site_ca: str, path: Path,
               out: Path) -> tuple[float, float, float]:
    """(seconds, CPU seconds of the client, of the server) for a plain TLS copy of ``path``
    into ``out`` (flushed), the client in a child process."""
    done = threading.Event()
    result: dict[str, int] = {}

    async def serve() -> None:
        policy = PeerPolicy.expecting(Side.TERMINAL, load_ca_certificates([site_ca]))

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                while block := await reader.read(1 << 20):
                    os.write(fd, block)
                os.fsync(fd)
            finally:
                os.close(fd)
            result["end"] = time.perf_counter_ns()
            writer.close()
            done.set()

        server = await asyncio.start_server(handle, "127.0.0.1", 0,
                                            ssl=server_context(identity_ws, policy))
        address_holder.append(server.sockets[0].getsockname()[:2])
        while not done.is_set():
            await asyncio.sleep(0.05)
        server.close()

    thread = threading.Thread(target=lambda: asyncio.run(serve()), name="bench-plain-copy")
    thread.start()
    while not address_holder:
        time.sleep(0.01)
    parent, child = mp.Pipe()
    proc = mp.get_context("spawn").Process(
        target=plain_client, args=(address_holder[-1], identity_t, site_ca, str(path), child))
    proc.start()
    cpu0 = cpu_seconds()
    _, started = parent.recv()
    thread.join()
    server_cpu = cpu_seconds() - cpu0
    _, client_cpu = parent.recv()
    proc.join()
    return (result["end"] - started) / 1e9, client_cpu, server_cpu


# --- main ------------------------------------------------------------------------------------

def sha256_seconds_per_gb() -> float:
    block = os.urandom(1 << 20)
    h = hashlib.sha256()
    t0 = time.process_time()
    for _ in range(256):
        h.update(block)
    return (time.process_time() - t0) * 1e9 / (256 << 20)


def make_recording(path: Path, size: int) -> tuple[str, bytes]:
    """Write a recording as the recorder does: hashing every segment (here 1 MiB) as it goes;
    returns the file's SHA-256 and its packed piece map."""
    h = hashlib.sha256()
    block = os.urandom(1 << 20)
    lengths, digests = [], []
    with open(path, "wb") as f:
        for i in range(size >> 20):
            chunk = i.to_bytes(8, "big") + block[8:]
            f.write(chunk)
            h.update(chunk)
            lengths.append(len(chunk))
            digests.append(hashlib.sha256(chunk).digest())
    return h.hexdigest(), PieceMap(tuple(lengths), tuple(digests)).pack()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ink-seconds", type=float, default=10.0)
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", action="store_true",
                        help="print the CPU per GB of each thread of both ends in each round")
    parser.add_argument("--dir", type=Path, default=None, help="scratch directory (default: /tmp)")
    args = parser.parse_args()

    from tests.records.link.certs import LinkSite

    load_before = os.getloadavg()
    print(f"machine: {machine(ssl.OPENSSL_VERSION)}")
    scratch = Path(tempfile.mkdtemp(prefix="inkseal-bench-link-", dir=args.dir))
    site = LinkSite(scratch / "pki")
    id_ws = site.issue("bench-workstation", Kind.WORKSTATION)
    id_t = site.issue("bench-terminal", Kind.TERMINAL)
    arrivals = Arrivals()
    ws = WorkstationEndpoint(listen=("127.0.0.1", 0), identity=id_ws,
                             policy=PeerPolicy.expecting(Side.TERMINAL, (site.cert,)),
                             state_dir=scratch / "ws", station="bench-workstation",
                             on_event=arrivals.on_event)
    ws.start()
    parent, child = mp.Pipe()
    proc = mp.get_context("spawn").Process(
        target=terminal_process, args=(ws.address, id_t, str(site.ca_path), str(scratch / "t"), child))
    proc.start()
    try:
        deadline = time.monotonic() + 20
        while ws.status.state is not LinkState.CONNECTED:
            if time.monotonic() > deadline:
                raise TimeoutError("the terminal did not connect")
            time.sleep(0.05)

        print("live ink (terminal process -> workstation callback, loopback, mutual TLS 1.3):")
        parent.send(("ink", args.ink_seconds, 1))
        _, sent = parent.recv()
        arrivals.wait(lambda: len(arrivals.ink.get(1, [])) >= sent, timeout=30)
        ink_report("alone", arrivals.ink[1], sent)

        size = args.size_mb << 20
        recording = scratch / "recording.bin"
        t0 = time.perf_counter()
        digest, packed = make_recording(recording, size)
        print(f"upload of a {args.size_mb} MiB recording (written in {time.perf_counter() - t0:.1f} s):")

        # Ink while the recording uploads: previews and chunks must not hold it back.
        parent.send(("upload", str(recording), digest, packed))
        _, started = parent.recv()
        parent.send(("ink", min(args.ink_seconds, 5.0), 2))
        _, sent = parent.recv()
        arrivals.wait(lambda: len(arrivals.stored) >= 1, timeout=600)
        arrivals.wait(lambda: len(arrivals.ink.get(2, [])) >= sent, timeout=30)
        ink_report("during the upload", arrivals.ink[2], sent)

        link_times, plain_times, link_cpu, plain_cpu = [], [], [], []
        for _round in range(args.rounds):
            holder: list = []
            seconds, client_cpu, server_cpu = plain_copy(holder, id_ws, id_t, str(site.ca_path),
                                                         recording, scratch / "plain-copy.bin")
            cpu = client_cpu + server_cpu
            if args.threads:
                print(f"    round {_round + 1} plain TLS copy CPU s/GB: client "
                      f"{client_cpu / (size / 1e9):.2f}, server {server_cpu / (size / 1e9):.2f}")
            plain_times.append(seconds)
            plain_cpu.append(cpu)
            (scratch / "plain-copy.bin").unlink()
            expected = len(arrivals.stored) + 1
            parent.send(("cpu",))
            _, term_cpu0, term_threads0 = parent.recv()
            ws_cpu0, ws_threads0 = cpu_seconds(), thread_cpu()
            parent.send(("upload", str(recording), digest, packed))
            _, started = parent.recv()
            arrivals.wait(lambda n=expected: len(arrivals.stored) >= n, timeout=600)
            ws_cpu, ws_threads = cpu_seconds() - ws_cpu0, thread_delta(ws_threads0, thread_cpu())
            parent.send(("cpu",))
            _, term_cpu1, term_threads1 = parent.recv()
            link_cpu.append(ws_cpu + term_cpu1 - term_cpu0)
            if args.threads:
                gb = size / 1e9
                for side, threads in (("terminal", thread_delta(term_threads0, term_threads1)),
                                      ("workstation", ws_threads)):
                    busy = sorted(((v, f, k) for k, (v, f) in threads.items() if v >= 0.01 * gb),
                                  reverse=True)
                    print(f"    round {_round + 1} {side}, by thread: CPU s/GB (minor faults/GB): "
                          + ", ".join(f"{k} {v / gb:.2f} ({f / gb:.0f})" for v, f, k in busy))
            end, stored = arrivals.stored[-1]
            assert stored.ok and stored.sha256 == digest, stored
            stored.path.unlink()
            link_times.append((end - started) / 1e9)
        mb = size / 1e6
        for i, (lt, pt) in enumerate(zip(link_times, plain_times), 1):
            print(f"  round {i}: link {mb / lt:7.1f} MB/s ({lt:.2f} s), plain TLS copy "
                  f"{mb / pt:7.1f} MB/s ({pt:.2f} s)")
        ratio = min(plain_times) / min(link_times)
        print(f"  best link / best plain TLS copy: {ratio:.2f}  [target >= 0.8: "
              f"{'met' if ratio >= 0.8 else 'MISSED'}]")
        gb = size / 1e9
        print(f"  CPU seconds per GB, both ends together: link {min(link_cpu) / gb:.2f}, plain "
              f"TLS copy {min(plain_cpu) / gb:.2f}; the link's one SHA-256 pass (every piece, on "
              f"the receiver) alone costs {sha256_seconds_per_gb():.2f}")
    finally:
        parent.send(("stop",))
        proc.join(30)
        ws.stop()
        for path in sorted(scratch.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        scratch.rmdir()
    print(load_note(load_before, os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
