"""Signed mechanism paths that chain only through evidence whose context agrees.

Sign algebra: the net effect of a path is the product of its step signs
(:data:`~pipeline.assembly.SIGNS`). A path's score is ``product of beliefs / length`` times a
coherence factor: 1 when consecutive steps share an article, :data:`CROSS_ARTICLE` for each
step that only chains across different articles of agreeing context, :data:`UNRELATED` for
each step across articles whose context disagrees (walked only when ``same_context=False``).
Only asserted (non-negated) evidence is walked.

Context of an article (:class:`ArticleContext`): its species and its diseases. Two articles
agree when they are the same article, or when their species overlap and each disease of one is
related (in the hierarchy) to a disease of the other; an empty side excludes nothing.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("A", name="a", type="CELL_TYPE"); g.add_node("B", name="b", type="CYTOKINE")
>>> g.add_node("C", name="c", type="DISEASE")
>>> _ = g.add_edge("A", "B", key="SECRETES", predicate="SECRETES", belief=0.8)
>>> _ = g.add_edge("B", "C", key="DECREASES", predicate="DECREASES", belief=0.5)
>>> steps = {("A", "SECRETES", "B"): ("1",), ("B", "DECREASES", "C"): ("1",)}
>>> [str(p) for p in mechanism_paths(g, steps, {"A"}, {"C"})]
['a -[SECRETES]-> b -[DECREASES]-| c']
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import networkx as nx

from ..assembly import SIGNS

__all__ = ["MechanismPath", "ArticleContext", "mechanism_paths", "CROSS_ARTICLE", "UNRELATED",
           "MECHANISTIC"]

#: Score factor of a step that chains to a different article of agreeing context.
CROSS_ARTICLE = 0.7
#: Score factor of a step that chains to an article whose context disagrees.
UNRELATED = 0.2
#: Predicates that are mechanistic steps (TREATS is an outcome claim, not a mechanism).
MECHANISTIC = frozenset({"INCREASES", "DECREASES", "SECRETES", "DIFFERENTIATES_INTO"})

Key = tuple[str, str, str]


@dataclass(frozen=True)
class ArticleContext:
    """Species and diseases of one article; each disease as its neighbourhood in the hierarchy.

    A neighbourhood is the disease with its broader terms up to two levels up; two diseases
    are related when their neighbourhoods meet (same, broader, sibling or cousin terms).
    """

    species: frozenset[str] = frozenset()
    diseases: tuple[frozenset[str], ...] = ()

    def agrees(self, other: "ArticleContext") -> bool:
        """Species overlap and every disease of each side is related to one of the other's.

        An empty side (no species, no disease named) excludes nothing.

        >>> h, m = ArticleContext(frozenset({"human"})), ArticleContext(frozenset({"mouse"}))
        >>> h.agrees(ArticleContext()), h.agrees(m)
        (True, False)
        >>> liver, breast = frozenset({"HCC", "liver"}), frozenset({"BC", "breast"})
        >>> ArticleContext(diseases=(liver,)).agrees(ArticleContext(diseases=(liver, breast)))
        False
        """
        if self.species and other.species and not self.species & other.species:
            return False
        a, b = self.diseases, other.diseases
        if not a or not b:
            return True
        return all(any(x & y for y in b) for x in a) and all(any(y & x for x in a) for y in b)


@dataclass(frozen=True)
class MechanismPath:
    """A signed chain of statements between two concepts, with the articles of each step."""

    nodes: tuple[str, ...]
    names: tuple[str, ...]
    predicates: tuple[str, ...]
    beliefs: tuple[float, ...]
    pmids: tuple[tuple[str, ...], ...] = ()
    coherence: float = 1.0
    sentences: tuple[tuple[tuple[str, str], ...], ...] = field(default=(), compare=False)
    #: The last step is implied, not stated: the articles state source -> target beside
    #: source -> mediator ("X reduced fibrosis by secreting HGF"); see
    #: :func:`~pipeline.graph.mediators.co_stated_paths`.
    implied: bool = False

    @property
    def sign(self) -> int:
        """Product of the step signs: +1 or -1."""
        return math.prod(SIGNS[p] for p in self.predicates)

    @property
    def net_effect(self) -> str:
        """``"increases"`` or ``"decreases"`` (from :attr:`sign`)."""
        return "increases" if self.sign > 0 else "decreases"

    @property
    def score(self) -> float:
        """Product of the step beliefs / path length, times the context coherence factor."""
        return math.prod(self.beliefs) / len(self.predicates) * self.coherence

    @property
    def articles(self) -> tuple[str, ...]:
        """Every PMID supporting a step of the path (sorted)."""
        return tuple(sorted({p for step in self.pmids for p in step}))

    def __str__(self) -> str:
        parts = [self.names[0]]
        last = len(self.predicates) - 1
        for i, (pred, name) in enumerate(zip(self.predicates, self.names[1:])):
            label = f"implied {pred}" if self.implied and i == last else pred
            parts.append(f"-[{label}]{'->' if SIGNS[pred] > 0 else '-|'} {name}")
        return " ".join(parts)

    def __repr__(self) -> str:
        return f"<{self} | score {self.score:.3f}; PMIDs {', '.join(self.articles) or '-'}>"

    def explain(self) -> str:
        """One line per step with its PMIDs and an evidence sentence of each."""
        lines = [str(self)]
        for i, pred in enumerate(self.predicates):
            if self.implied and i == len(self.predicates) - 1:
                lines.append(f"  {self.names[0]} acts on {self.names[i + 1]} in the same "
                             "articles:")
            else:
                lines.append(f"  {self.names[i]} {pred} {self.names[i + 1]}:")
            sents = self.sentences[i] if i < len(self.sentences) else ()
            for pmid, sent in sents or [(p, "") for p in self.pmids[i]]:
                lines.append(f"    PMID {pmid}: {sent}".rstrip())
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form of the path."""
        return {"path": str(self), "net_effect": self.net_effect, "score": round(self.score, 6),
                "length": len(self.predicates), "predicates": list(self.predicates),
                "nodes": list(self.nodes), "beliefs": list(self.beliefs),
                "pmids": [list(p) for p in self.pmids], "coherence": self.coherence}


