"""The nightly flow: discover what is new, read it in parallel, record it, write the outputs.

Business logic lives in `pipeline`; this module only decides what runs where, retries
what a retry can help, reports progress and leaves the run report as Prefect artifacts.
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

from prefect import Flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE  # side effects, and hashing big inputs costs seconds
from prefect.context import FlowRunContext
from prefect.futures import as_completed
from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote  # Prefect would otherwise walk every record looking for futures

from pipeline import run as pipeline_run
from pipeline.campaign import load_campaign
from pipeline.inbox import InboxFile, Limits
from pipeline.mailbox import MailError, fetch_mail, load_mail_config
from pipeline.model import STATUS_WORDS
from pipeline.outputs.report import report_markdown
from pipeline.runtime.runlock import run_lock
from pipeline.runtime.workers import ReadPool, warm_up

BATCHES_PER_WORKER = 4  # Prefect tasks per worker: progress to watch, little task overhead


def _server_away(task, task_run, state) -> bool:
    """Retry a fetch only when the server was unreachable: a wrong password stays wrong."""
    error = state.result(raise_on_failure=False)
    return isinstance(error, MailError) and error.transient


# Retries and their delay come from the mail configuration (with_options in _fetch_mail).
@task(name="fetch mail", retry_condition_fn=_server_away, cache_policy=NO_CACHE)
def fetch_mail_task(mail_config: str, inbox: Path) -> dict:
    result = fetch_mail(load_mail_config(Path(mail_config)), inbox)
    print(result.summary())
    return result.report()


def _fetch_mail(mail_config: str, inbox: Path) -> dict:
    """The night's mail into the inbox before it is read. A mailbox that cannot be read does
    not stop the night: the run reads what the inbox holds and its report says why."""
    try:
        config = load_mail_config(Path(mail_config))
    except MailError as e:
        return {"error": e.message}
    configured = fetch_mail_task.with_options(retries=config.retries, retry_delay_seconds=config.retry_delay)
    state = configured(mail_config, inbox, return_state=True)
    if state.is_completed():
        return state.result()
    error = state.result(raise_on_failure=False)
    message = error.message if isinstance(error, MailError) else f"收取邮件时出现意外错误（{type(error).__name__}）"
    print(f"邮件未能收取：{message}。本次只汇总收件箱中已有的文件")
    return {"error": message}


@task(name="discover", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)  # a network share can hiccup
def discover_task(inbox: Path, out_dir: Path, campaign_file: str | None) -> pipeline_run.RunPlan:
    return pipeline_run.plan_inbox(inbox, out_dir, load_campaign(campaign_file))


# No retries: a file that failed to read is a record with a reason, not a transient error.
@task(name="read and extract", cache_policy=NO_CACHE)
def read_task(
    items: list[InboxFile], campaign_file: str | None, limits: Limits, pool: ReadPool | None = None
) -> list[pipeline_run.FileResult]:
    return pipeline_run.read_inbox_files(items, load_campaign(campaign_file), limits, pool)


@task(name="record in ledger", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)  # the database may be busy
def record_task(results: list[pipeline_run.FileResult], out_dir: Path, campaign_file: str | None) -> list[str]:
    return pipeline_run.record_in_ledger(results, out_dir, load_campaign(campaign_file))


@task(name="write outputs", retries=1, retry_delay_seconds=5, cache_policy=NO_CACHE)
def write_task(
    results: list[pipeline_run.FileResult],
    out_dir: Path,
    started: float,
    inbox: Path,
    campaign_file: str | None,
    activity: dict,
) -> dict:
    return pipeline_run.write_run_outputs(results, out_dir, started, inbox, load_campaign(campaign_file), activity)


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


def _reads_here() -> bool:
    """On this machine the tasks' threads hand files to reader processes that enforce the
    time and memory limits; on a Dask cluster each task reads in its Dask worker."""
    return isinstance(FlowRunContext.get().task_runner, ThreadPoolTaskRunner)


def _progress(done: int, total: int, current: str) -> None:
    if sys.stderr.isatty():
        print(f"\r已读取 {done}/{total} 个文件  {current[:40]:<40}", end="", file=sys.stderr, flush=True)


class DigestFlow(Flow):
    """The nightly flow. Its parameters are paths, numbers and None, which the API takes as
    they are: Prefect's general encoder (FastAPI's, whose import alone costs 0.4 s at every
    run's start) is only asked about anything else."""

    def serialize_parameters(self, parameters: dict) -> dict:
        if all(v is None or isinstance(v, str | int | float | bool) for v in parameters.values()):
            return dict(parameters)
        return super().serialize_parameters(parameters)

    def with_options(self, **kwargs) -> DigestFlow:
        configured = super().with_options(**kwargs)
        configured.__class__ = DigestFlow  # Prefect's with_options builds a plain Flow
        return configured


