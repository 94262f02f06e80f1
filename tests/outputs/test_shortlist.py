"""The shortlist leadership reads: open the written .docx and .md and check the GB/T 9704 look."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from pipeline.outputs.gbdoc import FONTS
from pipeline.outputs.shortlist import EMPTY_TEXT, NO_METRICS_TEXT, write_shortlist
from pipeline.records.merge import merge
from pipeline.records.score import Case, rank_cases, shortlist

RUN_DATE = date(2018, 7, 20)
HEADING1 = re.compile(r"^[一二三四五六七八九十]+、")


@pytest.fixture(scope="module")
def records(sample_batches, campaign):
    """The samples' records, read once per session; a fresh copy for this module."""
    return merge(sample_batches(), {}, campaign)


@pytest.fixture(scope="module")
def cases(records, campaign):
    return rank_cases(records, campaign)


@pytest.fixture(scope="module")
def written(cases, records, campaign, tmp_path_factory):
    picked = shortlist(cases, campaign.shortlist_size)
    summaries = sum(1 for r in records if r.doc_kind == "summary")
    out = tmp_path_factory.mktemp("shortlist")
    docx_path, md_path = write_shortlist(picked, len(cases), summaries, campaign, out, RUN_DATE)
    return picked, Document(str(docx_path)), md_path.read_text(encoding="utf-8"), out


def east_asia(run) -> str | None:
    fonts = run._r.rPr.find(qn("w:rFonts")) if run._r.rPr is not None else None
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def all_runs(doc):
    yield from (run for p in doc.paragraphs for run in p.runs)
    section = doc.sections[0]
    for footer in (section.footer, section.even_page_footer):
        yield from (run for p in footer.paragraphs for run in p.runs)


def test_page_is_a4_with_gb_margins(written):
    section = written[1].sections[0]
    for actual, mm in (
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ):
        assert abs(actual - Mm(mm)) < Mm(0.1)


def test_title_is_centred_22pt_xiaobiaosong(written, campaign):
    title = written[1].paragraphs[0]
    assert title.text == campaign.shortlist_title
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert {east_asia(r) for r in title.runs} == {"方正小标宋简体"}
    assert {r.font.size for r in title.runs} == {Pt(22)}


def test_one_heidi_heading_per_case_with_sender_and_score(written):
    picked, doc = written[0], written[1]
    headings = [p for p in doc.paragraphs if HEADING1.match(p.text)]
    assert len(headings) == len(picked) > 0
    for heading, case in zip(headings, picked):
        assert case.record.submitter in heading.text
        assert f"得分{case.score:g}" in heading.text
        assert {east_asia(r) for r in heading.runs} == {"黑体"}
        assert {r.font.size for r in heading.runs} == {Pt(16)}
    for sub in ("（一）主要做法", "（二）成效", "（三）推荐理由"):
        found = [p for p in doc.paragraphs if p.text == sub]
        assert len(found) == len(picked)
        assert {east_asia(r) for p in found for r in p.runs} == {"楷体_GB2312"}


def test_body_is_fangsong_16pt_indented_on_exact_lines(written):
    doc = written[1]
    start = next(i for i, p in enumerate(doc.paragraphs) if p.text == "（一）主要做法")
    body = doc.paragraphs[start + 1]
    assert {east_asia(r) for r in body.runs} == {"仿宋_GB2312"}
    assert {r.font.size for r in body.runs} == {Pt(16)}
    assert body.paragraph_format.first_line_indent == Pt(32)
    assert body.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert Pt(28) <= body.paragraph_format.line_spacing <= Pt(29)


def test_every_run_and_the_defaults_name_an_east_asian_font(written):
    doc = written[1]
    assert all(east_asia(r) for r in all_runs(doc))
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    normal = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_page_numbers_are_page_fields_odd_right_even_left(written):
    doc = written[1]
    assert doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        p = footer.paragraphs[0]
        assert p.alignment == align
        assert [t.text.strip() for t in p._p.iter(qn("w:instrText"))] == ["PAGE"]
        assert p.text == "— 1 —"
        assert {east_asia(r) for r in p.runs} == {"宋体"}
        assert {r.font.size for r in p.runs} == {Pt(14)}


