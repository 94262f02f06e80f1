"""Fixed-layout pages (PDF, OFD) into the document model: one assembly for both readers.

A reader gives each page's characters with their boxes (top-left coordinates, points) and its
ruling strokes as pdfplumber edges, and the OCR of its scanned pages; this module finds the
ruled tables (pdfplumber's table finder on those edges), lines and paragraphs (`layout`),
continues a table and a paragraph across a page break, numbers the blocks and decides when
a file with too little text is a scan to recognise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pdfplumber.table import TableFinder

from pipeline import errors
from pipeline.errors import UnreadableFile
from pipeline.model import Block, BlockKind, Document, Location, Status, Table
from pipeline.readers import ocr
from pipeline.readers.layout import MARGINS, continues_paragraph, join_lines, paragraphs, text_lines
from pipeline.readers.structure import mark_structure
from pipeline.text import normalize

MIN_CHARS_PER_PAGE = 15  # below this on average a file has no usable text layer
SCAN_PICTURE_SHARE = 0.5
_MIN_RULES = 4  # ruling strokes on a page before it is worth looking for a ruled table


@dataclass
class FixedPage:
    width: float  # points
    height: float
    chars: list[dict] = field(default_factory=list)  # {text, x0, x1, top, bottom, size}
    edges: list[dict] = field(default_factory=list)  # pdfplumber edges


def assemble(doc: Document, pages: list[FixedPage], recognised: dict, ocr_available: bool) -> Document:
    """Blocks and tables of `pages` into `doc`; `recognised`: OCR of scanned pages by index."""
    emphasised: list[bool] = []
    ocr_confidences: list[float] = []
    paragraph_no = 0
    open_table: Table | None = None  # the table the last page ended with
    for page_no, fixed_page in enumerate(pages, start=1):
        width, height, chars, edges = fixed_page.width, fixed_page.height, fixed_page.chars, fixed_page.edges
        items: list[tuple[float, Block, bool]] = []
        page_tables: list[tuple[float, list[list[str]]]] = []
        lines = None
        if page_no - 1 in recognised:
            lines, width, height, confidences, ruled = recognised[page_no - 1]
            doc.ocr_pages.append(page_no)
            ocr_confidences.extend(confidences)
            tables, tops, lines = ocr.split_tables(lines)  # tables without rules, by the lines' layout
            page_tables += ruled + [(top, rows) for (top, _), rows in zip(tops, tables)]
        for table in _tables(edges, width, height):
            page_tables.append((table.bbox[1], [[_cell_text(chars, cell) for cell in row.cells] for row in table.rows]))
            chars = [ch for ch in chars if not _inside(ch, table.bbox)]
        if lines is None:
            tables, tops, lines = ocr.split_tables(text_lines(chars))  # a table drawn without rules
            page_tables += [(top, rows) for (top, _), rows in zip(tops, tables)]
        for top, text, kind, align, big in paragraphs(lines, width, height):
            items.append((top, Block(text, kind, Location(page=page_no), align=align), big))
        first_text = min((top for top, b, _ in items if b.kind not in MARGINS), default=float("inf"))
        for n, (top, rows) in enumerate(sorted(page_tables, key=lambda t: t[0])):
            continued = _continue_table(doc, open_table, rows, page_no) if n == 0 and top < first_text else None
            items += (
                [(top, block, False) for block in continued]
                if continued is not None
                else _add_table(doc, rows, page_no, top)
            )
        items.sort(key=lambda item: item[0])
        body = [b for _, b, _ in items if b.kind not in MARGINS]
        open_table = doc.tables[-1] if body and body[-1].kind is BlockKind.TABLE_CELL and doc.tables else None
        for n, (_, block, big) in enumerate(items):
            if n == 0 or all(b.kind in MARGINS for _, b, _ in items[:n]):
                if continues_paragraph(doc.blocks, block):
                    continue
            if block.kind is BlockKind.PARAGRAPH:
                paragraph_no += 1
                block.loc = Location(paragraph=paragraph_no, page=page_no)
            doc.blocks.append(block)
            emphasised.append(big)
    if ocr_confidences:
        doc.ocr_confidence = round(sum(ocr_confidences) / len(ocr_confidences), 3)
        if doc.ocr_confidence < ocr.MIN_CONFIDENCE:
            raise UnreadableFile(errors.POOR_SCAN, Status.NEEDS_OCR)
    visible = sum(len(b.text) for b in doc.blocks if b.kind not in MARGINS)
    if visible < MIN_CHARS_PER_PAGE * max(1, doc.pages):
        if doc.images:
            if doc.ocr_pages:
                message = errors.POOR_SCAN  # recognised, but next to nothing legible
            else:
                message = errors.NO_TEXT_LAYER if ocr_available else errors.NO_OCR_PACKAGE
            raise UnreadableFile(message, Status.NEEDS_OCR)
        if not visible:
            raise UnreadableFile(errors.EMPTY_PDF)
    mark_structure(doc.blocks, emphasised)
    return doc


def _add_table(doc: Document, rows: list[list[str]], page_no: int, top: float) -> list[tuple[float, Block, bool]]:
    """Keep a table as rows and its cells as blocks, placed on the page at the table's top."""
    index = len(doc.tables) + 1
    doc.tables.append(Table(index=index, rows=rows, page=page_no))
    return [
        (top, Block(text, BlockKind.TABLE_CELL, Location(page=page_no, table=index, row=r, column=c)), False)
        for r, row in enumerate(rows, start=1)
        for c, text in enumerate(row, start=1)
        if text
    ]


