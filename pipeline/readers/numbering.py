"""Rebuild the labels of Word's automatic numbering ("1.", "一、", "（二）").

python-docx gives a numbered paragraph's text without its number, yet plans are often
written as numbered lists whose numbers carry the structure ("一、活动主题").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docx.oxml.ns import qn

from pipeline.text import chinese_number


def _roman(n: int) -> str:
    out = []
    for value, sym in (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ):
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


_FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": str,
    "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "chineseCounting": chinese_number,
    "chineseCountingThousand": chinese_number,
    "chineseLegalSimplified": chinese_number,
    "ideographTraditional": lambda n: "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10],
    "taiwaneseCounting": chinese_number,
    "lowerLetter": _letters,
    "upperLetter": lambda n: _letters(n).upper(),
    "lowerRoman": _roman,
    "upperRoman": lambda n: _roman(n).upper(),
}


@dataclass(slots=True)
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


@dataclass(slots=True)
class Numbering:
    """Numbering definitions of one document plus the running counters."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # numId -> ilvl -> level
    counters: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def from_document(cls, document) -> Numbering:
        num = cls()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return num
        abstract: dict[str, dict[int, _Level]] = {}
        for an in root.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in an.findall(qn("w:lvl")):
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = _Level(
                    fmt=_val(lvl, "w:numFmt", "decimal"),
                    text=_val(lvl, "w:lvlText", "%1."),
                    start=int(_val(lvl, "w:start", "1") or 1),
                )
            abstract[an.get(qn("w:abstractNumId"))] = levels
        for n in root.findall(qn("w:num")):
            ref = n.find(qn("w:abstractNumId"))
            if ref is not None:
                num.levels[n.get(qn("w:numId"))] = dict(abstract.get(ref.get(qn("w:val")), {}))
        return num

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the counter of (num_id, ilvl) and return the rendered label."""
        levels = self.levels.get(num_id)
        if not levels or num_id == "0":
            return ""
        counts = self.counters.setdefault(num_id, [0] * 9)
        ilvl = max(0, min(ilvl, 8))
        level = levels.get(ilvl, _Level())
        if level.fmt in ("bullet", "none"):
            return ""
        counts[ilvl] = counts[ilvl] + 1 if counts[ilvl] else level.start
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = 0
        text = level.text
        for k in range(ilvl + 1):
            lv = levels.get(k, _Level())
            value = counts[k] or lv.start
            text = text.replace(f"%{k + 1}", _FORMATS.get(lv.fmt, str)(value))
        return text


def _val(el, tag: str, default: str) -> str:
    child = el.find(qn(tag))
    if child is None:
        return default
    return child.get(qn("w:val"), default)
