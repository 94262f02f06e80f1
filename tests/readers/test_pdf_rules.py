"""Ruled tables found from pdfium's path segments, however the producer drew the rules."""

from __future__ import annotations

import ctypes
import io

import pypdfium2 as pdfium
import pypdfium2.raw as c
import pytest

from pipeline.model import Source
from pipeline.readers.pdf import read_pdf

XS, YS = [100, 250, 400, 500], [700, 670, 640, 610]
EXPECTED = [[f"R{r}C{k}" for k in range(3)] for r in range(3)]


def _text(pdf, page, text: str, x: float, y: float) -> None:
    obj = c.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", 10.0)
    buf = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
    c.FPDFText_SetText(obj, ctypes.cast(buf, ctypes.POINTER(c.FPDF_WCHAR)))
    c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
    c.FPDFPage_InsertObject(page.raw, obj)


def _grid(pdf, page, style: str) -> None:
    if style == "rects":  # Word: every rule a thin filled rectangle
        for y in YS:
            _fill(page, c.FPDFPageObj_CreateNewRect(XS[0], y - 0.25, XS[-1] - XS[0], 0.5))
        for x in XS:
            _fill(page, c.FPDFPageObj_CreateNewRect(x - 0.25, YS[-1], 0.5, YS[0] - YS[-1]))
    else:  # the whole grid as one stroked path of sub-paths
        obj = c.FPDFPageObj_CreateNewPath(XS[0], YS[0])
        for y in YS:
            c.FPDFPath_MoveTo(obj, XS[0], y)
            c.FPDFPath_LineTo(obj, XS[-1], y)
        for x in XS:
            c.FPDFPath_MoveTo(obj, x, YS[0])
            c.FPDFPath_LineTo(obj, x, YS[-1])
        c.FPDFPageObj_SetStrokeColor(obj, 0, 0, 0, 255)
        c.FPDFPath_SetDrawMode(obj, 0, True)
        c.FPDFPage_InsertObject(page.raw, obj)
    for r in range(3):
        for k in range(3):
            _text(pdf, page, EXPECTED[r][k], XS[k] + 10, YS[r] - 20)


def _fill(page, obj) -> None:
    c.FPDFPageObj_SetFillColor(obj, 0, 0, 0, 255)
    c.FPDFPath_SetDrawMode(obj, c.FPDF_FILLMODE_ALTERNATE, False)
    c.FPDFPage_InsertObject(page.raw, obj)


def _save(pdf) -> bytes:
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def _table_pdf(style: str) -> bytes:
    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(595, 842)
    _grid(pdf, page, "path" if style == "form" else style)
    c.FPDFPage_GenerateContent(page.raw)
    if style != "form":
        return _save(pdf)
    # A form XObject placed with a scale and shift (stamps, templates, some producers' tables).
    outer = pdfium.PdfDocument.new()
    target = outer.new_page(595, 842)
    xobject = c.FPDF_NewXObjectFromPage(outer.raw, pdf.raw, 0)
    form = c.FPDF_NewFormObjectFromXObject(xobject)
    c.FPDFPageObj_Transform(form, 0.8, 0, 0, 0.8, 40, 60)
    c.FPDFPage_InsertObject(target.raw, form)
    c.FPDFPage_GenerateContent(target.raw)
    c.FPDF_CloseXObject(xobject)
    return _save(outer)


@pytest.mark.parametrize("style", ["rects", "path", "form"])
def test_ruled_table_is_found_however_the_rules_are_drawn(style):
    data = _table_pdf(style)
    doc = read_pdf(data, Source("table.pdf", "", len(data), "pdf"))
    assert [t.rows for t in doc.tables] == [EXPECTED]
    cells = [(b.text, b.loc.table, b.loc.row, b.loc.column) for b in doc.blocks if b.loc.table]
    assert cells[0] == ("R0C0", 1, 1, 1) and cells[-1] == ("R2C2", 1, 3, 3)
