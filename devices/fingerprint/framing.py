"""Packet framing for the 0xEF01 protocol: encoding, and a resynchronising stream decoder.

The decoder never raises on input. It turns any byte stream into packets and ``Discarded``
runs (garbage, bad length, unknown identifier, bad checksum), so a noisy line costs skipped
bytes that are logged, never a crash. Every fed byte ends up in exactly one packet, one
discarded run, or the pending buffer.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from devices.fingerprint.protocol import DEFAULT_ADDRESS, HEADER, MAX_PAYLOAD, PacketKind

__all__ = ["DiscardReason", "Discarded", "Packet", "PacketFramer", "checksum"]

_PREFIX = 9  # header 2, address 4, identifier 1, length 2
_VALID_KINDS = frozenset(int(kind) for kind in PacketKind)


def checksum(kind: int, payload: bytes) -> int:
    """Sum of identifier, both length bytes and the payload, modulo 2**16."""
    length = len(payload) + 2
    return (kind + (length >> 8) + (length & 0xFF) + sum(payload)) & 0xFFFF


@dataclass(frozen=True)
class Packet:
    """One decoded or to-be-sent packet."""

    kind: PacketKind
    payload: bytes
    address: int = DEFAULT_ADDRESS

    def encode(self) -> bytes:
        """The exact bytes on the wire."""
        if len(self.payload) > MAX_PAYLOAD:
            raise ValueError(f"payload of {len(self.payload)} bytes is too long for one packet")
        length = len(self.payload) + 2
        return (HEADER + self.address.to_bytes(4, "big") + bytes([self.kind])
                + length.to_bytes(2, "big") + self.payload
                + checksum(self.kind, self.payload).to_bytes(2, "big"))

    @property
    def wire_size(self) -> int:
        return _PREFIX + len(self.payload) + 2

    @classmethod
    def command(cls, instruction: int, params: bytes = b"", address: int = DEFAULT_ADDRESS) -> Packet:
        """A command packet: instruction code then its parameters."""
        return cls(PacketKind.COMMAND, bytes([instruction]) + params, address)

    @classmethod
    def ack(cls, code: int, data: bytes = b"", address: int = DEFAULT_ADDRESS) -> Packet:
        """An acknowledge packet: confirmation code then returned parameters."""
        return cls(PacketKind.ACK, bytes([code]) + data, address)


class DiscardReason(StrEnum):
    GARBAGE = "garbage"              # bytes before any header
    BAD_LENGTH = "bad_length"        # a header whose length field is impossible
    UNKNOWN_KIND = "unknown_kind"    # a header whose packet identifier is not 01/02/07/08
    BAD_CHECKSUM = "bad_checksum"    # a complete candidate whose checksum does not add up
    STALE = "stale"                  # a partial packet abandoned after the line went quiet


@dataclass(frozen=True)
class Discarded:
    """A run of skipped bytes, with where it started in the stream and why it was skipped."""

    reason: DiscardReason
    data: bytes
    offset: int


class PacketFramer:
    """Incremental decoder: feed it bytes as they arrive, get packets and skipped runs back.

    On a candidate that turns out wrong it drops only the two header bytes and rescans, so a
    real packet hidden behind a false header (or inside a corrupted one) is still found.
    """

    def __init__(self, max_payload: int = MAX_PAYLOAD) -> None:
        self._buffer = bytearray()
        self._offset = 0          # stream position of self._buffer[0]
        self._max_length = max_payload + 2

    @property
    def pending(self) -> int:
        """Bytes held back because they may start a packet not yet complete."""
        return len(self._buffer)

    @property
    def offset(self) -> int:
        """Stream position of the first pending byte (bytes consumed so far)."""
        return self._offset

    def feed(self, data: bytes) -> list[Packet | Discarded]:
        """Add received bytes; return every packet and discarded run now complete, in order."""
        self._buffer += data
        out: list[Packet | Discarded] = []
        self._scan(out)
        return out

    def abandon_candidate(self) -> list[Packet | Discarded]:
        """Give up on the pending partial packet (the line went quiet) and rescan what follows."""
        out: list[Packet | Discarded] = []
        if self._buffer:
            self._drop(out, DiscardReason.STALE, min(2, len(self._buffer)))
            self._scan(out)
        return out

    def reset(self) -> list[Packet | Discarded]:
        """Drop everything pending (after a deliberate input flush); returns what was dropped."""
        out: list[Packet | Discarded] = []
        if self._buffer:
            self._drop(out, DiscardReason.STALE, len(self._buffer))
        return out

    def _drop(self, out: list[Packet | Discarded], reason: DiscardReason, count: int) -> None:
        chunk = bytes(self._buffer[:count])
        del self._buffer[:count]
        last = out[-1] if out else None
        if isinstance(last, Discarded) and last.reason is reason \
                and last.offset + len(last.data) == self._offset:
            out[-1] = Discarded(reason, last.data + chunk, last.offset)  # one run, one log line
        else:
            out.append(Discarded(reason, chunk, self._offset))
        self._offset += count

    def _scan(self, out: list[Packet | Discarded]) -> None:
        buf = self._buffer
        while buf:
            start = buf.find(HEADER)
            if start < 0:
                # Keep a trailing 0xEF: it may be the first half of a header.
                keep = 1 if buf[-1] == HEADER[0] else 0
                if len(buf) > keep:
                    self._drop(out, DiscardReason.GARBAGE, len(buf) - keep)
                return
            if start:
                self._drop(out, DiscardReason.GARBAGE, start)
            if len(buf) < _PREFIX:
                return
            kind = buf[6]
            length = int.from_bytes(buf[7:9], "big")
            if kind not in _VALID_KINDS:
                self._drop(out, DiscardReason.UNKNOWN_KIND, 2)
                continue
            minimum = 3 if kind in (PacketKind.COMMAND, PacketKind.ACK) else 2
            if not minimum <= length <= self._max_length:
                self._drop(out, DiscardReason.BAD_LENGTH, 2)
                continue
            total = _PREFIX + length
            if len(buf) < total:
                return
            payload = bytes(buf[_PREFIX:total - 2])
            if int.from_bytes(buf[total - 2:total], "big") != checksum(kind, payload):
                self._drop(out, DiscardReason.BAD_CHECKSUM, 2)
                continue
            address = int.from_bytes(buf[2:6], "big")
            del buf[:total]
            self._offset += total
            out.append(Packet(PacketKind(kind), payload, address))
