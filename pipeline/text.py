"""CJK text clean-up shared by every reader and extractor.

Readers differ in how text reaches them (runs, PDF characters, OCR lines); they all end
here so that "６月９日", "6 月 9 日" and "6月9日" are the same text downstream.
"""

from __future__ import annotations

import re
import unicodedata

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】—…·〔〕"

# Full-width ASCII letters, digits and a few signs become half-width; Chinese
# punctuation stays full-width, since that is how the documents are written.
_FULLWIDTH_ASCII = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}  # digits
_FULLWIDTH_ASCII.update({cp: cp - 0xFEE0 for cp in range(0xFF21, 0xFF3B)})  # A-Z
_FULLWIDTH_ASCII.update({cp: cp - 0xFEE0 for cp in range(0xFF41, 0xFF5B)})  # a-z
_FULLWIDTH_ASCII.update(
    {
        ord("％"): "%",
        ord("＋"): "+",
        ord("－"): "-",
        ord("．"): ".",
        ord("／"): "/",
        ord("＝"): "=",
        ord("＠"): "@",
        ord("＃"): "#",
        ord("＆"): "&",
        ord("＜"): "<",
        ord("＞"): ">",
        ord("～"): "~",
    }
)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_WIDE_GAP = re.compile(r"\t|\u3000+| {2,}")
_SPACES = re.compile(r"[ \u00a0\u2002-\u200a\u202f\u205f]+")
# Spaces PDF extraction and list labels put between Chinese characters ("2018 年", "1. 加强").
_SPACE_BETWEEN_CJK = re.compile(
    rf"(?<=[{_CJK}{_CJK_PUNCT}]) +(?=[{_CJK}{_CJK_PUNCT}0-9])|(?<=[{_CJK}{_CJK_PUNCT}0-9.]) +(?=[{_CJK}{_CJK_PUNCT}])"
)
# Half-width punctuation typed between Chinese characters (IMEs in English mode).
_HALF_PUNCT = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_HALF_PUNCT_IN_CJK = re.compile(rf"(?<=[{_CJK}])([,;:?!])|([,;:?!])(?=[{_CJK}])")
_HALF_PARENS_AROUND_CJK = re.compile(rf"\(([^()]*[{_CJK}][^()]*)\)")


def decode_chinese(raw: bytes, first: str = "utf-8") -> str | None:
    """Bytes of Chinese text whose encoding nobody stated: UTF-8 (or `first`), else GB18030,
    the superset of the GBK that Windows in China writes; None when neither reads them."""
    for encoding in (first, "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def normalize(text: str) -> str:
    """One line of document text in canonical form (full/half width, spaces, invisibles)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE).translate(_FULLWIDTH_ASCII)
    # A wide gap (tab, ideographic space, several spaces) separates things, e.g. the cells
    # of an unruled table; a single space between Chinese characters is noise.
    pieces = (_SPACE_BETWEEN_CJK.sub("", _SPACES.sub(" ", piece).strip()) for piece in _WIDE_GAP.split(text))
    text = "\u3000".join(p for p in pieces if p)  # idempotent: a wide gap stays one
    text = _HALF_PUNCT_IN_CJK.sub(lambda m: _HALF_PUNCT[m.group(1) or m.group(2)], text)
    text = _HALF_PARENS_AROUND_CJK.sub(r"（\1）", text)
    return text


def normalize_multiline(text: str) -> str:
    """Normalise each line, dropping empty ones (table cells hold several paragraphs)."""
    return "\n".join(n for n in (normalize(line) for line in text.splitlines()) if n)


def collapse_doubled(text: str) -> str:
    """Undo 'fake bold' where every character was drawn twice: "世世界界" -> "世界".

    Only applied when nearly every character of the line is doubled, so that real
    repeats ("人人", "天天", "6月6日") in ordinary lines are left alone.
    """
    if len(text) < 4 or len(text) % 2:
        return text
    pairs = [text[i : i + 2] for i in range(0, len(text), 2)]
    if all(p[0] == p[1] for p in pairs):
        return "".join(p[0] for p in pairs)
    return text


HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十]+[章部分条]"
    r"|\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[）)])"
)
SENTENCE_END = "。！？；!?;"
_SENTENCE = re.compile(r"[^。！？；!?;\n]*(?:[。！？；!?;]+[”’」』）)]?|\n|$)")


def looks_like_heading(text: str) -> bool:
    """A numbered line short enough to be a heading rather than a numbered paragraph."""
    return bool(HEADING.match(text)) and len(text) <= 40 and not text.rstrip().endswith("。")


def split_sentences(text: str) -> list[str]:
    """Split Chinese text into sentences, keeping closing quotes with their sentence."""
    out = []
    for m in _SENTENCE.finditer(text):
        s = m.group(0).strip()
        if s:
            out.append(s)
    return out


_CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 21 -> 二十一 (enough for list labels)."""
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")
    return str(n)
