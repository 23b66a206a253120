"""Ambiguous ontology acronyms count only where the document names their concept.
"""
from __future__ import annotations

from spacy.tokens import Doc

from ...state import Candidate, DocState
from ..keys import TYPE_PRIORITY
from ..match import start_of
from ..trie import TermTrie

__all__ = ["document_acronyms"]


def document_acronyms(doc: Doc, sel: list[Candidate], trie: TermTrie) -> list[Candidate]:
    """Ambiguous acronyms (:attr:`~..trie.TermTrie.acronyms`) that stand for a concept the document
    names elsewhere: ``FRDA`` in an abstract on Friedreich ataxia, ``RA`` next to rheumatoid
    arthritis; in other documents ``RA`` (retinoic acid), ``PMA`` or ``GC`` stay unmatched.

    ``sel`` is ordered and disjoint; the result is too (free tokens only).
    """
    acronyms = trie.acronyms
    if not acronyms or not sel:
        return sel
    words = DocState.of(doc).words.text
    forms = trie.acronym_forms()
    seen = forms.intersection(words)   # one C-level pass; most documents have none
    if not seen:
        return sel
    hits = [(i, t) for i, t in enumerate(words) if t in seen]
    named = {c.concept for c in sel if c.concept}
    taken = bytearray(len(words))
    for c in sel:
        taken[c.start:c.end] = b"\x01" * (c.end - c.start)
    added = []
    for i, t in hits:
        if taken[i]:
            continue
        entries = acronyms.get(t) or acronyms[t[:-1]]
        ok = [e for e in entries if e.concept in named]
        if ok:
            e = max(ok, key=lambda e: (e.priority, TYPE_PRIORITY.get(e.type, 0)))
            added.append(Candidate(i, i + 1, e.type, e.concept, e.name, e.priority, "acronym"))
    if not added:
        return sel
    return sorted(sel + added, key=start_of)
