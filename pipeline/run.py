"""One run over an inbox, as plain functions: the Prefect flow and the tests both call these.

discover -> plan (what is new, by size/mtime then sha256, against the ledger) -> read and
extract the new files -> record them in the ledger -> merge (duplicates, reviews,
revisions) -> write the outputs, which are views of the ledger's records.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline import __version__, errors
from pipeline.campaign import Campaign, load_campaign
from pipeline.extract import Extractor
from pipeline.inbox import FileReader, InboxFile, Limits, discover, display_name
from pipeline.model import Record, Status
from pipeline.outputs.digest import DIGEST_FILE, DigestInput
from pipeline.outputs.national_summary import write_national_summary
from pipeline.outputs.publish import sha256_of, write_digest_safely
from pipeline.outputs.records import write_records
from pipeline.outputs.reminder import write_reminder
from pipeline.outputs.report import write_run_report
from pipeline.outputs.shortlist import write_shortlist
from pipeline.records.ledger import LEDGER_FILE, Ledger, record_from_dict
from pipeline.records.merge import merge
from pipeline.records.reviews import collect, corrected, harvest
from pipeline.records.score import attach_scores, rank_cases, shortlist
from pipeline.runtime.runlock import run_lock
from pipeline.runtime.workers import ReadPool

NEEDS_PERSON = {Status.FAILED, Status.NEEDS_OCR, Status.UNSUPPORTED}
SETTLE_SECONDS = 2.0  # a file changed this recently is checked again for a copy in progress


@dataclass
class FileResult:
    """What one inbox file produced: its own record, then its zip members'."""

    rel: str
    sha256: str
    size: int
    mtime: float
    records: list[Record]
    reused: bool = False


@dataclass
class RunPlan:
    to_read: list[InboxFile] = field(default_factory=list)
    reused: list[FileResult] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # still being copied: next run


def _repath(records: list[dict], old: str, new: str) -> list[Record]:
    """Records of the same bytes seen under another name, renamed to this one."""
    out = []
    for data in records:
        rec = record_from_dict(data)
        if rec.file == old or rec.file.startswith(old + "/"):
            rec.file = new + rec.file[len(old) :]
        rec.members = [new + m[len(old) :] for m in rec.members] if rec.members else rec.members
        out.append(rec)
    return out


def _being_copied(item: InboxFile) -> bool:
    """An Office lock file beside it, or a size that is still changing."""
    folder, name = item.path.parent, item.path.name
    if (folder / f"~${name}").exists() or (len(name) > 2 and (folder / f"~${name[2:]}").exists()):
        return True
    if time.time() - item.mtime < SETTLE_SECONDS:
        time.sleep(SETTLE_SECONDS)
        try:
            st = item.path.stat()
        except OSError:
            return True
        return st.st_size != item.size or st.st_mtime != item.mtime
    return False


