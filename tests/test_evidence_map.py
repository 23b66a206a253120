"""The disease x mechanism evidence map on the hand-written corpus of test_assembly."""
from __future__ import annotations

import pandas as pd
import pytest

from pipeline.errors import PipelineError
from pipeline.graph import KnowledgeGraph
from pipeline.graph.evidence_map import EVIDENCE_MAP_COLUMNS, evidence_heatmap, evidence_map

from test_assembly import corpus, doc


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.from_extractions(corpus())


def test_cells_count_articles_direction_and_best_design(kg: KnowledgeGraph) -> None:
    em = evidence_map(kg)
    assert list(em.columns) == EVIDENCE_MAP_COLUMNS
    rows = {(r.disease, r.mechanism): r for r in em.itertuples()}
    # the intervention is no mechanism; HGF's article (103) names no disease
    assert set(rows) == {("liver fibrosis", "TGF-β1"),
                         ("liver fibrosis", "hepatic stellate cell activation")}
    tgf = rows[("liver fibrosis", "TGF-β1")]
    assert (tgf.articles, tgf.up, tgf.down, tgf.net_direction) == (2, 0, 2, -1.0)
    assert tgf.best_study_type == "rct" and tgf.pmids == "101|102"
    hsc = rows[("liver fibrosis", "hepatic stellate cell activation")]
    assert (hsc.articles, hsc.net_direction, hsc.best_study_type) == (1, 1.0, "animal_model")
    assert 0 < hsc.belief < tgf.belief < 1
    assert em.iloc[0]["mechanism"] == "TGF-β1"  # most articles first


def test_mixed_directions_and_negation() -> None:
    items = corpus() + [
        doc("201", 2021, "animal_model", ("mouse",), [
            ("msc", "MSCs", "INCREASES", "tgf", "TGF-β1", "MSCs raised TGF-β1 in fibrosis.")],
            extra=(("fib", "liver fibrosis"),)),
        doc("202", 2022, "animal_model", ("mouse",), [
            ("msc", "MSCs", "INCREASES", "tgf", "TGF-β1", "MSCs did not raise TGF-β1.", "neg")],
            extra=(("fib", "fibrosis"),))]
    em = evidence_map(KnowledgeGraph.from_extractions(items))
    tgf = em[(em.disease == "liver fibrosis") & (em.mechanism == "TGF-β1")].iloc[0]
    assert (tgf.articles, tgf.up, tgf.down) == (4, 1, 2)  # the negated article casts no vote
    assert tgf.net_direction == pytest.approx(-1 / 3, abs=1e-3)


def test_options_and_errors(kg: KnowledgeGraph) -> None:
    with_msc = evidence_map(kg, exclude=())
    assert "mesenchymal stem cell" in set(with_msc.mechanism)
    assert set(evidence_map(kg, types={"PROCESS"}).mechanism) == {
        "hepatic stellate cell activation"}
    assert evidence_map(kg, min_articles=2).shape[0] == 1
    bare = KnowledgeGraph.from_networkx(kg.to_networkx())
    with pytest.raises(PipelineError, match="from_store"):
        evidence_map(bare)


def test_heatmap_png(tmp_path, kg: KnowledgeGraph) -> None:
    out = tmp_path / "map.png"
    evidence_heatmap(evidence_map(kg), out, title="test")
    assert out.read_bytes()[:4] == b"\x89PNG"
    empty = tmp_path / "empty.png"
    evidence_heatmap(pd.DataFrame(columns=EVIDENCE_MAP_COLUMNS), empty)
    assert empty.read_bytes()[:4] == b"\x89PNG"
