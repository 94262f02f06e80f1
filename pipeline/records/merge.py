"""A night's records put together: what only the whole inbox shows, settled in order."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.campaign import Campaign, load_campaign
from pipeline.model import Record
from pipeline.records.duplicates import mark_duplicates
from pipeline.records.reviews import attach, carry_over, corrected
from pipeline.records.revisions import mark_superseded


def merge(
    batches: Sequence[Sequence[Record]], reviews: dict | None = None, campaign: Campaign | None = None
) -> list[Record]:
    """Put the workers' records together and settle what only the whole inbox shows:
    duplicates, the reviewers' columns, and which versions supersede which."""
    records = sorted(mark_duplicates(r for batch in batches for r in batch), key=lambda r: r.file)
    attach(records, reviews or {})
    campaign = campaign or load_campaign()
    # Revisions are grouped by sender and kind as the reviewer corrected them.
    effective = [corrected(r, campaign) for r in records]
    mark_superseded(effective)
    for raw, eff in zip(records, effective):
        raw.status, raw.superseded_by = eff.status, eff.superseded_by
    carry_over(records, reviews or {})
    return records
