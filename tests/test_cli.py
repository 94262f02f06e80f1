"""The `digest` command as a clerk runs it: exit codes and the Chinese messages.

Run as a real process (the installed console script), with its own HOME and PREFECT_HOME,
so nothing is read from or written to this machine's settings.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import INBOX, LABELS

DIGEST = Path(sys.executable).with_name("digest")


@pytest.fixture
def env(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    variables = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    variables.update(HOME=str(home), PREFECT_HOME=str(home / ".prefect"))
    return variables


def digest(env, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    if not DIGEST.exists():
        pytest.skip(f"the digest command is not installed beside {sys.executable}")
    return subprocess.run([str(DIGEST), *args], env=env, capture_output=True, text=True, timeout=timeout)


def test_help_lists_the_commands_in_chinese(env):
    done = digest(env, "--help")
    assert done.returncode == 0
    for command in ("run", "serve", "status", "eval"):
        assert command in done.stdout
    assert "收件箱" in digest(env, "run", "--help").stdout


def test_a_missing_inbox_is_refused_before_any_work(env, tmp_path):
    done = digest(env, "run", "--inbox", str(tmp_path / "无此目录"), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "收件箱目录不存在" in done.stderr
    assert not (tmp_path / "out").exists(), "nothing written"


def test_a_broken_campaign_file_is_refused_with_what_is_wrong(env, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[campaign]\nname = "x"\n', encoding="utf-8")
    for command in ("run", "eval"):
        done = digest(env, command, "--inbox", str(INBOX), "--campaign", str(bad), "--out", str(tmp_path / "out"))
        assert done.returncode == 2, command
        assert "缺少字段" in done.stderr, command
    assert not (tmp_path / "out").exists()


def test_status_before_any_run_says_so(env, tmp_path):
    done = digest(env, "status", "--out", str(tmp_path / "out"))
    assert done.returncode == 0
    assert "尚无台账" in done.stdout


def test_an_unknown_command_or_option_exits_non_zero(env):
    assert digest(env, "fly").returncode == 2
    assert digest(env, "run", "--no-such-option").returncode == 2


@pytest.fixture
def small_inbox(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    names = ["浙江省2018年世界认可日活动方案.docx", "湖南省2018年世界认可日活动总结.pdf"]
    for name in names:
        shutil.copy2(INBOX / name, inbox / name)
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps([e for e in LABELS if e["file"] in names], ensure_ascii=False), encoding="utf-8")
    return inbox, labels


def test_eval_scores_a_labelled_inbox(env, small_inbox, tmp_path):
    inbox, labels = small_inbox
    done = digest(env, "eval", "--inbox", str(inbox), "--labels", str(labels), "--out", str(tmp_path / "kept"))
    assert done.returncode == 0, done.stderr
    assert "准确率" in done.stdout and "submitter" in done.stdout
    assert (tmp_path / "kept" / "records.jsonl").exists()


def test_run_then_status(env, small_inbox, tmp_path, prefect_harness):
    """With no Prefect server configured, digest run starts its own temporary one (here on the
    test harness's database, already migrated, so that the start is not a first start)."""
    inbox, _ = small_inbox
    env = {**env, "PREFECT_SERVER_DATABASE_CONNECTION_URL": prefect_harness}
    out = tmp_path / "out"
    done = digest(env, "run", "--inbox", str(inbox), "--out", str(out), "--workers", "1")
    assert done.returncode == 0, done.stderr
    assert "结果已写入" in done.stdout
    for name in (
        "records.jsonl",
        "digest.xlsx",
        "shortlist.docx",
        "ledger.sqlite",
        "run_report.json",
        "national_summary.docx",
        "reminder.docx",
    ):
        assert (out / name).exists(), name
    status = digest(env, "status", "--out", str(out))
    assert status.returncode == 0 and "收件箱当前文件 2 个" in status.stdout
