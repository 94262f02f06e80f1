"""The units extraction reads: sentences of body text and rows of tables, each with its location."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.model import BlockKind, Document, Location
from pipeline.text import split_sentences

_UNIT_IN_HEADER = re.compile(r"^(?P<label>.*?)[（(](?P<unit>[^）)]{1,4})[）)]$")
_NUMBER_CELL = re.compile(r"^(?:近|约|逾)?\d+(?:\.\d+)?[万千]?(?:余|多)?$")
# Column headings that end in a count's unit: the unit goes after the number too.
# A table of items down the side (项目 | 数量 | 单位: "参与人次 | 6045 | 人次"), as a 汇总表 is laid out.
_ITEM_HEADS = ("项目", "指标", "统计项目", "内容", "类别", "名称")
_VALUE_HEADS = ("数量", "数值", "数据", "合计", "总数", "总计")
_HEADER_UNITS = {
    "人次": "人次",
    "人数": "人",
    "份数": "份",
    "份": "份",
    "篇数": "篇",
    "篇": "篇",
    "条数": "条",
    "场次": "场次",
    "次数": "次",
    "家数": "家",
    "机构数": "家",
    "册": "册",
}
_BODY_KINDS = (BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.TEXT_BOX)


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    loc: Location
    kind: BlockKind
    block: int  # index of the block it came from


def body_sentences(doc: Document) -> list[Sentence]:
    """Sentences of paragraphs, headings and text boxes, then one per table row.

    A table row is read as one sentence ("6月9日，长沙，启动仪式"), and a statistics
    table's numbers get their column's unit back ("发放资料（份）" + "5000" -> "发放资料5000份").
    """
    out: list[Sentence] = []
    for i, block in enumerate(doc.blocks):
        if block.kind in _BODY_KINDS:
            out.extend(Sentence(s, block.loc, block.kind, i) for s in split_sentences(block.text))
    first_cell = {}
    for i, block in enumerate(doc.blocks):
        if block.kind is BlockKind.TABLE_CELL:
            first_cell.setdefault((block.loc.table, block.loc.row), (i, block.loc))
    for table in doc.tables:
        if not table.rows:
            continue
        header = table.rows[0]
        for r, row in enumerate(table.rows[1:], start=2):
            text = _row_sentence(header, row)
            if text:
                i, loc = first_cell.get(
                    (table.index, r), (-1, Location(page=table.page, table=table.index, row=r, column=1))
                )
                out.append(Sentence(text, loc, BlockKind.TABLE_CELL, i))
    return out


def _row_sentence(header: list[str], row: list[str]) -> str:
    item = _item_row(header, row)
    if item:
        return item
    parts = []
    for c, cell in enumerate(row):
        if not cell:
            continue
        head = header[c] if c < len(header) else ""
        m = _UNIT_IN_HEADER.match(head)
        if _NUMBER_CELL.match(cell) and head:
            if m:
                parts.append(f"{m.group('label')}{cell}{m.group('unit')}")
            else:  # "参与人次" + "6970" -> "参与人次6970人次"
                unit = next((u for u in _HEADER_UNITS if head.endswith(u)), "")
                parts.append(f"{head}{cell}{_HEADER_UNITS.get(unit, '')}")
        else:
            parts.append(cell.replace("\n", "，"))
    return "，".join(parts) + ("。" if parts else "")


def _item_row(header: list[str], row: list[str]) -> str:
    """ "参与人次6045人次。" for a row of an items-down-the-side table, else ""."""
    heads = [h.strip() for h in header]
    item = next((c for c, h in enumerate(heads) if h in _ITEM_HEADS), None)
    value = next((c for c, h in enumerate(heads) if h in _VALUE_HEADS), None)
    if item is None or value is None or max(item, value) >= len(row) or not _NUMBER_CELL.match(row[value]):
        return ""
    unit_col = next((c for c, h in enumerate(heads) if h in ("单位", "计量单位")), None)
    unit = row[unit_col] if unit_col is not None and unit_col < len(row) else ""
    label = row[item]
    if unit and label.endswith(unit):  # "参与人次" + "人次": the unit once
        unit = ""
    return f"{label}{row[value]}{unit}。"
