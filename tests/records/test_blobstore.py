"""The content-addressed blob store: hash-named files, atomic deduplicated writes, streamed
checked reads, corruption and absence reported as their own errors."""

from __future__ import annotations

import hashlib
import io
import os
import stat
from pathlib import Path

import pytest

from records.blobstore import CHUNK_SIZE, BlobStore, check_sha256
from records.errors import BlobCorrupted, BlobError, BlobNotFound, InvalidBlobId


@pytest.fixture
def store(tmp_path: Path) -> BlobStore:
    return BlobStore(tmp_path / "blobs")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_blob_is_stored_under_its_hash_and_read_back(store: BlobStore) -> None:
    data = b"%PDF-1.7\n" + bytes(range(256)) * 10
    info = store.put_bytes(data)
    assert info.sha256 == sha(data) and info.size == len(data) and info.added
    path = store.path_for(info.sha256)
    assert path == store.root / "sha256" / info.sha256[:2] / info.sha256
    assert path.read_bytes() == data
    assert store.read_bytes(info.sha256) == data
    assert store.exists(info.sha256) and store.size(info.sha256) == len(data)


def test_stored_blobs_are_read_only_and_no_temporary_file_is_left(store: BlobStore) -> None:
    info = store.put_bytes(b"evidence")
    mode = store.path_for(info.sha256).stat().st_mode
    assert not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert list((store.root / "incoming").iterdir()) == []


def test_the_same_bytes_are_kept_once(store: BlobStore) -> None:
    first = store.put_bytes(b"same")
    second = store.put_stream(io.BytesIO(b"same"))
    assert first.sha256 == second.sha256
    assert first.added and not second.added
    assert len(list((store.root / "sha256").rglob("*"))) == 2  # one fan-out dir, one file


def test_a_large_stream_goes_through_in_chunks(store: BlobStore, tmp_path: Path) -> None:
    size = 3 * CHUNK_SIZE + 17
    source = tmp_path / "large.bin"
    digest = hashlib.sha256()
    with open(source, "wb") as out:
        block = os.urandom(CHUNK_SIZE)
        written = 0
        while written < size:
            piece = block[: size - written]
            out.write(piece)
            digest.update(piece)
            written += len(piece)

    reads: list[int] = []

    class CountingReader(io.RawIOBase):
        def __init__(self) -> None:
            self.file = open(source, "rb")  # noqa: SIM115

        def readable(self) -> bool:
            return True

        def read(self, n: int = -1) -> bytes:
            reads.append(n)
            return self.file.read(n)

    reader = CountingReader()
    try:
        info = store.put_stream(reader)  # type: ignore[arg-type]
    finally:
        reader.file.close()
    assert info.sha256 == digest.hexdigest() and info.size == size
    assert reads and all(0 < n <= CHUNK_SIZE for n in reads)  # never "read everything"
    out = io.BytesIO()
    assert store.copy_to(info.sha256, out) == size
    assert hashlib.sha256(out.getvalue()).hexdigest() == info.sha256


def test_a_corrupted_blob_is_detected_on_read(store: BlobStore) -> None:
    info = store.put_bytes(b"the record as signed")
    path = store.path_for(info.sha256)
    os.chmod(path, 0o644)
    path.write_bytes(b"the record as forged")
    with pytest.raises(BlobCorrupted) as caught:
        store.read_bytes(info.sha256)
    error = caught.value
    assert error.reason == "blob_corrupted"
    assert error.expected == info.sha256
    assert error.actual == sha(b"the record as forged")
    assert error.path == str(path) and error.size == len(b"the record as forged")
    with pytest.raises(BlobCorrupted):
        store.verify(info.sha256)


def test_a_corrupted_large_blob_never_reaches_the_destination_whole(store: BlobStore) -> None:
    data = os.urandom(2 * CHUNK_SIZE + 5)
    info = store.put_bytes(data)
    path = store.path_for(info.sha256)
    os.chmod(path, 0o644)
    damaged = bytearray(data)
    damaged[-1] ^= 0xFF
    path.write_bytes(bytes(damaged))
    out = io.BytesIO()
    with pytest.raises(BlobCorrupted):
        store.copy_to(info.sha256, out)
    assert len(out.getvalue()) < len(data)


def test_a_truncated_blob_is_corrupted_too(store: BlobStore) -> None:
    info = store.put_bytes(b"0123456789")
    path = store.path_for(info.sha256)
    os.chmod(path, 0o644)
    path.write_bytes(b"01234")
    with pytest.raises(BlobCorrupted) as caught:
        store.read_bytes(info.sha256)
    assert caught.value.size == 5


def test_writing_good_bytes_again_repairs_a_damaged_copy(store: BlobStore) -> None:
    info = store.put_bytes(b"original")
    path = store.path_for(info.sha256)
    os.chmod(path, 0o644)
    path.write_bytes(b"damaged!")
    again = store.put_bytes(b"original")
    assert again.added
    assert store.read_bytes(info.sha256) == b"original"


def test_a_missing_blob_has_its_own_error(store: BlobStore) -> None:
    absent = sha(b"never stored")
    with pytest.raises(BlobNotFound) as caught:
        store.read_bytes(absent)
    assert caught.value.reason == "blob_not_found" and caught.value.sha256 == absent
    with pytest.raises(BlobNotFound):
        store.size(absent)
    assert not store.exists(absent)


def test_bytes_that_do_not_match_the_expected_hash_are_not_kept(store: BlobStore) -> None:
    expected = sha(b"what the terminal announced")
    with pytest.raises(BlobCorrupted) as caught:
        store.put_bytes(b"what arrived", expected_sha256=expected)
    assert caught.value.expected == expected
    assert not store.exists(sha(b"what arrived"))
    assert list((store.root / "incoming").iterdir()) == []


@pytest.mark.parametrize("bad", ["", "abc", "../" * 21 + "x", "A" * 64, "g" * 64, sha(b"") + "0"])
def test_a_blob_id_must_be_a_sha256(store: BlobStore, bad: str) -> None:
    with pytest.raises(InvalidBlobId):
        store.path_for(bad)
    with pytest.raises(InvalidBlobId):
        check_sha256(bad)


def test_an_unwritable_store_gives_a_blob_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_bytes(b"")
    with pytest.raises(BlobError) as caught:
        BlobStore(blocker / "blobs").put_bytes(b"x")
    assert caught.value.reason == "blob_write_failed"


def test_a_failing_source_leaves_nothing_behind(store: BlobStore) -> None:
    def chunks():
        yield b"first part"
        raise OSError(5, "Input/output error")

    with pytest.raises(BlobError):
        store.put_chunks(chunks())
    assert list((store.root / "incoming").iterdir()) == []
    assert not (store.root / "sha256").exists()


def test_export_writes_a_checked_copy(store: BlobStore, tmp_path: Path) -> None:
    info = store.put_bytes(b"sealed pdf")
    target = store.export(info.sha256, tmp_path / "out.pdf")
    assert target.read_bytes() == b"sealed pdf"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".export-")] == []
