"""KnowledgeGraph: aggregation, contradictions, paths and signs, resolver, filters, updates."""
from __future__ import annotations

import pytest

from pipeline.errors import PipelineError
from pipeline.graph import (EVIDENCE_COLUMNS, AmbiguousConceptError, GraphFilter,
                            KnowledgeGraph, UnknownConceptError)
from pipeline.model import Concept, Evidence, Statement

from test_assembly import corpus, doc

MSC, TGF, HSCA, FIB = "CL:0000134", "HGNC:11766", "GO:0035733", "MESH:D008103"
HCC, HGF = "MESH:D006528", "HGNC:4893"


def graph_state(kg: KnowledgeGraph) -> tuple[list, list]:
    """Everything observable about a graph, in order (for equality checks)."""
    g = kg.to_networkx()
    return (list(g.nodes(data=True)), list(g.edges(keys=True, data=True)))


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.from_extractions(corpus())


def test_edge_aggregates(kg):
    d = kg.to_networkx().edges[MSC, TGF, "DECREASES"]
    assert (d["evidence_count"], d["article_count"], d["pmids"]) == (3, 3, ["101", "102", "106"])
    assert (d["first_year"], d["last_year"]) == (2012, 2020)
    assert (d["negated_count"], d["hedged_count"], d["negated_pmids"]) == (1, 1, ["106"])
    assert d["species"] == {"human": 2, "mouse": 1}
    assert d["study_types"] == {"animal_model": 1, "clinical_study": 1, "rct": 1}
    assert d["interaction"] == "DECREASES" and d["sign"] == -1 and 0 < d["belief"] < 1


def test_node_attributes(kg):
    n = kg.to_networkx().nodes[FIB]
    assert n["name"] == "liver fibrosis" and n["type"] == "DISEASE"
    assert (n["mention_count"], n["article_count"]) == (3, 2)
    assert n["synonyms"] == ["fibrosis", "liver fibrosis"]


def test_belief_lower_with_negation_in_graph(kg):
    g = kg.to_networkx()
    plain = KnowledgeGraph.from_extractions(c for c in corpus() if c[0].pmid != "106")
    assert g.edges[MSC, TGF, "DECREASES"]["belief"] < \
        plain.to_networkx().edges[MSC, TGF, "DECREASES"]["belief"]


def test_contradictions_flagged_and_listed(kg):
    g = kg.to_networkx()
    assert g.edges[MSC, HCC, "INCREASES"]["contradiction"] == "polarity"
    assert g.edges[MSC, HCC, "DECREASES"]["contradicted"] is True
    assert g.edges[MSC, TGF, "DECREASES"]["contradiction"] == "negation"
    assert g.edges[MSC, HGF, "SECRETES"]["contradicted"] is False
    table = kg.contradictions()
    assert list(table["kind"]) == ["negation", "polarity"]
    pol = table[table.kind == "polarity"].iloc[0]
    assert (pol.pmids_for, pol.pmids_against) == ("104", "105")
    assert table[table.kind == "negation"].iloc[0].pmids_against == "106"


def test_signed_paths_ranked(kg):
    paths = kg.paths("MSCs", "liver fibrosis", max_length=4)
    texts = [str(p) for p in paths]
    assert texts[0] == "mesenchymal stem cell -[TREATS]-| liver fibrosis"
    chain = ("mesenchymal stem cell -[DECREASES]-| TGF-β1 -[INCREASES]-> hepatic stellate cell "
             "activation -[INCREASES]-> liver fibrosis")
    assert chain in texts
    via_hgf = paths[texts.index("mesenchymal stem cell -[SECRETES]-> HGF -[DECREASES]-| "
                                "hepatic stellate cell activation -[INCREASES]-> liver fibrosis")]
    assert all(p.net_effect == "decreases" for p in paths) and via_hgf.sign == -1
    assert [p.score for p in paths] == sorted((p.score for p in paths), reverse=True)
    assert paths[texts.index(chain)].to_dict()["length"] == 3
    assert [str(p) for p in kg.paths(MSC, FIB, max_length=1)] == [texts[0]]
    assert kg.paths(MSC, FIB, predicates=["SECRETES"]) == []
    assert kg.paths(FIB, MSC) == []


def test_negated_only_edges_are_not_walked():
    a = doc("1", 2020, "rct", (), [("msc", "MSCs", "DECREASES", "tgf", "TGF-β1", "no.", "neg")])
    assert KnowledgeGraph.from_extractions([a]).paths(MSC, TGF) == []


def test_resolver(kg):
    assert kg.resolve("cl:0000134") == MSC
    assert kg.resolve("Liver Fibrosis") == FIB
    assert kg.resolve("hepatoma") == HCC
    with pytest.raises(UnknownConceptError, match="did you mean"):
        kg.resolve("liver fibrosiss")
    twins = KnowledgeGraph.from_statements([Statement(
        Concept("X:1", "HSC", "CELL_TYPE"), "INCREASES", Concept("X:2", "HSC", "CELL_TYPE"),
        [Evidence("1", "s")])])
    with pytest.raises(AmbiguousConceptError, match=r"X:1 \(HSC, CELL_TYPE\), X:2"):
        twins.resolve("hsc")


