"""Ingestion through real HTTP (local replay server) and from XML files; `mscgraph ingest`."""
from __future__ import annotations

import datetime as dt
import gzip
import logging
from pathlib import Path

import pytest

from eutils_server import EutilsReplayServer, article_set, make_records
from pipeline.cli import main
from pipeline.config import Settings
from pipeline.errors import ConfigError, FetchError, ParseError, PipelineError, StoreError
from pipeline.ingest import (IngestReport, NamedQuery, ingest_query, ingest_xml_files,
                             load_queries, save_query)
from pipeline.pubmed_client import EutilsClient
from pipeline.store import Store

KEY = "SECRET-api-key-9f8e7d6c5b4a"
QUERY = NamedQuery("msc_test", '"mesenchymal stem cell*"[tiab] AND liver[tiab]', "test")
DAY0 = dt.date(2020, 1, 1)


@pytest.fixture
def store(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'store.sqlite'}") as s:
        yield s


@pytest.fixture
def server():
    with EutilsReplayServer.running(make_records(600, per_day=100)) as srv:
        yield srv


def client_for(srv: EutilsReplayServer, *, rate: float = 2000.0, **kw: object) -> EutilsClient:
    settings = Settings(email="dev@example.org", eutils_url=srv.base_url, backoff=0.01,
                        timeout=2.0, max_tries=kw.pop("max_tries", 3),
                        batch_size=kw.pop("batch_size", 100), database_url="sqlite://", **kw)
    return EutilsClient(settings, rate=rate)


def stored_pmids(store: Store) -> list[str]:
    return [a.pmid for a in store.iter_articles()]


# -- queries ------------------------------------------------------------------------------------
def test_default_queries_file():
    queries = load_queries()
    assert {"msc_liver", "msc_liver_vesicles", "msc_liver_clinical"} <= set(queries)
    term = queries["msc_liver"].term
    assert '"Mesenchymal Stem Cells"[MeSH]' in term and '"Liver Diseases"[MeSH]' in term
    assert "\n" not in term and term.count("(") == term.count(")")


def test_save_and_load_user_query(tmp_path, monkeypatch):
    user = tmp_path / "q.toml"
    monkeypatch.setenv("MSCGRAPH_QUERIES_FILE", str(user))
    q = NamedQuery("kupffer", 'MSC[tiab] AND "Kupffer cells"[MeSH] AND a\\b', 'say "hi"')
    assert save_query(q) == user
    save_query(NamedQuery("other", "x[tiab]"))
    loaded = load_queries()
    assert loaded["kupffer"] == q and "msc_liver" in loaded and "other" in loaded
    assert load_queries(user).keys() == {"kupffer", "other"}


def test_save_query_with_a_dotted_name(tmp_path):
    path = tmp_path / "q.toml"
    q = NamedQuery("msc.v2", "MSC[tiab]")
    save_query(q, path)
    save_query(NamedQuery("other", "x[tiab]"), path)
    assert load_queries(path) == {"msc.v2": q, "other": NamedQuery("other", "x[tiab]")}


def test_bad_queries():
    with pytest.raises(ConfigError):
        NamedQuery("bad name", "x")
    with pytest.raises(ConfigError, match="at most 200"):  # PostgreSQL would refuse it later
        NamedQuery("q" * 201, "x")
    with pytest.raises(ConfigError):
        NamedQuery("ok", "  ")


# -- E-utilities → store ------------------------------------------------------------------------
def test_full_then_incremental(store, server):
    client = client_for(server)
    r1 = ingest_query(store, client, QUERY, until=dt.date(2020, 1, 10))
    assert (r1.fetched, r1.inserted, r1.status) == (600, 600, "success")
    assert store.count_articles() == 600 and len(set(stored_pmids(store))) == 600
    assert store.get_watermark(QUERY.name) == "2020-01-10"
    assert r1.window == ("1800-01-01", "2020-01-10")

    # two revisions and 30 new records after the watermark
    server.revise("30000001", dt.date(2020, 1, 12))
    server.revise("30000002", dt.date(2020, 1, 12))
    server.add(make_records(30, start_pmid=30_001_001, first_day=dt.date(2020, 1, 12)))
    r2 = ingest_query(store, client, QUERY, until=dt.date(2020, 1, 13))
    assert r2.window == ("2020-01-09", "2020-01-13")
    # new records match both edat and mdat; each is fetched once
    assert (r2.fetched, r2.inserted, r2.updated) == (32, 30, 2)
    assert "(revised)" in store.get_article("30000001").title
    assert store.count_articles() == 630
    assert store.get_watermark(QUERY.name) == "2020-01-13"
    searches = server.hits_for("esearch")
    assert {h.params.get("datetype") for h in searches} == {"edat", "mdat"}
    runs = list(store.iter_runs(QUERY.name))
    assert [r.status for r in runs] == ["success", "success"]
    assert (runs[1].window_start, runs[1].window_end, runs[1].fetched) == \
        ("2020-01-09", "2020-01-13", 32)


