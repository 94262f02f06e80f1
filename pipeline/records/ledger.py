"""The ledger (OUT/ledger.sqlite): every file version ever seen, its records and reviews.

One row per (path, sha256): first and last seen, whether it is the current version of
its path, replaced by a newer one or withdrawn from the inbox, the records it produced
(a zip produces several), and the pipeline version and campaign file they were made
with. A night with three new files reads three files; everything else comes from here.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path

from pipeline.model import Record

LEDGER_FILE = "ledger.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS file_versions (
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime REAL NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    state TEXT NOT NULL,            -- current | replaced | withdrawn
    status TEXT NOT NULL,           -- the status of the file's own record
    pipeline_version TEXT NOT NULL,
    campaign_digest TEXT NOT NULL,
    records TEXT NOT NULL,          -- JSON list: the file's record, then its zip members'
    PRIMARY KEY (path, sha256)
);
CREATE INDEX IF NOT EXISTS file_versions_sha ON file_versions (sha256);
CREATE TABLE IF NOT EXISTS reviews (
    sha256 TEXT PRIMARY KEY,
    review TEXT NOT NULL,           -- JSON: the reviewers' columns
    updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outputs (
    name TEXT PRIMARY KEY,          -- an output file, as named in the output folder
    sha256 TEXT NOT NULL,           -- its content as the run wrote it
    written TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started TEXT NOT NULL,
    finished TEXT,
    report TEXT
);
"""
_RECORD_FIELDS = {f.name for f in fields(Record)}


def record_from_dict(data: dict) -> Record:
    return Record(**{k: v for k, v in data.items() if k in _RECORD_FIELDS})


@dataclass(frozen=True)
class Version:
    path: str
    sha256: str
    size: int
    mtime: float
    state: str
    pipeline_version: str
    campaign_digest: str
    records: list[dict]
    first_seen: str
    last_seen: str


class Ledger:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _versions(self, where: str, args: Sequence = ()) -> list[Version]:
        rows = self.db.execute(
            "SELECT path, sha256, size, mtime, state, pipeline_version, campaign_digest, records, first_seen, last_seen"
            f" FROM file_versions WHERE {where}",
            args,
        )
        return [Version(*row[:7], json.loads(row[7]), row[8], row[9]) for row in rows]

    def current(self) -> dict[str, Version]:
        """The version of each path as last seen in the inbox."""
        return {v.path: v for v in self._versions("state = 'current'")}

    def by_content(self, pipeline_version: str, campaign_digest: str) -> dict[str, Version]:
        """Any version with these bytes, read by this pipeline and campaign (a renamed or re-sent file)."""
        found = self._versions("pipeline_version = ? AND campaign_digest = ?", (pipeline_version, campaign_digest))
        return {v.sha256: v for v in found}

    def withdrawn(self) -> list[Version]:
        return self._versions("state = 'withdrawn'")

    def record_run(
        self,
        seen: Iterable[tuple[str, str, int, float, list[Record]]],
        pipeline_version: str,
        campaign_digest: str,
        now: datetime | None = None,
    ) -> list[str]:
        """Store this run's view of the inbox; return the paths that disappeared since the last run."""
        stamp = (now or datetime.now()).isoformat(timespec="seconds")
        seen = list(seen)
        present = {path for path, *_ in seen}
        unchanged = set(
            self.db.execute(
                "SELECT path, sha256 FROM file_versions WHERE state = 'current' AND pipeline_version = ? AND campaign_digest = ?",
                (pipeline_version, campaign_digest),
            )
        )
        with self.db:
            for path, sha, size, mtime, records in seen:
                if (path, sha) in unchanged:  # seen before as it is: only the sighting is news
                    self.db.execute(
                        "UPDATE file_versions SET last_seen = ?, size = ?, mtime = ? WHERE path = ? AND sha256 = ?",
                        (stamp, size, mtime, path, sha),
                    )
                    continue
                own = records[0] if records else None
                self.db.execute(
                    "UPDATE file_versions SET state = 'replaced' WHERE path = ? AND sha256 != ? AND state = 'current'",
                    (path, sha),
                )
                self.db.execute(
                    """INSERT INTO file_versions (path, sha256, size, mtime, first_seen, last_seen, state, status,
                                                  pipeline_version, campaign_digest, records)
                       VALUES (?, ?, ?, ?, ?, ?, 'current', ?, ?, ?, ?)
                       ON CONFLICT (path, sha256) DO UPDATE SET size = excluded.size, mtime = excluded.mtime,
                           last_seen = excluded.last_seen, state = 'current', status = excluded.status,
                           pipeline_version = excluded.pipeline_version, campaign_digest = excluded.campaign_digest,
                           records = excluded.records""",
                    (
                        path,
                        sha,
                        size,
                        mtime,
                        stamp,
                        stamp,
                        str(own.status) if own else "failed",
                        pipeline_version,
                        campaign_digest,
                        json.dumps([r.to_dict() for r in records], ensure_ascii=False),
                    ),
                )
            current = [p for (p,) in self.db.execute("SELECT path FROM file_versions WHERE state = 'current'")]
            gone = [p for p in current if p not in present]
            self.db.executemany(
                "UPDATE file_versions SET state = 'withdrawn' WHERE path = ? AND state = 'current'",
                [(p,) for p in gone],
            )
        return gone

    def reviews(self) -> dict[str, dict[str, str]]:
        return {sha: json.loads(review) for sha, review in self.db.execute("SELECT sha256, review FROM reviews")}

    def save_reviews(self, reviews: dict[str, dict[str, str]]) -> None:
        """Keep every review as given: an empty cell is a reviewer's word, never "no review"."""
        stamp = datetime.now().isoformat(timespec="seconds")
        with self.db:
            self.db.executemany(
                "INSERT INTO reviews (sha256, review, updated) VALUES (?, ?, ?) ON CONFLICT (sha256) DO UPDATE "
                "SET review = excluded.review, updated = excluded.updated WHERE review != excluded.review",
                [
                    (sha, json.dumps(review, ensure_ascii=False, sort_keys=True), stamp)
                    for sha, review in reviews.items()
                ],
            )

    def output_written(self, name: str, sha256: str) -> None:
        with self.db:
            self.db.execute(
                "INSERT INTO outputs (name, sha256, written) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE "
                "SET sha256 = excluded.sha256, written = excluded.written",
                (name, sha256, datetime.now().isoformat(timespec="seconds")),
            )

    def output_sha256(self, name: str) -> str | None:
        row = self.db.execute("SELECT sha256 FROM outputs WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def start_run(self) -> int:
        with self.db:
            return self.db.execute(
                "INSERT INTO runs (started) VALUES (?)", (datetime.now().isoformat(timespec="seconds"),)
            ).lastrowid

    def finish_run(self, run_id: int, report: dict) -> None:
        with self.db:
            self.db.execute(
                "UPDATE runs SET finished = ?, report = ? WHERE id = ?",
                (datetime.now().isoformat(timespec="seconds"), json.dumps(report, ensure_ascii=False), run_id),
            )

    def last_run(self) -> dict | None:
        row = self.db.execute(
            "SELECT started, finished, report FROM runs WHERE finished IS NOT NULL ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if not row:
            return None
        return {"started": row[0], "finished": row[1], "report": json.loads(row[2] or "{}")}
