"""Cell lines named before ``cell(s)``: ``MCF-7 cells``, ``LX-2 cells``, ``Ba/F3 cells``
(CELL_TYPE, ``LOCAL:`` ids); a line named so is no gene anywhere in the document.

>>> line_start(["Ba", "/", "F3", "cells"], [False, False, True, False], 2)
0
"""
from __future__ import annotations

import re

from spacy.tokens import Doc

from ...state import Candidate, DocState
from ..keys import slug
from ..trie import TermTrie

__all__ = ["CELL_LINE_RE", "cell_lines", "line_start"]


#: A cell-line name: ``MCF-7``, ``HepG2``, ``RAW264.7``.
CELL_LINE_RE = re.compile(r"^[A-Z][A-Za-z]{0,5}-?\d{1,4}[A-Za-z]?(?:\.\d{1,2})?$")
_GENE_LIKE_RE = re.compile(r"^(CD|IL|TLR|CXCR|CCR|Th|TH)-?\d")
_LINE_PREFIX_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,5}$")


def line_start(text: list[str], ws: list[bool], i: int) -> int:
    """The first token of the cell-line name ending at token ``i``: ``Ba/F3`` is three tokens
    (a slash between two parts without spaces), other names one."""
    if i >= 2 and text[i - 1] == "/" and not ws[i - 2] and not ws[i - 1] \
            and _LINE_PREFIX_RE.match(text[i - 2]):
        return i - 2
    return i


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
        if i in covered or i + 1 in covered or not CELL_LINE_RE.match(w.text[i]):
            continue
        start = line_start(w.text, w.ws, i)
        if start < i and any(k in covered for k in range(start, i)):
            sel = [c for c in sel if not (c.start >= start and c.end <= i)]
        txt = w.span(start, i + 1)
        end = i + 2
        if end < n and w.lower[end] in ("line", "lines"):
            end += 1
        names[txt] = f"LOCAL:{slug(txt)}_cell"
        out.append(Candidate(start, end, "CELL_TYPE", names[txt], f"{txt} cell", 40,
                             "cell_line"))
    if names:
        single = {t for t in names if " " not in t and "/" not in t}
        # a hyphenated line name elsewhere is the line where only a noisy gene alias read it
        # ("RM-1" TIPARP); "Id3 cells" or "CSF-1 cells" do not make Id3 / CSF-1 a line
        sel = [c for c in sel if not (c.end == c.start + 1 and c.type in ("CYTOKINE", "MOLECULE")
                                      and c.priority < 10 and "-" in w.text[c.start]
                                      and w.text[c.start] in single)]
        covered = {i for c in sel for i in range(c.start, c.end)}
        taken = {i for c in out for i in range(c.start, c.end)}
        for i, txt in enumerate(w.text):
            if txt in single and i not in covered and i not in taken:
                out.append(Candidate(i, i + 1, "CELL_TYPE", names[txt], f"{txt} cell", 40,
                                     "cell_line"))
    return sel + out
