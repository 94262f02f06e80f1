"""Reviewer edits survive any sequence of runs, revisions, renames and crashed runs.

A Hypothesis state machine plays a reviewer editing the digest between nightly runs while
revised versions arrive, files are renamed and some runs die half-way through writing
(an exception at one of the output steps: the SIGKILL test in test_robustness covers real
kills and atomic files). After every completed run the digest and the ledger must show the
reviewer's latest word on every file, and a revision must inherit its predecessor's.
"""

from __future__ import annotations

import atexit
import copy
import functools
import hashlib
import os
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from openpyxl import load_workbook

from pipeline import run as pipeline_run
from pipeline.campaign import load_campaign
from pipeline.records.ledger import LEDGER_FILE, Ledger
from pipeline.records.reviews import KEY_HEADER, REVIEW_COLUMNS
from tests.conftest import INBOX

FIRST = [
    "浙江省2018年世界认可日活动方案.docx",
    "湖南省2018年世界认可日活动总结.pdf",
    "成都市质量技术监督局关于2018年世界认可日活动的总结.docx",
]
REVISIONS = {
    "浙江省2018年世界认可日活动方案（修改稿）.docx": "浙江省2018年世界认可日活动方案.docx",
    "湖南省2018年世界认可日活动总结（定稿）.pdf": "湖南省2018年世界认可日活动总结.pdf",
}
VALUES = {
    "审核结论": ["采用", "待核实", "不采用", ""],
    "是否推荐": ["是", "否", ""],
    "审核意见": ["数字需核实", "请补充照片", "可作典型", ""],
}
CRASH_POINTS = ["write_records", "write_digest_safely", "write_shortlist", "write_run_report"]