def test_reasons_metrics_and_source_are_written(written):
    picked, doc = written[0], written[1]
    text = "\n".join(p.text for p in doc.paragraphs)
    for case in picked:
        assert "；".join(case.reasons()) in text
        assert f"来源文件：{case.record.file}" in text
    assert text.count("主要数据：") == sum(1 for c in picked if c.record.metrics)


def test_signature_and_date_close_the_document_right_aligned(written, campaign):
    doc = written[1]
    last = doc.paragraphs[-2:]
    assert [p.text for p in last] == [f"{campaign.name}活动汇总组", "2018年7月20日"]
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.RIGHT for p in last)


def test_markdown_has_the_same_cases(written, campaign):
    picked, doc, md, out = written
    docx_headings = [p.text for p in doc.paragraphs if HEADING1.match(p.text)]
    md_headings = [line[3:] for line in md.splitlines() if line.startswith("## ")]
    assert md_headings == docx_headings
    assert md.startswith(f"# {campaign.shortlist_title}\n")
    assert md.count("### （三）推荐理由") == len(picked)
    assert sorted(p.name for p in out.iterdir()) == ["shortlist.docx", "shortlist.md"]  # no temp files left


def test_reviewer_yes_forces_in_and_no_takes_out(cases, campaign):
    size = campaign.shortlist_size
    assert len(cases) > size + 1
    low, top = cases[-1], cases[0]
    reviewed = [
        Case(replace(c.record, review={"recommend": "是", "comment": "活动特色鲜明"}), c.parts)
        if c is low
        else Case(replace(c.record, review={"recommend": "否"}), c.parts)
        if c is top
        else c
        for c in cases
    ]
    picked = shortlist(reviewed, size)
    files = [c.record.file for c in picked]
    assert low.record.file in files
    assert top.record.file not in files
    assert len(picked) == size


def test_forced_case_shows_comment_and_count(cases, campaign, tmp_path):
    low = cases[-1]
    forced = Case(replace(low.record, review={"recommend": "是", "comment": "活动特色鲜明"}), low.parts)
    _, md_path = write_shortlist([forced], len(cases), len(cases), campaign, tmp_path, RUN_DATE)
    md = md_path.read_text(encoding="utf-8")
    assert "审核意见：活动特色鲜明。" in md
    assert "其中审核人员推荐列入1个" in md
    assert f"共收到并评分活动总结{len(cases)}份" in md


def test_sender_falls_back_to_file_name_and_missing_metrics_are_said(cases, campaign, tmp_path):
    case = cases[0]
    bare = Case(replace(case.record, submitter=None, metrics={}, metrics_approximate=[], highlights=[]), case.parts)
    docx_path, _ = write_shortlist([bare], 1, 1, campaign, tmp_path, RUN_DATE)
    text = [p.text for p in Document(str(docx_path)).paragraphs]
    stem = case.record.file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    assert any(t.startswith(f"一、{stem}（得分") for t in text)
    assert NO_METRICS_TEXT in text


def test_empty_shortlist_is_still_a_document(campaign, tmp_path):
    docx_path, md_path = write_shortlist([], 0, 0, campaign, tmp_path, RUN_DATE)
    doc = Document(str(docx_path))
    text = [p.text for p in doc.paragraphs]
    assert text[0] == campaign.shortlist_title
    assert EMPTY_TEXT in text
    assert not any(HEADING1.match(t) for t in text)
    assert EMPTY_TEXT in md_path.read_text(encoding="utf-8")
    assert abs(doc.sections[0].page_width - Mm(210)) < Mm(0.1)


def test_fallback_fonts_for_offices_without_gb_fonts(cases, campaign, tmp_path):
    docx_path, _ = write_shortlist(cases[:1], 1, 1, campaign, tmp_path, RUN_DATE, fallback=True)
    doc = Document(str(docx_path))
    used = {east_asia(r) for r in all_runs(doc)}
    assert used == {fallback for _, fallback in FONTS.values()}
    assert not used & {"方正小标宋简体", "楷体_GB2312", "仿宋_GB2312"}


def test_case_numbers_read_as_chinese_headings():
    from pipeline.text import chinese_number

    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 23)] == ["一", "九", "十", "十一", "二十", "二十三"]
