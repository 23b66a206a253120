"""Exports: GraphML (schema, round trip, scalars only), Cytoscape.js JSON, CSV, styles, CLI."""
from __future__ import annotations

import copy
import csv
import json
import re
from pathlib import Path

import networkx as nx
import pytest
from lxml import etree

from pipeline.cli import main
from pipeline.errors import ParseError
from pipeline.exports import (ExportError, PREDICATE_STYLES, STYLE_PATH, cyjs_data, cyjs_graph,
                              cytoscape_style, cytoscape_vizmap_xml, graphml_string,
                              read_cyjs, read_graphml, write_cyjs, write_exports, write_graphml)
from pipeline.graph import KnowledgeGraph
from pipeline.model import PREDICATES, Concept, Evidence, Statement

from test_assembly import corpus, doc
from test_graph import graph_state

XSD = Path(__file__).parent / "fixtures" / "graphml" / "graphml_minimal.xsd"


def graphml_state(kg: KnowledgeGraph) -> tuple[list, list]:
    """What a GraphML round trip must preserve: all, except '|' inside list items becomes '/'."""
    nodes, edges = graph_state(kg)
    return [(n, {**d, "synonyms": [s.replace("|", "/") for s in d["synonyms"]]})
            for n, d in nodes], edges


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    odd = doc("108", None, "unknown", (), [
        ("msc", "MSCs", "INCREASES", "alt", "ALT (U/L) | serum", "Odd text, no year.")])
    return KnowledgeGraph.from_extractions(corpus() + [odd])


def test_graphml_valid_against_schema_and_scalar_only(kg, tmp_path):
    path = write_graphml(kg, tmp_path / "g.graphml", date="2024-01-31")
    schema = etree.XMLSchema(etree.parse(str(XSD), _safe_parser()))
    doc_ = etree.parse(str(path), _safe_parser())
    schema.assertValid(doc_)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    types = {k.get("attr.name"): k.get("attr.type") for k in doc_.findall("g:key", ns)
             if k.get("for") == "edge"}
    assert types["belief"] == "double" and types["evidence_count"] == "int"
    assert types["contradicted"] == "boolean" and types["pmids"] == "string"
    assert set(types.values()) <= {"string", "int", "double", "boolean"}
    text = path.read_text(encoding="utf-8")
    assert ">None<" not in text and "['" not in text and "{'" not in text
    node_keys = {k.get("attr.name") for k in doc_.findall("g:key", ns) if k.get("for") == "node"}
    assert {"name", "type", "concept_id"} <= node_keys
    assert "interaction" in types and "type" not in types  # entity type is a node attribute


def without_isolated(state: tuple[list, list]) -> tuple[list, list]:
    """A graph state minus the nodes no edge touches (what the exports keep by default)."""
    nodes, edges = state
    ends = {x for u, v, *_rest in edges for x in (u, v)}
    return [(n, d) for n, d in nodes if n in ends], edges


def test_graphml_readable_by_networkx_and_round_trips(kg, tmp_path):
    path = write_graphml(kg, tmp_path / "g.graphml", keep_isolated=True)
    g = nx.read_graphml(path, force_multigraph=True)
    assert g.number_of_nodes() == kg.to_networkx().number_of_nodes()
    assert g.nodes["CL:0000134"]["name"] == "mesenchymal stem cell"
    e = g.edges["CL:0000134", "HGNC:11766", "CL:0000134.DECREASES.HGNC:11766"]
    assert e["interaction"] == "DECREASES" and e["pmids"] == "101|102|106"
    assert isinstance(e["belief"], float) and isinstance(e["evidence_count"], int)
    back = read_graphml(path)
    assert graph_state(back) != graph_state(kg)  # the '|' in one synonym
    assert graph_state(back) == graphml_state(kg)
    assert not back.has_evidence and back.statements()[0].evidence == []
    default = read_graphml(write_graphml(kg, tmp_path / "d.graphml"))
    assert graph_state(default) == without_isolated(graphml_state(kg))
    assert "MESH:D017114" in kg.to_networkx() and "MESH:D017114" not in default.to_networkx()


