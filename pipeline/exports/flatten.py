"""The one type table of graph attributes and the two directions through it.

Writers flatten the attributes of :meth:`~pipeline.graph.KnowledgeGraph.to_networkx` into
scalars (:func:`graph_tables`); readers turn flat node/edge tables back into a typed networkx
graph (:func:`typed_graph`) for :meth:`~pipeline.graph.KnowledgeGraph.from_networkx`. Lists are
joined with ``|``, tallies written ``key:count|key:count``, ``None`` left out. Writers add
attributes other tools look for, derived from the rest (nodes ``label`` = name; edges
``weight`` = evidence count and a unique ``name`` "A (PREDICATE) B"); readers drop them.
Writers leave isolated nodes out unless asked to keep them (:func:`export_view`).

>>> flatten_attrs({"pmids": ["1", "2"], "species": {"human": 2}}, "edge a-b")
{'pmids': '1|2', 'species': 'human:2'}
>>> unflatten_attrs({"pmids": "1|2", "species": "human:2"}, EDGE_TYPES)["species"]
{'human': 2}
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

import networkx as nx

from ..errors import PipelineError

__all__ = ["ExportError", "NODE_TYPES", "EDGE_TYPES", "DERIVED_NODE_ATTRS",
           "DERIVED_EDGE_ATTRS", "flatten_attrs", "unflatten_attrs", "export_view",
           "edge_names", "graph_tables", "typed_graph", "NodeRow", "EdgeRow"]

#: Attribute -> Python type, for nodes and edges (``list``: ``|``-joined, ``dict``: tallies).
NODE_TYPES: dict[str, type] = {
    "concept_id": str, "name": str, "type": str, "synonyms": list, "mention_count": int,
    "article_count": int, "pmids": list}
EDGE_TYPES: dict[str, type] = {
    "interaction": str, "predicate": str, "sign": int, "belief": float, "evidence_count": int,
    "article_count": int, "negated_count": int, "hedged_count": int, "first_year": int,
    "last_year": int, "contradicted": bool, "contradiction": str, "pmids": list,
    "negated_pmids": list, "species": dict, "study_types": dict}
#: Attributes the writers derive for Gephi/Cytoscape and the readers drop again.
DERIVED_NODE_ATTRS = ("label",)
DERIVED_EDGE_ATTRS = ("name", "weight")
_TALLY_ATTRS = {n for table in (NODE_TYPES, EDGE_TYPES) for n, k in table.items() if k is dict}
_NMTOKEN_BAD = re.compile(r"[^A-Za-z0-9_.:\-]")

#: ``(node id, attributes)`` and ``(edge id, source id, target id, attributes)``
NodeRow = tuple[str, dict[str, Any]]
EdgeRow = tuple[str, str, str, dict[str, Any]]


class ExportError(PipelineError, TypeError):
    """A graph attribute cannot be written as a scalar (the message names it)."""


def _scalar(name: str, value: Any, where: str) -> bool | int | float | str:
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
    if isinstance(value, (bool, int, float, str)):
        return value
    raise ExportError(f"attribute {name!r} of {where} has a {type(value).__name__} value "
                      f"{value!r:.80}; exports take str, int, float, bool or lists of them "
                      f"(convert it before exporting)")


def flatten_attrs(attrs: Mapping[str, Any], where: str, *, join_lists: bool = True
                  ) -> dict[str, Any]:
    """Scalar-only copy of ``attrs``: lists joined by ``|``, tallies as ``k:n|k:n``, None dropped.

    Raises
    ------
    ExportError
        A value is neither a scalar, a list of scalars nor a known tally (names the attribute).

    >>> flatten_attrs({"pmids": ["1", "2"], "species": {"human": 2}, "y": None}, "edge a-b")
    {'pmids': '1|2', 'species': 'human:2'}
    >>> flatten_attrs({"bad": {"x": 1}}, "node n")
    Traceback (most recent call last):
    ...
    pipeline.exports.flatten.ExportError: attribute 'bad' of node n has a dict value {'x': 1}; \
