"""The typical-case shortlist (典型事例推荐名单) leadership reads, as shortlist.docx and shortlist.md.

Both files say the same thing: they are rendered from one list of paragraphs, so the Markdown
can be reviewed in a diff and the Word file printed. The Word file follows the parts of
GB/T 9704-2012 that matter for a leadership reading copy: A4, margins 37/35/28/26 mm, title
in 2号 方正小标宋简体, body in 3号 仿宋_GB2312 on a fixed 28.95 pt line (22 lines a page),
"一、" headings in 黑体, "（一）" in 楷体_GB2312, page numbers "— 1 —" in 4号 宋体, odd pages
at the right and even pages at the left.

Fonts. Word has no per-run fallback list: a run names one East Asian font (w:eastAsia) and,
when that font is not installed, Word substitutes one of its own choosing. The GB fonts are
often missing in offices, so `FONTS` pairs each role with a fallback that every Chinese
Windows has (仿宋 for 仿宋_GB2312, 楷体 for 楷体_GB2312, 宋体 for 方正小标宋简体);
`write_shortlist(..., fallback=True)` writes those names instead. Every run carries its
font in all four w:rFonts slots, and the document defaults and Normal style do too, so
nothing falls back to a Latin theme font.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

from pipeline.campaign import Campaign
from pipeline.model import Record
from pipeline.outputs.atomic import atomic_path, write_text_atomic
from pipeline.records.score import METRIC_LABELS, PART_NAMES, Case, metric_phrase
from pipeline.text import HEADING, chinese_number

SHORTLIST_DOCX = "shortlist.docx"
SHORTLIST_MD = "shortlist.md"

# role -> (GB/T 9704 font, fallback found on every Chinese Windows)
FONTS = {
    "title": ("方正小标宋简体", "宋体"),
    "heading1": ("黑体", "黑体"),
    "heading2": ("楷体_GB2312", "楷体"),
    "body": ("仿宋_GB2312", "仿宋"),
    "page_number": ("宋体", "宋体"),
}
SIZES = {"title": 22, "heading1": 16, "heading2": 16, "body": 16, "source": 14, "page_number": 14}
LINE_PITCH = Twips(579)  # 28.95 pt: 225 mm of text block / 22 lines
INDENT_CHARS = 2
SENTENCE_LIMIT = 110  # characters of one quoted sentence before it is cut at a clause
EMPTY_TEXT = "本次尚无可推荐的活动总结。"
NO_METRICS_TEXT = "报告未提供量化数据。"

_ISO_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ACTIVITY_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}月\d{1,2}日|[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日|当天")
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
_COUNTED_RE = re.compile(r"\d+(?:\.\d+)?\s*[万千百]?[余多]?\s*(?:人次|人|份|篇|条|家|场次|场|件|次|个)")
# Plans for next year are not what was done; a summary's closing section is full of them.
_FUTURE_RE = re.compile(r"^(?:下一步|今后|明年)|将(?:继续|进一步)")
_CLAUSE_END = "，；：、"
_SENTENCE_END = "。！？"


@dataclass(frozen=True)
class Para:
    """One paragraph of the shortlist; `role` decides its font, size and alignment."""

    role: str  # title | body | heading1 | heading2 | source | signature | date
    text: str


def write_shortlist(picked: list[Case], ranked_count: int, summaries: int, campaign: Campaign,
                    out_dir: Path, run_date: date, fallback: bool = False) -> tuple[Path, Path]:
    """Write OUT/shortlist.docx and OUT/shortlist.md atomically; return their paths.

    `summaries` is how many activity summaries arrived, `ranked_count` how many of them were
    scored (duplicates and superseded versions left out); `picked` is `score.shortlist(...)`.
    `fallback=True` names the fallback fonts instead of the GB ones, for offices without them.
    """
    paras = shortlist_paragraphs(picked, ranked_count, summaries, campaign, run_date)
    docx_path, md_path = out_dir / SHORTLIST_DOCX, out_dir / SHORTLIST_MD
    with atomic_path(docx_path) as tmp:
        _render_docx(paras, tmp, fallback)
    write_text_atomic(md_path, render_markdown(paras))
    return docx_path, md_path


# -- content -------------------------------------------------------------------------------

def shortlist_paragraphs(picked: list[Case], ranked_count: int, summaries: int, campaign: Campaign,
                         run_date: date) -> list[Para]:
    """The document as paragraphs, shared by the Word and the Markdown rendering."""
    paras = [Para("title", campaign.shortlist_title), Para("body", _introduction(picked, ranked_count, summaries, run_date))]
    if not picked:
        paras.append(Para("body", EMPTY_TEXT))
    for number, case in enumerate(picked, start=1):
        paras.extend(_case_paragraphs(number, case))
    paras.append(Para("signature", f"{campaign.name}活动汇总组"))
    paras.append(Para("date", _cn_date(run_date)))
    return paras


def _cn_date(day: date) -> str:
    """成文日期 in GB/T 9704-2012's Arabic form: 2018年7月20日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _introduction(picked: list[Case], ranked_count: int, summaries: int, run_date: date) -> str:
    today = _cn_date(run_date)
    if summaries == 0:
        received = f"截至{today}，尚未收到活动总结。"
    elif ranked_count == summaries:
        received = f"截至{today}，共收到并评分活动总结{summaries}份。"
    else:
        received = (f"截至{today}，共收到活动总结{summaries}份，剔除重复报送和已被新版本替代的文件后，"
                    f"对{ranked_count}份逐一评分。")
    how = (f"评分综合{'、'.join(PART_NAMES)}{chinese_number(len(PART_NAMES))}个方面，得分由高到低排序；"
           "审核人员在“是否推荐”中填写“是”的直接列入，填写“否”的不予列入。")
    if not picked:
        return received + how
    forced = sum(1 for c in picked if c.record.review.get("recommend") == "是")
    result = f"经综合评定，推荐典型事例{len(picked)}个"
    result += f"（其中审核人员推荐列入{forced}个）" if forced else ""
    return received + how + result + "，按得分排列如下。"


