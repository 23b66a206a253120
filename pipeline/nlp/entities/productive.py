"""Productive gene-family names not (or not fully) in the lexicon: IL-\\d+, CXCL\\d+, MMP-\\d+,
TIMP, TLR, ADAM, Smad\\d, CD\\d+, miR-\\d+ (with ``-3p``/``-5p``), and isoforms named by their
length (``VEGF165``, ``VEGF-A165``: the gene; a family's isoforms are of its ``A`` member).

The concept is the HGNC symbol's entry when the lexicon has it (``IL-1β`` -> ``IL1B``),
else none (the name is the symbol).

>>> symbol_of("IL", "1", "", "β"), symbol_of("microRNA", "21", "a", "")
('IL1B', 'MIR21A')
"""
from __future__ import annotations

import re

from spacy.tokens import Doc

from ...normalize import GREEK
from ..state import Candidate, DocState
from .match import MISSING
from .trie import TermTrie

__all__ = ["productive_candidates", "symbol_of"]

_PRODUCTIVE = [
    (re.compile(r"^(IL|CXCL|CCL|CX3CL|XCL)-?(\d{1,2})([A-Za-z]?)-?([αβγ]|alpha|beta|gamma)?$"),
     "CYTOKINE"),
    (re.compile(r"^(MMP|TIMP|TLR|ADAM)-?(\d{1,2})()()$"), "MOLECULE"),
    (re.compile(r"^(Smad|SMAD)-?(\d)()()(?:/\d)?$"), "MOLECULE"),
    (re.compile(r"^(CD)(\d{1,3})([a-z]?)()$"), "MOLECULE"),
    (re.compile(r"^(miR|microRNA|MiR)-(\d{1,4})([a-z]?)()$"), "MOLECULE"),
]
_PRODUCTIVE_FIRST = set("ICXMTASCmM")
#: A gene symbol (optionally ``-A``) and an isoform's length in amino acids: ``VEGF165``.
_ISOFORM_RE = re.compile(r"^([A-Z][A-Za-z]{2,5})(?:-?([A-Z]))?([1-9]\d{2})b?$")
#: The letter of a Greek suffix in an HGNC symbol (``IL-1β`` -> ``IL1B``): its name's initial.
_GREEK_INITIAL = {k: GREEK[k][0].upper() for k in "αβγ"} | {
    GREEK[k]: GREEK[k][0].upper() for k in "αβγ"}


def symbol_of(prefix: str, num: str, letter: str, greek: str) -> str:
    """The HGNC-style symbol of a productive name's parts."""
    return (prefix.upper().replace("MICRORNA", "MIR") + num + (letter or "").upper()
            + _GREEK_INITIAL.get(greek or "", ""))


def productive_candidates(doc: Doc, trie: TermTrie) -> list[Candidate]:
    """Candidates for productive gene-family names not (or not fully) in the lexicon.

    The concept is the HGNC symbol's entry when the lexicon has it (``IL-1β`` -> ``IL1B``).
    """
    out = []
    w = DocState.of(doc).words
    text = w.text
    n = len(text)
    cache = trie.productive_memo
    for i, txt in enumerate(text):
        if len(txt) < 3 or txt[0] not in _PRODUCTIVE_FIRST and not txt[-1].isdigit():
            continue
        got = cache.get(txt, MISSING)
        if got is MISSING:
            got = _productive_reading(trie, txt)
            if len(cache) > 500_000:
                cache.clear()
            cache[txt] = got
        if got is None:
            continue
        mir, typ, concept, name, priority = got
        end = i + 1
        if mir and end + 1 < n and text[end] == "-" and re.match(r"^[35]p$", text[end + 1]):
            end += 2
        out.append(Candidate(i, end, typ, concept, name, priority, "productive"))
    return out


def _productive_reading(trie: TermTrie, txt: str) -> tuple[bool, str, str | None, str,
                                                           int] | None:
    """``(miR name, type, concept, name, priority)`` of a productive name, else ``None``."""
    for rx, typ in _PRODUCTIVE:
        m = rx.match(txt)
        if not m:
            continue
        prefix, num, letter, greek = m.groups()
        symbol = symbol_of(prefix, num, letter, greek)
        mir = prefix.lower() in ("mir", "microrna")
        e = trie.best(symbol, "CYTOKINE", "MOLECULE")
        if e is not None:
            return mir, e.type, e.concept, e.name, 1
        return mir, typ, None, symbol, 0
    m = _ISOFORM_RE.match(txt)
    if m and not trie.lookup(txt):
        base, member, _ = m.groups()
        # only a family's member (VEGF-A165) or a family's isoform (VEGF165: of VEGF-A); a
        # gene symbol plus digits is mostly something else (HEK293 is a cell line, not HEK)
        e = trie.best(base + (member or ""), "CYTOKINE", "MOLECULE")
        if e is not None and not member:
            e = trie.best(base + "A", "CYTOKINE", "MOLECULE") \
                if e.concept.startswith("FPLX:") else None
        if e is not None and not e.concept.startswith("FPLX:"):
            return False, e.type, e.concept, e.name, 1
    return None
