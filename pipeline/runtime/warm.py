"""Imported once by the fork server that starts reader workers (pipeline.runtime.workers).

Whatever is loaded here is loaded in every worker for free: the readers, the extractors
and jieba's dictionary with the default campaign's words (about 1 s, measured).
"""

import logging

from pipeline import inbox  # noqa: F401 — imported for the workers
from pipeline.extract import Extractor  # noqa: F401

try:
    from pipeline.campaign import load_campaign
    from pipeline.extract.tokens import tokenizer

    tokenizer(load_campaign())
except Exception:
    logging.getLogger(__name__).debug("jieba not preloaded", exc_info=True)
