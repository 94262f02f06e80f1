"""The nightly flow: discover the inbox, read files in parallel batches, write the outputs.

Business logic lives in `pipeline`; this module only decides what runs where.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from prefect import flow, task
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

from pipeline import run as pipeline_run
from pipeline.campaign import load_campaign
from pipeline.inbox import InboxFile, Limits, discover
from pipeline.model import Record

BATCHES_PER_WORKER = 4  # small enough batches to balance load, few enough to keep task overhead low


@task(name="discover")
def discover_task(inbox: Path) -> list[InboxFile]:
    return discover(inbox)


@task(name="read")
def read_task(items: list[InboxFile], campaign_file: str | None, limits: Limits) -> list[Record]:
    return pipeline_run.read_files(items, load_campaign(campaign_file), limits)


@task(name="write outputs")
def write_task(records: list[Record], out_dir: Path, started: float, inbox: Path, campaign_file: str | None) -> dict:
    return pipeline_run.write_outputs(records, out_dir, started, inbox, load_campaign(campaign_file))


def batches(items: list[InboxFile], count: int) -> list[list[InboxFile]]:
    """Split into `count` batches of similar total size, largest files first."""
    count = max(1, min(count, len(items)))
    bins: list[list[InboxFile]] = [[] for _ in range(count)]
    sizes = [0] * count
    for item in sorted(items, key=lambda i: i.size, reverse=True):
        k = sizes.index(min(sizes))
        bins[k].append(item)
        sizes[k] += item.size
    return [b for b in bins if b]


@flow(name="nightly-digest", log_prints=True)
def nightly_digest(inbox: str = "samples/inbox", out: str = "outputs", workers: int | None = None,
                   max_file_mb: int = 50, campaign: str | None = None) -> dict:
    started = time.monotonic()
    inbox_path, out_path = Path(inbox).resolve(), Path(out).resolve()
    limits = Limits(max_file_bytes=max_file_mb * 1024 * 1024)
    items = discover_task(inbox_path)
    workers = workers or os.cpu_count() or 1
    futures = [read_task.submit(batch, campaign, limits) for batch in batches(items, workers * BATCHES_PER_WORKER)]
    reviews = pipeline_run.previous_reviews(out_path)
    records = pipeline_run.merge([f.result() for f in futures], reviews, load_campaign(campaign))
    report = write_task(records, out_path, started, inbox_path, campaign)
    print(f"已处理 {report['files']} 个文件：" + "，".join(f"{k} {v}" for k, v in report["by_status"].items()))
    return report


def runner_for(workers: int):
    """Processes for real parallelism; one worker runs in threads to avoid process start-up."""
    if workers <= 1:
        return ThreadPoolTaskRunner(max_workers=1)
    return ProcessPoolTaskRunner(max_workers=workers)


def run_nightly(inbox: Path, out: Path, workers: int | None = None, max_file_mb: int = 50,
                campaign: Path | None = None) -> dict:
    workers = workers or os.cpu_count() or 1
    configured = nightly_digest.with_options(task_runner=runner_for(workers))
    return configured(inbox=str(inbox), out=str(out), workers=workers, max_file_mb=max_file_mb,
                      campaign=str(campaign) if campaign else None)
