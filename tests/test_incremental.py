"""Incremental graph updates from the store equal a full rebuild (adds, re-extractions,
deletions), and the saved state is rebuilt when it is stale or unreadable."""
from __future__ import annotations

import pytest

from pipeline.graph import KnowledgeGraph
from pipeline.graph.state import STATE_FILE, load_graph
from pipeline.model import Article
from pipeline.store import Store

from test_assembly import corpus, doc
from test_graph import graph_state


def same(a: KnowledgeGraph, b: KnowledgeGraph) -> None:
    assert graph_state(a) == graph_state(b)
    assert [s.to_json() for s in a.statements()] == [s.to_json() for s in b.statements()]
    assert a.summary() == b.summary()


def save(store: Store, items) -> None:
    arts = [Article(a.pmid, f"Title {a.pmid}", "Abstract.", year=a.year)
            for a, x in items]
    store.upsert_articles((a, None) for a in arts)
    store.save_extractions(zip(arts, (x for _a, x in items)), "test-1")


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    yield s
    s.close()


def test_nights_equal_rebuilds(store, tmp_path):
    items = corpus()
    path = tmp_path / "exports" / STATE_FILE
    save(store, items[:3])
    first = load_graph(store, path)
    same(first, KnowledgeGraph.from_extractions(items[:3]))
    assert path.exists()
    save(store, items[3:])
    reread = doc("104", 2016, "animal_model", ("mouse",), [
        ("msc", "MSCs", "SECRETES", "tgf", "TGF-β1", "Re-read: MSCs released TGF-β1.")])
    save(store, [reread])
    store.delete_articles(["107"])
    night = load_graph(store, path)
    expected = items[:3] + [reread] + [i for i in items[4:] if i[0].pmid != "107"]
    same(night, KnowledgeGraph.from_store(store))
    same(night, KnowledgeGraph.from_extractions(expected))
    t = night.evidence("MSC", "TGF-β1")
    assert "Re-read: MSCs released TGF-β1." in set(t["sentence"])
    assert night.contradictions().equals(KnowledgeGraph.from_extractions(expected)
                                         .contradictions())
    unchanged = load_graph(store, path)
    same(unchanged, night)


def test_only_changed_articles_are_read(store, tmp_path, monkeypatch):
    from pipeline.graph.sources import StoreSource
    items = corpus()
    path = tmp_path / STATE_FILE
    save(store, items[:5])
    load_graph(store, path)
    read: list[list[str]] = []
    real = StoreSource.extractions

    def spy(self, pmids=None):
        read.append(sorted(pmids) if pmids is not None else ["*"])
        return real(self, pmids)

    monkeypatch.setattr(StoreSource, "extractions", spy)
    save(store, items[5:])
    load_graph(store, path)
    assert read == [sorted(a.pmid for a, _x in items[5:])]


def test_stale_or_broken_state_rebuilds(store, tmp_path, monkeypatch):
    import pipeline.graph.state as state
    items = corpus()
    save(store, items)
    path = tmp_path / STATE_FILE
    path.write_bytes(b"not a pickle")
    same(load_graph(store, path), KnowledgeGraph.from_extractions(items))
    assert state.read_state(path) is not None
    monkeypatch.setattr(state, "AGGREGATE_VERSION", state.AGGREGATE_VERSION + 1)
    assert state.read_state(path) is None
    same(load_graph(store, path), KnowledgeGraph.from_extractions(items))


def test_views_read_evidence_through_the_store(store):
    items = corpus()
    save(store, items)
    kg = KnowledgeGraph.from_store(store)
    assert kg.aggregate is not None and kg.has_evidence
    full = KnowledgeGraph.from_extractions(items)
    strong = kg.subgraph(min_belief=0.5)
    assert [s.to_json() for s in strong.statements()] == \
        [s.to_json() for s in full.subgraph(min_belief=0.5).statements()]
    human = kg.subgraph(species={"human"})
    assert graph_state(human) == graph_state(full.subgraph(species={"human"}))


def test_whole_graph_evidence_is_read_once_per_update(store, monkeypatch):
    from pipeline.graph.sources import StoreSource
    items = corpus()
    save(store, items[:4])
    kg = KnowledgeGraph.from_store(store)
    reads: list[object] = []
    real = StoreSource.extractions
    monkeypatch.setattr(StoreSource, "extractions",
                        lambda self, pmids=None: reads.append(pmids) or real(self, pmids))
    first = [s.to_json() for s in kg.statements()]
    assert [s.to_json() for s in kg.statements()] == first and len(reads) == 1
    save(store, items[4:])
    kg.update(items[4:])
    same(kg, KnowledgeGraph.from_extractions(items))
    assert len(reads) == 2


def test_digest_from_the_saved_state_equals_the_graphml_fallback(store, tmp_path):
    from pipeline import report
    from pipeline.exports import write_exports
    from pipeline.graph.state import update_graph

    items = corpus()
    out = tmp_path / "exports"
    save(store, [i for i in items if i[0].pmid not in ("102", "105")])
    first, before = update_graph(store, out / STATE_FILE)
    assert before is None  # built from scratch: nothing saved to compare with
    write_exports(first, out, date="2026-01-01")
    save(store, [i for i in items if i[0].pmid in ("102", "105")])
    kg, before = update_graph(store, out / STATE_FILE)
    fallback = report.previous_edges(out)
    assert set(before) == set(fallback)
    new = report.whats_new(before, kg)
    assert new == report.whats_new(fallback, kg)
    assert new["new"] and new["belief_changed"] and new["new_contradictions"]
    assert report.digest_markdown(new, "2026-01-02") == \
        report.digest_markdown(report.whats_new(fallback, kg), "2026-01-02")
    summary, fallback_summary = (report.new_summary(started_at="t") for _ in range(2))
    report.add_graph(summary, before, kg)
    report.add_graph(fallback_summary, fallback, kg)
    assert summary == fallback_summary and summary["new_edges"] == len(new["new"])
    unchanged, same_edges = update_graph(store, out / STATE_FILE)
    assert report.whats_new(same_edges, unchanged) == {"new": [], "belief_changed": [],
                                                       "new_contradictions": []}
