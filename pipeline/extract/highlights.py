"""The 3–5 sentences a reviewer would quote: concrete, numbered, new — and not repeating each other."""

from __future__ import annotations

import re

from pipeline.campaign import Campaign
from pipeline.extract.sentences import Sentence
from pipeline.extract.tokens import tokenizer

MAX_HIGHLIGHTS = 5
MIN_SCORE = 2.0
_NUMBER = re.compile(r"\d+|[一二三四五六七八九十百千万]+(?:余|多)?(?:人|份|家|场|次|篇|条)")


def score_sentence(text: str, campaign: Campaign, metric_count: int, activity_count: int) -> float:
    score = 2.0 * min(metric_count, 2) + (1.0 if _NUMBER.search(text) else 0.0)
    score += 2.0 * min(sum(1 for c in campaign.innovation_cues if c in text), 2)
    score += 1.0 * min(activity_count, 2)
    score -= 1.0 * sum(1 for g in campaign.generic_phrases if g in text)
    if len(text) < 15 or len(text) > 200:
        score -= 2.0
    return score


def pick_highlights(candidates: list[tuple[float, int, Sentence]], campaign: Campaign) -> list[Sentence]:
    """Best-scoring sentences, skipping any that shares most of its words with one already picked."""
    tk = tokenizer(campaign)
    chosen: list[tuple[Sentence, set[str]]] = []
    for score, _, sentence in sorted(candidates, key=lambda c: (-c[0], c[1])):
        if score < MIN_SCORE or len(chosen) >= MAX_HIGHLIGHTS:
            break
        words = {w for w in tk.lcut(sentence.text) if len(w) > 1}
        if any(_overlap(words, other) > 0.5 for _, other in chosen):
            continue
        chosen.append((sentence, words))
    return [s for s, _ in sorted(chosen, key=lambda c: c[0].block)]


def _overlap(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))
