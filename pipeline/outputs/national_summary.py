"""The office's draft of the national summary (全国活动总结): national_summary.docx and .md.

Everything in it comes from the records: the figures by the counting rule of
`pipeline.records.totals` (its wording is campaign data and is printed in the draft), the
examples as sentences quoted from the senders' own evidence, with where each came from (inline
in the .md, in the 附件's table of sources in the .docx). What the office must decide itself
(六、下一步工作) is left as headings. The look is the shortlist's (`gbdoc`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.campaign import METRIC_NAMES, Campaign
from pipeline.model import Record
from pipeline.outputs.charts import arrivals_chart, bar_chart, cjk_font
from pipeline.outputs.gbdoc import Para, cn_date, write_document
from pipeline.outputs.shortlist import FUTURE_RE, trim_sentence
from pipeline.records.score import METRIC_LABELS, Case, shortlist
from pipeline.records.submissions import COUNTED, KIND_NAMES, KINDS, Submission, arrival_time, owed, submissions
from pipeline.records.totals import amount, counted_summaries, national_totals, sender_figures, voluntary_figures
from pipeline.text import HEADING, chinese_number

NATIONAL_DOCX = "national_summary.docx"
NATIONAL_MD = "national_summary.md"
EXAMPLES = 3  # quoted examples per activity type
QUOTE_LIMIT = 90  # characters of one quoted sentence
NO_CHART = "（本机未安装中文字体，未生成图表；数据见附件。）"
KIND_OF_SENDER = {"demo_zone": "示范区建设单位", "institution": "从业机构", "regulator": "市县监管部门"}

_NUMBER = re.compile(r"\d")
_DATE = re.compile(r"\d{1,2}月\d{1,2}日|当天")
_CAPTION = re.compile(r"^(?:图|照片|附图)\s*\d*\s*[：:]")


@dataclass(frozen=True)
class Quote:
    sender: str
    text: str
    file: str
    location: str

    @property
    def where(self) -> str:
        return f"{self.file}，{self.location}" if self.location else self.file


def write_national_summary(
    effective: Sequence[Record], cases: Sequence[Case], campaign: Campaign, out_dir: Path, run_date: date
) -> tuple[Path, Path]:
    paras = national_summary_paragraphs(effective, cases, campaign, run_date)
    docx_path, md_path = out_dir / NATIONAL_DOCX, out_dir / NATIONAL_MD
    write_document(paras, docx_path, md_path)
    return docx_path, md_path


def national_summary_paragraphs(
    effective: Sequence[Record], cases: Sequence[Case], campaign: Campaign, run_date: date, charts: bool = True
) -> list[Para]:
    docs = campaign.documents
    subs = submissions(effective, campaign)
    counted = counted_summaries(effective, campaign)
    quotes: list[Quote] = []
    s = docs.sections
    paras = [Para("title", docs.national_summary_title)]
    totals = national_totals(effective, campaign)
    paras += [Para("heading1", s[0]), *_basics(effective, subs, totals, campaign, run_date, charts)]
    paras += [Para("heading1", s[1]), *_practices(counted, campaign, quotes, charts)]
    paras += [Para("heading1", s[2]), *_effects(totals, counted)]
    paras += [Para("heading1", s[3]), *_cases(cases, campaign)]
    paras += [Para("heading1", s[4]), *_problems(subs, counted, campaign, run_date)]
    paras += [Para("heading1", s[5])]
    paras += [Para("heading2", h) for h in docs.next_steps] or [Para("body", docs.next_steps_placeholder)]
    paras += [Para("signature", docs.office), Para("date", cn_date(run_date))]
    paras += _annex(subs, counted, campaign, quotes)
    return paras


# -- 一、基本情况 ---------------------------------------------------------------------------


def _basics(
    effective, subs: list[Submission], totals: dict, campaign: Campaign, run_date: date, charts: bool
) -> list[Para]:
    required = [x for x in subs if x.required]
    parts = []
    for kind in KINDS:
        got = [x.of(kind) for x in required if x.of(kind)]
        late = sum(1 for a in got if a.late_days)
        text = f"{len(got)}家报送了{KIND_NAMES[kind]}"
        if got:
            text += f"（按时{len(got) - late}家" + (f"，逾期{late}家）" if late else "）")
        parts.append(text)
    opening = f"截至{cn_date(run_date)}，{len(required)}家必报单位中，{'；'.join(parts)}。"
    voluntary = Counter(KIND_OF_SENDER.get(x.kind, "其他单位") for x in subs if not x.required)
    if voluntary:
        opening += "另有" + "、".join(f"{kind}{n}家" for kind, n in voluntary.items()) + "自愿报送了材料。"
    paras = [Para("body", f"{campaign.documents.notice}印发后，各地积极组织开展活动。{opening}")]
    stated = [totals[m] for m in METRIC_NAMES if totals[m].parts]
    if stated:
        figures = "，".join(f"{_figure(t.metric, t.value, t.approximate)}（{len(t.parts)}家单位报告）" for t in stated)
        paras.append(Para("body", f"据各必报单位的活动总结统计，{figures}。"))
    else:
        paras.append(Para("body", "各必报单位的活动总结尚未报告参与人次、发放资料等数字。"))
    paras.append(Para("body", campaign.documents.counting_rule.format(required=len(campaign.roster))))
    volunteered = voluntary_figures(effective, campaign)
    if volunteered:
        listed = "；".join(
            f"{sender}："
            + "，".join(_figure(m, figures[m].value, figures[m].approximate) for m in METRIC_NAMES if m in figures)
            for sender, figures in volunteered.items()
        )
        paras.append(Para("body", f"自愿报送单位报告的数字（不计入合计）：{listed}。"))
    if charts:
        paras.append(_arrivals_picture(effective, campaign))
    return paras


def _figure(metric: str, value: int, approximate: bool) -> str:
    label, unit = METRIC_LABELS[metric]
    return f"{label}{amount(value, approximate)}{unit}"


def _arrivals_picture(effective, campaign: Campaign) -> Para:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(campaign.timezone)
    per_day: Counter = Counter()
    for rec in effective:
        if rec.status in COUNTED and rec.doc_kind in KINDS and (when := arrival_time(rec, tz)):
            per_day[when.date()] += 1
    deadlines = {f"{KIND_NAMES[k]}截止": d for k, d in campaign.deadlines.items() if k in KINDS}
    image = arrivals_chart("每日收到的活动方案和总结（份）", dict(sorted(per_day.items())), deadlines)
    return Para("picture", "图1 每日收到的活动方案和总结", image=image) if image else Para("body", NO_CHART)


# -- 二、主要做法和特点 -----------------------------------------------------------------------


def _practices(counted: dict[str, list[Record]], campaign: Campaign, quotes: list[Quote], charts: bool) -> list[Para]:
    doers = {
        t.name: [sender for sender, recs in counted.items() if any(t.name in r.activity_types for r in recs)]
        for t in campaign.activity_types
    }
    doers = {name: senders for name, senders in doers.items() if senders}
    if not doers:
        return [Para("body", "已收到的必报单位活动总结尚未写明所开展的活动。")]
    ranked = sorted(doers.items(), key=lambda kv: -len(kv[1]))
    paras = [
        Para(
            "body",
            f"各地共开展{len(doers)}类活动，开展单位较多的是"
            + "、".join(f"{name}（{len(senders)}家）" for name, senders in ranked[:3])
            + "。",
        )
    ]
    if charts:
        image = (
            bar_chart("各类活动的开展单位数（家）", [n for n, _ in ranked], [len(s) for _, s in ranked], "家")
            if cjk_font()
            else None
        )
        paras.append(Para("picture", "图2 各类活动的开展单位数", image=image) if image else Para("body", NO_CHART))
    used: set[str] = set()
    for n, (name, senders) in enumerate(doers.items(), start=1):
        examples = _examples(name, senders, counted, used)
        quotes.extend(examples)
        docx = md = f"{len(senders)}家单位开展了{name}活动。"
        if examples:
            docx += "如" + "；".join(f"{q.sender}“{q.text}”" for q in examples) + "。"
            md += "如" + "；".join(f"{q.sender}“{q.text}”（来源：{q.where}）" for q in examples) + "。"
        paras += [Para("heading2", f"（{chinese_number(n)}）{name}"), Para("body", docx, md_text=md)]
    return paras


def _examples(type_name: str, senders: list[str], counted: dict[str, list[Record]], used: set[str]) -> list[Quote]:
    """Up to three senders' sentences about this type, one each, preferring those with
    figures and dates, short, and not quoted under another type already."""
    best: list[tuple[tuple, Quote]] = []
    for order, sender in enumerate(senders):
        options = []
        for rec in counted[sender]:
            for a in rec.activities:
                text = _sentence(a.get("evidence", ""))
                if a.get("type") != type_name or not text or text in used:
                    continue
                where = a.get("location") or ""
                # A table row read as a sentence ("序号4，认证认可进校园，6月7日…") quotes badly.
                key = ("表" not in where, bool(_NUMBER.search(text)), bool(_DATE.search(text)), -abs(len(text) - 50))
                options.append((key, Quote(sender, text, rec.file, where)))
        if options:
            key, quote = max(options, key=lambda o: o[0])
            best.append(((*key, -order), quote))
    chosen = [q for _, q in sorted(best, key=lambda b: b[0], reverse=True)[:EXAMPLES]]
    used.update(q.text for q in chosen)
    return sorted(chosen, key=lambda q: senders.index(q.sender))


def _sentence(text: str) -> str:
    """A sentence as written, whitespace gone, cut at a clause when long; none for a heading
    or a plan for next year."""
    text = re.sub(r"\s+", "", text or "")
    if not text or HEADING.match(text) or FUTURE_RE.search(text) or _CAPTION.match(text):
        return ""
    text = text.replace("“", "‘").replace("”", "’")  # quoted inside the draft's own “…”
    return trim_sentence(text.rstrip("。；，"), QUOTE_LIMIT)


# -- 三、取得的成效 ---------------------------------------------------------------------------


def _effects(totals: dict, counted: dict[str, list[Record]]) -> list[Para]:
    paras = []
    reach = [totals[m] for m in ("participants", "materials", "consultations", "institutions") if totals[m].parts]
    if reach:
        top = sorted(totals["participants"].parts, key=lambda p: -p.value)[:3]
        text = "活动覆盖面广。各必报单位共" + "，".join(_figure(t.metric, t.value, t.approximate) for t in reach) + "。"
        if top:
            text += (
                "参与人次较多的有"
                + "、".join(f"{p.sender}（{amount(p.value, p.approximate)}人次）" for p in top)
                + "。"
            )
        paras.append(Para("body", text))
    media_senders = [s for s, recs in counted.items() if any("媒体传播" in r.activity_types for r in recs)]
    media = totals["media_reports"]
    if media.parts or media_senders:
        text = "社会影响扩大。"
        if media.parts:
            text += f"{len(media.parts)}家单位报告了媒体报道，合计{amount(media.value, media.approximate)}篇（条）"
            text += "；" if media_senders else "。"
        if media_senders:
            text += f"{len(media_senders)}家单位借助报刊、广播电视和网络新媒体开展宣传。"
        paras.append(Para("body", text))
    innovative = []
    for sender, recs in counted.items():
        cues = [c for r in recs for c in (r.signals or {}).get("innovation", {})]
        if cues:
            innovative.append(f"{sender}（{'、'.join(dict.fromkeys(cues))[:20]}）")
    if innovative:
        paras.append(
            Para("body", f"工作方式有创新。{len(innovative)}家单位的总结写有创新做法，如{'、'.join(innovative[:5])}。")
        )
    return paras or [Para("body", "已收到的必报单位活动总结尚未报告活动成效的数字。")]


# -- 四、典型事例 ---------------------------------------------------------------------------


def _cases(cases: Sequence[Case], campaign: Campaign) -> list[Para]:
    picked = shortlist(list(cases), campaign.shortlist_size)
    if not picked:
        return [Para("body", "暂无可推荐的典型事例。")]
    paras = [Para("body", f"经对活动总结逐份评分并经审核，推荐以下{len(picked)}个典型事例（详见典型事例推荐名单）。")]
    for n, case in enumerate(picked, start=1):
        rec = case.record
        reasons = "；".join(case.reasons()) or "由审核人员推荐列入"
        comment = (rec.review.get("comment") or "").strip()
        text = f"{reasons}。" + (f"审核意见：{comment.rstrip('。')}。" if comment else "")
        paras += [
            Para("heading2", f"（{chinese_number(n)}）{rec.submitter or Path(rec.file).stem}"),
            Para("body", text),
        ]
    return paras


# -- 五、存在的问题 ---------------------------------------------------------------------------


def _problems(
    subs: list[Submission], counted: dict[str, list[Record]], campaign: Campaign, run_date: date
) -> list[Para]:
    paras = []
    for kind in KINDS:
        late = [(x.sender, x.of(kind).late_days) for x in subs if x.required and x.of(kind) and x.of(kind).late_days]
        if late:
            listed = "、".join(f"{s}（{d}天）" for s, d in late)
            paras.append(Para("body", f"逾期报送{KIND_NAMES[kind]}的有{len(late)}家：{listed}。"))
    summarised = {x.sender for x in subs if x.summary}
    for kind in KINDS:
        missing = [o for o in owed(subs, campaign, run_date) if o.kind == kind]
        if kind == "plan":  # a sender whose summary came sent no plan first: a fact, not a debt
            without = [o.sender for o in missing if o.sender in summarised]
            missing = [o for o in missing if o.sender not in summarised]
            if without:
                paras.append(
                    Para("body", f"报送了活动总结、未报送活动方案的有{len(without)}家：{'、'.join(without)}。")
                )
        if missing:
            deadline = missing[0].deadline
            state = "逾期未报送" if missing[0].overdue_days else f"尚未报送（截止{deadline.month}月{deadline.day}日）"
            listed = "、".join(o.sender for o in missing)
            paras.append(Para("body", f"{state}{KIND_NAMES[kind]}的有{len(missing)}家：{listed}。"))
    w = campaign.scoring
    short, bare, generic = [], [], []
    for sender, recs in counted.items():
        if all(not r.metrics for r in recs):
            bare.append(sender)
        if max(r.chars for r in recs) < w.get("substance_min_chars", 0):
            short.append(f"{sender}（{max(r.chars for r in recs)}字）")
        most = max((r.signals or {}).get("generic_phrases", 0) for r in recs)
        if most > 3:
            generic.append(f"{sender}（{most}处）")
    if bare:
        paras.append(Para("body", f"活动总结未报告参与人次、发放资料等数字的有{len(bare)}家：{'、'.join(bare)}。"))
    if short:
        limit = int(w.get("substance_min_chars", 0))
        paras.append(Para("body", f"活动总结篇幅较短（不足{limit}字）的有{len(short)}家：{'、'.join(short)}。"))
    if generic:
        paras.append(Para("body", f"活动总结中套话较多的有{len(generic)}家：{'、'.join(generic)}。"))
    return paras or [Para("body", "各必报单位均已按时报送，活动总结均报告了活动数字。")]


# -- 附件 -----------------------------------------------------------------------------------


def _annex(
    subs: list[Submission], counted: dict[str, list[Record]], campaign: Campaign, quotes: list[Quote]
) -> list[Para]:
    header = ("序号", "单位", "活动方案", "活动总结", "活动类型", *(METRIC_LABELS[m][0] for m in METRIC_NAMES))
    rows = [header]
    for n, sub in enumerate((x for x in subs if x.required), start=1):
        recs = counted.get(sub.sender, [])
        figures = sender_figures(recs)
        types = [t.name for t in campaign.activity_types if any(t.name in r.activity_types for r in recs)]
        rows.append(
            (
                str(n),
                sub.sender,
                _received(sub, "plan"),
                _received(sub, "summary"),
                "、".join(types),
                *(amount(figures[m].value, figures[m].approximate) if m in figures else "" for m in METRIC_NAMES),
            )
        )
    units = "，".join(f"{METRIC_LABELS[m][0]}单位为{METRIC_LABELS[m][1]}" for m in METRIC_NAMES)
    paras = [
        Para("heading1", "附件1：各必报单位报送情况及主要数据"),
        Para(
            "source", f"“活动方案”“活动总结”两栏为首次收到的日期；数字按正文所述规则取自各单位现行活动总结，{units}。"
        ),
        Para("table", rows=tuple(rows)),
    ]
    if quotes:
        source_rows = [("序号", "单位", "引文", "来源文件", "位置")]
        source_rows += [(str(n), q.sender, q.text, q.file, q.location) for n, q in enumerate(quotes, start=1)]
        paras += [Para("heading1", "附件2：正文引文出处"), Para("table", rows=tuple(source_rows))]
    return paras


def _received(sub: Submission, kind: str) -> str:
    got = sub.of(kind)
    if got is None:
        return "未报送"
    day = f"{got.when.month}月{got.when.day}日"
    return f"{day}（逾期{got.late_days}天）" if got.late_days else day
