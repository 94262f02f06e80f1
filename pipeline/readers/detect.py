"""Tell a file's real format from its first bytes, not its name.

Offices rename files freely (a .doc that is really .docx, a web page saved as .pdf), so
the extension is only a hint for the few formats whose bytes look alike (.doc/.wps).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePosixPath

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (
    (b"\xff\xd8\xff", "image"),
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"GIF87a", "image"),
    (b"GIF89a", "image"),
    (b"BM", "image"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
)
_PHOTO_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis"}
_VIDEO_EXT = {".mp4", ".mov", ".avi", ".wmv", ".flv", ".mkv", ".3gp", ".m4v", ".mpg", ".mpeg"}
_IMAGE_EXT = {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".webp"}


def _ole_kind(data: bytes, ext: str) -> str:
    """An OLE compound file: Word 97 (.doc/.wps), an encrypted OOXML file, or other Office."""
    head = data[: 1 << 20]
    if "EncryptedPackage".encode("utf-16-le") in head:
        return "encrypted_office"
    if "WordDocument".encode("utf-16-le") in head:
        return "wps" if ext == ".wps" else "doc"
    if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
        return "et" if ext == ".et" else "xls"
    if "PowerPoint Document".encode("utf-16-le") in head:
        return "ppt"
    return "wps" if ext == ".wps" else "ole"


def _zip_kind(data: bytes, ext: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            mimetype = zf.read("mimetype") if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError):
        # A truncated Office file still starts with PK: keep the Office format so the
        # reader reports it as damaged rather than as an odd archive.
        return {".docx": "docx", ".xlsx": "xlsx", ".pptx": "pptx", ".ofd": "ofd"}.get(ext, "zip")
    if any(n.lower() == "ofd.xml" for n in names):
        return "ofd"
    if "word/document.xml" in names or any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.startswith("ppt/") for n in names):
        return "pptx"
    if mimetype:
        return "odt" if b"opendocument.text" in mimetype else "odf"
    if "[Content_Types].xml" in names and ext == ".docx":
        return "docx"
    return "zip"


def _looks_like_text(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample:
        return False
    for enc in ("utf-8", "gb18030"):
        try:
            sample.decode(enc)
            return True
        except UnicodeDecodeError as e:
            if e.start > len(sample) - 4:  # cut in the middle of a character
                return True
    return False


def _is_html(head: bytes) -> bool:
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return True
    if lowered.startswith((b"<?xml", b"<!--")) and b"<html" in lowered:
        return True
    # Word's "save as web page" (.mht) wrapped in MIME.
    return lowered.startswith(b"mime-version") and b"text/html" in lowered


_MAIL_HEADERS = re.compile(
    rb"^(?:from|to|subject|date|received|return-path|message-id|mime-version|x-[a-z-]+|delivered-to|reply-to|cc)\s*:",
    re.I | re.M,
)


def _is_mail(head: bytes, ext: str) -> bool:
    """An RFC 822 message: header lines first (Word's .mht web pages are MIME too, and stay html)."""
    if ext in (".mht", ".mhtml"):
        return False
    found = {m.group(0).split(b":")[0].strip().lower() for m in _MAIL_HEADERS.finditer(head)}
    return (
        ext == ".eml"
        and bool(found)
        or b"from" in found
        and len(found & {b"subject", b"date", b"received", b"message-id"}) >= 2
    )


def detect_format(data: bytes, name: str) -> str:
    """Return a format name: pdf, docx, doc, wps, rtf, zip, html, text, image, video, empty…"""
    ext = PurePosixPath(name).suffix.lower()
    if not data:
        return "empty"
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_kind(data, ext)
    if data.startswith(_OLE):
        return _ole_kind(data, ext)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return "rtf"
    for magic, kind in _IMAGE_MAGIC:
        if data.startswith(magic):
            return kind
    if data[4:8] == b"ftyp" and data[8:12] in _PHOTO_BRANDS:  # an iPhone's HEIC photo is an ISO box file too
        return "image"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image"
    if data[4:8] == b"ftyp" or (data.startswith(b"RIFF") and data[8:12] == b"AVI "):
        return "video"
    if data.startswith(b"\x1a\x45\xdf\xa3") or data.startswith(b"FLV"):
        return "video"
    if data.startswith(b"Rar!") or data.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "rar" if data.startswith(b"Rar!") else "7z"
    if _is_mail(head, ext):
        return "eml"
    if _is_html(head):
        return "html"
    if ext in _VIDEO_EXT:
        return "video"
    if ext in _IMAGE_EXT:
        return "image"
    if _looks_like_text(data):
        return "csv" if ext == ".csv" else "text"
    return "unknown"
