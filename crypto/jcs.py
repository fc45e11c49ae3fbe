"""RFC 8785 JSON Canonicalization Scheme (JCS): one byte string per JSON value.

Canonical form: object members sorted by the UTF-16 code units of their names, no whitespace,
strings escaped as ECMAScript's ``JSON.stringify`` does, numbers in ECMAScript's shortest
round-trip form, UTF-8 output.  Input is I-JSON (RFC 7493): no duplicate names, no lone
surrogates, integers exactly representable as IEEE-754 doubles.

Evidence data should not carry floats at all (their text depends on a shortest-digit
algorithm few verifiers re-implement exactly), so floats are refused unless ``floats=True``.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

from crypto.errors import CanonicalJsonError

__all__ = ["MAX_SAFE_INTEGER", "canonicalize", "parse_canonical", "loads_strict", "number_text"]

#: Largest integer every JSON implementation reads back exactly (2**53 - 1, RFC 7493 §2.2).
MAX_SAFE_INTEGER = 2**53 - 1

_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n",
                  "\r": "\\r", "\t": "\\t"}


def canonicalize(value: Any, *, floats: bool = False) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of ``value`` (dict, list, str, int, bool, None).

    Raises :class:`CanonicalJsonError` naming the offending path for a float (unless
    ``floats``), a non-finite number, an integer beyond ±(2**53 - 1), a lone surrogate, a
    non-string object key or an unsupported type.
    """
    simple = _check(value, "$", floats)
    if simple:
        # Only ints, strings, bools, nulls and keys whose code-point order equals their UTF-16
        # order: the C encoder then writes exactly the JCS bytes, several times faster.
        text = json.dumps(value, sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False, allow_nan=False)
    else:
        out: list[str] = []
        _write(value, out)
        text = "".join(out)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        _find_surrogate(value, "$")
        raise


