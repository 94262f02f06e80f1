"""Statistics workbooks (.xlsx; .xls and .et through LibreOffice; .csv) as documents.

Bureaus send their figures as a 统计表 beside or instead of the prose. Each visible sheet
becomes the same model a Word table does: the lines above and below a table (the title,
填报单位：…, 填表人) are paragraphs, the table's cells are table cells, so sender, kind and
figures come from the same extraction. Merged header cells are spread over their columns,
empty rows and columns dropped, numbers written as numbers (1200, not 1200.0), dates as
2018年6月9日, formulas read as the values Excel saved with them; a =SUM() that a program wrote
without saving its value is added up here. Hidden sheets (drop-down lists) are skipped.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime

from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from pipeline import errors
from pipeline.errors import UnreadableFile
from pipeline.model import Block, BlockKind, Document, Location, Metadata, Source, Table
from pipeline.readers.legacy import convert
from pipeline.readers.structure import mark_structure
from pipeline.text import decode_chinese, normalize

MAX_CELLS = 200_000  # filled cells in one workbook; a statistics table has hundreds
MAX_SHEET_XML = 100 * 1024 * 1024  # uncompressed worksheet XML, checked before loading
_DEFAULT_SHEET = re.compile(r"^(?:Sheet|工作表|Sheet\s)\d*$", re.I)
_FIELD = re.compile(r"^[^：:\d]{1,8}[：:]")  # 填报单位：…, 联系电话：…
_SEPARATED = re.compile(r"(?<![\d,])\d{1,3}(?:,\d{3})+(?![\d,])")
_NUMBER = re.compile(r"^[\d,.]+$")
_SUM = re.compile(r"^=\s*SUM\(([A-Z$0-9:,\s]+)\)\s*$", re.I)

Grid = list[list[str]]


def read_xlsx(data: bytes, source: Source) -> Document:
    _check_size(data)
    try:
        values = load_workbook(io.BytesIO(data), data_only=True)
        formulas = load_workbook(io.BytesIO(data), data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as e:
        raise UnreadableFile(errors.CORRUPT) from e
    except Exception as e:  # openpyxl raises what its XML parser raises
        raise UnreadableFile(errors.CORRUPT) from e
    sheets = []
    cells = 0
    for ws in values.worksheets:
        if ws.sheet_state != "visible":
            continue
        grid = _grid(ws, formulas[ws.title])
        cells += sum(1 for row in grid for v in row if v)
        if cells > MAX_CELLS:
            raise UnreadableFile(errors.SHEET_TOO_LARGE.format(cells=MAX_CELLS))
        sheets.append((ws.title, grid))
    props = values.properties
    metadata = Metadata(
        title=props.title or None,
        author=props.creator or None,
        created=props.created.isoformat() if props.created else None,
        modified=props.modified.isoformat() if props.modified else None,
    )
    return sheets_document(sheets, source, metadata)


def read_xls(data: bytes, source: Source) -> Document:
    """.xls and WPS's .et: converted to .xlsx by LibreOffice, as .doc is to .docx."""
    return read_xlsx(convert(data, source.format, "xlsx:Calc MS Excel 2007 XML", "xlsx"), source)