def test_graphml_label_weight_and_unique_edge_names_for_gephi(kg, tmp_path):
    g = nx.read_graphml(write_graphml(kg, tmp_path / "g.graphml"), force_multigraph=True)
    assert all(d["label"] == d["name"] for _n, d in g.nodes(data=True))
    names = [d["name"] for *_x, d in g.edges(keys=True, data=True)]
    assert len(set(names)) == len(names)
    e = g.edges["CL:0000134", "HGNC:11766", "CL:0000134.DECREASES.HGNC:11766"]
    assert e["weight"] == e["evidence_count"] == 3
    assert e["name"] == "mesenchymal stem cell (DECREASES) TGF-β1"
    twins = KnowledgeGraph.from_statements([
        Statement(Concept(c, "same", "CYTOKINE"), "INCREASES", Concept("B", "b", "DISEASE"),
                  [Evidence("1", "s")]) for c in ("A1", "A2")])
    named = cyjs_data(twins)["elements"]["edges"]
    assert [e["data"]["name"] for e in named] == ["same (INCREASES) b", "same (INCREASES) b [2]"]


def test_export_files_respect_the_umask(kg, tmp_path):
    import os
    old = os.umask(0o022)
    try:
        paths = write_exports(kg, tmp_path, date="2024-01-01")
    finally:
        os.umask(old)
    assert {oct(p.stat().st_mode & 0o777) for p in paths.values()} == {oct(0o644)}


def test_exports_read_the_cached_view_without_copying_it(kg, tmp_path, monkeypatch):
    copies = []
    monkeypatch.setattr(nx.MultiDiGraph, "copy", lambda self, *a, **k: copies.append(1))
    write_exports(kg, tmp_path, date="2026-01-01", include_evidence=True)
    assert copies == []


def test_graphml_node_ids_are_xml_tokens(kg):
    text = graphml_string(kg)
    assert 'id="TEXT:' not in text  # every concept here is normalized
    weird = KnowledgeGraph.from_statements([Statement(
        Concept("TEXT:bone width", "bone width", "OUTCOME"), "INCREASES",
        Concept("TEXT:bone/width", "bone/width", "OUTCOME"), [Evidence("1", "s")])])
    ids = re.findall(r'<node id="([^"]+)"', graphml_string(weird))
    assert ids == ["TEXT:bone_width", "TEXT:bone_width_2"]
    assert graph_state(read_graphml_str(graphml_string(weird))) == graph_state(weird)


def read_graphml_str(text: str) -> KnowledgeGraph:
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "x.graphml"
        p.write_text(text, encoding="utf-8")
        return read_graphml(p)


def test_non_scalar_attribute_rejected_by_name():
    bad = KnowledgeGraph({}, [{"source": "A", "target": "B", "predicate": "INCREASES",
                               "belief": 0.5, "evidence_count": 1, "negated_count": 0,
                               "notes": {"x": {1, 2}}}])
    with pytest.raises(ExportError, match="attribute 'notes' of edge A INCREASES B"):
        graphml_string(bad)
    with pytest.raises(ExportError, match="'notes'"):
        cyjs_data(bad)


def test_graphml_reader_refuses_entities(tmp_path):
    p = tmp_path / "bomb.graphml"
    p.write_text('<?xml version="1.0"?><!DOCTYPE g [<!ENTITY a "aaaa">]>'
                 '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph '
                 'edgedefault="directed"><node id="&a;"/></graph></graphml>')
    with pytest.raises(ParseError, match="cannot read GraphML"):
        read_graphml(p)


def test_cyjs_round_trip_with_and_without_evidence(kg, tmp_path):
    data = cyjs_data(kg)
    snapshot = copy.deepcopy(data)
    assert set(data["elements"]) == {"nodes", "edges"}
    node = next(n["data"] for n in data["elements"]["nodes"] if n["data"]["id"] == "MESH:D008103")
    assert node["synonyms"] == ["fibrosis", "liver fibrosis"] and node["name"] == "liver fibrosis"
    edge = data["elements"]["edges"][0]["data"]
    assert {"id", "source", "target", "interaction", "belief", "evidence_count"} <= set(edge)
    assert all(v is not None for e in data["elements"]["edges"] for v in e["data"].values())
    back = cyjs_graph(json.loads(json.dumps(data)))
    assert data == snapshot  # reader does not mutate its input
    assert graph_state(back) == without_isolated(graph_state(kg)) and not back.has_evidence
    kept = cyjs_graph(cyjs_data(kg, keep_isolated=True))
    assert graph_state(kept) == graph_state(kg)
    path = write_cyjs(kg, tmp_path / "g.cyjs", include_evidence=True, keep_isolated=True)
    full = read_cyjs(path)
    assert full.has_evidence and graph_state(full) == graph_state(kg)
    assert [s.to_json() for s in full.statements()] == [s.to_json() for s in kg.statements()]
    assert list(full.evidence("MSCs", "TGF-β1")["pmid"]) == ["101", "102", "106"]
    with pytest.raises(ParseError):
        cyjs_graph({"nodes": []})


