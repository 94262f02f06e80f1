"""The 落款 (signature block): who signed and when, at the end of the document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pipeline.extract.dates import date_only
from pipeline.model import Block, BlockKind, Document

_BODY = (BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.TEXT_BOX)
MAX_SIGNATURE_LINE = 40


@dataclass(slots=True)
class Signature:
    date: date | None
    date_block: int | None  # index into doc.blocks
    names: list[tuple[int, Block]]  # the lines above the date (organisation names)


def find_signature(doc: Document, year: int, org_suffixes: tuple[str, ...] = ()) -> Signature:
    """The last line that is only a date, and the short lines just above it.

    A notice that issues a plan (关于印发…的通知) signs before the plan it carries, so the
    last date line is searched in the whole document, not only at the very end. A name and
    its date run together on one line (a 落款 read from a PDF or a photo without its line
    break: "中牟县市场监督管理局2018年6月19日") count as a name line and a date line.
    """
    body = [(i, b) for i, b in enumerate(doc.blocks) if b.kind in _BODY]
    # A dated line at the very top of a longer paper is its masthead or byline ("成都质监 2018-06-09"),
    # not a 落款.
    first = 3 if len(body) > 6 else 0
    for pos in range(len(body) - 1, first - 1, -1):
        i, block = body[pos]
        if len(block.text) <= 20:
            when = date_only(block.text, year)
        else:
            when = None
        if when is None and org_suffixes and (glued := _name_then_date(block.text, year, org_suffixes)):
            return Signature(glued, i, [(i, block)])
        if when is None:
            continue
        names = []
        for j, above in reversed(body[max(0, pos - 3) : pos]):
            if len(above.text) > MAX_SIGNATURE_LINE or above.text.endswith(("。", "：", ":")):
                break
            names.insert(0, (j, above))
        return Signature(when, i, names)
    # No dated 落款: right-aligned short lines at the very end still name the signer.
    tail = [(i, b) for i, b in body[-3:] if b.align == "right" and len(b.text) <= MAX_SIGNATURE_LINE]
    return Signature(None, None, tail)


def _name_then_date(text: str, year: int, org_suffixes: tuple[str, ...]) -> date | None:
    """The date of a line that is an organisation's name followed by a date, else None."""
    if len(text) > MAX_SIGNATURE_LINE:
        return None
    for suffix in org_suffixes:
        at = text.find(suffix)
        if at > 1 and not any(p in text[:at] for p in "，。；：:、,"):
            when = date_only(text[at + len(suffix) :], year)
            if when is not None:
                return when
    return None
