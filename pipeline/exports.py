"""Exports of a :class:`~pipeline.graph.KnowledgeGraph`: GraphML, Cytoscape.js JSON, CSV, style.

Writers and readers are inverse pairs (``write_graphml``/``read_graphml``,
``cyjs_data``/``cyjs_graph``, ``write_cyjs``/``read_cyjs``); :func:`write_exports` writes dated
files ``mscgraph_YYYY-MM-DD.*`` plus ``mscgraph_latest.*`` copies and the styles.

GraphML is written for Cytoscape: attribute types are scalars only (``string``, ``int``,
``double``, ``boolean``); lists are joined with ``|`` (PMIDs, synonyms) and tallies written as
``key:count|key:count`` (species, study types); missing values (a year) are left out, never
written as ``None``. Any other non-scalar value raises :class:`ExportError` naming the attribute.
Node ids are the concept ids with characters outside ``[A-Za-z0-9_.:-]`` replaced by ``_``
(GraphML ids are XML name tokens); the exact id is kept in ``concept_id``. Nodes carry
``name``, edges ``interaction`` (= predicate), as Cytoscape expects.

Not supported: ``|`` inside list items (replaced by ``/``), GraphML features other than one
directed graph with node/edge data (no hyperedges, ports, nested graphs), evidence in GraphML
(use the evidence CSV or ``cyjs`` with ``include_evidence=True``).

Example
-------
>>> from pipeline.graph import KnowledgeGraph
>>> from pipeline.model import Concept, Evidence, Statement
>>> kg = KnowledgeGraph.from_statements([Statement(Concept("A", "a", "CELL_TYPE"), "SECRETES",
...                                      Concept("B", "b", "CYTOKINE"), [Evidence("1", "s")])])
>>> sorted(cyjs_data(kg)["elements"])
['edges', 'nodes']
>>> cyjs_graph(cyjs_data(kg)).summary()["statements"]
1
"""
from __future__ import annotations

import csv
import datetime as _dt
import json
import logging
import os
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import IO, Any, Iterator, Mapping, Sequence

from .assembly import ConceptRecord, evidence_sort_key, iter_evidence_rows
from .errors import ParseError, PipelineError
from .graph import KnowledgeGraph
from .model import ENTITY_TYPES, Concept, Evidence, Statement

__all__ = ["ExportError", "FORMATS", "write_exports", "write_graphml", "read_graphml",
           "graphml_string", "cyjs_data", "cyjs_graph", "write_cyjs", "read_cyjs", "write_csv",
           "flatten_attrs", "cytoscape_style", "cytoscape_vizmap_xml", "STYLE_PATH",
           "TYPE_COLOURS", "SIGN_COLOURS"]

log = logging.getLogger(__name__)

FORMATS = ("graphml", "cyjs", "csv")
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
STYLE_PATH = Path(str(resources.files("pipeline") / "data" / "cytoscape_style.json"))

#: Node colour per entity type (colour-blind-friendly palette) and edge colour per sign.
TYPE_COLOURS = {"CELL_TYPE": "#0072B2", "CYTOKINE": "#E69F00", "MOLECULE": "#56B4E9",
                "DISEASE": "#D55E00", "OUTCOME": "#009E73", "PROCESS": "#CC79A7",
                "THERAPY": "#F0E442"}
SIGN_COLOURS = {1: "#1B9E77", -1: "#D95F02"}
DEFAULT_NODE_COLOUR, DEFAULT_EDGE_COLOUR = "#BDBDBD", "#9E9E9E"

_LIST_ATTRS = {"synonyms", "pmids", "negated_pmids"}
_TALLY_ATTRS = {"species", "study_types"}
_NODE_TYPES = {"concept_id": str, "name": str, "type": str, "synonyms": list,
               "mention_count": int, "article_count": int, "pmids": list}
_EDGE_TYPES = {"interaction": str, "predicate": str, "sign": int, "belief": float,
               "evidence_count": int, "article_count": int, "negated_count": int,
               "hedged_count": int, "first_year": int, "last_year": int, "contradicted": bool,
               "contradiction": str, "pmids": list, "negated_pmids": list, "species": dict,
               "study_types": dict}
_XML_TYPES = {bool: "boolean", int: "int", float: "double", str: "string"}
_NMTOKEN_BAD = re.compile(r"[^A-Za-z0-9_.:\-]")


