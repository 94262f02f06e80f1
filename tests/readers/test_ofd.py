"""OFD files as two producers write them (samples/ofd: a writer made blind from GB/T 33190 by a
helper who never saw the reader): the text in reading order, the seal noted, a ruled table
found, a scanned page recognised, and the same facts as the same report in Word."""

from __future__ import annotations

import importlib.util
import io
import json
import subprocess
import sys
import zipfile

import pytest
from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH

from pipeline.extract import Extractor
from pipeline.inbox import FileReader
from pipeline.readers import ocr, read_document
from pipeline.readers.detect import detect_format
from tests.conftest import INBOX, ROOT, source_for

OFD = ROOT / "samples" / "ofd"


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    out = tmp_path_factory.mktemp("ofd")
    subprocess.run([sys.executable, str(OFD / "demo.py"), str(out)], check=True, capture_output=True)
    return out, json.loads((out / "expected.json").read_text(encoding="utf-8"))


def body_text(doc) -> str:
    return "".join(b.text for b in doc.blocks if b.kind not in ("header", "footer")).replace(" ", "")


def test_both_producers_read_in_order_with_seal_table_and_scan(made):
    out, expected = made
    for name, want in expected.items():
        data = (out / name).read_bytes()
        assert detect_format(data, name) == "ofd"
        if want["image_pages"] and not ocr.available():
            continue
        doc = read_document(data, source_for(out / name, data))
        assert body_text(doc) == "".join(want["text_without_page_numbers"].split()), name
        assert doc.sealed == want["sealed"], name
        assert len(doc.tables) == (1 if want["has_table"] else 0), name
        assert doc.metadata.title == want["title"] and doc.metadata.author == want["author"]
        assert doc.ocr_pages == [p + 1 for p in want["image_pages"]], name


def test_an_ofd_gives_the_facts_of_the_same_report_in_word(made, campaign):
    out, _ = made
    spec = importlib.util.spec_from_file_location("ofd_demo", OFD / "demo.py")
    demo = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(OFD))
    try:
        spec.loader.exec_module(demo)
    finally:
        sys.path.remove(str(OFD))
    word = WordDocument()
    for block in demo.HENAN:
        if block[0] == "title":
            word.add_paragraph(block[1]).alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif block[0] == "para":
            word.add_paragraph(block[1])
        elif block[0] == "sign":
            for text in block[1:3]:
                word.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    word.save(buffer)
    reader = FileReader(extract=Extractor(campaign))

    def facts(data: bytes, name: str):
        [rec] = reader.read_bytes(data, name, "2018-07-13T10:00:00+08:00")
        assert rec.status == "ok", rec.error
        return rec.submitter, rec.doc_kind, rec.doc_date, rec.activity_dates, rec.metrics, rec.activity_types

    want = facts(buffer.getvalue(), "总结.docx")
    assert want[0] == "河南省" and want[1] == "summary"
    assert facts((out / "01_henan_summary_A_sealed.ofd").read_bytes(), "总结.ofd") == want
    [sealed] = reader.read_bytes((out / "01_henan_summary_A_sealed.ofd").read_bytes(), "总结.ofd", None)
    assert sealed.sealed


def test_a_hostile_ofd_is_refused(made, campaign):
    out, _ = made
    data = (out / "01_henan_summary_A_sealed.ofd").read_bytes()
    reader = FileReader(extract=Extractor(campaign))

    def rewritten(member: str, content: bytes) -> bytes:
        src, buf = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for info in src.infolist():
                zf.writestr(info.filename, content if info.filename == member else src.read(info))
        return buf.getvalue()

    laughs = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><ofd:OFD xmlns:ofd="x">&a;</ofd:OFD>'
    [rec] = reader.read_bytes(rewritten("OFD.xml", laughs), "实体.ofd", None)
    assert rec.status == "failed" and "已损坏" in rec.error
    escaping = io.BytesIO(data)
    with zipfile.ZipFile(escaping, "a") as zf:
        zf.writestr("../../etc/x.xml", b"<x/>")
    [rec] = reader.read_bytes(escaping.getvalue(), "越界.ofd", None)
    assert rec.status == "failed" and "路径不安全" in rec.error
    [rec] = reader.read_bytes(data[: len(data) // 2], "截断.ofd", None)
    assert rec.status == "failed" and "已损坏" in rec.error


@pytest.mark.parametrize("name", sorted(p.name for p in (OFD / "easyofd").glob("*.ofd")))
def test_a_pdf_converted_by_easyofd_gives_the_facts_of_the_pdf(name, campaign):
    """samples/ofd/easyofd: two sample PDFs as the easyofd library converts them, one with its
    text (pieces of a line at one place, the page in points, a table without rules) and one
    with pages as pictures (recognised)."""
    if "45号" in name and not ocr.available():
        pytest.skip("需要文字识别组件 rapidocr-onnxruntime")
    reader = FileReader(extract=Extractor(campaign))
    pdf = INBOX / f"{name.removesuffix('.ofd')}.pdf"
    [want] = reader.read_bytes(pdf.read_bytes(), pdf.name, None)
    [got] = reader.read_bytes((OFD / "easyofd" / name).read_bytes(), name, None)
    assert got.status == "ok" and got.format == "ofd", got.error
    assert got.ocr == ("45号" in name)

    def facts(rec):
        return rec.submitter, rec.doc_kind, rec.doc_date, rec.activity_types, rec.activity_dates, rec.metrics

    assert facts(got) == facts(want)
    assert want.metrics or "45号" in name  # the 四川 summary's table gives its figures
