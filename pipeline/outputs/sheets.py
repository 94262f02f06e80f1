"""Writing one sheet the way reviewers need it: frozen header, filter, widths that fit
Chinese text, wrapped cells, real dates and numbers, and no text that Excel would run."""

from __future__ import annotations

import unicodedata
from copy import copy
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


def put(cell, value, column: Column) -> tuple[str | None, bool, bool]:
    """Write a value as data, never as a formula: text from documents may start with '='.

    Returns the cell's style as (number format, quote prefix, hyperlink), for `_Styles`.
    Empty values never come here: `write_table` leaves their cells unwritten.
    """
    if column.kind == "link" and isinstance(value, tuple):
        text, target = value
        cell.value = text
        cell.data_type = "s"
        if target:
            cell.hyperlink = target
        return None, False, bool(target)
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
        return None, value.startswith(_FORMULA_START), False
    cell.value = value
    if column.number_format:
        return column.number_format, False, False
    if isinstance(value, datetime):
        return "yyyy-mm-dd hh:mm", False, False
    if isinstance(value, date):
        return "yyyy-mm-dd", False, False
    if isinstance(value, int):
        return "#,##0", False, False
    return None, False, False


class _Styles:
    """Each distinct cell style is built once and then copied as openpyxl's style array.

    Assigning style objects cell by cell makes openpyxl hash them every time: a third of
    the time spent writing a 1,000-file digest.
    """

    def __init__(self) -> None:
        self._arrays: dict[tuple, object] = {}

    def apply(self, cell, key: tuple[str | None, bool, bool]) -> None:
        array = self._arrays.get(key)
        if array is not None:
            cell._style = copy(array)
            return
        number_format, quote, link = key
        if link:
            cell.style = "Hyperlink"
        cell.alignment = WRAP
        if number_format:
            cell.number_format = number_format
        if quote:
            cell.quotePrefix = True
        self._arrays[key] = copy(cell._style)


def write_table(ws: Worksheet, columns: list[Column], rows: list[list], start_row: int = 1) -> str:
    """Header plus rows from `start_row`; returns the table's range (for filters and charts)."""
    for c, col in enumerate(columns, start=1):
        cell = ws.cell(row=start_row, column=c, value=col.name)
        cell.font = HEADER_FONT
        cell.fill = REVIEW_FILL if col.review else HEADER_FILL
        cell.alignment = WRAP
    styles = _Styles()
    for r, row in enumerate(rows, start=start_row + 1):
        for c, (col, value) in enumerate(zip(columns, row), start=1):
            if value is None or value == "":
                continue  # half a digest's cells are empty: not written, the column's style wraps what is typed
            cell = ws.cell(row=r, column=c)
            styles.apply(cell, put(cell, value, col))
    for c, col in enumerate(columns, start=1):
        letter = get_column_letter(c)
        if col.width:
            width = col.width
        else:
            texts = [col.name] + [
                str(row[c - 1]) if c - 1 < len(row) and row[c - 1] is not None else "" for row in rows
            ]
            width = min(MAX_WIDTH, max(display_width(t[:80]) for t in texts) + 2)
            width = max(width, 8)
        ws.column_dimensions[letter].width = width
        ws.column_dimensions[letter].hidden = col.hidden
        ws.column_dimensions[letter].alignment = WRAP
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
