"""The pipeline on PostgreSQL: several worker processes extracting into one server store.

Needs ``MSCGRAPH_TEST_POSTGRES_URL`` (``eval "$(bash scripts/ci_postgres.sh)"`` starts a
local server and sets it); skipped otherwise. The store's own tests
(``tests/test_store.py``) and the concurrent-flow test in ``tests/test_flows.py`` run against
the same server.
"""
from __future__ import annotations

import multiprocessing
import os

import pytest

from pipeline.graph import KnowledgeGraph
from pipeline.ingest import ingest_demo
from pipeline.store import Store, metadata

pytestmark = pytest.mark.postgres

POSTGRES_URL = os.environ.get("MSCGRAPH_TEST_POSTGRES_URL", "")


@pytest.fixture
def pg_url():
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need MSCGRAPH_TEST_POSTGRES_URL (start a server with "
                    "'eval \"$(bash scripts/ci_postgres.sh)\"')")
    from sqlalchemy import create_engine
    engine = create_engine(POSTGRES_URL)
    metadata.drop_all(engine)
    engine.dispose()
    return POSTGRES_URL


def _extract(args: tuple[str, list[str]]) -> int:
    from pipeline.extract import extract_pmids_at
    return extract_pmids_at(*args).extracted


def edges(store: Store) -> list[tuple]:
    kg = KnowledgeGraph.from_store(store)
    return sorted((u, d["predicate"], v, d["evidence_count"], tuple(d["pmids"]))
                  for u, v, d in kg.edges())


def test_two_processes_extract_into_postgres_like_one_into_sqlite(pg_url, tmp_path):
    pytest.importorskip("prefect")
    from pipeline.extract import extract_pending, extractor_version
    with Store(pg_url) as pg, Store(f"sqlite:///{tmp_path / 'one.sqlite'}") as lite:
        assert ingest_demo(pg).inserted == ingest_demo(lite).inserted == 40
        pmids = [a.pmid for a in pg.articles_needing_extraction(extractor_version())]
        jobs = [(pg_url, pmids[i::2]) for i in range(2)]
        with multiprocessing.get_context("spawn").Pool(2) as pool:
            assert sum(pool.map(_extract, jobs)) == 40
        assert pg.count_extractions() == 40
        extract_pending(lite, batch_size=20)
        assert [a.pmid for a in pg.iter_articles()] == [a.pmid for a in lite.iter_articles()]
        assert edges(pg) and edges(lite)
        if _versions(pg) == _versions(lite):  # else the tree was edited during the test
            assert len(edges(pg)) == len(edges(lite))


def _versions(store: Store) -> set[str]:
    from sqlalchemy import select
    from pipeline.store import extractions
    with store.engine.connect() as conn:
        return set(conn.execute(select(extractions.c.extractor_version)).scalars())


def test_nightly_lock_is_exclusive_across_stores(pg_url):
    from pipeline.errors import StoreError
    with Store(pg_url) as a, Store(pg_url) as b:
        with a.lock("nightly"):
            with pytest.raises(StoreError, match="another run holds lock"):
                with b.lock("nightly"):
                    pass
        with b.lock("nightly"):
            pass


def test_predications_follow_extraction_and_aggregate_like_the_graph(pg_url):
    from sqlalchemy import create_engine
    from pipeline.extract import extract_pending
    from pipeline.store_schema import predications
    from test_predications import assert_aggregates_match_graph, rows_of, run_readme_queries
    with Store(pg_url) as pg:
        ingest_demo(pg)
        extract_pending(pg, batch_size=20)
        before = rows_of(pg)
        assert before
        assert_aggregates_match_graph(pg)
        assert all(run_readme_queries(pg)), "every README query returns rows on PostgreSQL"
        pg.delete_articles([before[0][0]])
        assert {r[0] for r in rows_of(pg)} == {r[0] for r in before} - {before[0][0]}
    engine = create_engine(pg_url)
    predications.drop(engine)  # a store made before the table: filled when opened
    engine.dispose()
    with Store(pg_url) as pg:
        assert rows_of(pg) == [r for r in before if r[0] != before[0][0]]
