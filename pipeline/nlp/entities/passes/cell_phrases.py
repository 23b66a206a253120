"""``<lineage adjective> cells`` and ``<markers> cells`` are cell types; ``T-cell receptor`` is not one.

The lists are ``cell_adjectives`` and ``cell_modified`` in ``pipeline/data/words.toml``.
"""
from __future__ import annotations

import re

from spacy.tokens import Doc

from ...state import Candidate, DocState, Words
from ...wordlists import CELL_ADJECTIVES, CELL_MODIFIED
from ..keys import slug
from ..trie import TermTrie
from .states import MARKER_RE

__all__ = ["cell_phrases"]


def cell_phrases(doc: Doc, sel: list[Candidate], trie: TermTrie) -> list[Candidate]:
    """``lymphoid cells``, ``leukemic cells`` are cell types; ``T-cell receptor`` is not one.

    Adds ``<lineage adjective> cells`` (concept from the lexicon when it has the phrase)
    where nothing else was found, and drops cell mentions used as modifiers.
    """
    w = DocState.of(doc).words
    n = len(doc)
    out = []
    for c in sel:
        if c.type == "CELL_TYPE" and c.end < n:
            j = c.end + (1 if w.text[c.end] == "-" and c.end + 1 < n else 0)
            if w.lower[j] in CELL_MODIFIED and w.lower[c.end - 1] in ("cell", "t", "b"):
                continue
        out.append(c)
    covered = {i for c in out for i in range(c.start, c.end)}
    for i in [k - 1 for k in w.cell_nouns() if k]:
        if i in covered or i + 1 in covered:
            continue
        if w.lower[i] not in CELL_ADJECTIVES:
            if MARKER_RE.match(w.text[i]):   # "CD34+ cells", "CD4+CD25+ cells"
                start = i   # "CD4+CD25+" is two tokens
                while start > 0 and start - 1 not in covered and not w.ws[start - 1] \
                        and MARKER_RE.match(w.text[start - 1]):
                    start -= 1
                out.append(_marker_cells(w, start, i + 2, trie))
            continue
        text = w.span(i, i + 2)
        e = trie.best(text, "CELL_TYPE")
        out.append(Candidate(i, i + 2, "CELL_TYPE", e.concept if e else None,
                             e.name if e else text, 20, "cell_phrase"))
        # a disease reading of the adjective ("glioblastoma" in "glioblastoma cells") yields
        out = [x for x in out if not (x.start == i and x.end == i + 1)]
    out.sort(key=lambda c: c.start)
    return out


def _marker_cells(w: Words, start: int, end: int, trie: TermTrie) -> Candidate:
    """``CD34+ cells`` (tokens ``[start, end - 1)`` are the markers): a CELL_TYPE named by
    its surface markers, with the lexicon's concept or ``LOCAL:cd34_positive_cell``."""
    text = w.span(start, end)
    e = trie.best(text, "CELL_TYPE")
    if e is not None:
        return Candidate(start, end, "CELL_TYPE", e.concept, e.name, 20, "cell_phrase")
    markers = re.findall(r"([A-Za-z][A-Za-z0-9]*)(?:\+|\(\+\))", w.span(start, end - 1))
    ident = "_".join(f"{slug(m)}_positive" for m in markers)
    name = "".join(f"{m}+" for m in markers) + " cell"
    return Candidate(start, end, "CELL_TYPE", f"LOCAL:{ident}_cell", name, 20, "cell_phrase")
