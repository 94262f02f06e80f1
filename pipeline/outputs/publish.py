"""Put a new digest in place without costing a reviewer anything.

The previous digest is kept under history/, and a digest a reviewer has open (Excel
leaves a "~$digest.xlsx" lock file beside it) is not replaced: the run writes beside it.
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import datetime
from pathlib import Path

from pipeline.outputs.atomic import atomic_path
from pipeline.outputs.digest import DIGEST_FILE, DigestInput, write_digest

HISTORY_DIR = "history"
KEEP_HISTORY = 30


def lock_file(out_dir: Path) -> Path:
    return out_dir / f"~${DIGEST_FILE}"


def write_digest_safely(data: DigestInput, out_dir: Path) -> tuple[Path, str | None, str]:
    """Returns where the digest went, a note when it could not go to digest.xlsx, and the sha256
    of the bytes written (hashed before they are in place, so no reviewer's save can slip in)."""
    target = out_dir / DIGEST_FILE
    note = None
    if lock_file(out_dir).exists():
        target = out_dir / f"digest-{data.run_time:%Y%m%d-%H%M%S}.xlsx"
        note = (
            f"digest.xlsx 正被打开（发现Excel锁文件），未覆盖；本次结果写入 {target.name}。"
            "请关闭后把需要保留的审核意见填回 digest.xlsx，下次运行会恢复写入 digest.xlsx"
        )
    elif target.exists():
        _keep_previous(target, out_dir / HISTORY_DIR)
    with atomic_path(target) as tmp:
        write_digest(data, tmp)
        sha = sha256_of(tmp)
    return target, note, sha


def sha256_of(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _keep_previous(digest: Path, history: Path) -> None:
    history.mkdir(parents=True, exist_ok=True)
    stamp = datetime.fromtimestamp(digest.stat().st_mtime).strftime("%Y%m%d-%H%M%S")
    shutil.copy2(digest, history / f"digest-{stamp}.xlsx")
    for old in sorted(history.glob("digest-*.xlsx"))[:-KEEP_HISTORY]:
        old.unlink()
