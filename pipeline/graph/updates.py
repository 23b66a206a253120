"""Incremental updates of a graph over aggregates: :class:`IncrementalUpdates`.

The aggregate half of :class:`~pipeline.graph.KnowledgeGraph` (its base class): building from
the store, an assembler or a saved aggregate; adding new or re-extracted articles, syncing with
the store's stamps and removing articles, each re-deriving only the nodes and edges they touch
from the :class:`~pipeline.graph.aggregate.GraphAggregate` (a full rebuild gives the same graph;
:mod:`.state` saves the aggregate between runs).

Example
-------
>>> from pipeline.graph import KnowledgeGraph
>>> issubclass(KnowledgeGraph, IncrementalUpdates)
True
"""
from __future__ import annotations

import logging
from typing import Any, Callable, Iterable, Mapping, Self, Sequence

from ..assembly import Assembler, ArticleLike, ConceptRecord, article_state
from ..belief import BeliefScorer, score_statements
from ..errors import PipelineError
from ..model import Extraction, Statement
from .aggregate import GraphAggregate, Key
from .sources import EvidenceSource, StoreSource, materialize

__all__ = ["IncrementalUpdates"]

log = logging.getLogger("pipeline.graph")


class IncrementalUpdates:
    """Construction from aggregates and updates in place of a graph built from the store or
    from extractions (a base class: the state it updates, and ``_set`` which re-derives the
    views, are the graph's)."""

    _agg: GraphAggregate | None
    _source: EvidenceSource | None
    _concepts: dict[str, ConceptRecord]
    _nodes: dict[str, ConceptRecord]
    _edges: dict[Key, dict[str, Any]]

    def _set(self, concepts: Mapping[str, ConceptRecord], edges: Sequence[dict[str, Any]],
             statements: Mapping[Key, Statement] | None) -> None:
        raise NotImplementedError

    @classmethod
    def from_store(cls, store: Any, *, scorer: BeliefScorer | None = None) -> Self:
        """Build from a :class:`pipeline.store.Store` (anything with ``iter_extractions()``).

        From a real store the graph holds counts only and reads sentences from the store when
        asked (:mod:`.sources`); :mod:`.state` saves and updates it between runs.
        """
        if not hasattr(store, "engine"):
            return cls.from_extractions(store.iter_extractions(), scorer=scorer)
        source = StoreSource(store)
        agg = GraphAggregate(scorer)
        stamps = source.stamps()
        for n, state in enumerate(source.articles(), 1):
            agg.add(state, stamps.get(state.pmid, 0))
            if n % 10000 == 0:
                log.info("read %d extractions", n)
        return cls.from_aggregate(agg, source, scorer=scorer)

    @classmethod
    def from_source(cls, source: Assembler, *, scorer: BeliefScorer | None = None
                    ) -> Self:
        """Build from an in-memory :class:`~pipeline.assembly.Assembler` (kept as the source
        of evidence and updated by :meth:`update`)."""
        agg = GraphAggregate(scorer)
        for state in source.articles():
            agg.add(state)
        return cls.from_aggregate(agg, source, scorer=scorer)

    @classmethod
    def from_aggregate(cls, aggregate: GraphAggregate, source: EvidenceSource, *,
                       scorer: BeliefScorer | None = None,
                       derived: tuple[Any, Any, Any] | None = None) -> Self:
        """A graph over ``aggregate``'s counts, reading sentences from ``source``.

        ``derived`` (``(concepts, edges)`` of :attr:`derived` saved with the aggregate)
        skips re-deriving every node and edge.
        """
        kg = cls({}, [], scorer=scorer, aggregate=aggregate, source=source)
        if derived is not None:  # saved already finished and in view order
            kg._concepts, kg._nodes, kg._edges = derived
            return kg
        aggregate.take_dirty()
        kg._refresh(set(aggregate.tallies), set(aggregate.statements), full=True)
        return kg

    @property
    def aggregate(self) -> GraphAggregate | None:
        """The counts nodes and edges are derived from (None for an export or a view)."""
        return self._agg

    @property
    def derived(self) -> tuple[dict[str, ConceptRecord], dict[str, ConceptRecord],
                               dict[Key, dict[str, Any]]]:
        """Concepts, nodes and edges (by key) as derived (saved with the aggregate)."""
        return self._concepts, self._nodes, self._edges


    def update(self, items: Iterable[tuple[ArticleLike, Extraction]]) -> int:
        """Add new or re-extracted articles (replacing their previous evidence) in place.

        Gives the same graph as a full rebuild over the union; only the touched statements
        are re-scored. For a graph over a store, the extractions must be the stored ones.
        Returns the articles added.
        """
        agg, source = self._require_aggregate()
        n = 0
        for article, extraction in items:
            if isinstance(source, Assembler):
                source.add(article, extraction)
                state = source.article(str(article.pmid))
            else:
                state = article_state(article, extraction)
            agg.add(state)  # type: ignore[arg-type]
            n += 1
        self._refresh(*agg.take_dirty())
        log.info("updated graph with %d extractions", n)
        return n

    def sync(self, stamps: Mapping[str, int], fetch: Callable[[list[str]], Iterable[
             tuple[ArticleLike, Extraction]]]) -> tuple[int, int]:
        """Bring the graph to ``stamps`` (``{pmid: stamp}`` of the current extractions):
        articles with a new or changed stamp are read through ``fetch`` and added, the others
        absent from ``stamps`` removed. Returns (added or replaced, removed)."""
        agg, _source = self._require_aggregate()
        changed = sorted(p for p, s in stamps.items() if agg.stamp(p) != s)
        gone = [p for p in agg.articles if p not in stamps]
        for p in gone:
            agg.remove(p)
        n = 0
        for article, extraction in fetch(changed):
            agg.add(article_state(article, extraction), stamps[str(article.pmid)])
            n += 1
        self._refresh(*agg.take_dirty())
        return n, len(gone)

    def remove_articles(self, pmids: Iterable[str]) -> int:
        """Drop articles' evidence and mentions (e.g. deleted citations) in place."""
        agg, source = self._require_aggregate()
        pmids = [str(p) for p in pmids]
        n = sum(agg.remove(p) for p in pmids)
        if isinstance(source, Assembler):
            source.remove(pmids)
        self._refresh(*agg.take_dirty())
        return n

    def _require_aggregate(self) -> tuple[GraphAggregate, EvidenceSource]:
        if self._agg is None or self._source is None:
            raise PipelineError("this graph was loaded from an export or is a filtered view; "
                                "incremental updates need a graph built from the store or "
                                "from extractions (KnowledgeGraph.from_store)")
        return self._agg, self._source

    def _refresh(self, concepts: set[str], keys: set[Key], full: bool = False) -> None:
        """Re-derive the touched nodes and edges from the aggregate (all when ``full``)."""
        agg, source = self._require_aggregate()
        records = {} if full else dict(self._concepts)
        for c in concepts:
            rec = agg.concept(c)
            if rec is None:
                records.pop(c, None)
            else:
                records[c] = rec
        edges = {} if full else {k: dict(d, source=k[0], target=k[2])
                                 for k, d in self._edges.items() if k not in keys}
        live = sorted(k for k in keys if k in agg.statements)
        if agg.scores_from_aggregates:
            beliefs = {k: agg.belief(k) for k in live}
        else:  # a scorer that needs the sentences
            stmts = materialize(source, agg.statements, live, records)
            score_statements(list(stmts.values()), agg.scorer)
            beliefs = {k: st.belief for k, st in stmts.items()}
        for k in live:
            edges[k] = agg.edge(k, beliefs[k])  # type: ignore[assignment]
        self._set(records, list(edges.values()), None)
