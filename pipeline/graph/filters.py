"""Criteria for :meth:`pipeline.graph.KnowledgeGraph.subgraph` and the checks of query values.

Invalid values (an unknown predicate, species, entity type or study type, reversed years) raise
:class:`InvalidFilterError` naming the accepted values, instead of silently matching nothing;
predicates, types and study types are case-insensitive.

>>> GraphFilter(years=(2010, None)).evidence_level, GraphFilter(min_belief=0.5).evidence_level
(True, False)
>>> sorted(GraphFilter(types={"cytokine"}).types), normalize_predicates("decreases")
(['CYTOKINE'], frozenset({'DECREASES'}))
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ..assembly import SIGNS
from ..context import MESH_SPECIES
from ..errors import PipelineError
from ..model import ENTITY_TYPES, STUDY_TYPES, Evidence

__all__ = ["GraphFilter", "InvalidFilterError", "normalize_predicates", "SPECIES"]

#: Species labels evidence can carry (those :func:`pipeline.context.species_of` assigns).
SPECIES = frozenset(MESH_SPECIES.values())


class InvalidFilterError(PipelineError, ValueError):
    """A query or filter value that can match nothing (the message lists the valid ones)."""


def _checked(values: Iterable[str] | str | None, valid: Iterable[str], what: str,
             upper: bool) -> frozenset[str] | None:
    if values is None:
        return None
    vals = [values] if isinstance(values, str) else list(values)
    norm = frozenset(v.strip().upper() if upper else v.strip().lower() for v in vals)
    bad = sorted(norm - set(valid))
    if bad:
        raise InvalidFilterError(f"unknown {what} {', '.join(map(repr, bad))}; use one of: "
                                 f"{', '.join(sorted(valid))}")
    return norm


def normalize_predicates(predicate: str | Iterable[str] | None) -> frozenset[str] | None:
    """Upper-cased predicates, checked against :data:`~pipeline.assembly.SIGNS` (None: all)."""
    return _checked(predicate, SIGNS, "predicate", upper=True)


@dataclass(frozen=True)
class GraphFilter:
    """Criteria for :meth:`KnowledgeGraph.subgraph` (all optional; None = no constraint).

    ``years``, ``species``, ``study_types`` and ``disease`` select *evidence* (then edges are
    re-aggregated and re-scored; ``disease`` covers its narrower terms); ``min_evidence`` /
    ``min_belief`` apply to the re-aggregated edges; ``types`` keeps edges whose two ends
    both have one of the entity types. Values are checked on creation.
    """

    types: frozenset[str] | None = None
    min_evidence: int = 0
    min_belief: float = 0.0
    years: tuple[int | None, int | None] | None = None
    species: frozenset[str] | None = None
    study_types: frozenset[str] | None = None
    disease: str | None = None

    def __post_init__(self) -> None:
        # the normalized values replace the given ones (frozen: set through object)
        object.__setattr__(self, "types", _checked(self.types, ENTITY_TYPES, "entity type",
                                                   upper=True))
        object.__setattr__(self, "species", _checked(self.species, SPECIES, "species",
                                                     upper=False))
        object.__setattr__(self, "study_types", _checked(self.study_types, STUDY_TYPES,
                                                         "study type", upper=False))
        if self.years is not None:
            lo, hi = self.years
            if lo is not None and hi is not None and lo > hi:
                raise InvalidFilterError(f"years ({lo}, {hi}) are reversed; pass "
                                         f"({hi}, {lo}) (first year, last year)")

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
