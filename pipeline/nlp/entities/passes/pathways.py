"""Named pathways are one PROCESS span: ``mTOR signalling``, ``SDF-1/CXCR4 axis``.

Pathway words: ``pathway_heads`` in ``pipeline/data/words.toml``.
"""
from __future__ import annotations

from spacy.tokens import Doc

from ...state import Candidate, DocState
from ...wordlists import PATHWAY_HEADS
from ..keys import subtoken_keys
from ..trie import TermTrie

__all__ = ["pathways"]


def pathways(doc: Doc, sel: list[Candidate], trie: TermTrie) -> list[Candidate]:
    """Named pathways are one PROCESS span: ``mTOR signalling``, ``SDF-1/CXCR4 axis``."""
    w = DocState.of(doc).words
    out = list(sel)
    n = len(doc)
    for k, c in enumerate(sel):
        if c.type not in ("MOLECULE", "CYTOKINE"):
            continue
        if k > 0 and sel[k - 1].end >= c.start - 1 and sel[k - 1].type in ("MOLECULE",
                                                                           "CYTOKINE") \
                and c.start > 0 and w.text[c.start - 1] in ("/", "-"):
            continue  # not the first member of a chain
        end = c.end
        j = k
        while j + 1 < len(sel) and sel[j + 1].type in ("MOLECULE", "CYTOKINE") \
                and sel[j + 1].start == end + 1 and w.text[end] in ("/", "-"):
            j += 1
            end = sel[j].end
        h = end
        while h < n and w.lower[h] in PATHWAY_HEADS and h - end < 3:
            h += 1
        tail = None   # "TLR4/NF-κB signaling pathway": the last member is a lexicon pathway
        if h == end and j + 1 < len(sel) and sel[j + 1].type == "PROCESS" \
                and sel[j + 1].start == end + 1 and w.text[end] == "/" \
                and w.lower[sel[j + 1].end - 1] in PATHWAY_HEADS:
            tail = sel[j + 1]
            h = tail.end
        if h == end:
            continue
        span_text = w.span(c.start, h)
        e = trie.best(span_text, "PROCESS")
        if e is not None:
            concept, name = e.concept, e.name
        else:
            members = "_".join("".join(k for k, _ in subtoken_keys(w.span(x.start, x.end)))
                               for x in sel[k:j + 1])
            if tail is not None:   # its own name without the pathway words
                last = [k for t in w.text[tail.start:tail.end] for k, _ in subtoken_keys(t)
                        if k not in PATHWAY_HEADS and k.isalnum()]
                members += "_" + "".join(last)
            concept, name = f"LOCAL:{members}_signaling", span_text
        merged = Candidate(c.start, h, "PROCESS", concept, name, 50, "pathway")
        out = [x for x in out if not x.overlaps(merged)] + [merged]
    out.sort(key=lambda c: c.start)
    return out
