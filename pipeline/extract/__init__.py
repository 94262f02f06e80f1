"""Extraction: from one Document to the facts of its Record, each with its evidence.

Every step sees only the document model and the campaign; none knows the file format.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from pipeline.campaign import Campaign
from pipeline.extract.activities import find_activities, own_activity_text
from pipeline.extract.dates import DateMention, bare_days, find_dates, is_day_statement, is_deadline, is_vague
from pipeline.extract.highlights import pick_highlights, score_sentence
from pipeline.extract.items import off_topic_blocks, publication_date, relative_days, unread_table_pages
from pipeline.extract.kind import find_doc_kind
from pipeline.extract.metrics import MetricMention, find_metrics
from pipeline.extract.sender import find_sender
from pipeline.extract.sentences import Sentence, body_sentences
from pipeline.extract.signature import find_signature
from pipeline.model import Document, Location, Record


def _evidence(text: str, loc: Location | None, **extra) -> dict:
    return {"text": text, "location": loc.describe() if loc else "", **extra}


@dataclass
class Extractor:
    """Fills a record's facts from its document; one instance per worker process."""

    campaign: Campaign

    def __call__(self, doc: Document, record: Record) -> Record:
        c = self.campaign
        signature = find_signature(doc, c.year, c.regulator_suffixes + c.organisation_suffixes)
        sender = find_sender(doc, signature, c)
        who = sender.name if sender else None
        sentences = body_sentences(doc)
        off_topic = off_topic_blocks(doc, c)  # a 简报's other items
        own = [
            None if s.block in off_topic else own_activity_text(s.text, c, who, sender.kind if sender else None)
            for s in sentences
        ]  # once each
        other_items = {i for i, s in enumerate(sentences) if s.block in off_topic}
        dates = self._dates(sentences, own, signature.date_block, publication_date(doc, c.year), other_items)
        activities = find_activities(sentences, own, _schedule_dates(sentences, dates), c)
        kind, kind_reason = find_doc_kind(doc, len(activities), off_topic)

        evidence: dict = {}
        if sender:
            record.submitter, record.submitter_kind = sender.name, sender.kind
            record.submitter_source, record.submitter_confidence = sender.source, sender.confidence
            evidence["submitter"] = _evidence(
                sender.evidence, sender.loc, source=sender.source, confidence=sender.confidence
            )
        else:
            record.submitter_kind = "unknown"
        record.doc_kind = kind
        evidence["doc_kind"] = _evidence(kind_reason, None)
        if signature.date:
            record.doc_date = signature.date.isoformat()
            block = doc.blocks[signature.date_block]
            evidence["doc_date"] = _evidence(block.text, block.loc)

        types: dict[str, dict] = {}
        for a in activities:
            types.setdefault(a.type, _evidence(a.evidence, a.loc, cues=list(a.cues)))
        record.activity_types = [t.name for t in c.activity_types if t.name in types]
        evidence["activity_types"] = types
        record.activities = [
            {
                "type": a.type,
                "date": a.date.isoformat() if a.date else None,
                "place": a.place,
                "evidence": a.evidence,
                "location": a.loc.describe(),
            }
            for a in activities
        ]

        per_activity_sentence = Counter(a.sentence for a in activities)
        day_evidence: dict[str, dict] = {}
        for i, mentions in dates.items():
            # A line that is only a date range ("2018年6月4日至6月15日") under a 活动时间
            # heading is an activity window; a lone single date is a signature, not a fact.
            window = any(
                m.end
                and m.end != m.start
                and (len(m.text) + 2 >= len(sentences[i].text) or m.span[0] <= 1 and len(sentences[i].text) <= 40)
                for m in mentions
            )  # "2018年6月4日至6月15日，集中宣传日为6月8日。" opens a plan's 活动时间 too
            scheduled = _TIME_FIELD.search(sentences[i].text)  # "时间：6月9日" in a plan's schedule item
            if (
                i not in per_activity_sentence
                and not any(v in sentences[i].text for v in c.event_verbs)
                and not window
                and not scheduled
            ):
                continue
            for m in mentions:
                for d in m.days():
                    day_evidence.setdefault(d.isoformat(), _evidence(sentences[i].text, sentences[i].loc))
        record.activity_dates = sorted(day_evidence)
        evidence["activity_dates"] = day_evidence

        metrics, approx, metric_evidence, per_sentence = self._metrics(sentences, own)
        record.metrics, record.metrics_approximate = metrics, approx
        evidence["metrics"] = metric_evidence

        candidates = []
        for i, s in enumerate(sentences):
            candidates.append((score_sentence(s.text, c, per_sentence.get(i, 0), per_activity_sentence[i]), i, s))
        record.highlights = [_evidence(s.text, s.loc) for s in pick_highlights(candidates, c)]
        record.evidence = evidence
        if doc.ocr_pages:
            record.tables_unread = unread_table_pages(doc)
        record.signals = self._signals(sentences, own)
        return record

    def _signals(self, sentences: list[Sentence], own: list[str | None]) -> dict:
        """Words that make a case strong or weak, with the first sentence showing each,
        so the typical-case score can be computed (and explained) from the record alone."""
        c = self.campaign

        def first(words: tuple[str, ...]) -> dict[str, str]:
            found: dict[str, str] = {}
            for s, text in zip(sentences, own):
                for w in words:
                    if text and w not in found and w in text:
                        found[w] = s.text
            # "市场监管" inside "服务市场监管" is one cue found, not two.
            return {w: t for w, t in found.items() if not any(w != o and w in o for o in found)}

        generic = sum(s.text.count(g) for s in sentences for g in c.generic_phrases)
        return {"innovation": first(c.innovation_cues), "theme": first(c.theme_cues), "generic_phrases": generic}

    def _dates(
        self,
        sentences: list[Sentence],
        own: list[str | None],
        signature_block: int | None,
        published: date | None,
        other_items: set[int],
    ) -> dict[int, list[DateMention]]:
        """Dates of each sentence that can be activity dates (no deadlines, 落款, notice events)."""
        c = self.campaign
        out: dict[int, list[DateMention]] = {}
        last: tuple[int, date] | None = None  # the last single date stated, and its sentence
        for i, (s, text) in enumerate(zip(sentences, own)):
            if text is None or (signature_block is not None and s.block == signature_block):
                # Not the sender's own activity (a national event it attended), yet the day it
                # tells is the one a following "同日" points at.
                # A 简报's item about other work tells no day this item's 当天 could mean.
                told = [] if i in other_items else [m for m in find_dates(s.text, c.year) if m.end in (None, m.start)]
                if told and text is None:
                    last = (i, told[-1].start)
                continue
            mentions = []
            found = find_dates(text, c.year, c.day, c.day_names, c.months)
            found += [DateMention(d, None, span, word) for d, span, word in relative_days(text, published)]
            if last:
                found += bare_days(text, last[1], [m.span for m in found])
            for m in sorted(found, key=lambda m: m.span):
                if is_deadline(text, m) or is_vague(text, m.span[1]) or _dateline(text, m):
                    continue
                if m.text in _ANAPHORIC_DAY and last and i - last[0] <= _ANAPHORA_REACH:
                    # "6月8日，…举办…。当天共发放…": 当天 is the day just told, not the campaign's day.
                    m = DateMention(last[1], None, m.span, m.text)
                elif m.text in _ANAPHORIC_DAY + tuple(c.day_names):
                    pass
                elif m.end in (None, m.start):
                    last = (i, m.start)
                if is_day_statement(text, m):
                    continue  # "6月9日是第11个世界认可日": the day named, nothing done on it
                mentions.append(m)
            if mentions:
                out[i] = mentions
        return out

    def _metrics(self, sentences: list[Sentence], own: list[str | None]):
        c = self.campaign
        best: dict[str, tuple[MetricMention, Sentence]] = {}
        per_sentence: dict[int, int] = {}
        for i, s in enumerate(sentences):
            if own[i] is None:
                continue
            found = find_metrics(s.text, c)
            per_sentence[i] = len(found)
            for m in found:
                current = best.get(m.name)
                if current is None or (m.total, m.value) > (current[0].total, current[0].value):
                    best[m.name] = (m, s)
        metrics = {name: m.value for name, (m, _) in best.items()}
        approx = sorted(name for name, (m, _) in best.items() if m.approximate)
        evidence = {name: _evidence(s.text, s.loc, approximate=m.approximate) for name, (m, s) in best.items()}
        return metrics, approx, evidence, per_sentence


