"""Blob store throughput and memory: a large file in, again (deduplicated), checked out.

For a file of --size-mib MiB of random bytes, measures wall time, MB/s and the peak of Python
memory (tracemalloc) of:
  - baseline: hash the file with hashlib and copy it with shutil (what any copy must do);
  - put_file (stream in through the hash, fsync, rename);
  - put_file again (deduplicated: hashed, the stored copy checked, nothing added);
  - verify (read back through the hash check);
  - copy_to (checked copy out to a file).
The store must stay within a few chunks of memory whatever the file size.

Usage: .venv/bin/python bench/blobstore.py [--size-mib 512] [--dir DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _machine import machine  # noqa: E402

from records.blobstore import CHUNK_SIZE, BlobStore  # noqa: E402


def measure(label: str, size: int, work: Callable[[], object]) -> float:
    tracemalloc.start()
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:<28} {seconds:7.2f} s  {size / seconds / 1e6:8.1f} MB/s  "
          f"peak Python memory {peak / 2**20:6.1f} MiB")
    return seconds


def baseline(source: Path, target: Path) -> None:
    digest = hashlib.sha256()
    with open(source, "rb") as stream:
        for chunk in iter(lambda: stream.read(CHUNK_SIZE), b""):
            digest.update(chunk)
    shutil.copyfile(source, target)
    with open(target, "rb") as out:
        os.fsync(out.fileno())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=512)
    parser.add_argument("--dir", type=Path, default=None, help="where to write (default: /tmp)")
    args = parser.parse_args()
    size = args.size_mib * 2**20
    print(f"machine: {machine()}")
    print(f"file: {args.size_mib} MiB of random bytes, chunk {CHUNK_SIZE // 2**10} KiB")
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        root = Path(folder)
        source = root / "source.bin"
        with open(source, "wb") as out:
            block = os.urandom(CHUNK_SIZE)
            for index in range(size // CHUNK_SIZE):
                out.write(index.to_bytes(8, "big") + block[8:])
        store = BlobStore(root / "store")
        base = measure("baseline hash + copy", size, lambda: baseline(source, root / "copy.bin"))
        put = measure("put_file", size, lambda: store.put_file(source))
        info = store.put_file(source)
        again = measure("put_file again (dedup)", size, lambda: store.put_file(source))
        verify = measure("verify", size, lambda: store.verify(info.sha256))

        def copy_out() -> None:
            with open(root / "out.bin", "wb") as out:
                store.copy_to(info.sha256, out)

        copy = measure("copy_to", size, copy_out)
    print(f"ratios against the baseline: put {put / base:.2f}x, dedup put {again / base:.2f}x, "
          f"verify {verify / base:.2f}x, copy_to {copy / base:.2f}x")


if __name__ == "__main__":
    main()
