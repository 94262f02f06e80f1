"""`digest status`: the ledger's state in a few Chinese lines, without running anything."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from pipeline.model import STATUS_WORDS
from pipeline.records.ledger import LEDGER_FILE, Ledger


def ledger_status(out_dir: Path) -> str:
    path = out_dir / LEDGER_FILE
    if not path.exists():
        return f"尚无台账：{path} 不存在（还没有运行过 digest run --out {out_dir}）"
    with Ledger(path) as ledger:
        current = ledger.current()
        withdrawn = ledger.withdrawn()
        reviews = ledger.reviews()
        last = ledger.last_run()
    counts = Counter(str(v.records[0].get("status")) for v in current.values() if v.records)
    lines = [
        f"台账：{path}",
        f"收件箱当前文件 {len(current)} 个："
        + "，".join(f"{STATUS_WORDS.get(k, k)} {n}" for k, n in sorted(counts.items())),
        f"已移除的文件 {len(withdrawn)} 个；有审核意见的文件 {sum(1 for r in reviews.values() if any(r.values()))} 个",
    ]
    if last:
        report = last["report"]
        lines.append(
            f"上次运行：{last['started']} 至 {last['finished']}，文件 {report.get('files', '?')} 个，"
            f"新读取 {report.get('new', '?')} 个，需要人工处理 {len(report.get('needs_person', []))} 个"
        )
    else:
        lines.append("尚无完成的运行")
    return "\n".join(lines)