def test_search_over_cap_is_split_and_stored_once(store):
    with EutilsReplayServer.running(make_records(12_000, per_day=100)) as srv:
        client = client_for(srv, batch_size=2000)
        report = ingest_query(store, client, QUERY, until=dt.date(2021, 1, 1))
    assert report.fetched == report.inserted == 12_000
    assert store.count_articles() == 12_000
    capped = [h for h in srv.hits_for("esearch") if h.params["retmax"] != "0"]
    assert len(capped) >= 2  # more than one window was needed


def test_api_key_not_in_logs_or_runs(store, server, caplog):
    caplog.set_level(logging.DEBUG)
    client = client_for(server, api_key=KEY)
    ingest_query(store, client, QUERY, until=dt.date(2020, 1, 10))
    server.inject("500", "efetch", times=None)
    with pytest.raises(FetchError) as err:
        ingest_query(store, client, QUERY, full=True, until=dt.date(2020, 1, 10))
    assert all(h.params.get("api_key") == KEY for h in server.hits)
    assert KEY not in caplog.text and KEY not in str(err.value)
    for run in store.iter_runs():
        assert KEY not in repr(run)
    assert [r.status for r in store.iter_runs()] == ["success", "failed"]


def test_interrupted_run_resumes_without_loss_or_duplicates(store, server):
    client = client_for(server, batch_size=50, max_tries=2)
    server.inject("503", "efetch", skip=4, times=None)  # 4 batches pass, then NCBI "goes down"
    with pytest.raises(FetchError):
        ingest_query(store, client, QUERY, until=dt.date(2020, 1, 10))
    assert store.count_articles() == 200
    assert store.get_watermark(QUERY.name) is None
    failed = list(store.iter_runs(QUERY.name))[-1]
    assert (failed.status, failed.fetched, failed.inserted) == ("failed", 200, 200)
    assert "503" in (failed.error or "")

    server.clear_faults()
    r = ingest_query(store, client, QUERY, until=dt.date(2020, 1, 10))
    assert (r.status, r.inserted, r.unchanged) == ("success", 400, 200)
    pmids = stored_pmids(store)
    assert len(pmids) == len(set(pmids)) == 600
    assert store.get_watermark(QUERY.name) == "2020-01-10"
    assert [x.status for x in store.iter_runs(QUERY.name)] == ["failed", "success"]


def test_failure_in_incremental_run_keeps_old_watermark(store, server):
    client = client_for(server, max_tries=1)
    ingest_query(store, client, QUERY, until=dt.date(2020, 1, 3))
    server.inject("500", "esearch", times=None)
    with pytest.raises(FetchError):
        ingest_query(store, client, QUERY, until=dt.date(2020, 1, 10))
    assert store.get_watermark(QUERY.name) == "2020-01-03"


def test_404_fails_at_once(store, server):
    client = client_for(server)
    server.inject("404", "efetch", times=None)
    with pytest.raises(FetchError, match="404"):
        ingest_query(store, client, QUERY, until=dt.date(2020, 1, 10))
    assert len(server.hits_for("efetch")) == 1


def test_max_records_does_not_move_watermark(store, server):
    r = ingest_query(store, client_for(server), QUERY, until=dt.date(2020, 1, 10),
                     max_records=150)
    assert (r.status, r.fetched) == ("interrupted", 150)
    assert store.get_watermark(QUERY.name) is None


def test_since_after_watermark_does_not_move_it(store, server):
    client = client_for(server)
    ingest_query(store, client, QUERY, until=dt.date(2020, 1, 3))
    r = ingest_query(store, client, QUERY, since="2020-01-05", until="2020-01-10")
    assert r.fetched == 200 and store.get_watermark(QUERY.name) == "2020-01-03"


# -- XML files → store ---------------------------------------------------------------------------
def write_xml(path: Path, n: int, start: int, deleted: tuple[str, ...] = ()) -> Path:
    data = article_set(make_records(n, start_pmid=start), deleted).encode()
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    return path


