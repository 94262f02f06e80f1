"""Nothing breaks it and nothing is lost: concurrent runs, killed runs, fuzzed input."""

import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.dates import find_dates
from pipeline.extract.metrics import find_metrics
from pipeline.extract.numerals import chinese_to_int, parse_amount
from pipeline.inbox import FileReader
from pipeline.model import Status
from pipeline.run import run
from pipeline.runtime.runlock import RunLocked, run_lock
from pipeline.text import chinese_number
from tests.conftest import ROOT, sample

OUTPUTS = (
    "records.jsonl",
    "digest.xlsx",
    "shortlist.docx",
    "shortlist.md",
    "run_report.json",
    "national_summary.docx",
    "national_summary.md",
    "reminder.docx",
    "reminder.md",
)


@pytest.fixture
def small_inbox(tmp_path):
    box = tmp_path / "inbox"
    box.mkdir()
    for source, fmt in (
        ("c01", "docx"),
        ("c10", "pdf"),
        ("r04", "docx"),
        ("i09", "docx"),
        ("c08", "pdf"),
        ("r05", "docx"),
        ("c13", "docx"),
        ("i01", "docx"),
    ):
        src = sample(source, fmt, "ok")
        shutil.copy2(src, box / src.name)
    return box


def test_a_second_run_refuses_while_one_is_running(small_inbox, tmp_path, campaign):
    out = tmp_path / "out"
    with run_lock(out):
        with pytest.raises(RunLocked, match="另一次运行正在写入"):
            run(small_inbox, out, campaign)


def test_a_killed_runs_lock_does_not_block_the_next(tmp_path):
    out = tmp_path / "out"
    code = (
        f"from pathlib import Path; from pipeline.runtime.runlock import run_lock; import time\n"
        f"with run_lock(Path({str(out)!r})):\n    print('locked', flush=True); time.sleep(60)"
    )
    child = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "locked"
    child.send_signal(signal.SIGKILL)
    child.wait()
    with run_lock(out):
        pass


def _valid(out) -> None:
    from docx import Document
    from openpyxl import load_workbook

    for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines():
        assert line.startswith("{") and line.endswith("}")
    load_workbook(out / "digest.xlsx").close()
    Document(str(out / "shortlist.docx"))
    with sqlite3.connect(out / "ledger.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_run_killed_at_any_moment_leaves_the_previous_outputs_and_the_next_run_completes(
    small_inbox, tmp_path, campaign
):
    out, baseline = tmp_path / "out", tmp_path / "baseline"
    run(small_inbox, out, campaign)  # last night's outputs
    shutil.copytree(out, baseline)
    for source in ("c04", "i03", "r09"):  # tonight's new files, so the killed run has work to write
        src = sample(source, "docx", "ok")
        shutil.copy2(src, small_inbox / src.name)
    code = (
        f"from pathlib import Path; from pipeline.run import run\nrun(Path({str(small_inbox)!r}), Path({str(out)!r}))"
    )
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    full = time.monotonic() - started
    for fraction in (0.3, 0.55, 0.75, 0.9, 0.97):
        shutil.rmtree(out)
        shutil.copytree(baseline, out)
        child = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
        time.sleep(full * fraction)
        child.send_signal(signal.SIGKILL)
        child.wait()
        for name in OUTPUTS:  # each output is last night's or a complete new one, never half
            assert (out / name).exists(), name
        _valid(out)
        report = run(small_inbox, out, campaign)
        assert report["files"] == 11
        _valid(out)
        assert not list(out.glob(".*.tmp")), "a killed writer's temporary file is cleaned up"


def _examples(share: float) -> int:
    """Examples as a share of the profile's (tests/conftest.py: ci 100, deep 1000)."""
    return max(1, int(settings.default.max_examples * share))


@settings(max_examples=_examples(3))
@given(st.text())
def test_date_and_number_finders_take_any_text(campaign, text):
    find_dates(text, 2018, date(2018, 6, 9), ("当天",))
    find_metrics(text, campaign)
    parse_amount(text)
    chinese_to_int(text)


@settings(max_examples=_examples(2))
@given(st.dates(min_value=date(2018, 1, 1), max_value=date(2018, 12, 31)))
def test_every_written_form_of_a_date_round_trips(day):
    cn = lambda n: chinese_number(n)  # noqa: E731
    forms = [
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.month}月{day.day}日",
        f"{day.year}.{day.month}.{day.day}",
        day.isoformat(),
        f"{cn(day.month)}月{cn(day.day)}日",
        f"二〇一八年{cn(day.month)}月{cn(day.day)}日",
    ]
    for form in forms:
        found = find_dates(f"于{form}举办活动", 2018)
        assert [m.start for m in found] == [day], form
    later = day + timedelta(days=3)
    if later.month == day.month:
        found = find_dates(f"{day.month}月{day.day}日至{later.day}日", 2018)
        assert found[0].days() == [day, later]


@settings(max_examples=_examples(2))
@given(st.integers(min_value=1, max_value=99))
def test_chinese_numerals_round_trip(n):
    assert chinese_to_int(chinese_number(n)) == n
    assert parse_amount(str(n)) == n


def _mutations():
    return st.lists(
        st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), min_size=1, max_size=12
    )


@pytest.mark.parametrize("source,fmt", [("c01", "docx"), ("c10", "pdf")])
def test_readers_survive_mutated_bytes(source, fmt, campaign):
    from pipeline.extract import Extractor

    original = sample(source, fmt, "ok").read_bytes()
    reader = FileReader(extract=Extractor(campaign))

    @settings(max_examples=_examples(0.25))
    @given(_mutations(), st.integers(min_value=0, max_value=len(original)))
    def check(mutations, cut):
        data = bytearray(original[: max(cut, 1)] if cut % 3 == 0 else original)
        for pos, value in mutations:
            data[pos % len(data)] = value
        records = reader.read_bytes(bytes(data), f"fuzz.{fmt}", None)
        assert records and records[0].status in set(Status)
        if records[0].status != Status.OK:
            assert records[0].error

    check()
