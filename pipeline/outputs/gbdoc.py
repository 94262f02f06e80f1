"""Office documents in the GB/T 9704-2012 look, rendered from one list of paragraphs.

The shortlist, the national summary and the 催报 notice are each a list of `Para`; this module
turns such a list into a .docx and a Markdown file that say the same thing, so the Markdown
can be reviewed in a diff and the Word file printed. The Word file follows the parts of
GB/T 9704-2012 that matter for a leadership reading copy: A4, margins 37/35/28/26 mm, title
in 2号 方正小标宋简体, body in 3号 仿宋_GB2312 on a fixed 28.95 pt line (22 lines a page),
"一、" headings in 黑体, "（一）" in 楷体_GB2312, page numbers "— 1 —" in 4号 宋体, odd pages
at the right and even pages at the left. Tables (an 附件's) are in 4号 仿宋 with single lines;
pictures (charts) are as wide as the text block.

Fonts. Word has no per-run fallback list: a run names one East Asian font (w:eastAsia) and,
when that font is not installed, Word substitutes one of its own choosing. The GB fonts are
often missing in offices, so `FONTS` pairs each role with a fallback that every Chinese
Windows has (仿宋 for 仿宋_GB2312, 楷体 for 楷体_GB2312, 宋体 for 方正小标宋简体);
`render_docx(..., fallback=True)` writes those names instead. Every run carries its
font in all four w:rFonts slots, and the document defaults and Normal style do too, so
nothing falls back to a Latin theme font.
"""

from __future__ import annotations

import copy
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

# role -> (GB/T 9704 font, fallback found on every Chinese Windows)
FONTS = {
    "title": ("方正小标宋简体", "宋体"),
    "heading1": ("黑体", "黑体"),
    "heading2": ("楷体_GB2312", "楷体"),
    "body": ("仿宋_GB2312", "仿宋"),
    "page_number": ("宋体", "宋体"),
}
SIZES = {"title": 22, "heading1": 16, "heading2": 16, "body": 16, "source": 14, "page_number": 14, "table": 12}
LINE_PITCH = Twips(579)  # 28.95 pt: 225 mm of text block / 22 lines
INDENT_CHARS = 2
TEXT_WIDTH = Mm(156)  # 210 mm less the 28 and 26 mm margins


@dataclass(frozen=True)
class Para:
    """One paragraph; `role` decides its font, size and alignment.

    Roles: title | body | heading1 | heading2 | source | signature | date | plain (flush left,
    no indent: an addressee line) | table (`rows`, the first one the header) | picture
    (`image`, PNG bytes; `text` is its caption)."""

    role: str
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = field(default=(), compare=False)
    image: bytes | None = field(default=None, compare=False, repr=False)
    md_text: str | None = None  # the Markdown's own wording, when it says more (a quote's source)


def cn_date(day: date) -> str:
    """成文日期 in GB/T 9704-2012's Arabic form: 2018年7月20日."""
    return f"{day.year}年{day.month}月{day.day}日"


def write_document(paras: list[Para], docx_path: Path, md_path: Path | None, fallback: bool = False) -> None:
    """The .docx and (when asked) the .md, each written atomically."""
    from pipeline.outputs.atomic import atomic_path, write_text_atomic

    with atomic_path(docx_path) as tmp:
        render_docx(paras, tmp, fallback)
    if md_path is not None:
        write_text_atomic(md_path, render_markdown(paras))


# -- Markdown -------------------------------------------------------------------------------


def render_markdown(paras: list[Para]) -> str:
    prefix = {"title": "# ", "heading1": "## ", "heading2": "### "}
    lines = []
    for p in paras:
        if p.role == "table":
            lines.append(_md_table(p.rows))
        elif p.role == "picture":
            lines.append(f"（图：{p.text}）")
        else:
            text = p.text if p.md_text is None else p.md_text
            text = _md_escape(text) if p.role in ("body", "source", "plain") else text
            lines.append(prefix.get(p.role, "") + text)
    return "\n\n".join(lines) + "\n"


def _md_table(rows: tuple[tuple[str, ...], ...]) -> str:
    if not rows:
        return ""
    cells = [[_md_escape(str(c)).replace("|", "\\|").replace("\n", " ") for c in row] for row in rows]
    out = ["| " + " | ".join(cells[0]) + " |", "|" + " --- |" * len(cells[0])]
    out += ["| " + " | ".join(row) + " |" for row in cells[1:]]
    return "\n".join(out)


def _md_escape(text: str) -> str:
    """File names and quotes may hold * _ ` [ ] that Markdown would read as markup."""
    return re.sub(r"([\\`*_\[\]<>#])", r"\\\1", text)


# -- Word -----------------------------------------------------------------------------------


def render_docx(paras: list[Para], path: Path, fallback: bool = False) -> None:
    doc = Document()
    font = {role: pair[1 if fallback else 0] for role, pair in FONTS.items()}
    _page_setup(doc)
    _set_default_fonts(doc, font["body"])
    for p in paras:
        if p.role == "table":
            _add_table(doc, p, font["body"])
        elif p.role == "picture":
            _add_picture(doc, p, font["body"])
        else:
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
    elif role == "plain":
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT
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
    """ "— 1 —" in 4号 宋体, odd pages at the right and even pages at the left, one character in."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
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


def _add_table(doc, para: Para, font: str) -> None:
    """A table with single lines, its header row repeated on every page, in 小四 仿宋.

    One header cell and one body cell are formatted through python-docx; the others are
    copies of their paragraph XML with the text changed (a 47-row 附件 would take a second
    cell by cell, on every night's run)."""
    if not para.rows:
        return
    width = max(len(r) for r in para.rows)
    table = doc.add_table(rows=len(para.rows), cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    size = SIZES["table"]
    templates = {}
    for r, tr in enumerate(table._tbl.tr_lst):
        head = r == 0
        for c, tc in enumerate(tr.tc_lst):
            text = str(para.rows[r][c]) if c < len(para.rows[r]) else ""
            p = tc.p_lst[0]
            if head not in templates:
                paragraph = table.rows[r].cells[c].paragraphs[0]
                paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(0)
                paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if head else WD_ALIGN_PARAGRAPH.LEFT
                _add_run(paragraph, "\u200b", font, size).font.bold = head
                templates[head] = copy.deepcopy(paragraph._p)
            new = copy.deepcopy(templates[head])
            t = new.find(f"{qn('w:r')}/{qn('w:t')}")
            t.text = text
            if text != text.strip():
                t.set(qn("xml:space"), "preserve")
            tc.replace(p, new)
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    doc.add_paragraph()  # Word needs a paragraph between a table and what follows


def _add_picture(doc, para: Para, font: str) -> None:
    if para.image is None:
        return
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
    p.add_run().add_picture(io.BytesIO(para.image), width=TEXT_WIDTH)
    if para.text:
        caption = doc.add_paragraph()
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption.paragraph_format.space_before = caption.paragraph_format.space_after = Pt(0)
        _add_run(caption, para.text, font, SIZES["source"])
