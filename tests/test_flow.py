"""The Prefect flow end to end, on a small copy of the sample inbox, with embedded Prefect."""

import json
import shutil

from flows.nightly import batches, run_nightly
from pipeline.inbox import discover
from tests.conftest import INBOX


def test_flow_writes_one_record_per_file(prefect_harness, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    picked = [p for p in sorted(INBOX.iterdir()) if p.suffix in (".docx", ".pdf", ".zip", ".jpg")][:8]
    for p in picked:
        shutil.copy2(p, inbox / p.name)
    out = tmp_path / "out"
    report = run_nightly(inbox, out, workers=2)
    lines = (out / "records.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert {r["file"] for r in records} >= {p.name for p in picked}
    assert report["files"] == len(records)
    assert json.loads((out / "run_report.json").read_text(encoding="utf-8"))["files"] == len(records)
    for name in ("digest.xlsx", "shortlist.docx", "shortlist.md", "ledger.sqlite", "run_report.md"):
        assert (out / name).exists(), name


def test_batches_balance_sizes():
    items = discover(INBOX)
    parts = batches(items, 4)
    assert sorted(i.rel for b in parts for i in b) == sorted(i.rel for i in items)
    sizes = [sum(i.size for i in b) for b in parts]
    assert max(sizes) < 2.5 * (sum(sizes) / len(sizes))
