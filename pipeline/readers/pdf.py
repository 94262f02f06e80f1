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

from pipeline import errors
from pipeline.errors import UnreadableFile
from pipeline.model import Document, Metadata, Source
from pipeline.readers import ocr
from pipeline.readers.fixed import MIN_CHARS_PER_PAGE, SCAN_PICTURE_SHARE, FixedPage, assemble, edge
from pipeline.text import normalize


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
    pages = [FixedPage(width, height, chars, edges) for width, height, chars, edges, _ in pages]
    return assemble(doc, pages, recognised, ocr.available(ocr_options))


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
                    edges += edge(points[-1], point, height)
                points.append(point)
            if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None:
                edges += edge(points[-1], start, height)
    return edges


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
