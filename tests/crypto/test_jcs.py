"""RFC 8785 canonical JSON: the published test vectors and the edge cases the capture log relies on."""

from __future__ import annotations

import enum
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto import jcs
from crypto.errors import CanonicalJsonError
from crypto.jcs import MAX_SAFE_INTEGER, canonicalize, loads_strict, number_text, parse_canonical

# Input/output pairs from the JCS reference test data (cyberphone/json-canonicalization,
# testdata/input and testdata/output, Apache-2.0), which RFC 8785 Appendix D points to.
REFERENCE_VECTORS = {
    "arrays": ('[\n  56,\n  {\n    "d": true,\n    "10": null,\n    "1": [ ]\n  }\n]',
               '[56,{"1":[],"10":null,"d":true}]'),
    "french": ('{\n  "peach": "This sorting order",\n  "p\u00e9ch\u00e9": "is wrong according to French",\n'
               '  "p\u00eache": "but canonicalization MUST",\n  "sin":   "ingnore locale"\n}\n',
               '{"peach":"This sorting order","p\u00e9ch\u00e9":"is wrong according to French",'
               '"p\u00eache":"but canonicalization MUST","sin":"ingnore locale"}'),
    "structures": ('{\n  "1": {"f": {"f": "hi","F": 5} ,"\\n": 56.0},\n  "10": { },\n  "": "empty",\n'
                   '  "a": { },\n  "111": [ { } ],\n  "A": { }\n}',
                   '{"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}'),
    "unicode": ('{\n  "Unnormalized Unicode":"\\u1e0d\\u0307"\n}\n',
                '{"Unnormalized Unicode":"\u1e0d\u0307"}'),
    "values": ('{\n  "numbers": [1E30, 4.50, 333333333.33333329, 2e-3, 0.000000000000000000000000001],\n'
               '  "escaping": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n'
               '  "literals": [null, true, false]\n}',
               '{"escaping":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/","literals":[null,true,false],'
               '"numbers":[1e+30,4.5,333333333.3333333,0.002,1e-27]}'),
    "weird": ('{\n  "\\u20ac": "Euro Sign",\n  "1": "One",\n  "\\u0080": "Control\\u007f",\n'
              '  "\\ud83d\\ude02": "Smiley",\n  "\\u00f6": "Latin Small Letter O With Diaeresis",\n'
              '  "\\ufb33": "Hebrew Letter Dalet With Dagesh",\n  "</script>": "Browser Challenge"\n}\n',
              '{"1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f",'
              '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",'
              '"\U0001f602":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}'),
}

# RFC 8785 Appendix B: IEEE-754 bit patterns and their canonical number text.
NUMBER_VECTORS = [
    ("0000000000000000", "0"), ("8000000000000000", "0"), ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"), ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"), ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"), ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"), ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"), ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"), ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"), ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"), ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"), ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"), ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


def _double(bits: str) -> float:
    return struct.unpack(">d", bytes.fromhex(bits))[0]


@pytest.mark.parametrize("name", sorted(REFERENCE_VECTORS))
def test_reference_vectors(name: str) -> None:
    source, expected = REFERENCE_VECTORS[name]
    assert canonicalize(loads_strict(source, floats=True), floats=True) == expected.encode("utf-8")
    assert parse_canonical(expected.encode("utf-8"), floats=True) == loads_strict(source, floats=True)


@pytest.mark.parametrize("bits,expected", NUMBER_VECTORS)
def test_appendix_b_numbers(bits: str, expected: str) -> None:
    assert number_text(_double(bits)) == expected
    assert canonicalize([_double(bits)], floats=True) == f"[{expected}]".encode()


@pytest.mark.parametrize("bits", ["7fffffffffffffff", "7ff0000000000000", "fff0000000000000"])
def test_non_finite_numbers_are_refused(bits: str) -> None:
    with pytest.raises(CanonicalJsonError) as err:
        canonicalize(_double(bits), floats=True)
    assert err.value.reason == "non_finite_number"
    with pytest.raises(CanonicalJsonError):
        loads_strict("[NaN]", floats=True)


def test_rfc_8785_sorting_example_orders_by_utf16_code_units() -> None:
    value = {"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
             "1": "One", "\U0001f600": "Emoji: Grinning Face", "\u0080": "Control",
             "\u00f6": "Latin Small Letter O With Diaeresis"}
    order = [v for v in loads_strict(canonicalize(value)).values()]
    assert order == ["Carriage Return", "One", "Control", "Latin Small Letter O With Diaeresis",
                     "Euro Sign", "Emoji: Grinning Face", "Hebrew Letter Dalet With Dagesh"]


