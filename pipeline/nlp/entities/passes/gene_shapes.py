"""Gene and protein names the lexicon lacks, where the context says molecule: a gene-symbol
shaped token before ``expression``, ``protein``, ``mRNA``, ``levels``, ``signaling`` ... or
in ``X-positive`` / ``X-deficient`` (MOLECULE, no concept; the name is the symbol).

>>> [bool(GENE_SHAPE_RE.match(t)) for t in ("Nrf2", "NeuN", "GSDMD", "Liver")]
[True, True, False, False]
"""
from __future__ import annotations

import re
from itertools import compress

from spacy.tokens import Doc

from ...state import Candidate, DocState
from ..trie import TermTrie

__all__ = ["GENE_SHAPE_RE", "MOLECULE_CONTEXT", "HYPHEN_CONTEXT", "gene_shapes"]

#: A gene symbol: a capital, then letters and digits, with a digit or both a second capital
#: and a lower-case letter (``Nrf2``, ``Foxp3``, ``NeuN``); not an ordinary capitalised word,
#: nor an all-capital acronym without digits (in prose mostly a lab ratio or a score: NLR).
GENE_SHAPE_RE = re.compile(r"^[A-Z](?=[A-Za-z0-9]*\d|(?=[A-Za-z]*[A-Z])(?=[A-Za-z]*[a-z]))"
                           r"[A-Za-z0-9]{1,7}$")
#: A residue or variant position (``S555``, ``A118``, ``Ser1387``), not a gene.
_RESIDUE_RE = re.compile(r"^(?:[A-Z]|Ser|Thr|Tyr|Lys|Arg|His|Cys|Asp|Glu|Asn|Gln|Gly|Ala|Val|Leu|"
                         r"Ile|Met|Phe|Pro|Trp)\d+[A-Z]?$")
#: Nouns after a symbol that make it a gene or its product.
MOLECULE_CONTEXT = frozenset({
    "expression", "protein", "proteins", "mrna", "mrnas", "gene", "genes", "level", "levels",
    "signaling", "signalling", "knockdown", "knockout", "phosphorylation", "transcription",
    "transcripts", "promoter", "overexpression", "silencing", "inhibition", "activity",
})
#: Words after ``<symbol>-`` that make it a gene (``Lgr5-positive``, ``Atg7-deficient``).
HYPHEN_CONTEXT = frozenset({"positive", "negative", "deficient", "null", "knockout",
                            "overexpressing", "silenced", "mediated", "dependent"})
#: Symbol-shaped words that are not genes in these positions.
_NOT_GENES = frozenset({"DNA", "RNA", "MRNA", "CDNA", "SIRNA", "SHRNA", "MIRNA", "LNCRNA",
                        "ROS", "ATP", "ADP", "NADPH", "NAD", "II", "III", "IV", "US", "UK",
                        "USA", "EU", "WT", "KO", "OE", "NC", "PCR", "ELISA", "ECM", "HE",
                        "IHC", "IF", "GFP", "RFP", "LUC", "CT", "MRI", "BMI", "OR", "HR", "HBA1C",
                        "CO2", "H2O2", "O2"})
#: The lower-case tokens after a candidate symbol: a context word or a hyphen.
_TRIGGERS = MOLECULE_CONTEXT | {"-"}


def gene_shapes(doc: Doc, sel: list[Candidate], trie: TermTrie) -> list[Candidate]:
    """``sel`` plus a MOLECULE for each uncovered gene-shaped token in a molecule context
    (``sel`` is non-overlapping and ordered)."""
    w = DocState.of(doc).words
    text, lo, ws = w.text, w.lower, w.ws
    n = len(text)
    covered = bytearray(n)
    for c in sel:
        covered[c.start:c.end] = b"\x01" * (c.end - c.start)
    new = []
    # only a token before a context word or a hyphen can qualify (found in C)
    for nxt in compress(range(n), map(_TRIGGERS.__contains__, lo)):
        i = nxt - 1
        if i < 0:
            continue
        t = text[i]
        if covered[i] or not GENE_SHAPE_RE.match(t) or t.upper() in _NOT_GENES \
                or _RESIDUE_RE.match(t):
            continue
        if text[nxt] == "-" and not ws[i] and nxt + 1 < n and not ws[nxt]:
            ok = lo[nxt + 1] in HYPHEN_CONTEXT
        else:
            ok = ws[i] and lo[nxt] in MOLECULE_CONTEXT
        if ok and not (i > 0 and text[i - 1] in "-/" and not ws[i - 1]):
            new.append(Candidate(i, i + 1, "MOLECULE", None, t, 0, "gene_shape"))
    if not new:
        return sel
    return sorted(sel + new, key=lambda c: c.start)
