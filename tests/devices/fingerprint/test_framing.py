"""Packet framing: exact bytes of known packets, and a decoder that survives any input."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devices.fingerprint.framing import Discarded, DiscardReason, Packet, PacketFramer, checksum
from devices.fingerprint.protocol import Instruction, PacketKind


# Byte strings from the R503 user manual and the R30x examples.
@pytest.mark.parametrize("packet, wire", [
    (Packet.command(Instruction.GEN_IMG), "ef01ffffffff010003010005"),
    (Packet.command(Instruction.TEMPLATE_NUM), "ef01ffffffff0100031d0021"),
    (Packet.command(Instruction.READ_SYS_PARA), "ef01ffffffff0100030f0013"),
    (Packet.command(Instruction.UP_IMAGE), "ef01ffffffff0100030a000e"),
    (Packet.command(Instruction.READ_PROD_INFO), "ef01ffffffff0100033c0040"),
    (Packet.ack(0x00), "ef01ffffffff0700030000 0a".replace(" ", "")),
])
def test_known_packets_encode_to_the_manual_bytes(packet: Packet, wire: str) -> None:
    assert packet.encode().hex() == wire


def test_password_and_address_are_big_endian() -> None:
    wire = Packet.command(Instruction.VFY_PWD, (0x01020304).to_bytes(4, "big"), 0x0A0B0C0D).encode()
    assert wire[2:6] == bytes([0x0A, 0x0B, 0x0C, 0x0D])
    assert wire[7:9] == (7).to_bytes(2, "big")          # instruction + 4 + checksum 2
    assert wire[9:14] == bytes([0x13, 1, 2, 3, 4])
    assert int.from_bytes(wire[-2:], "big") == 0x01 + 0x07 + 0x13 + 1 + 2 + 3 + 4


def test_checksum_wraps_at_16_bits() -> None:
    payload = b"\xff" * 256
    assert checksum(PacketKind.DATA, payload) == (2 + 1 + 2 + 255 * 256) & 0xFFFF


def test_too_long_payload_is_refused() -> None:
    with pytest.raises(ValueError):
        Packet(PacketKind.DATA, b"\0" * 257).encode()


def test_decoder_finds_packets_fed_one_byte_at_a_time() -> None:
    packets = [Packet.ack(0, b"\x01\x02"), Packet(PacketKind.DATA, bytes(range(128))),
               Packet(PacketKind.END, b"\xaa" * 32, 0x12345678)]
    stream = b"".join(p.encode() for p in packets)
    framer = PacketFramer()
    out = [item for byte in stream for item in framer.feed(bytes([byte]))]
    assert out == packets
    assert framer.pending == 0


def test_garbage_before_a_packet_is_reported_with_its_offset() -> None:
    framer = PacketFramer()
    out = framer.feed(b"\x55\x00\x13" + Packet.ack(0).encode())
    assert out == [Discarded(DiscardReason.GARBAGE, b"\x55\x00\x13", 0), Packet.ack(0)]


def test_bad_checksum_is_skipped_and_the_next_packet_still_found() -> None:
    bad = bytearray(Packet.ack(0x02).encode())
    bad[-1] ^= 0xFF
    framer = PacketFramer()
    out = framer.feed(bytes(bad) + Packet.ack(0x00).encode())
    assert out[-1] == Packet.ack(0x00)
    reasons = [item.reason for item in out if isinstance(item, Discarded)]
    assert reasons[0] is DiscardReason.BAD_CHECKSUM
    assert sum(len(i.data) for i in out if isinstance(i, Discarded)) == len(bad)


def test_impossible_length_and_unknown_identifier_are_skipped() -> None:
    framer = PacketFramer()
    huge = b"\xef\x01\xff\xff\xff\xff\x02\x7f\xff"
    unknown = b"\xef\x01\xff\xff\xff\xff\x05\x00\x03"
    out = framer.feed(huge + unknown + Packet.ack(0).encode())
    assert out[-1] == Packet.ack(0)
    reasons = {item.reason for item in out if isinstance(item, Discarded)}
    assert {DiscardReason.BAD_LENGTH, DiscardReason.UNKNOWN_KIND} <= reasons


def test_a_false_header_that_swallows_a_packet_is_abandoned_when_the_line_goes_quiet() -> None:
    framer = PacketFramer()
    false_header = b"\xef\x01\xff\xff\xff\xff\x02\x01\x00"   # promises 256 more bytes
    real = Packet.ack(0x00).encode()
    assert [i for i in framer.feed(false_header + real) if isinstance(i, Packet)] == []
    assert framer.pending == len(false_header) + len(real)
    out = framer.abandon_candidate()
    assert out[-1] == Packet.ack(0x00)
    assert framer.pending == 0


def test_a_trailing_half_header_is_kept_for_the_next_read() -> None:
    framer = PacketFramer()
    wire = Packet.ack(0).encode()
    assert framer.feed(b"\x99" + wire[:1]) == [Discarded(DiscardReason.GARBAGE, b"\x99", 0)]
    assert framer.pending == 1
    assert framer.feed(wire[1:]) == [Packet.ack(0)]


def test_reset_drops_what_is_pending() -> None:
    framer = PacketFramer()
    framer.feed(Packet.ack(0).encode()[:5])
    dropped = framer.reset()
    assert [len(d.data) for d in dropped if isinstance(d, Discarded)] == [5]
    assert framer.pending == 0 and framer.offset == 5


# -- property-based ------------------------------------------------------------------------

packet_strategy = st.builds(
    Packet,
    kind=st.sampled_from(list(PacketKind)),
    payload=st.binary(min_size=1, max_size=256),
    address=st.integers(0, 0xFFFFFFFF),
)


def _accounted(items: list[Packet | Discarded]) -> int:
    return sum(len(i.data) if isinstance(i, Discarded) else i.wire_size for i in items)


@given(chunks=st.lists(st.binary(max_size=300), max_size=20))
def test_random_bytes_never_raise_and_every_byte_is_accounted_for(chunks: list[bytes]) -> None:
    framer = PacketFramer()
    out: list[Packet | Discarded] = []
    for chunk in chunks:
        out += framer.feed(chunk)
    assert _accounted(out) + framer.pending == sum(map(len, chunks))
    out += framer.abandon_candidate()
    while framer.pending > 1:
        before = framer.pending
        out += framer.abandon_candidate()
        assert framer.pending < before
    assert _accounted(out) + framer.pending == sum(map(len, chunks))


@given(packets=st.lists(packet_strategy, min_size=1, max_size=8), data=st.data())
def test_valid_packets_survive_any_chunking(packets: list[Packet], data: st.DataObject) -> None:
    stream = b"".join(p.encode() for p in packets)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=10)))
    framer = PacketFramer()
    out: list[Packet | Discarded] = []
    previous = 0
    for cut in [*cuts, len(stream)]:
        out += framer.feed(stream[previous:cut])
        previous = cut
    assert out == packets


fake_header = st.builds(
    lambda kind, length, tail: b"\xef\x01\xff\xff\xff\xff" + bytes([kind]) + length.to_bytes(2, "big") + tail,
    kind=st.integers(0, 255), length=st.integers(0, 0xFFFF), tail=st.binary(max_size=40))


@settings(derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(garbage=st.lists(st.one_of(st.binary(max_size=60), fake_header), max_size=6),
       packets=st.lists(packet_strategy, min_size=1, max_size=5))
def test_packets_after_garbage_and_false_headers_are_recovered(garbage: list[bytes],
                                                                packets: list[Packet]) -> None:
    noise = b"".join(garbage)
    framer = PacketFramer()
    out = framer.feed(noise + b"".join(p.encode() for p in packets))
    while framer.pending:  # the link does this whenever the line goes quiet
        out += framer.abandon_candidate()
    found = [i for i in out if isinstance(i, Packet)]
    # The real packets come out, in order, at the end (garbage may hold a valid-looking packet).
    assert found[len(found) - len(packets):] == packets