def test_write_exports_dated_latest_csv_and_styles(kg, tmp_path):
    paths = write_exports(kg, tmp_path / "out", date="2024-02-29")
    names = sorted(p.name for p in paths.values())
    assert names == sorted([
        "mscgraph_2024-02-29.graphml", "mscgraph_latest.graphml",
        "mscgraph_2024-02-29.cyjs", "mscgraph_latest.cyjs",
        "mscgraph_2024-02-29_nodes.csv", "mscgraph_latest_nodes.csv",
        "mscgraph_2024-02-29_edges.csv", "mscgraph_latest_edges.csv",
        "mscgraph_2024-02-29_evidence.csv", "mscgraph_latest_evidence.csv",
        "mscgraph_2024-02-29.html", "mscgraph_latest.html",
        "mscgraph_style.json", "mscgraph_style.xml"])
    assert paths["graphml"].read_bytes() == paths["graphml_latest"].read_bytes()
    with open(paths["edges_csv"], newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == kg.summary()["statements"]
    first = rows[0]
    assert first["interaction"] and first["source_name"] and "[" not in first["pmids"]
    assert any(r["first_year"] == "" for r in rows)  # missing year: empty cell, not "None"
    with open(paths["evidence_csv"], newline="", encoding="utf-8") as fh:
        assert sum(1 for _ in csv.DictReader(fh)) == kg.summary()["evidence"]
    with open(paths["nodes_csv"], newline="", encoding="utf-8") as fh:
        node_rows = list(csv.DictReader(fh))
    assert node_rows[0]["id"] == "CL:0000134"
    assert len(node_rows) == len(without_isolated(graph_state(kg))[0])
    only = write_exports(kg, tmp_path / "g", date="2024-03-01", formats=["graphml"])
    assert set(only) == {"graphml", "graphml_latest", "style_json", "style_xml"}
    with pytest.raises(Exception, match="unknown export format"):
        write_exports(kg, tmp_path, formats=["pdf"])


def test_style_file_is_committed_and_is_a_cytoscape_js_stylesheet():
    sheet = cytoscape_style()
    assert json.loads(STYLE_PATH.read_text(encoding="utf-8")) == sheet
    # Cytoscape.js takes a plain list of {selector, style} blocks (not the desktop layout)
    assert all(set(block) == {"selector", "style"} for block in sheet)
    style = {b["selector"]: b["style"] for b in sheet}
    assert style["node"]["label"] == "data(name)" and style["edge"]["label"] == "data(interaction)"
    treats = style["edge[interaction = 'TREATS']"]
    decreases = style["edge[interaction = 'DECREASES']"]
    assert treats["line-color"] != decreases["line-color"]
    assert treats["target-arrow-shape"] != decreases["target-arrow-shape"]
    assert set(PREDICATE_STYLES) == set(PREDICATES)
    assert len({s.colour for s in PREDICATE_STYLES.values()}) == len(PREDICATES)
    root = etree.fromstring(cytoscape_vizmap_xml().encode(), _safe_parser())
    props = {vp.get("name"): vp for vp in root.iter("visualProperty")}
    assert {"NODE_FILL_COLOR", "EDGE_STROKE_UNSELECTED_PAINT", "EDGE_WIDTH",
            "EDGE_LABEL"} <= set(props)
    colour_map = props["EDGE_STROKE_UNSELECTED_PAINT"].find("discreteMapping")
    assert colour_map.get("attributeName") == "interaction"
    assert {e.get("attributeValue") for e in colour_map} == set(PREDICATES)


def test_export_cli(tmp_path, monkeypatch, capsys):
    import pipeline.cli.export_cmd as cmd

    class FakeStore:
        closed = False

        def iter_extractions(self):
            return iter(corpus())

        def close(self):
            FakeStore.closed = True

    monkeypatch.setattr(cmd, "_open_store", lambda url: FakeStore())
    rc = main(["export", "--format", "graphml,csv", "--out", str(tmp_path), "--date",
               "2024-05-01", "--years", "2010-2016", "--species", "mouse,rat",
               "--database-url", "sqlite:///unused.sqlite"])
    out = capsys.readouterr().out
    assert rc == 0 and FakeStore.closed
    assert "mscgraph_2024-05-01.graphml" in out and "KnowledgeGraph(" in out
    back = read_graphml(tmp_path / "mscgraph_latest.graphml")
    assert {p for *_x, d in back.edges() for p in d["pmids"]} == {"101", "104", "107"}
    assert (tmp_path / "mscgraph_latest.html").exists() is False  # not in --format
    isolated = "MESH:D017114"  # acute liver failure: named, in no relation
    assert main(["export", "--out", str(tmp_path / "all"), "--date", "2024-05-01",
                 "--format", "graphml,html"]) == 0
    assert isolated not in read_graphml(tmp_path / "all" / "mscgraph_latest.graphml"
                                        ).to_networkx()
    assert (tmp_path / "all" / "mscgraph_latest.html").stat().st_size > 100_000
    assert main(["export", "--out", str(tmp_path / "kept"), "--format", "graphml",
                 "--keep-isolated"]) == 0
    assert isolated in read_graphml(tmp_path / "kept" / "mscgraph_latest.graphml").to_networkx()


def test_export_cli_rejects_bad_years(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--years", "20x0"])
    assert "--years takes YYYY-YYYY" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["export", "--years", "2020-2010"])
    assert "2020 is after 2010" in capsys.readouterr().err


def test_csv_cells_that_look_like_formulas_are_escaped(tmp_path):
    from pipeline.exports.csv import spreadsheet_safe
    kg = KnowledgeGraph.from_statements([Statement(
        Concept("A", "=cmd|' /C calc'!A0", "CELL_TYPE"), "TREATS", Concept("D", "d", "DISEASE"),
        [Evidence("7", "-1 fold @home", year=2020)])])
    paths = write_exports(kg, tmp_path, date="2024-01-01", formats=("csv",))
    nodes = list(csv.DictReader(paths["nodes_csv"].open(encoding="utf-8")))
    evidence = list(csv.DictReader(paths["evidence_csv"].open(encoding="utf-8")))
    assert {r["name"] for r in nodes} == {"'=cmd|' /C calc'!A0", "d"}
    assert evidence[0]["sentence"] == "'-1 fold @home" and evidence[0]["year"] == "2020"
    assert [spreadsheet_safe(v) for v in ("+1", "@x", "\tx", "\rx", "a=b", 3, None)] == \
        ["'+1", "'@x", "'\tx", "'\rx", "a=b", 3, ""]


def test_an_empty_graph_never_replaces_latest_exports_with_edges(kg, tmp_path):
    from pipeline.exports import EmptyExportError
    empty = KnowledgeGraph.from_statements([])
    write_exports(empty, tmp_path / "fresh", date="2024-01-01")   # nothing to lose: written
    write_exports(empty, tmp_path / "fresh", date="2024-01-02")
    write_exports(kg, tmp_path, date="2024-01-01")
    before = (tmp_path / "mscgraph_latest.cyjs").read_bytes()
    for formats in (("cyjs",), ("graphml",), ("csv",), ("html",)):
        with pytest.raises(EmptyExportError, match="--allow-empty"):
            write_exports(empty, tmp_path, date="2024-01-02", formats=formats)
    assert (tmp_path / "mscgraph_latest.cyjs").read_bytes() == before
    assert not list(tmp_path.glob("mscgraph_2024-01-02*"))
    write_exports(empty, tmp_path, date="2024-01-02", allow_empty=True)
    assert (tmp_path / "mscgraph_latest.cyjs").read_bytes() != before


def test_export_cli_refuses_empty_and_invalid_filters(tmp_path, monkeypatch, capsys):
    import pipeline.cli.export_cmd as cmd

    class Store:
        rows: list = list(corpus())

        def iter_extractions(self):
            return iter(Store.rows)

    opened = []
    monkeypatch.setattr(cmd, "_open_store", lambda url: opened.append(url) or Store())
    assert main(["export", "--out", str(tmp_path), "--format", "csv,cyjs"]) == 0
    Store.rows = []
    assert main(["export", "--out", str(tmp_path), "--format", "csv,cyjs"]) != 0
    assert "--allow-empty" in capsys.readouterr().err
    assert main(["export", "--out", str(tmp_path), "--format", "csv", "--allow-empty"]) == 0
    opened.clear()
    for flag, value, valid in (("--species", "humans", "human"), ("--types", "CYTOKINES",
                                                                  "CYTOKINE"),
                               ("--study-type", "rcts", "rct")):
        assert main(["export", "--out", str(tmp_path), flag, value]) != 0
        err = capsys.readouterr().err
        assert value.lower() in err.lower() and valid in err, err
    assert opened == []   # checked before the store is read


def test_a_failed_export_write_leaves_no_temporary_file(tmp_path):
    from pipeline.exports.files import atomic_write
    with pytest.raises(RuntimeError):
        with atomic_write(tmp_path / "x.csv", "w") as fh:
            fh.write("half")
            raise RuntimeError("disk full")
    with pytest.raises(ValueError):
        with atomic_write(tmp_path / "y.csv", "w", newline="bogus"):
            pass
    assert list(tmp_path.iterdir()) == []
