"""Activity types per sentence, from jieba tokens and the campaign's weighted cue words.

Cue words are evidence, not proof: sentences that quote the national notice's own
events or requirements, newspaper datelines and figures of speech are read without them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pipeline.campaign import Campaign
from pipeline.extract.dates import DateMention
from pipeline.extract.sentences import Sentence
from pipeline.extract.tokens import boundaries, find_cues, tokenizer
from pipeline.model import Location

_PLACE = re.compile(
    r"(?:在|于|赴|到|地点[：:]\s*)(?P<place>[\u4e00-\u9fffA-Za-z0-9]{2,18}?"
    r"(?:广场|公园|中心|社区|学校|大学|学院|中学|小学|大厦|会议室|会议中心|礼堂|报告厅|商场|超市|市场|园区|基地|"
    r"实验室|展厅|展馆|街道|酒店|宾馆|剧院|体育馆|图书馆|步行街|服务大厅|大楼|局|院|馆|村|镇|县|区))"
)
_BOOK_TITLE = re.compile(r"《[^》]{1,40}》")
_THEME_CLAUSE = re.compile(
    r"(?:^|(?<=[。；，]))以[^，。；]{1,40}?为(?:主线|主题|重点|契机|抓手|核心|载体|主要内容)[，。；]?"
)
# Taking part in an event someone else holds: the event's type is theirs, not the taker's.
_OTHERS_EVENT = re.compile(
    r"(?:参与|参加)了?[^，。；]{0,16}?(?:组织|举办|主办|召开)的[^，。；]{0,20}?"
    r"(?:活动|会议|仪式|培训班|研讨会|座谈会|论坛)"
)
_DATELINE = re.compile(r"^.{0,30}?(?:讯|电)\s*(?:[（(][^）)]{0,40}[）)])?")


@dataclass(frozen=True, slots=True)
class Activity:
    type: str
    date: date | None
    place: str | None
    evidence: str
    loc: Location
    cues: tuple[str, ...]
    sentence: int  # index into the sentences it was found in


def own_activity_text(
    sentence: str, campaign: Campaign, sender: str | None, sender_kind: str | None = None
) -> str | None:
    """The part of a sentence that can show the sender's own activity, or None if none can.

    The national events are nobody's own activity but their host's; purpose clauses
    ("为深入宣贯…，"), titles of documents and booklets (《…》), figures of speech and
    newspaper datelines are removed before cue words are looked for. An institution's part
    in someone else's event counts by what it did there, so "参加市局举办的启动仪式" goes too.
    """
    not_own = campaign.not_own
    if any(p in sentence for p in not_own.get("quoted_notice", ())):
        return None
    for event in campaign.national_events:
        if event.host != sender and any(c in sentence for c in event.cues):
            return None
    page = not_own.get("page_lines", ())
    if any(w in sentence[:60] for w in page):
        dateline = re.search(r"讯\s*(?:[（(][^）)]{0,40}[）)])?", sentence[:90])
        if dateline:  # a PDF ran the page's lines into the lead: keep the lead
            sentence = sentence[dateline.end() :]
        elif len(sentence) < 80:
            return None
    for phrase in not_own.get("reporting_clauses", ()):
        if phrase in sentence:
            sentence = re.sub(rf"[^，。；]*{re.escape(phrase)}[^，。；]*[，；]?", "", sentence)
    for phrase in not_own.get("figures_of_speech", ()):
        sentence = sentence.replace(phrase, "")
    if any(d in sentence[:40] for d in not_own.get("datelines", ())):
        sentence = _DATELINE.sub("", sentence, count=1)
    sentence = _BOOK_TITLE.sub("《》", sentence)
    if sender_kind == "institution":
        sentence = _OTHERS_EVENT.sub("", sentence)
    openers = not_own.get("purpose_openers", ())
    if openers:
        # The clause may name what it is about first: "各项活动紧扣…，", "本次活动围绕…，".
        sentence = re.sub(
            rf"(?:^|(?<=[。；，]))(?:[^，。；]{{0,4}}(?:活动|工作))?(?:{'|'.join(map(re.escape, openers))})"
            r"[^，。；]*，",
            "",
            sentence,
        )
    return _THEME_CLAUSE.sub("", sentence)


def find_activities(
    sentences: list[Sentence], own: list[str | None], dates: dict[int, list[DateMention]], campaign: Campaign
) -> list[Activity]:
    """One Activity per (sentence, type) whose cue weights reach the threshold.

    `own[i]` is sentence i as `own_activity_text` left it (None: not the sender's own).
    """
    tk = tokenizer(campaign)
    found: list[Activity] = []
    for idx, (sentence, text) in enumerate(zip(sentences, own)):
        if not text:
            continue
        edges = boundaries(tk, text)
        day = next((d.start for d in dates.get(idx, ())), None)
        place = _place(text)
        for atype in campaign.activity_types:
            hits = find_cues(text, atype.cues, edges)
            if sum(atype.cues[c] for c, _, _ in hits) >= campaign.activity_threshold:
                found.append(
                    Activity(
                        atype.name, day, place, sentence.text, sentence.loc, tuple(words for _, _, words in hits), idx
                    )
                )
    return found


def _place(text: str) -> str | None:
    m = _PLACE.search(text)
    return m.group("place") if m else None
