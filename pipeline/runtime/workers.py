"""Worker processes that read inbox files, each file under a time and a memory limit.

python-docx, pdfium, pdfplumber and onnxruntime cannot be interrupted from inside: a file
that loops, balloons or crashes a C library is only stopped by stopping its process. So
files are read in worker processes that one dispatcher thread watches; a worker past its
limit is killed and replaced, and its file becomes a record saying why. The night goes on.

Workers are forked from a fork server that has already imported the readers and loaded
jieba (`warm_up`, called early so it overlaps the flow's own start-up): a new worker costs
milliseconds where a spawned one imports everything again (about 1.5 s each, measured).
"""

from __future__ import annotations

import collections
import hashlib
import heapq
import itertools
import logging
import multiprocessing as mp
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import wait

from pipeline import errors
from pipeline.campaign import Campaign
from pipeline.inbox import FileReader, InboxFile, Limits
from pipeline.model import Record, Source, Status, unread_record
from pipeline.readers.detect import detect_format
from pipeline.readers.ocr import OcrOptions

log = logging.getLogger(__name__)

PRELOAD = ["pipeline.runtime.warm"]
POLL_SECONDS = 0.5  # how often memory is looked at while files are being read
STARTUP_SECONDS = 60.0  # a new worker sets itself up (readers, jieba, the campaign) before its time limit starts
Reader = Callable[[InboxFile], list[Record]]
ReaderFactory = Callable[[Campaign, Limits, OcrOptions], Reader]


def file_reader(campaign: Campaign, limits: Limits, ocr_options: OcrOptions = OcrOptions()) -> Reader:
    """The product's reader: read and extract (tests pass others that hang or crash)."""
    from pipeline.extract import Extractor

    return FileReader(limits=limits, extract=Extractor(campaign), ocr=ocr_options).read


def _context():
    methods = mp.get_all_start_methods()
    return mp.get_context("forkserver" if "forkserver" in methods else "spawn")


_warm_lock = threading.Lock()


def warm_up() -> None:
    """Start the fork server now; it imports the readers and loads jieba in the background."""
    ctx = _context()
    if ctx.get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    with _warm_lock:
        ctx.set_forkserver_preload(PRELOAD)
        forkserver.ensure_running()


def _serve(conn, factory: ReaderFactory, campaign: Campaign, limits: Limits, ocr_threads: int, spread: bool) -> None:
    """A worker: read the files sent down the pipe, one at a time, until told to stop; in
    between, recognise pages of another worker's long scan when asked."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    try:
        import resource

        cap = limits.worker_memory_mb * 2 * 1024 * 1024  # a hard stop well above the watched limit
        resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))
    except (ImportError, ValueError, OSError):
        pass
    from pipeline.readers import ocr

    options = OcrOptions(
        threads=ocr_threads if ocr_threads > 0 else -1,
        spread=(lambda data, indices, local: _spread_pages(conn, data, indices, local)) if spread else None,
    )
    read = factory(campaign, limits, options)
    try:
        conn.send(("ready",))  # a file's time limit counts from here, not from the fork
    except (BrokenPipeError, OSError):
        return  # the pool's process is gone (killed while this worker was starting): nothing to do
    memory = errors.READ_MEMORY.format(mb=limits.worker_memory_mb)
    scans: dict[int, object] = {}  # the other worker's scan whose pages this one is helping with
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        if message[0] == "page":
            _, key, data, index = message
            if key not in scans or data is not None:  # bytes come with a scan's first page here
                import pypdfium2

                scans.clear()
                scans[key] = pypdfium2.PdfDocument(data)
            conn.send(("page_done", _page(lambda i, doc=scans[key]: ocr.ocr_page(doc, i, options.threads), index)))
            continue
        item = message[1]
        try:
            records = read(item)
        except MemoryError:
            records = [failed_record(item, memory)]
        # A process that ran out of memory is not to be trusted with the next file: it leaves.
        retire = any(r.error == memory for r in records)
        conn.send(("records", records, retire))
        if retire:
            return


def _spread_pages(conn, data: bytes, indices: list[int], local) -> dict:
    """Ask the dispatcher to share out these pages; recognise the ones it hands back here."""
    conn.send(("pages", data, indices))
    while True:
        message = conn.recv()
        if message[0] == "page":
            conn.send(("page_done", _page(local, message[3])))
        else:  # ("pages_done", results)
            return {i: r for i, r in message[1].items() if r is not None}


def _page(recognise, index: int):
    """One page's OCR, or None: a page that cannot be recognised costs that page, not the file."""
    try:
        return recognise(index)
    except Exception:
        log.exception("OCR of page %d failed", index + 1)
        return None


