"""The typical-case (典型事例) score: transparent parts, weights from the campaign file.

Only summaries are ranked. Each part keeps a Chinese sentence saying why it counted, so
the shortlist's 推荐理由 and the digest's score columns say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.campaign import Campaign
from pipeline.model import Record, Status

METRIC_LABELS = {
    "participants": ("参与", "人次"),
    "materials": ("发放资料", "份"),
    "media_reports": ("媒体报道", "篇（条）"),
    "consultations": ("接受咨询", "人次"),
    "institutions": ("参与机构", "家"),
}
PART_NAMES = ("活动类型", "创新做法", "量化成效", "媒体传播", "紧扣主题", "内容扎实")


@dataclass(frozen=True)
class ScorePart:
    name: str  # one of PART_NAMES
    points: float
    reason: str  # Chinese, for 推荐理由; empty when the part gave nothing


@dataclass
class Case:
    record: Record
    parts: list[ScorePart] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round(sum(p.points for p in self.parts), 1)

    def reasons(self) -> list[str]:
        return [p.reason for p in self.parts if p.reason and p.points > 0]

    def weaknesses(self) -> list[str]:
        return [p.reason for p in self.parts if p.reason and p.points < 0]


def metric_phrase(record: Record, name: str) -> str:
    """ "参与2万余人次": the number as written, 余 where the report said 余/多/近/约."""
    label, unit = METRIC_LABELS[name]
    value = record.metrics[name]
    approx = "余" if name in record.metrics_approximate else ""
    number = f"{value / 10000:g}万" if value >= 10000 and value % 1000 == 0 else str(value)
    return f"{label}{number}{approx}{unit}"


def score_case(record: Record, campaign: Campaign) -> Case:
    w = campaign.scoring
    parts: list[ScorePart] = []
    types = record.activity_types
    parts.append(
        ScorePart(
            "活动类型",
            w.get("distinct_types", 0) * min(len(types), 6),
            f"开展了{len(types)}类活动（{'、'.join(types)}）" if types else "",
        )
    )
    innovation = list((record.signals or {}).get("innovation", {}))
    parts.append(
        ScorePart(
            "创新做法",
            w.get("innovation", 0) * min(len(innovation), 4),
            f"有创新做法（{'、'.join(innovation[:4])}）" if innovation else "",
        )
    )
    metrics = [n for n in METRIC_LABELS if n in record.metrics]
    parts.append(
        ScorePart(
            "量化成效",
            w.get("quantified", 0) * len(metrics),
            "成效有数据：" + "，".join(metric_phrase(record, n) for n in metrics) if metrics else "",
        )
    )
    media = "media_reports" in record.metrics or "媒体传播" in types
    parts.append(ScorePart("媒体传播", w.get("media", 0) if media else 0.0, "借助媒体扩大了影响" if media else ""))
    theme = list((record.signals or {}).get("theme", {}))
    parts.append(
        ScorePart(
            "紧扣主题",
            w.get("theme", 0) * min(len(theme), 3),
            f"紧扣年度主题（{'、'.join(theme[:3])}）" if theme else "",
        )
    )
    parts.append(_substance(record, campaign))
    return Case(record, parts)


def _substance(record: Record, campaign: Campaign) -> ScorePart:
    """Against 花架子: short, number-free, formula-heavy accounts lose points."""
    w = campaign.scoring
    penalty, why = 0.0, []
    if record.chars < w.get("substance_min_chars", 0):
        penalty += w.get("substance_penalty", 0)
        why.append(f"篇幅较短（{record.chars}字）")
    if not record.metrics:
        penalty += w.get("substance_penalty", 0)
        why.append("没有量化成效")
    generic = (record.signals or {}).get("generic_phrases", 0)
    if generic > 3:
        penalty += w.get("generic_penalty", 0) * (generic - 3)
        why.append(f"套话较多（{generic}处）")
    return ScorePart("内容扎实", -penalty, "；".join(why))


def rank_cases(records: list[Record], campaign: Campaign) -> list[Case]:
    """Summaries that count (not superseded, not duplicates), best first."""
    cases = [score_case(r, campaign) for r in records if r.status == Status.OK and r.doc_kind == "summary"]
    return sorted(cases, key=lambda c: (-c.score, c.record.submitter or "", c.record.file))


def attach_scores(records: list[Record], cases: list[Case]) -> None:
    """Each ranked summary's score and parts on its record (for records.jsonl); null elsewhere."""
    by_file = {c.record.file: c for c in cases}
    for rec in records:
        case = by_file.get(rec.file)
        rec.score = case.score if case else None
        rec.score_parts = (
            [{"name": p.name, "points": p.points, "reason": p.reason} for p in case.parts] if case else None
        )


def shortlist(cases: list[Case], size: int) -> list[Case]:
    """The top `size`, after the reviewers' word: 是否推荐=是 forces a case in, 否 takes it out."""
    forced = [c for c in cases if c.record.review.get("recommend") == "是"]
    rest = [c for c in cases if c.record.review.get("recommend") not in ("是", "否")]
    picked = forced + rest[: max(0, size - len(forced))]
    return sorted(picked, key=lambda c: (-c.score, c.record.file))
