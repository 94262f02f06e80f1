"""One run over an inbox, as plain functions: the Prefect flow and the tests both call these."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from pipeline import __version__
from pipeline.campaign import Campaign, load_campaign
from pipeline.extract import Extractor
from pipeline.inbox import FileReader, InboxFile, Limits, discover, mark_duplicates
from pipeline.revisions import mark_superseded
from pipeline.model import Record, Status
from pipeline.outputs.atomic import write_text_atomic
from pipeline.outputs.records import write_records

RUN_REPORT_FILE = "run_report.json"
NEEDS_PERSON = {Status.FAILED, Status.NEEDS_OCR, Status.UNSUPPORTED}


def read_files(items: Sequence[InboxFile], campaign: Campaign, limits: Limits = Limits()) -> list[Record]:
    """Read and extract a batch of inbox files (one worker's share)."""
    reader = FileReader(limits=limits, extract=Extractor(campaign))
    return [rec for item in items for rec in reader.read(item)]


def merge(batches: Sequence[Sequence[Record]]) -> list[Record]:
    """Put the workers' records together and settle what only the whole inbox shows."""
    records = mark_duplicates(r for batch in batches for r in batch)
    return sorted(mark_superseded(records), key=lambda r: r.file)


def write_outputs(records: Sequence[Record], out_dir: Path, started: float, inbox: Path) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    write_records(records, out_dir)
    report = run_report(records, started, inbox)
    write_text_atomic(out_dir / RUN_REPORT_FILE, json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    return report


def run_report(records: Sequence[Record], started: float, inbox: Path) -> dict:
    counts = Counter(str(r.status) for r in records)
    return {
        "pipeline_version": __version__,
        "inbox": str(inbox),
        "finished_at": datetime.now().isoformat(timespec="seconds"),
        "seconds": round(time.monotonic() - started, 2),
        "files": len(records),
        "by_status": dict(sorted(counts.items())),
        "needs_person": [
            {"file": r.file, "status": str(r.status), "error": r.error} for r in records if r.status in NEEDS_PERSON
        ],
    }


def run(inbox: Path, out_dir: Path, campaign: Campaign | None = None, limits: Limits = Limits()) -> dict:
    """The whole run in one process, without Prefect (library use and tests)."""
    started = time.monotonic()
    records = merge([read_files(discover(inbox), campaign or load_campaign(), limits)])
    return write_outputs(records, out_dir, started, inbox)
