"""The office's drafts: every figure of the national summary recomputed from records.jsonl by
the counting rule (on the samples and on a generated corpus), a reviewer's 更正 moving it, the
催报 notice naming only those who owe, another campaign's own wording; the .docx opened."""

from __future__ import annotations

import json
import random
import re
from datetime import date

import pytest
from docx import Document

from pipeline.campaign import METRIC_NAMES, load_campaign
from pipeline.model import Record
from pipeline.outputs import charts
from pipeline.outputs.national_summary import NO_CHART, write_national_summary
from pipeline.outputs.records import write_records
from pipeline.outputs.reminder import write_reminder
from pipeline.records.ledger import record_from_dict
from pipeline.records.merge import merge
from pipeline.records.reviews import corrected
from pipeline.records.score import METRIC_LABELS, rank_cases
from pipeline.records.totals import amount
from tests.conftest import ROOT

RUN_DATE = date(2018, 7, 20)


def expected_totals(lines: list[dict], roster: set[str]) -> dict[str, tuple[int, bool]]:
    """The counting rule, written again from the README's words, over records.jsonl's lines:
    required senders' ok summaries (reviewer's sender and kind win, 不采用 left out), per
    sender the largest figure of each kind, summed."""
    per_sender: dict[str, dict[str, tuple[int, bool]]] = {}
    for d in lines:
        review = d.get("review") or {}
        sender = review.get("submitter") or d["submitter"]
        kind = {"总结": "summary", "方案": "plan", "其他": "other"}.get(review.get("doc_kind", ""), d["doc_kind"])
        if d["status"] != "ok" or kind != "summary" or sender not in roster or review.get("verdict") == "不采用":
            continue
        mine = per_sender.setdefault(sender, {})
        for name, value in d["metrics"].items():
            if name not in mine or value > mine[name][0]:
                mine[name] = (value, name in d["metrics_approximate"])
    out = {}
    for name in METRIC_NAMES:
        parts = [m[name] for m in per_sender.values() if name in m]
        if parts:
            out[name] = (sum(v for v, _ in parts), any(a for _, a in parts))
    return out


