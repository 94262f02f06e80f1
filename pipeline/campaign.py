"""Load one campaign file: roster, deadlines, taxonomy, cue words, weights.

Campaign knowledge is data; code never names a province or a keyword. A file that is
wrong fails when loaded, with a Chinese message that names the field.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PATTERN_MARK = "~"  # a cue written "~…" is a regular expression: "走进" a few characters before "社区"
DEFAULT_CAMPAIGN = Path(__file__).parent / "campaigns" / "wad2018.toml"
METRIC_NAMES = ("participants", "materials", "media_reports", "consultations", "institutions")


class CampaignError(ValueError):
    """The campaign file is missing a field or has a wrong value."""


@dataclass(frozen=True)
class RosterEntry:
    name: str
    aliases: tuple[str, ...]
    abbr: tuple[str, ...]
    city: bool = False
    mail: tuple[str, ...] = ()  # its known sending addresses, or "@domain" for a whole domain

    @property
    def names(self) -> tuple[str, ...]:
        """Every form of the name, longest first, so 内蒙古自治区 wins over 内蒙古."""
        return tuple(sorted({self.name, *self.aliases}, key=len, reverse=True))


@dataclass(frozen=True)
class NationalEvent:
    name: str
    date: date
    cues: tuple[str, ...]
    host: str


@dataclass(frozen=True)
class ActivityType:
    name: str
    cues: dict[str, float]


@dataclass(frozen=True)
class MetricRule:
    name: str
    units: tuple[str, ...]
    context: tuple[str, ...]
    exclude: tuple[str, ...]


@dataclass(frozen=True)
class Contact:
    unit: str
    people: str
    phone: str = ""
    fax: str = ""
    email: str = ""


@dataclass(frozen=True)
class Documents:
    """The office's own drafts: their titles, headings, the counting rule's wording, contacts."""

    notice: str
    office: str
    national_summary_title: str
    reminder_title: str
    reminder_addressee: str  # "{senders}…：", the senders who owe something put in
    counting_rule: str  # "{required}" becomes the number of required senders
    sections: tuple[str, ...]  # the six headings of the national summary, 一、 to 六、
    next_steps: tuple[str, ...]  # 六、's sub-headings, if the office has chosen them
    next_steps_placeholder: str
    contacts: tuple[Contact, ...]


SECTIONS = ("一、基本情况", "二、主要做法和特点", "三、取得的成效", "四、典型事例", "五、存在的问题", "六、下一步工作")


@dataclass(frozen=True, eq=False)  # hashed by identity: one loaded file, one object
class Campaign:
    id: str
    name: str
    year: int
    theme: str
    day: date
    day_names: tuple[str, ...]
    shortlist_title: str
    shortlist_size: int
    timezone: str
    deadlines: dict[str, date]
    national_events: tuple[NationalEvent, ...]
    roster: tuple[RosterEntry, ...]
    regulator_suffixes: tuple[str, ...]
    institution_words: tuple[str, ...]
    organisation_suffixes: tuple[str, ...]
    demo_zone_words: tuple[str, ...]
    national_bodies: tuple[str, ...]
    sender_confidence: dict[str, float]
    sender_check_below: float
    sender_full_forms: dict[str, str]
    activity_types: tuple[ActivityType, ...]
    activity_threshold: float
    event_verbs: tuple[str, ...]
    not_own: dict[str, tuple[str, ...]]
    innovation_cues: tuple[str, ...]
    theme_cues: tuple[str, ...]
    generic_phrases: tuple[str, ...]
    total_words: tuple[str, ...]
    stock_words: tuple[str, ...]
    metrics: tuple[MetricRule, ...]
    jieba_words: tuple[str, ...]
    scoring: dict[str, float]
    documents: Documents | None = None
    source: str = ""
    digest: str = field(default="", compare=False)  # sha256 of the file: re-extract when it changes

    @property
    def name_word(self) -> str:
        """The campaign's name without its year: the word an item about it carries (世界认可日)."""
        return re.sub(r"^\d{4}年", "", self.name)

    def sender_of_address(self, address: str) -> RosterEntry | None:
        """The roster member a mail address belongs to: listed itself, or its whole domain."""
        address = address.strip().lower()
        if not address:
            return None
        domain = "@" + address.rpartition("@")[2]
        for entry in self.roster:
            if address in entry.mail or domain in entry.mail:
                return entry
        return None

    @property
    def months(self) -> tuple[int, ...]:
        """The months the campaign's activities and papers fall in: from the month before its day
        to its last deadline's (a date that lost its 月 is read only inside them)."""
        last = max([self.day, *self.deadlines.values()])
        first = self.day.month - 1 if self.day.month > 1 else 1
        return tuple(range(first, last.month + 1)) if last.year == self.year else tuple(range(first, 13))


@lru_cache(maxsize=8)
def load_campaign(path: Path | str | None = None) -> Campaign:
    """Load and validate a campaign file (the 2018 campaign by default); once per process."""
    path = Path(path) if path else DEFAULT_CAMPAIGN
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise CampaignError(f"无法读取活动配置文件 {path}：{e.strerror or e}") from e
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise CampaignError(f"活动配置文件 {path} 格式错误：{e}") from e
    try:
        return _build(data, str(path), hashlib.sha256(raw).hexdigest())
    except KeyError as e:
        raise CampaignError(f"活动配置文件 {path} 缺少字段 {e.args[0]}") from e
    except (TypeError, ValueError) as e:
        raise CampaignError(f"活动配置文件 {path} 中有错误的值：{e}") from e