def test_xml_files_with_gz_and_deletions(store, tmp_path):
    a = write_xml(tmp_path / "a.xml", 40, 1000)
    b = write_xml(tmp_path / "b.xml.gz", 10, 2000, deleted=("1000", "1001", "9999999"))
    r = ingest_xml_files(store, [a, b])
    assert (r.fetched, r.inserted, r.deleted) == (50, 50, 2)
    assert store.count_articles() == 48 and store.get_article("1000") is None
    r2 = ingest_xml_files(store, [a])  # re-adding brings withdrawn records back, no duplicates
    assert (r2.inserted, r2.unchanged) == (2, 38) and store.count_articles() == 50


def test_malformed_xml_keeps_stored_records_and_fails_run(store, tmp_path):
    good = write_xml(tmp_path / "good.xml", 5, 100)
    bad = tmp_path / "bad.xml"
    text = article_set(make_records(7, start_pmid=200))
    bad.write_text(text[: text.rindex("<PubmedArticle>")] + "<PubmedArticle><Medl")
    with pytest.raises(ParseError, match="bad.xml"):
        ingest_xml_files(store, [good, bad], batch_size=2)
    assert store.count_articles() == 11  # 5 + the 6 complete records before the fault
    run = list(store.iter_runs())[-1]
    assert (run.status, run.fetched, run.inserted) == ("failed", 11, 11)


