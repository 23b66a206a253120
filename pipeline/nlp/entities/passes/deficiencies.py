"""``C9 deficiency``, ``HPRT-deficient``, ``deficiency of X``: one DISEASE span.
"""
from __future__ import annotations

from spacy.tokens import Doc

from ...state import Candidate, DocState
from ...wordlists import DEFICIENT
from ..trie import TermTrie

__all__ = ["deficiencies"]


def deficiencies(doc: Doc, sel: list[Candidate], trie: TermTrie) -> list[Candidate]:
    """``C9 deficiency``, ``HPRT-deficient``, ``deficiency of X``: one DISEASE span."""
    w = DocState.of(doc).words
    out = list(sel)
    n = len(doc)
    for c in sel:
        if c.type not in ("MOLECULE", "CYTOKINE"):
            continue
        span = None
        j = c.end + (1 if c.end < n and w.text[c.end] == "-" else 0)
        if j < n and w.lower[j] in DEFICIENT:
            span = (c.start, j + 1)
        elif c.start >= 2 and w.lower[c.start - 1] == "of" and w.lower[c.start - 2] in DEFICIENT:
            span = (c.start - 2, c.end)
        if span is None:
            continue
        text = w.span(*span)
        e = trie.best(text, "DISEASE")
        merged = Candidate(span[0], span[1], "DISEASE", e.concept if e else None,
                           e.name if e else text, 30, "deficiency")
        out = [x for x in out if not x.overlaps(merged)] + [merged]
    out.sort(key=lambda c: c.start)
    return out