def _documents(d: dict, c: dict) -> Documents:
    """The drafts' wording; a campaign file without a [documents] table gets plain defaults."""
    sections = tuple(d.get("sections", SECTIONS))
    if len(sections) != len(SECTIONS):
        raise ValueError(f"documents.sections 应有{len(SECTIONS)}个标题（{'、'.join(SECTIONS)}）")
    name = c["name"]
    return Documents(
        notice=d.get("notice", f"关于组织开展{name}活动的通知"),
        office=d.get("office", f"{name}活动汇总组"),
        national_summary_title=d.get("national_summary_title", f"{name}活动情况总结（草稿）"),
        reminder_title=d.get("reminder_title", f"关于催报{name}活动方案和总结的通知（草稿）"),
        reminder_addressee=d.get("reminder_addressee", "{senders}："),
        counting_rule=d.get(
            "counting_rule",
            "合计数为{required}家必报单位现行活动总结所报数字之和，自愿报送单位的数字另列，不计入合计。",
        ),
        sections=sections,
        next_steps=tuple(d.get("next_steps", ())),
        next_steps_placeholder=d.get("next_steps_placeholder", "（此部分由办公室撰写。）"),
        contacts=tuple(
            Contact(x["unit"], x.get("people", ""), x.get("phone", ""), x.get("fax", ""), x.get("email", ""))
            for x in d.get("contacts", ())
        ),
    )


def _timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ValueError(f"未知的时区 {name}") from e
    return name


def _dates(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _build(d: dict, source: str, digest: str) -> Campaign:
    c, senders, acts = d["campaign"], d["senders"], d["activities"]
    roster = tuple(
        RosterEntry(
            r["name"],
            tuple(r.get("aliases", ())),
            tuple(r.get("abbr", ())),
            bool(r.get("city", False)),
            tuple(a.strip().lower() for a in r.get("mail", ())),
        )
        for r in d["roster"]
    )
    if len({r.name for r in roster}) != len(roster):
        raise ValueError("roster 中有重复的单位名称")
    types = tuple(ActivityType(t["name"], {str(k): float(v) for k, v in t["cues"].items()}) for t in acts["types"])
    if not types:
        raise ValueError("activities.types 不能为空")
    for t in types:
        for cue in t.cues:
            if cue.startswith(PATTERN_MARK):
                try:
                    re.compile(cue[len(PATTERN_MARK) :])
                except re.error as e:
                    raise ValueError(f"活动类型“{t.name}”的提示词 {cue} 不是有效的正则表达式（{e}）") from e
    metrics = tuple(
        MetricRule(name, tuple(m["units"]), tuple(m["context"]), tuple(m.get("exclude", ())))
        for name, m in d["metrics"].items()
        if isinstance(m, dict)
    )
    unknown = {m.name for m in metrics} - set(METRIC_NAMES)
    if unknown:
        raise ValueError(f"未知的统计指标 {sorted(unknown)}，可用的有 {list(METRIC_NAMES)}")
    return Campaign(
        id=c["id"],
        name=c["name"],
        year=int(c["year"]),
        theme=c.get("theme", ""),
        day=_dates(c["day"]),
        day_names=tuple(sorted(c.get("day_names", ()), key=len, reverse=True)),
        shortlist_title=c.get("shortlist_title", f"{c['name']}活动典型事例推荐名单"),
        shortlist_size=int(c.get("shortlist_size", 10)),
        timezone=_timezone(c.get("timezone", "Asia/Shanghai")),
        deadlines={k: _dates(v) for k, v in d["deadlines"].items()},
        national_events=tuple(
            NationalEvent(e["name"], _dates(e["date"]), tuple(e["cues"]), e.get("host", ""))
            for e in d.get("national_events", ())
        ),
        roster=roster,
        regulator_suffixes=tuple(sorted(senders["regulator_suffixes"], key=len, reverse=True)),
        institution_words=tuple(senders["institution_words"]),
        organisation_suffixes=tuple(sorted(senders["organisation_suffixes"], key=len, reverse=True)),
        demo_zone_words=tuple(senders.get("demo_zone_words", ())),
        national_bodies=tuple(sorted(senders.get("national_bodies", ()), key=len, reverse=True)),
        sender_confidence={str(k): float(v) for k, v in senders.get("confidence", {}).items()},
        sender_check_below=float(senders.get("check_below", 0.7)),
        sender_full_forms={str(k): str(v) for k, v in senders.get("full_forms", {}).items()},
        activity_types=types,
        activity_threshold=float(acts.get("threshold", 1.0)),
        event_verbs=tuple(acts.get("event_verbs", ())),
        not_own={k: tuple(v) for k, v in acts.get("not_own", {}).items()},
        innovation_cues=tuple(d.get("innovation", {}).get("cues", ())),
        theme_cues=tuple(d.get("theme", {}).get("cues", ())),
        generic_phrases=tuple(d.get("substance", {}).get("generic_phrases", ())),
        total_words=tuple(d["metrics"].get("total_words", ())),
        stock_words=tuple(d["metrics"].get("stock_words", ())),
        metrics=metrics,
        jieba_words=tuple(d.get("jieba", {}).get("words", ())),
        scoring={k: float(v) for k, v in d.get("scoring", {}).items()},
        documents=_documents(d.get("documents", {}), c),
        source=source,
        digest=digest,
    )
