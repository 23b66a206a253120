"""Docs with hand-set entities for the relation tests (a helper module, not a test).

>>> nlp = blank_nlp()
>>> [e.text for e in make_doc(nlp, "MSCs secrete HGF.", ["HGF"], {"HGF": ("CYTOKINE", "")}).ents]
['HGF']
"""
from __future__ import annotations

from typing import Any

import spacy


def blank_nlp() -> Any:
    """A blank English pipeline with the sentencizer."""
    n = spacy.blank("en")
    n.add_pipe("sentencizer")
    return n


def make_doc(nlp: Any, text: str, names: list[str] | tuple[str, ...],
             types: dict[str, tuple[str, str]]) -> Any:
    """Doc of ``text`` with the listed mention texts as entities, found left to right, typed
    by ``types`` (name -> (type, concept))."""
    doc = nlp(text)
    spans, pos = [], 0
    for name in names:
        i = text.index(name, pos)
        typ, concept = types[name]
        span = doc.char_span(i, i + len(name), label=typ, kb_id=concept)
        assert span is not None, name
        spans.append(span)
        pos = i + len(name)
    doc.ents = spans
    return doc
