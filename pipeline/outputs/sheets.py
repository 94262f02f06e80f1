"""Writing one sheet the way reviewers need it: frozen header, filter, widths that fit
Chinese text, wrapped cells, real dates and numbers, and no text that Excel would run."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REVIEW_FILL = PatternFill("solid", fgColor="FFF2CC")  # reviewer columns stand out
MISSING_FILL = PatternFill("solid", fgColor="F8CBAD")
LATE_FILL = PatternFill("solid", fgColor="FFE699")
HEADER_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
MAX_WIDTH = 60
_FORMULA_START = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"  # text | int | float | date | datetime | link
    width: int | None = None
    review: bool = False
    hidden: bool = False
    number_format: str | None = None


def display_width(text: str) -> int:
    """Columns are measured in Latin characters; a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def put(cell, value, column: Column) -> None:
    """Write a value as data, never as a formula: text from documents may start with '='."""
    if value is None or value == "":
        cell.value = None
        return
    if column.kind == "link" and isinstance(value, tuple):
        text, target = value
        cell.value = text
        cell.data_type = "s"
        if target:
            cell.hyperlink = target
            cell.style = "Hyperlink"
        return
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
        if value.startswith(_FORMULA_START):
            cell.quotePrefix = True
        return
    cell.value = value
    if column.number_format:
        cell.number_format = column.number_format
    elif isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, int):
        cell.number_format = "#,##0"


def write_table(ws: Worksheet, columns: list[Column], rows: list[list], start_row: int = 1) -> str:
    """Header plus rows from `start_row`; returns the table's range (for filters and charts)."""
    for c, col in enumerate(columns, start=1):
        cell = ws.cell(row=start_row, column=c, value=col.name)
        cell.font = HEADER_FONT
        cell.fill = REVIEW_FILL if col.review else HEADER_FILL
        cell.alignment = WRAP
    for r, row in enumerate(rows, start=start_row + 1):
        for c, (col, value) in enumerate(zip(columns, row), start=1):
            cell = ws.cell(row=r, column=c)
            put(cell, value, col)
            cell.alignment = WRAP
    for c, col in enumerate(columns, start=1):
        letter = get_column_letter(c)
        if col.width:
            width = col.width
        else:
            texts = [col.name] + [str(row[c - 1]) if c - 1 < len(row) and row[c - 1] is not None else "" for row in rows]
            width = min(MAX_WIDTH, max(display_width(t[:80]) for t in texts) + 2)
            width = max(width, 8)
        ws.column_dimensions[letter].width = width
        ws.column_dimensions[letter].hidden = col.hidden
    last = get_column_letter(len(columns))
    ref = f"A{start_row}:{last}{start_row + max(len(rows), 1)}"
    return ref


def fit_to_page_width(ws: Worksheet) -> None:
    """Printed landscape, as wide as the page, the header row on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = "1:1"


def finish(ws: Worksheet, ref: str) -> None:
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ref
    fit_to_page_width(ws)