def written(records: list[Record], campaign, tmp_path, run_date=RUN_DATE) -> tuple[str, list[dict]]:
    """Write records.jsonl and the drafts from it, as a run does; the .md and the lines."""
    write_records(records, tmp_path)
    lines = [json.loads(x) for x in (tmp_path / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    effective = [corrected(record_from_dict(d), campaign) for d in lines]
    write_national_summary(effective, rank_cases(effective, campaign), campaign, tmp_path, run_date)
    write_reminder(effective, campaign, tmp_path, run_date)
    return (tmp_path / "national_summary.md").read_text(encoding="utf-8"), lines


def figure_text(name: str, value: int, approximate: bool) -> str:
    label, unit = METRIC_LABELS[name]
    return f"{label}{amount(value, approximate)}{unit}"


def corpus(campaign, seed: int, n: int = 60) -> list[Record]:
    """Made-up summaries and plans: required and voluntary senders, revisions, duplicates,
    approximate figures, several summaries from one sender."""
    rng = random.Random(seed)
    roster = [r.name for r in campaign.roster]
    types = [t.name for t in campaign.activity_types]
    out = []
    for k in range(n):
        voluntary = rng.random() < 0.2
        sender = f"某某检测有限公司{k % 3}" if voluntary else rng.choice(roster[:20])
        kind = rng.choice(["summary", "summary", "plan"])
        metrics = {m: rng.choice([80, 300, 1200, 5000, 12000]) for m in METRIC_NAMES if rng.random() < 0.6}
        chosen = rng.sample(types, rng.randint(0, 3))
        day = rng.choice([4, 5, 8, 12, 15, 16, 18])
        month = 6 if kind == "plan" else 7
        out.append(
            Record(
                file=f"{sender}{k}.docx",
                sha256=f"{k:064x}",
                format="docx",
                status=rng.choice(["ok", "ok", "ok", "superseded", "duplicate"]),
                arrived=f"2018-{month:02d}-{day:02d}T10:00:00+08:00",
                submitter=sender,
                submitter_kind="institution" if voluntary else "regulator",
                doc_kind=kind,
                chars=rng.choice([150, 900, 2000]),
                metrics=metrics,
                metrics_approximate=[m for m in metrics if rng.random() < 0.3],
                activity_types=chosen,
                activities=[
                    {"type": t, "evidence": f"6月9日，{sender}组织{t}活动，参与群众{k}0人次。", "location": f"第{k}段"}
                    for t in chosen
                ],
            )
        )
    return out


def test_every_figure_is_the_records_own_sum_on_a_generated_corpus(campaign, tmp_path):
    roster = {r.name for r in campaign.roster}
    for seed in range(3):
        out = tmp_path / str(seed)
        out.mkdir()
        md, lines = written(corpus(campaign, seed), campaign, out)
        basics = md.split("## 二、")[0]
        for name, (value, approximate) in expected_totals(lines, roster).items():
            assert figure_text(name, value, approximate) in basics, (seed, name)
        assert "某某检测有限公司" not in basics.split("自愿报送单位报告的数字")[0]  # listed apart, not added


def test_a_reviewers_correction_moves_the_figure(campaign, tmp_path):
    records = corpus(campaign, 7)
    roster = {r.name for r in campaign.roster}
    (tmp_path / "before").mkdir()
    (tmp_path / "after").mkdir()
    _, before = written(records, campaign, tmp_path / "before")
    counted = next(
        r for r in records if r.status == "ok" and r.doc_kind == "summary" and r.metrics and r.submitter in roster
    )
    counted.review = {"doc_kind": "其他"}  # 更正文件类型: not a summary after all
    after_md, after = written(records, campaign, tmp_path / "after")
    want_before, want_after = expected_totals(before, roster), expected_totals(after, roster)
    assert want_before != want_after
    for name, (value, approximate) in want_after.items():
        assert figure_text(name, value, approximate) in after_md.split("## 二、")[0]


def test_on_the_samples_every_sender_type_and_case_is_there(sample_batches, campaign, tmp_path):
    records = merge(sample_batches(), {}, campaign)
    md, lines = written(records, campaign, tmp_path)
    roster = {r.name for r in campaign.roster}
    basics = md.split("## 二、")[0]
    for name, (value, approximate) in expected_totals(lines, roster).items():
        assert figure_text(name, value, approximate) in basics
    effective = [corrected(record_from_dict(d), campaign) for d in lines]
    summaries = {
        r.submitter for r in effective if r.status == "ok" and r.doc_kind == "summary" and r.submitter in roster
    }
    annex = md.split("# 附件1")[1]
    for sender in summaries:
        assert re.search(rf"\| {sender} \| [^|]* \| \d+月\d+日", annex), sender
    practices = md.split("## 二、")[1].split("## 三、")[0]
    done = {
        t
        for r in effective
        if r.status == "ok" and r.doc_kind == "summary" and r.submitter in roster
        for t in r.activity_types
    }
    for t in done:
        assert re.search(rf"### （[一二三四五六七八九十]+）{t}\n", practices), t
    # every quoted example says where it came from, and the quote is in that file's record
    by_file = {r.file: r for r in effective}
    for sender, quote, where in re.findall(r"([^；如“]+)“([^”]+)”（来源：(.+?)，(?:第|表)[^（）]*）", practices):
        file = where.replace("\\", "")
        evidence = "".join(a["evidence"] for a in by_file[file].activities).replace(" ", "")
        assert sender.strip().endswith(by_file[file].submitter)
        # quoted as written, its own quotation marks made single inside the draft's “…”
        assert quote.rstrip("…") in evidence.replace("\n", "").replace("“", "‘").replace("”", "’")
    cases = md.split("## 四、")[1].split("## 五、")[0]
    top = rank_cases(effective, campaign)[:3]
    for case in top:
        assert case.record.submitter in cases
    problems = md.split("## 五、")[1].split("## 六、")[0]
    missing = roster - {r.submitter for r in effective if r.status in ("ok", "superseded") and r.doc_kind == "summary"}
    for sender in missing:
        assert sender in problems


def test_the_reminder_names_only_who_owes(campaign, tmp_path):
    records = [r for r in corpus(campaign, 3) if r.status != "duplicate"]
    roster = [r.name for r in campaign.roster]
    plans = {r.submitter for r in records if r.doc_kind == "plan"}
    summaries = {r.submitter for r in records if r.doc_kind == "summary"}
    for run_date, kinds in (
        (date(2018, 6, 1), {"plan"}),
        (date(2018, 7, 1), {"plan", "summary"}),
        (date(2018, 7, 20), {"plan", "summary"}),
    ):
        out = tmp_path / run_date.isoformat()
        out.mkdir()
        written(records, campaign, out, run_date)
        text = "\n".join(p.text for p in Document(str(out / "reminder.docx")).paragraphs)
        listed = dict(re.findall(r"^\d+\. ([^：]+)：(.+)$", text, re.M))
        # No plan is asked of a sender whose summary has come: what it would plan is over.
        owes_plan = {s for s in roster if s not in plans and s not in summaries}
        owes_summary = {s for s in roster if "summary" in kinds and s not in summaries}
        assert set(listed) == owes_plan | owes_summary, run_date
        for sender, items in listed.items():
            assert ("活动方案" in items) == (sender in owes_plan)
            assert ("活动总结" in items) == (sender in owes_summary)
            late_plan = sender in owes_plan and run_date > date(2018, 6, 5)
            assert ("已逾期" in items) == (late_plan or sender in owes_summary and run_date > date(2018, 7, 15))
        assert "infocnca@cnca.gov.cn" in text and "武宏伟" in text


def test_the_docx_has_the_charts_and_tables_or_says_why_not(campaign, tmp_path, monkeypatch):
    records = corpus(campaign, 1)
    written(records, campaign, tmp_path)
    doc = Document(str(tmp_path / "national_summary.docx"))
    assert doc.paragraphs[0].text == campaign.documents.national_summary_title
    assert len(doc.tables) == 2 and doc.tables[0].rows[0].cells[1].text == "单位"
    assert len(doc.tables[0].rows) == len(campaign.roster) + 1
    if charts.cjk_font():
        assert len(doc.inline_shapes) == 2
    monkeypatch.setenv("DIGEST_CJK_FONT", "")
    charts.cjk_font.cache_clear()
    try:
        (tmp_path / "plain").mkdir()
        written(records, campaign, tmp_path / "plain")
        plain = Document(str(tmp_path / "plain" / "national_summary.docx"))
        assert len(plain.inline_shapes) == 0
        assert sum(p.text == NO_CHART for p in plain.paragraphs) == 2
    finally:
        monkeypatch.delenv("DIGEST_CJK_FONT")
        charts.cjk_font.cache_clear()


def test_another_campaign_gets_its_own_titles_headings_and_contacts(tmp_path):
    text = (ROOT / "pipeline" / "campaigns" / "wad2018.toml").read_text(encoding="utf-8")
    text = text.replace("2018年世界认可日活动情况总结（草稿）", "2019年世界计量日活动情况总结（草稿）")
    text = text.replace('"二、主要做法和特点"', '"二、主要做法"').replace("武宏伟、王雅茹", "张三")
    text = text.replace("next_steps = []", 'next_steps = ["（一）巩固成果", "（二）扩大影响"]')
    (tmp_path / "other.toml").write_text(text, encoding="utf-8")
    other = load_campaign(tmp_path / "other.toml")
    md, _ = written(corpus(other, 2), other, tmp_path)
    assert md.startswith("# 2019年世界计量日活动情况总结（草稿）")
    assert "## 二、主要做法\n" in md and "### （一）巩固成果" in md and "### （二）扩大影响" in md
    assert "张三" in (tmp_path / "reminder.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "value, approximate, shown",
    [
        (3200, False, "3200"),
        (3200, True, "3200余"),
        (20000, False, "2万"),
        (15234, False, "1.5万余"),
        (15000, True, "1.5万余"),
    ],
)
def test_amounts_as_a_draft_writes_them(value, approximate, shown):
    assert amount(value, approximate) == shown
