"""The guideline passes of the entity matcher, in their ONE declared order (:data:`PASSES`).

Each pass takes the Doc, the current candidates and the lexicon trie, and returns the new
candidates. The first two run on all (overlapping) lexicon and productive matches; from
:func:`resolve` on the selection is non-overlapping and ordered, except where a pass says
otherwise (``cell_lines`` adds possibly overlapping lines, resolved by the next pass).

>>> [p.__name__ for p in PASSES][:3]
['drop_cell_therapies', 'drop_generic', 'resolve']
"""
from __future__ import annotations

from typing import Callable

from spacy.tokens import Doc

from ...state import Candidate
from ..match import resolve_overlaps
from ..trie import TermTrie
from .acronyms import document_acronyms
from .antagonists import antagonists
from .cell_lines import cell_lines
from .cell_phrases import cell_phrases
from .deficiencies import deficiencies
from .elliptical import elliptical
from .gene_shapes import gene_shapes
from .generic import drop_generic
from .guideline_spans import guideline_spans
from .interleaved import interleaved
from .pathways import pathways
from .phospho import phospho
from .states import extend_states
from .therapies import drop_cell_therapies

__all__ = ["Pass", "PASSES", "resolve", "run_passes"]

#: ``(doc, candidates, trie) -> candidates``
Pass = Callable[[Doc, list[Candidate], TermTrie], list[Candidate]]


def resolve(doc: Doc, sel: list[Candidate], trie: TermTrie) -> list[Candidate]:
    """The non-overlapping selection (:func:`~..match.resolve_overlaps`)."""
    return resolve_overlaps(sel)


#: The order the entity matcher runs the passes in.
PASSES: tuple[Pass, ...] = (
    drop_cell_therapies,
    drop_generic,
    resolve,
    interleaved,
    phospho,
    pathways,
    deficiencies,
    extend_states,
    guideline_spans,
    antagonists,
    cell_lines,
    resolve,
    cell_phrases,
    elliptical,
    document_acronyms,
    gene_shapes,
)


def run_passes(doc: Doc, cands: list[Candidate], trie: TermTrie,
               passes: tuple[Pass, ...] = PASSES) -> list[Candidate]:
    """``cands`` after every pass of ``passes`` in order."""
    for step in passes:
        cands = step(doc, cands, trie)
    return cands
