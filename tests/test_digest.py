"""What's new since the last export, the digest file and the evidence-map files (report)."""
from __future__ import annotations

import csv

from pipeline import report
from pipeline.exports import write_exports
from pipeline.graph import KnowledgeGraph

from test_assembly import corpus


def _graphs(tmp_path):
    """Yesterday's export (without articles 102 and 105) read back, and today's graph."""
    yesterday = KnowledgeGraph.from_extractions(
        [(a, x) for a, x in corpus() if a.pmid not in ("102", "105")])
    write_exports(yesterday, tmp_path, date="2026-01-01")
    return report.previous_edges(tmp_path), KnowledgeGraph.from_extractions(corpus())


def _keyed(items):
    return {(i["subject"], i["predicate"], i["object"]): i for i in items}


def test_whats_new_lists_new_changed_and_contradicted_edges(tmp_path) -> None:
    before, kg = _graphs(tmp_path)
    new = report.whats_new(before, kg)
    added = _keyed(new["new"])
    assert set(added) == {("mesenchymal stem cell", "TREATS", "liver fibrosis"),
                          ("mesenchymal stem cell", "DECREASES", "hepatocellular carcinoma")}
    hcc = added[("mesenchymal stem cell", "DECREASES", "hepatocellular carcinoma")]
    assert hcc["new_pmids"] == ["105"] and hcc["old_belief"] is None
    assert [s["sentence"] for s in hcc["sentences"]] == ["MSCs shrank hepatoma nodules."]
    changed = _keyed(new["belief_changed"])
    tgf = changed[("mesenchymal stem cell", "DECREASES", "TGF-β1")]
    assert tgf["new_pmids"] == ["102"] and tgf["belief"] - tgf["old_belief"] >= 0.1
    assert tgf["sentences"] == [{"pmid": "102", "sentence": "MSCs may reduce circulating TGF-β1.",
                                 "negated": False, "hedged": True}]
    assert set(changed) == {("mesenchymal stem cell", "DECREASES", "TGF-β1")}
    contra = _keyed(new["new_contradictions"])
    assert set(contra) == {("mesenchymal stem cell", p, "hepatocellular carcinoma")
                           for p in ("INCREASES", "DECREASES")}
    assert contra[("mesenchymal stem cell", "INCREASES", "hepatocellular carcinoma")][
        "contradiction"] == "polarity"


def test_nothing_new_against_the_same_graph_and_everything_without_one(tmp_path) -> None:
    kg = KnowledgeGraph.from_extractions(corpus())
    write_exports(kg, tmp_path, date="2026-01-01")
    same = report.whats_new(report.previous_edges(tmp_path), kg)
    assert same == {"new": [], "belief_changed": [], "new_contradictions": []}
    first = report.whats_new(None, kg)
    assert len(first["new"]) == len(list(kg.edges()))


def test_digest_file_and_summary_artifact(tmp_path) -> None:
    before, kg = _graphs(tmp_path)
    path, text = report.write_digest(before, kg, tmp_path, date="2026-01-02",
                                     since=report.previous_export_label(tmp_path))
    assert path == tmp_path / "mscgraph_digest_2026-01-02.md"
    assert path.read_text(encoding="utf-8") == text
    assert text.startswith("# mscgraph: what's new on 2026-01-02")
    assert "mscgraph_latest.graphml" in text
    assert "## New mechanisms" in text and "## New contradictions" in text
    assert "PMID 102 [hedged]: MSCs may reduce circulating TGF-β1." in text
    assert "belief 0.38 -> 0.62" in text
    summary = report.new_summary(digest=text)
    md = report.summary_markdown(summary)
    assert "## mscgraph: what's new on 2026-01-02" in md and "### New mechanisms" in md


def test_write_evidence_map_dated_and_latest(tmp_path) -> None:
    kg = KnowledgeGraph.from_extractions(corpus())
    written = report.write_evidence_map(kg, tmp_path, date="2026-01-02")
    assert {p.name for p in written.values()} == {
        "mscgraph_evidence_map_2026-01-02.csv", "mscgraph_evidence_map_2026-01-02.png",
        "mscgraph_evidence_map_latest.csv", "mscgraph_evidence_map_latest.png"}
    with written["evidence_map_csv_latest"].open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["disease"] == "liver fibrosis" and rows[0]["mechanism"] == "TGF-β1"
    assert written["evidence_map_png"].read_bytes()[:4] == b"\x89PNG"
