#!/usr/bin/env python3
"""Build the sample inbox that report-digest is developed and tested against.

Every sample document is written once, as text, in ``samples/sources/<id>.txt``
(the markup is specified in ``samples/SOURCES.md``). This script renders each
source into the files a bureau would really send (.docx made with python-docx;
.pdf, .doc, .wps and .rtf made from that .docx by LibreOffice), adds the hard
cases an office inbox really holds (duplicates, a zip with GBK member names,
renamed and broken files, a scan, an encrypted PDF, a "fake bold" PDF, photos
and a video, and the paper copies offices send: a colour scan with a red seal
over the 落款, phone photos of the pages, a PDF whose sealed last page is a
scan), sets every file's modification time to its arrival time and writes the
gold labels to ``samples/labels.json``.

    python samples/make_samples.py                  # regenerate inbox + labels
    python samples/make_samples.py --restore-mtimes # after a git clone
    python samples/make_samples.py --check          # every labelled file exists

Content is deterministic: the text comes from the sources, and the small layout
details that vary between files are drawn from random generators seeded with
2018 and the source id, so adding a source never changes another one's file.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import html
import io
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pypdfium2 as pdfium
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream, FloatObject, NumberObject

SAMPLES_DIR = Path(__file__).resolve().parent
DEFAULT_SOURCES = SAMPLES_DIR / "sources"
INBOX = SAMPLES_DIR / "inbox"
LABELS = SAMPLES_DIR / "labels.json"

SEED = 2018
# Arrival times in the sources are office-local; China has kept UTC+8 without
# daylight saving since 1991, so a fixed offset makes mtimes machine-independent.
CHINA_TZ = timezone(timedelta(hours=8))
INBOX_BUDGET = 8 * 1024 * 1024

FORMATS = {"docx": ".docx", "pdf": ".pdf", "doc": ".doc", "wps": ".wps", "rtf": ".rtf", "scan": ".pdf", "photo": ".pdf"}
# Paper copies a source can ask for as an output: made from its LibreOffice PDF, no text layer.
PAPER_FORMATS = {"scan", "photo"}
# LibreOffice output per target; a .wps from WPS Office is a Word 97 file.
LIBREOFFICE_TARGETS = {
    "pdf": ("pdf", ".pdf"),
    "doc": ("doc:MS Word 97", ".doc"),
    "wps": ("doc:MS Word 97", ".doc"),
    "rtf": ("rtf", ".rtf"),
}
SUBMITTER_KINDS = {"regulator", "demo_zone", "institution", "unknown"}
DOC_KINDS = {"plan", "summary", "other"}
METRICS = {"participants", "materials", "media_reports", "consultations", "institutions"}
LABEL_FIELDS = ("submitter", "submitter_kind", "doc_kind", "activity_types", "activity_dates", "doc_date", "metrics")
# The genre a document is written in, so `digest eval` scores each genre apart.
GENRES = {"formal", "news", "info", "bulletin", "wechat", "yishi", "stats", "email", "scan"}
LABELLED_STATUSES = {"ok", "duplicate", "needs_ocr"}

TITLE_FONT = "方正小标宋简体"
LATIN_FONT = "Times New Roman"
BODY_PT = 16
TITLE_PT = 22


# --------------------------------------------------------------------------
# Sources: parsing and validation
# --------------------------------------------------------------------------


class SourceError(Exception):
    """One or more sources are malformed; the message lists every problem."""


@dataclass(frozen=True)
class Output:
    """One file a source becomes, and when it reached the office."""

    name: str
    format: str
    arrived: datetime
    folder: str = ""

    @property
    def path(self) -> str:
        """Inbox-relative path, the key used in labels.json."""
        return f"{self.folder}/{self.name}" if self.folder else self.name


@dataclass(frozen=True)
class Layout:
    """The [layout] table: how the document looks, never what it says."""

    title_in_textbox: bool = False
    letterhead: str = ""
    header: str = ""
    footer_page_numbers: bool = False
    font: str = "仿宋_GB2312"
    images: int = 0
    folder: str = ""


@dataclass(frozen=True)
class Block:
    """A unit of the body: a title, heading, paragraph, table, list, break or picture.

    ``content`` holds the text lines (title lines, list items, one paragraph)
    or, for a table, the rows as tuples of cells.
    """

    kind: str
    content: tuple = ()


@dataclass
class Source:
    id: str
    path: Path
    outputs: list[Output]
    layout: Layout
    label: dict
    blocks: list[Block]

    @property
    def stem(self) -> str:
        """The document's name without extension, for naming derived hard cases."""
        return Path(self.outputs[0].name).stem

    @property
    def folder(self) -> str:
        return self.outputs[0].folder

    @property
    def first_arrival(self) -> datetime:
        return min(o.arrived for o in self.outputs)


# Line prefixes, longest first so "## " is not read as "# ".
LINE_PREFIXES = [
    ("### ", "heading2"),
    ("## ", "heading1"),
    ("# ", "title"),
    ("^ ", "center"),
    ("> ", "right"),
    ("+c ", "chinese"),
    ("+ ", "decimal"),
    ("* ", "bullet"),
    ("| ", "row"),
]
DIRECTIVES = {"[pagebreak]": "pagebreak", "[image]": "image"}
# Consecutive lines of these kinds merge into one block (a title, a table, a list).
GROUPED_KINDS = {"title", "row", "decimal", "chinese", "bullet"}


def parse_body(lines: list[str], first_line: int, where: str) -> tuple[list[Block], list[str]]:
    """Turn body lines into blocks; return the blocks and any problems found.

    Blank lines are ignored (SOURCES.md), so they do not split a table or a list.
    """
    blocks: list[Block] = []
    starts: list[int] = []
    problems: list[str] = []
    for number, raw in enumerate(lines, start=first_line):
        line = raw.strip()
        if not line:
            continue
        kind, text = classify_line(line)
        if kind == "invalid":
            problems.append(f"{where}:{number}: {text}: {line!r}")
            continue
        item = split_row(line) if kind == "row" else text
        if kind in GROUPED_KINDS and blocks and blocks[-1].kind == kind:
            blocks[-1] = Block(kind, blocks[-1].content + (item,))
        else:
            blocks.append(Block(kind, (item,) if item else ()))
            starts.append(number)
    for block, start in zip(blocks, starts):
        widths = sorted({len(row) for row in block.content}) if block.kind == "row" else []
        if len(widths) > 1:
            problems.append(f"{where}:{start}: table rows have different cell counts {widths}")
    if not blocks:
        problems.append(f"{where}: the body is empty")
    return [Block("table", b.content) if b.kind == "row" else b for b in blocks], problems


def split_row(line: str) -> tuple[str, ...]:
    """'| a | b |' -> ('a', 'b'); the closing bar is optional, empty cells are kept."""
    inner = line[1:-1] if line.endswith("|") else line[1:]
    return tuple(cell.strip() for cell in inner.split("|"))


def classify_line(line: str) -> tuple[str, str]:
    """Return (kind, text) for one non-blank body line; kind 'invalid' carries the reason."""
    if line in DIRECTIVES:
        return DIRECTIVES[line], ""
    if re.fullmatch(r"\[[a-z]+\]", line):
        return "invalid", "unknown directive (known: [pagebreak], [image])"
    if line == "|" or line.startswith("|") and not line.startswith("| "):
        return "invalid", "a table row starts with '| '"
    for prefix, kind in LINE_PREFIXES:
        if line.startswith(prefix):
            text = line[len(prefix) :].strip()
            return (kind, text) if text else ("invalid", f"empty {kind} line")
    if line.startswith("#"):
        return "invalid", "a title or heading needs '# ', '## ' or '### '"
    return "para", line


def split_front_matter(text: str, where: str) -> tuple[str, list[str], int]:
    """Split '+++ toml +++ body'; return the TOML, the body lines and the body's first line number."""
    lines = text.splitlines()
    fences = [i for i, line in enumerate(lines) if line.strip() == "+++"]
    if len(fences) < 2 or fences[0] != 0:
        raise SourceError(
            f"{where}: the file must start with a '+++' line and close the front matter with another '+++' line"
        )
    start, end = fences[0], fences[1]
    return "\n".join(lines[start + 1 : end]), lines[end + 1 :], end + 2


