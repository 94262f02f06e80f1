"""Parts of a news-style paper that are not about the campaign, and the day the paper is dated.

A 工作简报 or 信息 issue (第X期 in its masthead) carries several items; only those about the
campaign are the sender's campaign activities. A web page or newspaper page is dated
(发布时间, the masthead's date), and that date is what its 昨天 and 今天 point at.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from pipeline.campaign import Campaign
from pipeline.extract.dates import find_dates
from pipeline.model import BlockKind, Document

_ISSUE = re.compile(r"第\s*(?:\d+|[一二三四五六七八九十百]+)\s*期")
_DATED_PAGE = re.compile(
    r"发布时间|发布日期|星期[一二三四五六日天]|第\s*\d+\s*版|\d{4}-\d{2}-\d{2}\s*\d{1,2}:\d{2}|原创[：:]"
)
# 昨天/今天 as a time adverb of the report ("昨日上午", "昨天是第11个…"), not in a quote ("今天才知道").
_RELATIVE = re.compile(r"(?P<word>昨天|昨日|今天|今日)(?=上午|下午|晚上|晚|，|是第|在|举办|举行|开展)")


def off_topic_blocks(doc: Document, campaign: Campaign) -> set[int]:
    """Indices of the blocks in items of a multi-item issue that do not name the campaign."""
    if not any(_ISSUE.search(b.text) for b in doc.blocks[:6]):
        return set()
    word = campaign.name_word
    sections: list[list[int]] = []
    for i, block in enumerate(doc.blocks):
        if block.kind is BlockKind.HEADING or block.kind is BlockKind.PARAGRAPH and _headline(block.text):
            sections.append([i])
        elif sections and block.kind in (BlockKind.PARAGRAPH, BlockKind.TABLE_CELL, BlockKind.TEXT_BOX):
            sections[-1].append(i)
    about = [any(word in doc.blocks[i].text for i in section) for section in sections]
    if len(sections) < 2 or all(about) or not any(about):
        return set()
    return {i for section, on in zip(sections, about) if not on for i in section}


def _headline(text: str) -> bool:
    """An item's headline: a short line that is no sentence (an issue's items are often plain
    paragraphs, bold at most)."""
    return (
        len(text) <= 45
        and not text.endswith(("。", "！", "？", "；", "：", ":", "）", ")"))
        and not _LIST_ITEM.match(text)
    )


_LIST_ITEM = re.compile(r"^(?:[一二三四五六七八九十]+是|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．])")


def publication_date(doc: Document, year: int) -> date | None:
    """The date a web page or newspaper page carries at its top (发布时间, masthead)."""
    for block in doc.blocks[:6]:
        if _DATED_PAGE.search(block.text):
            mentions = find_dates(block.text, year)
            if mentions and mentions[0].start.year == year:
                return mentions[0].start
    return None


def relative_days(text: str, published: date | None) -> list[tuple[date, tuple[int, int], str]]:
    """昨天/今天 in a dated page's text, as the days they point at."""
    if published is None:
        return []
    out = []
    for m in _RELATIVE.finditer(text):
        day = published - timedelta(days=1) if m.group("word") in ("昨天", "昨日") else published
        out.append((day, m.span("word"), m.group("word")))
    return out


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NUMBERS_ONLY = re.compile(r"^[\d.,\s\u3000]+$")


def unread_table_pages(doc: Document) -> list[int]:
    """OCR'd pages that show rows of figures (three or more numbers side by side, or numbers
    alone on their lines) outside any table read: a table the picture held and the layout lost."""
    per_page: dict[int, int] = {}
    for block in doc.blocks:
        page = block.loc.page
        if block.kind is not BlockKind.PARAGRAPH or page is None or page not in doc.ocr_pages:
            continue
        text = block.text
        numbers = _NUMBER.findall(text)
        digits = sum(len(n) for n in numbers)
        if _NUMBERS_ONLY.match(text) or len(numbers) >= 3 and digits >= 0.4 * len(re.sub(r"\s", "", text)):
            per_page[page] = per_page.get(page, 0) + 1
    return sorted(p for p, n in per_page.items() if n >= 3)
