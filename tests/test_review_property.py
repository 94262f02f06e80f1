"""Reviewer edits survive any sequence of runs, revisions, renames and crashed runs.

A Hypothesis state machine plays a reviewer editing the digest between nightly runs while
revised versions arrive, files are renamed and some runs die half-way through writing
(an exception at one of the output steps: the SIGKILL test in test_robustness covers real
kills and atomic files). After every completed run the digest and the ledger must show the
reviewer's latest word on every file, and a revision must inherit its predecessor's.
"""

from __future__ import annotations

import copy
import hashlib
import os
import shutil
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
from pipeline.ledger import LEDGER_FILE, Ledger
from pipeline.reviews import KEY_HEADER, REVIEW_COLUMNS
from tests.conftest import ROOT

INBOX = ROOT / "samples" / "inbox"
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


class ReviewerAndNights(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.work = Path(tempfile.mkdtemp(prefix="digest-reviews-"))
        self.inbox, self.out = self.work / "inbox", self.work / "out"
        self.inbox.mkdir()
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

    @precondition(lambda self: (self.out / "digest.xlsx").exists())
    @rule(data=st.data(), column=st.sampled_from(sorted(VALUES)))
    def reviewer_edits(self, data, column: str) -> None:
        path = self.out / "digest.xlsx"
        wb = load_workbook(path)
        ws = wb["文件清单"]
        header = [c.value for c in ws[1]]
        key = header.index(KEY_HEADER) + 1
        row = data.draw(st.sampled_from([r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=key).value]))
        value = data.draw(st.sampled_from(VALUES[column]))
        ws.cell(row=row, column=header.index(column) + 1).value = value or None  # None: a cleared cell
        wb.save(path)
        self.expected.setdefault(ws.cell(row=row, column=key).value, {})[REVIEW_COLUMNS[column]] = value

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
        for sha, fields in self.expected.items():
            for field, value in fields.items():
                if sha in shown:  # a revision not yet run over has no row
                    assert shown[sha][field] == value, ("digest", sha[:8], field)
        with Ledger(self.out / LEDGER_FILE) as ledger:
            stored = ledger.reviews()
        for sha, fields in self.harvested.items():
            for field, value in fields.items():
                assert stored.get(sha, {}).get(field, "") == value, ("ledger", sha[:8], field)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


ReviewerAndNights.TestCase.settings = settings(
    max_examples=8,
    stateful_step_count=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_reviewer_edits_survive_any_sequence = ReviewerAndNights.TestCase