def parse_arrival(value: object, where: str, problems: list[str]) -> datetime:
    """Accept a TOML datetime or an ISO string; naive times are China Standard Time."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            problems.append(f"{where}: arrived {value!r} is not an ISO date-time")
            return datetime(2018, 1, 1, tzinfo=CHINA_TZ)
    if not isinstance(value, datetime):
        problems.append(f"{where}: arrived must be a date-time like 2018-06-03T10:20:00")
        return datetime(2018, 1, 1, tzinfo=CHINA_TZ)
    return value.replace(tzinfo=CHINA_TZ) if value.tzinfo is None else value.astimezone(CHINA_TZ)


def check_keys(table: dict, allowed: set[str], where: str, problems: list[str]) -> None:
    """Unknown keys are almost always typos, which would silently drop a setting."""
    for key in sorted(set(table) - allowed):
        problems.append(f"{where}: unknown key {key!r} (allowed: {', '.join(sorted(allowed))})")


def parse_outputs(meta: dict, layout: Layout, where: str, problems: list[str]) -> list[Output]:
    entries = meta.get("output")
    if not isinstance(entries, list) or not entries:
        problems.append(f"{where}: at least one [[output]] is required")
        return []
    outputs = []
    for n, entry in enumerate(entries, start=1):
        at = f"{where} [[output]] #{n}"
        check_keys(entry, {"name", "format", "arrived", "folder"}, at, problems)
        name, fmt = entry.get("name", ""), entry.get("format", "")
        if not isinstance(name, str) or not name or "/" in name or "\\" in name:
            problems.append(f"{at}: name must be a plain file name")
        if fmt not in FORMATS:
            problems.append(f"{at}: format {fmt!r} is not one of {', '.join(FORMATS)}")
        elif not str(name).lower().endswith(FORMATS[fmt]):
            problems.append(f"{at}: name {name!r} does not end with {FORMATS[fmt]}")
        folder = entry.get("folder", layout.folder)
        if not isinstance(folder, str) or folder.startswith("/") or ".." in folder:
            problems.append(f"{at}: folder must be a relative folder name")
        arrived = parse_arrival(entry.get("arrived"), at, problems)
        outputs.append(Output(str(name), str(fmt), arrived, str(folder).strip("/")))
    return outputs


LAYOUT_TYPES = {
    "title_in_textbox": bool,
    "letterhead": str,
    "header": str,
    "footer_page_numbers": bool,
    "font": str,
    "images": int,
    "folder": str,
}


def parse_layout(meta: dict, where: str, problems: list[str]) -> Layout:
    table = meta.get("layout", {})
    check_keys(table, set(LAYOUT_TYPES), f"{where} [layout]", problems)
    for key, kind in LAYOUT_TYPES.items():
        if key in table and not isinstance(table[key], kind):
            problems.append(f"{where} [layout]: {key} must be a {kind.__name__}")
    if isinstance(table.get("images"), int) and not 0 <= table["images"] <= 6:
        problems.append(f"{where} [layout]: images must be between 0 and 6")
    return Layout(**{k: v for k, v in table.items() if k in LAYOUT_TYPES and isinstance(v, LAYOUT_TYPES[k])})


def is_iso_date(value: object) -> bool:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return isinstance(value, str) and len(value) == 10


def validate_label(label: dict, where: str, problems: list[str]) -> None:
    """The labels are the gold standard; a malformed one would corrupt every evaluation."""
    at = f"{where} [label]"
    check_keys(label, {*LABEL_FIELDS, "genre", "unscored"}, at, problems)
    unscored = label.get("unscored", [])
    if not isinstance(unscored, list) or not all(isinstance(u, str) and u for u in unscored):
        problems.append(f"{at}: unscored must be a list of field names (metrics.participants, doc_date…)")
    if label.get("genre") not in GENRES:
        problems.append(f"{at}: genre must be one of {', '.join(sorted(GENRES))}")
    for key in LABEL_FIELDS:
        if key not in label:
            problems.append(f"{at}: {key} is missing")
    if not isinstance(label.get("submitter", ""), str) or not label.get("submitter"):
        problems.append(f"{at}: submitter must be a non-empty string")
    if label.get("submitter_kind") not in SUBMITTER_KINDS:
        problems.append(f"{at}: submitter_kind must be one of {', '.join(sorted(SUBMITTER_KINDS))}")
    if label.get("doc_kind") not in DOC_KINDS:
        problems.append(f"{at}: doc_kind must be one of {', '.join(sorted(DOC_KINDS))}")
    types = label.get("activity_types", [])
    if not isinstance(types, list) or not all(isinstance(t, str) and t for t in types) or len(set(types)) != len(types):
        problems.append(f"{at}: activity_types must be a list of distinct non-empty strings")
    dates = label.get("activity_dates", [])
    if not isinstance(dates, list) or not all(is_iso_date(d) for d in dates):
        problems.append(f"{at}: activity_dates must be a list of YYYY-MM-DD strings")
    doc_date = label.get("doc_date", "")
    if doc_date != "" and not is_iso_date(doc_date):
        problems.append(f'{at}: doc_date must be YYYY-MM-DD or ""')
    metrics = label.get("metrics", {})
    if not isinstance(metrics, dict):
        problems.append(f"{at}: metrics must be a table")
        return
    for key, value in metrics.items():
        if key not in METRICS:
            problems.append(f"{at}.metrics: unknown metric {key!r} (known: {', '.join(sorted(METRICS))})")
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            problems.append(f"{at}.metrics: {key} must be a non-negative integer")


def parse_source(path: Path) -> tuple[Source | None, list[str]]:
    """Read one source file; return it (None if unusable) and the problems found."""
    where = str(path)
    try:
        toml_text, body, body_start = split_front_matter(path.read_text(encoding="utf-8"), where)
        meta = tomllib.loads(toml_text)
    except (SourceError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return None, [f"{where}: {error}" if not isinstance(error, SourceError) else str(error)]
    problems: list[str] = []
    check_keys(meta, {"id", "note", "output", "layout", "label"}, where, problems)
    if meta.get("id") != path.stem:
        problems.append(f"{where}: id {meta.get('id')!r} must equal the file name stem {path.stem!r}")
    layout = parse_layout(meta, where, problems)
    outputs = parse_outputs(meta, layout, where, problems)
    label = meta.get("label", {})
    label.setdefault("metrics", {})
    label.setdefault("genre", "formal")
    validate_label(label, where, problems)
    blocks, body_problems = parse_body(body, body_start, where)
    problems += body_problems
    source = Source(path.stem, path, outputs, layout, label, blocks)
    return (None if problems else source), problems


def load_sources(directory: Path) -> list[Source]:
    """Parse every source, checking them all before failing so one run shows every problem."""
    paths = sorted(directory.glob("*.txt"))
    if not paths:
        raise SourceError(f"{directory}: no *.txt sources found")
    sources, problems = [], []
    for path in paths:
        source, found = parse_source(path)
        problems += found
        if source:
            sources.append(source)
    seen: dict[str, str] = {}
    for source in sources:
        for output in source.outputs:
            key = output.path.casefold()
            if key in seen:
                problems.append(f"{source.path}: output {output.path!r} is also produced by {seen[key]}")
            seen[key] = source.id
    if problems:
        raise SourceError("\n".join(problems))
    return sources


# --------------------------------------------------------------------------
# Look: the layout details that differ between offices
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Look:
    """Small layout choices drawn per source, so the corpus is not forty clones."""

    margins_mm: tuple[float, float, float, float]  # top, right, bottom, left
    line_spacing_pt: float | None  # exact spacing, or None for 1.5 lines
    heading1_font: str
    heading2_font: str
    heading2_bold: bool
    heading_styles: bool  # real "Heading n" styles, or direct formatting only
    closing_indent_chars: int  # right indent of the 落款 lines
    gb_page_numbers: bool  # odd pages right, even left (GB/T 9704) or centred
    picture_width_mm: int
    author: str


def choose_look(rng: random.Random) -> Look:
    margins = rng.choice(
        [(37, 26, 35, 28), (37, 26, 35, 28), (36, 26, 34, 28), (25.4, 31.8, 25.4, 31.8), (30, 25, 30, 28)]
    )
    return Look(
        margins_mm=margins,
        line_spacing_pt=rng.choice([28, 28.9, 29, 30, None]),
        heading1_font=rng.choice(["黑体", "黑体", "方正黑体_GBK"]),
        heading2_font=rng.choice(["楷体_GB2312", "楷体_GB2312", "楷体"]),
        heading2_bold=rng.random() < 0.3,
        heading_styles=rng.random() < 0.7,
        closing_indent_chars=rng.choice([0, 2, 4]),
        gb_page_numbers=rng.random() < 0.6,
        picture_width_mm=rng.choice([110, 120, 130, 140]),
        author=rng.choice(["Administrator", "微软用户", "User", "lenovo", "办公室", "PC"]),
    )


# --------------------------------------------------------------------------
# Pictures
# --------------------------------------------------------------------------

BANNER_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")


def make_photo(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """A small event-photo look-alike: sky, backdrop, red banner, a crowd, blur and grain."""
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    sky_top = (rng.randint(90, 140), rng.randint(140, 180), rng.randint(200, 240))
    horizon = int(height * rng.uniform(0.45, 0.6))
    for y in range(height):
        t = y / height
        if y < horizon:
            colour = tuple(int(c + (235 - c) * t) for c in sky_top)
        else:
            grey = int(150 - 50 * t)
            colour = (grey, grey - 5, grey - 12)
        draw.line([(0, y), (width, y)], fill=colour)
    for _ in range(rng.randint(2, 4)):  # buildings behind the stage
        x = rng.randint(-20, width - 40)
        w, h = rng.randint(60, 160), rng.randint(40, horizon - 10)
        shade = rng.randint(150, 210)
        draw.rectangle([x, horizon - h, x + w, horizon], fill=(shade, shade, shade + 8))
    banner = [int(width * 0.12), int(horizon * 0.55), int(width * 0.88), int(horizon * 0.8)]
    draw.rectangle(banner, fill=(rng.randint(180, 210), 20, 25))
    if BANNER_FONT.exists():
        font = ImageFont.truetype(str(BANNER_FONT), max(10, (banner[3] - banner[1]) * 2 // 3))
        draw.text(
            ((banner[0] + banner[2]) // 2, (banner[1] + banner[3]) // 2),
            "2018年世界认可日",
            font=font,
            fill=(255, 235, 120),
            anchor="mm",
        )
    for _ in range(rng.randint(18, 32)):  # the crowd
        x, y = rng.randint(0, width), rng.randint(horizon + 5, height + 20)
        scale = 0.5 + (y - horizon) / (height - horizon + 1)
        body = rng.choice([(40, 50, 90), (200, 200, 205), (30, 30, 35), (180, 40, 40), (60, 110, 160)])
        draw.ellipse([x - 11 * scale, y - 8 * scale, x + 11 * scale, y + 30 * scale], fill=body)
        draw.ellipse([x - 6 * scale, y - 20 * scale, x + 6 * scale, y - 6 * scale], fill=(35, 30, 28))
    image = image.filter(ImageFilter.GaussianBlur(0.8))
    return Image.blend(image, grain(rng, size).convert("RGB"), 0.06)


def grain(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """Sensor or scanner noise drawn from the seeded generator (Pillow's own noise is not)."""
    return Image.frombytes("L", size, rng.randbytes(size[0] * size[1]))


def photo_bytes(rng: random.Random, size: tuple[int, int], fmt: str) -> bytes:
    buffer = io.BytesIO()
    image = make_photo(rng, size)
    if fmt == "JPEG":
        image.save(buffer, "JPEG", quality=72)
    else:
        image.quantize(128).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


# --------------------------------------------------------------------------
# DOCX rendering
# --------------------------------------------------------------------------


def set_run_fonts(element, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Name the East Asian font explicitly: without w:eastAsia Word falls back to the theme font."""
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def indent_first_line(paragraph, chars: int = 2) -> None:
    """First-line indent in characters (firstLineChars), as Chinese Word documents store it."""
    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), str(chars * BODY_PT * 20))


def add_border(paragraph, side: str, colour: str, size_eighths: int) -> None:
    """A rule under the letterhead or header line, drawn as a paragraph border."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = parse_xml(
        f'<w:pBdr {nsdecls("w")}><w:{side} w:val="single" w:sz="{size_eighths}" '
        f'w:space="4" w:color="{colour}"/></w:pBdr>'
    )
    p_pr.insert_element_before(borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc")


def apply_spacing(paragraph, look: Look) -> None:
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(look.line_spacing_pt) if look.line_spacing_pt else 1.5


def setup_page(section, look: Look) -> None:
    """A4 with the GB/T 9704 margins (or an office's own variant)."""
    top, right, bottom, left = look.margins_mm
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.right_margin = Mm(top), Mm(right)
    section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(max(12, bottom - 9))


def setup_styles(document, layout: Layout, look: Look) -> None:
    """Body 3号 font for Normal; headings black, unnumbered and in the GB heading fonts."""
    normal = document.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    set_run_fonts(normal.element, layout.font)
    r_pr = normal.element.get_or_add_rPr()
    for old in r_pr.findall(qn("w:lang")):
        r_pr.remove(old)
    r_pr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="en-US" w:eastAsia="zh-CN"/>'))
    for name, font, bold in (
        ("Heading 1", look.heading1_font, False),
        ("Heading 2", look.heading2_font, look.heading2_bold),
    ):
        style = document.styles[name]
        style.font.size = Pt(BODY_PT)
        style.font.bold = bold
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        set_run_fonts(style.element, font)
        fmt = style.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.keep_with_next = True


class ListNumbering:
    """Adds real numbering definitions to numbering.xml, one restartable w:num per list.

    Readers must see the number the way Word stores it (in numbering.xml, not in
    the text), so "1." and "一、" are generated by Word, LibreOffice and WPS.
    """

    LEVELS = {
        "decimal": ("decimal", "%1.", "nothing"),
        "chinese": ("chineseCounting", "%1、", "nothing"),
        "bullet": ("bullet", "●", "space"),
    }

    def __init__(self, document):
        self.numbering = document.part.numbering_part.element
        self.abstract_ids: dict[str, int] = {}

    def _next_id(self, tag: str, attribute: str) -> int:
        ids = [int(e.get(qn(attribute))) for e in self.numbering.findall(qn(tag))]
        return max(ids, default=0) + 1

    def _abstract(self, kind: str) -> int:
        if kind not in self.abstract_ids:
            num_fmt, text, suffix = self.LEVELS[kind]
            abstract_id = self._next_id("w:abstractNum", "w:abstractNumId")
            element = parse_xml(
                f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
                '<w:multiLevelType w:val="singleLevel"/>'
                f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{num_fmt}"/>'
                f'<w:suff w:val="{suffix}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                f'<w:pPr><w:ind w:left="0" w:firstLineChars="200" w:firstLine="{2 * BODY_PT * 20}"/></w:pPr>'
                "</w:lvl></w:abstractNum>"
            )
            # The schema wants every abstractNum before the first num.
            first_num = self.numbering.find(qn("w:num"))
            if first_num is None:
                self.numbering.append(element)
            else:
                first_num.addprevious(element)
            self.abstract_ids[kind] = abstract_id
        return self.abstract_ids[kind]

    def new_list(self, kind: str) -> int:
        """Return a numId whose numbering starts again at 1."""
        num_id = self._next_id("w:num", "w:numId")
        self.numbering.append(
            parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{self._abstract(kind)}"/>'
                '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
            )
        )
        return num_id


TEXTBOX_XML = """
<w:r {ns}>
  <mc:AlternateContent>
    <mc:Choice Requires="wps">
      <w:drawing>
        <wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0"
            relativeHeight="251659264" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">
          <wp:simplePos x="0" y="0"/>
          <wp:positionH relativeFrom="margin"><wp:align>center</wp:align></wp:positionH>
          <wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>
          <wp:extent cx="{cx}" cy="{cy}"/>
          <wp:effectExtent l="0" t="0" r="0" b="0"/>
          <wp:wrapTopAndBottom/>
          <wp:docPr id="{shape_id}" name="文本框 {shape_id}"/>
          <wp:cNvGraphicFramePr/>
          <a:graphic>
            <a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">
              <wps:wsp>
                <wps:cNvSpPr txBox="1"/>
                <wps:spPr>
                  <a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>
                  <a:prstGeom prst="rect"><a:avLst/></a:prstGeom>
                  <a:noFill/>
                  <a:ln w="6350"><a:noFill/></a:ln>
                </wps:spPr>
                <wps:txbx><w:txbxContent/></wps:txbx>
                <wps:bodyPr rot="0" vert="horz" wrap="square" lIns="91440" tIns="45720"
                    rIns="91440" bIns="45720" anchor="t" anchorCtr="0"><a:noAutofit/></wps:bodyPr>
              </wps:wsp>
            </a:graphicData>
          </a:graphic>
        </wp:anchor>
      </w:drawing>
    </mc:Choice>
    <mc:Fallback>
      <w:pict>
        <v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202"
            path="m,l,21600r21600,l21600,xe">
          <v:stroke joinstyle="miter"/>
          <v:path gradientshapeok="t" o:connecttype="rect"/>
        </v:shapetype>
        <v:shape id="文本框 {shape_id}" o:spid="_x0000_s{spid}" type="#_x0000_t202"
            style="position:absolute;margin-left:0;margin-top:0;width:{w_pt}pt;height:{h_pt}pt;z-index:251659264;mso-position-horizontal:center;mso-position-horizontal-relative:margin;mso-position-vertical-relative:text"
            filled="f" stroked="f" strokeweight=".5pt">
          <v:textbox><w:txbxContent/></v:textbox>
          <w10:wrap type="topAndBottom"/>
        </v:shape>
      </w:pict>
    </mc:Fallback>
  </mc:AlternateContent>
</w:r>
"""

TEXTBOX_NAMESPACES = " ".join(
    f'xmlns:{prefix}="{uri}"'
    for prefix, uri in {
        "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
        "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
        "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
        "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
        "v": "urn:schemas-microsoft-com:vml",
        "o": "urn:schemas-microsoft-com:office:office",
        "w10": "urn:schemas-microsoft-com:office:word",
    }.items()
)
EMU_PER_PT = 12700
TITLE_LINE_PT = 35


def text_width_in_chars(text: str) -> float:
    """Width in full-width characters: Latin letters and digits take half a cell."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in text)


class DocxRenderer:
    """Renders one source's blocks into a python-docx Document."""

    def __init__(self, source: Source, look: Look, rng: random.Random):
        self.source, self.look, self.rng = source, look, rng
        self.document = Document()
        self.numbering = ListNumbering(self.document)
        self.titles_done = 0
        section = self.document.sections[0]
        _, right, _, left = look.margins_mm
        self.text_width_pt = (210 - left - right) / 25.4 * 72
        setup_page(section, look)
        setup_styles(self.document, source.layout, look)
        self.handlers: dict[str, Callable[[Block], None]] = {
            "title": self.add_title,
            "heading1": self.add_heading,
            "heading2": self.add_heading,
            "center": self.add_aligned,
            "right": self.add_aligned,
            "para": self.add_body_paragraph,
            "table": self.add_table,
            "decimal": self.add_list,
            "chinese": self.add_list,
            "bullet": self.add_list,
            "pagebreak": self.add_page_break,
            "image": self.add_picture,
        }

    def render(self) -> Document:
        layout = self.source.layout
        self.add_headers(layout)
        if layout.footer_page_numbers:
            self.add_page_numbers()
        for block in self.source.blocks:
            self.handlers[block.kind](block)
        for _ in range(layout.images):
            self.add_picture(Block("image"))
        return self.document

    # -- paragraphs -------------------------------------------------------

    def paragraph(self, text: str = "", style: str | None = None):
        paragraph = self.document.add_paragraph(text, style)
        apply_spacing(paragraph, self.look)
        return paragraph

    def title_paragraph(self, text: str):
        paragraph = self.paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.line_spacing = Pt(TITLE_LINE_PT)
        run = paragraph.add_run(text)
        run.font.size = Pt(TITLE_PT)
        set_run_fonts(run._r, TITLE_FONT)
        return paragraph

    def add_title(self, block: Block) -> None:
        """Centred 2号 title lines; the first title goes in a text box when the layout says so."""
        paragraphs = [self.title_paragraph(line) for line in block.content]
        if self.source.layout.title_in_textbox and self.titles_done == 0:
            self.move_into_textbox(paragraphs)
        self.titles_done += 1
        self.paragraph()  # the blank line between title and body

    def move_into_textbox(self, paragraphs: list) -> None:
        """Wrap the title in a floating text box, written the way Word 2010+ writes one.

        Word stores the box twice: DrawingML (wps:txbx) for current readers and a
        VML v:textbox fallback, so a reader walking the XML meets the text twice.
        """
        chars_per_line = max(1, int((self.text_width_pt - 14) // TITLE_PT))
        lines = sum(math.ceil(text_width_in_chars(p.text) / chars_per_line) for p in paragraphs)
        width_pt, height_pt = self.text_width_pt, lines * TITLE_LINE_PT + 12
        shape_id = self.document.part.next_id
        run = parse_xml(
            TEXTBOX_XML.format(
                ns=TEXTBOX_NAMESPACES,
                shape_id=shape_id,
                spid=1025 + shape_id,
                cx=int(width_pt * EMU_PER_PT),
                cy=int(height_pt * EMU_PER_PT),
                w_pt=f"{width_pt:.1f}",
                h_pt=f"{height_pt:.1f}",
            )
        )
        elements = [p._p for p in paragraphs]
        anchor = self.paragraph()
        elements[0].addprevious(anchor._p)
        for element in elements:
            element.getparent().remove(element)
        for content in run.iter(qn("w:txbxContent")):
            content.extend(copy.deepcopy(e) for e in elements)
        anchor._p.append(run)

    def add_heading(self, block: Block) -> None:
        level = 1 if block.kind == "heading1" else 2
        style = f"Heading {level}" if self.look.heading_styles else None
        paragraph = self.paragraph(style=style)
        indent_first_line(paragraph)
        run = paragraph.add_run(block.content[0])
        font = self.look.heading1_font if level == 1 else self.look.heading2_font
        set_run_fonts(run._r, font)
        if not self.look.heading_styles:
            run.bold = level == 2 and self.look.heading2_bold

    def add_aligned(self, block: Block) -> None:
        """^ lines are centred (文号, subtitles); > lines are the right-aligned 落款."""
        paragraph = self.paragraph(block.content[0])
        if block.kind == "center":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.right_indent = Pt(BODY_PT * self.look.closing_indent_chars)

    def add_body_paragraph(self, block: Block) -> None:
        indent_first_line(self.paragraph(block.content[0]))

    def add_list(self, block: Block) -> None:
        num_id = self.numbering.new_list(block.kind)
        for item in block.content:
            p_pr = self.paragraph(item)._p.get_or_add_pPr()
            p_pr.get_or_add_numPr().get_or_add_ilvl().val = 0
            p_pr.get_or_add_numPr().get_or_add_numId().val = num_id

    def add_table(self, block: Block) -> None:
        """A real Word table in 'Table Grid' with a repeating, bold header row."""
        rows = block.content
        table = self.document.add_table(rows=len(rows), cols=len(rows[0]), style="Table Grid")
        table.alignment = WD_ALIGN_PARAGRAPH.CENTER
        size = Pt(self.rng.choice([12, 14]))
        for r, row in enumerate(rows):
            for cell, text in zip(table.rows[r].cells, row):
                paragraph = cell.paragraphs[0]
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if r == 0 else None
                run = paragraph.add_run(text)
                run.font.size = size
                run.bold = r == 0
        header = table.rows[0]._tr.get_or_add_trPr()
        header.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))

    def add_page_break(self, block: Block) -> None:
        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def add_picture(self, block: Block) -> None:
        png = photo_bytes(self.rng, (360, 240), "PNG")
        self.document.add_picture(io.BytesIO(png), width=Mm(self.look.picture_width_mm))
        self.document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER

    # -- header and footer -----------------------------------------------

    def add_headers(self, layout: Layout) -> None:
        """Red letterhead on the first page only (as 红头 is), plain header text elsewhere."""
        section = self.document.sections[0]
        plain = [section.header]
        if layout.footer_page_numbers and self.look.gb_page_numbers:
            self.document.settings.odd_and_even_pages_header_footer = True
            plain.append(section.even_page_header)
        if layout.letterhead:
            section.different_first_page_header_footer = True
            self.write_letterhead(section.first_page_header.paragraphs[0], layout.letterhead)
        if layout.header:
            for header in plain:
                self.write_header_text(header.paragraphs[0], layout.header)

    def write_letterhead(self, paragraph, text: str) -> None:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        size = min(36, int(self.text_width_pt * 0.92 / max(len(text), 1)))
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        run.font.color.rgb = RGBColor(0xFF, 0, 0)
        set_run_fonts(run._r, TITLE_FONT)
        add_border(paragraph, "bottom", "FF0000", 18)

    def write_header_text(self, paragraph, text: str) -> None:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.font.size = Pt(10.5)
        set_run_fonts(run._r, "宋体")
        add_border(paragraph, "bottom", "000000", 4)

    def add_page_numbers(self) -> None:
        """'— 1 —' as a PAGE field in 4号 宋体: odd right / even left per GB/T 9704, or centred."""
        section = self.document.sections[0]
        if self.look.gb_page_numbers:
            placements = [
                (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
            ]
        else:
            placements = [(section.footer, WD_ALIGN_PARAGRAPH.CENTER)]
        if self.source.layout.letterhead:
            placements.append((section.first_page_footer, placements[0][1]))
        for footer, alignment in placements:
            self.write_page_number(footer.paragraphs[0], alignment)

    @staticmethod
    def write_page_number(paragraph, alignment) -> None:
        paragraph.alignment = alignment
        fmt = paragraph.paragraph_format
        one_char = Pt(14)
        if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = one_char
        elif alignment == WD_ALIGN_PARAGRAPH.LEFT:
            fmt.left_indent = one_char
        parts = [
            ("text", "— "),
            ("fld", "begin"),
            ("instr", " PAGE "),
            ("fld", "separate"),
            ("text", "1"),
            ("fld", "end"),
            ("text", " —"),
        ]
        for kind, value in parts:
            run = paragraph.add_run()
            run.font.size = Pt(14)
            set_run_fonts(run._r, "宋体", "宋体")
            if kind == "text":
                run.text = value
            elif kind == "fld":
                run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="{value}"/>'))
            else:
                run._r.append(parse_xml(f'<w:instrText {nsdecls("w")} xml:space="preserve">{value}</w:instrText>'))


def freeze_zip(data: bytes, when: datetime) -> bytes:
    """Rewrite a zip with fixed member times so a re-run gives byte-identical .docx files."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            frozen = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            frozen.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(frozen, source.read(info))
    return buffer.getvalue()


def render_docx(source: Source, saved: datetime) -> bytes:
    """The .docx an office would have typed, saved at ``saved`` (core properties and zip times)."""
    rng = random.Random(f"{SEED}:{source.id}")
    look = choose_look(rng)
    document = DocxRenderer(source, look, rng).render()
    properties = document.core_properties
    properties.author = properties.last_modified_by = look.author
    properties.comments = ""
    properties.created = (
        (saved - timedelta(days=rng.randint(1, 6), minutes=rng.randint(0, 600))).astimezone(UTC).replace(tzinfo=None)
    )
    properties.modified = saved.astimezone(UTC).replace(tzinfo=None)
    properties.revision = rng.randint(2, 9)
    buffer = io.BytesIO()
    document.save(buffer)
    return freeze_zip(buffer.getvalue(), saved)


# --------------------------------------------------------------------------
# LibreOffice
# --------------------------------------------------------------------------

# The GB fonts are rarely installed; map them to the Noto CJK faces of the same
# kind (Song/FangSong/Kai to serif, Hei to sans) so PDFs look like the office's.
FONT_SUBSTITUTES = {
    "Noto Serif CJK SC": ["仿宋_GB2312", "仿宋", "楷体_GB2312", "楷体", "宋体", "方正小标宋简体"],
    "Noto Sans CJK SC": ["黑体", "方正黑体_GBK"],
}


def fontconfig_file(work: Path) -> Path:
    """A fonts.conf that adds the substitutes on top of the system configuration."""
    aliases = "".join(
        f'<alias binding="same"><family>{name}</family><prefer><family>{face}</family></prefer></alias>\n'
        for face, names in FONT_SUBSTITUTES.items()
        for name in names
    )
    path = work / "fonts.conf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"{aliases}</fontconfig>\n",
        encoding="utf-8",
    )
    return path


def libreoffice_convert(files: list[Path], target: str, extension: str, outdir: Path, work: Path) -> dict[Path, Path]:
    """Convert many files in ONE soffice run (start-up dominates the cost).

    A private profile keeps this run from handing its work to an office
    instance the user already has open, which would return before converting.
    """
    outdir.mkdir(parents=True, exist_ok=True)
    profile = work / "lo-profile"
    command = [
        "soffice",
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        target,
        "--outdir",
        str(outdir),
        *map(str, files),
    ]
    environment = dict(os.environ, FONTCONFIG_FILE=str(fontconfig_file(work)))
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, env=environment)
    converted = {f: outdir / (f.stem + extension) for f in files}
    missing = [str(f) for f, out in converted.items() if not out.exists() or out.stat().st_size == 0]
    if result.returncode or missing:
        raise RuntimeError(
            f"LibreOffice --convert-to {target} failed for {missing or 'some files'}:\n{result.stdout}\n{result.stderr}"
        )
    return converted


# --------------------------------------------------------------------------
# The inbox and its labels
# --------------------------------------------------------------------------


@dataclass
class InboxFile:
    """A file in the inbox (or a member of a zip in it) with its gold label."""

    file: str
    source: Source | None
    arrived: datetime
    format: str
    status: str
    extra: dict = field(default_factory=dict)
    member: bool = False

    def label(self) -> dict:
        entry = {
            "file": self.file,
            "source": self.source.id if self.source else None,
            "arrived": self.arrived.isoformat(),
            "format": self.format,
            "status": self.status,
        }
        if self.status in LABELLED_STATUSES and self.source:
            entry.update({key: copy.deepcopy(self.source.label[key]) for key in LABEL_FIELDS})
            entry["genre"] = self.source.label["genre"]
            if self.source.label.get("unscored"):
                entry["unscored"] = list(self.source.label["unscored"])
        entry.update(self.extra)
        return entry


@dataclass
class Build:
    """What the hard cases draw on: the rendered .docx and LibreOffice PDF of each source."""

    inbox: Path
    work: Path
    docx: dict[str, Path]
    pdf: dict[str, Path]
    taken: set[str] = field(default_factory=set)

    def place(self, name: str, data: bytes | Path, folder: str = "") -> str:
        """Write a file into the inbox under a free name; return its inbox-relative path."""
        stem, suffix = os.path.splitext(name)
        relative, n = f"{folder}/{name}" if folder else name, 2
        while relative.casefold() in self.taken:
            relative = f"{folder + '/' if folder else ''}{stem}({n}){suffix}"
            n += 1
        self.taken.add(relative.casefold())
        target = self.inbox / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, Path):
            shutil.copyfile(data, target)
        else:
            target.write_bytes(data)
        return relative


@dataclass(frozen=True)
class Rendered:
    """A rendered .docx and the time its author last saved it."""

    path: Path
    saved: datetime


def render_sources(sources: list[Source], build_dir: Path) -> dict[tuple[str, str], Rendered]:
    """Render each source's .docx once per variant; every other format is converted from it.

    A .wps is rendered as its own variant, saved at another time, because WPS
    users save their own copy: otherwise it would be byte-identical to the
    source's .doc (both are LibreOffice Word 97 output) and count as a duplicate.
    """
    rendered = {}
    for source in sources:
        rng = random.Random(f"{SEED}:{source.id}:saved")
        variants = ["docx"] + (["wps"] if any(o.format == "wps" for o in source.outputs) else [])
        for variant in variants:
            saved = source.first_arrival - timedelta(minutes=rng.randint(20, 900))
            path = build_dir / f"{source.id}-{variant}.docx"
            path.write_bytes(render_docx(source, saved))
            rendered[(source.id, variant)] = Rendered(path, saved)
    return rendered


def convert_sources(
    sources: list[Source], rendered: dict[tuple[str, str], Rendered], pdf_ids: set[str], work: Path
) -> dict[tuple[str, str], Path]:
    """Make every non-docx output with one LibreOffice run per target format.

    Returns the made file for each (source id, format); .doc and .wps share the
    Word 97 run.
    """
    jobs = {(s.id, "pdf" if o.format in PAPER_FORMATS else o.format) for s in sources for o in s.outputs}
    jobs |= {(i, "pdf") for i in pdf_ids}
    made = {job: rendered[(job[0], "docx")].path for job in jobs if job[1] == "docx"}
    by_target: dict[str, dict[Path, tuple[str, str]]] = {}
    for source_id, fmt in sorted(jobs - set(made)):
        variant = "wps" if fmt == "wps" else "docx"
        target = LIBREOFFICE_TARGETS[fmt][0]
        by_target.setdefault(target, {})[rendered[(source_id, variant)].path] = (source_id, fmt)
    for target, inputs in sorted(by_target.items()):
        extension = next(ext for t, ext in LIBREOFFICE_TARGETS.values() if t == target)
        results = libreoffice_convert(sorted(inputs), target, extension, work / target.split(":")[0], work)
        made.update({inputs[path]: out for path, out in results.items()})
    for (source_id, fmt), path in made.items():
        if fmt == "pdf":
            freeze_pdf(path, rendered[(source_id, "docx")].saved, source_id)
    return made


def freeze_pdf(path: Path, saved: datetime, key: str) -> None:
    """Pin LibreOffice's conversion time, /ID and checksum so re-runs give identical bytes.

    Replacements keep the byte length, so the cross-reference offsets stay valid.
    The creation time becomes the author's save time, as a PDF exported by them would have.
    """
    data = path.read_bytes()
    stamp = saved.astimezone(UTC).strftime("%Y%m%d%H%M%S").encode()
    data = re.sub(rb"/CreationDate\(D:\d{14}", b"/CreationDate(D:" + stamp, data)
    digest = hashlib.md5(key.encode()).hexdigest().upper().encode()
    data = re.sub(
        rb"/ID \[\s*<[0-9A-Fa-f]{32}>\s*<[0-9A-Fa-f]{32}>|/DocChecksum /[0-9A-Fa-f]{32}",
        lambda m: re.sub(rb"[0-9A-Fa-f]{32}", digest, m.group()),
        data,
    )
    path.write_bytes(data)


def place_outputs(sources: list[Source], build: Build, converted: dict[tuple[str, str], Path]) -> list[InboxFile]:
    files = []
    for source in sources:
        for output in source.outputs:
            if output.format in PAPER_FORMATS:
                data = paper_copy(source, build, output)
                path = build.place(output.name, data, output.folder)
                files.append(InboxFile(path, source, output.arrived, "pdf", "ok", {"genre": "scan"}))
                continue
            made = converted[(source.id, output.format)]
            path = build.place(output.name, made, output.folder)
            files.append(InboxFile(path, source, output.arrived, output.format, "ok"))
    return files


def paper_copy(source: Source, build: Build, output: Output) -> bytes:
    """A source's own `scan` or `photo` output: the sealed flatbed scan or the phone photos."""
    rng = random.Random(f"{SEED}:{source.id}:{output.name}")
    if output.format == "photo":
        dpi = rng.choice([150, 160, 170])
        pages = render_pages(source, build, dpi)
        frame_height = round(pages[0].height / rng.uniform(0.84, 0.9))
        pages = [photographed(page, (frame_height * 3 // 4, frame_height), rng) for page in pages]
        return pdf_of_images(pages, dpi, rng.randint(50, 60), output.arrived - timedelta(minutes=15), "CamScanner")
    dpi = 150
    pages = render_pages(source, build, dpi)
    if has_closing(source):
        index, box = closing_position(source, build.pdf[source.id])
        pages[index] = stamp_seal(pages[index], source, box, dpi, rng)
    pages = [scanned(page, rng) for page in pages]
    return pdf_of_images(pages, dpi, rng.randint(40, 60), output.arrived - timedelta(minutes=30), "Scanner PDF")


# --------------------------------------------------------------------------
# Hard cases
# --------------------------------------------------------------------------


def later(when: datetime, rng: random.Random, low_minutes: int, high_minutes: int) -> datetime:
    return when + timedelta(minutes=rng.randint(low_minutes, high_minutes))


def build_duplicate(source: Source, build: Build, rng: random.Random) -> list[InboxFile]:
    """The bureau re-sends the same file; Windows names the second save '…(1).docx'.

    Status 'duplicate' is set afterwards by ``mark_duplicates``, from the bytes.
    """
    output = next((o for o in source.outputs if o.format == "docx"), source.outputs[0])
    original = build.inbox / output.path
    stem, suffix = os.path.splitext(output.name)
    path = build.place(f"{stem}(1){suffix}", original, output.folder)
    return [InboxFile(path, source, later(output.arrived, rng, 60 * 20, 60 * 72), output.format, "ok")]


class GbkZipInfo(zipfile.ZipInfo):
    """A zip member named the way Windows' built-in "Send to > Compressed folder" names it.

    Windows writes names in the ANSI code page (GBK on Chinese systems) without
    the UTF-8 flag (bit 11). Python's zipfile would write UTF-8 and set the
    flag, so the name encoding is overridden here.
    """

    def __init__(self, name: str, when: datetime):
        super().__init__(name, date_time=when.timetuple()[:6])
        self.create_system = 0  # MS-DOS / Windows
        self.external_attr = 0x10 if self.is_dir() else 0x20  # FILE_ATTRIBUTE_DIRECTORY / ARCHIVE
        self.compress_type = zipfile.ZIP_STORED if self.is_dir() else zipfile.ZIP_DEFLATED

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def gbk_zip(members: list[tuple[str, bytes | None]], when: datetime) -> bytes:
    """Build a Windows-style zip; a None payload is a folder entry. Verified on the way out."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, payload in members:
            archive.writestr(GbkZipInfo(name, when), payload or b"")
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as check:
        for info, (name, _) in zip(check.infolist(), members):
            assert not info.flag_bits & 0x800, "UTF-8 flag set on a GBK member"
            assert info.filename.encode("cp437").decode("gbk") == name, info.filename
    return buffer.getvalue()


def build_zip(source: Source, build: Build, rng: random.Random) -> list[InboxFile]:
    """A summary sent as one zip: the .docx plus a folder of photos, GBK names."""
    arrived = later(source.first_arrival, rng, 30, 240)
    saved = arrived - timedelta(minutes=rng.randint(10, 120))
    docx_name = f"{source.stem}.docx"
    photos = [f"活动照片/现场照片{n}.jpg" for n in (1, 2)]
    members: list[tuple[str, bytes | None]] = [(docx_name, render_docx(source, saved)), ("活动照片/", None)]
    members += [(name, photo_bytes(rng, (480, 320), "JPEG")) for name in photos]
    path = build.place(f"{source.stem}.zip", gbk_zip(members, saved), source.folder)
    files = [
        InboxFile(path, None, arrived, "zip", "ok", {"members": [docx_name, *photos]}),
        InboxFile(f"{path}/{docx_name}", source, arrived, "docx", "ok", member=True),
    ]
    files += [InboxFile(f"{path}/{name}", None, arrived, "image", "attachment", member=True) for name in photos]
    return files


def build_renamed_docx(source: Source, build: Build, rng: random.Random) -> list[InboxFile]:
    """Someone renamed a .docx to .doc by hand: the name lies, the bytes are OOXML.

    It is their own save of the document, so its bytes differ from any other copy.
    """
    arrived = later(source.first_arrival, rng, 5, 90)
    data = render_docx(source, arrived - timedelta(minutes=rng.randint(3, 40)))
    path = build.place(f"附件：{source.stem}.doc", data, source.folder)
    return [InboxFile(path, source, arrived, "docx", "ok")]


NEWS_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{title}_工作动态_{site}</title>
<link rel="stylesheet" href="./{title}_files/style.css">
</head>
<body>
<div class="top"><a href="http://www.example.gov.cn/">{site}</a></div>
<div class="nav">当前位置：<a href="#">首页</a> &gt; <a href="#">工作动态</a></div>
<div class="article">
<h1>{title}</h1>
<div class="info">发布时间：{published} &nbsp; 来源：{site} &nbsp; 浏览次数：{views}</div>
<div class="content">
{paragraphs}
</div>
</div>
<div class="footer">版权所有：{site} &nbsp; 技术支持：信息中心</div>
</body>
</html>
"""


def build_html_as_pdf(source: Source, build: Build, rng: random.Random) -> list[InboxFile]:
    """A news item saved from a browser and named .pdf: the reader must refuse it cleanly."""
    title = "".join(next(b.content for b in source.blocks if b.kind == "title"))
    paragraphs = [b.content[0] for b in source.blocks if b.kind == "para"][:6]
    arrived = later(source.first_arrival, rng, 60 * 24, 60 * 24 * 4)
    page = NEWS_PAGE.format(
        title=html.escape(f"{source.label['submitter']}开展2018年世界认可日活动"),
        site=html.escape(f"{source.label['submitter']}质量技术监督信息网"),
        published=arrived.date().isoformat(),
        views=rng.randint(80, 900),
        paragraphs="\n".join(f"<p>{html.escape(p)}</p>" for p in [title, *paragraphs]),
    )
    path = build.place(
        f"{source.label['submitter']}开展世界认可日活动（网页新闻）.pdf", page.encode("utf-8"), source.folder
    )
    return [InboxFile(path, source, arrived, "html", "unsupported")]


def build_scan(source: Source, build: Build, rng: random.Random) -> list[InboxFile]:
    """The signed paper copy, scanned: greyish, slightly skewed JPEG pages, no text layer."""
    pages_dir = build.work / f"scan-{source.id}"
    pages_dir.mkdir()
    subprocess.run(
        ["pdftoppm", "-r", "150", "-gray", "-png", str(build.pdf[source.id]), str(pages_dir / "page")], check=True
    )
    pages = []
    for png in sorted(pages_dir.glob("page*.png")):
        page = Image.open(png).convert("L")
        page = page.rotate(rng.uniform(-1.2, 1.2), resample=Image.BICUBIC, fillcolor=255)
        page = page.point(lambda v: int(28 + v * 0.8))  # grey paper, grey ink
        pages.append(Image.blend(page, grain(rng, page.size), 0.05))
    arrived = later(source.first_arrival, rng, 60, 60 * 30)
    scanned = (arrived - timedelta(minutes=rng.randint(5, 50))).astimezone(UTC)
    buffer = io.BytesIO()
    pages[0].save(
        buffer,
        "PDF",
        save_all=True,
        append_images=pages[1:],
        resolution=150,
        quality=35,
        creationDate=scanned.timetuple(),
        modDate=scanned.timetuple(),
        producer="Scanner PDF",
    )
    path = build.place(f"{source.stem}（扫描件）.pdf", buffer.getvalue(), source.folder)
    return [InboxFile(path, source, arrived, "pdf", "ok", {"genre": "scan"})]  # read by OCR since issue 8


# -- Paper copies: the sealed scan, the phone photo, the PDF with a scanned signed page --

SEAL_RED = (205, 32, 45)


def render_pages(source: Source, build: Build, dpi: int) -> list[Image.Image]:
    """The Word-made PDF's pages in colour, as the office printer put them on paper."""
    pages_dir = build.work / f"pages-{source.id}-{dpi}"
    pages_dir.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(build.pdf[source.id]), str(pages_dir / "page")], check=True)
    pages = sorted(pages_dir.glob("page*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[-1]))
    return [Image.open(png).convert("RGB") for png in pages]


def closing_position(source: Source, pdf: Path) -> tuple[int, tuple[float, float, float, float]]:
    """Page index and box (fractions of the page, top-left origin) of the 落款: sender and date.

    The 落款 lines are the source's last two right-aligned (>) lines, found one after
    the other in the PDF's text layer (so a running header with the sender's name
    is not taken for them), on the last page that holds them. Without them, the box
    falls back to where a 落款 usually is: bottom right of the last page.
    """
    closing = "".join([re.sub(r"\s", "", b.content[0]) for b in source.blocks if b.kind == "right"][-2:])
    document = pdfium.PdfDocument(str(pdf))
    try:
        for index in reversed(range(len(document))):
            page = document[index]
            width, height = page.get_size()
            text = page.get_textpage()
            full = text.get_text_range()
            chars = [i for i, ch in enumerate(full) if not ch.isspace()]  # char index -> box
            compact = "".join(full[i] for i in chars)
            at = compact.rfind(closing) if closing else -1
            if at >= 0:
                boxes = [text.get_charbox(chars[k]) for k in range(at, at + len(closing))]
                left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
                top, bottom = max(b[3] for b in boxes), min(b[1] for b in boxes)
                return index, (left / width, 1 - top / height, right / width, 1 - bottom / height)
        return len(document) - 1, (0.55, 0.72, 0.85, 0.8)
    finally:
        document.close()


def seal_mask(name: str, diameter: int, rng: random.Random) -> Image.Image:
    """A round official seal as an ink mask (255 = full ink): ring, star, the name along the arc.

    Drawn as GB seals are: the sender's full name clockwise along the upper arc,
    each character upright towards the rim, a five-pointed star in the middle;
    the ink is uneven, as a stamp pressed by hand leaves it.
    """
    size = diameter + 12
    centre, radius = size / 2, diameter / 2
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    ring = max(3, round(diameter * 0.035))
    draw.ellipse([centre - radius, centre - radius, centre + radius, centre + radius], outline=255, width=ring)
    star = radius * 0.3
    draw.polygon(
        [
            (
                centre + (star if k % 2 == 0 else star * 0.382) * math.cos(-math.pi / 2 + k * math.pi / 5),
                centre + (star if k % 2 == 0 else star * 0.382) * math.sin(-math.pi / 2 + k * math.pi / 5),
            )
            for k in range(10)
        ],
        fill=255,
    )
    span = min(240.0, max(150.0, 20.0 * len(name)))
    step = span / max(len(name) - 1, 1)
    font_px = round(min(diameter * 0.13, math.radians(step) * radius * 0.74 * 0.92))
    text_radius = radius - ring - font_px * 0.55 - diameter * 0.025
    font = ImageFont.truetype(str(BANNER_FONT), font_px)
    for n, char in enumerate(name):
        theta = -span / 2 + n * step  # degrees clockwise from the top
        glyph = Image.new("L", (font_px * 2, font_px * 2), 0)
        ImageDraw.Draw(glyph).text((font_px, font_px), char, font=font, fill=255, anchor="mm")
        glyph = glyph.rotate(-theta, resample=Image.BICUBIC, expand=True)
        x = centre + text_radius * math.sin(math.radians(theta)) - glyph.width / 2
        y = centre - text_radius * math.cos(math.radians(theta)) - glyph.height / 2
        mask.paste(255, (round(x), round(y)), glyph)
    blotches = Image.frombytes("L", (size // 8, size // 8), rng.randbytes((size // 8) ** 2))
    blotches = blotches.resize((size, size), Image.BILINEAR).point(lambda v: 150 + v * 105 // 255)
    mask = Image.composite(blotches, Image.new("L", mask.size, 0), mask)
    mask = mask.filter(ImageFilter.GaussianBlur(0.7))
    return mask.rotate(rng.uniform(-12, 12), resample=Image.BICUBIC)


def stamp_seal(
    page: Image.Image, source: Source, box: tuple[float, float, float, float], dpi: int, rng: random.Random
) -> Image.Image:
    """Press the sender's red seal over the 落款, straddling the name and the date.

    Its centre falls a little above the middle of the two lines, so the red
    crosses both but leaves them legible (red ink over black print: the print
    stays black), as a seal pressed by hand in the office does.
    """
    diameter = round(42 / 25.4 * dpi)  # a 42 mm government / company seal
    mask = seal_mask(closing_name(source), diameter, rng)
    left, top, right, bottom = box
    cx = (left + right) / 2 * page.width + rng.uniform(-0.06, 0.06) * diameter
    cy = (top * 0.55 + bottom * 0.45) * page.height + rng.uniform(-0.05, 0.05) * diameter
    corner = (round(cx - mask.width / 2), round(cy - mask.height / 2))
    area = (*corner, corner[0] + mask.width, corner[1] + mask.height)
    region = page.crop(area)
    inked = Image.composite(Image.new("RGB", region.size, SEAL_RED), Image.new("RGB", region.size, "white"), mask)
    page = page.copy()
    page.paste(ImageChops.multiply(region, inked), area)
    return page


def closing_name(source: Source) -> str:
    """The signing organisation as the 落款 writes it (the seal carries the full name)."""
    right = [b.content[0] for b in source.blocks if b.kind == "right"]
    return right[-2] if len(right) >= 2 else source.label["submitter"]


def scanned(page: Image.Image, rng: random.Random) -> Image.Image:
    """A flatbed colour scan of a printed page: greyish paper, grey black, skew of 1-2°, noise."""
    page = page.point(lambda v: int(24 + v * 0.9))
    angle = rng.choice([-1, 1]) * rng.uniform(1.0, 2.0)
    page = page.rotate(angle, resample=Image.BICUBIC, fillcolor=(250, 250, 248))
    return Image.blend(page, grain(rng, page.size).convert("RGB"), 0.05)


def pdf_of_images(images: list[Image.Image], dpi: int, quality: int, when: datetime, producer: str) -> bytes:
    """Pages that are JPEG pictures and nothing else (no text layer), as scanners and apps write them."""
    stamp = when.astimezone(UTC).timetuple()
    buffer = io.BytesIO()
    images[0].save(
        buffer,
        "PDF",
        save_all=True,
        append_images=images[1:],
        resolution=dpi,
        quality=quality,
        creationDate=stamp,
        modDate=stamp,
        producer=producer,
    )
    return buffer.getvalue()


def next_office_hours(when: datetime, rng: random.Random, days: tuple[int, int]) -> datetime:
    """A working-day time (8:30-17:30) some days later: the paper copy goes through the seal office."""
    day = when.date() + timedelta(days=rng.randint(*days))
    while day.weekday() >= 5:
        day += timedelta(days=1)
    minute = rng.randint(8 * 60 + 30, 17 * 60 + 30)
    return datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=CHINA_TZ)


def build_sealed_scan(source: Source, build: Build, rng: random.Random) -> list[InboxFile]:
    """The stamped paper copy scanned in colour at 150 dpi: a red seal over the 落款, skew, noise, JPEG."""
    dpi = 150
    pages = render_pages(source, build, dpi)
    index, box = closing_position(source, build.pdf[source.id])
    pages[index] = stamp_seal(pages[index], source, box, dpi, rng)
    pages = [scanned(page, rng) for page in pages]
    arrived = next_office_hours(source.first_arrival, rng, (1, 2))
    data = pdf_of_images(
        pages, dpi, rng.randint(40, 60), arrived - timedelta(minutes=rng.randint(10, 90)), "Scanner PDF"
    )
    path = build.place(f"{source.stem}（盖章扫描件）.pdf", data, source.folder)
    return [InboxFile(path, source, arrived, "pdf", "ok", {"genre": "scan"})]


def lighting(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """Uneven room light: brighter towards one side, darker corners (vignette), as 0-255 gain."""
    cols, rows = 48, 64
    angle = rng.uniform(0, 2 * math.pi)
    dx, dy = math.cos(angle), math.sin(angle)
    strength, vignette = rng.uniform(0.12, 0.2), rng.uniform(0.25, 0.35)
    values = []
    for row in range(rows):
        for col in range(cols):
            x, y = col / (cols - 1) - 0.5, row / (rows - 1) - 0.5
            gain = 1 - strength * (0.5 + x * dx + y * dy) - vignette * (x * x + y * y) * 1.6
            values.append(max(0, min(255, round(255 * gain))))
    return Image.frombytes("L", (cols, rows), bytes(values)).resize(size, Image.BILINEAR)


def photographed(page: Image.Image, frame: tuple[int, int], rng: random.Random) -> Image.Image:
    """A phone photo of a printed page lying on a desk: page askew and not filling the frame."""
    shade = rng.randint(92, 118)
    desk = Image.new("RGB", (frame[0] // 24, frame[1] // 24), (shade, shade - 3, shade - 8))
    texture = Image.frombytes("L", desk.size, rng.randbytes(desk.width * desk.height))
    photo = Image.blend(desk, texture.convert("RGB"), 0.08).resize(frame, Image.BICUBIC)
    paper = ImageChops.multiply(page.point(lambda v: int(30 + v * 0.88)), Image.new("RGB", page.size, (246, 242, 232)))
    angle = rng.choice([-1, 1]) * rng.uniform(1.0, 2.0)
    paper = paper.convert("RGBA").rotate(angle, resample=Image.BICUBIC, expand=True)
    room = (max(0, frame[0] - paper.width), max(0, frame[1] - paper.height))
    x = rng.randint(round(room[0] * 0.2), round(room[0] * 0.8))
    y = rng.randint(round(room[1] * 0.3), round(room[1] * 0.7))
    shadow = Image.new("L", frame, 0)
    shadow.paste(paper.getchannel("A"), (x + rng.randint(6, 14), y + rng.randint(8, 16)))
    shadow = shadow.filter(ImageFilter.GaussianBlur(12)).point(lambda v: v * 45 // 100)
    photo = Image.composite(Image.new("RGB", frame, (30, 28, 26)), photo, shadow)
    photo.paste(paper, (x, y), paper)
    photo = ImageChops.multiply(photo, lighting(rng, frame).convert("RGB"))
    photo = photo.filter(ImageFilter.GaussianBlur(0.6))
    return Image.blend(photo, grain(rng, frame).convert("RGB"), 0.035)


def build_phone_photo(source: Source, build: Build, rng: random.Random) -> list[InboxFile]:
    """Each printed page photographed with a phone, the photos put in a PDF by an app: no text layer.

    The phone's 3:4 frame holds the page at 150-170 dpi, with desk all round it.
    """
    dpi = rng.choice([150, 160, 170])
    pages = render_pages(source, build, dpi)
    frame_height = round(pages[0].height / rng.uniform(0.84, 0.9))
    frame = (frame_height * 3 // 4, frame_height)
    pages = [photographed(page, frame, rng) for page in pages]
    arrived = later(source.first_arrival, rng, 20, 60 * 8)
    data = pdf_of_images(pages, dpi, rng.randint(50, 60), arrived - timedelta(minutes=rng.randint(2, 20)), "CamScanner")
    path = build.place(f"{source.stem}（手机拍照）.pdf", data, source.folder)
    return [InboxFile(path, source, arrived, "pdf", "ok", {"genre": "scan"})]


def build_mixed(source: Source, build: Build, rng: random.Random) -> list[InboxFile]:
    """The Word-made PDF with its 落款 page (the last) replaced by a colour scan of it, sealed.

    The office exported the PDF, printed the 落款 page, stamped it, scanned it and
    swapped it in: every page keeps its text layer except that one, a picture.
    """
    dpi = 150
    pages = render_pages(source, build, dpi)
    index, box = closing_position(source, build.pdf[source.id])
    arrived = next_office_hours(source.first_arrival, rng, (1, 2))
    merged = arrived - timedelta(minutes=rng.randint(10, 90))
    last = scanned(stamp_seal(pages[index], source, box, dpi, rng), rng)
    scan = PdfReader(io.BytesIO(pdf_of_images([last], dpi, rng.randint(40, 60), merged, "Scanner PDF")))
    writer = PdfWriter(clone_from=PdfReader(build.pdf[source.id]))
    writer.remove_page(index)
    writer.insert_page(scan.pages[0], index)
    writer.add_metadata({"/ModDate": merged.astimezone(UTC).strftime("D:%Y%m%d%H%M%SZ")})
    buffer = io.BytesIO()
    writer.write(buffer)
    path = build.place(f"{source.stem}（含签章页）.pdf", buffer.getvalue(), source.folder)
    return [InboxFile(path, source, arrived, "pdf", "ok")]


def build_encrypted(source: Source, build: Build, rng: random.Random) -> list[InboxFile]:
    """A PDF that needs a password to open: nobody sent the password."""
    writer = PdfWriter(clone_from=PdfReader(build.pdf[source.id]))
    writer.encrypt(user_password="rkr2018", owner_password="office-2018", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    path = build.place(f"{source.stem}（盖章版）.pdf", buffer.getvalue(), source.folder)
    return [InboxFile(path, source, later(source.first_arrival, rng, 30, 60 * 6), "pdf", "failed")]


def build_truncated(source: Source, build: Build, rng: random.Random) -> list[InboxFile]:
    """An upload that broke off: the first 60% of a .docx, no central directory."""
    data = build.docx[source.id].read_bytes()
    path = build.place(f"{source.stem}（报送稿）.docx", data[: len(data) * 6 // 10], source.folder)
    return [InboxFile(path, source, later(source.first_arrival, rng, 5, 120), "docx", "failed")]


def build_empty(source: Source, build: Build, rng: random.Random) -> list[InboxFile]:
    """The 0-byte file Windows creates with New > Word document, sent by mistake."""
    path = build.place("新建 Microsoft Word 文档.docx", b"", source.folder)
    return [InboxFile(path, None, later(source.first_arrival, rng, 1, 30), "empty", "failed")]


def build_without_body(source: Source, build: Build, rng: random.Random) -> list[InboxFile]:
    """A valid zip with every .docx part except word/document.xml."""
    original = zipfile.ZipFile(build.docx[source.id])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in original.infolist():
            if info.filename != "word/document.xml":
                target.writestr(info, original.read(info))
    path = build.place(f"{source.stem}（终稿）.docx", buffer.getvalue(), source.folder)
    return [InboxFile(path, source, later(source.first_arrival, rng, 10, 300), "docx", "failed")]


TEXT_STATE_OPERATORS = {b"Tf", b"Tc", b"Tw", b"Tz", b"TL", b"Ts", b"Tr"}


def overprint_text(content: ContentStream, dx: float) -> None:
    """Repeat every BT…ET text object 0.3pt to the right, inside q/cm/Q.

    That is how WPS and some printer drivers fake bold: each Tj/TJ is painted
    twice, and extractors see every character twice. Text state (font, spacing)
    persists across text objects, so the state in force when the original
    object began is restated at the start of its copy.
    """
    operations, state, block, start_state = [], {}, None, {}
    for operands, operator in content.operations:
        operations.append((operands, operator))
        if operator == b"BT":
            block, start_state = [], dict(state)
        elif operator == b"ET" and block is not None:
            restated = [(ops, op) for op, ops in start_state.items()]
            shift = [
                NumberObject(1),
                NumberObject(0),
                NumberObject(0),
                NumberObject(1),
                FloatObject(dx),
                NumberObject(0),
            ]
            operations += [([], b"q"), (shift, b"cm"), ([], b"BT"), *restated, *block, ([], b"ET"), ([], b"Q")]
            block = None
        elif block is not None:
            block.append((operands, operator))
        if operator in TEXT_STATE_OPERATORS:
            state[operator] = operands
    content.operations = operations


def build_fake_bold(source: Source, build: Build, rng: random.Random) -> list[InboxFile]:
    """A PDF whose text is painted twice, 0.3pt apart: the reader must de-double characters."""
    writer = PdfWriter(clone_from=PdfReader(build.pdf[source.id]))
    for page in writer.pages:
        content = page.get_contents()
        if content is None:
            continue
        overprint_text(content, 0.3)
        page.replace_contents(content)
    buffer = io.BytesIO()
    writer.write(buffer)
    path = build.place(f"{source.stem}（定稿）.pdf", buffer.getvalue(), source.folder)
    return [InboxFile(path, source, later(source.first_arrival, rng, 10, 600), "pdf", "ok")]


def tiny_mp4(rng: random.Random) -> bytes:
    """A few hundred bytes that identify as MP4 (ftyp box), as a truncated phone video would."""

    def box(kind: bytes, payload: bytes) -> bytes:
        return (8 + len(payload)).to_bytes(4, "big") + kind + payload

    ftyp = box(b"ftyp", b"isom" + (512).to_bytes(4, "big") + b"isomiso2avc1mp41")
    return ftyp + box(b"free", b"") + box(b"mdat", bytes(rng.randrange(256) for _ in range(320)))


def build_attachments(source: Source, build: Build, rng: random.Random) -> list[InboxFile]:
    """Photos and a video sent beside the documents, as the notice asks."""
    arrived = later(source.first_arrival, rng, 1, 20)
    who = source.label["submitter"]
    files = []
    for n in (1, 2):
        path = build.place(f"{who}世界认可日活动照片{n}.jpg", photo_bytes(rng, (640, 427), "JPEG"), source.folder)
        files.append(InboxFile(path, None, arrived + timedelta(seconds=n), "image", "attachment"))
    path = build.place(f"{who}世界认可日活动视频.mp4", tiny_mp4(rng), source.folder)
    files.append(InboxFile(path, None, arrived + timedelta(seconds=3), "video", "attachment"))
    return files


@dataclass(frozen=True)
class HardCase:
    """One kind of awkward file, the source it prefers and what a stand-in must have."""

    name: str
    preferred: str
    build: Callable[[Source, Build, random.Random], list[InboxFile]]
    fits: Callable[[Source], bool] = lambda source: True
    needs_pdf: bool = False
    # LibreOffice numbers the font subsets it embeds per run, so a PDF's bytes depend on
    # what the same run converted before it. A case whose source needs a PDF of its own
    # gets a LibreOffice run of its own, and adding it changes no committed PDF.
    own_pdf_run: bool = False


def has_docx(source: Source) -> bool:
    return any(o.format == "docx" for o in source.outputs)


def has_closing(source: Source) -> bool:
    """A 落款 (right-aligned sender and date lines) for a seal to be pressed on."""
    return sum(b.kind == "right" for b in source.blocks) >= 2


def is_summary(source: Source) -> bool:
    return source.label["doc_kind"] == "summary"


def is_summary_with_paragraphs(source: Source) -> bool:
    """A news item needs a title and some prose about activities already held."""
    kinds = {b.kind for b in source.blocks}
    return is_summary(source) and {"title", "para"} <= kinds


HARD_CASES = [
    HardCase("duplicate", "r05", build_duplicate, has_docx),
    HardCase("gbk-zip", "r13", build_zip, is_summary),
    HardCase("docx-named-doc", "i02", build_renamed_docx),
    HardCase("html-named-pdf", "r09", build_html_as_pdf, is_summary_with_paragraphs),
    HardCase("scan", "c02", build_scan, needs_pdf=True),
    HardCase("encrypted-pdf", "i05", build_encrypted, needs_pdf=True),
    HardCase("truncated-docx", "r10", build_truncated),
    HardCase("empty-docx", "i08", build_empty),
    HardCase("docx-without-body", "c09", build_without_body),
    HardCase("fake-bold-pdf", "r12", build_fake_bold, needs_pdf=True),
    HardCase("attachments", "c04", build_attachments, is_summary),
    HardCase("sealed-scan", "i09", build_sealed_scan, has_closing, own_pdf_run=True),
    HardCase("phone-photo", "i10", build_phone_photo, own_pdf_run=True),
    HardCase("scan-last-page", "r04", build_mixed, has_closing, own_pdf_run=True),
]


def pick_sources(sources: list[Source]) -> dict[str, Source]:
    """Give each hard case its preferred source, or a deterministic stand-in.

    Stand-ins are drawn from sources that fit and are not yet used by another
    case, so the hard cases spread over different senders when they can.
    """
    by_id = {s.id: s for s in sources}
    chosen: dict[str, Source] = {}
    used: set[str] = set()
    for case in HARD_CASES:
        preferred = by_id.get(case.preferred)
        if preferred and case.fits(preferred):
            source = preferred
        else:
            fitting = [s for s in sources if case.fits(s)] or sources
            fresh = [
                s for s in fitting if s.id not in used and s.id not in {c.preferred for c in HARD_CASES}
            ] or fitting
            source = random.Random(f"{SEED}:{case.name}").choice(fresh)
        chosen[case.name] = source
        used.add(source.id)
    return chosen


def build_hard_cases(chosen: dict[str, Source], build: Build) -> list[InboxFile]:
    files = []
    for case in HARD_CASES:
        files += case.build(chosen[case.name], build, random.Random(f"{SEED}:{case.name}"))
    return files


def mark_duplicates(files: list[InboxFile], inbox: Path) -> None:
    """Byte-identical files: the earliest arrival is the original, the rest are duplicates."""
    groups: dict[str, list[InboxFile]] = {}
    for item in files:
        if not item.member:
            digest = hashlib.sha256((inbox / item.file).read_bytes()).hexdigest()
            groups.setdefault(digest, []).append(item)
    for group in groups.values():
        group.sort(key=lambda f: (f.arrived, f.file))
        original = group[0]
        if original.status != "ok":
            continue
        for copy_ in group[1:]:
            copy_.status, copy_.source = "duplicate", copy_.source or original.source
            copy_.extra["duplicate_of"] = original.file


# --------------------------------------------------------------------------
# Modification times, labels, checks
# --------------------------------------------------------------------------


def set_arrival(path: Path, arrived: datetime) -> None:
    stamp = arrived.timestamp()
    os.utime(path, (stamp, stamp))


def archive_of(file: str, archives: set[str]) -> str | None:
    """The zip a labels.json entry lives in, or None for a file of its own."""
    return next((a for a in archives if file.startswith(a + "/")), None)


def read_labels(labels_path: Path) -> tuple[list[dict], set[str]]:
    entries = json.loads(labels_path.read_text(encoding="utf-8"))
    return entries, {e["file"] for e in entries if e["format"] == "zip"}


def restore_mtimes(inbox: Path, labels_path: Path) -> int:
    """Re-apply arrival times after a git checkout (git keeps no mtimes). Needs no LibreOffice."""
    entries, archives = read_labels(labels_path)
    missing = 0
    for entry in entries:
        if archive_of(entry["file"], archives):
            continue
        path = inbox / entry["file"]
        if not path.exists():
            print(f"missing: {entry['file']}", file=sys.stderr)
            missing += 1
            continue
        set_arrival(path, datetime.fromisoformat(entry["arrived"]))
    return 1 if missing else 0


def zip_member_names(path: Path) -> set[str]:
    """Member names decoded as an office would: UTF-8 when flagged, else GBK."""
    with zipfile.ZipFile(path, metadata_encoding="gbk") as archive:
        return {info.filename for info in archive.infolist()}


def check_inbox(inbox: Path, labels_path: Path) -> int:
    """Every labelled file exists (members inside their zip), and every inbox file is labelled."""
    entries, archives = read_labels(labels_path)
    problems = []
    for entry in entries:
        archive = archive_of(entry["file"], archives)
        if archive:
            if not (inbox / archive).exists() or entry["file"][len(archive) + 1 :] not in zip_member_names(
                inbox / archive
            ):
                problems.append(f"missing zip member: {entry['file']}")
        elif not (inbox / entry["file"]).is_file():
            problems.append(f"missing: {entry['file']}")
    labelled = {e["file"] for e in entries}
    for path in sorted(p for p in inbox.rglob("*") if p.is_file()):
        if path.relative_to(inbox).as_posix() not in labelled:
            problems.append(f"not in labels.json: {path.relative_to(inbox).as_posix()}")
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(entries)} labelled files, {len(problems)} problems")
    return 1 if problems else 0


def write_labels(files: list[InboxFile], labels_path: Path) -> None:
    entries = sorted((f.label() for f in files), key=lambda e: e["file"])
    labels_path.write_text(json.dumps(entries, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def generate(sources_dir: Path, inbox: Path, labels_path: Path) -> int:
    """Rebuild the inbox from scratch; the old one is replaced only once the new one is complete."""
    sources = load_sources(sources_dir)
    chosen = pick_sources(sources)
    with tempfile.TemporaryDirectory(prefix="make_samples-") as temp:
        work = Path(temp)
        (work / "docx").mkdir()
        rendered = render_sources(sources, work / "docx")
        pdf_ids = {chosen[c.name].id for c in HARD_CASES if c.needs_pdf and not c.own_pdf_run}
        pdf_ids |= {s.id for s in sources if any(o.format in PAPER_FORMATS for o in s.outputs)}
        converted = convert_sources(sources, rendered, pdf_ids, work)
        for source_id in sorted({chosen[c.name].id for c in HARD_CASES if c.own_pdf_run}):
            if (source_id, "pdf") not in converted:
                converted.update(convert_sources([], rendered, {source_id}, work / f"own-{source_id}"))
            pdf_ids.add(source_id)
        build = Build(
            work / "inbox",
            work,
            {s.id: rendered[(s.id, "docx")].path for s in sources},
            {i: converted[(i, "pdf")] for i in pdf_ids},
        )
        files = place_outputs(sources, build, converted)
        files += build_hard_cases(chosen, build)
        mark_duplicates(files, build.inbox)
        if inbox.exists():
            shutil.rmtree(inbox)
        shutil.move(build.inbox, inbox)
    write_labels(files, labels_path)
    for item in files:
        if not item.member:
            set_arrival(inbox / item.file, item.arrived)
    report(sources, files, chosen, inbox, labels_path)
    return 0


def report(
    sources: list[Source], files: list[InboxFile], chosen: dict[str, Source], inbox: Path, labels_path: Path
) -> None:
    size = sum(p.stat().st_size for p in inbox.rglob("*") if p.is_file())
    print(
        f"{len(sources)} sources -> {sum(not f.member for f in files)} files "
        f"({size / 1024 / 1024:.1f} MB) in {inbox}; labels in {labels_path}"
    )
    for case in HARD_CASES:
        print(f"  {case.name:18} from {chosen[case.name].id}")
    if size > INBOX_BUDGET:
        print(f"warning: the inbox is over {INBOX_BUDGET // 1024 // 1024} MB", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sources", type=Path, default=DEFAULT_SOURCES, help="folder of <id>.txt sources (default: samples/sources)"
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--restore-mtimes", action="store_true", help="only re-apply arrival times from labels.json to samples/inbox"
    )
    mode.add_argument("--check", action="store_true", help="verify that every file in labels.json exists")
    args = parser.parse_args(argv)
    if args.restore_mtimes:
        return restore_mtimes(INBOX, LABELS)
    if args.check:
        return check_inbox(INBOX, LABELS)
    try:
        return generate(args.sources, INBOX, LABELS)
    except SourceError as error:
        print(error, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
