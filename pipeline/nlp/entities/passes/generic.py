"""Generic mentions are no entities: class nouns, non-entities, function-word starts.

The lists are ``generic_nouns``, ``not_entities`` and ``function_words`` in
``pipeline/data/words.toml``.
"""
from __future__ import annotations

from spacy.tokens import Doc

from ...state import Candidate, DocState, Words
from ...wordlists import FUNCTION_WORDS, GENERIC_NOUNS, NOT_ENTITIES
from ..keys import token_keys
from ..trie import TermTrie

__all__ = ["is_generic", "drop_generic"]


#: ``in <setting>`` ends a lexicon term that names a study setting, not a thing.
_STUDY_SETTINGS = frozenset({"vitro", "vivo"})

#: Whether one token text's keys are a generic noun or a non-entity (see :func:`is_generic`).
_GENERIC_TOKEN: dict[str, bool] = {}


def is_generic(doc: Doc, c: Candidate, w: Words | None = None) -> bool:
    """Class nouns, non-entities, function-word starts, ``long form (ABBR)`` lexicon terms."""
    if c.priority >= 100 and c.rule == "lexicon":
        return False
    if w is None:
        w = DocState.of(doc).words
    if c.end - c.start == 1:   # most candidates: the test memoized per token text
        t = w.text[c.start]
        generic = _GENERIC_TOKEN.get(t)
        if generic is None:
            words = " ".join(token_keys(t)[0])
            generic = words in GENERIC_NOUNS or words in NOT_ENTITIES
            if len(_GENERIC_TOKEN) > 500_000:
                _GENERIC_TOKEN.clear()
            _GENERIC_TOKEN[t] = generic
        if generic:
            return True
    else:
        words = " ".join([k for t in w.text[c.start:c.end] for k in token_keys(t)[0]])
        if words in GENERIC_NOUNS or words in NOT_ENTITIES:
            return True
    if c.end - c.start > 2 and w.lower[c.end - 2] == "in" \
            and w.lower[c.end - 1] in _STUDY_SETTINGS:
        return True  # "cells in vitro": the setting is study design, the cell is found alone
    if c.type == "PROCESS" and w.lower[c.end - 1] in ("gene", "genes"):
        return True  # "tumor suppressor genes" is a class of genes, not a process
    if w.lower[c.start] in FUNCTION_WORDS:
        return True
    # "acute-on-chronic liver failure (ACLF)": the abbreviation is its own mention
    return c.end - c.start > 3 and w.text[c.end - 1] == ")" and "(" in w.text[c.start:c.end] \
        and w.ws[w.text.index("(", c.start, c.end) - 1]


def drop_generic(doc: Doc, cands: list[Candidate], trie: TermTrie) -> list[Candidate]:
    """The candidates that are not generic (:func:`is_generic`)."""
    w = DocState.of(doc).words
    return [c for c in cands if not is_generic(doc, c, w)]
