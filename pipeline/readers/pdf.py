"""Read PDF text: pypdfium2 for the characters and the ruling lines, pdfplumber's table
finder on those lines for ruled tables.

PDFs made from Word wrap lines mid-sentence, may draw each character twice ("fake
bold"), and put page numbers and letterheads in the margins; this reader undoes that
so the PDF and its source .docx give the same blocks.
"""

from __future__ import annotations

import ctypes
import re
from datetime import datetime

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import TableFinder

from pipeline import errors
from pipeline.errors import UnreadableFile
from pipeline.model import Block, BlockKind, Document, Location, Metadata, Source, Status, Table
from pipeline.readers import ocr
from pipeline.readers.layout import MARGINS, continues_paragraph, join_lines, paragraphs, text_lines
from pipeline.readers.structure import mark_structure
from pipeline.text import normalize

MIN_CHARS_PER_PAGE = 15  # below this on average a PDF has no usable text layer
SCAN_PICTURE_SHARE = 0.5
_MIN_RULES = 4  # ruling strokes on a page before it is worth looking for a ruled table


def read_pdf(data: bytes, source: Source, ocr_options: ocr.OcrOptions | None = None) -> Document:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if getattr(e, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise UnreadableFile(errors.ENCRYPTED) from e
        raise UnreadableFile(errors.CORRUPT) from e
    try:
        return _read(pdf, data, source, ocr_options or ocr.OcrOptions())
    except pdfium.PdfiumError as e:
        raise UnreadableFile(errors.CORRUPT) from e
    finally:
        pdf.close()


def _read(pdf: pdfium.PdfDocument, data: bytes, source: Source, ocr_options: ocr.OcrOptions) -> Document:
    doc = Document(source=source, metadata=_metadata(pdf.get_metadata_dict()), pages=len(pdf))
    emphasised: list[bool] = []
    ocr_confidences: list[float] = []
    paragraph_no = 0
    pages = []
    for index in range(len(pdf)):
        page = pdf[index]
        width, height = page.get_size()
        images, paths = 0, []
        picture_share = 0.0  # of the page, covered by its largest picture
        for obj, matrix in _objects(page):
            if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                images += 1
                left, bottom, right, top = obj.get_bounds()
                picture_share = max(picture_share, (right - left) * (top - bottom) / (width * height))
            elif obj.type == pdfium_c.FPDF_PAGEOBJ_PATH:
                paths.append((obj, matrix))
        doc.images += images
        chars = _chars(page, height)
        # A scanned page is a picture covering most of the page with (almost) no text;
        # a photo with a caption on a page of its own is not read by OCR.
        scanned = len(chars) < MIN_CHARS_PER_PAGE and picture_share >= SCAN_PICTURE_SHARE
        pages.append((width, height, chars, _edges(paths, height), scanned))
        page.close()
    scans = [i for i, (*_, scanned) in enumerate(pages) if scanned]
    recognised = ocr.recognise(pdf, data, scans, ocr_options) if scans and ocr.available(ocr_options) else {}
    open_table: Table | None = None  # the table the last page ended with
    for page_no, (width, height, chars, edges, _) in enumerate(pages, start=1):
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
        for top, text, kind, align, big in paragraphs(lines if lines is not None else text_lines(chars), width, height):
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
                message = errors.NO_TEXT_LAYER if ocr.available(ocr_options) else errors.NO_OCR_PACKAGE
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


def _chars(page: pdfium.PdfPage, height: float) -> list[dict]:
    """Characters with boxes in top-left coordinates, as pdfplumber would give them.

    pdfium reads the text layer about twenty times faster than pdfminer. A character
    drawn again at (almost) the same place is "fake bold" and is kept once.
    """
    textpage = page.get_textpage()
    raw = textpage.raw
    box, x, y = pdfium_c.FS_RECTF(), ctypes.c_double(), ctypes.c_double()
    seen: set[tuple[str, int, int]] = set()
    out = []
    for i in range(pdfium_c.FPDFText_CountChars(raw)):
        if pdfium_c.FPDFText_IsGenerated(raw, i):
            continue
        ch = chr(pdfium_c.FPDFText_GetUnicode(raw, i) or 32)
        if ch.isspace() or ch in "\ufffe\uffff":
            continue
        pdfium_c.FPDFText_GetLooseCharBox(raw, i, box)
        pdfium_c.FPDFText_GetCharOrigin(raw, i, ctypes.byref(x), ctypes.byref(y))
        size = pdfium_c.FPDFText_GetFontSize(raw, i)
        if size <= 1.5:  # a font scaled by the text matrix reports size 1
            size = max(box.top - box.bottom, 1.0)
        if ch == "—" and box.right - box.left > 1.8 * size:
            ch = "——"  # one glyph two ems wide: the Chinese dash
        x0, top = box.left, height - (y.value + size)
        key = (ch, round(x0), round(top))
        if any((ch, key[1] + dx, key[2] + dy) in seen for dx in (-1, 0, 1) for dy in (-1, 0, 1)):
            continue
        seen.add(key)
        out.append({"text": ch, "x0": x0, "x1": box.right, "top": top, "bottom": height - y.value, "size": size})
    textpage.close()
    return out


def _inside(ch: dict, box: tuple[float, float, float, float]) -> bool:
    """pdfplumber's rule: a character belongs to the box its centre is in (right and bottom open)."""
    x0, top, x1, bottom = box
    cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
    return x0 <= cx < x1 and top <= cy < bottom


def _objects(page: pdfium.PdfPage):
    """Page objects with the matrix that maps their coordinates to the page's: objects inside
    a form XObject (stamps, letterheads, whole tables in some producers) are in the form's space."""
    forms: list[pdfium.PdfMatrix] = []
    for obj in page.get_objects():
        del forms[obj.level :]
        matrix = None  # only paths need it: text objects are many, and their matrix costs a call
        if obj.type in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM):
            matrix = obj.get_matrix()
            if forms:
                matrix = matrix.multiply(forms[-1])
            if obj.type == pdfium_c.FPDF_PAGEOBJ_FORM:
                forms.append(matrix)
        yield obj, matrix


def _edges(paths: list, height: float) -> list[dict]:
    """Horizontal and vertical strokes of the page's paths, as pdfplumber's edges.

    Read from pdfium's path segments: lines, rectangles and grids drawn as one path alike.
    pdfminer would parse the whole page again for them (measured: ~70 ms a page).
    """
    x, y = ctypes.c_float(), ctypes.c_float()
    edges = []
    for obj, matrix in paths:
        points: list[tuple[float, float]] = []
        start = None
        for i in range(pdfium_c.FPDFPath_CountSegments(obj.raw)):
            seg = pdfium_c.FPDFPath_GetPathSegment(obj.raw, i)
            pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
            point = matrix.on_point(x.value, y.value)
            kind = pdfium_c.FPDFPathSegment_GetType(seg)
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO or not points:
                points, start = [point], point
            else:
                if kind == pdfium_c.FPDF_SEGMENT_LINETO:
                    edges += _edge(points[-1], point, height)
                points.append(point)
            if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None:
                edges += _edge(points[-1], start, height)
    return edges


def _edge(a: tuple[float, float], b: tuple[float, float], height: float) -> list[dict]:
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


def _metadata(info: dict) -> Metadata:
    def text(key: str) -> str | None:
        value = info.get(key)
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
