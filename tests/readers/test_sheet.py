"""Statistics workbooks: the facts of a sheet are those of the same table in a Word file,
whether openpyxl wrote it (no cached formula values), LibreOffice wrote it (.xlsx, .xls, and an
.et as WPS saves it), or Excel on Chinese Windows saved it as CSV in GBK."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import pytest
from docx import Document as WordDocument
from openpyxl import Workbook

from pipeline.extract import Extractor
from pipeline.inbox import FileReader
from pipeline.readers import sheet

TITLE = "2018年世界认可日活动情况统计表"
FIELDS = ("填报单位：湖北省质量技术监督局（盖章）", "填报日期：2018年7月13日")
HEADER = ["序号", "地区", "活动时间", "场次", "参与人次", "发放资料（份）", "媒体报道（篇）", "接受咨询（人次）"]
ROWS = [[1, "武汉市", "6月9日", 5, 12000, 8000, 12, 1500], [2, "襄阳市", "6月8日", 3, 5000, 3000, 6, 600]]
FOOTER = ("填表人：张明", "联系电话：027-87654321")


def workbook() -> bytes:
    """As a clerk lays it out: a merged title, the fields, a two-row header, a 合计 row of
    =SUM() formulas (openpyxl saves no values for them), a footer, a hidden list sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append([TITLE])
    ws.merge_cells("A1:H1")
    ws.append([FIELDS[0], None, None, None, None, FIELDS[1]])
    ws.append([])
    ws.append(["序号", "地区", "活动时间", "活动情况", None, "宣传情况", None, None])
    ws.merge_cells("D4:E4")
    ws.merge_cells("F4:H4")
    ws.append([None, None, None, *HEADER[3:]])
    for col in "ABC":
        ws.merge_cells(f"{col}4:{col}5")
    for row in ROWS:
        ws.append(row)
    ws.append(["合计", None, None, *(f"=SUM({c}6:{c}7)" for c in "DEFGH")])
    ws.append([])
    ws.append(list(FOOTER))
    lists = wb.create_sheet("下拉选项")
    lists.append(["宣传推广", "开放体验", "国家认监委"])
    lists.sheet_state = "hidden"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def word() -> bytes:
    doc = WordDocument()
    doc.add_paragraph(TITLE)
    for f in FIELDS:
        doc.add_paragraph(f)
    table = doc.add_table(rows=1, cols=len(HEADER))
    for cell, text in zip(table.rows[0].cells, HEADER):
        cell.text = text
    totals = ["合计", "", "", *(str(sum(r[c] for r in ROWS)) for c in range(3, 8))]
    for row in [*ROWS, totals]:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = str(value)
    for f in FOOTER:
        doc.add_paragraph(f)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def facts(data: bytes, name: str, campaign):
    [rec] = FileReader(extract=Extractor(campaign)).read_bytes(data, name, "2018-07-13T10:00:00+08:00")
    assert rec.status == "ok", rec.error
    return (rec.submitter, rec.doc_kind, rec.activity_dates, rec.metrics)


def test_a_workbook_reads_as_the_same_table_in_word(campaign):
    got = facts(workbook(), "统计表.xlsx", campaign)
    assert got == facts(word(), "统计表.docx", campaign)
    assert got[0] == "湖北省" and got[1] == "summary"
    assert got[3] == {"participants": 17000, "materials": 11000, "media_reports": 18, "consultations": 2100}
    doc = sheet.read_xlsx(workbook(), source_for("统计表.xlsx"))
    assert doc.blocks[0].text == TITLE and doc.blocks[0].kind == "title"
    assert [b.text for b in doc.blocks if b.kind == "paragraph"] == [*FIELDS, *FOOTER]
    [table] = doc.tables
    assert table.rows[0] == HEADER and table.rows[-1][3:] == ["8", "17000", "11000", "18", "2100"]
    assert "国家认监委" not in doc.text()  # the hidden sheet of drop-down lists


def source_for(name: str):
    from pipeline.model import Source

    return Source(name, "", 0, "xlsx")


def soffice_convert(path, to: str, outdir, profile) -> bytes:
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", to]
        + ["--outdir", str(outdir), str(path)],
        capture_output=True,
        timeout=120,
        check=True,
    )
    return (outdir / f"{path.stem}.{to.split(':')[0]}").read_bytes()


@pytest.mark.skipif(not shutil.which("soffice"), reason="需要 LibreOffice（soffice）把表格转成 .xls 和 .xlsx")
def test_xlsx_xls_and_et_as_libreoffice_and_wps_save_them(campaign, tmp_path):
    (tmp_path / "统计表.xlsx").write_bytes(workbook())
    xls = soffice_convert(tmp_path / "统计表.xlsx", "xls", tmp_path, tmp_path / "p")
    want = facts(word(), "统计表.docx", campaign)
    assert facts(xls, "统计表.xls", campaign) == want
    assert facts(xls, "统计表.et", campaign) == want  # WPS's .et: the same BIFF workbook
    # Saved by LibreOffice Calc as .xlsx: its own XML, formula values cached, merges kept.
    (tmp_path / "calc").mkdir()
    xlsx = soffice_convert(tmp_path / "统计表.xls", "xlsx:Calc MS Excel 2007 XML", tmp_path / "calc", tmp_path / "p")
    with zipfile.ZipFile(io.BytesIO(xlsx)) as package:
        assert "LibreOffice" in package.read("docProps/app.xml").decode()
    assert facts(xlsx, "统计表.xlsx", campaign) == want


def test_a_csv_from_excel_on_chinese_windows(campaign):
    lines = [TITLE, ",".join(FIELDS), ",".join(HEADER)]
    lines += [",".join(map(str, r)) for r in ROWS]
    lines += ["合计,,," + ",".join(str(sum(r[c] for r in ROWS)) for c in range(3, 8)), ",".join(FOOTER)]
    data = "\r\n".join(lines).encode("gbk")
    assert facts(data, "统计表.csv", campaign) == facts(word(), "统计表.docx", campaign)


def test_broken_and_huge_workbooks_say_so(campaign, monkeypatch):
    reader = FileReader(extract=Extractor(campaign))
    [rec] = reader.read_bytes(workbook()[:3000], "坏.xlsx", None)
    assert rec.status == "failed" and "已损坏" in rec.error
    monkeypatch.setattr(sheet, "MAX_CELLS", 20)
    [rec] = reader.read_bytes(workbook(), "大.xlsx", None)
    assert rec.status == "failed" and "表格过大" in rec.error


def test_statistics_sheets_written_blind(campaign, tmp_path):
    """samples/sheets: six workbooks and a CSV made as clerks make them (a helper who never saw
    the reader wrote and labelled them), each read with its labelled sender, kind, dates, figures."""
    import json
    import sys

    from tests.conftest import ROOT

    subprocess.run([sys.executable, str(ROOT / "samples" / "sheets" / "make_sheets.py"), str(tmp_path)], check=True)
    labels = json.loads((ROOT / "samples" / "sheets" / "labels.json").read_text(encoding="utf-8"))
    wrong = []
    for label in labels:
        got = facts((tmp_path / label["file"]).read_bytes(), label["file"], campaign)
        want = (label["submitter"], label["doc_kind"], label["activity_dates"], label["metrics"])
        wrong += [
            f"{label['file']}: {name} {g!r} != {w!r}"
            for name, g, w in zip(("单位", "类型", "日期", "数字"), got, want)
            if g != w
        ]
    assert not wrong, wrong
