"""Cell lines named before ``cell(s)``: ``MCF-7 cells``, ``LX-2 cells`` (CELL_TYPE, ``LOCAL:`` ids).
"""
from __future__ import annotations

import re

from spacy.tokens import Doc

from ...state import Candidate, DocState
from ..keys import slug
from ..trie import TermTrie

__all__ = ["CELL_LINE_RE", "cell_lines"]


#: A cell-line name: ``MCF-7``, ``HepG2``, ``RAW264.7``.
CELL_LINE_RE = re.compile(r"^[A-Z][A-Za-z]{0,5}-?\d{1,4}[A-Za-z]?(?:\.\d{1,2})?$")
_GENE_LIKE_RE = re.compile(r"^(CD|IL|TLR|CXCR|CCR|Th|TH)-?\d")


def cell_lines(doc: Doc, sel: list[Candidate], trie: TermTrie) -> list[Candidate]:
    """``MCF-7 cells``, ``LX-2 cells``: cell lines are CELL_TYPE with ``LOCAL:`` ids.

    Returns ``sel`` plus the cell lines. Where a cell line wins, a gene/cytokine reading of
    the line name (``C3A cells``) is removed, and ``<line> cell proliferation`` keeps only
    ``proliferation`` (edited in place).
    """
    w = DocState.of(doc).words
    n = len(doc)
    for c in list(sel):
        i = c.start
        if c.end == i + 1 and c.type in ("CYTOKINE", "MOLECULE") and i + 1 < n \
                and w.lower[i + 1] in ("cell", "cells") and CELL_LINE_RE.match(w.text[i]) \
                and not _GENE_LIKE_RE.match(w.text[i]):
            sel.remove(c)
        elif c.type == "PROCESS" and w.lower[i] in ("cell", "cells") and c.end > i + 1 \
                and i > 0 and CELL_LINE_RE.match(w.text[i - 1]):
            c.start += 1
    covered = {i for c in sel for i in range(c.start, c.end)}
    names: dict[str, str] = {}
    out = []
    n = len(doc)
    # only a token before "cell(s)" can name a cell line here
    for i in [k - 1 for k in w.cell_nouns() if k]:
        txt = w.text[i]
        if i in covered or i + 1 in covered or not CELL_LINE_RE.match(txt):
            continue
        end = i + 2
        if end < n and w.lower[end] in ("line", "lines"):
            end += 1
        names[txt] = f"LOCAL:{slug(txt)}_cell"
        out.append(Candidate(i, end, "CELL_TYPE", names[txt], f"{txt} cell", 40,
                             "cell_line"))
    if names:
        taken = {i for c in out for i in range(c.start, c.end)}
        for i, txt in enumerate(w.text):
            if txt in names and i not in covered and i not in taken:
                out.append(Candidate(i, i + 1, "CELL_TYPE", names[txt], f"{txt} cell", 40,
                                     "cell_line"))
    return sel + out
