"""GraphML for Cytoscape: :func:`write_graphml` and its inverse :func:`read_graphml`.

Attribute types are scalars only (``string``, ``int``, ``long``, ``double``, ``boolean``; see
:mod:`.flatten`). Node ids are the concept ids with characters outside ``[A-Za-z0-9_.:-]``
replaced by ``_`` (GraphML ids are XML name tokens); the exact id is kept in ``concept_id``.
Nodes carry ``name`` and ``label``, edges ``interaction`` (= predicate), ``weight`` (= evidence
count) and a unique ``name``, as Cytoscape and Gephi expect. Isolated nodes are left out
unless ``keep_isolated``.

>>> from pipeline.model import Concept, Evidence, Statement
>>> kg = KnowledgeGraph.from_statements([Statement(Concept("A", "a", "CELL_TYPE"), "SECRETES",
...                                      Concept("B", "b", "CYTOKINE"), [Evidence("1", "s")])])
>>> '<edge id="A.SECRETES.B" source="A" target="B">' in graphml_string(kg)
True
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Mapping

import networkx as nx

from ..errors import ParseError
from ..graph import KnowledgeGraph
from .files import atomic_write
from .flatten import ExportError, export_view, graph_tables, typed_graph

__all__ = ["GRAPHML_NS", "graphml_tree", "graphml_string", "write_graphml", "read_graphml"]

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_XML_TYPES = {bool: "boolean", int: "int", float: "double", str: "string"}


def _xml_type(name: str, values: list[Any], scope: str) -> str:
    kinds = {type(v) for v in values}
    if kinds <= {int} and any(abs(v) > 2**31 - 1 for v in values):
        return "long"
    if kinds == {int, float}:
        return "double"
    if len(kinds) != 1:
        raise ExportError(f"{scope} attribute {name!r} mixes types "
                          f"{sorted(k.__name__ for k in kinds)}; give it one type")
    return _XML_TYPES[kinds.pop()]


def _xml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return repr(v) if isinstance(v, float) else str(v)


def graphml_tree(kg: KnowledgeGraph, *, date: str | None = None,
                 keep_isolated: bool = False) -> ET.ElementTree:
    """The GraphML document of ``kg`` (see the module docstring for the conventions)."""
    nodes, edges = graph_tables(export_view(kg.to_networkx(), keep_isolated=keep_isolated),
                                join_lists=True, readable_ids=True)
    root = ET.Element("graphml", {"xmlns": GRAPHML_NS, "xmlns:xsi": _XSI,
                                  "xsi:schemaLocation": f"{GRAPHML_NS} "
                                  "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"})
    keys: dict[tuple[str, str], str] = {}
    graph_data = {"name": "mscgraph"} | ({"date": date} if date else {})
    for scope, rows in (("graph", [graph_data]), ("node", [d for _n, d in nodes]),
                        ("edge", [d for *_x, d in edges])):
        values: dict[str, list[Any]] = {}
        for d in rows:
            for k, v in d.items():
                values.setdefault(k, []).append(v)
        for name, vals in values.items():
            kid = f"{scope[0]}_{name}"
            keys[(scope, name)] = kid
            ET.SubElement(root, "key", {"id": kid, "for": scope, "attr.name": name,
                                        "attr.type": _xml_type(name, vals, scope)})

    def data(parent: ET.Element, scope: str, d: Mapping[str, Any]) -> None:
        for k, v in d.items():
            ET.SubElement(parent, "data", {"key": keys[(scope, k)]}).text = _xml_value(v)

    graph = ET.SubElement(root, "graph", {"id": "mscgraph", "edgedefault": "directed"})
    data(graph, "graph", graph_data)
    for nid, d in nodes:
        data(ET.SubElement(graph, "node", {"id": nid}), "node", d)
    for eid, u, v, d in edges:
        data(ET.SubElement(graph, "edge", {"id": eid, "source": u, "target": v}), "edge", d)
    tree = ET.ElementTree(root)
    ET.indent(tree, space="  ")
    return tree


def graphml_string(kg: KnowledgeGraph, *, date: str | None = None,
                   keep_isolated: bool = False) -> str:
    """GraphML as a string."""
    return ET.tostring(graphml_tree(kg, date=date, keep_isolated=keep_isolated).getroot(),
                       encoding="unicode", xml_declaration=True)


def write_graphml(kg: KnowledgeGraph, path: str | Path, *, date: str | None = None,
                  keep_isolated: bool = False) -> Path:
    """Write GraphML for Cytoscape and Gephi (UTF-8); returns the path."""
    with atomic_write(path) as fh:
        graphml_tree(kg, date=date, keep_isolated=keep_isolated).write(
            fh, encoding="utf-8", xml_declaration=True)
    return Path(path)


def read_graphml(path: str | Path) -> KnowledgeGraph:
    """Read a GraphML file written by :func:`write_graphml` (safe parser; no evidence).

    Raises
    ------
    ParseError
        The file is not well-formed, or declares a DTD/entities (refused for safety).
    """
    import defusedxml.ElementTree as DET
    raw = Path(path).read_bytes()
    try:
        DET.fromstring(raw, forbid_dtd=True)
        g = nx.parse_graphml(raw, edge_key_type=str, force_multigraph=True)
    except Exception as exc:  # defusedxml, expat and networkx raise various types
        raise ParseError(f"cannot read GraphML {path}: {exc}; expected a file written by "
                         f"'mscgraph export'") from exc
    nodes = [(str(n), dict(d)) for n, d in g.nodes(data=True)]
    edges = [(str(k), str(u), str(v), dict(d)) for u, v, k, d in g.edges(keys=True, data=True)]
    return KnowledgeGraph.from_networkx(typed_graph(nodes, edges))


