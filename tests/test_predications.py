"""The flat predications table: rows per evidence, kept in step with the extractions, SQL
aggregates equal to the in-memory graph's, and the README's SQL examples on the demo store."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from pipeline.errors import StoreError
from pipeline.extract import extract_pending
from pipeline.graph import KnowledgeGraph
from pipeline.graph.sql import statement_aggregates
from pipeline.ingest import ingest_demo
from pipeline.model import Article, DocumentContext, Extraction, Mention, Relation
from pipeline.predications import predication_rows
from pipeline.store import Store
from pipeline.store_schema import predications

README = Path(__file__).resolve().parent.parent / "README.md"

MSC = Mention(0, 4, "MSCs", "CELL_TYPE", "CL:0000134", "mesenchymal stem cell")
HGF = Mention(13, 16, "HGF", "CYTOKINE", "HGNC:4893", "HGF")
SENTENCE = "MSCs secrete HGF."


def extraction(pmid: str, *relations: Relation) -> Extraction:
    return Extraction(pmid, (MSC, HGF), relations, DocumentContext(("human", "mouse"), "rct"))


def rows_of(store: Store) -> list[tuple]:
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(predications).order_by(predications.c.pmid,
                                          predications.c.relation_index)).all()]


def test_rows_are_the_graphs_evidence():
    rel = Relation(MSC, "SECRETES", HGF, sentence=SENTENCE, sentence_end=17, source="model",
                   confidence=0.75)
    question = Relation(MSC, "DECREASES", HGF, sentence="Do MSCs lower HGF?", sentence_end=18)
    self_loop = Relation(MSC, "INCREASES", MSC, sentence=SENTENCE)
    x = extraction("7", rel, self_loop, rel, question)
    rows = predication_rows("7", x, "v1")
    assert [(r["relation_index"], r["predicate"], r["hedged"]) for r in rows] == [
        (0, "SECRETES", False), (3, "DECREASES", True)]  # duplicate and self-loop left out
    first = rows[0]
    assert (first["subject_id"], first["subject_name"], first["subject_type"],
            first["subject_text"]) == ("CL:0000134", "mesenchymal stem cell", "CELL_TYPE", "MSCs")
    assert (first["object_id"], first["species"], first["study_type"], first["confidence"],
            first["source"], first["extractor_version"]) == ("HGNC:4893", "human|mouse", "rct",
                                                             0.75, "model", "v1")
    unlinked = Mention(0, 4, "Stuff", "MOLECULE")
    assert predication_rows("8", extraction("8", Relation(unlinked, "SECRETES", HGF)),
                            "v1")[0]["subject_id"] == "TEXT:stuff"


def test_table_follows_saves_and_deletions():
    rel = Relation(MSC, "SECRETES", HGF, sentence=SENTENCE)
    with Store("sqlite://") as store:
        store.upsert_articles([(Article("1", "a", year=2020), None),
                               (Article("2", "b"), None)])
        a1, a2 = Article("1", "a", year=2020), Article("2", "b")
        store.save_extractions([(a1, extraction("1", rel, rel)), (a2, extraction("2", rel))],
                               "v1")
        assert [(r[0], r[1]) for r in rows_of(store)] == [("1", 0), ("2", 0)]
        # re-saving replaces an article's rows; the same PMID twice in a batch keeps the last
        other = Relation(MSC, "INCREASES", HGF, sentence=SENTENCE, negated=True)
        store.save_extractions([(a1, extraction("1", rel)), (a1, extraction("1", rel, other))],
                               "v2")
        p = predications.c
        with store.engine.connect() as conn:
            got = conn.execute(select(p.pmid, p.relation_index, p.predicate, p.negated,
                                      p.extractor_version).order_by(p.pmid, p.relation_index))
            got = [tuple(r) for r in got]
        assert got == [
            ("1", 0, "SECRETES", False, "v2"), ("1", 1, "INCREASES", True, "v2"),
            ("2", 0, "SECRETES", False, "v1")]
        store.save_extractions([(a2, extraction("2"))], "v2")  # nothing found any more
        assert {r[0] for r in rows_of(store)} == {"1"}
        store.delete_articles(["1"])
        assert rows_of(store) == []


def test_an_older_store_is_backfilled_when_opened(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    with Store(url) as store:
        ingest_demo(store)
        extract_pending(store, batch_size=20)
        before = rows_of(store)
    assert len(before) > 100
    engine = create_engine(url)
    predications.drop(engine)  # what a store made before the table looks like
    engine.dispose()
    with Store(url, create=False) as reader:  # a reader does not write: a clear error
        with pytest.raises(StoreError, match="no predications table"):
            statement_aggregates(reader)
    with Store(url) as store:
        assert rows_of(store) == before
        assert store.backfill_predications() == len(before)
        assert rows_of(store) == before


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite'}"
    with Store(url) as store:
        ingest_demo(store)
        extract_pending(store)
    with Store(url, create=False) as store:
        yield store


def assert_aggregates_match_graph(store: Store) -> None:
    kg = KnowledgeGraph.from_store(store)
    edges = {(u, d["predicate"], v): d for u, v, d in kg.edges()}
    evidence = {st.matches_key(): st.evidence for st in kg.statements()}
    aggregates = statement_aggregates(store)
    assert [a.key for a in aggregates] == sorted(edges)
    for a in aggregates:
        d, evs = edges[a.key], evidence[a.key]
        assert (a.evidence_count, a.article_count, a.negated_count, a.hedged_count,
                a.first_year, a.last_year) == (
            d["evidence_count"], d["article_count"], d["negated_count"], d["hedged_count"],
            d["first_year"], d["last_year"]), a.key
        assert a.mean_confidence == pytest.approx(sum(e.confidence for e in evs) / len(evs))


def test_sql_aggregates_equal_the_graphs_statements(demo):
    assert_aggregates_match_graph(demo)
    with demo.engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(predications)).scalar_one()
    assert n == KnowledgeGraph.from_store(demo).summary()["evidence"]


def readme_queries() -> list[str]:
    """The SQL blocks of the README's "SQL" section."""
    readme = README.read_text(encoding="utf-8")
    start = readme.index("\n## SQL\n")
    section = readme[start:readme.index("\n## ", start + 5)]
    return re.findall(r"```sql\n(.*?)```", section, re.S)


def run_readme_queries(store: Store) -> list[list[tuple]]:
    with store.engine.connect() as conn:
        return [[tuple(r) for r in conn.execute(text(q.strip().rstrip(";")))]
                for q in readme_queries()]


def test_readme_sql_examples_answer_on_the_demo(demo):
    assert len(readme_queries()) >= 3
    answers = run_readme_queries(demo)
    assert all(answers), "every README query returns rows on the demo store"
    decreased, mediators, per_year, _contradictions = answers
    assert all(row[1] and row[3] for row in decreased)  # PMID and sentence
    assert mediators[0][0] == "Extracellular Vesicles"  # as the README says
    assert sum(row[1] for row in per_year) == KnowledgeGraph.from_store(demo).summary()["evidence"]
    assert KnowledgeGraph.from_store(demo).resolve("MSCs") == "CL:0000134"
