"""The one document model every reader produces, and the record each input file becomes.

Nothing after a reader knows which format a file was: extraction sees `Document`,
outputs see `Record`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any


class BlockKind(StrEnum):
    TITLE = "title"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    TABLE_CELL = "table_cell"
    HEADER = "header"
    FOOTER = "footer"
    TEXT_BOX = "text_box"


class Status(StrEnum):
    OK = "ok"
    FAILED = "failed"
    NEEDS_OCR = "needs_ocr"
    UNSUPPORTED = "unsupported"
    DUPLICATE = "duplicate"
    ATTACHMENT = "attachment"  # pictures and videos: listed, not parsed
    SUPERSEDED = "superseded"  # a later version from the same sender and kind replaces it


# What each status is called wherever a person reads it (digest, run report, status, Prefect).
STATUS_WORDS = {
    "ok": "已读取",
    "failed": "读取失败",
    "needs_ocr": "扫描件待识别",
    "unsupported": "格式不支持",
    "duplicate": "重复文件",
    "attachment": "附件（图片/视频）",
    "superseded": "已被新版本替代",
}


@dataclass(frozen=True, slots=True)
class Location:
    """Where a block sits, so every extracted fact can point at its evidence."""

    paragraph: int | None = None  # 1-based order among the document's blocks
    page: int | None = None
    table: int | None = None  # 1-based table number
    row: int | None = None  # 1-based
    column: int | None = None  # 1-based

    def describe(self) -> str:
        """Chinese label a reviewer can follow: 第2页 表1第3行第2列 / 第2页第5段."""
        parts = []
        if self.page is not None:
            parts.append(f"第{self.page}页")
        if self.table is not None:
            parts.append(f"表{self.table}第{self.row}行第{self.column}列")
        elif self.paragraph is not None:
            parts.append(f"第{self.paragraph}段")
        return "".join(parts)


@dataclass(slots=True)
class Block:
    text: str
    kind: BlockKind
    loc: Location
    align: str | None = None  # "center" | "right" | None; the 落款 sits right-aligned


@dataclass(slots=True)
class Table:
    index: int  # 1-based
    rows: list[list[str]]
    page: int | None = None


@dataclass(slots=True)
class Source:
    path: str  # relative to the inbox; zip members as "archive.zip/member"
    sha256: str
    size: int
    format: str  # detected from the bytes, not the extension
    arrived: str | None = None  # ISO time the file reached the office (the mail's arrival, or the file's mtime)
    mail: dict | None = None  # the message it came in: {"from", "subject", "date", "message_id"}


@dataclass(slots=True)
class Metadata:
    title: str | None = None
    author: str | None = None
    created: str | None = None
    modified: str | None = None


@dataclass(slots=True)
class Document:
    source: Source
    metadata: Metadata = field(default_factory=Metadata)
    blocks: list[Block] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    pages: int | None = None
    images: int = 0
    ocr_pages: list[int] = field(default_factory=list)  # pages whose text came from OCR
    ocr_confidence: float | None = None  # mean recognition confidence, 0–1
    sealed: bool = False  # an electronic seal (an OFD's Signs/): the document is signed

    @property
    def chars(self) -> int:
        return sum(len(b.text) for b in self.blocks)

    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


@dataclass(slots=True)
class Record:
    """One input file as the outputs see it; serialised as one line of records.jsonl."""

    file: str
    sha256: str
    format: str
    status: str
    error: str | None = None
    pages: int | None = None
    chars: int = 0
    tables: int = 0
    images: int = 0
    size: int = 0
    arrived: str | None = None
    title: str | None = None
    duplicate_of: str | None = None
    members: list[str] | None = None  # for archives and mails: the member files, as records name them
    mail: dict | None = None  # a file that came by mail: {"from", "subject", "date", "message_id"}
    ocr: bool = False  # some page's text came from OCR: check numbers against the picture
    sealed: bool = False  # the file carries an electronic seal (OFD Signs/)
    ocr_confidence: float | None = None
    # Pages of a scan or photo with rows of numbers that were not read as a table (a photographed
    # statistics table the layout could not rule): its figures are to be checked on the picture.
    tables_unread: list[int] = field(default_factory=list)
    # Extracted facts (null or empty where the document does not state them).
    submitter: str | None = None
    submitter_kind: str | None = None  # regulator | demo_zone | institution | unknown
    # Where the sender was decided (落款, 标题, 页眉/信头, 文号, 报送单位, 导语, 电头, 邮件, 文件名…)
    # and how sure that is (0–1): a weak one is listed in 问题文件 for a reviewer to check.
    submitter_source: str | None = None
    submitter_confidence: float | None = None
    doc_kind: str | None = None  # plan | summary | other
    doc_date: str | None = None  # the 落款 date, ISO
    activity_types: list[str] = field(default_factory=list)
    activity_dates: list[str] = field(default_factory=list)  # ISO dates of the sender's activities
    metrics: dict[str, int] = field(default_factory=dict)
    metrics_approximate: list[str] = field(default_factory=list)  # metrics stated as 余/多/近/约
    highlights: list[dict] = field(default_factory=list)  # {text, location}
    activities: list[dict] = field(default_factory=list)  # {type, date, place, evidence, location}
    evidence: dict = field(default_factory=dict)  # per fact: the sentence and where it is
    signals: dict = field(default_factory=dict)  # innovation/theme cues found, count of 套话
    superseded_by: str | None = None  # a later version from the same sender and kind
    review: dict = field(default_factory=dict)  # the reviewers' columns, read back from the digest
    # The typical-case score of a summary that counts (reviewer corrections applied), null otherwise;
    # its parts as [{name, points, reason}], in the order the shortlist's 推荐理由 gives them.
    score: float | None = None
    score_parts: list[dict] | None = None

    def to_dict(self) -> dict[str, Any]:
        # Shallow on purpose: the values are JSON-ready already, and asdict's deep copy
        # was most of the cost of a night with nothing new.
        return {name: getattr(self, name) for name in _RECORD_FIELDS}


_RECORD_FIELDS = tuple(f.name for f in fields(Record))


def record_from_document(doc: Document) -> Record:
    return Record(
        file=doc.source.path,
        sha256=doc.source.sha256,
        format=doc.source.format,
        status=Status.OK,
        pages=doc.pages,
        chars=doc.chars,
        tables=len(doc.tables),
        images=doc.images,
        size=doc.source.size,
        arrived=doc.source.arrived,
        title=doc.metadata.title,
        ocr=bool(doc.ocr_pages),
        ocr_confidence=doc.ocr_confidence,
        sealed=doc.sealed,
        mail=doc.source.mail,
    )


def unread_record(source: Source, status: str, error: str | None = None) -> Record:
    """A file that was not read, or not read through: what is known without reading it."""
    return Record(
        file=source.path,
        sha256=source.sha256,
        format=source.format,
        status=status,
        error=error,
        size=source.size,
        arrived=source.arrived,
        mail=source.mail,
    )
