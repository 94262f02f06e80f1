import difflib
import subprocess

import pdfplumber
import pytest

from pipeline import errors
from pipeline.errors import UnreadableFile
from pipeline.model import BlockKind, Status
from pipeline.readers import read_document
from pipeline.readers.legacy import soffice_path
from tests.conftest import INBOX, LABELS, needs_soffice, sample, source_for


def read(path):
    data = path.read_bytes()
    return read_document(data, source_for(path, data))


def body_text(doc) -> str:
    return "".join(b.text for b in doc.blocks if b.kind in (BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.TITLE))


def test_pdf_made_from_docx_reads_like_the_docx():
    """Lines wrapped mid-sentence are joined back: the PDF's paragraphs match the .docx's."""
    docx_doc, pdf_doc = read(sample("c08", "docx")), read(sample("c08", "pdf"))
    ratio = difflib.SequenceMatcher(None, body_text(docx_doc), body_text(pdf_doc), autojunk=False).ratio()
    assert ratio > 0.95
    docx_paras = [b.text for b in docx_doc.blocks if b.kind is BlockKind.PARAGRAPH and len(b.text) > 60]
    pdf_paras = {b.text for b in pdf_doc.blocks if b.kind is BlockKind.PARAGRAPH}
    joined = sum(1 for p in docx_paras if p in pdf_paras)
    assert joined >= 0.8 * len(docx_paras), "long paragraphs come back whole, not line by line"


def test_pages_locations_and_title():
    doc = read(sample("c10", "pdf"))
    assert doc.pages >= 1
    assert all(b.loc.page is not None for b in doc.blocks)
    assert any(b.kind is BlockKind.TITLE and "世界认可日" in b.text for b in doc.blocks)
    assert any(b.align == "right" for b in doc.blocks), "the 落款 is right-aligned"


def test_ruled_table_is_kept_as_rows():
    doc = read(sample("c03", "pdf"))  # a plan carried by a schedule table
    assert doc.tables
    assert any("时间" in cell for cell in doc.tables[0].rows[0])
    cells = [b for b in doc.blocks if b.kind is BlockKind.TABLE_CELL]
    assert cells and cells[0].loc.table == 1 and cells[0].loc.page >= 1


def _draws_every_character_twice(path) -> bool:
    with pdfplumber.open(path) as pdf:
        return "世世界界" in (pdf.pages[0].extract_text() or "")


def test_fake_bold_doubled_characters_are_removed():
    pdfs = [
        INBOX / lab["file"]
        for lab in LABELS
        if lab["format"] == "pdf" and lab["status"] == "ok" and "/" not in lab["file"]
    ]
    fake = next(p for p in pdfs if _draws_every_character_twice(p))
    doc = read(fake)
    text = body_text(doc)
    assert "世界认可日" in text
    assert "世世界界" not in text and "认认可可" not in text


def test_page_numbers_are_footers_not_body():
    doc = read(sample("c08", "pdf"))
    assert not any(b.kind is BlockKind.PARAGRAPH and b.text.strip("—- ").isdigit() for b in doc.blocks)


def test_the_sample_scans_are_read_by_ocr(sample_reads):
    """Every scanned sample (the session's read) came through OCR, confidently, with its title."""
    scans = [records[0] for rel, records in sample_reads.items() if "扫描件" in rel]
    assert len(scans) >= 4
    for rec in scans:
        assert rec.ocr and rec.ocr_confidence > 0.9 and rec.pages >= 1, rec.file
        assert rec.status == "ok" and rec.submitter, rec.file


def test_encrypted_pdf_fails_with_a_clear_message():
    path = sample(fmt="pdf", status="failed")
    with pytest.raises(UnreadableFile) as e:
        read(path)
    assert e.value.status is Status.FAILED
    assert "密码" in e.value.message


def test_broken_pdf_is_reported_as_damaged(tmp_path):
    data = sample("c10", "pdf").read_bytes()
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(data[:200])
    with pytest.raises(UnreadableFile) as e:
        read_document(broken.read_bytes(), source_for(broken))
    assert e.value.message == errors.CORRUPT


@needs_soffice
def test_a_table_cut_by_page_breaks_is_one_table(tmp_path):
    """Word repeats the heading row on each page and lets a row break across pages; the PDF's
    table comes back as the .docx's: the heading once, the cut row whole, every row in order."""
    from docx import Document as WordDocument
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    word = WordDocument()
    word.add_paragraph("某市2018年世界认可日活动总结")
    for _ in range(8):
        word.add_paragraph("今年以来，我局围绕世界认可日主题，组织开展了形式多样的宣传活动，取得了良好效果。" * 2)
    table = word.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["日期", "地点", "活动内容", "参加人数（人）"]):
        cell.text = text
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    visit = "开展实验室开放日活动，邀请市民走进实验室参观体验检测过程"
    for k in range(9):
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[3].text = f"6月{k + 5}日", "市区", str(100 + k)
        cells[2].text = "，".join([visit] * (12 if k == 4 else 1)) + "。"
    word.add_paragraph("以上活动均按计划完成。")
    word.save(tmp_path / "总结.docx")
    subprocess.run(
        [
            soffice_path(),
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "总结.docx"),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    pdf_doc = read(tmp_path / "总结.pdf")
    assert pdf_doc.pages >= 2
    expected = [[c.text for c in row.cells] for row in table.rows]
    assert len(pdf_doc.tables) == 1
    assert [["".join(c.split()) for c in row] for row in pdf_doc.tables[0].rows] == expected
    cells = {(b.loc.row, b.loc.column): b.text for b in pdf_doc.blocks if b.kind is BlockKind.TABLE_CELL}
    assert cells[(6, 3)].replace(" ", "") == expected[5][2], "the cut row's cell block is whole too"


def test_a_row_under_a_merged_first_cell_is_not_joined_to_the_row_above():
    from pipeline.readers.fixed import _rest_of_row

    above = ["6月9日", "南京", "宣传咨询活动", "省局"]
    assert _rest_of_row(above, ["", "", "（续）设展板、发资料", ""])
    assert not _rest_of_row(above, ["", "苏州", "同步设点宣传", "市局"]), "a new row sharing a merged date"
    assert not _rest_of_row(above, ["6月10日", "", "", ""])