def _case_paragraphs(number: int, case: Case) -> list[Para]:
    record = case.record
    practice = _practice_sentences(record)
    used = set(practice)
    effect = _effect_text(record, used)
    reasons = "；".join(case.reasons())
    reasons = _end_sentence(reasons) if reasons else "报告内容较为简略，由审核人员推荐列入。"
    comment = (record.review.get("comment") or "").strip()
    if comment:
        reasons += f"审核意见：{_end_sentence(comment)}"
    return [
        Para("heading1", f"{chinese_number(number)}、{_sender(record)}（得分{case.score:g}）"),
        Para("heading2", "（一）主要做法"),
        Para("body", "".join(practice) or "报告未写明具体做法。"),
        Para("heading2", "（二）成效"),
        Para("body", effect),
        Para("heading2", "（三）推荐理由"),
        Para("body", reasons),
        Para("source", f"来源文件：{record.file}"),
    ]


def _sender(record: Record) -> str:
    return record.submitter or Path(record.file).stem


def _practice_sentences(record: Record) -> list[str]:
    """Two or three sentences: the activity types in words, then the best concrete sentences.

    Highlights come first (extraction already chose them as worth quoting); activity evidence
    fills in when there are too few. Sentences about a dated activity are preferred: they say
    what was done, where headings and closing plans do not.
    """
    sentences = []
    types = record.activity_types
    if types:
        sentences.append(f"共开展{'、'.join(types)}{len(types)}类活动。")
    candidates = [h.get("text", "") for h in record.highlights]
    candidates += [a.get("evidence", "") for a in record.activities if a.get("evidence", "").endswith(("。", "；"))]
    usable = []
    for text in candidates:
        text = _clean(text)
        if not text or HEADING.match(text) or _FUTURE_RE.search(text) or _is_tally(text):
            continue
        if any(text in u or u in text for u in usable):
            continue
        usable.append(text)
    dated = [t for t in usable if _ACTIVITY_DATE_RE.search(t)]
    chosen = (dated + [t for t in usable if t not in dated])[:2]
    chosen.sort(key=usable.index)  # keep the report's own order
    return sentences + [_end_sentence(_trim(t)) for t in chosen]


def _effect_text(record: Record, used: set[str]) -> str:
    """The metrics as one clause list, then the highlight whose counts add most to them."""
    names = [n for n in METRIC_LABELS if n in record.metrics]
    text = "主要数据：" + "，".join(metric_phrase(record, n) for n in names) + "。" if names else ""
    known = {str(record.metrics[n]) for n in names} | {f"{record.metrics[n] / 10000:g}" for n in names}
    best, best_key = None, (False, 0, 0)
    for h in record.highlights:
        candidate = _end_sentence(_trim(_clean(h.get("text", ""))))
        counted = [_NUMBER_RE.match(c)[0] for c in _COUNTED_RE.findall(candidate)]
        if candidate in used or HEADING.match(candidate) or not counted:
            continue
        new = sum(1 for n in counted if n not in known)
        # A sentence that adds a number beats one that repeats the metrics; among those,
        # a tally (several counts) says more about results than a single figure.
        key = (new > 0, len(counted), new)
        if best is None or key > best_key:
            best, best_key = candidate, key
    if best and (best_key[0] or not text):
        text += best
    return text or NO_METRICS_TEXT


def _is_tally(text: str) -> bool:
    """A sentence that is mostly totals belongs in 成效, not in 主要做法."""
    return len(_COUNTED_RE.findall(text)) >= 3


def _clean(text: str) -> str:
    """ISO dates as a reader writes them (2018年6月9日), spaces and dangling marks gone."""
    text = _ISO_DATE_RE.sub(lambda m: f"{m[1]}年{int(m[2])}月{int(m[3])}日", text.strip())
    return re.sub(r"\s+", "", text)


def _trim(text: str, limit: int = SENTENCE_LIMIT) -> str:
    """Cut a long sentence at its last clause mark before `limit`, so it still reads whole."""
    if len(text) <= limit:
        return text
    cut = max(text.rfind(mark, 0, limit) for mark in _CLAUSE_END)
    return text[:cut] if cut > limit // 2 else text[:limit] + "……"