def failed_record(item: InboxFile, message: str) -> Record:
    """The record of a file whose reading was stopped: what can be known without reading it."""
    sha, fmt = "", "unknown"
    try:
        data = item.path.read_bytes()
        sha, fmt = hashlib.sha256(data).hexdigest(), detect_format(data, item.rel)
    except OSError:
        pass
    return unread_record(Source(item.rel, sha, item.size, fmt, item.arrived, item.mail), Status.FAILED, message)


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0  # no /proc: only the worker's own hard limit applies


@dataclass
class _Job:
    item: InboxFile
    future: Future


_SCAN_KEYS = itertools.count(1)


@dataclass(eq=False)
class _Spread:
    """A long scan whose pages are shared out: its reader waits, the pool's workers recognise."""

    owner: _Worker
    data: bytes
    pending: collections.deque[int]
    active: set[int] = field(default_factory=set)
    results: dict[int, object] = field(default_factory=dict)
    sent: set = field(default_factory=set)  # workers that have the PDF's bytes already (objects, not ids)
    shared: int = 0  # pages recognised by other workers
    # Which scan a helper is sent pages of. Not id(): a finished scan's id is given to a later
    # one, and a helper keeping the first scan open recognised the later one's pages in it.
    key: int = field(default_factory=_SCAN_KEYS.__next__)


