"""How a normalised field value is printed on a form, in ``zh``, ``en`` or ``zh+en``.

Chinese forms write dates as 2020年2月10日 and amounts as 人民币40,000.00元 followed by the
amount in capital numerals (大写), as financial documents require; English ones as
10 February 2020 and RMB 40,000.00.  In ``zh+en`` values print in their Chinese form, with
both labels for choices and yes/no.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from records.templates import FieldSpec, Text

__all__ = ["capital_amount", "format_date", "format_value", "chinese_numeral_date"]

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_YES_NO = {True: Text("是", "Yes"), False: Text("否", "No")}


def format_date(day: date, language: str) -> str:
    """A calendar date as printed in running text."""
    if language == "en":
        return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
    return f"{day.year}年{day.month}月{day.day}日"


def _format_datetime(moment: datetime, language: str) -> str:
    if language == "en":
        return f"{format_date(moment.date(), language)}, {moment:%H:%M}"
    return f"{format_date(moment.date(), language)}{moment.hour}时{moment.minute:02d}分"


_DIGITS = "〇一二三四五六七八九"


def chinese_numeral_date(day: date) -> str:
    """The date line under an official document: 二〇二〇年二月十日."""
    def small(n: int) -> str:
        if n < 10:
            return _DIGITS[n]
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
    year = "".join(_DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{small(day.month)}月{small(day.day)}日"


_CAPITAL = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_GROUPS = ("", "万", "亿")


def capital_amount(amount: Decimal) -> str:
    """An amount of yuan in capital numerals, e.g. 肆万元整 (GB/T financial writing rules)."""
    yuan = int(amount)
    jiao, fen = divmod(int((amount - yuan) * 100), 10)
    if yuan >= 10 ** 12:
        raise ValueError("amount too large for capital numerals")
    words = ""
    if yuan:
        groups = []
        n = yuan
        while n:
            n, group = divmod(n, 10000)
            groups.append(group)
        zero_pending = False
        for index in range(len(groups) - 1, -1, -1):
            group = groups[index]
            if group == 0:
                zero_pending = bool(words)
                continue
            if words and (zero_pending or group < 1000):
                words += "零"
            words += _group_words(group) + _GROUPS[index]
            zero_pending = False
        words += "元"
    if not jiao and not fen:
        return (words or "零元") + "整"
    if jiao:
        words += _CAPITAL[jiao] + "角"
    elif words:
        words += "零"
    if fen:
        words += _CAPITAL[fen] + "分"
    else:
        words += "整"
    return words


def _group_words(group: int) -> str:
    digits = f"{group:04d}"
    words, zero = "", False
    for position, digit in enumerate(digits):
        unit = _UNITS[3 - position]
        if digit == "0":
            zero = bool(words)
            continue
        if zero:
            words += "零"
            zero = False
        words += _CAPITAL[int(digit)] + unit
    return words


def format_value(spec: FieldSpec, value: Any, language: str) -> str:
    """Printable text of a normalised value; empty for an absent one."""
    if value is None:
        return ""
    kind = spec.type
    if kind == "date":
        return format_date(date.fromisoformat(value), language)
    if kind == "datetime":
        return _format_datetime(datetime.fromisoformat(value), language)
    if kind == "boolean":
        return _YES_NO[bool(value)].get(language)
    if kind == "choice":
        option = spec.option(value)
        return option.label.get(language) if option else str(value)
    if kind == "amount":
        number = Decimal(value)
        if language == "en":
            return f"RMB {number:,.2f}"
        return f"人民币{number:,.2f}元（大写：{capital_amount(number)}）"
    if kind == "integer":
        unit = spec.constraints.get("unit")
        if unit is None:
            return str(value)
        return f"{value} {unit.en}" if language == "en" else f"{value}{unit.zh}"
    if kind == "qa_list":
        count = len(value)
        return f"{count} questions" if language == "en" else f"{count}组问答"
    return str(value)
