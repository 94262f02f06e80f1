"""Reader processes: every file has a time and a memory limit, and a crash costs one file."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from pipeline import errors
from pipeline.campaign import load_campaign
from pipeline.inbox import FileReader, InboxFile, Limits, discover
from pipeline.model import Status
from pipeline.runtime.workers import ReadPool, file_reader
from tests.conftest import INBOX as SAMPLES
from tests.conftest import sample as labelled_sample


def hostile_reader(campaign, limits, ocr_options):
    """Reads like the product, except for files named to hang, balloon or crash the reader."""
    read = file_reader(campaign, limits, ocr_options)

    def reader(item: InboxFile):
        if "hang" in item.rel:
            time.sleep(3600)
        if "balloon" in item.rel:
            hoard = []
            while True:
                hoard.append(bytearray(20 * 2**20))  # touched pages: resident memory grows
                time.sleep(0.01)
        if "segfault" in item.rel:
            os.kill(os.getpid(), signal.SIGSEGV)
        return read(item)

    return reader


def logging_reader(campaign, limits, ocr_options):
    """Notes the order files are read in; the first file holds the worker while the rest queue."""
    read = file_reader(campaign, limits, ocr_options)

    def reader(item: InboxFile):
        with open(item.path.parent / "order.log", "a", encoding="utf-8") as log:
            log.write(item.rel + "\n")
        if item.rel.startswith("first"):
            time.sleep(1)
        return read(item)

    return reader


def slow_start_reader(campaign, limits, ocr_options):
    """A worker that takes longer to set up than a file may take to read (a busy machine)."""
    time.sleep(3)
    return file_reader(campaign, limits, ocr_options)


def good_docx() -> Path:
    return labelled_sample("r17", "docx", "ok")  # a short letter: read in milliseconds, under any load


def _inbox(tmp_path: Path, names: list[str]) -> list[InboxFile]:
    sample = good_docx().read_bytes()
    for name in names:
        (tmp_path / name).write_bytes(sample)
    return discover(tmp_path)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("hang.docx", errors.READ_TIMEOUT.format(seconds=2)),
        ("balloon.docx", errors.READ_MEMORY.format(mb=300)),
        ("segfault.docx", errors.READER_CRASHED),
    ],
)
def test_a_file_that_hangs_balloons_or_crashes_costs_only_itself(tmp_path, name, message):
    items = _inbox(tmp_path, ["a.docx", name, "z.docx"])
    limits = Limits(read_seconds=2, worker_memory_mb=300)
    started = time.monotonic()
    with ReadPool(2, load_campaign(), limits, factory=hostile_reader) as pool:
        found = dict(zip((i.rel for i in items), pool.read(items)))
    assert time.monotonic() - started < 30
    bad = found[name][0]
    assert (bad.status, bad.error) == (Status.FAILED, message)
    assert bad.sha256 and bad.format == "docx"  # what can be known without reading it
    assert [(found[n][0].status, found[n][0].error) for n in ("a.docx", "z.docx")] == [(Status.OK, None)] * 2
    assert found["a.docx"][0].submitter  # read and extracted like any other file


def test_the_pool_reads_exactly_what_one_process_reads(sample_reads, campaign):
    """The session's pooled read of the samples against this process's read of the smallest
    file of each format and status, scanned or not, archive or not: one of each proves what
    the whole corpus would (the reader is the same code in both, the pool only carries it)."""
    from pipeline.extract import Extractor

    items = {i.rel: i for i in discover(SAMPLES)}
    picked: dict[tuple, str] = {}
    for rel, records in sorted(sample_reads.items(), key=lambda kv: (kv[1][0].size, kv[0])):
        own = records[0]
        picked.setdefault((own.format, str(own.status), bool(own.ocr), len(records) > 1), rel)
    assert len(picked) >= 8
    reader = FileReader(extract=Extractor(campaign))
    for rel in picked.values():
        assert [r.to_dict() for r in sample_reads[rel]] == [r.to_dict() for r in reader.read(items[rel])], rel


def test_the_pages_of_a_long_scan_are_shared_out_and_read_as_by_one_reader(sample_reads, campaign):
    """A three-page scan alone in a pool of two: the idle worker recognises some of its pages,
    and the records are those of the session's read (where the other worker was busy)."""
    pytest.importorskip("rapidocr_onnxruntime")
    scan = min((i for i in discover(SAMPLES) if i.rel.endswith("（扫描件）.pdf")), key=lambda i: (i.size, i.rel))
    with ReadPool(2, campaign) as pool:
        shared = pool.read([scan])[0]
        assert pool.shared_pages >= 1
    assert shared[0].ocr and [r.to_dict() for r in shared] == [r.to_dict() for r in sample_reads[scan.rel]]


def test_a_workers_start_up_does_not_count_against_a_files_time_limit(tmp_path):
    items = _inbox(tmp_path, ["a.docx", "b.docx"])
    with ReadPool(2, load_campaign(), Limits(read_seconds=2), factory=slow_start_reader) as pool:
        records = pool.read(items)
    assert [recs[0].status for recs in records] == [Status.OK, Status.OK]


def test_the_largest_waiting_file_is_read_first(tmp_path):
    """Long reads start early instead of finishing a night alone on one core."""
    for name, size in (("first.txt", 10), ("small.txt", 1_000), ("large.txt", 90_000), ("medium.txt", 20_000)):
        (tmp_path / name).write_bytes(b"x" * size)
    items = {i.rel: i for i in discover(tmp_path)}
    with ReadPool(1, load_campaign(), factory=logging_reader) as pool:
        futures = [pool.submit(items["first.txt"])]
        time.sleep(0.3)  # the worker is busy with the first file
        futures += [pool.submit(items[n]) for n in ("small.txt", "large.txt", "medium.txt")]
        for f in futures:
            f.result()
    assert (tmp_path / "order.log").read_text().split() == ["first.txt", "large.txt", "medium.txt", "small.txt"]


def test_closing_without_waiting_stops_the_workers(tmp_path):
    items = _inbox(tmp_path, ["hang1.docx", "hang2.docx"])
    pool = ReadPool(2, load_campaign(), Limits(read_seconds=600), factory=hostile_reader)
    futures = [pool.submit(i) for i in items]
    time.sleep(0.5)
    pids = [w.process.pid for w in pool._workers]
    started = time.monotonic()
    pool.close(wait=False)
    assert time.monotonic() - started < 10
    assert all(f.done() for f in futures)
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_a_later_scan_is_never_taken_for_an_earlier_one():
    """A helper keeps the scan whose pages it was sent open; a later scan must not look like it
    (id() of a finished one is given again: its pages were recognised in the wrong PDF)."""
    from collections import deque

    from pipeline.runtime.workers import _Spread

    keys = set()
    for _ in range(50):
        spread = _Spread(None, b"%PDF", deque([0, 1]))
        keys.add(spread.key)
        del spread
    assert len(keys) == 50
