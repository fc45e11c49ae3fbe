"""The shape every link message shares: delivery classes, field checks, header and payload.

A message class names its ``KIND`` on the wire, which side may send it (``SENDER``), and how
it is delivered (``DELIVERY``). Fields map one to one onto header keys (int, str, bool or a
tuple of them), except the one field marked as payload, which travels as the frame's binary
attachment. Construction checks every field, so a message that exists is a valid one.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, ClassVar

from records.link.errors import CloseReason, ProtocolViolation
from records.link.ink import pack_samples, unpack_samples
from records.link.peers import Side

__all__ = ["MAX_TEXT", "Delivery", "Message", "build_message", "one_of", "payload_field"]

MAX_TEXT = 4096
_HEX64 = re.compile(r"[0-9a-f]{64}\Z")


class Delivery(Enum):
    """How a message is delivered; decides sequencing, journaling and send priority."""

    CONTROL = "control"    # unsequenced, sent first (handshake, acks, heartbeats, upload steering)
    DURABLE = "durable"    # sequenced, journaled and flushed to disk before it is sent
    RELIABLE = "reliable"  # sequenced, journaled (live ink: the capture log holds it durably)
    PREVIEW = "preview"    # unsequenced, only the newest waits, dropped while the link is down
    BULK = "bulk"          # unsequenced, sent when nothing else waits (upload chunks)

    @property
    def sequenced(self) -> bool:
        """True for kinds that carry a session sequence number and are never lost."""
        return self in (Delivery.DURABLE, Delivery.RELIABLE)


def payload_field(*, view: bool = False, **kw: Any) -> Any:
    """Mark the dataclass field that travels as the frame's payload; ``view``: a received one
    stays a view of the frame (bulk data handed on at once, never kept), not a copy."""
    return field(metadata={"payload": True, "view": view}, repr=False, **kw)


@dataclass(frozen=True)
class Message:
    """Base of all messages; subclasses set KIND, SENDER (None: either side) and DELIVERY."""

    KIND: ClassVar[str] = ""
    SENDER: ClassVar[Side | None] = None
    DELIVERY: ClassVar[Delivery] = Delivery.CONTROL
    MAX_PAYLOAD: ClassVar[int] = 0

    def __post_init__(self) -> None:
        for name, kind in _schema(type(self)).items():
            value = getattr(self, name)
            if kind is bytes and not isinstance(value, bytes) and not (
                    isinstance(value, memoryview) and _is_view(type(self), name)):
                raise ValueError(f"{self.KIND}.{name} must be bytes")
            if kind is str and (not isinstance(value, str) or len(value) > MAX_TEXT):
                raise ValueError(f"{self.KIND}.{name} must be text of at most {MAX_TEXT} characters")
            if kind is int and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ValueError(f"{self.KIND}.{name} must be a whole number >= 0")
            if kind is bool and not isinstance(value, bool):
                raise ValueError(f"{self.KIND}.{name} must be true or false")
            if typing.get_origin(kind) is tuple:
                item = _item_type(kind)
                if not isinstance(value, tuple) or not all(isinstance(v, item) for v in value):
                    raise ValueError(f"{self.KIND}.{name} must be a tuple of {item.__name__}")
            if name == "sha256" or name.endswith("_sha256"):
                if not _HEX64.match(value):
                    raise ValueError(f"{self.KIND}.{name} must be 64 lower-case hex digits")
        payload = self.payload()
        if len(payload) > self.MAX_PAYLOAD:
            raise ValueError(f"{self.KIND} payload of {len(payload)} bytes exceeds {self.MAX_PAYLOAD}")
        self.validate()

    def validate(self) -> None:
        """Checks beyond field types; raise ValueError naming the field."""

    def payload(self) -> bytes:
        """The frame attachment of this message (empty for header-only kinds)."""
        name = _payload_field(type(self))
        if name is None:
            return b""
        value = getattr(self, name)
        return pack_samples(value) if isinstance(value, tuple) else value

    def header_fields(self) -> dict[str, Any]:
        """The header fields (without the kind) as JSON values."""
        out: dict[str, Any] = {}
        schema, payload = _spec(type(self))
        for name in schema:
            if name != payload:
                value = getattr(self, name)
                out[name] = list(value) if isinstance(value, tuple) else value
        return out


_SCHEMAS: dict[type, tuple[dict[str, Any], str | None, bool]] = {}


def _spec(cls: type[Message]) -> tuple[dict[str, Any], str | None]:
    """(field name -> type, payload field name) of a message class, worked out once."""
    schema, payload, _ = _spec_of(cls)
    return schema, payload


def _spec_of(cls: type[Message]) -> tuple[dict[str, Any], str | None, bool]:
    """The class's schema and payload field, and whether a received payload stays a view."""
    if cls not in _SCHEMAS:
        hints = typing.get_type_hints(cls)
        fields = dataclasses.fields(cls)
        payload = next((f for f in fields if f.metadata.get("payload")), None)
        _SCHEMAS[cls] = ({f.name: hints[f.name] for f in fields},
                         payload.name if payload else None,
                         bool(payload and payload.metadata.get("view")))
    return _SCHEMAS[cls]


def _is_view(cls: type[Message], name: str) -> bool:
    """Is ``name`` the payload field that a received message keeps as a view?"""
    _, payload, view = _spec_of(cls)
    return view and name == payload


def _schema(cls: type[Message]) -> dict[str, Any]:
    return _spec(cls)[0]


def _payload_field(cls: type[Message]) -> str | None:
    return _spec(cls)[1]


def one_of(kind: str, name: str, value: str, allowed: tuple[str, ...]) -> None:
    """Raise ValueError unless ``value`` is one of ``allowed``."""
    if value not in allowed:
        raise ValueError(f"{kind}.{name} must be one of {', '.join(allowed)}, not {value!r}")




def _item_type(kind: Any) -> type:
    (item,) = {a for a in typing.get_args(kind) if a is not Ellipsis}
    return item


def _coerce(cls: type[Message], name: str, kind: Any, value: Any) -> Any:
    if typing.get_origin(kind) is tuple:
        item = _item_type(kind)
        if not isinstance(value, list) or not all(
                isinstance(v, item) and not isinstance(v, bool) for v in value):
            raise ValueError(f"{cls.KIND}.{name} must be a list of {item.__name__}")
        return tuple(value)
    return value


def build_message(cls: type[Message], fields: dict[str, Any],
                  payload: bytes | memoryview) -> Message:
    """A message of ``cls`` from decoded header fields and payload, or ``ProtocolViolation``."""
    schema, pname = _spec(cls)
    expected = {name for name in schema if name != pname}
    if set(fields) != expected:
        missing, extra = expected - set(fields), set(fields) - expected
        raise ProtocolViolation(CloseReason.MALFORMED, f"{cls.KIND}: missing {sorted(missing)}, "
                                f"unexpected {sorted(extra)}")
    if pname is None and payload:
        raise ProtocolViolation(CloseReason.MALFORMED, f"{cls.KIND} carries no payload")
    try:
        values = {name: _coerce(cls, name, schema[name], value) for name, value in fields.items()}
        if pname is not None:
            if typing.get_origin(schema[pname]) is tuple:
                values[pname] = unpack_samples(payload)
            else:
                values[pname] = payload if _is_view(cls, pname) else bytes(payload)
        return cls(**values)
    except (TypeError, ValueError) as exc:
        raise ProtocolViolation(CloseReason.MALFORMED, str(exc)) from None
