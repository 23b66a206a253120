"""Cytoscape.js elements JSON: :func:`cyjs_data` / :func:`cyjs_graph` and the file pair
:func:`write_cyjs` / :func:`read_cyjs` (evidence optional, restored when present).

>>> from pipeline.model import Concept, Evidence, Statement
>>> kg = KnowledgeGraph.from_statements([Statement(Concept("A", "a", "CELL_TYPE"), "SECRETES",
...                                      Concept("B", "b", "CYTOKINE"), [Evidence("1", "s")])])
>>> sorted(cyjs_data(kg)["elements"])
['edges', 'nodes']
>>> cyjs_graph(cyjs_data(kg)).summary()["statements"]
1
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

from ..errors import ParseError, PipelineError
from ..graph import KnowledgeGraph
from ..model import Evidence
from .files import atomic_write
from .flatten import export_view, graph_tables, typed_graph

__all__ = ["cyjs_data", "cyjs_graph", "write_cyjs", "read_cyjs"]

#: Node attributes renamed in Cytoscape.js JSON: there ``parent`` makes compound nodes, so the
#: broader concept travels as ``broader`` (GraphML and CSV keep ``parent``).
_CYJS_KEYS = {"parent": "broader"}
_GRAPH_KEYS = {v: k for k, v in _CYJS_KEYS.items()}


def cyjs_data(kg: KnowledgeGraph, *, include_evidence: bool = False,
              date: str | None = None, keep_isolated: bool = False) -> dict[str, Any]:
    """Cytoscape.js elements JSON (``{"data", "elements": {"nodes", "edges"}}``).

    Lists stay JSON arrays, tallies become ``k:n|k:n`` strings. With ``include_evidence`` each
    edge carries ``evidence``: its evidence records (``Evidence.to_json``). Isolated nodes
    are left out unless ``keep_isolated``.
    """
    if include_evidence and not kg.has_evidence:
        raise PipelineError("include_evidence=True needs a graph with evidence "
                            "(built from the store or statements)")
    nodes, edges = graph_tables(export_view(kg.to_networkx(), keep_isolated=keep_isolated),
                                join_lists=False, readable_ids=False)
    stmts = {st.matches_key(): st for st in kg.statements()} if include_evidence else {}
    out_edges = []
    for eid, u, v, d in edges:
        data = {"id": eid, "source": u, "target": v, **d}
        if include_evidence:
            data["evidence"] = [e.to_json() for e in stmts[(u, d["predicate"], v)].evidence]
        out_edges.append({"data": data})
    return {"data": {"name": "mscgraph"} | ({"date": date} if date else {}),
            "elements": {"nodes": [{"data": {"id": n, **{_CYJS_KEYS.get(k, k): v
                                                          for k, v in d.items()
                                                          if k != "concept_id"}}}
                                   for n, d in nodes],
                         "edges": out_edges}}


def cyjs_graph(data: Mapping[str, Any]) -> KnowledgeGraph:
    """Inverse of :func:`cyjs_data` (evidence restored when the edges carry it)."""
    try:
        elements = data["elements"]
        nodes = [(str(n["data"]["id"]), {_GRAPH_KEYS.get(k, k): v for k, v in n["data"].items()})
                 for n in elements.get("nodes", ())]
        edges = [(str(e["data"].get("id", "")), str(e["data"]["source"]),
                  str(e["data"]["target"]), dict(e["data"])) for e in elements.get("edges", ())]
    except (KeyError, TypeError, AttributeError) as exc:
        raise ParseError(f"not Cytoscape.js elements JSON ({exc!r}); expected "
                         f'{{"elements": {{"nodes": [{{"data": ...}}], "edges": [...]}}}}'
                         ) from exc
    evidence: dict[tuple[str, str, str], list[Evidence]] | None = None
    if edges and all("evidence" in d for *_x, d in edges):
        evidence = {}
        for *_x, d in edges:
            key = (d["source"], d.get("predicate") or d["interaction"], d["target"])
            evidence[key] = [Evidence.from_json(e) for e in d["evidence"]]
    for *_x, d in edges:
        for k in ("evidence", "id", "source", "target"):
            d.pop(k, None)
    return KnowledgeGraph.from_networkx(typed_graph(nodes, edges), evidence=evidence)


def write_cyjs(kg: KnowledgeGraph, path: str | Path, *, include_evidence: bool = False,
               date: str | None = None, keep_isolated: bool = False) -> Path:
    """Write Cytoscape.js JSON (``.cyjs``); returns the path."""
    data = cyjs_data(kg, include_evidence=include_evidence, date=date,
                     keep_isolated=keep_isolated)
    with atomic_write(path, "w") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    return Path(path)


def read_cyjs(source: str | Path | Mapping[str, Any]) -> KnowledgeGraph:
    """Read a ``.cyjs`` file (or an already-loaded dict)."""
    if isinstance(source, Mapping):
        return cyjs_graph(source)
    try:
        data = json.loads(Path(source).read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ParseError(f"{source}: not JSON ({exc}); expected a .cyjs file written by "
                         "'mscgraph export'") from exc
    return cyjs_graph(data)