@functools.cache
def _seed_ledger() -> Path:
    """A ledger that has read every file the machine uses, and shown none of them: the nights
    reuse its records by content (as for a re-sent file), so a step costs a merge and the
    outputs, not a read, and a shrink replays steps in seconds."""
    work = Path(tempfile.mkdtemp(prefix="digest-reviews-seed-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    inbox = work / "inbox"
    inbox.mkdir()
    for name in FIRST:
        shutil.copy2(INBOX / name, inbox / name)
    for name in REVISIONS:
        shutil.copy(INBOX / name, inbox / name)
        os.utime(inbox / name, (time.time() - 60, time.time() - 60))
    pipeline_run.run(inbox, work / "out", load_campaign())
    ledger = work / "out" / LEDGER_FILE
    db = sqlite3.connect(ledger)
    with db:
        db.execute("UPDATE file_versions SET state = 'replaced'")
        for table in ("reviews", "outputs", "runs"):
            db.execute(f"DELETE FROM {table}")
    db.close()
    return ledger


class ReviewerAndNights(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.work = Path(tempfile.mkdtemp(prefix="digest-reviews-"))
        self.inbox, self.out = self.work / "inbox", self.work / "out"
        self.inbox.mkdir()
        self.out.mkdir()
        shutil.copy(_seed_ledger(), self.out / LEDGER_FILE)
        for name in FIRST:
            shutil.copy2(INBOX / name, self.inbox / name)
        self.campaign = load_campaign()
        self.expected: dict[str, dict[str, str]] = {}  # sha256 -> review field -> the reviewer's last word
        self.harvested: dict[str, dict[str, str]] = {}  # what the ledger must hold: the word as of the last run
        self.arrived: list[tuple[str, str]] = []  # (new sha, old sha) of revisions not yet run over
        self.revised: set[str] = set()

    def teardown(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)

    def _night(self) -> None:
        """What every run does before it can die: harvest the digest, carry reviews to revisions,
        save them in the ledger (the first step of writing the outputs)."""
        for new, old in self.arrived:
            if not any(self.expected.get(new, {}).values()) and any(self.expected.get(old, {}).values()):
                self.expected[new] = dict(self.expected[old])
        self.arrived.clear()
        self.harvested = copy.deepcopy(self.expected)

    @rule()
    def night(self) -> None:
        pipeline_run.run(self.inbox, self.out, self.campaign)
        self._night()

    @precondition(lambda self: (self.out / "digest.xlsx").exists())
    @rule(point=st.sampled_from(CRASH_POINTS))
    def night_that_dies(self, point: str) -> None:
        with mock.patch.object(pipeline_run, point, side_effect=OSError("disk vanished")):
            try:
                pipeline_run.run(self.inbox, self.out, self.campaign)
            except OSError:
                pass
        self._night()

    def _edit(self, data, column: str, row_wanted, value=None) -> None:
        """Type `value` (drawn when None; "" clears) into one wanted row's cell of 文件清单."""
        path = self.out / "digest.xlsx"
        wb = load_workbook(path)
        ws = wb["文件清单"]
        header = [c.value for c in ws[1]]
        key, col = header.index(KEY_HEADER) + 1, header.index(column) + 1
        cells = {h: i + 1 for i, h in enumerate(header)}
        rows = [r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=key).value and row_wanted(ws, r, cells)]
        if not rows:
            return
        row = data.draw(st.sampled_from(rows))
        value = data.draw(st.sampled_from(VALUES[column])) if value is None else value
        ws.cell(row=row, column=col).value = value or None  # None: a cleared cell
        wb.save(path)
        self.expected.setdefault(ws.cell(row=row, column=key).value, {})[REVIEW_COLUMNS[column]] = value

    @precondition(lambda self: (self.out / "digest.xlsx").exists())
    @rule(data=st.data(), column=st.sampled_from(sorted(VALUES)))
    def reviewer_edits(self, data, column: str) -> None:
        self._edit(data, column, lambda ws, r, cells: True)

    @precondition(lambda self: (self.out / "digest.xlsx").exists())
    @rule(data=st.data(), column=st.sampled_from(sorted(VALUES)))
    def reviewer_edits_a_superseded_version(self, data, column: str) -> None:
        """Reviewers read old versions too; their word there must stay there."""
        self._edit(data, column, lambda ws, r, cells: ws.cell(row=r, column=cells["状态"]).value == "已被新版本替代")

    @precondition(lambda self: (self.out / "digest.xlsx").exists())
    @rule(data=st.data(), column=st.sampled_from(sorted(VALUES)))
    def reviewer_clears_a_cell(self, data, column: str) -> None:
        """A deliberate clear of a filled cell (carried or typed) is a word like any other."""
        self._edit(data, column, lambda ws, r, cells: ws.cell(row=r, column=cells[column]).value, value="")

    @precondition(lambda self: len(self.revised) < len(REVISIONS))
    @rule(data=st.data())
    def revision_arrives(self, data) -> None:
        name = data.draw(st.sampled_from(sorted(set(REVISIONS) - self.revised)))
        shutil.copy(INBOX / name, self.inbox / name)
        os.utime(self.inbox / name, (time.time() - 60, time.time() - 60))  # later than the first version
        self.revised.add(name)
        self.arrived.append((_sha(INBOX / name), _sha(INBOX / REVISIONS[name])))

    @precondition(lambda self: (self.out / "digest.xlsx").exists())
    @rule(data=st.data())
    def a_file_is_renamed(self, data) -> None:
        path = data.draw(st.sampled_from(sorted(self.inbox.iterdir())))
        path.rename(path.with_name("改名-" + path.name))

    @invariant()
    def the_reviewers_word_is_kept(self) -> None:
        if not (self.out / "digest.xlsx").exists():
            return
        ws = load_workbook(self.out / "digest.xlsx", read_only=True)["文件清单"]
        rows = ws.iter_rows(values_only=True)
        header = list(next(rows))
        shown = {}
        for row in rows:
            values = dict(zip(header, row))
            shown[values[KEY_HEADER]] = {REVIEW_COLUMNS[h]: values.get(h) or "" for h in REVIEW_COLUMNS}
        # Every row, not only the reviewed ones: a cell nobody wrote in is empty.
        for sha, cells in shown.items():
            for field, value in cells.items():
                assert value == self.expected.get(sha, {}).get(field, ""), ("digest", sha[:8], field)
        with Ledger(self.out / LEDGER_FILE) as ledger:
            stored = ledger.reviews()
        for sha in set(stored) | set(self.harvested):
            for field in REVIEW_COLUMNS.values():
                want = self.harvested.get(sha, {}).get(field, "")
                assert stored.get(sha, {}).get(field, "") == want, ("ledger", sha[:8], field)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# Examples from the profile (tests/conftest.py): 8 in ci, 80 with make test-deep.
ReviewerAndNights.TestCase.settings = settings(
    max_examples=max(8, settings.default.max_examples // 12),
    stateful_step_count=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_reviewer_edits_survive_any_sequence = ReviewerAndNights.TestCase
