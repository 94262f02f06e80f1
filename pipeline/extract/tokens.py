"""jieba, loaded once per process with the campaign's words, and cue matching on its tokens.

Cue words are matched only where they start or end on a token boundary, so "开放日"
is found in "实验室开放日" but "交流" is not found inside "直流交流电" when jieba keeps
that a word of its own.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

import jieba

from pipeline.campaign import PATTERN_MARK, Campaign

jieba.setLogLevel(logging.WARNING)


@lru_cache(maxsize=4)
def _tokenizer(words: tuple[str, ...]) -> jieba.Tokenizer:
    tk = jieba.Tokenizer()
    tk.initialize()
    for word in words:
        tk.add_word(word, freq=20000)
    return tk


def tokenizer(campaign: Campaign) -> jieba.Tokenizer:
    words = set(campaign.jieba_words)
    for t in campaign.activity_types:
        words.update(c for c in t.cues if len(c) > 1)
    return _tokenizer(tuple(sorted(words)))


def boundaries(tk: jieba.Tokenizer, text: str) -> set[int]:
    """Character offsets where jieba puts a token boundary."""
    edges = {0}
    pos = 0
    for token in tk.lcut(text):
        pos += len(token)
        edges.add(pos)
    return edges


def find_cues(text: str, cues, edges: set[int]) -> list[tuple[str, int, str]]:
    """Cues present in `text` on token boundaries: (cue, position, the words matched); the
    longest cue wins a place."""
    hits: list[tuple[str, int, str]] = []
    covered: list[tuple[int, int]] = []
    for cue in sorted(cues, key=len, reverse=True):
        pattern = cue[len(PATTERN_MARK) :] if cue.startswith(PATTERN_MARK) else re.escape(cue)
        for m in re.finditer(pattern, text):
            a, b = m.span()
            if a not in edges and b not in edges:
                continue
            if any(x <= a and b <= y for x, y in covered):
                continue
            covered.append((a, b))
            hits.append((cue, a, m.group()))
    return hits
