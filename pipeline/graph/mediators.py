"""Mediators of a source's effect on a target: the intermediate concepts of its mechanism paths.

A mediator's ``net_effect`` is its own effect on the target (the sign of the path segment from
the mediator to the target, weighted by path score over its paths); its ``score`` is the sum
of the scores of its paths; ``articles`` counts the distinct PMIDs of those paths.

>>> from pipeline.graph.paths import MechanismPath
>>> p = MechanismPath(("M", "H", "F"), ("MSC", "HGF", "fibrosis"), ("SECRETES", "DECREASES"),
...                   (1.0, 0.5), (("1",), ("1",)))
>>> mediator_rows([p], {"H": "CYTOKINE"})[0]["net_effect"]
-1
"""
from __future__ import annotations

import math
from typing import Any, Iterable, Mapping

from ..assembly import SIGNS
from .paths import MechanismPath

__all__ = ["MEDIATOR_TYPES", "MEDIATOR_COLUMNS", "mediator_rows"]

#: Entity types a mediator can have (not DISEASE, not THERAPY).
MEDIATOR_TYPES = frozenset({"CELL_TYPE", "CYTOKINE", "MOLECULE", "PROCESS", "OUTCOME"})
MEDIATOR_COLUMNS = ["mediator", "concept", "type", "net_effect", "paths", "articles", "score"]


def mediator_rows(paths: Iterable[MechanismPath], types: Mapping[str, str]
                  ) -> list[dict[str, Any]]:
    """One row per intermediate concept of ``paths`` (columns :data:`MEDIATOR_COLUMNS`), best first."""
    by: dict[str, dict[str, Any]] = {}
    for p in paths:
        for i, node in enumerate(p.nodes[1:-1], start=1):
            row = by.setdefault(node, {"mediator": p.names[i], "concept": node,
                                       "type": types.get(node, ""), "paths": [],
                                       "pmids": set(), "score": 0.0, "signed": 0.0})
            row["paths"].append(p)
            row["pmids"].update(p.articles)
            row["score"] += p.score
            row["signed"] += p.score * math.prod(SIGNS[x] for x in p.predicates[i:])
    rows = []
    for r in by.values():
        rows.append({"mediator": r["mediator"], "concept": r["concept"], "type": r["type"],
                     "net_effect": 1 if r["signed"] >= 0 else -1, "paths": r["paths"],
                     "articles": len(r["pmids"]), "score": round(r["score"], 6)})
    rows.sort(key=lambda r: (-r["score"], -r["articles"], r["mediator"], r["concept"]))
    return rows