def plan_inbox(inbox: Path, out_dir: Path, campaign: Campaign) -> RunPlan:
    """Discover the inbox and plan the run against the ledger in `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with Ledger(out_dir / LEDGER_FILE) as ledger:
        return plan_run(discover(inbox), ledger, campaign)


def plan_run(items: Sequence[InboxFile], ledger: Ledger, campaign: Campaign) -> RunPlan:
    """Which files need reading: size and mtime first, then the content hash."""
    plan = RunPlan()
    current = ledger.current()
    known = None
    for item in items:
        if _being_copied(item):
            plan.waiting.append(item.rel)
            continue
        seen = current.get(item.rel)
        fresh = seen is not None and seen.pipeline_version == __version__ and seen.campaign_digest == campaign.digest
        if fresh and seen.size == item.size and seen.mtime == item.mtime:
            plan.reused.append(
                FileResult(
                    item.rel,
                    seen.sha256,
                    item.size,
                    item.mtime,
                    [record_from_dict(d) for d in seen.records],
                    reused=True,
                )
            )
            continue
        if known is None:
            known = ledger.by_content(__version__, campaign.digest)
        try:
            sha = hashlib.sha256(item.path.read_bytes()).hexdigest() if item.size <= 512 * 1024 * 1024 else ""
        except OSError:
            sha = ""
        version = known.get(sha) if sha else None
        if version is not None:  # same bytes already read: renamed, re-sent, or touched
            plan.reused.append(
                FileResult(
                    item.rel, sha, item.size, item.mtime, _repath(version.records, version.path, item.rel), reused=True
                )
            )
        else:
            plan.to_read.append(item)
    # The photos of one document's pages are read together: one new or changed, all again.
    by_rel = {item.rel: item for item in items}
    again = {page for item in plan.to_read for page in item.pages}
    for r in [r for r in plan.reused if _set_changed(r, by_rel, plan.reused)]:
        again |= {by_rel[r.rel].path, *by_rel[r.rel].pages}
    for result in [r for r in plan.reused if by_rel[r.rel].path in again]:
        plan.reused.remove(result)
        plan.to_read.append(by_rel[result.rel])
    return plan


def _set_changed(result: FileResult, by_rel: dict[str, InboxFile], reused: list[FileResult]) -> bool:
    """A first photo read with the other photos of its pages, whose set has lost one since: its
    record still holds the lost page's text. (A new or changed page is read anyway.)"""
    head = result.records[0] if result.records else None
    if head is None or head.format != "image" or head.status != Status.OK or (head.pages or 0) < 2:
        return False
    item = by_rel[result.rel]
    if not item.pages:
        return True  # the set is gone: this photo is alone now
    if item.pages[0] != item.path:
        return False
    said = {errors.PHOTO_PAGE.format(first=display_name(item.path.name), page=n) for n in range(2, head.pages + 1)}
    later = {other.rel for other in by_rel.values() if other.path in item.pages[1:]}
    pages = [r for r in reused if r.rel in later and r.records and r.records[0].error in said]
    return len(pages) != head.pages - 1


def read_inbox_files(
    items: Sequence[InboxFile], campaign: Campaign, limits: Limits = Limits(), pool: ReadPool | None = None
) -> list[FileResult]:
    """Read and extract a batch of inbox files: in worker processes with the time and memory
    limits when a pool is given, else in this process (library use, Dask workers)."""
    if pool is not None:
        found = pool.read(items)
    else:
        reader = FileReader(limits=limits, extract=Extractor(campaign))
        found = [reader.read(item) for item in items]
    return [
        FileResult(item.rel, records[0].sha256, item.size, item.mtime, records) for item, records in zip(items, found)
    ]


def read_files(items: Sequence[InboxFile], campaign: Campaign, limits: Limits = Limits()) -> list[Record]:
    return [rec for result in read_inbox_files(items, campaign, limits) for rec in result.records]


def record_in_ledger(results: Sequence[FileResult], out_dir: Path, campaign: Campaign) -> list[str]:
    """Store what this run saw; return the paths withdrawn from the inbox since the last run."""
    with Ledger(out_dir / LEDGER_FILE) as ledger:
        return ledger.record_run(
            ((r.rel, r.sha256, r.size, r.mtime, r.records) for r in results), __version__, campaign.digest
        )


def previous_reviews(out_dir: Path) -> dict:
    """Reviews kept in the ledger, updated with what reviewers changed in the digest since."""
    digest = out_dir / DIGEST_FILE
    with Ledger(out_dir / LEDGER_FILE) as ledger:
        stored = ledger.reviews()
        if digest.exists() and sha256_of(digest) == ledger.output_sha256(DIGEST_FILE):
            return stored  # the very bytes the last run wrote: nobody has edited it
        return harvest(digest, stored)


def activity_of(
    plan: RunPlan, results: Sequence[FileResult], withdrawn: Sequence[str], durations: dict | None = None
) -> dict:
    """What this run did, for its report: records read anew and reused, files waiting and withdrawn."""
    activity = {
        "new": sum(len(r.records) for r in results if not r.reused),
        "unchanged": sum(len(r.records) for r in results if r.reused),
        "waiting": plan.waiting,
        "withdrawn": list(withdrawn),
    }
    if durations is not None:
        activity["durations"] = durations
    return activity


