"""The Prefect API a command talks to, and the local Prefect servers report-digest starts itself.

Nothing here imports Prefect: `digest run` starts its temporary server before importing
anything heavy, so that the server's own import (about 5 s) overlaps ours on another core.

A lasting server (`digest server`, or the one `digest serve` keeps) writes its address to a
small state file; `digest run` finds it there, checks it answers, and uses it instead of
starting a temporary server of its own.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

STATE_FILE = "prefect-server.json"
SERVER_LOG = "server.log"
HEARTBEAT_SECONDS = 60  # a run tells a lasting server it is alive this often; three missed: crashed
START_TIMEOUT = 90.0  # a first start creates the database and copies the UI: slow on a busy machine


class ServerError(RuntimeError):
    """A Prefect server could not be started; the message says why, in Chinese."""


def state_dir() -> Path:
    """Where report-digest keeps what outlives one command: `DIGEST_STATE_DIR`, else ~/.report-digest."""
    return Path(os.environ.get("DIGEST_STATE_DIR") or Path.home() / ".report-digest")


def healthy(api_url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as answer:
            return answer.status == 200
    except (OSError, ValueError):
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_state() -> dict | None:
    try:
        return json.loads((state_dir() / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def recorded_server() -> str | None:
    """The API address of the lasting server recorded on this machine, if it is up and answers."""
    state = read_state()
    if not state or not isinstance(state.get("pid"), int) or not _alive(state["pid"]):
        return None
    url = state.get("api_url")
    return url if isinstance(url, str) and healthy(url, timeout=0.5) else None


def configured_api() -> tuple[str | None, str]:
    """The API to use and where it came from: PREFECT_API_URL, else a recorded lasting server."""
    url = os.environ.get("PREFECT_API_URL")
    if url:
        return url.rstrip("/"), "PREFECT_API_URL"
    url = recorded_server()
    if url:
        return url, str(state_dir() / STATE_FILE)
    return None, ""


def free_port(host: str = "127.0.0.1") -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _die_with_parent():
    """Linux: the server gets SIGTERM if its parent dies, even by SIGKILL, so none is left behind.
    Resolved here, in the parent: between fork and exec the child only makes the call."""
    if sys.platform != "linux":
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return lambda: prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _site_packages() -> str:
    import importlib.util

    spec = importlib.util.find_spec("prefect")  # finds the package without importing it
    if spec is None or spec.origin is None:
        raise ServerError("未安装 Prefect：请在项目目录运行 make setup")
    return str(Path(spec.origin).parent.parent)


@dataclass
class LocalServer:
    """A Prefect server this process started, and stops."""

    api_url: str
    process: subprocess.Popen
    lasting: bool
    home: Path | None = None
    log: Path | None = None
    recorded: bool = field(default=False, init=False)

    @property
    def ui_url(self) -> str:
        return self.api_url.removesuffix("/api")

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"Prefect 服务器启动失败（退出码 {self.process.returncode}）" + self._log_hint())
            if healthy(self.api_url, timeout=0.5):
                return
            time.sleep(0.1)
        self.stop()
        raise ServerError(f"Prefect 服务器 {timeout:.0f} 秒内未能启动" + self._log_hint())

    def _log_hint(self) -> str:
        if self.log and self.log.exists():
            tail = self.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
            return f"；日志 {self.log}：\n" + "\n".join(tail)
        return ""

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate the server's process group and wait for it; kill it if it will not stop."""
        if self.recorded:
            forget(self)
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def record(self, owner: str) -> bool:
        """Write this server to the state file for `digest run` to find, unless another live one is there."""
        if recorded_server():
            return False
        folder = state_dir()
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{STATE_FILE}.{os.getpid()}.tmp"
        state = {
            "api_url": self.api_url,
            "ui_url": self.ui_url,
            "pid": self.process.pid,
            "owner_pid": os.getpid(),
            "owner": owner,
            "home": str(self.home) if self.home else None,
            "started": datetime.now().isoformat(timespec="seconds"),
        }
        tmp.write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(folder / STATE_FILE)
        self.recorded = True
        return True


def forget(server: LocalServer) -> None:
    state = read_state()
    if state and state.get("pid") == server.process.pid:
        (state_dir() / STATE_FILE).unlink(missing_ok=True)
    server.recorded = False


def _popen(args: list[str], env: dict, log: Path | None) -> subprocess.Popen:
    out = open(log, "ab") if log else subprocess.DEVNULL  # the child keeps its own copy
    try:
        return subprocess.Popen(
            args,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out if log else None,
            start_new_session=True,  # its own process group: Ctrl+C reaches us, and we stop it after the runs
            preexec_fn=_die_with_parent(),
        )
    finally:
        if log:
            out.close()


def start_temporary() -> LocalServer:
    """A server for one run, started the way Prefect starts its own temporary one (no UI, no
    services), in PREFECT_HOME's database. Returns at once: call `wait_ready` before use."""
    port = free_port()
    env = {
        **os.environ,
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    env.pop("PREFECT_API_URL", None)
    args = [sys.executable, "-m", "uvicorn", "--app-dir", _site_packages()]
    args += ["--factory", "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port)]
    args += ["--log-level", "error", "--lifespan", "on"]
    return LocalServer(f"http://127.0.0.1:{port}/api", _popen(args, env, None), lasting=False)


def start_lasting(home: Path, port: int | None = None) -> LocalServer:
    """`prefect server start` with its scheduler and UI on 127.0.0.1, its database and log in
    `home` (PREFECT_HOME). Returns at once: call `wait_ready` before use."""
    home = home.resolve()
    home.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    _site_packages()
    args = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    args += ["--scheduler", "--analytics-off"]
    log = home / SERVER_LOG
    return LocalServer(f"http://127.0.0.1:{port}/api", _popen(args, env, log), lasting=True, home=home, log=log)


def mark_dead_runs_crashed(within_seconds: int = 3 * HEARTBEAT_SECONDS) -> None:
    """On a server of our own: an automation that marks a run whose heartbeats stop as crashed
    (Prefect's recipe for self-hosted servers; Prefect Cloud has it built in). Imports Prefect."""
    from datetime import timedelta

    from prefect.automations import Automation
    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import EventTrigger, Posture
    from prefect.events.schemas.events import ResourceSpecification

    name = "report-digest: 心跳停止的运行标记为崩溃"
    try:
        Automation.read(name=name)
        return
    except ValueError:
        pass
    Automation(
        name=name,
        trigger=EventTrigger(
            after={"prefect.flow-run.heartbeat"},
            expect={
                "prefect.flow-run.heartbeat",
                "prefect.flow-run.Completed",
                "prefect.flow-run.Failed",
                "prefect.flow-run.Cancelled",
                "prefect.flow-run.Crashed",
            },
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=timedelta(seconds=within_seconds),
        ),
        actions=[ChangeFlowRunState(state=StateType.CRASHED, message="运行进程已停止发送心跳，标记为崩溃")],
    ).create()
