"""Tests of pipeline.store on SQLite (and PostgreSQL when MSCGRAPH_TEST_POSTGRES_URL is set)."""
from __future__ import annotations

import ast
import multiprocessing
import os
import threading
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, insert, select, text

import pipeline.store as store_module
from pipeline.errors import StoreError
from pipeline.model import (Article, DocumentContext, Extraction, MeshHeading, Mention,
                            Relation)
from pipeline.store import ArticleInfo, Store, UpsertCounts, content_hash, metadata

POSTGRES_URL = os.environ.get("MSCGRAPH_TEST_POSTGRES_URL", "")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'db' / 'store.sqlite'}"
    else:
        if not POSTGRES_URL:
            pytest.skip("PostgreSQL tests need MSCGRAPH_TEST_POSTGRES_URL "
                        "(e.g. postgresql+psycopg://user:pw@127.0.0.1/mscgraph_test)")
        url = POSTGRES_URL
        from sqlalchemy import create_engine
        engine = create_engine(url)
        metadata.drop_all(engine)
        engine.dispose()
    s = Store(url)
    yield s
    s.close()


def art(pmid: str, title: str = "MSCs lower ALT in cirrhotic rats.", **kw) -> Article:
    kw.setdefault("abstract", "Bone marrow MSCs reduced fibrosis.")
    return Article(pmid=pmid, title=title, **kw)


def ext(a: Article, n: int = 1) -> Extraction:
    msc = Mention(0, 4, "MSCs", "CELL_TYPE", "CL:0000134", "mesenchymal stem cell")
    alt = Mention(11, 14, "ALT", "OUTCOME", None, "ALT")
    rel = Relation(msc, "DECREASES", alt, sentence=a.title, sentence_end=len(a.title))
    return Extraction(a.pmid, (msc, alt)[:n + 1], (rel,) * min(n, 1),
                      DocumentContext(("rat",), "animal_model"))


# ----------------------------------------------------------------------------- basics

def test_upsert_is_idempotent_and_round_trips(store):
    articles = [art("3"), art("1", mesh_headings=(MeshHeading("D008103", "Liver Cirrhosis"),)),
                art("2", title="Café β κ γ", abstract="")]
    items = [(a, f"<PubmedArticle>{a.pmid}</PubmedArticle>") for a in articles]
    assert store.upsert_articles(items) == UpsertCounts(3, 0, 0)
    assert store.upsert_articles(items) == UpsertCounts(0, 0, 3)
    assert store.count_articles() == 3
    for a in articles:
        assert store.get_article(a.pmid) == a
    assert store.get_raw_xml("2") == "<PubmedArticle>2</PubmedArticle>"
    assert store.get_article("404") is None and store.get_raw_xml("404") is None


def test_upsert_counts_add():
    assert UpsertCounts(1, 2, 3) + UpsertCounts(1, 1, 1) == UpsertCounts(2, 3, 4)


@pytest.mark.parametrize("incoming, outcome", [
    (dict(version=1, title="older version"), "unchanged"),
    (dict(version=2), "unchanged"),                                   # identical content
    (dict(version=2, title="revised", date_revised="2024-01-01"), "updated"),
    (dict(version=2, title="stale copy", date_revised="2022-01-01"), "unchanged"),
    (dict(version=2, title="changed, no revision date", date_revised=""), "updated"),
    (dict(version=3, title="newer version", date_revised="2020-01-01"), "updated"),
])
def test_version_precedence(store, incoming, outcome):
    stored = art("7", version=2, date_revised="2023-06-01")
    store.upsert_articles([(stored, "<old/>")])
    new = replace(stored, **incoming)
    counts = store.upsert_articles([(new, "<new/>")])
    assert getattr(counts, outcome) == 1 and sum((counts.inserted, counts.updated,
                                                  counts.unchanged)) == 1
    assert store.get_article("7") == (new if outcome == "updated" else stored)
    assert store.get_raw_xml("7") == ("<new/>" if outcome == "updated" else "<old/>")


def test_same_pmid_twice_in_one_batch(store):
    v1, v2 = art("9", version=1), art("9", version=2, title="second")
    assert store.upsert_articles([(v1, None), (v2, None), (v1, None)]) == UpsertCounts(1, 1, 1)
    assert store.get_article("9") == v2
    assert store.upsert_articles([(v2, None), (v1, None)]) == UpsertCounts(0, 0, 2)


def test_small_batches_and_iteration_order(store):
    items = [(art(str(p)), None) for p in (5, 12, 3, 40, 1)]
    assert store.upsert_articles(items, batch_size=2) == UpsertCounts(5, 0, 0)
    assert [a.pmid for a in store.iter_articles(batch_size=2)] == ["1", "12", "3", "40", "5"]
    assert [a.pmid for a in store.iter_articles(["40", "3", "999", "3"])] == ["3", "40"]