def _continue_table(doc: Document, table: Table | None, rows: list[list[str]], page_no: int) -> list[Block] | None:
    """A table at the top of a page, as wide as the one the last page ended with, goes on with it.

    Its first row is dropped when it repeats the header (Word's repeated heading row). A first
    row with the first cell empty and only a few cells filled, each under a filled cell, is the
    rest of a row cut by the page break (Word lets rows break across pages) and is joined to it.
    Returns the blocks of the rows added, or None when the table is a new one.
    """
    if table is None or not rows or not table.rows or len(rows[0]) != len(table.rows[0]):
        return None
    rows = [list(row) for row in rows]
    if _squeezed(rows[0]) == _squeezed(table.rows[0]):
        rows = rows[1:]
    if rows and _rest_of_row(table.rows[-1], rows[0]):
        last = table.rows[-1]
        for c, text in enumerate(rows.pop(0)):
            if text:
                last[c] = join_lines([last[c], text])
        cut = len(table.rows)
        for block in doc.blocks:
            if block.kind is BlockKind.TABLE_CELL and block.loc.table == table.index and block.loc.row == cut:
                block.text = last[block.loc.column - 1]
    start = len(table.rows) + 1
    table.rows.extend(rows)
    return [
        Block(text, BlockKind.TABLE_CELL, Location(page=page_no, table=table.index, row=r, column=c))
        for r, row in enumerate(rows, start=start)
        for c, text in enumerate(row, start=1)
        if text
    ]


def _squeezed(row: list[str]) -> list[str]:
    return ["".join(cell.split()) for cell in row]


def _rest_of_row(above: list[str], row: list[str]) -> bool:
    filled = [c for c, text in enumerate(row) if text]
    return bool(filled) and not row[0] and len(filled) <= max(1, len(row) // 3) and all(above[c] for c in filled)


def _inside(ch: dict, box: tuple[float, float, float, float]) -> bool:
    """pdfplumber's rule: a character belongs to the box its centre is in (right and bottom open)."""
    x0, top, x1, bottom = box
    cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
    return x0 <= cx < x1 and top <= cy < bottom


def edge(a: tuple[float, float], b: tuple[float, float], height: float) -> list[dict]:
    """A stroke from a to b (bottom-left coordinates on a page `height` high) as a pdfplumber edge."""
    (x0, y0), (x1, y1) = a, b
    if abs(y0 - y1) < 0.5 and abs(x0 - x1) >= 0.5:
        orientation = "h"
    elif abs(x0 - x1) < 0.5 and abs(y0 - y1) >= 0.5:
        orientation = "v"
    else:
        return []  # a point or a slanted stroke: no table rule
    left, right = sorted((x0, x1))
    top, bottom = sorted((height - y0, height - y1))
    return [
        {
            "x0": left,
            "x1": right,
            "top": top,
            "bottom": bottom,
            "doctop": top,
            "width": right - left,
            "height": bottom - top,
            "orientation": orientation,
            "object_type": "line",
        }
    ]


class _RuledPage:
    """What pdfplumber's TableFinder asks of a page with the "lines" strategy: its box and edges."""

    def __init__(self, width: float, height: float, edges: list[dict]) -> None:
        self.bbox = (0, 0, width, height)
        self.edges = edges


def _tables(edges: list[dict], width: float, height: float) -> list:
    """Ruled tables only: an unruled page is prose, and guessing columns there splits sentences."""
    if len(edges) < _MIN_RULES:
        return []
    tables = TableFinder(_RuledPage(width, height, edges)).tables
    return [t for t in tables if len(t.rows) >= 2 or len(t.columns) >= 2]


def _cell_text(chars: list[dict], cell: tuple[float, float, float, float] | None) -> str:
    if not cell:
        return ""
    inside = [ch for ch in chars if _inside(ch, cell)]
    return join_lines([normalize(ln["text"]) for ln in text_lines(inside)]) if inside else ""