def _distances(g: nx.MultiDiGraph, targets: set[str], cutoff: int) -> dict[str, int]:
    """Fewest edges from each node to any target (walking edges backwards), up to ``cutoff``."""
    dist = {t: 0 for t in targets if t in g}
    frontier = list(dist)
    for d in range(1, cutoff + 1):
        nxt = []
        for v in frontier:
            for u in g.predecessors(v):
                if u not in dist:
                    dist[u] = d
                    nxt.append(u)
        frontier = nxt
    return dist


def mechanism_paths(g: nx.MultiDiGraph, steps: Mapping[Key, tuple[str, ...]],
                    sources: Iterable[str], targets: Iterable[str], *, max_length: int = 4,
                    min_belief: float = 0.0, predicates: Iterable[str] | None = None,
                    limit: int | None = 20,
                    contexts: Mapping[str, ArticleContext] | None = None,
                    same_context: bool = True,
                    intermediate_types: Iterable[str] | None = None) -> list[MechanismPath]:
    """Signed paths from any of ``sources`` to any of ``targets``, best first.

    ``steps`` gives the asserted PMIDs of each walkable edge (edges without any are skipped);
    ``contexts`` the :class:`ArticleContext` by PMID (None: every article agrees).
    Intermediate nodes are never sources or targets, and have one of ``intermediate_types``
    when given. See :meth:`pipeline.graph.KnowledgeGraph.paths` for the other parameters.
    """
    if max_length < 1:
        raise ValueError("max_length must be >= 1")
    allowed = set(predicates) if predicates is not None else None
    src, dst = set(sources), set(targets)
    inner = set(intermediate_types) if intermediate_types is not None else None
    ctx = contexts or {}
    empty = ArticleContext()

    def agree(p: str, q: str) -> bool:
        return p == q or ctx.get(p, empty).agrees(ctx.get(q, empty))

    dist = _distances(g, dst, max_length)
    found: list[MechanismPath] = []

    def walk(node: str, nodes: list[str], preds: list[str], beliefs: list[float],
             pmids: list[tuple[str, ...]], coherence: float) -> None:
        if node in dst and preds:
            found.append(MechanismPath(tuple(nodes), tuple(g.nodes[n]["name"] for n in nodes),
                                       tuple(preds), tuple(beliefs), tuple(pmids), coherence))
            return
        left = max_length - len(preds)
        for _u, v, d in g.out_edges(node, data=True):
            if v in nodes or dist.get(v, math.inf) > left - 1 or d["belief"] < min_belief:
                continue
            if allowed is not None and d["predicate"] not in allowed:
                continue
            if v not in dst and (v in src or (inner is not None
                                              and g.nodes[v].get("type") not in inner)):
                continue
            here = steps.get((node, d["predicate"], v), ())
            if not here:
                continue
            factor = 1.0
            if pmids:
                prev = set(pmids[-1])
                kept = tuple(q for q in here if any(agree(p, q) for p in prev))
                if not kept:
                    if same_context:
                        continue
                    kept, factor = here, UNRELATED
                elif not prev & set(kept):
                    factor = CROSS_ARTICLE
                here = kept
            walk(v, nodes + [v], preds + [d["predicate"]], beliefs + [d["belief"]],
                 pmids + [here], coherence * factor)

    for s in sorted(src):
        if s in dist:
            walk(s, [s], [], [], [], 1.0)
    found.sort(key=lambda p: (-p.score, len(p.predicates), p.nodes, p.predicates))
    return found[:limit] if limit is not None else found
