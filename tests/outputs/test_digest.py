"""The reviewers' workbook, opened with openpyxl as a reviewer's Excel would see it."""

import time
import zipfile
from datetime import datetime

import pytest
from openpyxl import load_workbook

from pipeline.outputs.digest import SHEETS
from pipeline.records.merge import merge
from pipeline.records.reviews import REVIEW_COLUMNS
from pipeline.run import previous_reviews, write_outputs
from tests.conftest import INBOX, LABELS


def run_once(sample_batches, campaign, out, edit=None):
    records = merge(sample_batches(), previous_reviews(out), campaign)
    if edit:
        edit(records)
    return write_outputs(records, out, time.monotonic(), INBOX, campaign), records


@pytest.fixture(scope="module")
def digest(sample_batches, campaign, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    run_once(sample_batches, campaign, out)
    return out


def header(ws):
    return [c.value for c in ws[1]]


def column(ws, name):
    col = header(ws).index(name)
    return [row[col] for row in ws.iter_rows(min_row=2, values_only=True)]


def test_sheets_headers_freeze_and_filters(digest):
    wb = load_workbook(digest / "digest.xlsx")
    visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert visible == list(SHEETS)
    assert [ws.sheet_state for ws in wb.worksheets if ws.title not in SHEETS] == ["veryHidden"]  # the review baseline
    for name in SHEETS[1:]:
        ws = wb[name]
        assert ws.freeze_panes == "A2", name
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), name
    for name in ("文件清单", "典型案例"):
        assert set(REVIEW_COLUMNS) <= set(header(wb[name]))


def test_review_columns_have_drop_downs(digest):
    ws = load_workbook(digest / "digest.xlsx")["文件清单"]
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"采用,待核实,不采用"' in lists and '"是,否"' in lists


def test_overview_has_native_charts_and_counts(digest):
    ws = load_workbook(digest / "digest.xlsx")["总览"]
    assert len(ws._charts) == 2
    facts = {row[0]: row[1] for row in ws.iter_rows(min_row=2, max_row=12, values_only=True) if row[0]}
    assert facts["收到文件数"] == len(LABELS)  # one record per file, zip members included
    assert any(k.startswith("必报单位已报方案") and v > 5 for k, v in facts.items())


def test_file_list_links_open_the_source_and_dates_are_real_dates(digest):
    ws = load_workbook(digest / "digest.xlsx")["文件清单"]
    links = [ws.cell(row=r, column=1).hyperlink for r in range(2, ws.max_row + 1)]
    assert all(links)
    for link in links[:10]:
        assert (digest / link.target).resolve().exists(), link.target
    arrived = [v for v in column(ws, "收到时间") if v is not None]
    assert arrived and all(isinstance(v, datetime) for v in arrived)
    assert any(isinstance(v, datetime) for v in column(ws, "落款日期"))


def test_submission_sheet_lists_every_required_sender_and_who_owes_what(digest, campaign):
    ws = load_workbook(digest / "digest.xlsx")["报送情况"]
    names = [n for n in column(ws, "报送单位") if n]
    assert names[: len(campaign.roster)] == [r.name for r in campaign.roster]
    assert "中国质量认证中心南京分中心" in names  # voluntary senders follow
    missing = [r for r in range(2, len(campaign.roster) + 2) if ws.cell(row=r, column=4).value == "否"]
    assert missing and ws.cell(row=missing[0], column=4).fill.fgColor.rgb.endswith("F8CBAD")
    texts = [c.value for c in ws["A"] if isinstance(c.value, str)]
    assert any(t.startswith("催报名单") for t in texts)
    assert any("：活动总结（" in t for t in texts)


def test_approximate_numbers_stay_numbers_but_read_with_yu(digest):
    ws = load_workbook(digest / "digest.xlsx")["亮点与数据"]
    formats = [c.number_format for row in ws.iter_rows(min_row=2, min_col=3, max_col=7) for c in row if c.value]
    assert '#,##0"余"' in formats


def test_text_that_looks_like_a_formula_is_written_as_text(sample_batches, campaign, tmp_path):
    def poison(records):
        rec = next(r for r in records if r.status == "ok" and r.doc_kind == "summary")
        rec.submitter = '=HYPERLINK("http://x","点我")'
        rec.activities[0]["evidence"] = "+1+2"
        rec.highlights = [{"text": "@SUM(A1)", "location": "第1段"}, {"text": "-2+3", "location": "第2段"}]

    run_once(sample_batches, campaign, tmp_path, poison)
    with zipfile.ZipFile(tmp_path / "digest.xlsx") as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in zf.read(name), name
    ws = load_workbook(tmp_path / "digest.xlsx")["文件清单"]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)