class ExportError(PipelineError, TypeError):
    """A graph attribute cannot be written as a scalar (the message names it)."""


# --------------------------------------------------------------------------- flattening
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
    pipeline.exports.ExportError: attribute 'bad' of node n has a dict value {'x': 1}; \
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


def _unflatten(attrs: Mapping[str, Any], types: Mapping[str, type]) -> dict[str, Any]:
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


def _tables(kg: KnowledgeGraph, *, join_lists: bool, readable_ids: bool
            ) -> tuple[list[tuple[str, dict]], list[tuple[str, str, str, dict]]]:
    g = kg.to_networkx()
    used: dict[str, str] = {}
    ids = {n: (_node_id(n, used) if readable_ids else n) for n in g.nodes}
    nodes = [(ids[n], flatten_attrs({"concept_id": n, **d}, f"node {n!r}",
                                    join_lists=join_lists)) for n, d in g.nodes(data=True)]
    edges = []
    for u, v, d in kg.edges():
        eid = f"{ids[u]}.{d['predicate']}.{ids[v]}" if readable_ids else \
            f"{u}|{d['predicate']}|{v}"
        edges.append((eid, ids[u], ids[v],
                      flatten_attrs(d, f"edge {u} {d['predicate']} {v}", join_lists=join_lists)))
    return nodes, edges


def _records(nodes: Sequence[tuple[str, dict]], edges: Sequence[tuple[str, str, str, dict]],
             evidence: Mapping[tuple[str, str, str], list[Evidence]] | None = None
             ) -> KnowledgeGraph:
    """Rebuild a graph from flat node/edge tables (the reader side of every format)."""
    concepts: dict[str, ConceptRecord] = {}
    by_xml: dict[str, str] = {}
    for nid, d in nodes:
        d = _unflatten(d, _NODE_TYPES)
        cid = str(d.get("concept_id") or nid)
        by_xml[nid] = cid
        concepts[cid] = ConceptRecord(cid, str(d.get("name", cid)), str(d.get("type", "")),
                                      tuple(d["synonyms"]), int(d.get("mention_count", 0)),
                                      int(d.get("article_count", 0)), tuple(d["pmids"]))
    out_edges = []
    for _eid, u, v, d in edges:
        d = _unflatten(d, _EDGE_TYPES)
        d.setdefault("predicate", d.get("interaction"))
        for k in ("first_year", "last_year"):
            d.setdefault(k, None)
        out_edges.append(dict(d, source=by_xml.get(u, u), target=by_xml.get(v, v)))
    statements = None
    if evidence is not None:
        statements = {}
        for e in out_edges:
            key = (e["source"], e["predicate"], e["target"])
            st = Statement(_c(concepts, e["source"]), e["predicate"], _c(concepts, e["target"]),
                           sorted(evidence.get(key, []), key=evidence_sort_key),
                           float(e["belief"]))
            statements[key] = st
    return KnowledgeGraph(concepts, out_edges, statements)


def _c(concepts: Mapping[str, ConceptRecord], cid: str) -> Concept:
    rec = concepts.get(cid)
    return rec.concept if rec else Concept(cid, cid, "")


# --------------------------------------------------------------------------- GraphML
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


def graphml_tree(kg: KnowledgeGraph, *, date: str | None = None) -> ET.ElementTree:
    """The GraphML document of ``kg`` (see the module docstring for the conventions)."""
    nodes, edges = _tables(kg, join_lists=True, readable_ids=True)
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


def graphml_string(kg: KnowledgeGraph, *, date: str | None = None) -> str:
    """GraphML as a string."""
    return ET.tostring(graphml_tree(kg, date=date).getroot(), encoding="unicode",
                       xml_declaration=True)


def write_graphml(kg: KnowledgeGraph, path: str | Path, *, date: str | None = None) -> Path:
    """Write GraphML for Cytoscape (UTF-8); returns the path."""
    with _atomic(path) as fh:
        graphml_tree(kg, date=date).write(fh, encoding="utf-8", xml_declaration=True)
    return Path(path)


