"""Signed mechanism paths between two concepts (:class:`MechanismPath`, :func:`mechanism_paths`).

Sign algebra: the net effect of a path is the product of its step signs
(:data:`~pipeline.assembly.SIGNS`); paths are ranked by ``product of beliefs / length``. Only
edges with asserted (non-negated) evidence are walked.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("A", name="a"); g.add_node("B", name="b"); g.add_node("C", name="c")
>>> _ = g.add_edge("A", "B", key="SECRETES", predicate="SECRETES", belief=0.8,
...                evidence_count=1, negated_count=0)
>>> _ = g.add_edge("B", "C", key="DECREASES", predicate="DECREASES", belief=0.5,
...                evidence_count=2, negated_count=0)
>>> [str(p) for p in mechanism_paths(g, "A", "C")]
['a -> b -| c']
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import networkx as nx

from ..assembly import SIGNS

__all__ = ["MechanismPath", "mechanism_paths"]


@dataclass(frozen=True)
class MechanismPath:
    """A signed chain of statements between two concepts."""

    nodes: tuple[str, ...]
    names: tuple[str, ...]
    predicates: tuple[str, ...]
    beliefs: tuple[float, ...]

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
        """Product of the step beliefs divided by the path length."""
        return math.prod(self.beliefs) / len(self.predicates)

    def __str__(self) -> str:
        parts = [self.names[0]]
        for pred, name in zip(self.predicates, self.names[1:]):
            parts.append(("-> " if SIGNS[pred] > 0 else "-| ") + name)
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form of the path."""
        return {"path": str(self), "net_effect": self.net_effect, "score": round(self.score, 6),
                "length": len(self.predicates), "predicates": list(self.predicates),
                "nodes": list(self.nodes), "beliefs": list(self.beliefs)}



def mechanism_paths(g: nx.MultiDiGraph, src: str, dst: str, *, max_length: int = 4,
                    min_belief: float = 0.0, predicates: Iterable[str] | None = None,
                    limit: int | None = 20) -> list[MechanismPath]:
    """Signed paths ``src -> ... -> dst`` over node ids of ``g``, best first.

    See :meth:`pipeline.graph.KnowledgeGraph.paths` (which resolves names first) for the
    parameters.
    """
    if max_length < 1:
        raise ValueError("max_length must be >= 1")
    allowed = set(predicates) if predicates is not None else None

    def usable(d: Mapping[str, Any]) -> bool:
        return (d["evidence_count"] > d["negated_count"] and d["belief"] >= min_belief
                and (allowed is None or d["predicate"] in allowed))

    # shortest distances to dst prune walks that cannot arrive within max_length
    dist = nx.single_source_shortest_path_length(g.reverse(copy=False), dst, cutoff=max_length)
    found: list[MechanismPath] = []

    def walk(node: str, nodes: list[str], preds: list[str], beliefs: list[float]) -> None:
        if node == dst and preds:
            found.append(MechanismPath(tuple(nodes), tuple(g.nodes[n]["name"] for n in nodes),
                                       tuple(preds), tuple(beliefs)))
            return
        left = max_length - len(preds)
        for _u, v, d in g.out_edges(node, data=True):
            if v in nodes or dist.get(v, math.inf) > left - 1 or not usable(d):
                continue
            walk(v, nodes + [v], preds + [d["predicate"]], beliefs + [d["belief"]])

    if src in dist:
        walk(src, [src], [], [])
    found.sort(key=lambda p: (-p.score, len(p.predicates), p.nodes, p.predicates))
    return found[:limit] if limit is not None else found
