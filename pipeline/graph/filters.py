"""Criteria for :meth:`pipeline.graph.KnowledgeGraph.subgraph`.

>>> GraphFilter(years=(2010, None)).evidence_level, GraphFilter(min_belief=0.5).evidence_level
(True, False)
"""
from __future__ import annotations

from dataclasses import dataclass

from ..model import Evidence

__all__ = ["GraphFilter"]


@dataclass(frozen=True)
class GraphFilter:
    """Criteria for :meth:`KnowledgeGraph.subgraph` (all optional; None = no constraint).

    ``years``, ``species``, ``study_types`` and ``disease`` select *evidence* (then edges are
    re-aggregated and re-scored); ``min_evidence``/``min_belief`` apply to the re-aggregated
    edges; ``types`` keeps edges whose two ends both have one of the entity types.
    """

    types: frozenset[str] | None = None
    min_evidence: int = 0
    min_belief: float = 0.0
    years: tuple[int | None, int | None] | None = None
    species: frozenset[str] | None = None
    study_types: frozenset[str] | None = None
    disease: str | None = None

    @property
    def evidence_level(self) -> bool:
        """True when a criterion needs the evidence records (years, species, ...)."""
        return any(x is not None for x in (self.years, self.species, self.study_types,
                                           self.disease))

    def keeps(self, ev: Evidence, disease_pmids: set[str] | None) -> bool:
        """Whether one evidence passes the evidence-level criteria."""
        if self.years is not None:
            lo, hi = self.years
            if ev.year is None or (lo is not None and ev.year < lo) or \
                    (hi is not None and ev.year > hi):
                return False
        if self.species is not None and not self.species & set(ev.species):
            return False
        if self.study_types is not None and ev.study_type not in self.study_types:
            return False
        return disease_pmids is None or ev.pmid in disease_pmids