exports take str, int, float, bool or lists of them (convert it before exporting)
    """
    out: dict[str, Any] = {}
    for name, value in attrs.items():
        if value is None:
            continue
        if name in _TALLY_ATTRS and isinstance(value, Mapping):
            out[name] = "|".join(f"{_clean(str(k))}:{int(_scalar(name, v, where))}"
                                 for k, v in sorted(value.items()))
        elif isinstance(value, (list, tuple)):
            items = [_scalar(name, v, where) for v in value]
            out[name] = "|".join(_clean(str(v)) for v in items) if join_lists else items
        else:
            out[name] = _scalar(name, value, where)
    return out


def _clean(item: str) -> str:
    return item.replace("|", "/")


def unflatten_attrs(attrs: Mapping[str, Any], types: Mapping[str, type]) -> dict[str, Any]:
    """Inverse of :func:`flatten_attrs` for the attributes in ``types`` (others kept as read).

    Every list and tally attribute of ``types`` is present afterwards (empty when missing).

    >>> unflatten_attrs({"mention_count": "3", "pmids": ""}, NODE_TYPES)["pmids"]
    []
    """
    out = dict(attrs)
    for name, kind in types.items():
        v = out.get(name)
        if kind is list:
            out[name] = v if isinstance(v, list) else ([x for x in str(v).split("|") if x]
                                                       if v not in (None, "") else [])
        elif kind is dict:
            pairs = [p.rsplit(":", 1) for p in str(v or "").split("|") if p]
            out[name] = {k: int(n) for k, n in pairs}
        elif v is not None and kind in (int, float):
            out[name] = kind(v)
        elif kind is bool and isinstance(v, str):
            out[name] = v.strip().lower() == "true"
    return out


def _node_id(cid: str, used: dict[str, str]) -> str:
    base = _NMTOKEN_BAD.sub("_", cid) or "_"
    nid, i = base, 1
    while nid in used and used[nid] != cid:
        i += 1
        nid = f"{base}~{i}".replace("~", "_")
    used[nid] = cid
    return nid


def export_view(g: nx.MultiDiGraph, *, keep_isolated: bool = False) -> nx.MultiDiGraph:
    """``g`` itself, or (by default) a view of it without isolated nodes; never a copy.

    >>> g = nx.MultiDiGraph([("a", "b")]); g.add_node("c")
    >>> list(export_view(g)), len(export_view(g, keep_isolated=True))
    (['a', 'b'], 3)
    """
    if keep_isolated:
        return g
    return g.subgraph([n for n in g if g.degree(n)])


def edge_names(g: nx.MultiDiGraph) -> list[str]:
    """Unique edge names "A (PREDICATE) B" in edge order (``[2]``, ``[3]``... when names repeat).

    >>> g = nx.MultiDiGraph(); g.add_nodes_from([("x", {"name": "A"}), ("y", {"name": "A"})])
    >>> for v in "xy": _ = g.add_edge("x", v, predicate="TREATS")
    >>> edge_names(g)
    ['A (TREATS) A', 'A (TREATS) A [2]']
    """
    seen: dict[str, int] = {}
    out = []
    for u, v, d in g.edges(data=True):
        base = f"{g.nodes[u].get('name', u)} ({d['predicate']}) {g.nodes[v].get('name', v)}"
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base} [{seen[base]}]")
    return out


def graph_tables(g: nx.MultiDiGraph, *, join_lists: bool, readable_ids: bool
                 ) -> tuple[list[NodeRow], list[EdgeRow]]:
    """Flat node and edge rows of a graph (the writer side of every format).

    With ``readable_ids`` node ids become XML name tokens (the exact id kept in
    ``concept_id``) and edge ids ``source.PREDICATE.target``; otherwise ids stay as they are
    and edge ids are ``source|PREDICATE|target``. Rows carry the derived attributes
    (:data:`DERIVED_NODE_ATTRS`, :data:`DERIVED_EDGE_ATTRS`).
    """
    used: dict[str, str] = {}
    ids = {n: (_node_id(n, used) if readable_ids else n) for n in g.nodes}
    nodes = [(ids[n], flatten_attrs({"concept_id": n, **d, "label": d.get("name", n)},
                                    f"node {n!r}", join_lists=join_lists))
             for n, d in g.nodes(data=True)]
    edges = []
    for (u, v, d), name in zip(g.edges(data=True), edge_names(g)):
        eid = f"{ids[u]}.{d['predicate']}.{ids[v]}" if readable_ids else \
            f"{u}|{d['predicate']}|{v}"
        derived = {"name": name, "weight": d.get("evidence_count", 0)}
        edges.append((eid, ids[u], ids[v], flatten_attrs(
            {**d, **derived}, f"edge {u} {d['predicate']} {v}", join_lists=join_lists)))
    return nodes, edges


def typed_graph(nodes: Iterable[NodeRow], edges: Iterable[EdgeRow]) -> nx.MultiDiGraph:
    """A ``MultiDiGraph`` over concept ids with typed attributes (the reader side).

    Node ids of the rows are mapped back through ``concept_id``; edges lacking ``predicate``
    take ``interaction``, missing years become None.
    """
    g = nx.MultiDiGraph(name="mscgraph")
    by_row_id: dict[str, str] = {}
    for nid, d in nodes:
        d = unflatten_attrs({a: x for a, x in d.items() if a not in DERIVED_NODE_ATTRS},
                            NODE_TYPES)
        cid = str(d.get("concept_id") or nid)
        by_row_id[nid] = cid
        g.add_node(cid, **d)
    for _eid, u, v, d in edges:
        d = unflatten_attrs({a: x for a, x in d.items() if a not in DERIVED_EDGE_ATTRS},
                            EDGE_TYPES)
        d.setdefault("predicate", d.get("interaction"))
        for k in ("first_year", "last_year"):
            d.setdefault(k, None)
        g.add_edge(by_row_id.get(u, u), by_row_id.get(v, v), key=d["predicate"], **d)
    return g
