"""The serial link under any bytes at all: a packet, a typed error, never anything else."""

from __future__ import annotations

import threading

import pytest
import serial
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.fingerprint.errors import CaptureCancelled, FramingError, ReaderTimeout
from devices.fingerprint.framing import Packet
from devices.fingerprint.link import SerialLink
from devices.fingerprint.protocol import PacketKind


class ScriptedPort:
    """A port that hands out prepared chunks, then nothing (like a line gone quiet)."""

    port = "scripted"

    def __init__(self, chunks: list[bytes]) -> None:
        self.timeout: float | None = 0.05
        self._chunks = list(chunks)
        self.written: list[bytes] = []

    @property
    def in_waiting(self) -> int:
        return len(self._chunks[0]) if self._chunks else 0

    def read(self, size: int = 1) -> bytes:
        return self._chunks.pop(0) if self._chunks else b""

    def write(self, data: bytes) -> int:
        self.written.append(data)
        return len(data)

    def reset_input_buffer(self) -> None:
        pass

    def close(self) -> None:
        pass


@settings(max_examples=60, deadline=None)
@given(chunks=st.lists(st.binary(max_size=200), max_size=8))
def test_any_bytes_give_a_packet_or_a_typed_error(chunks: list[bytes]) -> None:
    link = SerialLink(ScriptedPort(chunks))  # type: ignore[arg-type]
    try:
        packet = link.receive(timeout_s=0.02)
    except (ReaderTimeout, FramingError) as exc:
        assert exc.reason in ("no_response", "truncated_packet", "bad_checksum")
    else:
        assert packet.kind is PacketKind.ACK


@settings(max_examples=30, deadline=None)
@given(noise=st.binary(max_size=300), code=st.integers(0, 255))
def test_an_answer_after_noise_is_found(noise: bytes, code: int) -> None:
    answer = Packet.ack(code, b"\x01\x02")
    link = SerialLink(ScriptedPort([noise, answer.encode()]))  # type: ignore[arg-type]
    try:
        got = link.receive(timeout_s=1.0)
    except FramingError:
        # Only possible when the noise ends in a false header that swallowed the answer and
        # the line then went quiet; the caller asks again.
        assert b"\xef\x01" in noise + answer.encode()[:2]
    else:
        assert got == answer or b"\xef\x01" in noise


def test_packets_for_other_addresses_and_unexpected_kinds_are_skipped() -> None:
    wanted = Packet.ack(0)
    port = ScriptedPort([Packet.ack(1, address=0x1234).encode(),
                         Packet(PacketKind.DATA, b"\0" * 8).encode(), wanted.encode()])
    link = SerialLink(port)  # type: ignore[arg-type]
    assert link.receive(timeout_s=1.0) == wanted
    assert link.stats.foreign_packets == 1 and link.stats.unexpected_packets == 1


def test_cancel_wins_over_waiting() -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(CaptureCancelled):
        SerialLink(ScriptedPort([])).receive(timeout_s=10, cancel=cancel)  # type: ignore[arg-type]


def test_commands_go_out_as_packets_for_our_address() -> None:
    port = ScriptedPort([])
    SerialLink(port, address=0x01020304).command(0x01)  # type: ignore[arg-type]
    assert port.written == [Packet.command(0x01, address=0x01020304).encode()]


def test_loop_url_round_trip() -> None:
    # pyserial's loop:// echoes writes: the link reads back its own command packet.
    port = serial.serial_for_url("loop://", timeout=0.05)
    try:
        link = SerialLink(port)
        link.send(Packet.command(0x0F))
        assert link.receive(timeout_s=1.0, expect=(PacketKind.COMMAND,)) == Packet.command(0x0F)
    finally:
        port.close()