class _Worker:
    def __init__(self, ctx, args: tuple) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child, *args), daemon=True, name="digest-reader")
        self.process.start()
        child.close()
        self.job: _Job | None = None  # the file it reads
        self.page: tuple[_Spread, int] | None = None  # a page it recognises
        self.spread: _Spread | None = None  # its file's pages, shared out while it waits
        self.deadline = 0.0
        self.ready = False  # set up and reading: until then a time limit also allows for start-up

    @property
    def free(self) -> bool:
        return self.job is None and self.page is None

    def give(self, job: _Job, seconds: float) -> bool:
        self.job, self.deadline = job, time.monotonic() + seconds + (0 if self.ready else STARTUP_SECONDS)
        return self._send(("file", job.item))

    def give_page(self, spread: _Spread, index: int, seconds: float) -> bool:
        self.page = (spread, index)
        spread.active.add(index)
        data = None if self is spread.owner or self in spread.sent else spread.data
        spread.sent.add(self)
        spread.shared += self is not spread.owner
        if self.job is None:  # a helper: the page has its own time limit
            self.deadline = time.monotonic() + seconds + (0 if self.ready else STARTUP_SECONDS)
        return self._send(("page", spread.key, data, index))

    def _send(self, message) -> bool:
        try:
            self.conn.send(message)
            return True
        except (BrokenPipeError, OSError):
            return False

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class ReadPool:
    """`workers` reader processes; `submit` a file, get a future of its records.

    Thread-safe: the flow's tasks submit their batches from several threads at once.
    """

    def __init__(
        self,
        workers: int,
        campaign: Campaign,
        limits: Limits = Limits(),
        factory: ReaderFactory = file_reader,
        ocr_threads: int | None = None,
    ) -> None:
        self.size = max(1, workers)
        self.limits = limits
        self._ctx = _context()
        # Several workers: one onnxruntime thread each, or they fight over the cores; one
        # worker alone lets onnxruntime use them all.
        if ocr_threads is None:
            ocr_threads = 1 if self.size > 1 else -1
        self._args = (factory, campaign, limits, ocr_threads, self.size > 1)
        warm_up()  # workers fork from a server with the readers and jieba loaded (a no-op if it runs)
        # Largest file first: the long reads start early instead of finishing a night alone.
        self._queue: list[tuple[int, int, _Job]] = []  # a heap of (-size, arrival, job)
        self._arrivals = itertools.count()
        self._workers: list[_Worker] = []
        self._spreads: list[_Spread] = []
        self._lock = threading.RLock()
        self._wake_r, self._wake_w = os.pipe()
        self._closed = False
        self._thread: threading.Thread | None = None
        self.stopped: list[tuple[str, str]] = []  # (file, reason) of files whose reading was stopped
        self.shared_pages = 0  # scanned pages recognised by a worker other than their file's reader

    def __enter__(self) -> ReadPool:
        return self

    def __exit__(self, kind, *_) -> None:
        self.close(wait=kind is None)

    def submit(self, item: InboxFile) -> Future:
        future: Future = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("ReadPool is closed")
            heapq.heappush(self._queue, (-item.size, next(self._arrivals), _Job(item, future)))
            if self._thread is None:
                self._thread = threading.Thread(target=self._dispatch, name="digest-read-pool", daemon=True)
                self._thread.start()
        os.write(self._wake_w, b".")
        return future

    def read(self, items: Sequence[InboxFile]) -> list[list[Record]]:
        """Records of each item, in order."""
        futures = [self.submit(item) for item in items]
        return [f.result() for f in futures]

    def close(self, wait: bool = True) -> None:
        with self._lock:
            self._closed = True
            if not wait:
                for *_, job in self._queue:
                    job.future.cancel()
                self._queue.clear()
                for w in self._workers:
                    if w.process.is_alive():
                        w.process.kill()  # the dispatcher sees them die and records their files
        os.write(self._wake_w, b".")
        if self._thread is not None:
            self._thread.join()
        os.close(self._wake_r)
        os.close(self._wake_w)

    # The dispatcher thread: the only code that touches workers after start.

    def _dispatch(self) -> None:
        try:
            while self._step():
                pass
        except Exception as e:
            log.exception("read pool dispatcher failed")
            with self._lock:
                jobs = [job for *_, job in self._queue] + [w.job for w in self._workers if w.job]
                self._queue.clear()
            for job in jobs:
                if not job.future.done():
                    job.future.set_exception(e)
        finally:
            for w in self._workers:
                try:
                    w.conn.send(None)
                except OSError:
                    pass
            for w in self._workers:
                w.process.join(2)
                w.kill()
            self._workers.clear()

    def _step(self) -> bool:
        with self._lock:
            self._assign()
            busy = [w for w in self._workers if not w.free]
            if self._closed and not self._queue and not busy:
                return False
        now = time.monotonic()
        timeout = min([POLL_SECONDS] + [max(0.0, w.deadline - now) for w in busy])
        ready = set(wait([self._wake_r] + [w.conn for w in busy] + [w.process.sentinel for w in busy], timeout))
        if self._wake_r in ready:
            os.read(self._wake_r, 4096)
        for w in busy:
            if w.conn in ready or w.process.sentinel in ready:
                try:
                    message = w.conn.recv()
                except (EOFError, OSError):  # the process died: a C library crashed, or the OOM killer
                    self._stop(w, errors.READER_CRASHED)
                    continue
                self._received(w, message)
            elif time.monotonic() > w.deadline:
                self._stop(w, errors.READ_TIMEOUT.format(seconds=round(self.limits.read_seconds)))
            elif _rss_mb(w.process.pid) > self.limits.worker_memory_mb:
                self._stop(w, errors.READ_MEMORY.format(mb=self.limits.worker_memory_mb))
        return True

    def _assign(self) -> None:
        """Pages of a scan being shared out first (a started file finishes sooner), then files."""
        for spread in list(self._spreads):
            while spread.pending and spread in self._spreads:
                worker = next(
                    (w for w in self._workers if w.page is None and (w.job is None or w.spread is spread)), None
                ) or (self._start_worker() if len(self._workers) < self.size else None)
                if worker is None:
                    break
                if not worker.give_page(spread, spread.pending.popleft(), self.limits.read_seconds):
                    self._stop(worker, errors.READER_CRASHED)
        idle = [w for w in self._workers if w.free]
        while self._queue and (idle or len(self._workers) < self.size):
            worker = idle.pop() if idle else self._start_worker()
            job = heapq.heappop(self._queue)[-1]
            if job.future.set_running_or_notify_cancel() and not worker.give(job, self.limits.read_seconds):
                self._stop(worker, errors.READER_CRASHED)

    def _received(self, worker: _Worker, message: tuple) -> None:
        if message[0] == "ready":
            worker.ready = True
            if not worker.free:
                worker.deadline = time.monotonic() + self.limits.read_seconds
        elif message[0] == "pages":  # a long scan: share its pages out
            spread = _Spread(worker, message[1], collections.deque(message[2]))
            worker.spread = spread
            self._spreads.append(spread)
        elif message[0] == "page_done":
            spread, index = worker.page
            worker.page = None
            self._page_done(spread, index, message[1])
        else:  # ("records", records, retire): the file is read
            _, records, retire = message
            job, worker.job = worker.job, None
            if retire:
                self.stopped.append((job.item.rel, records[0].error))
                self._retire(worker)
            job.future.set_result(records)

    def _page_done(self, spread: _Spread, index: int, result) -> None:
        if spread not in self._spreads:
            return  # its reader was stopped meanwhile
        spread.results[index] = result
        spread.active.discard(index)
        if not spread.pending and not spread.active:
            self._spreads.remove(spread)
            self.shared_pages += spread.shared
            spread.owner.spread = None
            if not spread.owner._send(("pages_done", spread.results)):
                self._stop(spread.owner, errors.READER_CRASHED)

    def _start_worker(self) -> _Worker:
        worker = _Worker(self._ctx, self._args)
        self._workers.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._workers.remove(worker)

    def _stop(self, worker: _Worker, message: str) -> None:
        """Kill a worker that overran or died; its file gets a record saying why, or, for a
        worker helping with another's scan, that page goes unrecognised."""
        job, page, spread = worker.job, worker.page, worker.spread
        self._retire(worker)
        if spread in self._spreads:
            self._spreads.remove(spread)
        if job is None:
            if page is not None:
                log.warning("stopped recognising page %d: %s", page[1] + 1, message)
                self._page_done(page[0], page[1], None)
            return
        log.warning("stopped reading %s: %s", job.item.rel, message)
        self.stopped.append((job.item.rel, message))
        job.future.set_result([failed_record(job.item, message)])
