"""A review is carried to a revision once, the night the revision is first shown; after that
each version's cells are its own, and a cleared cell is a reviewer's word.

The two sequences the property test found (the 浙江 plan and its 修改稿), as plain tests.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from openpyxl import load_workbook

from pipeline.records.ledger import LEDGER_FILE, Ledger
from pipeline.run import run
from tests.conftest import INBOX

ORIGINAL = "浙江省2018年世界认可日活动方案.docx"
REVISION = "浙江省2018年世界认可日活动方案（修改稿）.docx"


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy2(INBOX / ORIGINAL, inbox / ORIGINAL)
    return inbox


def _revision_arrives(inbox: Path) -> None:
    shutil.copy(INBOX / REVISION, inbox / REVISION)
    os.utime(inbox / REVISION, (time.time() - 60, time.time() - 60))


def _rows(out: Path) -> dict[str, dict[str, object]]:
    ws = load_workbook(out / "digest.xlsx", read_only=True)["文件清单"]
    rows = ws.iter_rows(values_only=True)
    header = list(next(rows))
    return {row[header.index("文件")]: dict(zip(header, row)) for row in rows}


def _set(out: Path, file: str, column: str, value: str | None) -> None:
    """A reviewer types into (or clears, with None) one cell of 文件清单 and saves."""
    path = out / "digest.xlsx"
    wb = load_workbook(path)
    ws = wb["文件清单"]
    header = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=header.index("文件") + 1).value == file)
    ws.cell(row=row, column=header.index(column) + 1).value = value
    wb.save(path)


def test_a_review_given_after_the_revision_was_shown_stays_on_the_original(tmp_path, campaign):
    inbox, out = _inbox(tmp_path), tmp_path / "out"
    run(inbox, out, campaign)
    _revision_arrives(inbox)
    run(inbox, out, campaign)
    assert _rows(out)[ORIGINAL]["状态"] != _rows(out)[REVISION]["状态"], "the revision supersedes the original"
    _set(out, ORIGINAL, "是否推荐", "是")
    run(inbox, out, campaign)
    rows = _rows(out)
    assert rows[ORIGINAL]["是否推荐"] == "是"
    assert rows[REVISION]["是否推荐"] is None, "nobody put 是 on the revision"


def test_a_cleared_cell_on_a_revision_stays_cleared(tmp_path, campaign):
    inbox, out = _inbox(tmp_path), tmp_path / "out"
    run(inbox, out, campaign)
    _set(out, ORIGINAL, "是否推荐", "是")
    _revision_arrives(inbox)
    run(inbox, out, campaign)
    assert _rows(out)[REVISION]["是否推荐"] == "是", "carried the night the revision is first shown"
    _set(out, REVISION, "是否推荐", None)
    for _ in range(2):
        run(inbox, out, campaign)
        rows = _rows(out)
        assert rows[REVISION]["是否推荐"] is None, "the reviewer cleared it"
        assert rows[ORIGINAL]["是否推荐"] == "是"
    with Ledger(out / LEDGER_FILE) as ledger:
        stored = ledger.reviews()
    revision_sha = rows[REVISION]["文件指纹"]
    assert stored[revision_sha]["recommend"] == "", "a clear is stored as the reviewer's word"