# -- CLI -----------------------------------------------------------------------------------------
def test_cli_ingest_against_replay_server(tmp_path, server, capsys, monkeypatch):
    monkeypatch.setenv("NCBI_API_KEY", KEY)
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    argv = ["ingest", "--term", "liver[tiab]", "--name", "adhoc", "--database-url", db,
            "--eutils-url", server.base_url, "--email", "dev@example.org", "--until",
            "2020-01-10", "--batch-size", "300"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "adhoc: fetched 600, inserted 600, updated 0, deleted 0, unchanged 0" in out
    assert KEY not in out and server.hits[0].params["api_key"] == KEY
    assert main([*argv, "--full"]) == 0
    assert "unchanged 600" in capsys.readouterr().out
    with Store(db) as s:
        assert s.count_articles() == 600 and s.get_watermark("adhoc") == "2020-01-10"

    server.inject("404", "esearch", times=None)
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "mscgraph: error:" in err and "HTTP 404" in err and KEY not in err


def test_cli_named_query_and_save(tmp_path, server, capsys, monkeypatch):
    monkeypatch.setenv("MSCGRAPH_QUERIES_FILE", str(tmp_path / "user.toml"))
    monkeypatch.setenv("NCBI_API_KEY", KEY)  # 10 requests/s instead of 3
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    common = ["--database-url", db, "--eutils-url", server.base_url, "--until", "2020-01-02",
              "--email", "dev@example.org"]
    assert main(["ingest", "--name", "mine", "--term", "MSC[tiab]", "--save-query",
                 *common]) == 0
    assert "mine" in load_queries()
    assert main(["ingest", "--query", "mine", *common]) == 0
    last = capsys.readouterr().out.splitlines()[-1]  # from watermark-1 day, edat + mdat
    assert "mine: fetched 200, inserted 0" in last and "window 2020-01-01..2020-01-02" in last
    assert main(["ingest", "--query", "nope", *common]) == 1
    assert "unknown query nope" in capsys.readouterr().err
    assert main(["ingest", "--list-queries"]) == 0
    assert "msc_liver" in capsys.readouterr().out


def test_cli_xml_files(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'x.sqlite'}"
    a = write_xml(tmp_path / "a.xml", 3, 10)
    b = write_xml(tmp_path / "b.xml.gz", 2, 20, deleted=("10",))
    assert main(["ingest", "--database-url", db, "--xml", str(a), str(b)]) == 0
    assert "xml: fetched 5, inserted 5, updated 0, deleted 1, unchanged 0" in \
        capsys.readouterr().out
    bad = tmp_path / "bad.xml"
    bad.write_text("<PubmedArticleSet><PubmedArticle>")
    assert main(["ingest", "--database-url", db, "--xml", str(bad)]) == 1
    assert "bad.xml" in capsys.readouterr().err
    assert main(["ingest", "--database-url", db, "--xml", str(tmp_path / "none.xml")]) == 1


def test_cli_help_and_conflicts(capsys):
    with pytest.raises(SystemExit):
        main(["ingest", "--help"])
    out = capsys.readouterr().out
    for flag in ("--query", "--all-queries", "--term", "--xml", "--demo", "--since", "--until",
                 "--full", "--database-url", "--eutils-url", "--email", "--api-key",
                 "--batch-size", "--max-records"):
        assert flag in out
    assert main(["ingest", "--demo", "--xml", "x.xml"]) == 1


def test_report_summary():
    r = IngestReport("q", fetched=2, inserted=1, updated=1, window=("2020-01-01", "2020-01-02"))
    assert r.summary().endswith("[success] window 2020-01-01..2020-01-02")


# -- demo, interrupts, locks, progress, real files -----------------------------------------------
def test_ingest_demo(store, tmp_path, monkeypatch, capsys):
    import pipeline.ingest as ingest_mod
    monkeypatch.setattr(ingest_mod, "DEMO_DIR", tmp_path / "empty")
    with pytest.raises(PipelineError, match="no demo corpus"):
        ingest_mod.ingest_demo(store)
    demo = tmp_path / "demo"
    demo.mkdir()
    write_xml(demo / "one.xml", 4, 500)
    write_xml(demo / "two.xml.gz", 3, 600)
    monkeypatch.setattr(ingest_mod, "DEMO_DIR", demo)
    r = ingest_mod.ingest_demo(store)
    assert (r.name, r.inserted) == ("demo", 7)
    db = f"sqlite:///{tmp_path / 'd.sqlite'}"
    assert main(["ingest", "--demo", "--database-url", db]) == 0
    assert "demo: fetched 7, inserted 7" in capsys.readouterr().out


def test_keyboard_interrupt_is_recorded(store, server, monkeypatch):
    client = client_for(server, batch_size=100)
    calls = {"n": 0}
    real = client.efetch

    def efetch(**kw):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(**kw)

    monkeypatch.setattr(client, "efetch", efetch)
    with pytest.raises(KeyboardInterrupt):
        ingest_query(store, client, QUERY, until=dt.date(2020, 1, 10))
    run = list(store.iter_runs())[-1]
    assert (run.status, run.inserted) == ("interrupted", 200)
    assert store.get_watermark(QUERY.name) is None


def test_concurrent_run_is_refused(store, tmp_path):
    a = write_xml(tmp_path / "a.xml", 2, 1)
    with store.lock("ingest"):
        with pytest.raises(StoreError, match="lock"):
            ingest_xml_files(store, [a])
    assert ingest_xml_files(store, [a]).inserted == 2


def test_progress_bar_runs(store, server):
    r = ingest_query(store, client_for(server), QUERY, until=dt.date(2020, 1, 10),
                     progress=True)
    assert r.fetched == 600
    assert ingest_xml_files(store, [write_xml(Path(store.url[10:]).parent / "p.xml", 2, 7)],
                            progress=True).inserted == 2


@pytest.mark.shared
def test_real_efetch_files(shared_dir, store):
    files = sorted((shared_dir / "corpora/fixtures/efetch").glob("*.xml"))
    r = ingest_xml_files(store, files)
    assert r.fetched == r.inserted == store.count_articles() >= 8
    assert store.get_article("22663011") is not None
    assert ingest_xml_files(store, files).unchanged == r.fetched


def test_bundled_demo_corpus_loads_idempotently(store):
    from pipeline.ingest import DEMO_DIR, ingest_demo
    if not any(DEMO_DIR.glob("*.xml*")):
        pytest.skip("corpora/demo has no XML yet")
    first = ingest_demo(store)
    assert first.inserted == first.fetched > 0 and first.status == "success"
    assert ingest_demo(store).unchanged == first.fetched


def test_run_left_running_by_a_killed_process_is_closed_next_time(store, tmp_path, caplog):
    killed = store.start_run("pubmed_default", "msc AND liver")   # never finished: SIGKILL
    a = write_xml(tmp_path / "a.xml", 2, 1)
    with caplog.at_level(logging.WARNING, logger="pipeline.ingest"):
        assert ingest_xml_files(store, [a]).inserted == 2
    runs = {r.id: r for r in store.iter_runs()}
    assert runs[killed].status == "interrupted" and "killed" in runs[killed].error
    assert runs[killed].finished_at is not None
    assert [r.status for r in runs.values() if r.id != killed] == ["success"]
    assert "left 'running'" in caplog.text
