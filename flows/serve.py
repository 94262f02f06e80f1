"""`digest serve` and `digest server`: the flow on its schedule, and a lasting Prefect server.

`digest serve` uses the server at PREFECT_API_URL, else a lasting server recorded on this
machine (`digest server`), else starts one of its own, with its scheduler, as a child process
on 127.0.0.1, its database in `--prefect-home` (default OUT/.prefect), and stops it when it
stops itself. Prefect is imported only after the server has been launched, so the two overlap.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flows import server as servers
from pipeline.runtime.runlock import folder_lock

SERVE_LOCK_FILE = ".digest-serve.lock"
DEFAULT_UI_PORT = 4200  # Prefect's own default: the address people already know


class ServeLocked(RuntimeError):
    """Another `digest serve` already serves the same output folder."""


@contextmanager
def serve_lock(out_dir: Path) -> Iterator[None]:
    """One `digest serve` per output folder. Apart from the run lock, which each run takes and
    releases, so that a `digest run` by hand can still go between two scheduled runs."""

    def refused(holder: str) -> ServeLocked:
        return ServeLocked(
            f"已有一个 digest serve 在为 {out_dir} 定时运行（{holder}）；同一结果目录只能有一个。"
            "如需更改计划，请先停止它（Ctrl+C，或 kill 该进程）再启动"
        )

    with folder_lock(out_dir, SERVE_LOCK_FILE, refused):  # the system releases it when the process dies
        yield


@contextmanager
def stopped_by_signals() -> Iterator[None]:
    """Ctrl+C (SIGINT) and SIGTERM (systemd, kill) stop us the same way, so that cleanup runs.
    SIGINT is handled even when it came in ignored (a job started with `&` from a script).
    Prefect's runner installs its own SIGTERM handler while it serves, which ends it the same way."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt), signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])


def _ignore_signals() -> None:
    """While stopping: a second Ctrl+C or SIGTERM must not leave the server behind."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


@contextmanager
def until_stopped(own: servers.LocalServer | None) -> Iterator[None]:
    """Run the block until Ctrl+C or SIGTERM ends it; then stop our own server, if we started one,
    whatever ended the block (a ServerError still reaches the caller)."""
    try:
        with stopped_by_signals():
            yield
    except KeyboardInterrupt:
        pass
    finally:
        _ignore_signals()
        if own:
            own.stop()


def _take_up(own: servers.LocalServer, who: str) -> None:
    """A lasting server we started is up: record it for other commands, and let it mark runs
    whose heartbeats stop as crashed."""
    own.wait_ready()
    own.record(who)
    servers.mark_dead_runs_crashed()


def _heartbeats() -> None:
    os.environ.setdefault("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", str(servers.HEARTBEAT_SECONDS))


def serve(
    inbox: Path,
    out: Path,
    cron: str | None,
    interval: float | None,
    timezone: str,
    workers: int | None,
    campaign: Path | None,
    prefect_home: Path | None,
    mail_config: Path | None = None,
) -> int:
    cron = None if interval else cron or "0 2 * * *"
    plan = f"每 {interval:g} 秒" if interval else f"按 cron 计划 {cron}（{timezone}）"
    with serve_lock(out):
        url, source = servers.configured_api()
        own = None
        if url is None:
            home = (prefect_home or out / ".prefect").resolve()
            own = servers.start_lasting(home)
            url = own.api_url
        os.environ["PREFECT_API_URL"] = url  # before Prefect is imported: its settings read it once
        _heartbeats()
        try:
            with until_stopped(own):
                from flows.nightly import serve_nightly  # Prefect's import overlaps the server's start

                if own:
                    _take_up(own, "digest serve")
                    print(f"已启动 Prefect 服务器：{own.ui_url}（数据库在 {own.home}，日志 {own.log}）")
                else:
                    print(f"使用已在运行的 Prefect 服务器：{url.removesuffix('/api')}（来自 {source}）")
                fetching = f"先从邮箱收取新邮件（{mail_config}），再" if mail_config else ""
                print(
                    f"{plan}运行：{fetching}读取收件箱 {inbox}，结果写入 {out}。在浏览器打开 {url.removesuffix('/api')} 查看运行记录"
                )
                print("按 Ctrl+C 停止", flush=True)
                serve_nightly(
                    inbox,
                    out,
                    cron=cron,
                    interval=interval,
                    timezone=timezone,
                    workers=workers,
                    campaign=campaign,
                    mail_config=mail_config,
                )
        except servers.ServerError as e:
            print(str(e), file=sys.stderr)
            return 2
    print("定时运行已停止", flush=True)
    return 0


def keep_server(prefect_home: Path | None, port: int | None) -> int:
    """`digest server`: a lasting Prefect server with its scheduler and UI, recorded for
    `digest run` and `digest serve` to use, until Ctrl+C or SIGTERM."""
    url, source = servers.configured_api()
    if url:
        print(f"已有 Prefect 服务器在运行：{url.removesuffix('/api')}（来自 {source}），无需再启动")
        return 0
    home = (prefect_home or servers.state_dir() / "prefect").resolve()
    if port is None:
        port = DEFAULT_UI_PORT if _port_free(DEFAULT_UI_PORT) else servers.free_port()
    elif not _port_free(port):
        print(f"端口 {port} 已被占用；请换一个端口（--port），或不指定端口", file=sys.stderr)
        return 2
    own = servers.start_lasting(home, port)
    try:
        with until_stopped(own):
            os.environ["PREFECT_API_URL"] = own.api_url
            _heartbeats()
            _take_up(own, "digest server")
            print(f"Prefect 服务器已启动：在浏览器打开 {own.ui_url}（数据库在 {home}，日志 {own.log}）")
            print("digest run 和 digest serve 会自动使用它；按 Ctrl+C 停止", flush=True)
            while own.process.poll() is None:
                time.sleep(0.5)
            print(f"Prefect 服务器意外退出（退出码 {own.process.returncode}），见日志 {own.log}", file=sys.stderr)
            return 1
    except servers.ServerError as e:
        print(str(e), file=sys.stderr)
        return 2
    print("Prefect 服务器已停止", flush=True)
    return 0


def _port_free(port: int) -> bool:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True
