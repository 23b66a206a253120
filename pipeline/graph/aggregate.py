"""Statement and concept aggregates that articles can be added to and removed from exactly.

The graph's nodes and edges are sums over articles. :class:`GraphAggregate` keeps, per
statement key, each article's :data:`Contribution` (counts, years, context and its share of the
belief, :meth:`~pipeline.belief.DefaultBeliefScorer.article_support`), and per concept tallies of
mention texts, names, types and PMIDs; per article it keeps what it added, so replacing or
removing an article subtracts exactly that. Keys touched since the last :meth:`take_dirty` are
recorded so the graph re-derives only those edges and nodes. Evidence sentences are not held.

Example
-------
>>> from pipeline.assembly import ArticleState
>>> from pipeline.model import Evidence
>>> agg = GraphAggregate()
>>> st = ArticleState("1", {"A": [("a", "a", "CELL_TYPE")], "B": [("b", "b", "CYTOKINE")]},
...                   {("A", "SECRETES", "B"): [Evidence("1", "a secretes b", year=2020)]})
>>> agg.add(st)
>>> agg.edge(("A", "SECRETES", "B"))["evidence_count"], agg.concept("A").mention_count
(1, 1)
>>> agg.remove("1"), agg.edge(("A", "SECRETES", "B"))
(True, None)
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
import sys
from typing import Any, Iterable, Mapping, NamedTuple, Sequence

from ..assembly import ArticleState, ConceptRecord, merge_evidence, most_common
from ..belief import BeliefScorer, DefaultBeliefScorer
from ..model import Evidence

__all__ = ["Contribution", "GraphAggregate", "contributions", "edge_attrs", "AGGREGATE_VERSION"]

#: Bumped when the layout of :class:`GraphAggregate` changes (saved states are then rebuilt).
AGGREGATE_VERSION = 1

#: ``(subject id, predicate, object id)``, as :meth:`~pipeline.model.Statement.matches_key`.
Key = tuple[str, str, str]


class Contribution(NamedTuple):
    """One article's share of one statement (its deduplicated sentences summed up)."""

    evidence: int
    negated: int
    hedged: int
    first_year: int | None
    last_year: int | None
    species: tuple[str, ...]
    study_type: str
    #: lowest error of the asserted sentences (None: all negated), see ``article_support``
    error: float | None


def contributions(evidence: Iterable[Evidence], scorer: BeliefScorer | None = None
                  ) -> dict[str, Contribution]:
    """Per-PMID contributions of a statement's evidence (sorted and deduplicated first).

    The context (species, study type) of an article is that of its first sentence; without a
    scorer that has ``article_support`` the error is None.

    >>> c = contributions([Evidence("1", "s", year=2021), Evidence("1", "t", 5, negated=True)])
    >>> c["1"].evidence, c["1"].negated, c["1"].first_year
    (2, 1, 2021)
    """
    by_pmid: dict[str, list[Evidence]] = {}
    for ev in merge_evidence(evidence):
        by_pmid.setdefault(ev.pmid, []).append(ev)
    support = getattr(scorer, "article_support", None)
    out = {}
    for pmid, evs in by_pmid.items():
        years = [e.year for e in evs if e.year is not None]
        out[pmid] = Contribution(
            len(evs), sum(e.negated for e in evs), sum(e.hedged for e in evs),
            min(years) if years else None, max(years) if years else None,
            evs[0].species, evs[0].study_type, support(evs)[0] if support else None)
    return out


def edge_attrs(key: Key, parts: Mapping[str, Contribution], belief: float) -> dict[str, Any]:
    """Edge attributes of statement ``key`` from its articles' contributions."""
    firsts = [c.first_year for c in parts.values() if c.first_year is not None]
    lasts = [c.last_year for c in parts.values() if c.last_year is not None]
    pmids = sorted(parts)
    return {
        "source": key[0], "target": key[2], "predicate": key[1], "belief": float(belief),
        "evidence_count": sum(c.evidence for c in parts.values()), "article_count": len(parts),
        "pmids": pmids, "negated_pmids": [p for p in pmids if parts[p].negated],
        "first_year": min(firsts) if firsts else None, "last_year": max(lasts) if lasts else None,
        "negated_count": sum(c.negated for c in parts.values()),
        "hedged_count": sum(c.hedged for c in parts.values()),
        "species": dict(sorted(Counter(s for c in parts.values() for s in c.species).items())),
        "study_types": dict(sorted(Counter(c.study_type for c in parts.values()).items())),
    }


@dataclass
class ConceptTally:
    """Mentions of one concept over all articles."""

    # plain dicts, not Counters: they pickle several times faster
    texts: dict[str, int] = field(default_factory=dict)
    names: dict[str, int] = field(default_factory=dict)
    types: dict[str, int] = field(default_factory=dict)
    pmids: set[str] = field(default_factory=set)

    def record(self, key: str) -> ConceptRecord:
        """The graph node of this tally."""
        return ConceptRecord(id=key, name=most_common(self.names) or key,
                             type=most_common(self.types),
                             synonyms=tuple(sorted(t for t in self.texts if t)),
                             mention_count=sum(self.texts.values()),
                             article_count=len(self.pmids), pmids=tuple(sorted(self.pmids)))


