"""Shared fixtures: a copy of the sample inbox with its arrival times, and its gold labels.

Tests never write into the repository: the samples are copied into a temporary folder once
per session (git keeps no file times, so the copy gets the arrival times `make run` gives),
and Hypothesis keeps no example database in the ci profile.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

from pipeline.campaign import load_campaign
from pipeline.model import Source
from pipeline.readers.detect import detect_format

ROOT = Path(__file__).resolve().parents[1]

# ci: the same examples on every clone (derandomised, no database), and no shrinking: a
# failure prints the steps that failed, and `make test-deep` shrinks and searches further.
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "deep", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def _load_sample_generator():
    spec = importlib.util.spec_from_file_location("make_samples", ROOT / "samples" / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_samples"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _sample_inbox() -> Path:
    """The committed samples copied into a temporary folder, with their arrival times."""
    work = Path(tempfile.mkdtemp(prefix="digest-samples-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    inbox = work / "inbox"
    shutil.copytree(ROOT / "samples" / "inbox", inbox)
    _load_sample_generator().restore_mtimes(inbox, ROOT / "samples" / "labels.json")
    return inbox


def snapshot(folder: Path) -> dict[Path, tuple[str, float]]:
    """Each file's content hash and modification time: what reading must never change."""
    return {
        p: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime) for p in folder.rglob("*") if p.is_file()
    }


INBOX = _sample_inbox()
INBOX_AS_COPIED = snapshot(INBOX)
LABELS = json.loads((ROOT / "samples" / "labels.json").read_text(encoding="utf-8"))

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice (soffice) is not installed; .ci/run installs it",
)


def sample(
    source: str | None = None, fmt: str | None = None, status: str | None = None, name_has: str | None = None
) -> Path:
    """The one sample file matching the given label fields (the generator names the files)."""
    for label in LABELS:
        if "/" in label["file"] and label["file"].split("/")[0].endswith(".zip"):
            continue
        if source is not None and label.get("source") != source:
            continue
        if fmt is not None and label["format"] != fmt:
            continue
        if status is not None and label["status"] != status:
            continue
        if name_has is not None and name_has not in label["file"]:
            continue
        return INBOX / label["file"]
    raise LookupError(f"no sample with source={source} format={fmt} status={status}")


def label_of(path: Path) -> dict:
    rel = path.relative_to(INBOX).as_posix()
    return next(label for label in LABELS if label["file"] == rel)


def source_for(path: Path, data: bytes | None = None) -> Source:
    data = path.read_bytes() if data is None else data
    rel = path.relative_to(INBOX).as_posix() if path.is_relative_to(INBOX) else path.name
    return Source(rel, "", len(data), detect_format(data, rel))


# make test runs two xdist workers (--dist loadgroup). A session or module fixture is set up
# once per worker, so every test gets a group: the tests that share an embedded Prefect (20-35
# s to start) or the Dovecot server go to one worker, the others stay with their module (module
# fixtures, and test_serve's tests that follow one served folder in order). The samples are
# read once for both workers (sample_reads), so their tests may run on either.
_COSTLY = {
    "prefect_harness": "prefect",
    "imap_server": "mail",
    "mailbox": "mail",
}


_SAMPLES = {"sample_reads", "sample_batches", "sample_records"}


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items):
    """Groups, and an order (make test keeps it: --no-loadscope-reorder): one module that
    reads the samples first, so one worker starts the read at once, then the modules that do
    not need them, which the other worker runs meanwhile, then the other sample modules."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        group = next((group for fixture, group in _COSTLY.items() if fixture in fixtures), None)
        item.add_marker(pytest.mark.xdist_group(group or item.nodeid.split("::")[0]))
    uses = {item.nodeid.split("::")[0] for item in items if _SAMPLES & set(getattr(item, "fixturenames", ()))}
    first = min(uses, default=None)

    def rank(item) -> int:
        module = item.nodeid.split("::")[0]
        return 0 if module == first else 2 if module in uses else 1

    items.sort(key=rank)  # stable: the order within each part is the collection's


@pytest.fixture(scope="session")
def campaign():
    return load_campaign()


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    """One embedded Prefect for all flow tests, its home in a temporary folder. Yields the
    address of its database, created and migrated (a server's first start on a new database
    costs about ten seconds), for a test's own server process to start on."""
    import os

    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect-home"))
    from prefect.settings import PREFECT_SERVER_DATABASE_CONNECTION_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):  # a first start on a busy 2-core machine: 20-35 s
        yield PREFECT_SERVER_DATABASE_CONNECTION_URL.value()  # its database, migrated: others may reuse it


