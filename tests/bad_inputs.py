"""The bad-input corpus, generated (most of these files cannot be committed sensibly).

Each case is (file name, bytes, expected status, words the message must contain).
"""

from __future__ import annotations

import io
import zipfile

import docx
from pypdf import PdfReader, PdfWriter

from tests.conftest import sample


def _docx(paragraphs: list[str]) -> bytes:
    d = docx.Document()
    for text in paragraphs:
        d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _replace_document_xml(data: bytes, xml: bytes) -> bytes:
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for info in src.infolist():
            zf.writestr(info.filename, xml if info.filename == "word/document.xml" else src.read(info))
    return out.getvalue()


def _pdf(**encrypt) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(sample("c10", "pdf")))
    writer.encrypt(**encrypt)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


_W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b"]><w:document "
    + _W
    + b"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
)
DEEP = (
    b'<?xml version="1.0"?><w:document '
    + _W
    + b"><w:body>"
    + b"<w:sdt><w:sdtContent>" * 5000
    + b"</w:sdtContent></w:sdt>" * 5000
    + b"</w:body></w:document>"
)


def cases() -> list[tuple[str, bytes, str, str]]:
    plain = _docx(["2018年世界认可日活动总结", "6月9日，我局开展宣传活动。"])
    pdf = sample("c10", "pdf").read_bytes()
    jpeg = sample(fmt="image", status="attachment").read_bytes()
    xref = pdf.rfind(b"startxref")
    return [
        ("空文件.docx", b"", "failed", "为空"),
        ("截断.docx", plain[: len(plain) * 6 // 10], "failed", "已损坏"),
        ("缺正文.docx", _without(plain, "word/document.xml"), "failed", "已损坏"),
        ("实体炸弹.docx", _replace_document_xml(plain, LAUGHS), "*", ""),
        ("深层嵌套.docx", _replace_document_xml(plain, DEEP), "*", ""),
        ("用户密码.pdf", _pdf(user_password="rkr2018"), "failed", "密码"),
        ("仅所有者密码.pdf", _pdf(user_password="", owner_password="owner"), "ok", ""),
        ("交叉引用表损坏.pdf", pdf[:xref] + b"startxref\n999999\n%%EOF\n", "ok", ""),
        ("其实是照片.pdf", jpeg, "needs_ocr", "图片"),
        ("网页另存.doc", "<html><body>世界认可日活动</body></html>".encode(), "unsupported", "网页"),
        ("纯文本.doc", "世界认可日活动总结\n我局开展了宣传活动。".encode("gbk"), "unsupported", "纯文本"),
        ("改名的docx.pdf", plain, "ok", ""),
        ("改名的pdf.docx", pdf, "ok", ""),
        ("=公式开头.docx", _docx(['=HYPERLINK("http://x")', "+1+2", "-3", "@SUM(A1)"]), "ok", ""),
        ("No Chinese.docx", _docx(["Annual report", "We held an open day on 9 June 2018."]), "ok", ""),
        ("带 空格 和（全角括号）的文件名【终稿】.docx", plain, "ok", ""),
        ("L" * 200 + ".docx", plain, "ok", ""),
        ("截断.xlsx", _xlsx()[:1500], "failed", "已损坏"),
        ("实体炸弹.xlsx", _replace_member(_xlsx(), "xl/worksheets/sheet1.xml", LAUGHS), "*", ""),
        ("公式开头.xlsx", _xlsx([['=HYPERLINK("http://x")', "=1+2"], ["@SUM(A1)", "-3"]]), "ok", ""),
        ("空表.xlsx", _xlsx([]), "ok", ""),
        ("乱码.csv", bytes(range(256)) * 4, "*", ""),
        ("其实是docx.xlsx", plain, "ok", ""),
        # An iPhone's HEIC photo (an ISO box file, as a video is): no decoder for it here.
        ("IMG_0412.HEIC", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(200), "attachment", "转为 JPG"),
        ("截断的照片.jpg", b"\xff\xd8\xff\xe0" + bytes(100), "attachment", "无法解码"),
    ]


def _xlsx(rows: list[list] | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for row in [["2018年世界认可日活动统计表"], ["参与人次", "发放资料（份）"], [1200, 3000]] if rows is None else rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _replace_member(data: bytes, member: str, content: bytes) -> bytes:
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for info in src.infolist():
            zf.writestr(info.filename, content if info.filename == member else src.read(info))
    return out.getvalue()


def _without(data: bytes, member: str) -> bytes:
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for info in src.infolist():
            if info.filename != member:
                zf.writestr(info.filename, src.read(info))
    return out.getvalue()


def long_documents(pages: int = 300) -> list[tuple[str, bytes]]:
    """A 300-page Word file (a page break after each page's text) and a 300-page PDF."""
    d = docx.Document()
    d.add_paragraph("××省2018年世界认可日活动资料汇编")
    for n in range(1, pages + 1):
        d.add_paragraph(f"{n}. 第{n}场活动")
        d.add_paragraph(
            f"6月{n % 20 + 1}日，我局在第{n}个检验检测机构开展开放日活动，接待群众{n * 3}人次，"
            "发放宣传资料200份，并组织专家现场答疑。"
        )
        d.add_page_break()
    buf = io.BytesIO()
    d.save(buf)
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(sample("c10", "pdf").read_bytes())
    out = pdfium.PdfDocument.new()
    out.import_pages(src, [n % len(src) for n in range(pages)])
    pdf = io.BytesIO()
    out.save(pdf)
    return [("资料汇编300页.docx", buf.getvalue()), ("资料汇编300页.pdf", pdf.getvalue())]
