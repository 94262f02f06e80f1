"""The typical-case shortlist (典型事例推荐名单) leadership reads, as shortlist.docx and shortlist.md,
in the GB/T 9704 look of `pipeline.outputs.gbdoc` (fonts, page setup and their fallbacks are there).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from pipeline.campaign import Campaign
from pipeline.model import Record
from pipeline.outputs.gbdoc import Para, cn_date, write_document
from pipeline.records.score import METRIC_LABELS, PART_NAMES, Case, metric_phrase
from pipeline.text import HEADING, chinese_number

SHORTLIST_DOCX = "shortlist.docx"
SHORTLIST_MD = "shortlist.md"

SENTENCE_LIMIT = 110  # characters of one quoted sentence before it is cut at a clause
EMPTY_TEXT = "本次尚无可推荐的活动总结。"
NO_METRICS_TEXT = "报告未提供量化数据。"

_ISO_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ACTIVITY_DATE_RE = re.compile(
    r"\d{4}-\d{2}-\d{2}|\d{1,2}月\d{1,2}日|[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日|当天"
)
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
_COUNTED_RE = re.compile(r"\d+(?:\.\d+)?\s*[万千百]?[余多]?\s*(?:人次|人|份|篇|条|家|场次|场|件|次|个)")
# Plans for next year are not what was done; a summary's closing section is full of them.
FUTURE_RE = re.compile(r"^(?:下一步|今后|明年)|将(?:继续|进一步)")
_CLAUSE_END = "，；：、"
_SENTENCE_END = "。！？"


def write_shortlist(
    picked: list[Case],
    ranked_count: int,
    summaries: int,
    campaign: Campaign,
    out_dir: Path,
    run_date: date,
    fallback: bool = False,
) -> tuple[Path, Path]:
    """Write OUT/shortlist.docx and OUT/shortlist.md atomically; return their paths.

    `summaries` is how many activity summaries arrived, `ranked_count` how many of them were
    scored (duplicates and superseded versions left out); `picked` is `score.shortlist(...)`.
    `fallback=True` names the fallback fonts instead of the GB ones, for offices without them.
    """
    paras = shortlist_paragraphs(picked, ranked_count, summaries, campaign, run_date)
    docx_path, md_path = out_dir / SHORTLIST_DOCX, out_dir / SHORTLIST_MD
    write_document(paras, docx_path, md_path, fallback)
    return docx_path, md_path


# -- content -------------------------------------------------------------------------------


def shortlist_paragraphs(
    picked: list[Case], ranked_count: int, summaries: int, campaign: Campaign, run_date: date
) -> list[Para]:
    """The document as paragraphs, shared by the Word and the Markdown rendering."""
    paras = [
        Para("title", campaign.shortlist_title),
        Para("body", _introduction(picked, ranked_count, summaries, run_date)),
    ]
    if not picked:
        paras.append(Para("body", EMPTY_TEXT))
    for number, case in enumerate(picked, start=1):
        paras.extend(_case_paragraphs(number, case))
    paras.append(Para("signature", f"{campaign.name}活动汇总组"))
    paras.append(Para("date", cn_date(run_date)))
    return paras


def _introduction(picked: list[Case], ranked_count: int, summaries: int, run_date: date) -> str:
    today = cn_date(run_date)
    if summaries == 0:
        received = f"截至{today}，尚未收到活动总结。"
    elif ranked_count == summaries:
        received = f"截至{today}，共收到并评分活动总结{summaries}份。"
    else:
        received = (
            f"截至{today}，共收到活动总结{summaries}份，剔除重复报送和已被新版本替代的文件后，"
            f"对{ranked_count}份逐一评分。"
        )
    how = (
        f"评分综合{'、'.join(PART_NAMES)}{chinese_number(len(PART_NAMES))}个方面，得分由高到低排序；"
        "审核人员在“是否推荐”中填写“是”的直接列入，填写“否”的不予列入。"
    )
    if not picked:
        return received + how
    forced = sum(1 for c in picked if c.record.review.get("recommend") == "是")
    result = f"经综合评定，推荐典型事例{len(picked)}个"
    result += f"（其中审核人员推荐列入{forced}个）" if forced else ""
    return received + how + result + "，按得分排列如下。"


def _case_paragraphs(number: int, case: Case) -> list[Para]:
    record = case.record
    practice = _practice_sentences(record)
    used = set(practice)
    effect = _effect_text(record, used)
    reasons = "；".join(case.reasons())
    reasons = _end_sentence(reasons) if reasons else "报告内容较为简略，由审核人员推荐列入。"
    comment = (record.review.get("comment") or "").strip()
    if comment:
        reasons += f"审核意见：{_end_sentence(comment)}"
    return [
        Para("heading1", f"{chinese_number(number)}、{_sender(record)}（得分{case.score:g}）"),
        Para("heading2", "（一）主要做法"),
        Para("body", "".join(practice) or "报告未写明具体做法。"),
        Para("heading2", "（二）成效"),
        Para("body", effect),
        Para("heading2", "（三）推荐理由"),
        Para("body", reasons),
        Para("source", f"来源文件：{record.file}"),
    ]


def _sender(record: Record) -> str:
    return record.submitter or Path(record.file).stem


def _practice_sentences(record: Record) -> list[str]:
    """Two or three sentences: the activity types in words, then the best concrete sentences.

    Highlights come first (extraction already chose them as worth quoting); activity evidence
    fills in when there are too few. Sentences about a dated activity are preferred: they say
    what was done, where headings and closing plans do not.
    """
    sentences = []
    types = record.activity_types
    if types:
        sentences.append(f"共开展{'、'.join(types)}{len(types)}类活动。")
    candidates = [h.get("text", "") for h in record.highlights]
    candidates += [a.get("evidence", "") for a in record.activities if a.get("evidence", "").endswith(("。", "；"))]
    usable = []
    for text in candidates:
        text = _clean(text)
        if not text or HEADING.match(text) or FUTURE_RE.search(text) or _is_tally(text):
            continue
        if any(text in u or u in text for u in usable):
            continue
        usable.append(text)
    dated = [t for t in usable if _ACTIVITY_DATE_RE.search(t)]
    chosen = (dated + [t for t in usable if t not in dated])[:2]
    chosen.sort(key=usable.index)  # keep the report's own order
    return sentences + [_end_sentence(trim_sentence(t)) for t in chosen]


def _effect_text(record: Record, used: set[str]) -> str:
    """The metrics as one clause list, then the highlight whose counts add most to them."""
    names = [n for n in METRIC_LABELS if n in record.metrics]
    text = "主要数据：" + "，".join(metric_phrase(record, n) for n in names) + "。" if names else ""
    known = {str(record.metrics[n]) for n in names} | {f"{record.metrics[n] / 10000:g}" for n in names}
    best, best_key = None, (False, 0, 0)
    for h in record.highlights:
        candidate = _end_sentence(trim_sentence(_clean(h.get("text", ""))))
        counted = [_NUMBER_RE.match(c)[0] for c in _COUNTED_RE.findall(candidate)]
        if candidate in used or HEADING.match(candidate) or not counted:
            continue
        new = sum(1 for n in counted if n not in known)
        # A sentence that adds a number beats one that repeats the metrics; among those,
        # a tally (several counts) says more about results than a single figure.
        key = (new > 0, len(counted), new)
        if best is None or key > best_key:
            best, best_key = candidate, key
    if best and (best_key[0] or not text):
        text += best
    return text or NO_METRICS_TEXT


def _is_tally(text: str) -> bool:
    """A sentence that is mostly totals belongs in 成效, not in 主要做法."""
    return len(_COUNTED_RE.findall(text)) >= 3


def _clean(text: str) -> str:
    """ISO dates as a reader writes them (2018年6月9日), spaces and dangling marks gone."""
    text = _ISO_DATE_RE.sub(lambda m: f"{m[1]}年{int(m[2])}月{int(m[3])}日", text.strip())
    return re.sub(r"\s+", "", text)


def trim_sentence(text: str, limit: int = SENTENCE_LIMIT) -> str:
    """Cut a long sentence at its last clause mark before `limit`, so it still reads whole."""
    if len(text) <= limit:
        return text
    cut = max(text.rfind(mark, 0, limit) for mark in _CLAUSE_END)
    return text[:cut] if cut > limit // 2 else text[:limit] + "……"


def _end_sentence(text: str) -> str:
    text = text.rstrip(_CLAUSE_END + " ")
    return text if not text or text.endswith(("……", *_SENTENCE_END)) else text + "。"
