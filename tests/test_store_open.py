"""Opening a store: readers never create one, and fresh stores survive a crowd of openers."""
from __future__ import annotations

import multiprocessing

import pytest
from sqlalchemy import create_engine

from pipeline.errors import StoreError
from pipeline.model import Article
from pipeline.store import Store, metadata
from test_postgres import pg_url  # noqa: F401 - fixture


def test_reader_does_not_create_a_missing_sqlite_store(tmp_path):
    typo = tmp_path / "corpra" / "msgraph.sqlite"
    with pytest.raises(StoreError, match=r"no store at .*msgraph.sqlite: the file does not "
                                         r"exist; check MSCGRAPH_DATABASE_URL"):
        Store(f"sqlite:///{typo}", create=False)
    assert not typo.exists() and not typo.parent.exists()


def test_reader_refuses_a_database_without_the_tables(tmp_path):
    empty = tmp_path / "other.sqlite"
    create_engine(f"sqlite:///{empty}").connect().close()  # an empty SQLite file
    with pytest.raises(StoreError, match="holds no mscgraph store"):
        Store(f"sqlite:///{empty}", create=False)


def test_reader_opens_an_existing_store(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.sqlite'}"
    with Store(url) as writer:
        writer.upsert_articles([(Article("1", "t"), None)])
    with Store(url, create=False) as reader:
        assert reader.count_articles() == 1


@pytest.mark.postgres
def test_reader_refuses_an_empty_postgres_database(pg_url):
    with pytest.raises(StoreError, match="holds no mscgraph store"):
        Store(pg_url, create=False)
    Store(pg_url).close()
    Store(pg_url, create=False).close()


def _open(args: tuple[str, object]) -> str:
    url, barrier = args
    barrier.wait()  # type: ignore[attr-defined]
    try:
        with Store(url) as store:
            store.count_articles()
        return "ok"
    except StoreError as e:
        return str(e)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_urls(request, tmp_path):
    """Four URLs of stores that do not exist yet (PostgreSQL: the same database, emptied)."""
    if request.param == "sqlite":
        return [f"sqlite:///{tmp_path / f'fresh{i}' / 'store.sqlite'}" for i in range(4)]
    url = request.getfixturevalue("pg_url")

    def emptied() -> str:
        engine = create_engine(url)
        metadata.drop_all(engine)
        engine.dispose()
        return url
    return [emptied for _ in range(4)]


def test_processes_opening_a_fresh_store_at_once(fresh_urls):
    ctx = multiprocessing.get_context("fork")
    for url in fresh_urls:
        url = url() if callable(url) else url
        barrier = ctx.Barrier(6)
        results = ctx.Queue()
        procs = [ctx.Process(target=lambda: results.put(_open((url, barrier))))
                 for _ in range(6)]
        for p in procs:
            p.start()
        outcomes = [results.get(timeout=60) for _ in procs]
        for p in procs:
            p.join(timeout=60)
        assert outcomes == ["ok"] * 6, [o for o in outcomes if o != "ok"][0]
