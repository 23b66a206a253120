"""Elliptical coordination: ``T and B lymphocytes`` names two cell types.
"""
from __future__ import annotations

from spacy.tokens import Doc

from ...state import Candidate, DocState
from ..match import resolve_overlaps
from ..trie import TermTrie

__all__ = ["elliptical"]


def elliptical(doc: Doc, sel: list[Candidate], trie: TermTrie) -> list[Candidate]:
    """``T and B lymphocytes`` -> ``T`` (T cell) + ``B lymphocytes`` (B cell); returns the
    non-overlapping selection of ``sel`` and those extra mentions."""
    w = DocState.of(doc).words
    covered = {i for c in sel for i in range(c.start, c.end)}
    extra = []
    for c in sel:
        if c.type != "CELL_TYPE" or c.end - c.start < 2 or c.start < 2:
            continue
        conj = w.lower[c.start - 1]
        if conj not in ("and", "or", ",", "/"):
            continue
        xi = c.start - 2
        x = w.text[xi]
        if xi in covered or len(x) > 6 or not x[:1].isalnum():
            continue
        rest = w.span(c.start + 1, c.end)
        e = trie.best(f"{x} {rest}", c.type)
        if e is not None:
            extra.append(Candidate(xi, xi + 1, e.type, e.concept, e.name, e.priority,
                                   "elliptical"))
    return resolve_overlaps(sel + extra)