def test_iterating_while_writing(store):
    store.upsert_articles([(art(str(p)), None) for p in range(10, 30)])
    seen = []
    for a in store.iter_articles(batch_size=3):
        seen.append(a.pmid)
        store.upsert_articles([(replace(a, title=a.title + " (revised)"), None)])
    assert len(seen) == 20
    assert all(a.title.endswith("(revised)") for a in store.iter_articles())


def test_concurrent_upserts_of_the_same_pmids(store):
    """Two writers racing on the same PMIDs: every article is inserted exactly once."""
    items = [(art(str(p)), None) for p in range(1, 201)]
    results: list[UpsertCounts] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def writer() -> None:
        try:
            start.wait()
            results.append(store.upsert_articles(items, batch_size=20))
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(r.inserted for r in results) == 200 and sum(r.unchanged for r in results) == 200
    assert store.count_articles() == 200


def test_values_are_bound_not_formatted(store):
    evil = "1'); DROP TABLE articles; --"
    a = art(evil, title="Robert'); DROP TABLE students;--")
    store.upsert_articles([(a, None)])
    assert store.get_article(evil) == a
    store.set_watermark("q'; DELETE FROM watermarks; --", "2024-01-01")
    assert store.get_watermark("q'; DELETE FROM watermarks; --") == "2024-01-01"
    assert store.count_articles() == 1


def test_no_sql_built_by_string_formatting():
    """Every raw-SQL call in store.py takes a constant string (values go in as parameters)."""
    source = Path(store_module.__file__).read_text(encoding="utf-8")
    raw_sql_calls = ("text", "exec_driver_sql", "execute", "executemany")
    offenders = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in raw_sql_calls:
            first = node.args[0]
            formatted = isinstance(first, (ast.JoinedStr, ast.BinOp)) or (
                isinstance(first, ast.Call) and isinstance(first.func, ast.Attribute)
                and first.func.attr in ("format", "join", "replace"))
            if formatted:
                offenders.append(f"line {node.lineno}: {ast.unparse(node)[:80]}")
    assert offenders == []
    assert "sqlalchemy import text" not in source


# ----------------------------------------------------------------------------- deletions

def test_delete_articles_and_reappearance(store):
    a, b = art("100"), art("200")
    store.upsert_articles([(a, None), (b, None)])
    store.save_extractions([(a, ext(a))], "v1")
    assert store.delete_articles(["100", "300", "100"], source="pubmed24n1300.xml.gz") == 1
    assert store.get_article("100") is None and store.get_extraction("100") is None
    assert store.is_deleted("100") and store.is_deleted("300") and not store.is_deleted("200")
    assert store.count_articles() == 1 and store.count_extractions() == 0
    assert store.delete_articles(["300"]) == 0          # deleting again is harmless
    assert store.upsert_articles([(a, None)]) == UpsertCounts(1, 0, 0)
    assert not store.is_deleted("100") and store.get_article("100") == a


# ----------------------------------------------------------------------------- runs

def test_runs_record_counts_and_never_the_key(store):
    secret = "0123456789abcdef0123456789abcdef"
    rid = store.start_run("msc_liver", "mesenchymal AND liver", "2024-01-01", "2024-02-01")
    run = store.get_run(rid)
    assert run.status == "running" and run.finished_at is None
    store.finish_run(rid, "failed", fetched=10, inserted=4,
                     error=f"FetchError: 500 from https://x/efetch.fcgi?db=pubmed&api_key={secret}")
    rid2 = store.start_run("msc_liver", "mesenchymal AND liver", "2024-01-01", "2024-02-01")
    store.finish_run(rid2, "success", fetched=10, inserted=6, unchanged=4, updated=0, deleted=1)
    store.finish_run(store.start_run("other", "x"), "success")
    runs = list(store.iter_runs())
    assert [r.id for r in runs] == sorted(r.id for r in runs) and len(runs) == 3
    assert [r.status for r in store.iter_runs("msc_liver")] == ["failed", "success"]
    assert runs[0].fetched == 10 and runs[0].inserted == 4 and "api_key=***" in runs[0].error
    best = store.last_successful_run("msc_liver")
    assert best.id == rid2 and (best.inserted, best.unchanged, best.deleted) == (6, 4, 1)
    assert best.finished_at >= best.started_at and best.window_end == "2024-02-01"
    assert store.last_successful_run("never-ran") is None
    with store.engine.connect() as conn:
        dump = repr(conn.execute(select(store_module.ingest_runs)).all())
    assert secret not in dump