def read_graphml(path: str | Path) -> KnowledgeGraph:
    """Read a GraphML file written by :func:`write_graphml` (safe parser; no evidence).

    Raises
    ------
    ParseError
        The file is not well-formed, or declares a DTD/entities (refused for safety).
    """
    import defusedxml.ElementTree as DET
    import networkx as nx
    raw = Path(path).read_bytes()
    try:
        DET.fromstring(raw, forbid_dtd=True)
        g = nx.parse_graphml(raw, edge_key_type=str, force_multigraph=True)
    except Exception as exc:  # defusedxml, expat and networkx raise various types
        raise ParseError(f"cannot read GraphML {path}: {exc}; expected a file written by "
                         f"'mscgraph export'") from exc
    nodes = [(str(n), dict(d)) for n, d in g.nodes(data=True)]
    edges = [(str(k), str(u), str(v), dict(d)) for u, v, k, d in g.edges(keys=True, data=True)]
    return _records(nodes, edges)


# --------------------------------------------------------------------------- Cytoscape.js
def cyjs_data(kg: KnowledgeGraph, *, include_evidence: bool = False,
              date: str | None = None) -> dict[str, Any]:
    """Cytoscape.js elements JSON (``{"data", "elements": {"nodes", "edges"}}``).

    Lists stay JSON arrays, tallies become ``k:n|k:n`` strings. With ``include_evidence`` each
    edge carries ``evidence``: its evidence records (``Evidence.to_json``).
    """
    if include_evidence and not kg.has_evidence:
        raise PipelineError("include_evidence=True needs a graph with evidence "
                            "(built from the store or statements)")
    nodes, edges = _tables(kg, join_lists=False, readable_ids=False)
    stmts = {st.matches_key(): st for st in kg.statements()} if include_evidence else {}
    out_edges = []
    for eid, u, v, d in edges:
        data = {"id": eid, "source": u, "target": v, **d}
        if include_evidence:
            data["evidence"] = [e.to_json() for e in stmts[(u, d["predicate"], v)].evidence]
        out_edges.append({"data": data})
    return {"data": {"name": "mscgraph"} | ({"date": date} if date else {}),
            "elements": {"nodes": [{"data": {"id": n, **{k: v for k, v in d.items()
                                                          if k != "concept_id"}}}
                                   for n, d in nodes],
                         "edges": out_edges}}


def cyjs_graph(data: Mapping[str, Any]) -> KnowledgeGraph:
    """Inverse of :func:`cyjs_data` (evidence restored when the edges carry it)."""
    try:
        elements = data["elements"]
        nodes = [(str(n["data"]["id"]), dict(n["data"])) for n in elements.get("nodes", ())]
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
    return _records(nodes, edges, evidence)


def write_cyjs(kg: KnowledgeGraph, path: str | Path, *, include_evidence: bool = False,
               date: str | None = None) -> Path:
    """Write Cytoscape.js JSON (``.cyjs``); returns the path."""
    data = cyjs_data(kg, include_evidence=include_evidence, date=date)
    with _atomic(path, "w") as fh:
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


# --------------------------------------------------------------------------- CSV
NODE_COLUMNS = ["id", "name", "type", "mention_count", "article_count", "synonyms", "pmids"]
EDGE_COLUMNS = ["source", "source_name", "interaction", "target", "target_name", "sign",
                "belief", "evidence_count", "article_count", "negated_count", "hedged_count",
                "first_year", "last_year", "contradicted", "contradiction", "species",
                "study_types", "pmids", "negated_pmids"]
EVIDENCE_CSV_COLUMNS = ["source", "interaction", "target", "pmid", "year", "sentence",
                        "negated", "hedged", "species", "study_type"]


def write_csv(kg: KnowledgeGraph, nodes_path: str | Path, edges_path: str | Path,
              evidence_path: str | Path | None = None) -> list[Path]:
    """Node, edge (and evidence) tables for spreadsheets; returns the paths written."""
    g = kg.to_networkx()
    nodes, edges = _tables(kg, join_lists=True, readable_ids=False)
    names = {n: d.get("name", n) for n, d in g.nodes(data=True)}
    node_rows = [{"id": n, **d} for n, d in nodes]
    edge_rows = [{"source": u, "source_name": names[u], "target": v, "target_name": names[v],
                  **d} for _e, u, v, d in edges]
    written = [_write_rows(nodes_path, NODE_COLUMNS, node_rows),
               _write_rows(edges_path, EDGE_COLUMNS, edge_rows)]
    if evidence_path is not None and kg.has_evidence:
        written.append(_write_rows(evidence_path, EVIDENCE_CSV_COLUMNS,
                                   iter_evidence_rows(kg.statements())))
    return written