def test_reviewer_edits_survive_runs_and_take_effect(sample_batches, campaign, tmp_path):
    run_once(sample_batches, campaign, tmp_path)
    path = tmp_path / "digest.xlsx"
    wb = load_workbook(path)
    cases = wb["典型案例"]
    h = header(cases)
    top_file = cases.cell(row=2, column=h.index("文件") + 1).value
    cases.cell(row=2, column=h.index("是否推荐") + 1, value="否")
    cases.cell(row=2, column=h.index("审核意见") + 1, value="数字需核实")
    last = cases.max_row
    low_file = cases.cell(row=last, column=h.index("文件") + 1).value
    cases.cell(row=last, column=h.index("是否推荐") + 1, value="是")
    files = wb["文件清单"]
    fh = header(files)
    row = next(
        r for r in range(2, files.max_row + 1) if files.cell(row=r, column=fh.index("文件") + 1).value == top_file
    )
    files.cell(row=row, column=fh.index("审核结论") + 1, value="待核实")
    files.cell(row=row, column=fh.index("更正报送单位") + 1, value="宁夏")
    wb.save(path)

    for _ in range(2):  # the edit is kept by the next run and the one after
        report, _ = run_once(sample_batches, campaign, tmp_path)
        wb = load_workbook(path)
        files = wb["文件清单"]
        row = next(r for r in range(2, files.max_row + 1) if files.cell(row=r, column=1).value == top_file)
        values = {h: files.cell(row=row, column=i + 1).value for i, h in enumerate(header(files))}
        assert values["审核结论"] == "待核实" and values["是否推荐"] == "否" and values["审核意见"] == "数字需核实"
        assert values["报送单位"] == "宁夏回族自治区", "the correction wins over extraction"
        picked = (tmp_path / "shortlist.md").read_text(encoding="utf-8")
        assert top_file not in picked and low_file in picked
    assert list((tmp_path / "history").glob("digest-*.xlsx"))


def test_an_untouched_digest_is_not_read_back_but_an_edited_one_is(sample_batches, campaign, tmp_path, monkeypatch):
    import pipeline.run as pipeline_run

    run_once(sample_batches, campaign, tmp_path)
    read = []
    real = pipeline_run.harvest
    monkeypatch.setattr(pipeline_run, "harvest", lambda *a: read.append(1) or real(*a))
    run_once(sample_batches, campaign, tmp_path)
    assert read == [], "the digest is the very file the last run wrote"

    path = tmp_path / "digest.xlsx"
    wb = load_workbook(path)
    files = wb["文件清单"]
    key_col = header(files).index("文件指纹") + 1
    key = files.cell(row=2, column=key_col).value
    files.cell(row=2, column=header(files).index("审核意见") + 1, value="请补充照片")
    wb.save(path)
    _, records = run_once(sample_batches, campaign, tmp_path)
    assert read == [1]
    assert next(r for r in records if r.sha256 == key).review["comment"] == "请补充照片"
    assert load_workbook(path)["文件清单"].column_dimensions["A"].alignment.wrap_text, "typed text wraps"


def test_an_open_digest_is_not_overwritten(sample_batches, campaign, tmp_path):
    run_once(sample_batches, campaign, tmp_path)
    before = (tmp_path / "digest.xlsx").read_bytes()
    (tmp_path / "~$digest.xlsx").write_bytes(b"lock")
    report, _ = run_once(sample_batches, campaign, tmp_path)
    assert (tmp_path / "digest.xlsx").read_bytes() == before
    assert report["digest"] != "digest.xlsx" and (tmp_path / report["digest"]).exists()
    assert "正被打开" in report["notes"][0]


def test_a_review_follows_the_revised_version(sample_batches, campaign):
    batches = sample_batches()
    records = merge(sample_batches(), {}, campaign)
    old = next(r for r in records if r.status == "superseded")
    records = merge(batches, {old.sha256: {"comment": "请补充照片"}}, campaign)
    by_file = {r.file: r for r in records}
    assert by_file[old.superseded_by].review.get("comment") == "请补充照片"


def test_records_carry_the_score_the_digest_ranks_by(digest):
    import json

    records = [json.loads(line) for line in (digest / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    ws = load_workbook(digest / "digest.xlsx", read_only=True)["典型案例"]
    rows = ws.iter_rows(values_only=True)
    h = list(next(rows))
    ranked = {row[h.index("文件")]: row[h.index("得分")] for row in rows if row[h.index("文件")]}
    scored = {r["file"]: r for r in records if r["score"] is not None}
    assert scored and set(scored) == set(ranked)
    for file, rec in scored.items():
        assert rec["status"] == "ok" and rec["doc_kind"] == "summary"
        assert rec["score"] == pytest.approx(ranked[file])
        assert [p["name"] for p in rec["score_parts"]] == [n for n in h if n in {p["name"] for p in rec["score_parts"]}]
        assert rec["score"] == pytest.approx(round(sum(p["points"] for p in rec["score_parts"]), 1))
    others = [r for r in records if r["file"] not in scored]
    assert others and all(r["score"] is None and r["score_parts"] is None for r in others)


def test_the_file_list_says_how_each_sender_was_decided_and_weak_ones_are_to_be_checked(digest, sample_records):
    wb = load_workbook(digest / "digest.xlsx")
    files = wb["文件清单"]
    sources, confidences = column(files, "单位依据"), column(files, "单位可信度")
    named = [(s, c) for s, c in zip(sources, confidences) if s]
    assert named and all(0 < c <= 1 for _, c in named)
    assert {"落款", "标题", "导语"} <= {s for s, _ in named}
    to_check = {row[0] for row in wb["问题文件"].iter_rows(min_row=2, values_only=True) if row[1] == "请核实报送单位"}
    weak = {
        r.file
        for r in sample_records
        if r.status == "ok" and r.submitter and (r.submitter_source == "文件名" or r.submitter_confidence < 0.7)
    }
    assert weak and to_check == weak
