"""Chinese and Arabic numerals as written in reports: 三百余, 1.2万, 3千余, 二〇一八, 十二."""

from __future__ import annotations

import re

_DIGITS = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "О": 0,
    "Ｏ": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
CN_NUMERAL = "〇○零一二两三四五六七八九十百千万亿"


def chinese_to_int(text: str) -> int | None:
    """三百 -> 300, 十二 -> 12, 一万二千 -> 12000, 二〇一八 -> 2018 (digit by digit)."""
    if not text:
        return None
    if all(ch in _DIGITS for ch in text):
        value = 0
        for ch in text:
            value = value * 10 + _DIGITS[ch]
        return value
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[ch]
            digit = None
        elif ch in _BIG_UNITS:
            section += digit or 0
            total += (section or 1) * _BIG_UNITS[ch]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


_ARABIC = re.compile(r"^(\d+(?:,\d{3})*(?:\.\d+)?)([万千百亿]?)$")


def parse_amount(text: str) -> int | None:
    """'5000' -> 5000, '1.2万' -> 12000, '3千' -> 3000, '三百' -> 300, '2,300' -> 2300."""
    text = text.strip()
    m = _ARABIC.match(text)
    if m:
        value = float(m.group(1).replace(",", ""))
        unit = m.group(2)
        if unit:
            value *= {"百": 100, "千": 1000, **_BIG_UNITS}[unit]
        return int(round(value))
    return chinese_to_int(text)
