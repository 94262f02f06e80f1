"""报送情况: who sent a plan and a summary, when each first arrived, and who still owes one.

One reading for the digest's 报送情况 sheet, the national summary and the 催报 notice, so the
three never disagree. A sender's plan or summary has arrived when any version of it has
(a later revision does not reset the date); duplicates do not count, superseded versions do.
Times are in the campaign's time zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pipeline.campaign import Campaign
from pipeline.model import Record, Status

COUNTED = (Status.OK, Status.SUPERSEDED)
KINDS = ("plan", "summary")
KIND_NAMES = {"plan": "活动方案", "summary": "活动总结"}


@dataclass(frozen=True)
class Arrival:
    when: datetime  # in the campaign's time zone, without tzinfo (as Excel shows it)
    file: str
    late_days: int  # 0 when on time


@dataclass(frozen=True)
class Submission:
    sender: str
    required: bool  # a roster member; the others sent of their own accord
    kind: str  # regulator | demo_zone | institution | unknown
    plan: Arrival | None
    summary: Arrival | None

    def of(self, kind: str) -> Arrival | None:
        return self.plan if kind == "plan" else self.summary


@dataclass(frozen=True)
class Owed:
    sender: str
    kind: str  # plan | summary
    deadline: date
    overdue_days: int  # 0 while the deadline has not passed


def arrival_time(record: Record, tz: ZoneInfo) -> datetime | None:
    """Arrival in the campaign's time zone, without tzinfo (Excel has none)."""
    if not record.arrived:
        return None
    moment = datetime.fromisoformat(record.arrived)
    if moment.tzinfo is not None:
        moment = moment.astimezone(tz)
    return moment.replace(tzinfo=None)


def submissions(effective: Sequence[Record], campaign: Campaign) -> list[Submission]:
    """The roster in its order, then the voluntary senders by name. `effective`: the records
    with the reviewers' corrections applied."""
    tz = ZoneInfo(campaign.timezone)
    first: dict[tuple[str, str], tuple[datetime, str]] = {}
    kinds: dict[str, str] = {}
    for rec in effective:
        if rec.submitter and rec.submitter_kind:
            kinds.setdefault(rec.submitter, rec.submitter_kind)
        if rec.status not in COUNTED or not rec.submitter or rec.doc_kind not in KINDS:
            continue
        when = arrival_time(rec, tz)
        if when is None:
            continue
        key = (rec.submitter, rec.doc_kind)
        if key not in first or (when, rec.file) < first[key]:
            first[key] = (when, rec.file)
    roster = [r.name for r in campaign.roster]
    voluntary = sorted({s for s, _ in first} - set(roster))
    out = []
    for name, required in [(n, True) for n in roster] + [(v, False) for v in voluntary]:
        arrivals = {}
        for kind in KINDS:
            found = first.get((name, kind))
            deadline = campaign.deadlines.get(kind)
            if found:
                when, file = found
                late = (when.date() - deadline).days if deadline and when.date() > deadline else 0
                arrivals[kind] = Arrival(when, file, late)
        default_kind = "regulator" if required else "unknown"
        out.append(
            Submission(name, required, kinds.get(name, default_kind), arrivals.get("plan"), arrivals.get("summary"))
        )
    return out


def owed(subs: Sequence[Submission], campaign: Campaign, today: date) -> list[Owed]:
    """What each required sender still owes, plans first: overdue once its deadline passed."""
    out = []
    for kind in KINDS:
        deadline = campaign.deadlines.get(kind)
        if deadline is None:
            continue
        for s in subs:
            if s.required and s.of(kind) is None:
                out.append(Owed(s.sender, kind, deadline, max(0, (today - deadline).days)))
    return out