def test_finish_run_rejects_bad_input(store):
    rid = store.start_run("q", "t")
    with pytest.raises(ValueError, match="unknown run status"):
        store.finish_run(rid, "ok")
    with pytest.raises(ValueError, match="unknown run counts"):
        store.finish_run(rid, "success", fetchd=1)
    with pytest.raises(StoreError, match="no ingest run"):
        store.finish_run(rid + 1000, "success")


def test_watermarks(store):
    assert store.get_watermark("q") is None
    store.set_watermark("q", "2024-01-01")
    store.set_watermark("q", "2024-03-05T10:00:00")
    store.set_watermark("r", "2020-01-01")
    assert store.get_watermark("q") == "2024-03-05T10:00:00"
    assert store.get_watermark("r") == "2020-01-01"


# ----------------------------------------------------------------------------- extraction

def test_extraction_bookkeeping(store):
    arts = [art(str(p), mesh_headings=(MeshHeading("D059630", "Mesenchymal Stem Cells"),),
                publication_types=("Journal Article",), year=2020 + p) for p in range(1, 6)]
    store.upsert_articles([(a, None) for a in arts])
    pending = list(store.articles_needing_extraction("v1"))
    assert pending == arts
    assert [a.pmid for a in store.articles_needing_extraction("v1", limit=2)] == ["1", "2"]
    assert store.save_extractions([(a, ext(a)) for a in pending[:3]], "v1") == 3
    assert [a.pmid for a in store.articles_needing_extraction("v1")] == ["4", "5"]
    store.save_extractions([(a, ext(a)) for a in pending[3:]], "v1")
    assert list(store.articles_needing_extraction("v1")) == []
    assert store.count_extractions() == 5
    # a new extractor version needs everything again
    assert len(list(store.articles_needing_extraction("v2"))) == 5
    # changed content or a new PMID version re-queues only that article
    store.upsert_articles([(replace(arts[1], title="MSCs lower AST."), None),
                           (replace(arts[3], version=2), None)])
    assert [a.pmid for a in store.articles_needing_extraction("v1")] == ["2", "4"]
    # saving replaces the earlier extraction (one row per PMID)
    newer = store.get_article("2")
    store.save_extractions([(newer, ext(newer, 0))], "v1")
    assert store.get_extraction("2") == ext(newer, 0) and store.count_extractions() == 5
    assert store.get_extraction("404") is None
    info, x = next(iter(store.iter_extractions()))
    assert info == ArticleInfo("1", 1, 2021, arts[0].title, ("Journal Article",),
                               ("Mesenchymal Stem Cells",))
    assert x == ext(arts[0])
    assert [i.pmid for i, _ in store.iter_extractions(batch_size=2)] == ["1", "2", "3", "4", "5"]


def test_iter_extractions_can_save_while_iterating(store):
    arts = [art(str(p)) for p in range(1, 8)]
    store.upsert_articles([(a, None) for a in arts])
    for a in store.articles_needing_extraction("v1", batch_size=2):
        store.save_extractions([(a, ext(a))], "v1")
    assert store.count_extractions() == 7


def test_content_hash_survives_json_round_trip():
    a = art("1", year=2019, sections=(), mesh_headings=(MeshHeading("D1", "X", True, ("q",)),))
    assert content_hash(Article.from_json(a.to_json())) == content_hash(a)
    assert content_hash(replace(a, title="other")) != content_hash(a)


# ----------------------------------------------------------------------------- atomicity

def test_interrupted_batch_leaves_nothing_half_written(store):
    store.upsert_articles([(art("1"), None)])

    def items():
        yield art("2"), None
        yield replace(art("1"), version=2), None
        raise RuntimeError("connection to PubMed lost")

    with pytest.raises(RuntimeError):
        store.upsert_articles(items(), batch_size=10)
    assert store.count_articles() == 1 and store.get_article("1").version == 1


