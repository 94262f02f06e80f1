"""Incremental nightly runs against the ledger: only new content is read."""

import os
import shutil
import sqlite3

import pytest

from pipeline.records.ledger import LEDGER_FILE
from pipeline.records.status import ledger_status
from pipeline.run import run
from tests.conftest import sample


@pytest.fixture
def inbox(tmp_path):
    box = tmp_path / "inbox"
    box.mkdir()
    for source in ("c01", "r04", "c13", "i09"):
        src = sample(source, "docx")
        shutil.copy2(src, box / src.name)
    return box


def test_a_night_with_nothing_new_reads_nothing(inbox, tmp_path, campaign):
    out = tmp_path / "out"
    first = run(inbox, out, campaign)
    assert first["new"] == 4 and first["unchanged"] == 0
    second = run(inbox, out, campaign)
    assert second["new"] == 0 and second["unchanged"] == 4
    assert (out / "records.jsonl").read_text(encoding="utf-8").count("\n") == 4


def test_new_files_are_read_and_touched_files_are_recognised_by_content(inbox, tmp_path, campaign):
    out = tmp_path / "out"
    run(inbox, out, campaign)
    touched = sorted(inbox.iterdir())[0]
    os.utime(touched, (touched.stat().st_atime, touched.stat().st_mtime - 3600))
    renamed = sorted(inbox.iterdir())[1]
    renamed.rename(inbox / ("改名-" + renamed.name))
    for source in ("r05", "c08", "i01"):
        src = sample(source, "docx", "ok")
        shutil.copy2(src, inbox / src.name)
    report = run(inbox, out, campaign)
    assert report["new"] == 3, "the touched and the renamed files are known by their sha256"
    assert report["withdrawn"] == [renamed.name]
    with sqlite3.connect(out / LEDGER_FILE) as db:
        states = dict(db.execute("SELECT path, state FROM file_versions"))
    assert states[renamed.name] == "withdrawn" and states["改名-" + renamed.name] == "current"
    assert "已移除的文件 1 个" in ledger_status(out)


def test_a_changed_campaign_file_re_reads_everything(inbox, tmp_path, campaign):
    out = tmp_path / "out"
    run(inbox, out, campaign)
    changed = tmp_path / "campaign.toml"
    changed.write_text(open(campaign.source, encoding="utf-8").read() + "\n# changed\n", encoding="utf-8")
    from pipeline.campaign import load_campaign

    assert run(inbox, out, load_campaign(changed))["new"] == 4


def test_a_file_still_being_copied_waits_for_the_next_run(inbox, tmp_path, campaign):
    name = sorted(inbox.iterdir())[0].name
    (inbox / f"~${name}").write_bytes(b"lock")
    report = run(inbox, tmp_path / "out", campaign)
    assert report["waiting"] == [name] and report["files"] == 3
    assert "正在复制" in (tmp_path / "out" / "run_report.md").read_text(encoding="utf-8")


def test_status_without_a_ledger(tmp_path):
    assert "尚无台账" in ledger_status(tmp_path)


def test_an_empty_inbox_still_gives_every_output(tmp_path, campaign):
    empty = tmp_path / "empty"
    empty.mkdir()
    report = run(empty, tmp_path / "out", campaign)
    assert report["files"] == 0
    for name in ("records.jsonl", "digest.xlsx", "shortlist.docx", "shortlist.md", "ledger.sqlite", "run_report.json"):
        assert (tmp_path / "out" / name).exists(), name
