"""The journal: what a side must remember across a crash, and nothing it must not."""

from __future__ import annotations

import pytest

from records.link.errors import LinkConfigError
from records.link.journal import COMPACT_AFTER, Journal


def _fill(journal: Journal, n: int, size: int = 10) -> None:
    for i in range(n):
        journal.append(f'{{"k":"log.entry","i":{i}}}'.encode(), bytes(size), durable=i % 2 == 0)


def test_pending_messages_and_counters_survive_reopening(tmp_path):
    path = tmp_path / "side.journal"
    j = Journal(path)
    j.start_session("s-1")
    _fill(j, 5)
    j.mark_acked(2)
    j.mark_delivered(7)
    j.close()
    again = Journal(path)
    assert again.session == "s-1"
    assert [e.seq for e in again.pending()] == [3, 4, 5]
    assert again.pending()[0].header == b'{"k":"log.entry","i":2}'
    assert (again.acked, again.delivered, again.next_seq) == (2, 7, 6)
    again.close()


def test_a_torn_tail_is_cut_off_and_the_rest_kept(tmp_path):
    path = tmp_path / "side.journal"
    j = Journal(path)
    j.start_session("s-1")
    _fill(j, 3)
    j.close()
    whole = path.read_bytes()
    path.write_bytes(whole[:-4])  # the process died in the middle of the last record
    again = Journal(path)
    assert [e.seq for e in again.pending()] == [1, 2]
    assert path.stat().st_size < len(whole) - 4
    _fill(again, 1)  # appending after the cut works and survives
    again.close()
    assert [e.seq for e in Journal(path).pending()] == [1, 2, 3]


def test_a_corrupt_record_ends_the_replay_there(tmp_path):
    path = tmp_path / "side.journal"
    j = Journal(path)
    j.start_session("s-1")
    _fill(j, 3)
    j.close()
    data = bytearray(path.read_bytes())
    data[-3] ^= 0xFF  # a flipped bit in the last record's body fails its CRC
    path.write_bytes(bytes(data))
    assert [e.seq for e in Journal(path).pending()] == [1, 2]


def test_the_file_is_compacted_once_everything_is_acknowledged(tmp_path):
    path = tmp_path / "side.journal"
    j = Journal(path, fsync=False)
    j.start_session("s-1")
    _fill(j, 40, size=COMPACT_AFTER // 32)
    assert path.stat().st_size > COMPACT_AFTER
    j.mark_acked(40)
    assert path.stat().st_size < 200
    assert j.backlog == 0 and j.next_seq == 41
    j.close()
    again = Journal(path)
    assert (again.session, again.next_seq, again.backlog) == ("s-1", 41, 0)


def test_a_new_session_renumbers_what_is_pending(tmp_path):
    j = Journal(tmp_path / "side.journal")
    j.start_session("old")
    _fill(j, 4)
    j.mark_acked(2)
    j.mark_delivered(9)
    j.start_session("new")
    assert [e.seq for e in j.pending()] == [1, 2]
    assert (j.acked, j.delivered, j.next_seq) == (0, 0, 3)


def test_rebase_follows_a_peer_that_lost_acknowledged_messages():
    j = Journal()
    j.start_session("s")
    _fill(j, 5)
    j.mark_acked(4)
    assert j.rebase(2) == 2
    assert [e.seq for e in j.pending()] == [3] and j.next_seq == 4


def test_a_memory_journal_needs_no_files():
    j = Journal()
    _fill(j, 2)
    assert j.backlog == 2
    j.mark_acked(2)
    assert j.backlog == 0
    j.close()


def test_a_receiving_side_keeps_its_journal_small(tmp_path):
    path = tmp_path / "side.journal"
    j = Journal(path, fsync=False)
    j.start_session("s")
    for seq in range(1, 120_000):
        j.mark_delivered(seq)
    assert path.stat().st_size <= COMPACT_AFTER + 64
    j.close()
    assert Journal(path).delivered == 119_999


def test_two_endpoints_cannot_share_one_journal(tmp_path):
    first = Journal(tmp_path / "side.journal")
    with pytest.raises(LinkConfigError) as err:
        Journal(tmp_path / "side.journal")
    assert err.value.reason == "state-in-use"
    first.close()
    Journal(tmp_path / "side.journal").close()
