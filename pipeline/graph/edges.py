"""Edge attributes of the graph: aggregation of a statement's evidence, contradictions, order.

>>> from pipeline.model import Concept, Evidence, Statement
>>> st = Statement(Concept("A", "a", "CELL_TYPE"), "SECRETES", Concept("B", "b", "CYTOKINE"),
...                [Evidence("1", "s", year=2020)])
>>> e = finish_edges([statement_edge_attrs(st)])[0]
>>> (e["evidence_count"], e["first_year"], e["sign"], e["contradicted"])
(1, 2020, 1, False)
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from ..assembly import SIGNS
from ..model import Statement
from .aggregate import Key, contributions, edge_attrs

__all__ = ["Key", "statement_edge_attrs", "finish_edges", "edge_table"]



def statement_edge_attrs(st: Statement) -> dict[str, Any]:
    """Aggregate one statement's evidence into edge attributes (before contradictions)."""
    return edge_attrs(st.matches_key(), contributions(st.evidence), st.belief)


def finish_edges(edges: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Sort edges, add ``interaction``/``sign`` and mark contradictions (copies the dicts)."""
    out = sorted((dict(e) for e in edges), key=lambda e: (e["source"], e["predicate"],
                                                          e["target"]))
    asserted: dict[tuple[str, str], set[str]] = {}
    for e in out:
        if e["evidence_count"] > e["negated_count"]:
            asserted.setdefault((e["source"], e["target"]), set()).add(e["predicate"])
    for e in out:
        e["interaction"] = e["predicate"]
        e["sign"] = SIGNS[e["predicate"]]
        kinds = []
        preds = asserted.get((e["source"], e["target"]), set())
        if e["predicate"] in ("INCREASES", "DECREASES") and {"INCREASES", "DECREASES"} <= preds:
            kinds.append("polarity")
        if 0 < e["negated_count"] < e["evidence_count"]:
            kinds.append("negation")
        e["contradicted"] = bool(kinds)
        e["contradiction"] = "|".join(sorted(kinds))
    return out


def edge_table(node_order: Iterable[str], edges: Iterable[Mapping[str, Any]]
               ) -> dict[Key, dict[str, Any]]:
    """Edges by key, without ``source``/``target``, in the graph's iteration order.

    That order is the one a ``MultiDiGraph`` gives after adding the nodes in ``node_order`` and
    then ``edges`` in turn: by source node, then target in first-seen order, then predicate.
    Re-adding a key merges its attributes, as networkx does.

    >>> t = edge_table(["a", "b"], [{"source": "b", "target": "a", "predicate": "P"},
    ...                             {"source": "a", "target": "c", "predicate": "Q"},
    ...                             {"source": "a", "target": "b", "predicate": "P"}])
    >>> list(t)
    [('a', 'Q', 'c'), ('a', 'P', 'b'), ('b', 'P', 'a')]
    """
    by_source: dict[str, dict[str, list[Mapping[str, Any]]]] = {}
    for e in edges:
        by_source.setdefault(e["source"], {}).setdefault(e["target"], []).append(e)
    out: dict[Key, dict[str, Any]] = {}
    for u in node_order:
        for v, es in by_source.get(u, {}).items():
            for e in es:
                attrs = out.setdefault((u, e["predicate"], v), {})
                attrs.update((k, x) for k, x in e.items() if k not in ("source", "target"))
    return out