def _end_sentence(text: str) -> str:
    text = text.rstrip(_CLAUSE_END + " ")
    return text if not text or text.endswith(("……", *_SENTENCE_END)) else text + "。"


# -- Markdown -------------------------------------------------------------------------------

def render_markdown(paras: list[Para]) -> str:
    prefix = {"title": "# ", "heading1": "## ", "heading2": "### "}
    lines = []
    for p in paras:
        text = _md_escape(p.text) if p.role in ("body", "source") else p.text
        lines.append(prefix.get(p.role, "") + text)
    return "\n\n".join(lines) + "\n"


def _md_escape(text: str) -> str:
    """File names and quotes may hold * _ ` [ ] that Markdown would read as markup."""
    return re.sub(r"([\\`*_\[\]<>#])", r"\\\1", text)


# -- Word -----------------------------------------------------------------------------------

def _render_docx(paras: list[Para], path: Path, fallback: bool) -> None:
    doc = Document()
    font = {role: pair[1 if fallback else 0] for role, pair in FONTS.items()}
    _page_setup(doc)
    _set_default_fonts(doc, font["body"])
    for p in paras:
        _add_paragraph(doc, p, font, fallback)
    _add_page_numbers(doc, font["page_number"])
    doc.core_properties.title = paras[0].text
    doc.save(path)


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    # The page number's top sits about 7 mm under the 35 mm bottom margin.
    section.footer_distance = Mm(22)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH.twips))


def _set_fonts(rpr, name: str) -> None:
    """All four slots: ascii/hAnsi alone would leave the Chinese text to the theme font."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)


def _set_default_fonts(doc, body_font: str) -> None:
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr = rpr_default.find(qn("w:rPr"))
    _set_fonts(rpr, body_font)
    # Chinese, not the template's en-US, for East Asian text: line breaking and punctuation
    # follow Chinese rules, and substitutes are chosen from simplified-Chinese fonts.
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal = doc.styles["Normal"]
    normal.font.size = Pt(SIZES["body"])
    _set_fonts(normal.element.get_or_add_rPr(), body_font)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = fmt.space_after = Pt(0)


def _add_paragraph(doc, para: Para, font: dict[str, str], fallback: bool) -> None:
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = fmt.space_after = Pt(0)
    role = para.role
    size = SIZES.get(role, SIZES["body"])
    if role == "title":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.line_spacing = Pt(35)  # a 2号 title needs more than the body's line
        fmt.space_after = LINE_PITCH  # one empty body line under the title
    elif role in ("signature", "date"):
        # 右空二字 for both; the shorter date then starts two characters right of the 署名.
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _indent_chars(p, right=INDENT_CHARS, size=size)
        if role == "signature":
            fmt.space_before = Twips(LINE_PITCH.twips * 2)  # two empty lines above the 署名
    else:
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        _indent_chars(p, first_line=INDENT_CHARS, size=size)
    if role in ("heading1", "heading2"):
        fmt.keep_with_next = True
        outline = OxmlElement("w:outlineLvl")
        outline.set(qn("w:val"), "0" if role == "heading1" else "1")
        p._p.get_or_add_pPr().append(outline)  # Word's navigation pane, without Heading styles' look
    run = p.add_run(para.text)
    run.font.size = Pt(size)
    font_role = role if role in font else "body"
    _set_fonts(run._r.get_or_add_rPr(), font[font_role])
    # 宋体 standing in for 小标宋 is too light for a title unless bold.
    if role == "title" and fallback:
        run.font.bold = True


def _indent_chars(p, size: int, first_line: int = 0, right: int = 0) -> None:
    """Indent in characters (w:firstLineChars), with the length in points for older readers."""
    fmt = p.paragraph_format
    if first_line:
        fmt.first_line_indent = Pt(size * first_line)
    if right:
        fmt.right_indent = Pt(size * right)
    ind = p._p.get_or_add_pPr().find(qn("w:ind"))
    if first_line:
        ind.set(qn("w:firstLineChars"), str(first_line * 100))
    if right:
        ind.set(qn("w:rightChars"), str(right * 100))


def _add_page_numbers(doc, font: str) -> None:
    """"— 1 —" in 4号 宋体, odd pages at the right and even pages at the left, one character in."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.alignment = align
        fmt = p.paragraph_format
        size = SIZES["page_number"]
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = Pt(size)
        else:
            fmt.left_indent = Pt(size)
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        _add_run(p, "— ", font, size)
        _add_page_field(p, font, size)
        _add_run(p, " —", font, size)


def _add_run(p, text: str, font: str, size: int):
    run = p.add_run(text)
    run.font.size = Pt(size)
    _set_fonts(run._r.get_or_add_rPr(), font)
    return run


def _add_page_field(p, font: str, size: int) -> None:
    """A complex PAGE field (begin, instruction, separate, shown value, end)."""
    def field_char(kind: str):
        run = _add_run(p, "", font, size)
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run._r.append(char)

    field_char("begin")
    run = _add_run(p, "", font, size)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run._r.append(instr)
    field_char("separate")
    _add_run(p, "1", font, size)
    field_char("end")