def test_failure_inside_the_transaction_rolls_back(store):
    store.upsert_articles([(art("1"), None)])

    def fail_on_update(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE ARTICLES"):
            raise RuntimeError("disk full")

    event.listen(store.engine, "before_cursor_execute", fail_on_update)
    try:
        with pytest.raises(RuntimeError, match="disk full"):  # INSERT of 2 ran, UPDATE fails
            store.upsert_articles([(art("2"), None), (replace(art("1"), version=2), None)])
    finally:
        event.remove(store.engine, "before_cursor_execute", fail_on_update)
    assert store.get_article("2") is None and store.get_article("1").version == 1


def test_save_extractions_is_one_transaction(store):
    arts = [art(str(p)) for p in range(1, 4)]
    store.upsert_articles([(a, None) for a in arts])

    def items():
        yield arts[0], ext(arts[0])
        yield arts[1], ext(arts[1])
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.save_extractions(items(), "v1")
    assert store.count_extractions() == 0


# ----------------------------------------------------------------------------- locks

def test_lock_excludes_a_second_holder(store):
    with store.lock("ingest") as owner:
        assert str(os.getpid()) in owner
        with pytest.raises(StoreError, match="another run holds lock 'ingest' since .*"
                                             "wait or pass --force"):
            with store.lock("ingest"):
                pass
        with store.lock("extract"):    # other names are independent
            pass
    with store.lock("ingest"):         # released on exit
        pass


def test_lock_released_on_error(store):
    with pytest.raises(ZeroDivisionError):
        with store.lock("ingest"):
            1 / 0
    with store.lock("ingest", timeout=0):
        pass


def test_lock_between_threads_serializes(store):
    events: list[tuple[str, int]] = []
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            with store.lock("ingest", timeout=20, poll=0.02):
                events.append(("enter", n))
                time.sleep(0.1)
                events.append(("exit", n))
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [kind for kind, _ in events] == ["enter", "exit"] * 4
    assert all(events[i][1] == events[i + 1][1] for i in range(0, 8, 2))


def test_stale_lock_is_broken_and_force_breaks_a_fresh_one(store, caplog):
    old = store_module._now() - timedelta(hours=2)
    with store._write() as conn:
        conn.execute(insert(store_module.locks).values(
            name="ingest", owner="crashed-host:1", acquired_at=old, heartbeat_at=old))
    with store.lock("ingest", ttl=60):
        pass
    assert "breaking stale lock" in caplog.text
    with store.lock("ingest", ttl=60):
        with store.lock("ingest", force=True):
            pass


def test_lock_heartbeat_keeps_it_fresh(store):
    with store.lock("ingest", ttl=0.3):
        time.sleep(0.5)   # longer than the ttl: only the heartbeat keeps it fresh
        with pytest.raises(StoreError):
            with store.lock("ingest", ttl=0.3):
                pass


def _lock_in_process(url: str, log_path: str, n: int) -> None:
    s = Store(url)
    with s.lock("ingest", timeout=30, poll=0.02):
        with open(log_path, "a", encoding="utf-8") as fh:
            fh.write(f"enter {n} {time.monotonic()}\n")
        time.sleep(0.2)
        with open(log_path, "a", encoding="utf-8") as fh:
            fh.write(f"exit {n} {time.monotonic()}\n")
    s.close()


def test_lock_between_processes(store, tmp_path):
    log_path = tmp_path / "lock.log"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_lock_in_process, args=(store.url, str(log_path), n))
             for n in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    lines = [line.split() for line in log_path.read_text().splitlines()]
    assert [kind for kind, _, _ in lines] == ["enter", "exit"] * 3
    assert all(lines[i][1] == lines[i + 1][1] for i in range(0, 6, 2))


# ----------------------------------------------------------------------------- setup

def test_default_url_from_env_and_sqlite_setup(monkeypatch, tmp_path):
    db = tmp_path / "deep" / "er" / "m.sqlite"
    monkeypatch.setenv("MSCGRAPH_DATABASE_URL", f"sqlite:///{db}")
    with Store() as s:
        s.upsert_articles([(art("1"), None)])
        with s.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    assert db.exists()
    with Store(f"sqlite:///{db}") as again:
        assert again.count_articles() == 1
        assert "m.sqlite" in repr(again)


def test_in_memory_store_and_bad_urls(tmp_path):
    with Store("sqlite://") as s:
        assert s.count_articles() == 0
    with pytest.raises(StoreError, match="MSCGRAPH_DATABASE_URL"):
        Store("not a url")
    with pytest.raises(StoreError, match="cannot open the store"):
        Store("postgresql+psycopg://nobody:secretpw@127.0.0.1:1/none")


def test_bad_postgres_password_not_in_message():
    with pytest.raises(StoreError) as info:
        Store("postgresql+psycopg://nobody:secretpw@127.0.0.1:1/none")
    assert "secretpw" not in str(info.value)


def test_tables_are_the_documented_ones(store):
    with store.engine.connect() as conn:
        names = set(metadata.tables)
        for name in names:
            conn.execute(select(text("1")).select_from(metadata.tables[name]).limit(1))
    assert names == {"articles", "deleted_articles", "ingest_runs", "watermarks",
                     "extractions", "extraction_failures", "locks", "predications"}
    assert "api_key" not in {c.name for c in store_module.ingest_runs.columns}