def read_csv(data: bytes, source: Source) -> Document:
    text = decode_chinese(data, "utf-8-sig")
    if text is None:
        raise UnreadableFile(errors.CORRUPT)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    grid = [[_plain_number(normalize(c)) for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    if sum(len(r) for r in grid) > MAX_CELLS:
        raise UnreadableFile(errors.SHEET_TOO_LARGE.format(cells=MAX_CELLS))
    return sheets_document([("", grid)], source, Metadata())


def sheets_document(sheets: list[tuple[str, Grid]], source: Source, metadata: Metadata) -> Document:
    """Tables and the lines around them, sheet by sheet, in the document model."""
    blocks: list[Block] = []
    tables: list[Table] = []
    emphasised: list[bool] = []
    paragraph = 0

    def add_text(text: str, kind: BlockKind = BlockKind.PARAGRAPH, strong: bool = False) -> None:
        nonlocal paragraph
        paragraph += 1
        blocks.append(Block(text, kind, Location(paragraph=paragraph), align="center" if strong else None))
        emphasised.append(strong)

    for name, grid in sheets:
        rows = [r for r in grid if any(r)]
        if not rows:
            continue
        if name and not _DEFAULT_SHEET.match(name) and len(sheets) > 1:
            add_text(name, BlockKind.HEADING, True)
        run: Grid = []
        for row in rows + [[]]:
            filled = list(dict.fromkeys(v for v in row if v))
            if len(filled) >= 2 and not all(_FIELD.match(v) for v in filled):
                run.append(row)
                continue
            if run:
                tables.append(_table(run, len(tables) + 1, blocks, emphasised))
                run = []
            # Lines of their own: the title, 填报单位：… 填报日期：…, 填表人：… 联系电话：…
            for text in filled:
                first = not tables and not any(b.kind is BlockKind.TITLE for b in blocks)
                title = first and _title_like(text)
                add_text(text, BlockKind.TITLE if title else BlockKind.PARAGRAPH, title)
    mark_structure(blocks, emphasised)
    return Document(source=source, metadata=metadata, blocks=blocks, tables=tables, pages=len(sheets) or None)


def _table(run: Grid, index: int, blocks: list[Block], emphasised: list[bool]) -> Table:
    width = max(len(r) for r in run)
    keep = [c for c in range(width) if any(c < len(r) and r[c] for r in run)]  # empty columns go
    rows = [[r[c] if c < len(r) else "" for c in keep] for r in run]
    # A header of two or three rows ("宣传情况" merged over 发放资料（份）and 媒体报道（篇）): one
    # row, each column named by its lowest, most particular heading, as a one-row Word header is.
    heads = 0
    while heads < len(rows) - 1 and not any(_NUMBER.match(v) for v in rows[heads]):
        heads += 1
    if heads > 1:
        header = [next((rows[h][c] for h in reversed(range(heads)) if rows[h][c]), "") for c in range(len(keep))]
        rows = [header, *rows[heads:]]
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row, start=1):
            if text:
                blocks.append(Block(text, BlockKind.TABLE_CELL, Location(table=index, row=r, column=c)))
                emphasised.append(False)
    return Table(index=index, rows=rows)


def _title_like(text: str) -> bool:
    return len(text) <= 40 and not re.search(r"[:：]", text)


def _grid(ws, formula_ws) -> Grid:
    """The sheet's cells as text, merged ranges spread: a header merged over two columns
    names both; a title merged over the whole width stays one line (all its cells agree)."""
    rows: Grid = []
    for row in ws.iter_rows():
        rows.append([_text(cell.value) for cell in row])
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                continue
            formula = formula_ws.cell(row=r + 1, column=c + 1).value
            if isinstance(formula, str) and (m := _SUM.match(formula)):
                total = _sum(rows, m.group(1))
                if total is not None:
                    row[c] = _number(total)
    for merged in ws.merged_cells.ranges:
        c0, r0, c1, r1 = merged.min_col, merged.min_row, merged.max_col, merged.max_row
        if r0 - 1 >= len(rows):
            continue
        value = rows[r0 - 1][c0 - 1] if c0 - 1 < len(rows[r0 - 1]) else ""
        for r in range(r0 - 1, min(r1, len(rows))):
            for c in range(c0 - 1, min(c1, len(rows[r]))):
                rows[r][c] = value
    return rows


def _sum(rows: Grid, ranges: str) -> float | None:
    total, seen = 0.0, False
    for part in ranges.replace("$", "").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            c0, r0, c1, r1 = range_boundaries(part if ":" in part else f"{part}:{part}")
        except ValueError:
            return None
        for r in range(r0 - 1, r1):
            for c in range(c0 - 1, c1):
                if r < len(rows) and c < len(rows[r]):
                    try:
                        total += float(rows[r][c].replace(",", ""))
                        seen = True
                    except ValueError:
                        continue
    return total if seen else None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        if value.hour or value.minute:
            return f"{value.year}年{value.month}月{value.day}日{value.hour}时{value.minute:02d}分"
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, int | float):
        return _number(value)
    return _plain_number(normalize(str(value)))


def _plain_number(text: str) -> str:
    """A figure typed with thousands separators ("1,350", "约16,775", "1,155余") as a number."""
    return _SEPARATED.sub(lambda m: m.group(0).replace(",", "").replace("，", ""), text) if "," in text else text


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"


def _check_size(data: bytes) -> None:
    """Refuse a workbook whose sheets would take gigabytes to load, before loading it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            size = sum(i.file_size for i in zf.infolist() if i.filename.startswith("xl/worksheets/"))
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise UnreadableFile(errors.CORRUPT) from e
    if size > MAX_SHEET_XML:
        raise UnreadableFile(errors.SHEET_TOO_LARGE.format(cells=MAX_CELLS))
