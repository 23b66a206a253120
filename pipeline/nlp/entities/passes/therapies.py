"""Cell therapies are annotated as the cell: ``MSC transplantation`` -> ``MSC``.

Words that make "<cell> <word>" a therapy: ``procedure_words`` in ``pipeline/data/words.toml``.
"""
from __future__ import annotations

from spacy.tokens import Doc

from ...state import Candidate, DocState
from ...wordlists import PROCEDURE_WORDS
from ..trie import TermTrie

__all__ = ["drop_cell_therapies"]


def drop_cell_therapies(doc: Doc, cands: list[Candidate], trie: TermTrie) -> list[Candidate]:
    """``MSC transplantation`` is annotated as the cell: drop the longer non-cell match."""
    w = DocState.of(doc).words
    cells = {(c.start, c.end) for c in cands if c.type == "CELL_TYPE"}
    cell_ends: dict[int, list[int]] = {}   # start -> ends of the cell spans
    for s, e in cells:
        cell_ends.setdefault(s, []).append(e)
    out = []
    for c in cands:
        if c.type != "CELL_TYPE":
            hit = any(e < c.end and all(t in PROCEDURE_WORDS for t in w.lower[e:c.end])
                      for e in cell_ends.get(c.start, ()))
            if hit:
                continue
            if c.type == "THERAPY" and "derived" in w.lower[c.start:c.end]:
                continue  # "MSC-derived exosomes": split into cell + product
            # "MSC transplantation", "MSC-transplantation", "stem cell (MSC) transplantation"
            if c.type == "THERAPY" and any(e == c.start or (e == c.start - 1 and
                                                            w.text[e] in ("-", ")"))
                                           for _, e in cells) \
                    and all(t in PROCEDURE_WORDS for t in w.lower[c.start:c.end]):
                continue  # "MSC transplantation": the cell only
        out.append(c)
    return out