def nightly_digest(
    inbox: str = "samples/inbox",
    out: str = "outputs",
    workers: int | None = None,
    max_file_mb: int = 50,
    campaign: str | None = None,
    mail_config: str | None = None,
) -> dict:
    inbox_path, out_path = Path(inbox).resolve(), Path(out).resolve()
    with run_lock(out_path):  # a second run refuses; a killed run's lock goes with its process
        return _nightly(
            inbox_path,
            out_path,
            workers or os.cpu_count() or 1,
            Limits(max_file_bytes=max_file_mb * 1024 * 1024),
            campaign,
            mail_config,
        )


nightly_digest = DigestFlow(nightly_digest, name="nightly-digest", log_prints=True)


def _nightly(
    inbox_path: Path, out_path: Path, workers: int, limits: Limits, campaign: str | None, mail_config: str | None
) -> dict:
    started = time.monotonic()
    durations: dict[str, float] = {}
    mail = None
    if mail_config:
        t = time.monotonic()
        mail = _fetch_mail(mail_config, inbox_path)
        durations["收取邮件"] = round(time.monotonic() - t, 2)

    t = time.monotonic()
    plan = discover_task(inbox_path, out_path, campaign)
    durations["发现"] = round(time.monotonic() - t, 2)
    print(
        f"收件箱共 {len(plan.to_read) + len(plan.reused) + len(plan.waiting)} 个文件："
        f"新文件 {len(plan.to_read)}，未变化 {len(plan.reused)}，正在复制 {len(plan.waiting)}"
    )

    t = time.monotonic()
    results = list(plan.reused)
    parts = batches(plan.to_read, workers * BATCHES_PER_WORKER)
    if parts and _reads_here():
        warm_up()  # unless already started (digest run does when it sees new files): the readers load once
    with ReadPool(workers, load_campaign(campaign), limits) if _reads_here() and parts else nullcontext() as pool:
        extra = {"pool": quote(pool)} if pool else {}  # quote: Prefect would walk the pool's insides
        futures = [read_task.submit(b, campaign, limits, **extra) for b in parts]
        done = 0
        for future in as_completed(futures):
            batch = future.result()
            results.extend(batch)
            done += len(batch)
            _progress(done, len(plan.to_read), batch[-1].rel if batch else "")
    if plan.to_read and sys.stderr.isatty():
        print(file=sys.stderr)
    durations["读取与提取"] = round(time.monotonic() - t, 2)

    t = time.monotonic()
    withdrawn = record_task(quote(results), out_path, campaign)
    durations["记入台账"] = round(time.monotonic() - t, 2)
    activity = pipeline_run.activity_of(plan, results, withdrawn, durations)
    if mail:
        activity["mail"] = mail
    report = write_task(quote(results), out_path, started, inbox_path, campaign, activity)
    _artifacts(report)
    print(
        f"完成：{report['files']} 个文件（新读取 {report['new']}，沿用 {report['unchanged']}），"
        + "，".join(f"{STATUS_WORDS.get(k, k)} {v}" for k, v in report["by_status"].items())
        + f"；需要人工处理 {len(report['needs_person'])} 个"
    )
    return report


def _artifacts(report: dict) -> None:
    """The run report where the Prefect UI shows it: a summary and a table of what needs a person."""
    create_markdown_artifact(report_markdown(report), key="run-report", description="运行报告")
    rows = report["needs_person"] or [{"file": "（无）", "status": "", "error": ""}]
    create_table_artifact(
        [
            {"文件": r["file"], "状态": STATUS_WORDS.get(r["status"], r["status"]), "说明": r["error"] or ""}
            for r in rows
        ],
        key="needs-person",
        description="需要人工处理的文件",
    )


