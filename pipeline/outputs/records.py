"""records.jsonl: one JSON object per input file, the contract other tools read."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from pipeline.model import Record
from pipeline.outputs.atomic import write_text_atomic

RECORDS_FILE = "records.jsonl"


def write_records(records: Iterable[Record], out_dir: Path) -> Path:
    target = out_dir / RECORDS_FILE
    lines = (json.dumps(r.to_dict(), ensure_ascii=False) for r in sorted(records, key=lambda r: r.file))
    write_text_atomic(target, "".join(line + "\n" for line in lines))
    return target


def load_records(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
