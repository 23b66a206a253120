"""A pipeline over a small self-written lexicon (a helper module for the NLP tests, not a test).

Swapping the lexicon means replacing both of its users, the entity trie and the linker's fuzzy
candidate generator; this is the one place that knows it.
"""
from __future__ import annotations

from typing import Any, Sequence

from pipeline.lexicon.fuzzy import build_fuzzy_linker
from pipeline.nlp import build_nlp, build_term_trie


def lexicon_pipeline(rows: Sequence[tuple], **build: Any) -> Any:
    """``build_nlp(relations=False, **build)`` with ``rows`` (term, type, concept, name,
    case_sensitive, priority) as its whole lexicon."""
    nlp = build_nlp(relations=False, **build)
    nlp.get_pipe("mscgraph_entities").trie = build_term_trie(rows)
    nlp.get_pipe("mscgraph_linker").fuzzy_linker = build_fuzzy_linker(rows, min_df=1)
    return nlp
