"""Counts a report states (people reached, materials handed out, reports, consultations,
institutions), decided by the unit and the words around each number."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.campaign import PATTERN_MARK, Campaign, MetricRule
from pipeline.extract.numerals import CN_NUMERAL, parse_amount

_APPROX_BEFORE = ("近", "约", "上", "逾", "超过", "超", "达", "将近", "大约")
_APPROX_AFTER = ("余", "多", "以上", "左右", "来")
# number, optional approximation, optional "(人)次"-style unit taken later from the text.
_NUMBER = re.compile(
    rf"(?P<pre>近|约|逾|超过|将近|大约|上)?(?P<num>\d+(?:,\d{{3}})*(?:\.\d+)?[万千百]?|[{CN_NUMERAL}]+)"
    rf"(?P<post>余|多|以上|左右)?"
)


@dataclass(frozen=True, slots=True)
class MetricMention:
    name: str
    value: int
    approximate: bool
    total: bool
    span: tuple[int, int]


def find_metrics(sentence: str, campaign: Campaign) -> list[MetricMention]:
    """Every counted quantity in one sentence that one of the campaign's metric rules claims."""
    found = []
    if _stock(campaign).search(sentence):
        return found  # "全市共有检验检测机构近400家" describes what exists, not what the campaign did
    for m in _NUMBER.finditer(sentence):
        raw = m.group("num")
        if m.group("pre") in ("上", "近") and raw in ("百", "千", "万"):
            value = {"百": 100, "千": 1000, "万": 10_000}[raw]  # 上百人: at least a hundred; 近千人: about
        elif raw in ("一", "十") and not m.group("post") or not re.search(r"[\d〇○零一二两三四五六七八九]", raw):
            continue  # 一/十 alone are words more often than counts; 万 alone (进万家) is no number
        else:
            value = parse_amount(raw)
        if value is None or value <= 0:
            continue
        rest = sentence[m.end() :]
        unit, after_unit = _unit(rest, campaign)
        if unit is None:
            continue
        if _is_date_or_code(sentence, m.start(), m.end()):
            continue
        rule = _claim(sentence, m.start(), m.end() + after_unit, unit, campaign)
        if rule is None:
            continue
        approximate = bool(m.group("pre") or m.group("post")) or rest[len(unit) : len(unit) + 1] in _APPROX_AFTER
        found.append(MetricMention(rule.name, value, approximate, _is_total(sentence, m.start(), campaign), m.span()))
    return found


_CLAUSE_END = re.compile(r"[，,；;。、（）()]")


@lru_cache(maxsize=8)
def _stock(campaign: Campaign) -> re.Pattern:
    """The campaign's stock words as one pattern; a word written "~…" is a regular expression."""
    parts = [w[len(PATTERN_MARK) :] if w.startswith(PATTERN_MARK) else re.escape(w) for w in campaign.stock_words]
    return re.compile("|".join(parts) or r"(?!x)x")


def _unit(rest: str, campaign: Campaign) -> tuple[str | None, int]:
    """The unit right after a number ("余人次" -> "人次")."""
    rest = rest.lstrip("余多")
    units = sorted({u for r in campaign.metrics for u in r.units}, key=len, reverse=True)
    for u in units:
        if rest.startswith(u):
            return u, len(u)
    return None, 0


def _claim(sentence: str, start: int, end: int, unit: str, campaign: Campaign) -> MetricRule | None:
    """The metric whose unit fits and whose context words sit nearest the number."""
    clause = _clause(sentence, start, end)
    best, best_distance = None, None
    for rule in campaign.metrics:
        if unit not in rule.units:
            continue
        following = sentence[end : min(end + 8, clause[1])]  # "机构158家，企业415家": 企业 is the next count's
        near = sentence[max(0, start - 12) : min(clause[1], end + 8)]  # what follows: only its own clause
        # "…有限公司等16家检验检测认证机构": the noun after the count says what is counted, so an
        # excluded word before it (公司) is another name in the list, not the thing counted.
        if any(x in following[:4] for x in rule.exclude):
            continue
        if any(x in near for x in rule.exclude):
            after = _CLAUSE_END.split(sentence[end : end + 12], maxsplit=1)[0]
            if not any(w in after for w in rule.context):
                continue
        distance = _context_distance(sentence, clause, start, end, rule.context)
        if distance is None:
            continue
        if best_distance is None or distance < best_distance:
            best, best_distance = rule, distance
    return best


def _clause(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The comma-delimited clause around a number: context outside it belongs to other numbers."""
    left = max(sentence.rfind(p, 0, start) for p in "，,；;。：:、（）()") + 1
    rights = [i for i in (sentence.find(p, end) for p in "，,；;。（）()") if i != -1]
    return left, min(rights) if rights else len(sentence)


def _context_distance(
    sentence: str, clause: tuple[int, int], start: int, end: int, words: tuple[str, ...]
) -> int | None:
    """How far the nearest context word is; words outside the number's clause count less."""
    best = None
    for word in words:
        for m in re.finditer(re.escape(word), sentence):
            pos = m.start()
            distance = start - m.end() if pos < start else pos - end
            distance = abs(distance)
            if not clause[0] <= pos < clause[1]:
                distance += 40
            if best is None or distance < best:
                best = distance
    return best if best is not None and best < 60 else None


def _is_total(sentence: str, start: int, campaign: Campaign) -> bool:
    left = max(sentence.rfind(p, 0, start) for p in "；;。") + 1
    before = sentence[max(left, start - 40) : start]
    return any(w in before for w in campaign.total_words)


def _is_date_or_code(sentence: str, start: int, end: int) -> bool:
    return sentence[end : end + 1] in ("年", "月", "日", "号", "〕", "]") or sentence[max(0, start - 1) : start] in (
        "〔",
        "[",
    )
