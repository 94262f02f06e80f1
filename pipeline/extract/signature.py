"""The 落款 (signature block): who signed and when, at the end of the document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pipeline.model import Block, BlockKind, Document
from pipeline.extract.dates import date_only

_BODY = (BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.TEXT_BOX)
MAX_SIGNATURE_LINE = 40


@dataclass(slots=True)
class Signature:
    date: date | None
    date_block: int | None  # index into doc.blocks
    names: list[tuple[int, Block]]  # the lines above the date (organisation names)


def find_signature(doc: Document, year: int) -> Signature:
    """The last line that is only a date, and the short lines just above it.

    A notice that issues a plan (关于印发…的通知) signs before the plan it carries, so the
    last date line is searched in the whole document, not only at the very end.
    """
    body = [(i, b) for i, b in enumerate(doc.blocks) if b.kind in _BODY]
    for pos in range(len(body) - 1, -1, -1):
        i, block = body[pos]
        if len(block.text) > 20:
            continue
        when = date_only(block.text, year)
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