def write_run_outputs(
    results: Sequence[FileResult], out_dir: Path, started: float, inbox: Path, campaign: Campaign, activity: dict
) -> dict:
    """Merge the whole inbox's records with the reviews and write every output and the run report."""
    records = merge([r.records for r in results], previous_reviews(out_dir), campaign)
    return write_outputs(records, out_dir, started, inbox, campaign, activity)


def write_outputs(
    records: Sequence[Record],
    out_dir: Path,
    started: float,
    inbox: Path,
    campaign: Campaign | None = None,
    activity: dict | None = None,
) -> dict:
    """Write records.jsonl, the digest, the shortlist and the run report; keep the reviews."""
    campaign = campaign or load_campaign()
    out_dir.mkdir(parents=True, exist_ok=True)
    with Ledger(out_dir / LEDGER_FILE) as ledger:
        ledger.save_reviews(collect(records))
    effective = [corrected(r, campaign) for r in records]
    cases = rank_cases(effective, campaign)
    attach_scores(records, cases)
    write_records(records, out_dir)
    now = datetime.now()
    digest_path, digest_note, digest_sha = write_digest_safely(
        DigestInput(records, effective, cases, campaign, now, inbox), out_dir
    )
    if digest_path.name == DIGEST_FILE:
        with Ledger(out_dir / LEDGER_FILE) as ledger:
            ledger.output_written(DIGEST_FILE, digest_sha)
    summaries = sum(1 for r in effective if r.status == Status.OK and r.doc_kind == "summary")
    write_shortlist(shortlist(cases, campaign.shortlist_size), len(cases), summaries, campaign, out_dir, now.date())
    write_national_summary(effective, cases, campaign, out_dir, now.date())
    write_reminder(effective, campaign, out_dir, now.date())
    report = run_report(records, started, inbox, activity or {})
    report["digest"] = digest_path.name
    if digest_note:
        report["notes"] = [digest_note]
    write_run_report(report, out_dir)
    with Ledger(out_dir / LEDGER_FILE) as ledger:
        ledger.finish_run(ledger.start_run(), report)
    return report


def run_report(records: Sequence[Record], started: float, inbox: Path, activity: dict) -> dict:
    counts = Counter(str(r.status) for r in records)
    return {
        "pipeline_version": __version__,
        "inbox": str(inbox),
        "finished_at": datetime.now().isoformat(timespec="seconds"),
        "seconds": round(time.monotonic() - started, 2),
        "files": len(records),
        "by_status": dict(sorted(counts.items())),
        "new": activity.get("new", len(records)),
        "unchanged": activity.get("unchanged", 0),
        "waiting": activity.get("waiting", []),
        "withdrawn": activity.get("withdrawn", []),
        "durations": activity.get("durations", {}),
        **({"mail": activity["mail"]} if activity.get("mail") else {}),
        "needs_person": [
            {"file": r.file, "status": str(r.status), "error": r.error} for r in records if r.status in NEEDS_PERSON
        ],
    }


def run(
    inbox: Path, out_dir: Path, campaign: Campaign | None = None, limits: Limits = Limits(), workers: int = 0
) -> dict:
    """The whole run without Prefect (library use and tests): files are read in this
    process, or by `workers` worker processes with the time and memory limits."""
    with run_lock(out_dir):
        return _run(inbox, out_dir, campaign or load_campaign(), limits, workers)


def _run(inbox: Path, out_dir: Path, campaign: Campaign, limits: Limits, workers: int) -> dict:
    started = time.monotonic()
    plan = plan_inbox(inbox, out_dir, campaign)
    with ReadPool(workers, campaign, limits) if workers and plan.to_read else nullcontext() as pool:
        results = plan.reused + read_inbox_files(plan.to_read, campaign, limits, pool)
    withdrawn = record_in_ledger(results, out_dir, campaign)
    return write_run_outputs(results, out_dir, started, inbox, campaign, activity_of(plan, results, withdrawn))
