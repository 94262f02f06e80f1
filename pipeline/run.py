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
from pipeline.outputs.digest import DIGEST_FILE, DigestInput
from pipeline.outputs.publish import write_digest_safely
from pipeline.outputs.shortlist import write_shortlist
from pipeline.revisions import mark_superseded
from pipeline.reviews import attach, carry_over, collect, corrected, harvest, load_reviews, save_reviews
from pipeline.score import rank_cases, shortlist
from pipeline.model import Record, Status
from pipeline.outputs.atomic import write_text_atomic
from pipeline.outputs.records import write_records

RUN_REPORT_FILE = "run_report.json"
NEEDS_PERSON = {Status.FAILED, Status.NEEDS_OCR, Status.UNSUPPORTED}


def read_files(items: Sequence[InboxFile], campaign: Campaign, limits: Limits = Limits()) -> list[Record]:
    """Read and extract a batch of inbox files (one worker's share)."""
    reader = FileReader(limits=limits, extract=Extractor(campaign))
    return [rec for item in items for rec in reader.read(item)]


def merge(batches: Sequence[Sequence[Record]], reviews: dict | None = None,
          campaign: Campaign | None = None) -> list[Record]:
    """Put the workers' records together and settle what only the whole inbox shows:
    duplicates, the reviewers' columns, and which versions supersede which."""
    records = sorted(mark_duplicates(r for batch in batches for r in batch), key=lambda r: r.file)
    attach(records, reviews or {})
    campaign = campaign or load_campaign()
    # Revisions are grouped by sender and kind as the reviewer corrected them.
    effective = [corrected(r, campaign) for r in records]
    mark_superseded(effective)
    for raw, eff in zip(records, effective):
        raw.status, raw.superseded_by = eff.status, eff.superseded_by
    carry_over(records)
    return records


def previous_reviews(out_dir: Path) -> dict:
    """Reviews kept from earlier runs, updated with what reviewers changed in the digest since."""
    return harvest(out_dir / DIGEST_FILE, load_reviews(out_dir))


def write_outputs(records: Sequence[Record], out_dir: Path, started: float, inbox: Path,
                  campaign: Campaign | None = None) -> dict:
    campaign = campaign or load_campaign()
    out_dir.mkdir(parents=True, exist_ok=True)
    write_records(records, out_dir)
    save_reviews(out_dir, collect(records))
    effective = [corrected(r, campaign) for r in records]
    cases = rank_cases(effective, campaign)
    picked = shortlist(cases, campaign.shortlist_size)
    now = datetime.now()
    digest_path, digest_note = write_digest_safely(
        DigestInput(records, effective, cases, campaign, now, inbox), out_dir)
    summaries = sum(1 for r in effective if r.status == Status.OK and r.doc_kind == "summary")
    write_shortlist(picked, len(cases), summaries, campaign, out_dir, now.date())
    report = run_report(records, started, inbox)
    report["digest"] = digest_path.name
    if digest_note:
        report["notes"] = [digest_note]
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
    campaign = campaign or load_campaign()
    records = merge([read_files(discover(inbox), campaign, limits)], previous_reviews(out_dir), campaign)
    return write_outputs(records, out_dir, started, inbox, campaign)
