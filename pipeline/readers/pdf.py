"""Read PDF text with pdfplumber: lines in reading order, joined back into paragraphs.

PDFs made from Word wrap lines mid-sentence, may draw each character twice ("fake
bold"), and put page numbers and letterheads in the margins; this reader undoes that
so the PDF and its source .docx give the same blocks.
"""

from __future__ import annotations

import io
import re
import statistics
from datetime import datetime

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException
from pdfminer.utils import decode_text
from pdfplumber.utils.exceptions import PdfminerException

from pipeline import errors
from pipeline.errors import UnreadableFile
from pipeline.model import Block, BlockKind, Document, Location, Metadata, Source, Table, Status
from pipeline.readers.structure import mark_structure
from pipeline.text import SENTENCE_END, collapse_doubled, looks_like_heading, normalize

_PAGE_NUMBER = re.compile(r"^[-—－–\s]*\d{1,4}[-—－–\s]*$|^第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?$|^\d+\s*/\s*\d+$")
_MARGIN = 0.07  # share of the page height at top and bottom where headers and footers sit
MIN_CHARS_PER_PAGE = 15  # below this on average a PDF has no usable text layer


def read_pdf(data: bytes, source: Source) -> Document:
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as e:
        cause = e.args[0] if e.args else None
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise UnreadableFile(errors.ENCRYPTED) from e
        raise UnreadableFile(errors.CORRUPT) from e
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as e:
        raise UnreadableFile(errors.CORRUPT) from e
    with pdf:
        try:
            return _read(pdf, source)
        except (PdfminerException, PDFSyntaxError, PSException) as e:
            raise UnreadableFile(errors.CORRUPT) from e


def _read(pdf, source: Source) -> Document:
    doc = Document(source=source, metadata=_metadata(pdf.metadata), pages=len(pdf.pages))
    emphasised: list[bool] = []
    paragraph_no = 0
    for page_no, page in enumerate(pdf.pages, start=1):
        doc.images += len(page.images)
        page = page.dedupe_chars(tolerance=1)
        items: list[tuple[float, Block, bool]] = []
        text_page = page
        for table in _tables(page):
            index = len(doc.tables) + 1
            rows = [[_cell_text(c) for c in row] for row in table.extract()]
            doc.tables.append(Table(index=index, rows=rows, page=page_no))
            for r, row in enumerate(rows, start=1):
                for c, text in enumerate(row, start=1):
                    if text:
                        loc = Location(page=page_no, table=index, row=r, column=c)
                        items.append((table.bbox[1], Block(text, BlockKind.TABLE_CELL, loc), False))
            text_page = text_page.outside_bbox(table.bbox)
        for top, text, kind, align, big in _paragraphs(text_page):
            items.append((top, Block(text, kind, Location(page=page_no), align=align), big))
        items.sort(key=lambda item: item[0])
        for _, block, big in items:
            if block.kind in (BlockKind.PARAGRAPH,):
                paragraph_no += 1
                block.loc = Location(paragraph=paragraph_no, page=page_no)
            doc.blocks.append(block)
            emphasised.append(big)
    visible = sum(len(b.text) for b in doc.blocks if b.kind not in (BlockKind.HEADER, BlockKind.FOOTER))
    if visible < MIN_CHARS_PER_PAGE * max(1, doc.pages):
        if doc.images:
            raise UnreadableFile(errors.NO_TEXT_LAYER, Status.NEEDS_OCR)
        if not visible:
            raise UnreadableFile(errors.EMPTY_PDF)
    mark_structure(doc.blocks, emphasised)
    return doc


def _tables(page) -> list:
    """Ruled tables only: an unruled page is prose, and guessing columns there splits sentences."""
    if not (page.rects or page.lines):
        return []
    return [t for t in page.find_tables() if len(t.rows) >= 2 or len(t.columns) >= 2]


def _cell_text(cell: str | None) -> str:
    if not cell:
        return ""
    return _join_lines([normalize(line) for line in cell.splitlines()])


def _paragraphs(page):
    """Yield (top, text, kind, align, emphasised) for the prose of one page."""
    lines = _lines(page.chars)
    if not lines:
        return
    body_size = statistics.median(ln["size"] for ln in lines)
    left = min(ln["x0"] for ln in lines)
    right = max(ln["x1"] for ln in lines)
    centre = (left + right) / 2  # centred within the text block, not the paper
    height = page.bbox[3] - page.bbox[1]
    current: list[str] = []
    state: dict = {}

    def flush():
        if current:
            text = _join_lines(current)
            yield state["top"], text, state["kind"], state["align"], state["big"]
            current.clear()

    prev = None
    for ln in lines:
        text = collapse_doubled(normalize(ln["text"]))
        if not text:
            continue
        size = ln["size"]
        kind = _margin_kind(ln, text, page.bbox, height)
        align = _alignment(ln, left, right, centre, body_size)
        big = size >= body_size * 1.25
        if kind is not None:
            yield from flush()
            yield ln["top"], text, kind, None, False
            prev = None
            continue
        if prev is None or _starts_paragraph(prev, ln, text, align, big, left, right, body_size):
            yield from flush()
            state.update(top=ln["top"], kind=BlockKind.PARAGRAPH, align=align, big=big)
        current.append(text)
        prev = (ln, text, align, big)
    yield from flush()