def runner_for(workers: int, kind: str = "process", address: str | None = None):
    """Threads feeding pipeline's reader processes on one machine; Dask to scale out over a cluster."""
    if kind == "dask":
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError as e:
            raise SystemExit("未安装 Dask 支持：请在项目目录运行 .venv/bin/pip install '.[dask]' 后重试") from e
        if address:
            return DaskTaskRunner(address=address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True})
    return ThreadPoolTaskRunner(max_workers=workers)  # threads that hand files to the ReadPool


@contextmanager
def shared_api(api_url: str | None = None, heartbeat_seconds: int | None = None):
    """One Prefect API for the run and its worker processes.

    `api_url` is a server the caller found or started (`flows.server`). Without one, and
    without PREFECT_API_URL, Prefect would start a temporary server per process, and every
    worker of a process pool would start its own (seconds each): this process's own temporary
    server (Prefect keeps one per process and stops it at exit) is started here and its
    address exported, so the workers, which inherit the environment, use it.

    Heartbeats let a lasting server mark a run that died as crashed: `heartbeat_seconds` for
    one. A temporary server dies with this process, so nobody would read them, and stopping
    Prefect's heartbeat thread costs up to a second at the end of a run: off otherwise.
    """
    url = api_url or PREFECT_API_URL.value()
    if not url:
        # Imported here: the server module is heavy, and worker processes import this module.
        from prefect.server.api.server import SubprocessASGIServer

        server = SubprocessASGIServer()
        server.start()
        url = server.api_url
    previous = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = url
    try:
        if url == PREFECT_API_URL.value() and heartbeat_seconds == PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value():
            yield  # digest run set both before Prefect was imported: new settings would cost 0.3 s
        else:
            with temporary_settings({PREFECT_API_URL: url, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: heartbeat_seconds}):
                yield
    finally:
        if previous is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = previous


def run_nightly(
    inbox: Path,
    out: Path,
    workers: int | None = None,
    max_file_mb: int = 50,
    campaign: Path | None = None,
    task_runner: str = "process",
    dask_address: str | None = None,
    api_url: str | None = None,
    heartbeat_seconds: int | None = None,
    prestart_readers: bool = True,
    mail_config: Path | None = None,
) -> dict:
    workers = workers or os.cpu_count() or 1
    if task_runner != "dask" and prestart_readers:
        warm_up()  # started before Prefect's own start-up, which it overlaps
    configured = nightly_digest.with_options(task_runner=runner_for(workers, task_runner, dask_address))
    with shared_api(api_url, heartbeat_seconds):
        return configured(
            inbox=str(inbox),
            out=str(out),
            workers=workers,
            max_file_mb=max_file_mb,
            campaign=str(campaign) if campaign else None,
            mail_config=str(Path(mail_config).resolve()) if mail_config else None,
        )


def schedule_for(cron: str | None, interval: float | None, timezone: str):
    """The serve schedule: a cron expression in the office's time zone, or every `interval` seconds."""
    from prefect.schedules import Cron, Interval

    if interval:
        return Interval(interval, timezone=timezone)
    return Cron(cron or "0 2 * * *", timezone=timezone)


def serve_nightly(
    inbox: Path,
    out: Path,
    cron: str | None = None,
    interval: float | None = None,
    timezone: str = "Asia/Shanghai",
    workers: int | None = None,
    campaign: Path | None = None,
    mail_config: Path | None = None,
) -> None:
    """Serve the flow on its schedule against the server at PREFECT_API_URL, until SIGINT or
    SIGTERM. One run at a time: a run that is due while another is still going waits for it
    (the run lock would refuse it)."""
    nightly_digest.serve(
        name="nightly",
        schedule=schedule_for(cron, interval, timezone),
        paused=False,  # a schedule paused when the last serve stopped is active again
        limit=1,
        parameters={
            "inbox": str(inbox.resolve()),
            "out": str(out.resolve()),
            "workers": workers,
            "campaign": str(campaign.resolve()) if campaign else None,
            "mail_config": str(mail_config.resolve()) if mail_config else None,
        },
        description="每晚读取收件箱中的新文件，更新汇总表和典型事例推荐名单",
        print_starting_message=False,
    )
