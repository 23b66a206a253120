"""Span and type conventions of the annotation guidelines (tumour measures, viral proteins,
names inside molecule names, vesicle products, hyphenated and well-known cell lines).

The word lists are in ``pipeline/data/words.toml``.
"""
from __future__ import annotations

import re

from spacy.tokens import Doc

from ...state import Candidate, DocState
from ...wordlists import (KNOWN_CELL_LINES, MODIFIER_HYPHEN, MOLECULE_HEADS, SUPPRESSOR_ROLES,
                          TUMOR_MEASURES, TUMOR_WORDS)
from ..keys import slug
from ..match import resolve_overlaps
from ..trie import TermTrie

__all__ = ["guideline_spans"]


#: Abbreviated vesicle / medium products after ``<cell>-`` (``UC-MSC-Ex``, ``BMSC-EVs``).
_PRODUCT_SUFFIXES = {
    "Ex": ("MESH:D055354", "exosomes"), "Exs": ("MESH:D055354", "exosomes"),
    "Exo": ("MESH:D055354", "exosomes"), "Exos": ("MESH:D055354", "exosomes"),
    "EV": ("MESH:D000067128", "extracellular vesicles"),
    "EVs": ("MESH:D000067128", "extracellular vesicles"),
    "sEV": ("MESH:D000067128", "extracellular vesicles"),
    "sEVs": ("MESH:D000067128", "extracellular vesicles"),
    "CM": ("MESH:D017077", "conditioned medium"),
}
_HYPHEN_LINE_RE = re.compile(r"^[A-Z]{2,5}-[A-Z]{1,3}\d{1,4}[A-Za-z]?$")


def guideline_spans(doc: Doc, sel: list[Candidate], trie: TermTrie) -> list[Candidate]:
    """Span and type conventions of the guidelines on selected candidates.

    - ``tumor suppressor`` is no disease; ``tumour volume/weight/size`` is one OUTCOME span;
    - ``Hepatitis B virus X protein`` is a MOLECULE span, not the disease;
    - a name inside a molecule name (``hypoxia-inducible factor``) is no mention of its own;
    - ``UC-MSC-Ex``, ``BMSC-EVs``: the cell plus the product (as ``MSC-derived exosomes``);
    - cell lines (``HSC-T6 cells``, ``HepG2``) are one CELL_TYPE span with a ``LOCAL:`` id.

    """
    w = DocState.of(doc).words
    lo, text, ws = w.lower, w.text, w.ws
    n = len(text)
    out: list[Candidate] = []
    extra: list[Candidate] = []
    for c in sel:
        e = c.end
        if c.type == "DISEASE" and e - c.start == 1 and lo[c.start] in TUMOR_WORDS and e < n:
            if lo[e] in ("suppressor", "suppressive") and e + 1 < n \
                    and lo[e + 1] in SUPPRESSOR_ROLES:
                continue  # "tumor suppressor role/function of X" (NCBI-disease tags the
                # modifier in "tumor suppressor gene(s)"; kept there for that benchmark)
            if lo[e] in TUMOR_MEASURES:
                word = "burden" if lo[e] == "burden" else lo[e].rstrip("s")
                extra.append(Candidate(c.start, e + 1, "OUTCOME", f"LOCAL:tumor_{word}",
                                       f"tumor {word}", 30, "tumor_measure"))
                continue
        if c.type == "DISEASE" and e + 1 < n and lo[e] == "virus":
            head = next((k for k in range(e + 1, min(e + 4, n)) if lo[k] in MOLECULE_HEADS
                         and lo[k] != "factor"), None)
            if head is not None:
                extra.append(Candidate(c.start, head + 1, "MOLECULE", None,
                                       w.span(c.start, head + 1), 30, "viral_protein"))
                continue
        if c.type not in ("MOLECULE", "CYTOKINE") and e + 2 < n and text[e] == "-" \
                and not ws[e - 1] and not ws[e] and lo[e + 1] in MODIFIER_HYPHEN \
                and lo[e + 2] in MOLECULE_HEADS:
            continue  # "hypoxia-inducible factor": part of a molecule name
        if c.type == "CELL_TYPE" and e + 1 < n and text[e] == "-" and not ws[e - 1] \
                and not ws[e] and text[e + 1] in _PRODUCT_SUFFIXES:
            concept, name = _PRODUCT_SUFFIXES[text[e + 1]]
            extra.append(Candidate(e + 1, e + 2, "THERAPY", concept, name, 30, "product"))
        out.append(c)
    # cell lines: "HSC-T6 cells" (tokens HSC - T6), well-known names on their own
    lines: list[Candidate] = []
    i = 0
    while True:
        try:   # the next hyphen after the first token (list.index scans in C)
            i = text.index("-", i + 1)
        except ValueError:
            break
        if i > n - 3:
            break
        if not ws[i - 1] and not ws[i] and lo[i + 2] in ("cell", "cells") \
                and _HYPHEN_LINE_RE.match(text[i - 1] + "-" + text[i + 1]):
            name = text[i - 1] + "-" + text[i + 1]
            lines.append(Candidate(i - 1, i + 3, "CELL_TYPE", f"LOCAL:{slug(name)}_cell",
                                   f"{name} cell", 40, "cell_line"))
    if not KNOWN_CELL_LINES.isdisjoint(text):
        for i, t in enumerate(text):
            if t in KNOWN_CELL_LINES:
                end = i + 2 if i + 1 < n and lo[i + 1] in ("cell", "cells") else i + 1
                lines.append(Candidate(i, end, "CELL_TYPE", f"LOCAL:{slug(t)}_cell",
                                       f"{t} cell", 40, "cell_line"))
    new = extra + lines
    if not new:
        return out if len(out) != len(sel) else sel
    out = [c for c in out if not any(c.overlaps(x) for x in new)]
    out = resolve_overlaps(out + new)
    return out
