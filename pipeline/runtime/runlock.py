"""One run at a time per output folder.

The lock is an OS file lock (flock), which the system releases when the process ends,
however it ends: a run killed in the night leaves no stale lock behind.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt

from pipeline.outputs.atomic import remove_stale_temporaries

LOCK_FILE = ".digest-run.lock"


class RunLocked(RuntimeError):
    """Another run is writing into the same output folder."""


def _try_lock(fh) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        return True
    except OSError:
        return False


@contextmanager
def folder_lock(out_dir: Path, name: str, refused: Callable[[str], Exception]) -> Iterator[None]:
    """Hold the lock file `name` in `out_dir` (created if need be) for as long as the block
    runs; when another process holds it, raise `refused(who holds it)`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    fh = open(out_dir / name, "a+", encoding="utf-8")
    try:
        if not _try_lock(fh):
            fh.seek(0)
            raise refused(fh.read().strip() or "未知进程")
        fh.seek(0)
        fh.truncate()
        fh.write(f"进程 {os.getpid()}，开始于 {datetime.now():%Y-%m-%d %H:%M:%S}")
        fh.flush()
        yield
    finally:
        fh.close()  # closing releases the lock


@contextmanager
def run_lock(out_dir: Path) -> Iterator[None]:
    def refused(holder: str) -> RunLocked:
        return RunLocked(
            f"另一次运行正在写入 {out_dir}（{holder}）；请等它结束后再运行。"
            "如确认没有其他运行，可直接重试：锁会随进程结束自动释放"
        )

    with folder_lock(out_dir, LOCK_FILE, refused):
        remove_stale_temporaries(out_dir)
        yield
