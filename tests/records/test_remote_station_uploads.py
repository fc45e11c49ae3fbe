"""How RemoteStation adopts an uploaded file into the blob store: by link when its bytes are
proven (cut along the recording's logged segments), hashed whole otherwise."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from records.blobstore import BlobStore
from records.link import UploadStored
from records.remote_station import RemoteStation
from records.session_types import StationError


def _station(tmp_path: Path) -> RemoteStation:
    return RemoteStation("terminal-1", log_key=Ed25519PrivateKey.generate().public_key(),
                         capture_dir=tmp_path / "capture", media_dir=tmp_path / "media",
                         blobs=BlobStore(tmp_path / "blobs"))


def _upload(tmp_path: Path, data: bytes, claimed: str) -> UploadStored:
    path = tmp_path / "uploads" / "u1.bin"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return UploadStored("u1", True, path, len(data), claimed, "")


def test_an_upload_not_proven_piece_by_piece_is_hashed_and_refused_when_it_lies(tmp_path):
    station = _station(tmp_path)
    lie = hashlib.sha256(b"other bytes").hexdigest()
    with pytest.raises(StationError) as err:
        station._adopt(_upload(tmp_path, b"recorded bytes", lie), "r.mkv", verified=False)
    assert err.value.reason == "upload_corrupt"
    assert not station.blobs.exists(lie)
    assert not (tmp_path / "media" / "r.mkv").exists()


def test_an_upload_not_proven_piece_by_piece_is_adopted_once_its_hash_is_checked(tmp_path):
    station = _station(tmp_path)
    data = b"recorded bytes"
    digest = hashlib.sha256(data).hexdigest()
    named = station._adopt(_upload(tmp_path, data, digest), "r.mkv", verified=False)
    assert named.read_bytes() == data and station.blobs.read_bytes(digest) == data
