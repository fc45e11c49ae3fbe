"""Recording uploads: whole pieces of a declared piece map, every piece (and so the whole)
verified, resumable after cuts and restarts."""

from __future__ import annotations

import hashlib
import struct

import pytest

from records.link import LinkState, UploadFinished, UploadProgress, UploadStored
from records.link.codec import decode_frame
from records.link.messages import UploadBegin
from records.link.pieces import PieceMap
from records.link.upload_store import UploadStore

from .conftest import Recorder

BLOCK = 1 << 16


class GeneratedSource:
    """Deterministic bytes made on the fly: block i is a random block stamped with i."""

    def __init__(self, size: int, seed: int = 7) -> None:
        self.size = size
        import random
        self._base = random.Random(seed).randbytes(BLOCK)
        self.reads = 0
        self.closed = False

    def _block(self, index: int) -> bytes:
        return struct.pack(">Q", index) + self._base[8:]

    def read(self, offset: int, length: int) -> bytes:
        self.reads += 1
        end = min(self.size, offset + length)
        out = bytearray()
        while offset < end:
            index, within = divmod(offset, BLOCK)
            piece = self._block(index)[within:within + end - offset]
            out += piece
            offset += len(piece)
        return bytes(out)

    def sha256(self) -> str:
        h = hashlib.sha256()
        for offset in range(0, self.size, 4 << 20):
            h.update(self.read(offset, 4 << 20))
        return h.hexdigest()

    def pieces(self, piece: int = 1 << 20) -> PieceMap:
        """The map a recorder would have kept: one hash per piece as it was written."""
        return PieceMap.of((min(piece, self.size - at),
                            hashlib.sha256(self.read(at, piece)).digest())
                           for at in range(0, self.size, piece))

    def close(self) -> None:
        self.closed = True


def _file_sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(4 << 20):
            h.update(block)
    return h.hexdigest()


def connected(ep) -> bool:
    return ep.status.state is LinkState.CONNECTED


