"""Interleaved abbreviations stay one span: ``interferon (IFN)-γ``, ``cyclooxygenase (COX)-2``.
"""
from __future__ import annotations

import re

from spacy.tokens import Doc

from ...state import Candidate, DocState
from ..keys import TYPE_PRIORITY
from ..trie import TermTrie

__all__ = ["interleaved"]


_SUFFIX_RE = re.compile(r"^-?(\d{1,2}[a-z]?|[α-ω]\d?|alpha|beta|gamma|kappa)$")


def interleaved(doc: Doc, sel: list[Candidate], trie: TermTrie) -> list[Candidate]:
    """``interferon (IFN)-γ``, ``cyclooxygenase (COX)-2`` stay one span."""
    w = DocState.of(doc).words
    out = list(sel)
    by_end = {c.end: c for c in sel}
    n = len(doc)
    i = 0
    while True:
        try:   # the next bracket after the first token (list.index scans in C)
            i = w.text.index("(", i + 1)
        except ValueError:
            break
        k = i + 1
        while k < n and k - i <= 3 and w.text[k] != ")":
            k += 1
        if k >= n - 1 or w.text[k] != ")" or w.ws[k] or k == i + 1:
            continue
        suf = w.text[k + 1]
        if not _SUFFIX_RE.match(suf):
            continue
        short = w.span(i + 1, k)
        sep = "" if suf.startswith("-") else "-"
        hits = trie.lookup(short + sep + suf) or trie.lookup(short + suf)
        long_c = by_end.get(i)
        start = long_c.start if long_c else i - 1
        if not hits:
            hits = trie.lookup(w.span(start, i) + sep + suf)
        if not hits:
            continue
        if not long_c and not w.text[start][:1].lower() == short[:1].lower():
            continue
        e = max(hits, key=lambda e: (e.priority, TYPE_PRIORITY.get(e.type, 0)))
        merged = Candidate(start, k + 2, e.type, e.concept, e.name, e.priority, "interleaved")
        out = [c for c in out if not c.overlaps(merged)] + [merged]
    out.sort(key=lambda c: c.start)
    return out
