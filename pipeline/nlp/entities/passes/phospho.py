"""Phosphorylated forms: ``p-Akt``, ``p-mTOR`` are the molecule's span.
"""
from __future__ import annotations

from spacy.tokens import Doc

from ...state import Candidate, DocState
from ..trie import TermTrie

__all__ = ["phospho"]


def phospho(doc: Doc, sel: list[Candidate], trie: TermTrie) -> list[Candidate]:
    """``p-Akt``, ``p-mTOR``: the phosphorylated form is the molecule's span."""
    w = DocState.of(doc).words
    for c in sel:
        if c.type in ("MOLECULE", "CYTOKINE") and c.start >= 2 and w.text[c.start - 1] == "-" \
                and w.lower[c.start - 2] in ("p", "phospho") \
                and not w.ws[c.start - 2] and not w.ws[c.start - 1]:
            c.start -= 2
    return sel
