"""Capture log, Merkle tree and BagIt figures, each against a baseline measured in the same run.

1. Appends per second with durability: the real CaptureLog (group commit, fdatasync per batch)
   from 1 and from 4 device threads; baselines: the same signed lines written one by one with
   an fdatasync after each, and with no fsync at all.  Target: 20,000 entries/s.
2. Verification speed of the log just written (every line's signature and link).
3. Merkle root over 10^5 and 10^6 leaves, streaming and with the proof-ready tree; baseline:
   hashing the same leaves once.
4. BagIt validation throughput on a 1 GiB payload file against ``sha256sum`` on the same file
   (target: ratio at least 0.8).  The file is made here and deleted afterwards.

Usage: .venv/bin/python bench/capture_log.py [--entries 50000] [--bag-mib 1024] [--quick]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _machine import machine  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from crypto.bagit import write_bag  # noqa: E402
from crypto.bagit_validate import validate_bag  # noqa: E402
from crypto.capture_log import CaptureLog, GroupCommit  # noqa: E402
from crypto.capture_log_entry import GENESIS_PREV, key_id, payload_json, sign_entry  # noqa: E402
from crypto.capture_log_verify import verify_log  # noqa: E402
from crypto.merkle import MerkleTree, tree_root  # noqa: E402


def payload(i: int) -> dict:
    # A pen stroke batch as the signing session logs it: ids, times, a short point summary.
    return {"stroke": i // 10, "batch": i, "t0_us": 1_000_000 + i * 100, "n": 20,
            "points_sha256": "5e" * 32}


def group_commit(path: Path, key: Ed25519PrivateKey, entries: int, threads: int,
                 commit: GroupCommit) -> float:
    with CaptureLog.open(path, key, "terminal-a", commit=commit) as log:
        def device(count: int, offset: int) -> None:
            for i in range(count):
                log.submit("pen.batch", payload(offset + i))

        started = time.perf_counter()
        workers = [threading.Thread(target=device, args=(entries // threads, n * entries))
                   for n in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        log.flush()
        elapsed = time.perf_counter() - started
    return (entries // threads * threads) / elapsed


def one_by_one(path: Path, key: Ed25519PrivateKey, entries: int, fsync: bool) -> float:
    """The same signed, chained lines, appended one by one: the simplest durable writer."""
    kid, prev = key_id(key.public_key()), GENESIS_PREV
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        started = time.perf_counter()
        for i in range(entries):
            data = payload(i)
            now = time.monotonic_ns()
            entry = sign_entry(key, kid=kid, seq=i, t_us=time.time_ns() // 1000,
                               mono_us=now // 1000, source="terminal-a", kind="pen.batch",
                               prev=prev, data=data, data_text=payload_json(data), blob=None)
            prev = entry.line_hash.hex()
            os.write(fd, entry.line + b"\n")
            if fsync:
                os.fdatasync(fd)
        return entries / (time.perf_counter() - started)
    finally:
        os.close(fd)


def appends(work: Path, entries: int, baseline_entries: int) -> None:
    key = Ed25519PrivateKey.generate()
    commit = GroupCommit()
    print(f"\n1. Appends per second with durability ({entries} entries of ~330 bytes)")
    print(f"   group commit: max_batch={commit.max_batch} entries, "
          f"max_delay_s={commit.max_delay_s} (the writer takes what is queued; entries "
          f"arriving during an fdatasync form the next batch), "
          f"max_pending={commit.max_pending}")
    sign_rate = _sign_rate(key)
    print(f"   Ed25519 signing alone, this machine: {sign_rate:,.0f} signatures/s "
          f"(every entry needs one, in chain order)")
    single = max(group_commit(work / f"g1-{r}.jsonl", key, entries, 1, commit) for r in range(2))
    multi = max(group_commit(work / f"g4-{r}.jsonl", key, entries, 4, commit) for r in range(2))
    per_line = one_by_one(work / "fsync-each.jsonl", key, baseline_entries, fsync=True)
    no_sync = one_by_one(work / "no-fsync.jsonl", key, entries, fsync=False)
    best = max(single, multi)
    print(f"   group commit, 1 device thread : {single:10,.0f} entries/s")
    print(f"   group commit, 4 device threads: {multi:10,.0f} entries/s")
    print(f"   baseline, fdatasync per line  : {per_line:10,.0f} entries/s ({baseline_entries} "
          f"entries)")
    print(f"   baseline, no fsync at all     : {no_sync:10,.0f} entries/s")
    print(f"   ratio group/fsync-per-line    : {best / per_line:10.1f}x")
    print(f"   ratio group/no-fsync          : {best / no_sync:10.2f}")
    print(f"   target 20,000 entries/s       : {'met' if best >= 20_000 else 'NOT met'} "
          f"({best:,.0f})")
    verify(work / "g1-0.jsonl", key)


def _sign_rate(key: Ed25519PrivateKey) -> float:
    message = b"x" * 330
    started = time.perf_counter()
    for _ in range(5000):
        key.sign(message)
    return 5000 / (time.perf_counter() - started)


def verify(path: Path, key: Ed25519PrivateKey) -> None:
    started = time.perf_counter()
    report = verify_log(path, key.public_key(), source="terminal-a")
    elapsed = time.perf_counter() - started
    assert report.ok, report.issue
    started = time.perf_counter()
    verify_log(path, key.public_key(), source="terminal-a", check_signatures=False)
    chain_only = time.perf_counter() - started
    n = len(report.entries)
    print(f"\n2. Verification of {n} lines: {n / elapsed:,.0f} lines/s with every signature "
          f"({elapsed:.2f} s); {n / chain_only:,.0f} lines/s form and chain only (reopen check)")


def merkle(sizes: list[int]) -> None:
    print("\n3. Merkle tree head (RFC 9162)")
    for n in sizes:
        leaves = [hashlib.sha256(i.to_bytes(8, "big")).digest() for i in range(n)]
        started = time.perf_counter()
        for leaf in leaves:
            hashlib.sha256(b"\x00" + leaf).digest()
        baseline = time.perf_counter() - started
        started = time.perf_counter()
        root = tree_root(leaves)
        streaming = time.perf_counter() - started
        started = time.perf_counter()
        tree = MerkleTree(leaves)
        built = time.perf_counter() - started
        assert tree.root() == root
        started = time.perf_counter()
        for index in range(0, n, max(1, n // 1000)):
            tree.inclusion_proof(index)
        proof = (time.perf_counter() - started) / len(range(0, n, max(1, n // 1000)))
        print(f"   {n:>9,} leaves: root {streaming:.3f} s streaming, {built:.3f} s building the "
              f"proof-ready tree; one inclusion proof {proof * 1e6:.0f} us; baseline (hash every "
              f"leaf once) {baseline:.3f} s, ratio {streaming / baseline:.2f}")


def bag(work: Path, mib: int) -> None:
    print(f"\n4. BagIt validation of a {mib} MiB payload file against sha256sum")
    source = work / "recording.mkv"
    block = os.urandom(16 << 20)
    with open(source, "wb") as handle:
        for i in range(mib // 16):
            handle.write(block[i % 7:] + block[:i % 7])  # not one block repeated verbatim
    bag_path = work / "bag"
    started = time.perf_counter()
    write_bag(bag_path, {"media/recording.mkv": source})
    written = time.perf_counter() - started
    source.unlink()
    member = bag_path / "data/media/recording.mkv"
    ours, theirs = [], []
    for _ in range(3):  # alternate, best of three: both read the same page-cached file
        started = time.perf_counter()
        report = validate_bag(bag_path)
        ours.append(time.perf_counter() - started)
        assert report.ok, report.problems
        started = time.perf_counter()
        subprocess.run(["sha256sum", str(member)], check=True, capture_output=True)
        theirs.append(time.perf_counter() - started)
    size = member.stat().st_size / (1 << 20)
    print(f"   writing the bag (copy + hash in one pass): {size / written:,.0f} MiB/s")
    print(f"   validate_bag: {size / min(ours):,.0f} MiB/s; sha256sum: {size / min(theirs):,.0f} "
          f"MiB/s; ratio {min(theirs) / min(ours):.2f} (target >= 0.8)")
    shutil.rmtree(bag_path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--bag-mib", type=int, default=1024)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args()
    entries = 5000 if args.quick else args.entries
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="inkseal-bench-", dir=os.environ.get("TMPDIR")) as tmp:
        work = Path(tmp)
        print(f"work directory: {work} ({_filesystem(work)})")
        appends(work, entries, baseline_entries=500 if args.quick else 3000)
        merkle([10_000] if args.quick else [100_000, 1_000_000])
        bag(work, 64 if args.quick else args.bag_mib)
    print(f"\nload average after the run: {', '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"(2 cores shared: figures above that are low may be load, not code)")


def _filesystem(path: Path) -> str:
    try:
        out = subprocess.run(["df", "-T", str(path)], capture_output=True, text=True, timeout=10)
        fields = out.stdout.splitlines()[-1].split()
        return f"{fields[1]} on {fields[0]}"
    except (OSError, IndexError, subprocess.SubprocessError):
        return "unknown filesystem"


if __name__ == "__main__":
    main()
