"""State words and marker prefixes stay in the span: ``activated HSCs``, ``CD4+CD25+ Tregs``.

State words per type: ``[state_words]`` in ``pipeline/data/words.toml``.
"""
from __future__ import annotations

import re

from spacy.tokens import Doc

from ...state import Candidate, DocState
from ...wordlists import STATE_WORDS
from ..trie import TermTrie

__all__ = ["MARKER_RE", "extend_states"]


_VIRUS_RE = re.compile(r"^H[ABCDE]V$")
#: A token of surface markers: ``CD4+``, ``CD34(+)``, ``CD4+CD25+``.
MARKER_RE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9]*(?:\+|\(\+\)))+$")


def extend_states(doc: Doc, sel: list[Candidate], trie: TermTrie) -> list[Candidate]:
    """Keep state words in the span: ``activated HSCs``, ``HBV-related decompensated cirrhosis``.

    Surface-marker prefixes stay part of a cell name too (``CD4+CD25+ Tregs``).
    """
    w = DocState.of(doc).words
    for c in sel:
        if c.type == "CELL_TYPE":
            while c.start > 0 and MARKER_RE.match(w.text[c.start - 1]):
                c.start -= 1
        words = STATE_WORDS.get(c.type)
        if not words:
            continue
        while c.start > 0 and w.lower[c.start - 1] in words:
            c.start -= 1
        if (c.type == "DISEASE" and c.start >= 3 and w.lower[c.start - 1] in
                ("related", "associated") and w.text[c.start - 2] == "-"
                and _VIRUS_RE.match(w.text[c.start - 3])):
            c.start -= 3
    return sel
