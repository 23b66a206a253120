"""Opening a store: readers never create one, and fresh stores survive a crowd of openers."""
from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from pipeline.errors import StoreError
from pipeline.model import Article
from pipeline.store import Store
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


def test_processes_opening_a_fresh_store_at_once(tmp_path):
    ctx = multiprocessing.get_context("fork")
    for round_ in range(4):
        url = f"sqlite:///{tmp_path / f'fresh{round_}' / 'store.sqlite'}"
        barrier = ctx.Barrier(6)
        procs = []
        results = ctx.Queue()
        for _ in range(6):
            p = ctx.Process(target=lambda u=url, b=barrier: results.put(_open((u, b))))
            p.start()
            procs.append(p)
        outcomes = [results.get(timeout=60) for _ in procs]
        for p in procs:
            p.join(timeout=60)
        assert outcomes == ["ok"] * 6, [o for o in outcomes if o != "ok"][0]
    assert Path(url[len("sqlite:///"):]).is_file()


def test_export_of_a_mistyped_store_fails_and_creates_nothing(tmp_path, capsys):
    from pipeline.cli import main
    typo = tmp_path / "mscgrahp.sqlite"
    out = tmp_path / "exports"
    assert main(["export", "--database-url", f"sqlite:///{typo}", "--out", str(out)]) == 1
    assert "the file does not exist" in capsys.readouterr().err
    assert not typo.exists()
    assert not out.exists() or not any(out.iterdir())
