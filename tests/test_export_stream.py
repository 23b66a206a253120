"""Exports of a graph over the store stream evidence from ``predications`` and write the same
files as the in-memory graph of the same extractions (the path every export took before)."""
from __future__ import annotations

from pipeline.exports import write_exports
from pipeline.graph import KnowledgeGraph
from pipeline.graph.sources import StoreSource
from pipeline.report import write_evidence_map

from test_postgres import pg_url  # noqa: F401  (a PostgreSQL store URL, or a skip)
from test_predications import demo  # noqa: F401  (the demo store, extracted)


def test_streamed_statements_equal_the_materialized_ones(demo):
    kg = KnowledgeGraph.from_store(demo)
    streamed = [s.to_json() for s in kg.iter_statements()]
    assert streamed == [s.to_json() for s in kg.statements()]
    assert streamed == [s.to_json() for s in
                        KnowledgeGraph.from_extractions(demo.iter_extractions()).statements()]


def test_store_exports_equal_the_in_memory_ones_without_reading_extractions(
        demo, tmp_path, monkeypatch):
    memory = KnowledgeGraph.from_extractions(demo.iter_extractions())
    expected = write_exports(memory, tmp_path / "memory", date="2026-01-02", digest="# d")
    expected |= write_evidence_map(memory, tmp_path / "memory", date="2026-01-02")
    kg = KnowledgeGraph.from_store(demo)

    def no_sentences(self, pmids=None):
        raise AssertionError("exports must not re-derive evidence from extractions")

    monkeypatch.setattr(StoreSource, "extractions", no_sentences)
    got = write_exports(kg, tmp_path / "store", date="2026-01-02", digest="# d")
    got |= write_evidence_map(kg, tmp_path / "store", date="2026-01-02")
    assert sorted(got) == sorted(expected)
    for label, path in expected.items():
        if not label.endswith("_png"):  # the picture embeds nothing of the evidence order
            assert got[label].read_bytes() == path.read_bytes(), label
    assert got["evidence_csv"].stat().st_size > 10_000


def test_the_page_written_in_pieces_holds_one_json_dump(demo):
    import json

    from pipeline.exports import html_page, page_data
    kg = KnowledgeGraph.from_store(demo)
    payload = json.dumps(page_data(kg, date="2026-01-02", digest="# d"), ensure_ascii=False,
                         separators=(",", ":"))
    payload = (payload.replace("<", "\\u003c").replace("\u2028", "\\u2028")
               .replace("\u2029", "\\u2029"))
    assert f">{payload}</script>" in html_page(kg, date="2026-01-02", digest="# d")



def test_postgres_streams_statements_in_the_graphs_order(pg_url):
    """PostgreSQL sorts the stream with the C collation: the same statements as in memory."""
    from pipeline.extract import extract_pending
    from pipeline.ingest import ingest_demo
    from pipeline.store import Store
    with Store(pg_url) as store:
        ingest_demo(store)
        extract_pending(store, batch_size=50)
        kg = KnowledgeGraph.from_store(store)
        assert [s.to_json() for s in kg.iter_statements()] == [
            s.to_json() for s in KnowledgeGraph.from_extractions(store.iter_extractions())
            .statements()]
