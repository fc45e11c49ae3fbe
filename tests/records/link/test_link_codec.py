"""The frame codec and the message schema: one encoding per message, anything else refused."""

from __future__ import annotations

import hashlib
import json
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from records.link.codec import (
    ENVELOPE,
    canonical_json,
    decode_frame,
    encode_frame,
    parse_canonical_json,
)
from records.link.errors import CloseReason, ProtocolViolation
from records.link.ink import INK_RECORD, InkSample, pack_samples, unpack_samples
from records.link.messages import (
    MESSAGE_TYPES,
    Beat,
    Hello,
    InkBatch,
    LogEntry,
    PageView,
    PreviewFrame,
    RecordConfirm,
    RecordOffer,
    SignatureResult,
    UploadBegin,
    UploadChunk,
    UploadStatus,
    message_from_frame,
    message_header,
)
from records.link.pieces import PieceMap

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 4
EVIDENCE = b'{"bundle": "encrypted for the archive key"}'
HASH = "ab" * 32

MAP = PieceMap.of([(4, HASH), (4, HASH), (2, HASH)]).pack()

EXAMPLES = [
    Hello(versions=(1,), role="terminal", station="审讯室-3", session="", delivered=0,
          caps=("ink", "preview")),
    Beat(sent_ns=123),
    RecordOffer(record_id="r-1", title="讯问笔录", sha256=hashlib.sha256(PDF).hexdigest(),
                size=len(PDF), pages=3, pdf=PDF),
    RecordConfirm(record_id="r-1", sha256=HASH, accepted=False, reason="hash-mismatch"),
    PageView(record_id="r-1", field_name="Sig_4_suspect", page=2, shown_ms=1500),
    InkBatch(record_id="r-1", turn=1, stroke=4, first=17,
             samples=(InkSample(1, 2, 3, -4, 5, 6, 7), InkSample(-8, 9, 65535, 0, 0, 2**40, 0))),
    PreviewFrame(at_ns=5, width=320, height=240, jpeg=b"\xff\xd8\xff\xe0jpeg"),
    SignatureResult(record_id="r-1", turn=1, field_name="Sig_4_suspect", outcome="signed",
                    simulated=True, reason="", message_zh="", message_en="",
                    result_sha256=hashlib.sha256(EVIDENCE).hexdigest(), result=EVIDENCE),
    SignatureResult(record_id="r-1", turn=2, field_name="Sig_5", outcome="failed",
                    simulated=False, reason="pad_unplugged", message_zh="签名板已断开",
                    message_en="the pad was unplugged", result_sha256=hashlib.sha256(b"").hexdigest(),
                    result=b""),
    LogEntry(log_id="log", index=0, entry=b"\x00opaque\xff"),
    UploadBegin(upload_id="up-1", name="rec.mkv", media_type="video/x-matroska", size=10,
                sha256=HASH, chunk_size=4, pieces_sha256=hashlib.sha256(MAP).hexdigest(),
                pieces=MAP),
    UploadChunk(upload_id="up-1", offset=4, data=b"data"),
    UploadStatus(upload_id="up-1", have=4, action="rewind", reason="piece-hash"),
]


def _frame(message, n=1, s=0, a=0) -> bytes:
    return encode_frame(n, s, a, canonical_json(message_header(message)), message.payload())


@pytest.mark.parametrize("message", EXAMPLES, ids=lambda m: m.KIND)
def test_every_example_round_trips_byte_for_byte(message):
    data = _frame(message, n=7, s=3, a=2)
    frame = decode_frame(data)
    assert (frame.n, frame.s, frame.a, frame.kind) == (7, 3, 2, message.KIND)
    back = message_from_frame(frame.kind, frame.fields, frame.payload)
    assert back == message
    assert _frame(back, n=7, s=3, a=2) == data


def test_every_message_kind_is_registered_once():
    assert len(MESSAGE_TYPES) == 23
    assert all(cls.KIND == kind for kind, cls in MESSAGE_TYPES.items())


def test_the_envelope_is_32_bytes_big_endian_with_magic():
    data = encode_frame(1, 2, 3, b'{"k":"ack"}')
    assert data[:4] == b"IK\x01\x00" and ENVELOPE.size == 32
    assert struct.unpack(">QQQI", data[4:32]) == (1, 2, 3, len(b'{"k":"ack"}'))


