import io
import zipfile

import pytest

from pipeline.readers.detect import detect_format


def _zip(names: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in names.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"", "a.docx", "empty"),
        (b"%PDF-1.7\n...", "a.doc", "pdf"),
        (b"<!DOCTYPE html><html><body>news</body></html>", "a.pdf", "html"),
        (b"\xef\xbb\xbf<html><head>", "a.doc", "html"),
        (b'MIME-Version: 1.0\nContent-Type: multipart/related; type="text/html"', "a.doc", "html"),
        (b"{\\rtf1\\ansi ...}", "a.doc", "rtf"),
        (b"\xff\xd8\xff\xe0rest", "photo.pdf", "image"),
        (b"\x89PNG\r\n\x1a\nrest", "p.png", "image"),
        (b"\x00\x00\x00\x18ftypmp42rest", "v.mp4", "video"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "IMG_0412.HEIC", "image"),
        ("世界认可日活动总结\n".encode("gbk"), "a.doc", "text"),
        (b"PK\x03\x04truncated", "a.docx", "docx"),
        (b"PK\x03\x04truncated", "a.zip", "zip"),
    ],
)
def test_format_comes_from_the_bytes(data, name, expected):
    assert detect_format(data, name) == expected


def test_zip_containers_are_told_apart_by_their_members():
    assert detect_format(_zip({"word/document.xml": b"<w/>", "[Content_Types].xml": b""}), "x.doc") == "docx"
    assert detect_format(_zip({"xl/workbook.xml": b""}), "x.docx") == "xlsx"
    assert detect_format(_zip({"方案.docx": b"x"}), "x.docx") == "zip"


def test_ole_files_are_word_or_wps_by_stream_and_extension():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "WordDocument".encode("utf-16-le")
    assert detect_format(ole, "a.doc") == "doc"
    assert detect_format(ole, "a.wps") == "wps"
    encrypted = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le")
    assert detect_format(encrypted, "a.docx") == "encrypted_office"