def _write_rows(path: str | Path, columns: list[str], rows: Any) -> Path:
    with _atomic(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        for row in rows:
            w.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return Path(path)


# --------------------------------------------------------------------------- styles
def cytoscape_style() -> list[dict[str, Any]]:
    """Cytoscape.js style (the layout Cytoscape's "Export Style" writes: a list of titled styles).

    Node colour by ``type``, label ``name``, size by ``article_count``; edge colour and arrow
    by ``sign`` (green/arrow = raises, orange/tee = lowers), width by ``evidence_count``,
    dashed when ``contradicted``, opacity by ``belief``.
    """
    css: list[dict[str, Any]] = [
        {"selector": "node", "css": {
            "label": "data(name)", "background-color": DEFAULT_NODE_COLOUR, "font-size": 10,
            "text-valign": "center", "text-halign": "center", "color": "#212121",
            "width": "mapData(article_count,1,100,20,70)",
            "height": "mapData(article_count,1,100,20,70)"}},
    ]
    css += [{"selector": f"node[type = '{t}']", "css": {"background-color": TYPE_COLOURS[t]}}
            for t in ENTITY_TYPES]
    css += [
        {"selector": "edge", "css": {
            "width": "mapData(evidence_count,1,50,1,10)", "line-color": DEFAULT_EDGE_COLOUR,
            "target-arrow-color": DEFAULT_EDGE_COLOUR, "target-arrow-shape": "triangle",
            "curve-style": "bezier", "opacity": "mapData(belief,0,1,0.35,1)"}},
        {"selector": "edge[sign > 0]", "css": {"line-color": SIGN_COLOURS[1],
                                               "target-arrow-color": SIGN_COLOURS[1],
                                               "target-arrow-shape": "triangle"}},
        {"selector": "edge[sign < 0]", "css": {"line-color": SIGN_COLOURS[-1],
                                               "target-arrow-color": SIGN_COLOURS[-1],
                                               "target-arrow-shape": "tee"}},
        {"selector": "edge[?contradicted]", "css": {"line-style": "dashed"}},
        {"selector": ":selected", "css": {"overlay-color": "#FFEB3B", "overlay-opacity": 0.4}},
    ]
    return [{"format_version": "1.0", "generated_by": "mscgraph",
             "target_cytoscapejs_version": "~3.2", "title": "mscgraph", "style": css}]


def cytoscape_vizmap_xml() -> str:
    """The same style as a Cytoscape desktop ``vizmap`` XML (File > Import > Styles from File)."""
    def vp(parent: ET.Element, name: str, default: str) -> ET.Element:
        return ET.SubElement(parent, "visualProperty", {"name": name, "default": default})

    def discrete(prop: ET.Element, attr: str, atype: str, entries: Mapping[str, str]) -> None:
        m = ET.SubElement(prop, "discreteMapping", {"attributeType": atype,
                                                    "attributeName": attr})
        for k, v in entries.items():
            ET.SubElement(m, "discreteMappingEntry", {"attributeValue": k, "value": v})

    def continuous(prop: ET.Element, attr: str, atype: str, points: Sequence[tuple]) -> None:
        m = ET.SubElement(prop, "continuousMapping", {"attributeType": atype,
                                                      "attributeName": attr})
        for x, y in points:
            ET.SubElement(m, "continuousMappingPoint", {"attrValue": str(x), "equalValue": str(y),
                                                        "greaterValue": str(y),
                                                        "lesserValue": str(y)})

    root = ET.Element("vizmap", {"id": "mscgraph", "documentVersion": "3.1"})
    style = ET.SubElement(root, "visualStyle", {"name": "mscgraph"})
    net = ET.SubElement(style, "network")
    vp(net, "NETWORK_BACKGROUND_PAINT", "#FFFFFF")
    node = ET.SubElement(style, "node")
    ET.SubElement(node, "dependency", {"name": "nodeSizeLocked", "value": "true"})
    discrete(vp(node, "NODE_FILL_COLOR", DEFAULT_NODE_COLOUR), "type", "string", TYPE_COLOURS)
    ET.SubElement(vp(node, "NODE_LABEL", ""), "passthroughMapping",
                  {"attributeType": "string", "attributeName": "name"})
    vp(node, "NODE_SHAPE", "ELLIPSE")
    vp(node, "NODE_LABEL_FONT_SIZE", "10")
    continuous(vp(node, "NODE_SIZE", "30.0"), "article_count", "integer",
               [(1.0, 20.0), (100.0, 70.0)])
    edge = ET.SubElement(style, "edge")
    signs = {"1": SIGN_COLOURS[1], "-1": SIGN_COLOURS[-1]}
    discrete(vp(edge, "EDGE_STROKE_UNSELECTED_PAINT", DEFAULT_EDGE_COLOUR), "sign", "integer",
             signs)
    discrete(vp(edge, "EDGE_TARGET_ARROW_UNSELECTED_PAINT", DEFAULT_EDGE_COLOUR), "sign",
             "integer", signs)
    discrete(vp(edge, "EDGE_TARGET_ARROW_SHAPE", "DELTA"), "sign", "integer",
             {"1": "DELTA", "-1": "T"})
    discrete(vp(edge, "EDGE_LINE_TYPE", "SOLID"), "contradicted", "boolean",
             {"true": "EQUAL_DASH", "false": "SOLID"})
    continuous(vp(edge, "EDGE_WIDTH", "2.0"), "evidence_count", "integer",
               [(1.0, 1.0), (50.0, 10.0)])
    continuous(vp(edge, "EDGE_TRANSPARENCY", "255"), "belief", "float",
               [(0.0, 90.0), (1.0, 255.0)])
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


# --------------------------------------------------------------------------- all at once
@contextmanager
def _atomic(path: str | Path, mode: str = "wb", **kw: Any) -> Iterator[IO[Any]]:
    """Write to a temporary file next to ``path`` and move it into place on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with open(fd, mode, **({"encoding": "utf-8"} if "b" not in mode else {}), **kw) as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_exports(kg: KnowledgeGraph, out_dir: str | Path, *,
                  date: _dt.date | str | None = None, formats: Sequence[str] = FORMATS,
                  include_evidence: bool = False) -> dict[str, Path]:
    """Write dated exports ``mscgraph_YYYY-MM-DD.*`` plus ``mscgraph_latest.*`` copies.

    Parameters
    ----------
    formats : subset of ``("graphml", "cyjs", "csv")``
        ``csv`` writes ``_nodes.csv``, ``_edges.csv`` and (with evidence) ``_evidence.csv``.
    include_evidence : bool
        Put evidence records into the ``.cyjs`` (bigger file; ``from_cyjs`` gets evidence).

    Returns
    -------
    dict
        Label -> path, e.g. ``{"graphml": ..., "graphml_latest": ..., "style_json": ...}``.
    """
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise PipelineError(f"unknown export format(s) {sorted(unknown)}; choose from {FORMATS}")
    day = date if isinstance(date, str) else (date or _dt.datetime.now(_dt.timezone.utc).date()
                                              ).isoformat()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
        raise PipelineError(f"export date must be YYYY-MM-DD, got {day!r}")
    out = Path(out_dir)
    stem = out / f"mscgraph_{day}"
    written: dict[str, Path] = {}
    if "graphml" in formats:
        written["graphml"] = write_graphml(kg, f"{stem}.graphml", date=day)
    if "cyjs" in formats:
        written["cyjs"] = write_cyjs(kg, f"{stem}.cyjs", include_evidence=include_evidence,
                                     date=day)
    if "csv" in formats:
        paths = write_csv(kg, f"{stem}_nodes.csv", f"{stem}_edges.csv",
                          f"{stem}_evidence.csv")
        for label, p in zip(("nodes_csv", "edges_csv", "evidence_csv"), paths):
            written[label] = p
    for label, p in list(written.items()):
        latest = out / p.name.replace(f"mscgraph_{day}", "mscgraph_latest")
        with _atomic(latest) as fh, open(p, "rb") as src:
            shutil.copyfileobj(src, fh)
        written[f"{label}_latest"] = latest
    if {"graphml", "cyjs"} & set(formats):
        with _atomic(out / "mscgraph_style.json", "w") as fh:
            json.dump(cytoscape_style(), fh, indent=1)
            fh.write("\n")
        written["style_json"] = out / "mscgraph_style.json"
        with _atomic(out / "mscgraph_style.xml", "w") as fh:
            fh.write(cytoscape_vizmap_xml())
        written["style_xml"] = out / "mscgraph_style.xml"
    for label, p in written.items():
        log.info("wrote %s: %s", label, p)
    return written
