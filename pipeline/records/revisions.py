"""Revised versions: a later file from the same sender and kind replaces the earlier one.

The earlier one stays in the records (status `superseded`, pointing at its successor) so
it is kept and shown, but not counted twice.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from pipeline.model import Record, Status

# Words in a file name that mark a later or final version.
_REVISION = re.compile(r"修改稿|修订|更正|更新|定稿|终稿|最终|[Vv]\d|第[二三四]版|（[二三]）|报送稿|盖章")


def _version_key(rec: Record) -> tuple:
    return (rec.doc_date or "", rec.arrived or "", bool(_REVISION.search(rec.file)), rec.file)


def mark_superseded(records: Iterable[Record]) -> list[Record]:
    records = list(records)
    groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for rec in records:
        if rec.status == Status.OK and rec.submitter and rec.doc_kind in ("plan", "summary"):
            groups[(rec.submitter, rec.doc_kind)].append(rec)
    for versions in groups.values():
        if len(versions) < 2:
            continue
        versions.sort(key=_version_key)
        latest = versions[-1]
        for rec in versions[:-1]:
            rec.status = Status.SUPERSEDED
            rec.superseded_by = latest.file
    return records