def test_dataframes(kg):
    ents = kg.entities("DISEASE")
    assert list(ents.columns) == ["id", "name", "type", "mention_count", "article_count",
                                  "degree", "synonyms"]
    assert set(ents["id"]) == {FIB, HCC, "MESH:D017114"}
    nb = kg.neighbours("MSCs", predicate="decreases")
    assert set(nb["neighbour"]) == {TGF, HCC, "LOCAL:alt"} and set(nb["direction"]) == {"out"}
    assert set(kg.neighbours("HCC")["direction"]) == {"in"}     # both directions by default
    assert set(kg.neighbours("HSC activation", direction="in")["neighbour"]) == {TGF, HGF}
    with pytest.raises(ValueError):
        kg.neighbours(MSC, direction="sideways")
    evid = kg.evidence("MSCs", "TGF-β1", "DECREASES")
    assert list(evid.columns) == ["subject", "object", "predicate"] + EVIDENCE_COLUMNS
    assert list(evid["pmid"]) == ["101", "102", "106"] and list(evid["negated"]) == [0, 0, 1]


def test_filters(kg):
    assert kg.subgraph(types={"CELL_TYPE", "CYTOKINE"}).summary()["statements"] == 2
    assert {d["predicate"] for *_x, d in kg.subgraph(min_evidence=2).edges()} == {"DECREASES"}
    strong = kg.subgraph(min_belief=0.8)
    assert all(d["belief"] >= 0.8 for *_x, d in strong.edges())
    early = kg.subgraph(years=(2010, 2013))
    assert {e for *_x, d in early.edges() for e in d["pmids"]} == {"101", "107"}
    assert {d["evidence_count"] for u, v, d in early.edges() if (u, v) == (MSC, TGF)} == {1}
    human = kg.subgraph(species={"human"})
    assert {p for *_x, d in human.edges() for p in d["pmids"]} == {"102", "106"}
    rct = kg.subgraph(GraphFilter(study_types=frozenset({"rct"})))
    assert rct.summary()["articles"] == 1
    alf = kg.subgraph(disease="ALF")
    assert [(u, d["predicate"], v) for u, v, d in alf.edges()] == [(MSC, "DECREASES", "LOCAL:alt")]
    assert kg.subgraph().summary() == kg.summary()


def test_incremental_update_equals_rebuild():
    items = corpus()
    reextracted = doc("104", 2016, "animal_model", ("mouse",), [
        ("msc", "MSCs", "SECRETES", "tgf", "TGF-β1", "Re-read: MSCs released TGF-β1.")])
    kg = KnowledgeGraph.from_extractions(items[:3])
    assert kg.update(items[3:]) == 4
    kg.update([reextracted])
    full = KnowledgeGraph.from_extractions(items[:3] + items[4:] + [reextracted])
    assert graph_state(kg) == graph_state(full)
    assert [s.to_json() for s in kg.statements()] == [s.to_json() for s in full.statements()]
    kg.remove_articles(["107"])
    assert graph_state(kg) == graph_state(KnowledgeGraph.from_extractions(
        items[:3] + items[4:6] + [reextracted]))


def test_networkx_view_is_one_cached_frozen_copy_replaced_on_update():
    import pickle

    import networkx as nx
    items = corpus()
    kg = KnowledgeGraph.from_extractions(items[:3])
    view = kg.to_networkx()
    assert kg.to_networkx() is view and nx.is_frozen(view)
    assert [(u, v, d) for u, v, _k, d in view.edges(keys=True, data=True)] == list(kg.edges())
    with pytest.raises(nx.NetworkXError):
        view.add_node("X")
    kg.update(items[3:])
    assert kg.to_networkx() is not view and graph_state(kg) == graph_state(
        KnowledgeGraph.from_extractions(items))
    assert graph_state(pickle.loads(pickle.dumps(kg))) == graph_state(kg)
    back = KnowledgeGraph.from_networkx(kg.to_networkx())
    assert graph_state(back) == graph_state(kg) and not back.has_evidence


def test_rebuild_is_deterministic():
    a = KnowledgeGraph.from_extractions(corpus())
    b = KnowledgeGraph.from_extractions(list(reversed(corpus())))
    assert graph_state(a) == graph_state(b)


def test_from_store_and_repr():
    class FakeStore:
        def iter_extractions(self):
            return iter(corpus())

    kg = KnowledgeGraph.from_store(FakeStore())
    assert repr(kg) == ("KnowledgeGraph(8 concepts, 9 statements, 11 evidence, 7 articles, "
                        "3 contradicted)")
    assert "<table>" in kg._repr_html_() and "contradicted" in kg._repr_html_()
    assert kg.summary()["years"] == (2010, 2020)


def test_views_refuse_updates(kg):
    with pytest.raises(PipelineError, match="incremental updates"):
        kg.subgraph(min_belief=0.1).update(corpus()[:1])


def test_from_real_store_matches_from_extractions(tmp_path):
    from pipeline.model import Article
    from pipeline.store import Store

    items = corpus()
    articles = [Article(a.pmid, f"Title {a.pmid}", "Abstract.", year=a.year) for a, _x in items]
    store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    try:
        store.upsert_articles((a, None) for a in articles)
        store.save_extractions(zip(articles, (x for _a, x in items)), "test-1")
        kg = KnowledgeGraph.from_store(store)
    finally:
        store.close()
    assert graph_state(kg) == graph_state(KnowledgeGraph.from_extractions(items))
