"""Write output files so a reader never sees half a file, even if the run is killed."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(target: Path):
    """Yield a temporary path beside `target`; on success it replaces `target` in one step."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    os.chmod(tmp, 0o644)  # mkstemp makes it private; colleagues on a shared folder must open it
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_text_atomic(target: Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def remove_stale_temporaries(out_dir: Path) -> None:
    """Temporary files a killed run left behind (runs are locked, so none is in use)."""
    for tmp in out_dir.glob(".*.tmp"):
        tmp.unlink(missing_ok=True)