@pytest.mark.parametrize("mutate,offset,words", [
    (lambda d: b"XX" + d[2:], 0, "magic"),
    (lambda d: d[:2] + b"\x02" + d[3:], 2, "wire format"),
    (lambda d: d[:3] + b"\x01" + d[4:], 3, "flags"),
    (lambda d: d[:4] + bytes(8) + d[12:], 4, "frame number 0"),
    (lambda d: d[:28] + struct.pack(">I", 10**6) + d[32:], 28, "header length"),
    (lambda d: d[:10], 10, "shorter than"),
])
def test_broken_envelopes_are_refused_with_the_byte_at_fault(mutate, offset, words):
    data = _frame(Beat(sent_ns=1))
    with pytest.raises(ProtocolViolation) as err:
        decode_frame(mutate(data))
    assert err.value.close_reason is CloseReason.MALFORMED
    assert err.value.offset == offset and words in str(err.value)


@pytest.mark.parametrize("header,words", [
    (b'{"k":"beat","sent_ns":1.5}', "not an integer"),
    (b'{"k":"beat","k":"beat"}', "duplicate key"),
    (b'{"sent_ns":1, "k":"beat"}', "canonical"),
    (b'{"sent_ns":1,"k":"beat"}', "canonical"),
    (b'{"k":"be\\u0061t"}', "canonical"),
    (b'["k"]', "not a JSON object"),
    (b'{"k":"beat"', "not JSON"),
    (b'\xff{}', "not UTF-8"),
    (b'{"k":"\\ud800"}', "surrogate"),
    (b'{"k":"beat","n":NaN}', "not an integer"),
    (b'{"k":"beat","n":99999999999999999999}', "out of range"),
])
def test_non_canonical_or_strange_headers_are_refused(header, words):
    with pytest.raises(ProtocolViolation) as err:
        decode_frame(encode_frame(1, 0, 0, header))
    assert err.value.close_reason is CloseReason.MALFORMED and words in str(err.value)


@pytest.mark.parametrize("kind,fields,payload,reason,words", [
    ("teleport", {}, b"", CloseReason.UNKNOWN_KIND, "unknown message kind"),
    ("beat", {}, b"", CloseReason.MALFORMED, "missing ['sent_ns']"),
    ("beat", {"sent_ns": 1, "x": 2}, b"", CloseReason.MALFORMED, "unexpected ['x']"),
    ("beat", {"sent_ns": -1}, b"", CloseReason.MALFORMED, ">= 0"),
    ("beat", {"sent_ns": True}, b"", CloseReason.MALFORMED, "whole number"),
    ("beat", {"sent_ns": 1}, b"extra", CloseReason.MALFORMED, "no payload"),
    ("page.view", {"record_id": "r", "field_name": "f", "page": 1, "shown_ms": -1}, b"",
     CloseReason.MALFORMED, "whole number"),
    ("signature.result", {"record_id": "r", "turn": 1, "field_name": "f", "outcome": "failed",
                          "simulated": False, "reason": "x", "message_zh": "", "message_en": "",
                          "result_sha256": hashlib.sha256(b"x").hexdigest()}, b"x",
     CloseReason.MALFORMED, "exactly when"),
    ("turn.begin", {"record_id": "r", "turn": 1, "revision": 1, "field_name": "f",
                    "signatory_id": "s", "signatory_name": "n", "signatory_role": "suspect",
                    "label_zh": "", "label_en": "", "pages": 1, "pdf_sha256": HASH,
                    "prompt_zh": "", "prompt_en": ""}, b"%PDF", CloseReason.MALFORMED,
     "does not match the PDF"),
    ("record.confirm", {"record_id": "r", "sha256": "XYZ", "accepted": True, "reason": ""}, b"",
     CloseReason.MALFORMED, "64 lower-case hex"),
    ("ink.batch", {"record_id": "r", "turn": 1, "stroke": 1, "first": 0}, b"\x00" * 31,
     CloseReason.MALFORMED, "multiple of 30"),
    ("preview.frame", {"at_ns": 1, "width": 1, "height": 1}, b"GIF89a", CloseReason.MALFORMED,
     "JPEG"),
    ("signature.result", {"record_id": "r", "turn": 1, "field_name": "f", "outcome": "signed",
                          "simulated": False, "reason": "", "message_zh": "", "message_en": "",
                          "result_sha256": HASH}, b"x",
     CloseReason.MALFORMED, "does not match"),
    ("hello", {"versions": ["1"], "role": "terminal", "station": "t", "session": "",
               "delivered": 0, "caps": []}, b"", CloseReason.MALFORMED, "list of int"),
    ("upload.begin", {"upload_id": "../etc", "name": "n", "media_type": "m", "size": 1,
                      "sha256": HASH, "chunk_size": 1, "pieces_sha256": HASH}, b"",
     CloseReason.MALFORMED, "upload_id"),
    ("upload.begin", {"upload_id": "u", "name": "n", "media_type": "m", "size": 11,
                      "sha256": HASH, "chunk_size": 4,
                      "pieces_sha256": hashlib.sha256(MAP).hexdigest()}, MAP,
     CloseReason.MALFORMED, "add up"),
    ("upload.begin", {"upload_id": "u", "name": "n", "media_type": "m", "size": 10,
                      "sha256": HASH, "chunk_size": 4, "pieces_sha256": HASH}, MAP,
     CloseReason.MALFORMED, "does not match the piece map"),
])
def test_messages_that_break_their_schema_are_refused(kind, fields, payload, reason, words):
    with pytest.raises(ProtocolViolation) as err:
        message_from_frame(kind, fields, payload)
    assert err.value.close_reason is reason and words in str(err.value)


