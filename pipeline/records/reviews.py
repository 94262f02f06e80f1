"""The reviewers' own columns in the digest: read back before each run, kept, written again.

Reviews are keyed by the file's sha256, so renaming or moving a file keeps its review,
and a review is carried over to a revised version of the same sender's document the night
the revision is first shown (after that each version's cells are its own). A
reviewer's correction of sender, kind or activity types wins over extraction in the
digest and the shortlist; records.jsonl keeps what was extracted, plus the review.
"""

from __future__ import annotations

import copy
import logging
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from pipeline.campaign import Campaign
from pipeline.model import Record, Status

log = logging.getLogger(__name__)

KEY_HEADER = "文件指纹"
# Column heading in the digest -> field in Record.review. The headings are a contract.
REVIEW_COLUMNS = {
    "审核结论": "verdict",
    "是否推荐": "recommend",
    "审核意见": "comment",
    "更正报送单位": "submitter",
    "更正文件类型": "doc_kind",
    "更正活动类型": "activity_types",
}
VERDICTS = ("采用", "待核实", "不采用")
RECOMMEND = ("是", "否")
KIND_WORDS = {"方案": "plan", "总结": "summary", "其他": "other"}
KIND_LABELS = {v: k for k, v in KIND_WORDS.items()}
REVIEW_SHEETS = ("文件清单", "典型案例")
BASELINE_SHEET = "审核基线"  # hidden: the review values the digest was written with


def harvest(digest: Path, stored: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """Stored reviews updated with what reviewers changed in the digest's review columns.

    A cell counts as an edit when it differs from the value the digest was written with
    (its hidden baseline sheet; the stored value for digests without one), so an edit made
    in either sheet wins over the old value still shown in the other.
    """
    reviews = copy.deepcopy(stored)
    if not digest.exists():
        return reviews
    try:
        wb = load_workbook(digest, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as e:
        log.warning("cannot read reviews from %s: %s", digest, e)
        return reviews
    try:
        written = dict(_review_rows(wb[BASELINE_SHEET])) if BASELINE_SHEET in wb.sheetnames else stored
        for sheet in REVIEW_SHEETS:
            if sheet not in wb.sheetnames:
                continue
            for key, values in _review_rows(wb[sheet]):
                old = written.get(key, {})
                for name, value in values.items():
                    if value != old.get(name, ""):
                        reviews.setdefault(key, {})[name] = value
    finally:
        wb.close()
    return reviews


def _review_rows(ws):
    """(file key, {review field: cell text}) for each row of a sheet with review columns."""
    rows = ws.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    if KEY_HEADER not in header:
        return
    key_col = header.index(KEY_HEADER)
    cols = {i: REVIEW_COLUMNS[h] for i, h in enumerate(header) if h in REVIEW_COLUMNS}
    for row in rows:
        key = row[key_col] if key_col < len(row) else None
        if key:
            yield (
                key,
                {name: "" if i >= len(row) or row[i] is None else str(row[i]).strip() for i, name in cols.items()},
            )


def attach(records: list[Record], reviews: dict[str, dict[str, str]]) -> None:
    for rec in records:
        rec.review = dict(reviews.get(rec.sha256, {})) if rec.sha256 else {}


def carry_over(records: list[Record], stored: dict[str, dict[str, str]]) -> None:
    """A revision takes its predecessor's review once: the night it is first shown.

    A version that has been shown has a stored review (empty when nobody wrote in it), so
    after its first night its cells are its own: a reviewer's word on the superseded
    original stays there, and a cell cleared on the revision stays cleared.
    """
    by_file = {r.file: r for r in records}
    for rec in records:
        if rec.status == Status.SUPERSEDED and rec.review and rec.superseded_by in by_file:
            successor = by_file[rec.superseded_by]
            if successor.sha256 and successor.sha256 not in stored:
                successor.review = dict(rec.review)


def collect(records: list[Record]) -> dict[str, dict[str, str]]:
    """Every shown version's review, blank ones too: a blank is a reviewer's word (or none
    yet), and its row says the version has been shown, so nothing is carried onto it again."""
    return {r.sha256: r.review for r in records if r.sha256}


def corrected(record: Record, campaign: Campaign) -> Record:
    """The record as the reviewer says it is: corrections win over extraction."""
    review = record.review
    if not review or not any(review.get(k) for k in ("submitter", "doc_kind", "activity_types")):
        return record
    rec = copy.copy(record)
    if name := review.get("submitter"):
        entry = next((r for r in campaign.roster if name in r.names), None)
        rec.submitter = entry.name if entry else name
        rec.submitter_kind = (
            "regulator" if entry else (rec.submitter_kind if rec.submitter_kind != "regulator" else "unknown")
        )
    if kind := KIND_WORDS.get(review.get("doc_kind", "")):
        rec.doc_kind = kind
    if types := review.get("activity_types"):
        wanted = {t.strip() for t in types.replace("，", "、").replace(",", "、").split("、") if t.strip()}
        rec.activity_types = [t.name for t in campaign.activity_types if t.name in wanted]
    return rec
