"""Scale-out: the same records from a two-worker local Dask cluster as from the default runner."""

import json
import shutil

import pytest

pytest.importorskip("prefect_dask", reason="Dask support is an optional extra: pip install '.[dask]'")

from flows.nightly import run_nightly
from tests.conftest import sample


def _records(out):
    rows = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    return sorted(rows, key=lambda r: r["file"])


def test_dask_runner_gives_the_same_records(prefect_harness, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for source, fmt in (("c01", "docx"), ("c10", "pdf"), ("r04", "docx"), ("i09", "docx")):
        src = sample(source, fmt)
        shutil.copy2(src, inbox / src.name)
    run_nightly(inbox, tmp_path / "default", workers=1)
    run_nightly(inbox, tmp_path / "dask", workers=2, task_runner="dask")
    assert _records(tmp_path / "dask") == _records(tmp_path / "default")
