"""The campaign's national figures, by one counting rule, each traced to the records it adds.

The rule (its wording is campaign data, `[documents] counting_rule`): a figure is the sum over
the required senders (the roster) of what their current activity summaries report — status
ok, so neither a superseded version nor a duplicate; a reviewer's 更正 of sender or kind
applied; a summary a reviewer marked 不采用 left out. A sender with more than one current
summary (a report and its statistics table) counts each figure once, the largest it gives.
The voluntary senders' figures (demo zones, institutions) are listed apart, not added: their
activities are usually counted in their bureau's summary as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.campaign import METRIC_NAMES, Campaign
from pipeline.model import Record, Status

REJECTED = "不采用"


@dataclass(frozen=True)
class Part:
    sender: str
    file: str
    value: int
    approximate: bool


@dataclass
class Total:
    metric: str
    parts: list[Part] = field(default_factory=list)

    @property
    def value(self) -> int:
        return sum(p.value for p in self.parts)

    @property
    def approximate(self) -> bool:
        return any(p.approximate for p in self.parts)


def counted_summaries(effective: Sequence[Record], campaign: Campaign, required: bool = True) -> dict[str, list]:
    """Each sender's current summaries that count, by sender (roster order for the required)."""
    roster = [r.name for r in campaign.roster]
    by_sender: dict[str, list[Record]] = {}
    for rec in effective:
        if rec.status != Status.OK or rec.doc_kind != "summary" or not rec.submitter:
            continue
        if (rec.review or {}).get("verdict") == REJECTED:
            continue
        if (rec.submitter in roster) == required:
            by_sender.setdefault(rec.submitter, []).append(rec)
    order = {name: n for n, name in enumerate(roster)}
    return dict(sorted(by_sender.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))


def sender_figures(summaries: Sequence[Record]) -> dict[str, Part]:
    """One sender's figures: per metric the largest its current summaries give."""
    best: dict[str, Part] = {}
    for rec in sorted(summaries, key=lambda r: r.file):
        for name, value in rec.metrics.items():
            if name not in best or value > best[name].value:
                best[name] = Part(rec.submitter, rec.file, value, name in rec.metrics_approximate)
    return best


def national_totals(effective: Sequence[Record], campaign: Campaign) -> dict[str, Total]:
    totals = {name: Total(name) for name in METRIC_NAMES}
    for summaries in counted_summaries(effective, campaign).values():
        for name, part in sender_figures(summaries).items():
            totals[name].parts.append(part)
    return totals


def voluntary_figures(effective: Sequence[Record], campaign: Campaign) -> dict[str, dict[str, Part]]:
    return {
        sender: figures
        for sender, summaries in counted_summaries(effective, campaign, required=False).items()
        if (figures := sender_figures(summaries))
    }


def amount(value: int, approximate: bool) -> str:
    """How a draft writes a figure: 3200, 3200余, 1.5万, 1.5万余 (in 万 from 10,000 on, one
    decimal, 余 when the exact sum is more than what is written or any part was approximate)."""
    if value >= 10000:
        tenths = value // 1000
        shown = f"{tenths / 10:g}万"
        return shown + ("余" if approximate or tenths * 1000 != value else "")
    return f"{value}{'余' if approximate else ''}"