def _lines(chars: list[dict]) -> list[dict]:
    """Group characters into text lines by vertical overlap, left to right.

    A gap wider than a character becomes a double space, which `normalize` keeps as a
    separator (unruled table columns, "姓名  张三"), while ordinary spacing disappears.
    """
    rows: list[list[dict]] = []
    for c in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if rows:
            last = rows[-1]
            top, bottom = last[0]["top"], last[0]["bottom"]
            overlap = min(bottom, c["bottom"]) - max(top, c["top"])
            if overlap > 0.5 * min(bottom - top, c["bottom"] - c["top"]):
                last.append(c)
                continue
        rows.append([c])
    lines = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        size = statistics.median(c["size"] for c in row)
        parts, prev_x1 = [], None
        for c in row:
            if prev_x1 is not None:
                gap = c["x0"] - prev_x1
                if gap > 1.0 * size:
                    parts.append("  ")
                elif gap > 0.25 * size:
                    parts.append(" ")
            parts.append(c["text"])
            prev_x1 = c["x1"]
        text = "".join(parts)
        if text.strip():
            lines.append({"text": text, "x0": row[0]["x0"], "x1": max(c["x1"] for c in row),
                          "top": min(c["top"] for c in row), "bottom": max(c["bottom"] for c in row), "size": size})
    return lines


def _margin_kind(ln, text: str, bbox, height: float) -> BlockKind | None:
    """Lines in the top or bottom band of the page are the header or footer (letterhead,
    page numbers); a page number is a footer wherever it sits."""
    if ln["top"] < bbox[1] + _MARGIN * height:
        return BlockKind.HEADER
    if ln["bottom"] > bbox[3] - _MARGIN * height or (_PAGE_NUMBER.match(text) and len(text) < 12):
        return BlockKind.FOOTER
    return None


def _alignment(ln, left: float, right: float, centre: float, size: float) -> str | None:
    indent, gap = ln["x0"] - left, right - ln["x1"]
    if indent > 2 * size and abs((ln["x0"] + ln["x1"]) / 2 - centre) < 1.5 * size and gap > 2 * size:
        return "center"
    if indent > (right - left) * 0.4 and (gap < 1.5 * size or ln["x1"] - ln["x0"] < (right - left) * 0.5):
        return "right"  # flush right, or a 落款 indented from the right ("右空四字")
    return None


def _starts_paragraph(prev, ln, text: str, align, big: bool, left: float, right: float, size: float) -> bool:
    p_ln, p_text, p_align, p_big = prev
    if align or p_align or big != p_big:
        return True  # centred titles, right-aligned 落款 and large lines stand alone
    if ln["top"] - p_ln["bottom"] > 1.2 * size:
        return True  # a blank line's worth of space
    if p_ln["x1"] >= right - 2 * size and p_ln["x0"] < left + 3 * size and p_text[-1] not in SENTENCE_END + "：:":
        return False  # the previous line ran to the margin mid-sentence: this one continues it
        # (lists with a hanging indent start their second line further right)
    if ln["x0"] - left > 1.2 * size:
        return True  # first-line indent
    if p_ln["x1"] < right - 2 * size:
        return True  # the previous line stopped short: it ended its paragraph
    if looks_like_heading(text) or looks_like_heading(p_text):
        return True
    return False


def _join_lines(lines: list[str]) -> str:
    """Join wrapped lines: no space between CJK, one space between Latin words."""
    out = ""
    for line in lines:
        if out and out[-1].isascii() and out[-1].isalnum() and line[:1].isascii() and line[:1].isalnum():
            out += " "
        out += line
    return normalize(out)


def _metadata(info: dict) -> Metadata:
    def text(key: str) -> str | None:
        value = info.get(key)
        if isinstance(value, bytes):
            value = decode_text(value)
        return normalize(str(value)) or None if value else None

    return Metadata(
        title=text("Title"),
        author=text("Author"),
        created=_pdf_date(text("CreationDate")),
        modified=_pdf_date(text("ModDate")),
    )


def _pdf_date(value: str | None) -> str | None:
    """PDF dates look like D:20180528093000+08'00'."""
    if not value:
        return None
    m = re.match(r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?", value)
    if not m:
        return None
    parts = [int(p) if p else d for p, d in zip(m.groups(), (0, 1, 1, 0, 0, 0))]
    try:
        return datetime(*parts).isoformat()
    except ValueError:
        return None
