"""Write-behind of a received upload: windows pushed to disk and dropped, bytes intact."""

from __future__ import annotations

import os
import sys

import pytest

from records.link.write_behind import WriteBehind

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="sync_file_range")


def _append(fd: int, behind: WriteBehind, blocks: list[bytes]) -> int:
    end = os.lseek(fd, 0, os.SEEK_END)
    for block in blocks:
        end += os.write(fd, block)
        behind.wrote(end)
    return end


@linux_only
def test_windows_are_written_back_then_dropped_one_window_behind(tmp_path):
    fd = os.open(tmp_path / "up.part", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        behind = WriteBehind(fd, 0, window=1 << 20)
        assert behind.enabled
        blocks = [bytes([i]) * (256 << 10) for i in range(4 * 5 + 2)]  # 5.5 MiB in quarters
        end = _append(fd, behind, blocks)
        assert end == 22 * (256 << 10)
        # Writeback asked for every whole MiB; what lies a window behind is dropped.
        assert behind.started == 5 << 20
        assert behind.dropped == 4 << 20
        assert os.pread(fd, end, 0) == b"".join(blocks)  # dropping is from the cache, not the file
    finally:
        os.close(fd)


@linux_only
def test_a_part_file_taken_up_midway_starts_from_where_it_stands(tmp_path):
    fd = os.open(tmp_path / "up.part", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        os.write(fd, b"a" * (3 << 20))
        behind = WriteBehind(fd, 3 << 20, window=1 << 20)
        behind.wrote(3 << 20)  # nothing new yet
        assert (behind.started, behind.dropped) == (3 << 20, 3 << 20)
        _append(fd, behind, [b"b" * (1 << 20), b"c" * (1 << 20)])
        assert (behind.started, behind.dropped) == (5 << 20, 4 << 20)
    finally:
        os.close(fd)


def test_a_descriptor_that_cannot_be_written_back_turns_it_off_quietly():
    read_end, write_end = os.pipe()
    try:
        behind = WriteBehind(write_end, 0, window=4)
        behind.wrote(8)  # a pipe has no file range: ESPIPE
        assert not behind.enabled
        behind.wrote(16)  # and stays off without another attempt
        assert behind.started == 0
    finally:
        os.close(read_end)
        os.close(write_end)