def test_astral_key_sorts_before_high_bmp_key_unlike_code_point_order() -> None:
    # U+1F600 is D83D DE00 in UTF-16, which sorts before U+FB33; code points say the opposite.
    assert canonicalize({"\ufb33": 1, "\U0001f600": 2}) == '{"\U0001f600":2,"\ufb33":1}'.encode()


def test_string_escapes_follow_ecmascript() -> None:
    text = "\x00\x01\x08\t\n\x0b\x0c\r\x1f \"\\/\x7f\u2028\u00e9\U0001f602"
    expected = '"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001f \\"\\\\/\x7f\u2028\u00e9\U0001f602"'
    assert canonicalize(text) == expected.encode("utf-8")


def test_integer_limits() -> None:
    assert canonicalize([MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER]) == b"[9007199254740991,-9007199254740991]"
    for bad in (MAX_SAFE_INTEGER + 1, -MAX_SAFE_INTEGER - 1, 10**30):
        with pytest.raises(CanonicalJsonError) as err:
            canonicalize({"t": bad})
        assert err.value.reason == "integer_out_of_range"
        assert err.value.path == "$.t"
    with pytest.raises(CanonicalJsonError):
        loads_strict("9007199254740992")


def test_nanosecond_timestamps_are_out_of_range_but_microseconds_fit() -> None:
    assert canonicalize(1_764_400_000_123_456) == b"1764400000123456"
    with pytest.raises(CanonicalJsonError):
        canonicalize(1_764_400_000_123_456_789)


def test_floats_are_refused_unless_asked_for() -> None:
    with pytest.raises(CanonicalJsonError) as err:
        canonicalize({"pressure": [0.5]})
    assert (err.value.reason, err.value.path) == ("float", "$.pressure[0]")
    with pytest.raises(CanonicalJsonError):
        parse_canonical(b"[0.5]")
    assert canonicalize(56.0, floats=True) == b"56"


def test_booleans_are_not_integers() -> None:
    assert canonicalize([True, False, 1, 0, None]) == b"[true,false,1,0,null]"


@pytest.mark.parametrize("value,reason", [
    ("\ud800", "lone_surrogate"), ({"\udc00": 1}, "lone_surrogate"), ({1: "x"}, "non_string_key"),
    (b"bytes", "unsupported_type"), ({"s": {1, 2}}, "unsupported_type"),
])
def test_values_outside_i_json_are_refused(value: object, reason: str) -> None:
    with pytest.raises(CanonicalJsonError) as err:
        canonicalize(value)
    assert err.value.reason == reason


@pytest.mark.parametrize("text,reason", [
    (b'{"a":1,"a":2}', "duplicate_key"), (b'{"a":1, "b":2}', "not_canonical"),
    (b'{"b":1,"a":2}', "not_canonical"), (b'"\\u0041"', "not_canonical"), (b"-0", "not_canonical"),
    (b'"\xff"', "not_utf8"), (b"{", "not_json"), (b'"\\ud800"', "lone_surrogate"),
    (b"1e2", "float"),
])
def test_parse_canonical_refuses_other_spellings(text: bytes, reason: str) -> None:
    with pytest.raises(CanonicalJsonError) as err:
        parse_canonical(text)
    assert err.value.reason == reason


json_leaves = st.none() | st.booleans() | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER) | st.text()
json_values = st.recursive(
    json_leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_fast_encoder_agrees_with_the_reference_writer(value: object) -> None:
    out: list[str] = []
    jcs._write(value, out)
    assert canonicalize(value) == "".join(out).encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_canonical_text_round_trips(value: object) -> None:
    text = canonicalize(value)
    assert parse_canonical(text) == value
    assert canonicalize(parse_canonical(text)) == text


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_number_text_reads_back_as_the_same_double(value: float) -> None:
    assert float(number_text(value)) == value


def test_int_and_str_subclasses_are_refused() -> None:
    class Level(enum.IntEnum):
        HIGH = 3

    class Kind(str, enum.Enum):
        PEN = "pen"

    for value in ({"level": Level.HIGH}, [Kind.PEN]):
        with pytest.raises(CanonicalJsonError) as err:
            canonicalize(value)
        assert err.value.reason == "unsupported_type"
