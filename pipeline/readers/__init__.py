"""Readers, one per format, chosen from a table by the format detected from the bytes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath

from pipeline import errors
from pipeline.errors import UnreadableFile
from pipeline.model import Document, Source, Status
from pipeline.readers.docx import read_docx
from pipeline.readers.legacy import read_legacy
from pipeline.readers.ocr import OcrOptions
from pipeline.readers.ofd import read_ofd
from pipeline.readers.pdf import read_pdf
from pipeline.readers.sheet import read_csv, read_xls, read_xlsx

Reader = Callable[[bytes, Source], Document]

READERS: dict[str, Reader] = {
    "docx": read_docx,
    "doc": read_legacy,
    "wps": read_legacy,
    "rtf": read_legacy,
    "xlsx": read_xlsx,
    "xls": read_xls,
    "et": read_xls,
    "csv": read_csv,
}

ATTACHMENT_FORMATS = {"image", "video"}

_OTHER_KINDS = {
    "pptx": "PowerPoint演示文稿",
    "ppt": "PowerPoint演示文稿",
    "odt": "OpenDocument文档",
    "odf": "OpenDocument文件",
    "rar": "RAR压缩包",
    "7z": "7z压缩包",
    "ole": "Office旧格式文件",
}


def read_document(data: bytes, source: Source, ocr_options: OcrOptions | None = None) -> Document:
    """Read one file whose format is already detected; raise UnreadableFile if it can't be.
    `ocr_options` say how scanned pages are recognised in this process (threads, sharing)."""
    if source.format == "pdf":  # the formats with scanned pages
        return read_pdf(data, source, ocr_options)
    if source.format == "ofd":
        return read_ofd(data, source, ocr_options)
    reader = READERS.get(source.format)
    if reader is not None:
        return reader(data, source)
    ext = PurePosixPath(source.path).suffix or "（无）"
    match source.format:
        case "empty":
            raise UnreadableFile(errors.EMPTY)
        case "encrypted_office":
            raise UnreadableFile(errors.ENCRYPTED)
        case "html":
            raise UnreadableFile(errors.HTML_FILE.format(ext=ext), Status.UNSUPPORTED)
        case "text":
            raise UnreadableFile(errors.TEXT_FILE.format(ext=ext), Status.UNSUPPORTED)
        case fmt if fmt in _OTHER_KINDS:
            raise UnreadableFile(errors.OTHER_OFFICE.format(kind=_OTHER_KINDS[fmt]), Status.UNSUPPORTED)
    raise UnreadableFile(errors.UNKNOWN_FORMAT.format(ext=ext), Status.UNSUPPORTED)
