"""Find dates in every form reports use: 2018年6月9日, 6月9日, 6.9, 2018-06-09, 六月九日,
二〇一八年六月九日, ranges (6月6日—8日, 6月6日至12日), and 当天 for the campaign day."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pipeline.extract.numerals import chinese_to_int

_CN = "〇○零一二三四五六七八九十"
_YEAR = rf"(?:(?P<y>\d{{4}})|(?P<yc>[{_CN}]{{4}}))\s*年\s*"
_MONTH = rf"(?P<m>\d{{1,2}}|[{_CN}]{{1,3}})\s*月\s*(?:份\s*)?"
_DAY = rf"(?P<d>\d{{1,2}}|[{_CN}]{{1,3}})\s*[日号]"
_DASH = r"\s*(?:——|—|–|-|－|~|～|至|到)\s*"
# A second end of a range: "8日", "6月8日", "2018年6月8日".
_END = rf"(?:(?P<y2>\d{{4}})\s*年\s*)?(?:(?P<m2>\d{{1,2}}|[{_CN}]{{1,3}})\s*月\s*)?(?P<d2>\d{{1,2}}|[{_CN}]{{1,3}})\s*[日号]"

_CHINESE_FORM = re.compile(rf"(?:{_YEAR})?{_MONTH}{_DAY}(?:{_DASH}{_END})?")
_NUMERIC_FORM = re.compile(
    r"(?<![\d.])(?P<y>\d{4})([.\-/])(?P<m>\d{1,2})(?:[.\-/])(?P<d>\d{1,2})(?![\d])"
    r"(?:\s*(?:——|—|–|-|~|～|至)\s*(?:(?P<m2>\d{1,2})[.\-/])?(?P<d2>\d{1,2})(?![\d.]))?"
)
# "6.9" only where it cannot be a decimal: no unit after it, no digit around it.
_SHORT_DOT = re.compile(
    r"(?<![\d.])(?P<m>1[0-2]|0?[1-9])\.(?P<d>3[01]|[12]\d|0?[1-9])(?![\d.%万千亿元倍分个米吨小时公里岁件项家人])"
    r"(?:\s*(?:——|—|–|-|~|～|至)\s*(?:(?P<m2>1[0-2]|0?[1-9])\.)?(?P<d2>3[01]|[12]\d|0?[1-9])(?![\d.%万千亿]))?"
)
_VAGUE_AFTER = re.compile(r"^\s*(?:上旬|中旬|下旬|底|初|末)")
# A date that lost its 月 (and 年) on the way to the office, as the notice itself did online:
# "68日", "615日", "201869日". Read only where the campaign's months leave one reading.
_LOST_MONTH = re.compile(r"(?<![\d.\-/年月第])(?P<digits>(?:\d{4})?\d{2,3})\s*日")


@dataclass(frozen=True, slots=True)
class DateMention:
    start: date
    end: date | None  # the other end of a range
    span: tuple[int, int]
    text: str

    def days(self) -> list[date]:
        return [self.start] if self.end is None or self.end == self.start else [self.start, self.end]


def _num(value: str | None) -> int | None:
    if not value:
        return None
    return int(value) if value.isdigit() else chinese_to_int(value)


def _make(y: int, m: int | None, d: int | None) -> date | None:
    if m is None or d is None:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find_dates(
    text: str, year: int, day: date | None = None, day_names: tuple[str, ...] = (), months: tuple[int, ...] = ()
) -> list[DateMention]:
    """Every date in `text`; dates without a year take `year`. `day_names` (当天…) give `day`.
    `months` (the campaign's) let a date that lost its 月 be read: "68日" is 6月8日."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match, start: date | None, end: date | None) -> None:
        if start is None or any(a < m.end() and m.start() < b for a, b in taken):
            return
        if end is not None and end < start:
            end = None
        taken.append(m.span())
        found.append(DateMention(start, end, m.span(), m.group(0)))

    for m in _NUMERIC_FORM.finditer(text):
        y = int(m.group("y"))
        start = _make(y, int(m.group("m")), int(m.group("d")))
        end = (
            _make(y, _num(m.group("m2")) or (start.month if start else None), _num(m.group("d2")))
            if m.group("d2")
            else None
        )
        add(m, start, end)
    for m in _CHINESE_FORM.finditer(text):
        y = _num(m.group("y")) or _num(m.group("yc")) or year
        start = _make(y, _num(m.group("m")), _num(m.group("d")))
        end = None
        if m.group("d2") and start:
            end = _make(_num(m.group("y2")) or y, _num(m.group("m2")) or start.month, _num(m.group("d2")))
        add(m, start, end)
    for m in _SHORT_DOT.finditer(text):
        start = _make(year, _num(m.group("m")), _num(m.group("d")))
        end = (
            _make(year, _num(m.group("m2")) or (start.month if start else None), _num(m.group("d2")))
            if m.group("d2")
            else None
        )
        add(m, start, end)
    if months:
        for m in _LOST_MONTH.finditer(text):
            add(m, _lost_month(m.group("digits"), year, months), None)
    if day is not None:
        for name in day_names:
            for m in re.finditer(re.escape(name), text):
                add(m, day, None)
    found.sort(key=lambda d: d.span)
    return found


def _lost_month(digits: str, year: int, months: tuple[int, ...]) -> date | None:
    """The one month-and-day reading of "68", "615" or "201869" inside the campaign's months."""
    if len(digits) >= 6:
        if int(digits[:4]) != year:
            return None
        digits = digits[4:]
    if len(digits) == 2 and int(digits) <= 31:
        return None  # "24日" is the 24th of a month the text gave before
    readings = set()
    for cut in range(1, len(digits)):
        month, dom = int(digits[:cut]), int(digits[cut:])
        if month in months and digits[cut] != "0" and (when := _make(year, month, dom)):
            readings.add(when)
    return readings.pop() if len(readings) == 1 else None


# A day written without its month ("8日下午", "12日至15日") in a text that has just named a month;
# 同日/当日 point back at the day just told.
_BARE_DAY = re.compile(
    r"(?<![\d月年.\-/第])(?P<d>[12]?\d|3[01])\s*日(?:[—–\-~～至到]\s*(?P<d2>[12]?\d|3[01])\s*日)?"
    r"(?=上午|下午|晚上|晚|当天|，|起|在|举办|举行|开展|召开|[\u4e00-\u9fff]{0,12}(?:举办|举行|开展|召开|组织))"
)
_BACK_REFERENCE = re.compile(r"同日|当日")


def bare_days(text: str, context: date, taken: list[tuple[int, int]]) -> list[DateMention]:
    """Days without a month, in the month of the date the text told last; 同日/当日 as that day."""
    out = []
    for m in _BARE_DAY.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        start = _make(context.year, context.month, int(m.group("d")))
        end = _make(context.year, context.month, int(m.group("d2"))) if m.group("d2") else None
        if start:
            out.append(DateMention(start, end if end and end > start else None, m.span(), m.group(0)))
    for m in _BACK_REFERENCE.finditer(text):
        if not any(a < m.end() and m.start() < b for a, b in taken):
            out.append(DateMention(context, None, m.span(), m.group(0)))
    return out


def is_day_statement(text: str, mention: DateMention) -> bool:
    """ "6月9日是第11个世界认可日", "今年6月9日为…": a sentence that names the day, not an activity on it."""
    return bool(re.match(r"^\s*(?:是|为)\s*(?:第|“|\"|世界|国际)", text[mention.span[1] :]))


def is_deadline(text: str, mention: DateMention) -> bool:
    """ "6月5日前报送", "截至6月30日", "于7月15日之前": a deadline or a cut-off, not an activity."""
    before = text[max(0, mention.span[0] - 4) : mention.span[0]]
    after = text[mention.span[1] : mention.span[1] + 4]
    return bool(re.match(r"^\s*(?:前|之前|以前|截止)", after)) or bool(
        re.search(r"(?:截至|截止|截止到|截止至)\s*$", before)
    )


def is_vague(text: str, end: int) -> bool:
    return bool(_VAGUE_AFTER.match(text[end:]))


def date_only(text: str, year: int) -> date | None:
    """The date a line consists of (the 落款 date line), else None. A range ("6月4日至6月15日",
    an activity window under its heading) is not a date a document is signed on."""
    stripped = re.sub(r"[\s（）()]", "", text)
    mentions = find_dates(stripped, year)
    if len(mentions) == 1 and mentions[0].span == (0, len(stripped)) and mentions[0].end in (None, mentions[0].start):
        return mentions[0].start
    return None
