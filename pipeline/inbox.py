"""Find the files in an inbox and turn each one (zip members included) into records.

The inbox is only ever read. Every file becomes at least one record, whatever is wrong
with it: a broken file is a record with a Chinese message, never a stopped run.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path, PurePosixPath

from pipeline import errors
from pipeline.errors import UnreadableFile
from pipeline.mailbox import MAIL_DIR, inbox_mail
from pipeline.model import Document, Record, Source, Status, record_from_document, unread_record
from pipeline.readers import ATTACHMENT_FORMATS, read_document
from pipeline.readers.detect import detect_format
from pipeline.readers.eml import mail_document, parse_mail
from pipeline.readers.ocr import OcrOptions
from pipeline.readers.photo import decodable, is_page_photo, page_photos, read_photo, read_photos
from pipeline.text import decode_chinese

log = logging.getLogger(__name__)

_DOCUMENT_EXTENSIONS = {".pdf", ".doc", ".docx", ".wps", ".rtf"}
_IGNORED_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}


@dataclass(frozen=True, slots=True)
class Limits:
    max_file_bytes: int = 50 * 1024 * 1024
    max_archive_total: int = 500 * 1024 * 1024  # all members of one archive, uncompressed
    max_archive_members: int = 1000
    max_archive_depth: int = 3
    max_ratio: int = 200  # uncompressed/compressed of one member, when it is large
    # Enforced by the worker processes (pipeline.runtime.workers): a file that takes longer or
    # needs more memory is stopped and recorded, the rest of the night goes on.
    read_seconds: float = 300.0  # measured: the slowest sample, a 3-page scan, reads in 4 s
    worker_memory_mb: int = 2048


@dataclass(frozen=True, slots=True)
class InboxFile:
    path: Path
    rel: str  # relative to the inbox, with "/" separators
    size: int
    mtime: float
    mail: dict | None = None  # saved by fetch-mail: the message's {"from", "subject", "date", "message_id"}
    arrival: str | None = None  # and its arrival at the mailbox (INTERNALDATE)
    pages: tuple[Path, ...] = ()  # a photo of one page of several sent together: all of them, in page order

    @property
    def arrived(self) -> str:
        """When the file reached the office: the mail's arrival when it came by fetch-mail (the
        file's time may have been lost in a copy), else the file's modification time."""
        return self.arrival or datetime.fromtimestamp(self.mtime).astimezone().isoformat(timespec="seconds")


def discover(inbox: Path) -> list[InboxFile]:
    """Every file under `inbox`, sorted, without hidden files, Office lock files or thumbnails;
    a file fetch-mail saved (into the inbox or a folder of it) carries its message's headers
    and arrival."""
    found = []
    for root, dirs, files in os.walk(inbox):
        by_mail = inbox_mail(Path(root)) if MAIL_DIR in dirs else {}
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith((".", "~$")) or name.lower() in _IGNORED_NAMES:
                continue
            path = Path(root) / name
            try:
                st = path.stat()
            except OSError:
                continue
            rel = display_name(path.relative_to(inbox).as_posix())
            mail = by_mail.get(name, {})
            found.append(InboxFile(path, rel, st.st_size, st.st_mtime, mail.get("mail"), mail.get("arrival")))
    return _with_pages(found)


def _with_pages(found: list[InboxFile]) -> list[InboxFile]:
    """Photos named as the pages of one document (统计表1.jpg, 统计表2.jpg) lying in one folder,
    and from one message when fetch-mail saved them, know each other: they are read as one."""
    sets: dict[tuple, list[InboxFile]] = {}
    for item in found:
        sets.setdefault((item.path.parent, (item.mail or {}).get("message_id")), []).append(item)
    pages: dict[Path, tuple[Path, ...]] = {}
    for items in sets.values():
        by_name = {item.path.name: item for item in items}
        for names in photo_groups(list(by_name)).values():
            group = tuple(by_name[n].path for n in names)
            pages.update(dict.fromkeys(group, group))
    return [replace(item, pages=pages[item.path]) if item.path in pages else item for item in found]


def display_name(name: str) -> str:
    """A file name as text: names copied from Windows may be GBK bytes, not UTF-8.

    Python keeps undecodable bytes as surrogates, which cannot be written to JSON or
    Excel; the bytes are decoded as GBK (GB18030) instead, or shown as "?" if even that fails.
    """
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        raw = os.fsencode(name)
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            return raw.decode("utf-8", "replace").replace("\ufffd", "?")


Extractor = Callable[[Document, Record], Record]


def _no_extraction(doc: Document, record: Record) -> Record:
    return record


@dataclass
class FileReader:
    """Reads one inbox file into records; `extract` fills in the facts for readable ones."""

    limits: Limits = Limits()
    extract: Extractor = _no_extraction
    ocr: OcrOptions = OcrOptions()  # threads and page sharing for scans, set by whoever runs the reader

    def read(self, item: InboxFile) -> list[Record]:
        if item.size > self.limits.max_file_bytes:
            return [self._too_large(item.rel, item.size, item.arrived, mail=item.mail)]
        try:
            data = item.path.read_bytes()
        except OSError as e:
            log.warning("cannot read %s: %s", item.rel, e)
            message = f"无法读取文件（{e.strerror or e}）；请检查收件箱文件权限"
            source = Source(item.rel, "", item.size, "unknown", item.arrived, item.mail)
            return [unread_record(source, Status.FAILED, message)]
        if item.pages:
            try:
                return self._page_of_several(item, data)
            except OSError:  # another page went away meanwhile: this photo alone
                pass
            except Exception as e:  # the later photos say they are its pages: say the set failed
                log.exception("reading %s with the other photos of its pages", item.rel)
                source = Source(item.rel, hashlib.sha256(data).hexdigest(), len(data), "image", item.arrived, item.mail)
                message = errors.PHOTO_SET_FAILED.format(pages=len(item.pages), error=type(e).__name__)
                return [unread_record(source, Status.FAILED, message)]
        return self.read_bytes(data, item.rel, item.arrived, mail=item.mail)

    def _page_of_several(self, item: InboxFile, data: bytes) -> list[Record]:
        """One photo of a document's pages sent as separate files. The first carries the whole
        document; a later one is listed as its page when the detector says it is one (the same
        decision the first one's reading makes), else read as a picture of its own."""
        k = item.pages.index(item.path)
        if not decodable(data):
            return self._alone(item, data)
        if k == 0:
            if not is_page_photo(data, self.ocr):
                return self._alone(item, data)
            rels = [PurePosixPath(item.rel).with_name(display_name(p.name)).as_posix() for p in item.pages]
            pages = [(item.rel, data)] + [(rel, p.read_bytes()) for rel, p in zip(rels[1:], item.pages[1:])]
            container = Source(item.rel, "", 0, "image", item.arrived, item.mail)
            return self._photo_pages(pages, container, 0)[:1]
        used = page_photos([p.read_bytes() for p in item.pages[:k]] + [data], self.ocr)
        if k not in used:
            return self._alone(item, data)
        own = Source(item.rel, hashlib.sha256(data).hexdigest(), len(data), "image", item.arrived, item.mail)
        first = display_name(item.pages[0].name)
        return [unread_record(own, Status.ATTACHMENT, errors.PHOTO_PAGE.format(first=first, page=used.index(k) + 1))]

    def _alone(self, item: InboxFile, data: bytes) -> list[Record]:
        return self.read_bytes(data, item.rel, item.arrived, mail=item.mail)

    def read_bytes(
        self, data: bytes, rel: str, arrived: str | None, depth: int = 0, mail: dict | None = None
    ) -> list[Record]:
        fmt = detect_format(data, rel)
        source = Source(rel, hashlib.sha256(data).hexdigest(), len(data), fmt, arrived, mail)
        if len(data) > self.limits.max_file_bytes:
            return [self._too_large(rel, len(data), arrived, source, mail)]
        if source.format == "zip":
            return self._archive(data, source, depth)
        if source.format == "eml":
            return self._mail(data, source, depth)
        if source.format in ATTACHMENT_FORMATS:
            ext = PurePosixPath(rel).suffix.lower()
            if source.format == "image" and ext in _DOCUMENT_EXTENSIONS:  # a photo of the document, renamed
                return [unread_record(source, Status.NEEDS_OCR, errors.IMAGE_AS_DOCUMENT.format(ext=ext))]
            if source.format != "image":
                return [unread_record(source, Status.ATTACHMENT)]
        try:
            if source.format == "image":  # a photographed page is a document; an activity photo is not
                if not decodable(data):
                    ext = PurePosixPath(rel).suffix.lower() or "未知"
                    return [unread_record(source, Status.ATTACHMENT, errors.PHOTO_UNDECODABLE.format(ext=ext))]
                doc = read_photo(data, source, self.ocr)
                if doc is None:
                    return [unread_record(source, Status.ATTACHMENT)]
            else:
                doc = read_document(data, source, self.ocr)
        except UnreadableFile as e:
            return [unread_record(source, e.status, e.message)]
        except MemoryError:  # the worker's hard memory limit (pipeline.runtime.workers) or the machine's
            return [unread_record(source, Status.FAILED, errors.READ_MEMORY.format(mb=self.limits.worker_memory_mb))]
        except Exception as e:
            log.exception("unexpected error reading %s", rel)
            message = f"读取时出现意外错误（{type(e).__name__}）；请人工查看此文件，并把它转给技术人员排查"
            return [unread_record(source, Status.FAILED, message)]
        return [self._extracted(doc)]

    def _archive(self, data: bytes, source: Source, depth: int) -> list[Record]:
        if depth >= self.limits.max_archive_depth:
            return [unread_record(source, Status.FAILED, errors.ZIP_TOO_DEEP)]
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
            infos = [i for i in zf.infolist() if not i.is_dir()]
        except (zipfile.BadZipFile, OSError, ValueError) as e:
            log.info("bad archive %s: %s", source.path, e)
            return [unread_record(source, Status.FAILED, errors.CORRUPT)]
        total = sum(i.file_size for i in infos)
        if total > self.limits.max_archive_total or len(infos) > self.limits.max_archive_members:
            return [unread_record(source, Status.FAILED, errors.ZIP_BOMB.format(size=_human(total)))]
        records: list[Record] = []
        members: list[str] = []
        with zf:
            named = [(member_name(info), info) for info in infos]
            named = [(name, info) for name, info in named if not _skipped_member(name)]
            by_name = dict(named)
            groups = {}  # 统计表1.jpg, 统计表2.jpg: the pages of one document
            for head, names in photo_groups([name for name, _ in named]).items():
                pages = [(f"{source.path}/{n}", _member_bytes(zf, by_name[n], self.limits)) for n in names]
                if all(data is not None for _, data in pages):  # else each alone, saying what is wrong
                    groups[head] = pages
            grouped = {PurePosixPath(rel).relative_to(source.path).as_posix() for p in groups.values() for rel, _ in p}
            for name, info in named:
                rel = _unique(f"{source.path}/{name}", members)
                members.append(rel)
                if name in groups:
                    records.extend(self._photo_pages(groups[name], source, depth))
                elif name not in grouped:
                    records.extend(self._member(zf, info, name, rel, source, depth))
        archive = unread_record(source, Status.OK)
        archive.members = members
        return [archive, *records]

    def _mail(self, data: bytes, source: Source, depth: int) -> list[Record]:
        """A saved mail: its body read as a document when it says something itself, and its
        attachments as members (`信.eml/附件名`), every record carrying the mail's headers."""
        if depth >= self.limits.max_archive_depth:
            return [unread_record(source, Status.FAILED, errors.MAIL_TOO_DEEP)]
        try:
            mail = parse_mail(data, self.limits.max_archive_members)
        except Exception as e:  # the parser is lenient; what still fails is a broken file
            log.info("bad mail %s: %s", source.path, e)
            return [unread_record(source, Status.FAILED, errors.CORRUPT)]
        total = sum(len(a.data) for a in mail.attachments)
        if total > self.limits.max_archive_total:
            return [unread_record(source, Status.FAILED, errors.MAIL_TOO_LARGE.format(size=_human(total)))]
        meta = dict(mail.meta)  # its own headers (a forwarded .eml inside keeps its own in turn)
        source = replace(source, mail=meta)
        doc = mail_document(mail, source)
        container = unread_record(source, Status.OK) if doc is None else self._extracted(doc)
        members: list[str] = []
        records: list[Record] = []
        groups = photo_groups([a.name for a in mail.attachments])
        grouped = {n for names in groups.values() for n in names}
        by_name = {a.name: a.data for a in mail.attachments}
        for attachment in mail.attachments:
            rel = _unique(f"{source.path}/{attachment.name}", members)
            members.append(rel)
            if attachment.name in groups:
                pages = [(f"{source.path}/{n}", by_name[n]) for n in groups[attachment.name]]
                records.extend(self._photo_pages(pages, source, depth))
            elif attachment.name not in grouped:
                records.extend(self.read_bytes(attachment.data, rel, source.arrived, depth + 1, meta))
        container.members = members
        return [container, *records]

    def _photo_pages(self, pages: list[tuple[str, bytes]], container: Source, depth: int) -> list[Record]:
        """Photos of one document's pages sent together: one document, on the first photo's
        record; the others are listed as its pages. Photos that are not pages are read alone."""
        arrived, mail = container.arrived, container.mail
        (first, data), rest = pages[0], pages[1:]
        source = Source(first, hashlib.sha256(data).hexdigest(), len(data), detect_format(data, first), arrived, mail)
        try:
            doc, used = read_photos([d for _, d in pages], source, self.ocr)
        except UnreadableFile as e:
            doc, used, failed = None, list(range(len(pages))), unread_record(source, e.status, e.message)
        else:
            failed = None
        if doc is None and failed is None:
            return [r for rel, d in pages for r in self.read_bytes(d, rel, arrived, depth + 1, mail)]
        out = [failed or self._extracted(doc)]
        for k, (rel, d) in enumerate(rest, start=1):
            if k in used:
                source_k = Source(rel, hashlib.sha256(d).hexdigest(), len(d), detect_format(d, rel), arrived, mail)
                page = used.index(k) + 1
                out.append(
                    unread_record(
                        source_k,
                        Status.ATTACHMENT,
                        errors.PHOTO_PAGE.format(first=PurePosixPath(first).name, page=page),
                    )
                )
            else:  # not a page after all (an activity photo among them): a picture of its own
                out.extend(self.read_bytes(d, rel, arrived, depth + 1, mail))
        return out

    def _extracted(self, doc: Document) -> Record:
        """The document's record with its facts; an extraction that breaks costs only them."""
        record = record_from_document(doc)
        try:
            return self.extract(doc, record)
        except Exception as e:
            log.exception("unexpected error extracting %s", doc.source.path)
            record.error = (
                f"已读取，但提取信息时出现意外错误（{type(e).__name__}）；请人工核对此文件，并把它转给技术人员排查"
            )
            return record

    def _member(
        self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, rel: str, archive: Source, depth: int
    ) -> list[Record]:
        arrived, mail = archive.arrived, archive.mail

        def failed(message: str) -> list[Record]:
            return [unread_record(Source(rel, "", info.file_size, "unknown", arrived, mail), Status.FAILED, message)]

        if not _safe_member(name):
            return failed(errors.UNSAFE_MEMBER)
        if info.flag_bits & 0x1:
            return failed(errors.ZIP_ENCRYPTED)
        if info.file_size > self.limits.max_file_bytes:
            return [self._too_large(rel, info.file_size, arrived, mail=mail)]
        if info.file_size > 10 * 1024 * 1024 and info.file_size > self.limits.max_ratio * max(info.compress_size, 1):
            return failed(errors.ZIP_BOMB.format(size=_human(info.file_size)))
        try:
            with zf.open(info) as fh:
                data = fh.read(self.limits.max_file_bytes + 1)  # never trust the declared size
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as e:
            log.info("bad member %s: %s", rel, e)
            return failed(errors.CORRUPT)
        return self.read_bytes(data, rel, arrived, depth + 1, mail)

    def _too_large(
        self, rel: str, size: int, arrived: str | None, source: Source | None = None, mail: dict | None = None
    ) -> Record:
        message = errors.TOO_LARGE.format(size=_human(size), limit=_human(self.limits.max_file_bytes))
        known = source or Source(rel, "", size, "unknown", arrived)
        return unread_record(Source(rel, known.sha256, size, known.format, arrived, mail), Status.FAILED, message)


# The number is a page's only when it is not the end of a longer one (IMG_1234.jpg, 微信图片_20180609…).
_PAGE_PHOTO = re.compile(r"^(?P<stem>.*?)[\s_\-－—（(第]*(?<!\d)(?P<n>\d{1,2})[)）页]?\.(?:jpe?g|png)$", re.I)


def photo_groups(names: list[str]) -> dict[str, list[str]]:
    """Pictures named as pages of one document (统计表1.jpg, 统计表2.jpg; 总结(1).png…), two or
    more with one stem: {the first page's name: the names in page order}."""
    stems: dict[str, list[tuple[int, str]]] = {}
    for name in names:
        m = _PAGE_PHOTO.match(PurePosixPath(name).name)
        if m:
            stems.setdefault(str(PurePosixPath(name).parent / m.group("stem")), []).append((int(m.group("n")), name))
    out = {}
    for pages in stems.values():
        if len(pages) >= 2:
            ordered = [name for _, name in sorted(pages)]
            out[ordered[0]] = ordered
    return out


def _member_bytes(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> bytes | None:
    """A member's bytes, or None when it is over the limits (read alone, it says why)."""
    if info.flag_bits & 0x1 or info.file_size > limits.max_file_bytes:
        return None
    try:
        with zf.open(info) as fh:
            data = fh.read(limits.max_file_bytes + 1)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None
    return data if len(data) <= limits.max_file_bytes else None


def _unique(rel: str, taken: list[str]) -> str:
    """Two members with the same name (zip allows it) get told apart: 方案.docx, 方案~2.docx."""
    if rel not in taken:
        return rel
    path = PurePosixPath(rel)
    k = 2
    while (candidate := str(path.with_name(f"{path.stem}~{k}{path.suffix}"))) in taken:
        k += 1
    return candidate


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's real name: Windows' zip writes GBK bytes without the UTF-8 flag."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            raw = name.encode("cp437")
        except UnicodeEncodeError:
            raw = None  # zipfile already decoded it some other way
        if raw is not None:
            name = decode_chinese(raw) or name
    return name.replace("\\", "/")


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return not (name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in path.parts)


def _skipped_member(name: str) -> bool:
    parts = PurePosixPath(name).parts
    base = parts[-1].lower() if parts else ""
    return (
        not parts
        or parts[0] == "__MACOSX"
        or base in _IGNORED_NAMES
        or base.startswith(("._", "~$"))
        or name.endswith("/")
    )


def _human(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f}MB"
    return f"{size / 1024:.0f}KB"