@pytest.fixture(scope="session")
def sample_reads(campaign, tmp_path_factory, worker_id) -> dict[str, list]:
    """Every sample file as read and extracted, before merging, once per run: by the product's
    reader pool (two worker processes), as a night reads them. Under xdist the first worker
    to need them reads them and leaves them, pickled, in the run's shared temporary folder;
    the other waits for that (the read keeps both cores busy) instead of reading again."""
    import fcntl
    import pickle

    def read() -> dict[str, list]:
        from pipeline.inbox import discover
        from pipeline.runtime.workers import ReadPool

        items = discover(INBOX)
        with ReadPool(2, campaign) as pool:
            found = pool.read(items)
        # Whether the inbox the pool read is as copied, checked where it was read (test_inbox).
        return dict(zip((i.rel for i in items), found)), snapshot(INBOX) == INBOX_AS_COPIED

    if worker_id == "master":  # one process: nothing to share
        reads, untouched = read()
        _READ_LEFT_INBOX_AS_COPIED[:] = [untouched]
        return reads
    shared = tmp_path_factory.getbasetemp().parent  # this run's, common to its workers
    with open(shared / "sample-reads.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        kept = shared / "sample-reads.pickle"
        if kept.exists():
            reads, untouched = pickle.loads(kept.read_bytes())
        else:
            reads, untouched = read()
            partial = shared / "sample-reads.pickle.part"
            partial.write_bytes(pickle.dumps((reads, untouched)))
            partial.replace(kept)  # whole or absent, should this worker die while writing
    _READ_LEFT_INBOX_AS_COPIED[:] = [untouched]
    return reads


_READ_LEFT_INBOX_AS_COPIED: list[bool] = []


@pytest.fixture(scope="session")
def sample_read_left_inbox_as_copied(sample_reads) -> bool:
    """Whether the reader pool's read of the samples left their inbox as copied, checked in
    the process that read them (under xdist, perhaps the other worker)."""
    return _READ_LEFT_INBOX_AS_COPIED == [True]


@pytest.fixture(scope="session")
def sample_batches(sample_reads):
    """Fresh copies of the samples' records as read, before merging (reading is the slow part)."""
    import copy

    raw = [rec for records in sample_reads.values() for rec in records]
    return lambda: [copy.deepcopy(raw)]


@pytest.fixture(scope="session")
def sample_records(sample_batches, campaign):
    from pipeline.records.merge import merge

    return merge(sample_batches(), {}, campaign)


@pytest.fixture(scope="session")
def imap_server():
    """A real Dovecot IMAP server on 127.0.0.1 (tests/imap_server.py), one for the session."""
    from tests.imap_server import DOVECOT, OPENSSL, DovecotServer

    if not DOVECOT or not OPENSSL:
        pytest.skip("未安装 Dovecot（apt-get install dovecot-imapd）或 openssl：跳过真实邮件服务器的测试")
    server = DovecotServer()
    try:
        server.start()
    except (RuntimeError, KeyError, OSError) as e:
        server.stop()
        pytest.skip(f"Dovecot 无法在本机启动：{e}")
    yield server
    server.stop()


@pytest.fixture
def mailbox(imap_server):
    """An empty mailbox of its own for each test."""
    return imap_server.mailbox()