def number_text(value: float | int) -> str:
    """ECMAScript ``Number::toString`` of a finite double (RFC 8785 §3.2.2.3)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CanonicalJsonError(f"not a number: {value!r}", reason="not_a_number")
    if isinstance(value, int):
        _check_int(value, "$")
        return str(value)
    if not math.isfinite(value):
        raise CanonicalJsonError(f"{value!r} has no JSON form", reason="non_finite_number")
    if value == 0:
        return "0"  # also for -0.0
    if value < 0:
        return "-" + number_text(-value)
    sign, digit_tuple, exponent = Decimal(repr(value)).as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    exponent += len(digit_tuple) - len(digits)
    k = len(digits)
    n = exponent + k  # value = 0.digits * 10**n
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    e = n - 1
    mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
    return f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"


def loads_strict(data: bytes | str, *, floats: bool = False) -> Any:
    """Parse JSON text as I-JSON: UTF-8, no duplicate names, no NaN/Infinity, safe integers only."""
    value = _loads(data, floats)
    _check(value, "$", floats)
    return value


def parse_canonical(data: bytes, *, floats: bool = False) -> Any:
    """Parse bytes that must already be in canonical form; any other spelling is refused."""
    value = _loads(data, floats)
    if canonicalize(value, floats=floats) != bytes(data):  # also checks the I-JSON limits
        raise CanonicalJsonError("valid JSON but not in RFC 8785 canonical form",
                                 reason="not_canonical")
    return value


def _pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(items)
    if len(obj) != len(items):
        seen: set[str] = set()
        for key, _ in items:
            if key in seen:
                raise CanonicalJsonError(f"duplicate member name {key!r}", reason="duplicate_key")
            seen.add(key)
    return obj


def _reject_constant(name: str) -> Any:
    raise CanonicalJsonError(f"{name} is not JSON", reason="non_finite_number")


def _loads(data: bytes | str, floats: bool) -> Any:
    """JSON text to Python values; the I-JSON number limits are left to :func:`_check`."""
    try:
        text = data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data
    except UnicodeDecodeError as exc:
        raise CanonicalJsonError(f"not UTF-8 at byte {exc.start}", reason="not_utf8") from exc

    def parse_float(text: str) -> float:
        if not floats:
            raise CanonicalJsonError(f"fractional number {text} not allowed", reason="float")
        number = float(text)
        if not math.isfinite(number):
            raise CanonicalJsonError(f"{text} overflows a double", reason="non_finite_number")
        return number

    def parse_int(text: str) -> int | float:
        number = int(text)
        if abs(number) > MAX_SAFE_INTEGER:
            return parse_float(text)  # a large double written without fraction or exponent
        return number

    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_constant=_reject_constant,
                          parse_float=parse_float, parse_int=parse_int if floats else None)
    except json.JSONDecodeError as exc:
        raise CanonicalJsonError(f"not JSON: {exc.msg} at char {exc.pos}",
                                 reason="not_json") from exc
    except RecursionError as exc:
        raise CanonicalJsonError("JSON nested too deeply", reason="too_deep") from exc


def _check_int(value: int, path: str) -> None:
    if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        raise CanonicalJsonError(f"integer {value} at {path} is beyond ±(2**53 - 1)",
                                 reason="integer_out_of_range", path=path)


def _find_surrogate(value: Any, path: str) -> None:
    """Raise for the first string holding a lone surrogate (only called once encoding failed)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise CanonicalJsonError(f"lone surrogate U+{ord(value[exc.start]):04X} at {path}",
                                     reason="lone_surrogate", path=path) from exc
    elif isinstance(value, dict):
        for key, item in value.items():
            _find_surrogate(key, path)
            _find_surrogate(item, f"{path}.{key}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _find_surrogate(item, f"{path}[{index}]")


_PLAIN = {str, bool, type(None)}
_NUMERIC_LIST = {int}


def _check(value: Any, path: str, floats: bool) -> bool:
    """Validate ``value``; True when the fast encoder writes it exactly as JCS does.

    Strings are not checked for lone surrogates here: encoding the output to UTF-8 fails on
    them, and only then is the offending path looked for.  Only exact types are accepted (no
    int or str subclasses such as enums, whose text differs between encoders).
    """
    kind = type(value)
    if kind in _PLAIN:
        return True
    if kind is int:
        _check_int(value, path)
        return True
    if kind is dict:
        simple = True
        for key, item in value.items():
            if type(key) is not str:
                raise CanonicalJsonError(f"object key {key!r} at {path} is not a string",
                                         reason="non_string_key", path=path)
            if key and max(key) > "\uffff":
                simple = False  # code-point order and UTF-16 order differ above the BMP
            item_kind = type(item)
            if item_kind in _PLAIN:
                continue
            if item_kind is int:
                _check_int(item, f"{path}.{key}")
                continue
            simple = _check(item, f"{path}.{key}", floats) and simple
        return simple
    if kind is list or kind is tuple:
        kinds = set(map(type, value))
        if kinds <= _PLAIN:
            return True
        if kinds == _NUMERIC_LIST:
            # Range-check a list of integers (a pen stroke's coordinates) in C, not per item.
            if min(value) >= -MAX_SAFE_INTEGER and max(value) <= MAX_SAFE_INTEGER:
                return True
        simple = True
        for index, item in enumerate(value):
            simple = _check(item, f"{path}[{index}]", floats) and simple
        return simple
    if kind is float:
        if not floats:
            raise CanonicalJsonError(f"float {value!r} at {path}: use integers (e.g. microseconds)",
                                     reason="float", path=path)
        if not math.isfinite(value):
            raise CanonicalJsonError(f"{value!r} at {path} has no JSON form",
                                     reason="non_finite_number", path=path)
        return False
    raise CanonicalJsonError(f"{kind.__name__} at {path} is not a JSON type",
                             reason="unsupported_type", path=path)


def _utf16_order(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def _quote(text: str) -> str:
    parts = ['"']
    for char in text:
        if char in _SHORT_ESCAPES:
            parts.append(_SHORT_ESCAPES[char])
        elif char < " ":
            parts.append(f"\\u{ord(char):04x}")
        else:
            parts.append(char)
    parts.append('"')
    return "".join(parts)


def _write(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, (int, float)):
        out.append(number_text(value))
    elif isinstance(value, str):
        out.append(_quote(value))
    elif isinstance(value, dict):
        out.append("{")
        for index, key in enumerate(sorted(value, key=_utf16_order)):
            if index:
                out.append(",")
            out.append(_quote(key))
            out.append(":")
            _write(value[key], out)
        out.append("}")
    else:
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _write(item, out)
        out.append("]")