def _bump(counter: dict[str, int], value: str, n: int) -> None:
    left = counter.get(value, 0) + n
    if left > 0:
        counter[value] = left
    else:
        counter.pop(value, None)


class GraphAggregate:
    """Per-article contributions summed into concept tallies and statement contributions.

    Parameters
    ----------
    scorer : BeliefScorer, optional
        Default :class:`~pipeline.belief.DefaultBeliefScorer`. A scorer without
        ``article_support``/``score_articles`` needs the statements' evidence to score
        (:attr:`scores_from_aggregates` is False then).
    """

    def __init__(self, scorer: BeliefScorer | None = None) -> None:
        self.scorer: BeliefScorer = scorer or DefaultBeliefScorer()
        #: pmid -> (stamp, (concept, text, name, type, count, concept, ...), statement keys)
        self.articles: dict[str, tuple[int, tuple[Any, ...], tuple[Key, ...]]] = {}
        self._pool: dict[Any, Any] = {}
        self.tallies: dict[str, ConceptTally] = {}
        self.statements: dict[Key, dict[str, Contribution]] = {}
        self.dirty_concepts: set[str] = set()
        self.dirty_keys: set[Key] = set()

    @property
    def scores_from_aggregates(self) -> bool:
        """Whether the scorer works from per-article supports (no sentences needed)."""
        return hasattr(self.scorer, "score_articles") and hasattr(self.scorer, "article_support")

    def __len__(self) -> int:
        return len(self.articles)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_pool": {}}  # pickle keeps the sharing by itself

    def _share(self, value: Any) -> Any:
        """One object per distinct value (strings interned), so that 100k articles' copies
        of the same texts, keys and tuples cost one object."""
        if isinstance(value, str):
            return sys.intern(value)
        if isinstance(value, tuple):
            value = tuple(self._share(v) for v in value)
        return self._pool.setdefault(value, value)

    def stamp(self, pmid: str) -> int | None:
        """The stamp the article was added with (None if absent)."""
        entry = self.articles.get(pmid)
        return entry[0] if entry else None

    def add(self, state: ArticleState, stamp: int = 0) -> None:
        """Add (or replace) one article's contribution (``stamp`` tells its version)."""
        self.remove(state.pmid)
        pmid = sys.intern(state.pmid)
        share = self._share
        mentions: list[Any] = []  # flat: key, text, name, type, count, key, ...
        for key, ms in state.mentions.items():
            for (text, name, typ), n in Counter(ms).items():
                mentions += (share(key), share(text), share(name), share(typ), n)
        self._mentions(pmid, mentions, +1)
        scorer = self.scorer if self.scores_from_aggregates else None
        keys = []
        for key, evs in state.evidence.items():
            key = share(key)
            part = Contribution(*(share(v) for v in contributions(evs, scorer)[pmid]))
            self.statements.setdefault(key, {})[pmid] = part
            self.dirty_keys.add(key)
            keys.append(key)
        self.articles[pmid] = (stamp, tuple(mentions), tuple(keys))

    def remove(self, pmid: str) -> bool:
        """Subtract article ``pmid``'s contribution; False when it was not there."""
        entry = self.articles.pop(str(pmid), None)
        if entry is None:
            return False
        self._mentions(str(pmid), entry[1], -1)
        for key in entry[2]:
            parts = self.statements[key]
            parts.pop(str(pmid), None)
            if not parts:
                del self.statements[key]
            self.dirty_keys.add(key)
        return True

    def _mentions(self, pmid: str, mentions: Sequence[Any], sign: int) -> None:
        for i in range(0, len(mentions), 5):
            key, text, name, typ, n = mentions[i:i + 5]
            t = self.tallies.setdefault(key, ConceptTally())
            _bump(t.texts, text, sign * n)
            _bump(t.names, name, sign * n)
            _bump(t.types, typ, sign * n)
            (t.pmids.add if sign > 0 else t.pmids.discard)(pmid)
            if not t.texts:
                del self.tallies[key]
            self.dirty_concepts.add(key)

    def take_dirty(self) -> tuple[set[str], set[Key]]:
        """Concepts and statement keys touched since the last call (and reset them)."""
        out = (self.dirty_concepts, self.dirty_keys)
        self.dirty_concepts, self.dirty_keys = set(), set()
        return out

    def concept(self, key: str) -> ConceptRecord | None:
        """The node of concept ``key`` (None when no article mentions it)."""
        t = self.tallies.get(key)
        return t.record(key) if t else None

    def belief(self, key: Key) -> float:
        """Belief of statement ``key`` from its contributions (needs
        :attr:`scores_from_aggregates`)."""
        parts = self.statements[key]
        return float(self.scorer.score_articles(  # type: ignore[attr-defined]
            {p: (c.error, c.negated > 0) for p, c in parts.items()}))

    def edge(self, key: Key, belief: float | None = None) -> dict[str, Any] | None:
        """Edge attributes of ``key`` (None without evidence); belief from the aggregates
        unless given."""
        parts = self.statements.get(key)
        if not parts:
            return None
        return edge_attrs(key, parts, self.belief(key) if belief is None else belief)
