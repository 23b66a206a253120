"""Mediators, hierarchy roll-ups, contradictions across the hierarchy, checked filters.

The abstracts are written for this test (illustrative, not real articles); the real extractor
reads them and the graph is built from its output.
"""
from __future__ import annotations

import pytest

from pipeline.extract import get_extractor
from pipeline.graph import InvalidFilterError, KnowledgeGraph
from pipeline.model import Article

TEXTS = {
    "1": ("Umbilical cord MSCs attenuate liver fibrosis in mice",
          "In a mouse model of liver fibrosis, umbilical cord mesenchymal stem cells secreted "
          "HGF. HGF reduced liver fibrosis. Umbilical cord MSCs increased IL-10. IL-10 "
          "attenuated liver fibrosis."),
    "2": ("Bone marrow MSCs reduce hepatic fibrosis via TGF-β1 in rats",
          "In rats with liver fibrosis, bone marrow mesenchymal stem cells decreased TGF-β1. "
          "TGF-β1 promoted hepatic stellate cell activation. Hepatic stellate cell activation "
          "increased liver fibrosis."),
    "3": ("Adipose MSCs and MMP-9 in liver fibrosis of mice",
          "In mice with liver fibrosis, adipose-derived mesenchymal stem cells increased MMP-9. "
          "MMP-9 decreased liver fibrosis."),
    "4": ("MSCs in breast cancer",
          "In mice with breast cancer, mesenchymal stem cells secreted CXCL12. CXCL12 increased "
          "fibrosis in breast cancer."),
    "5": ("CXCL12 in liver fibrosis of mice",
          "In mice with liver fibrosis, CXCL12 increased liver fibrosis."),
}
MSC, UC_MSC, BM_MSC, AD_MSC = "CL:0000134", "CL:0002569", "CL:0002540", "CL:0002570"


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    ex = get_extractor()
    arts = [Article(pmid=p, title=t, abstract=a, year=2020) for p, (t, a) in TEXTS.items()]
    return KnowledgeGraph.from_extractions(ex.extract_articles(arts))


def test_hierarchy_links_msc_subtypes(kg):
    assert {UC_MSC, BM_MSC, AD_MSC} <= set(kg.narrower(MSC)["concept"])
    assert list(kg.broader(UC_MSC)["concept"]) == [MSC]
    assert "Liver Neoplasms" in set(kg.broader("MESH:D006528")["name"])     # HCC


def test_mediators_of_msc_on_liver_fibrosis(kg):
    table = kg.mediators("MSCs", "liver fibrosis")
    assert list(table.columns) == ["mediator", "concept", "type", "net_effect", "paths",
                                   "articles", "score"]
    effect = dict(zip(table["mediator"], table["net_effect"]))
    assert effect == {"HGF": -1, "IL10": -1, "MMP9": -1, "TGFB1": 1, "HSC activation": 1}
    assert list(table["score"]) == sorted(table["score"], reverse=True)
    assert "DISEASE" not in set(table["type"])
    hgf = table[table.mediator == "HGF"].iloc[0]["paths"][0]
    assert hgf.articles == ("1",) and "PMID 1: " in hgf.explain()
    assert "-[SECRETES]->" in str(hgf)


def test_unrelated_article_chain_is_not_a_mediator(kg):
    assert "CXCL12" not in set(kg.mediators("MSCs", "liver fibrosis")["mediator"])
    loose = kg.mediators("MSCs", "liver fibrosis", same_context=False)
    row = loose[loose.mediator == "CXCL12"].iloc[0]
    assert row["score"] < loose["score"].max()          # penalized across contexts
    assert all("CXCL12" not in str(p) for p in kg.paths("MSCs", "liver fibrosis"))


def test_include_narrower_rolls_up_subtypes(kg):
    assert set(kg.evidence("MSCs", "liver fibrosis")["subject"]) >= {
        "mesenchymal stem cell of umbilical cord", "mesenchymal stem cell of the bone marrow"}
    assert kg.evidence(MSC, "liver fibrosis", include_narrower=False).empty


def test_invalid_filter_values_raise(kg):
    with pytest.raises(InvalidFilterError, match="unknown predicate 'CAUSES'"):
        kg.neighbours("MSCs", predicate="causes")
    with pytest.raises(InvalidFilterError, match="unknown species 'martian'"):
        kg.subgraph(species={"martian"})
    with pytest.raises(InvalidFilterError, match="unknown entity type"):
        kg.subgraph(types={"GENE"})
    with pytest.raises(InvalidFilterError, match="reversed"):
        kg.subgraph(years=(2020, 2010))
    assert len(kg.subgraph(species={"Mouse"}).statements()) > 0


def test_contradictions_across_the_hierarchy():
    from pipeline.model import Concept, Evidence, Statement
    msc, uc = Concept(MSC, "MSC", "CELL_TYPE"), Concept(UC_MSC, "UC-MSC", "CELL_TYPE")
    hcc = Concept("MESH:D006528", "HCC", "DISEASE")
    liv = Concept("MESH:D008113", "Liver Neoplasms", "DISEASE")
    kg = KnowledgeGraph.from_statements([
        Statement(uc, "INCREASES", hcc, [Evidence("1", "UC-MSCs promoted HCC.",
                                                  species=("mouse",))]),
        Statement(msc, "DECREASES", liv, [Evidence("2", "MSCs inhibited liver tumours.",
                                                   study_type="in_vitro"),
                                          Evidence("2", "MSCs did not inhibit liver tumours.",
                                                   negated=True)]),
        Statement(msc, "INCREASES", liv, [Evidence("2", "MSCs promoted tumour growth.")])])
    t = kg.contradictions()
    pol = t[t.kind == "polarity"]
    assert list(zip(pol.subject, pol.object, pol.pmids_for, pol.pmids_against)) == [
        ("MSC", "Liver Neoplasms", "1", "2")]            # the same-article pair is not flagged
    assert pol.iloc[0]["species_for"] == "mouse" and "in_vitro" in pol.iloc[0]["study_types_against"]
    assert list(t[t.kind == "negation"]["statement_against"]) == ["MSC NOT DECREASES Liver Neoplasms"]
