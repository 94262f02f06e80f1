"""Byte-identical copies: the same file sent twice, or saved under two names, counts once."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipeline.model import Record, Status

_COPY_MARK = re.compile(r"\(\d\)|（\d）|副本|复件|- Copy|copy", re.IGNORECASE)


def mark_duplicates(records: Iterable[Record]) -> list[Record]:
    """Byte-identical files after the first (earliest arrival, then path) become duplicates."""
    records = list(records)
    first: dict[str, Record] = {}
    for rec in sorted(records, key=lambda r: (r.arrived or "", bool(_COPY_MARK.search(r.file)), len(r.file), r.file)):
        if rec.sha256 and rec.sha256 not in first:
            first[rec.sha256] = rec
    out = []
    for rec in records:
        original = first.get(rec.sha256)
        if rec.sha256 and original is not None and original is not rec:
            rec = Record(
                file=rec.file,
                sha256=rec.sha256,
                format=rec.format,
                status=Status.DUPLICATE,
                size=rec.size,
                arrived=rec.arrived,
                duplicate_of=original.file,
                error=f"与“{original.file}”内容完全相同，不重复统计",
            )
        out.append(rec)
    return out