@pytest.mark.slow
def test_a_200_mb_upload_cut_in_the_middle_resumes_where_it_stopped(endpoints, proxy_to):
    size = 200 << 20
    ws_rec, term_rec = Recorder(), Recorder()
    ws = endpoints.workstation(ws_rec)
    proxy = proxy_to(ws.address)
    term = endpoints.terminal(proxy.address, term_rec)
    term_rec.wait(lambda: connected(term))
    source = GeneratedSource(size)
    digest = source.sha256()
    proxy.cut_after_upstream(size // 2)
    begin = term.upload_source(source, name="recording.mkv", media_type="video/x-matroska",
                               sha256=digest, pieces=source.pieces(), upload_id="rec-200mb")
    ws_rec.wait(lambda: ws_rec.of(UploadStored), timeout=120, what="upload stored")
    term_rec.wait(lambda: term_rec.of(UploadFinished), timeout=10, what="sender told")
    (stored,) = ws_rec.of(UploadStored)
    assert stored.ok and stored.size == size and stored.sha256 == digest
    assert _file_sha256(stored.path) == digest
    assert proxy.cuts == 1
    resumes = [p.have for p in term_rec.of(UploadProgress) if p.action == "resume"]
    assert resumes[0] == 0 and len(resumes) >= 2
    assert size // 4 <= resumes[1] <= size // 2  # took up where the receiver stood
    assert resumes == sorted(resumes)  # never back to an earlier point
    (finished,) = term_rec.of(UploadFinished)
    assert finished.ok and source.closed
    assert size <= finished.sent_bytes < size + (40 << 20)  # resent only what was in flight
    assert begin.chunk_size == 1 << 20


def test_a_source_that_is_not_what_its_map_says_is_refused_and_never_stored(endpoints):
    ws_rec, term_rec = Recorder(), Recorder()
    ws = endpoints.workstation(ws_rec)
    term = endpoints.terminal(ws.address, term_rec)
    term_rec.wait(lambda: connected(term))
    source = GeneratedSource(3 << 20)
    real = source.pieces()
    digests = list(real.digests)
    digests[1] = hashlib.sha256(b"something else").digest()  # the second MiB changed since
    term.upload_source(source, name="r.mkv", media_type="video/x-matroska",
                       sha256=source.sha256(), pieces=PieceMap(real.lengths, tuple(digests)),
                       upload_id="changed")
    term_rec.wait(lambda: term_rec.of(UploadFinished), what="verdict")
    (finished,) = term_rec.of(UploadFinished)
    assert not finished.ok and finished.reason == "source-changed"
    rewinds = [p for p in term_rec.of(UploadProgress) if p.action == "rewind"]
    assert rewinds and rewinds[0].have == 1 << 20 and rewinds[0].reason == "piece-hash"
    assert not ws_rec.of(UploadStored)
    assert not (ws.state_dir / "uploads" / "changed.bin").exists()


def test_an_empty_file_uploads(endpoints, tmp_path):
    ws_rec, term_rec = Recorder(), Recorder()
    ws = endpoints.workstation(ws_rec)
    term = endpoints.terminal(ws.address, term_rec)
    term_rec.wait(lambda: connected(term))
    empty = tmp_path / "empty.bin"
    empty.write_bytes(b"")
    term.upload_file(empty, media_type="application/octet-stream")
    term_rec.wait(lambda: term_rec.of(UploadFinished), what="verdict")
    assert term_rec.of(UploadFinished)[0].ok
    assert ws_rec.of(UploadStored)[0].path.read_bytes() == b""


def test_a_restarted_workstation_continues_from_its_part_file(endpoints, proxy_to):
    size = 24 << 20
    ws_rec, term_rec = Recorder(), Recorder()
    ws = endpoints.workstation(ws_rec, fsync=True)
    proxy = proxy_to(ws.address)
    term = endpoints.terminal(proxy.address, term_rec)
    term_rec.wait(lambda: connected(term))
    source = GeneratedSource(size)
    digest = source.sha256()
    proxy.cut_after_upstream(size // 2)
    proxy.stall()  # hold the reconnection until the workstation is back
    proxy.resume()
    term.upload_source(source, name="r.mkv", media_type="video/x-matroska", sha256=digest,
                       pieces=source.pieces(), upload_id="across-restart")
    ws_rec.wait(lambda: proxy.cuts == 1, what="cut")
    proxy.stall()
    endpoints.stop(ws)
    part = ws.state_dir / "uploads" / "across-restart.part"
    kept = part.stat().st_size
    assert 0 < kept < size
    again_rec = Recorder()
    again = endpoints.workstation(again_rec)
    proxy.target = again.address
    proxy.resume()
    proxy.cut()
    again_rec.wait(lambda: again_rec.of(UploadStored), timeout=30, what="stored after restart")
    assert again_rec.of(UploadStored)[0].ok
    assert _file_sha256(again_rec.of(UploadStored)[0].path) == digest
    resumes = [p.have for p in term_rec.of(UploadProgress) if p.action == "resume"]
    assert resumes[-1] == kept


def test_a_restarted_terminal_takes_its_file_upload_up_again(endpoints, proxy_to, tmp_path):
    ws_rec = Recorder()
    ws = endpoints.workstation(ws_rec)
    proxy = proxy_to(ws.address)
    first = endpoints.terminal(proxy.address, Recorder())
    recording = tmp_path / "recording.bin"
    recording.write_bytes(GeneratedSource(16 << 20).read(0, 16 << 20))
    proxy.stall()
    upload_id = first.upload_file(recording, media_type="video/x-matroska")
    endpoints.stop(first)  # the terminal restarts before anything got through
    proxy.resume()
    proxy.cut()
    term_rec = Recorder()
    endpoints.terminal(proxy.address, term_rec)
    ws_rec.wait(lambda: ws_rec.of(UploadStored), timeout=30, what="stored")
    assert ws_rec.of(UploadStored)[0].upload_id == upload_id and ws_rec.of(UploadStored)[0].ok
    term_rec.wait(lambda: term_rec.of(UploadFinished), what="terminal told")
    assert not list((tmp_path / "term" / "outgoing").glob("*.json"))


# --- storage on its own ---------------------------------------------------------------------

def _begin(data: bytes, upload_id: str = "u1", chunk: int = 4) -> UploadBegin:
    pieces = PieceMap.of((len(data[at:at + chunk]), hashlib.sha256(data[at:at + chunk]).digest())
                         for at in range(0, len(data), chunk))
    return UploadBegin(upload_id=upload_id, name="n", media_type="m", size=len(data),
                       sha256=hashlib.sha256(data).hexdigest(), chunk_size=chunk,
                       pieces_sha256=pieces.sha256(), pieces=pieces.pack())


def test_storage_refuses_a_piece_whose_hash_does_not_match(tmp_path):
    store = UploadStore(tmp_path)
    data = b"abcdefgh"
    store.open(_begin(data))
    assert store.write("u1", 0, b"abcd").have == 4
    bad = store.write("u1", 4, b"efgX")
    assert bad.rejected == "piece-hash" and bad.have == 4
    stale = store.write("u1", 0, b"abcd")
    assert stale.have == 4 and not stale.rejected
    assert store.write("u1", 4, b"ef").rejected == "piece-boundary"
    last = store.write("u1", 4, b"efgh")
    assert last.complete and not last.finished
    done = store.finish("u1")
    assert done.finished and done.ok and done.path.read_bytes() == data


def test_storage_checks_several_pieces_of_one_chunk(tmp_path):
    store = UploadStore(tmp_path)
    data = bytes(range(40))
    store.open(_begin(data, chunk=8))
    assert store.write("u1", 0, data[:24]).have == 24  # three pieces at once
    assert store.write("u1", 24, data[24:32] + b"\x00" * 8).rejected == "piece-hash"
    assert store.write("u1", 24, data[24:]).complete


def test_storage_takes_a_part_file_up_after_a_restart(tmp_path):
    data = bytes(range(200))
    store = UploadStore(tmp_path)
    store.open(_begin(data, chunk=64))
    store.write("u1", 0, data[:64])
    store.close()
    with open(tmp_path / "u1.part", "ab") as torn:  # a crash in the middle of the next piece
        torn.write(data[64:100])
    again = UploadStore(tmp_path)
    found = again.lookup("u1")
    assert found is not None and found.have == 64 and not found.finished
    assert (tmp_path / "u1.part").stat().st_size == 64
    assert again.finish("u1") is None  # bytes still missing
    assert again.write("u1", 64, data[64:]).complete
    result = again.finish("u1")
    assert result.ok and result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.path.read_bytes() == data
    assert again.lookup("u1").finished
    assert again.lookup("unknown") is None


def test_storage_refuses_an_upload_id_reused_for_other_bytes(tmp_path):
    store = UploadStore(tmp_path)
    store.open(_begin(b"one"))
    with pytest.raises(Exception) as err:
        store.open(_begin(b"two"))
    assert getattr(err.value, "reason", "") == "conflict"


def test_a_file_is_mapped_in_one_pass_with_its_sha256(tmp_path):
    from records.link.pieces import map_file
    path = tmp_path / "f.bin"
    data = GeneratedSource((3 << 20) + 5).read(0, (3 << 20) + 5)
    path.write_bytes(data)
    pieces, digest = map_file(path)
    assert digest == hashlib.sha256(data).hexdigest()
    assert pieces.lengths == (1 << 20, 1 << 20, 1 << 20, 5) and pieces.size == len(data)
    assert pieces.index_at(2 << 20) == 2 and pieces.index_at(5) is None
    assert pieces.whole_pieces((2 << 20) + 7) == (2, 2 << 20)
    assert PieceMap.unpack(pieces.pack()) == pieces


# --- the upload yields to live ink -----------------------------------------------------------

def _chunks_out(term) -> int:
    """Upload chunks the terminal puts out now (the receiver reports nothing meanwhile)."""
    count = 0
    while (frame := term.next_frame()) is not None:
        count += decode_frame(frame).kind == "upload.chunk"
    return count


def test_while_ink_flows_the_upload_keeps_only_a_small_window_out():
    from records.link.ink import InkSample
    from records.link.messages import InkBatch
    from records.link.sides import INK_QUIET_NS
    from records.link.upload import LIVE_WINDOW, UPLOAD_WINDOW

    from .test_link_protocol import Pair

    pair = Pair()
    pair.connect()
    pair.pump()
    source = GeneratedSource(64 << 20)
    pair.term.start_upload(source, upload_id="u", name="r.mkv", media_type="video/x-matroska",
                           sha256="0" * 64, pieces=source.pieces())
    pair.term.send(InkBatch(record_id="r", turn=1, stroke=0, first=0, samples=(
        InkSample(x=1, y=2, pressure=3, tilt_x=0, tilt_y=0, device_time=0, host_ns=0),)))
    _, w_events = pair.pump()  # the announcement reaches the workstation; nothing is sent yet
    assert not any(isinstance(e, UploadStored) for e in w_events)
    pair.ws.upload_ready("u", 0)
    pair.term.receive(pair.ws.next_frame())
    assert pair.term.ink_live
    assert _chunks_out(pair.term) == LIVE_WINDOW >> 20  # ink flows: two chunks out at most
    pair.clock.advance(INK_QUIET_NS / 1e9)
    assert not pair.term.ink_live
    assert _chunks_out(pair.term) == (UPLOAD_WINDOW - LIVE_WINDOW) >> 20  # the pen rests