# Day names that point back at the day a report has just given (活动当天), unlike 世界认可日当天.
_ANAPHORIC_DAY = ("当天", "活动当天", "同日", "当日")
_ANAPHORA_REACH = 8  # sentences back: a news item tells one day, then what happened on it


def _dateline(text: str, m: DateMention) -> bool:
    """ "湖南日报6月10日讯": a newspaper's date, not an activity's."""
    return text[m.span[1] : m.span[1] + 1] in ("讯", "电")


# When an item takes place ("时间：", also after its title: "（一）研讨会时间：6月8日"), not when a
# paper was written, issued or is due.
_TIME_FIELD = re.compile(
    r"(?<!成文)(?<!印发)(?<!发文)(?<!报送)(?<!截止)(?<!落款)(?<!发送)(?<!填报)(?<!发布)(?<!统计)(?<!收到)(?<!打印)"
    r"(?:时间|日期)[：:]"
)
_FIELD = re.compile(r"^[\u4e00-\u9fff]{2,6}[：:]")


def _schedule_dates(sentences: list[Sentence], dates: dict[int, list[DateMention]]) -> dict[int, list[DateMention]]:
    """A schedule item's "时间：" field dates the fields after it ("地点：…", "内容：…", "形式：…"),
    whether they are sentences of one paragraph or paragraphs of their own."""
    out = dict(dates)
    current = None
    for i, s in enumerate(sentences):
        if _TIME_FIELD.search(s.text):
            current = dates.get(i)  # None when the time is vague (6月上旬)
        elif current and _FIELD.match(s.text):
            out.setdefault(i, current)
        else:
            current = None
    return out
