"""Text lines and paragraphs from positioned characters, for any fixed-layout page.

The PDF reader's characters and OCR's recognised lines go through the same logic: lines
by vertical overlap, paragraphs by indent, spacing and where a line stops, headers and
footers by the page's margins, and a paragraph cut by a page break joined again. Wrapped
lines are joined without a space between CJK characters.
"""

from __future__ import annotations

import re
import statistics

from pipeline.model import Block, BlockKind
from pipeline.text import SENTENCE_END, collapse_doubled, looks_like_heading, normalize

_PAGE_NUMBER = re.compile(
    r"^[-—－–\s]*\d{1,4}[-—－–\s]*$|^第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?$|^\d+\s*/\s*\d+$"
)
_MARGIN = 0.07  # share of the page height at top and bottom where headers and footers sit
MARGINS = (BlockKind.HEADER, BlockKind.FOOTER)


def continues_paragraph(blocks: list[Block], block: Block) -> bool:
    """A paragraph cut by a page break: the page's first line finishes the last one."""
    last = next((b for b in reversed(blocks) if b.kind not in MARGINS), None)
    if (
        last is None
        or last.kind is not BlockKind.PARAGRAPH
        or block.kind is not BlockKind.PARAGRAPH
        or last.align
        or block.align
        or last.text[-1] in SENTENCE_END + "：:"
        or looks_like_heading(block.text)
        or looks_like_heading(last.text)  # "三、组织培训宣贯" ends a page: its text starts the next
    ):
        return False
    last.text = join_lines([last.text, block.text])
    return True


def paragraphs(lines: list[dict], width: float, height: float):
    """Yield (top, text, kind, align, emphasised) for the prose of one page, from its lines
    (built from characters, or recognised by OCR)."""
    if not lines:
        return
    body_size = statistics.median(ln["size"] for ln in lines)
    left = min(ln["x0"] for ln in lines)
    right = max(ln["x1"] for ln in lines)
    centre = (left + right) / 2  # centred within the text block, not the paper
    current: list[str] = []
    state: dict = {}

    def flush():
        if current:
            text = join_lines(current)
            yield state["top"], text, state["kind"], state["align"], state["big"]
            current.clear()

    prev = None
    for ln in lines:
        text = collapse_doubled(normalize(ln["text"]))
        if not text:
            continue
        size = ln["size"]
        kind = _margin_kind(ln, text, (0.0, 0.0, width, height), height)
        align = _alignment(ln, left, right, centre, body_size)
        big = size >= body_size * 1.25
        if kind is not None:
            yield from flush()
            yield ln["top"], text, kind, None, False
            prev = None
            continue
        if prev is None or _starts_paragraph(prev, ln, text, align, big, left, right, body_size):
            yield from flush()
            state.update(top=ln["top"], kind=BlockKind.PARAGRAPH, align=align, big=big)
        current.append(text)
        prev = (ln, text, align, big)
    yield from flush()


def text_lines(chars: list[dict]) -> list[dict]:
    """Group characters into text lines by vertical overlap, left to right.

    A gap wider than a character becomes a double space, which `normalize` keeps as a
    separator (unruled table columns, "姓名  张三"), while ordinary spacing disappears; the
    runs between such gaps are the line's `cells`, as OCR rows have them, so a table drawn
    without rules is found by its columns (`ocr.split_tables`).
    """
    rows: list[list[dict]] = []
    for c in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if rows:
            last = rows[-1]
            top, bottom = last[0]["top"], last[0]["bottom"]
            overlap = min(bottom, c["bottom"]) - max(top, c["top"])
            if overlap > 0.5 * min(bottom - top, c["bottom"] - c["top"]):
                last.append(c)
                continue
        rows.append([c])
    lines = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        size = statistics.median(c["size"] for c in row)
        parts, prev_x1 = [], None
        cells: list[list] = []  # [text, x0, x1] of each run between wide gaps
        for c in row:
            if prev_x1 is not None:
                gap = c["x0"] - prev_x1
                if gap > 1.0 * size:
                    parts.append("  ")
                    cells.append(["", c["x0"], c["x1"]])
                elif gap > 0.25 * size:
                    parts.append(" ")
                    cells[-1][0] += " "
            if not cells:
                cells.append(["", c["x0"], c["x1"]])
            parts.append(c["text"])
            cells[-1][0] += c["text"]
            cells[-1][2] = max(cells[-1][2], c["x1"])
            prev_x1 = c["x1"]
        text = "".join(parts)
        if text.strip():
            lines.append(
                {
                    "text": text,
                    "x0": row[0]["x0"],
                    "x1": max(c["x1"] for c in row),
                    "top": min(c["top"] for c in row),
                    "bottom": max(c["bottom"] for c in row),
                    "size": size,
                    "cells": [(t.strip(), x0, x1) for t, x0, x1 in cells if t.strip()],
                }
            )
    return lines


def _margin_kind(ln, text: str, bbox, height: float) -> BlockKind | None:
    """Lines in the top or bottom band of the page are the header or footer (letterhead,
    page numbers); a page number is a footer wherever it sits."""
    if ln["top"] < bbox[1] + _MARGIN * height:
        return BlockKind.HEADER
    if ln["bottom"] > bbox[3] - _MARGIN * height or (_PAGE_NUMBER.match(text) and len(text) < 12):
        return BlockKind.FOOTER
    return None


def _alignment(ln, left: float, right: float, centre: float, size: float) -> str | None:
    indent, gap = ln["x0"] - left, right - ln["x1"]
    if indent > 2 * size and abs((ln["x0"] + ln["x1"]) / 2 - centre) < 1.5 * size and gap > 2 * size:
        return "center"
    if indent > (right - left) * 0.4 and (gap < 1.5 * size or ln["x1"] - ln["x0"] < (right - left) * 0.5):
        return "right"  # flush right, or a 落款 indented from the right ("右空四字")
    return None


def _starts_paragraph(prev, ln, text: str, align, big: bool, left: float, right: float, size: float) -> bool:
    p_ln, p_text, p_align, p_big = prev
    if align or p_align or big != p_big:
        return True  # centred titles, right-aligned 落款 and large lines stand alone
    if ln["top"] - p_ln["bottom"] > 1.2 * size:
        return True  # a blank line's worth of space
    if p_ln["x1"] >= right - 2 * size and p_ln["x0"] < left + 3 * size and p_text[-1] not in SENTENCE_END + "：:":
        return False  # the previous line ran to the margin mid-sentence: this one continues it
        # (lists with a hanging indent start their second line further right)
    if ln["x0"] - left > 1.2 * size:
        return True  # first-line indent
    if p_ln["x1"] < right - 2 * size:
        return True  # the previous line stopped short: it ended its paragraph
    if looks_like_heading(text) or looks_like_heading(p_text):
        return True
    return False


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines: no space between CJK, one space between Latin words."""
    out = ""
    for line in lines:
        if out and out[-1].isascii() and out[-1].isalnum() and line[:1].isascii() and line[:1].isalnum():
            out += " "
        out += line
    return normalize(out)
