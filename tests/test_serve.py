"""`digest serve` for real: a subprocess that starts its own Prefect server with its scheduler,
runs the flow on a 5-second schedule over a tiny inbox, refuses a second serve on the same
folder, and stops cleanly on SIGTERM with its server. The scheduler's and the runner's
intervals are shortened through Prefect's own settings (environment), nothing is mocked.

The tests share one serve (a Prefect server's first start creates its database: seconds)
and run in file order: outputs, refusal, a second run, then SIGTERM.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import INBOX

FIRST_RUN_SECONDS = 120  # server start (new database) + a run's own process start, on a busy 2-core machine
OUTPUTS = ("records.jsonl", "digest.xlsx", "shortlist.docx")


def _digest_command() -> list[str]:
    script = Path(sys.executable).with_name("digest")
    return [str(script)] if script.exists() else [sys.executable, "-m", "flows.cli"]


def _runs(out: Path) -> int:
    try:
        with sqlite3.connect(out / "ledger.sqlite", timeout=5) as db:
            return db.execute("select count(*) from runs").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def _in_session(sid: int) -> list[int]:
    """Processes whose session is `sid` (the serve's children, or the server's)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


class Serving:
    def __init__(self, root: Path) -> None:
        self.inbox, self.out, self.state = root / "inbox", root / "out", root / "state"
        self.inbox.mkdir()
        samples = [p for p in sorted(INBOX.iterdir()) if p.suffix == ".docx"][:3]
        for p in samples:
            shutil.copy2(p, self.inbox / p.name)  # copy2: the arrival time, not "still being copied"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        self.env.update(
            PREFECT_HOME=str(root / "prefect-client"),
            DIGEST_STATE_DIR=str(self.state),
            PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="1",
            PREFECT_SERVER_SERVICES_SCHEDULER_RECENT_DEPLOYMENTS_LOOP_SECONDS="1",
            PREFECT_RUNNER_POLL_FREQUENCY="1",
            PREFECT_SERVER_UI_ENABLED="false",  # not looked at here; copying it costs seconds
            PREFECT_LOGGING_LEVEL="WARNING",
        )
        self.log = root / "serve.log"
        self.root = root
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        return _digest_command() + ["serve", "--interval", "5", "--inbox", str(self.inbox), "--out", str(self.out)]

    def start(self) -> None:
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                self.command(),
                env=self.env,
                cwd=self.root,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, condition, seconds: float, what: str) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return
            if self.process.poll() is not None:
                text = self.output()
                if "Prefect 服务器" in text and ("启动失败" in text or "未能启动" in text):
                    pytest.skip(f"the Prefect server could not start here: {text[-500:]}")
                pytest.fail(f"digest serve exited ({self.process.returncode}) before {what}:\n{text[-3000:]}")
            time.sleep(0.5)
        pytest.fail(f"no {what} within {seconds:.0f} s:\n{self.output()[-3000:]}")

    def server_pid(self) -> int:
        return json.loads((self.state / "prefect-server.json").read_text(encoding="utf-8"))["pid"]


@pytest.fixture(scope="module")
def serving(tmp_path_factory):
    serving = Serving(tmp_path_factory.mktemp("serve"))
    serving.start()
    yield serving
    if serving.process.poll() is None:  # a test failed before the SIGTERM test
        os.killpg(serving.process.pid, signal.SIGKILL)
        serving.process.wait()


def test_serve_runs_the_flow_on_its_schedule_and_writes_the_outputs(serving):
    serving.wait_for(lambda: _runs(serving.out) >= 1, FIRST_RUN_SECONDS, "first scheduled run")
    for name in OUTPUTS:
        assert (serving.out / name).exists(), name
    records = [json.loads(line) for line in (serving.out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["file"] for r in records} == {p.name for p in serving.inbox.iterdir()}
    text = serving.output()
    assert "已启动 Prefect 服务器：http://127.0.0.1:" in text
    assert str((serving.out / ".prefect").resolve()) in text  # the database's documented place
    assert (serving.out / ".prefect" / "prefect.db").exists()


def test_a_second_serve_on_the_same_folder_is_refused(serving):
    started = time.monotonic()
    second = subprocess.run(serving.command(), env=serving.env, capture_output=True, text=True, timeout=60)
    assert second.returncode == 3
    assert "已有一个 digest serve 在为" in second.stderr and "同一结果目录只能有一个" in second.stderr
    assert time.monotonic() - started < 20  # refused before any Prefect start-up
    assert serving.process.poll() is None  # the first one goes on


def test_the_schedule_fires_again(serving):
    serving.wait_for(lambda: _runs(serving.out) >= 2, 90, "second scheduled run")
    report = json.loads((serving.out / "run_report.json").read_text(encoding="utf-8"))
    assert report["new"] == 0 and report["unchanged"] == len(list(serving.inbox.iterdir()))


def test_digest_run_uses_the_server_serve_keeps(serving, tmp_path):
    """No temporary server of its own: the run is recorded on serve's server."""
    import urllib.request

    state = json.loads((serving.state / "prefect-server.json").read_text(encoding="utf-8"))
    empty, out = tmp_path / "empty-inbox", tmp_path / "by-hand"
    empty.mkdir()
    done = subprocess.run(
        _digest_command() + ["run", "--inbox", str(empty), "--out", str(out)],
        env=serving.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    query = json.dumps({"limit": 50}).encode()
    request = urllib.request.Request(
        f"{state['api_url']}/flow_runs/filter", data=query, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        runs = json.load(answer)
    assert any(r["parameters"].get("out") == str(out.resolve()) and r["state_type"] == "COMPLETED" for r in runs)


def test_a_recorded_server_that_is_gone_is_not_used(tmp_path, monkeypatch):
    from flows import server as servers

    monkeypatch.setenv("DIGEST_STATE_DIR", str(tmp_path))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    port = servers.free_port()
    (tmp_path / servers.STATE_FILE).write_text(
        json.dumps({"api_url": f"http://127.0.0.1:{port}/api", "pid": gone.pid}), encoding="utf-8"
    )
    assert servers.recorded_server() is None
    assert servers.configured_api() == (None, "")
    monkeypatch.setenv("PREFECT_API_URL", "http://10.0.0.5:4200/api/")
    assert servers.configured_api() == ("http://10.0.0.5:4200/api", "PREFECT_API_URL")


def test_sigterm_stops_serve_and_its_server(serving):
    server = serving.server_pid()
    assert _in_session(server), "the Prefect server should be running in its own session"
    serving.process.send_signal(signal.SIGTERM)
    assert serving.process.wait(timeout=30) == 0, serving.output()[-3000:]
    assert "定时运行已停止" in serving.output()
    with pytest.raises(ProcessLookupError):
        os.kill(server, 0)  # stopped and reaped by serve, not left running
    deadline = time.monotonic() + 10  # a flow run's reader processes leave when their parent has
    while (_in_session(serving.process.pid) or _in_session(server)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _in_session(serving.process.pid) == [] and _in_session(server) == []
    assert not (serving.state / "prefect-server.json").exists()  # no stale address for digest run
