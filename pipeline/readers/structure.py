"""Layout rules every reader shares: which leading lines form the title, which are headings.

Readers only report what their format says (centred, large, styled); the decision is
made here once so that a .docx and the PDF made from it get the same kinds.
"""

from __future__ import annotations

import re

from pipeline.model import Block, BlockKind
from pipeline.text import looks_like_heading

_DOC_NUMBER = re.compile(r"〔\s*\d{4}\s*〕|\[\s*\d{4}\s*\]|［\d{4}］")
_DATE_LINE = re.compile(r"^[\d〇零一二三四五六七八九十○Ｏ]{2,4}\s*年.{1,3}月.{1,4}日$")
MAX_TITLE_LINE = 60


def mark_structure(blocks: list[Block], emphasised: list[bool]) -> None:
    """Set TITLE on the leading centred or emphasised lines and HEADING on numbered ones.

    `emphasised[i]` says the reader saw block i set larger or bolder than body text. The
    title is the first run of centred/emphasised short lines, skipping a document number
    (文号) or letterhead line, and stops at the first ordinary paragraph.
    """
    started = False
    for block, big in zip(blocks, emphasised):
        if block.kind is not BlockKind.PARAGRAPH:
            continue
        text = block.text
        titleish = (block.align == "center" or big) and len(text) <= MAX_TITLE_LINE
        if titleish and not _DOC_NUMBER.search(text) and not _DATE_LINE.match(text):
            if not looks_like_heading(text) or not started:
                block.kind = BlockKind.TITLE
                started = True
                continue
        if started or not titleish:
            break
    for block in blocks:
        if block.kind is BlockKind.PARAGRAPH and looks_like_heading(block.text):
            block.kind = BlockKind.HEADING