def test_a_text_message_is_not_a_frame():
    with pytest.raises(ProtocolViolation, match="text message"):
        decode_frame("hello")  # type: ignore[arg-type]


# --- properties -----------------------------------------------------------------------------

@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_never_crash_the_decoder(data):
    try:
        frame = decode_frame(data)
        message_from_frame(frame.kind, frame.fields, frame.payload)
    except ProtocolViolation as violation:
        assert violation.close_reason in (CloseReason.MALFORMED, CloseReason.UNKNOWN_KIND)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(EXAMPLES), st.data())
def test_any_single_byte_change_is_refused_or_decodes_to_a_valid_message(message, data):
    frame = bytearray(_frame(message, n=3, s=2, a=1))
    index = data.draw(st.integers(0, len(frame) - 1))
    frame[index] ^= data.draw(st.integers(1, 255))
    try:
        decoded = decode_frame(bytes(frame))
        back = message_from_frame(decoded.kind, decoded.fields, decoded.payload)
    except ProtocolViolation:
        return
    # What survives must still be a well-formed message with exactly one encoding.
    assert _frame(back, n=decoded.n, s=decoded.s, a=decoded.a) == bytes(frame)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=100), st.integers(1, 2**63 - 1), st.integers(0, 2**63 - 1),
       st.integers(0, 2**63 - 1))
def test_payload_and_numbers_survive_any_values(payload, n, s, a):
    message = LogEntry(log_id="log", index=5, entry=payload)
    decoded = decode_frame(_frame(message, n=n, s=s, a=a))
    assert (decoded.n, decoded.s, decoded.a, decoded.payload) == (n, s, a, payload)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1)
    | st.text(st.characters(exclude_categories=("Cs",)), max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=10), json_values, max_size=6))
def test_canonical_json_has_exactly_one_encoding(obj):
    raw = canonical_json(obj)
    assert parse_canonical_json(raw) == obj
    spaced = json.dumps(obj, sort_keys=True, ensure_ascii=False).encode()
    if spaced != raw:
        with pytest.raises(ProtocolViolation):
            parse_canonical_json(spaced)


samples = st.builds(InkSample, st.integers(-(2**31), 2**31 - 1), st.integers(-(2**31), 2**31 - 1),
                    st.integers(0, 65535), st.integers(-32768, 32767), st.integers(-32768, 32767),
                    st.integers(-(2**63), 2**63 - 1), st.integers(-(2**63), 2**63 - 1))


@settings(max_examples=200, deadline=None)
@given(st.lists(samples, max_size=40))
def test_ink_samples_pack_and_unpack_losslessly(batch):
    payload = pack_samples(batch)
    assert len(payload) == INK_RECORD.size * len(batch)
    assert unpack_samples(payload) == tuple(batch)


def test_an_ink_sample_out_of_range_is_named():
    with pytest.raises(ValueError, match="ink sample 1"):
        pack_samples([InkSample(0, 0, 0, 0, 0, 0, 0), InkSample(0, 0, 70000, 0, 0, 0, 0)])
