"""Ingestion loses nothing: short E-utilities answers, damaged records, killed runs.

Runs against the local replay server (``tests/eutils_server.py``) and, for the store checks,
on SQLite and on PostgreSQL when ``MSCGRAPH_TEST_POSTGRES_URL`` is set.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from eutils_server import EutilsReplayServer, article_set, make_records, synthetic_article
from pipeline.cli import main
from pipeline.errors import FetchError, ParseError, StoreError
from pipeline.ingest import NamedQuery, ingest_query, ingest_xml_files
from pipeline.model import Article
from pipeline.store import Store, check_article
from test_ingest import client_for, store  # noqa: F401 - the store fixture
from test_postgres import pg_url  # noqa: F401 - fixture

QUERY = NamedQuery("msc_test", '"mesenchymal stem cell*"[tiab] AND liver[tiab]')
UNTIL = dt.date(2020, 1, 10)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def server():
    with EutilsReplayServer.running(make_records(300, per_day=100)) as srv:
        yield srv


# -- short answers ------------------------------------------------------------------------------
def test_persistent_short_esearch_fails_the_run_and_keeps_the_mark(store, server):
    server.inject("short-count", "esearch", times=None)
    with pytest.raises(FetchError, match=r"ESearch listed 150 fewer ids than it counted"):
        ingest_query(store, client_for(server), QUERY, until=UNTIL)
    assert store.get_watermark(QUERY.name) is None
    run = list(store.iter_runs())[-1]
    assert run.status == "failed" and "150 fewer" in (run.error or "")
    assert store.count_articles() == 150  # what came is kept

    server.clear_faults()  # the rerun fetches the rest: nothing lost
    report = ingest_query(store, client_for(server), QUERY, until=UNTIL)
    assert (report.status, report.inserted, store.count_articles()) == ("success", 150, 300)
    assert store.get_watermark(QUERY.name) == UNTIL.isoformat()


def test_one_short_esearch_is_asked_again(store, server):
    server.inject("short-count", "esearch", skip=1, times=1)  # the probe passes, then short
    report = ingest_query(store, client_for(server), QUERY, until=UNTIL)
    assert (report.status, report.inserted) == ("success", 300)


def test_persistent_short_efetch_fails_naming_the_missing(store, server):
    server.inject("short-fetch", "efetch", times=None)
    with pytest.raises(FetchError) as info:
        ingest_query(store, client_for(server), QUERY, until=UNTIL)
    message = str(info.value)
    # half of each answer is missing; asked again by id, half of those come: 75 stay missing
    assert "EFetch did not return 75 of 300 records" in message and "watermark" in message
    assert store.count_articles() == 225 and store.get_watermark(QUERY.name) is None
    assert list(store.iter_runs())[-1].status == "failed"

    server.clear_faults()
    assert ingest_query(store, client_for(server), QUERY, until=UNTIL).status == "success"
    assert store.count_articles() == 300


def test_short_efetch_by_history_is_refetched_by_id(store, server):
    server.inject("short-fetch", "efetch", times=2)
    report = ingest_query(store, client_for(server), QUERY, until=UNTIL)
    assert (report.status, report.inserted, store.count_articles()) == ("success", 300, 300)
    by_id = [h for h in server.hits_for("efetch") if "id" in h.params]
    assert by_id and sum(h.params["id"].count(",") + 1 for h in by_id) == 100


def test_a_damaged_record_from_ncbi_does_not_block_the_query(store, server, caplog):
    server.records["30000007"].version = 2**70  # a PMID Version no database column holds
    report = ingest_query(store, client_for(server), QUERY, until=UNTIL)
    assert (report.status, report.inserted, len(report.rejected)) == ("success", 299, 1)
    assert "PMID 30000007: Version" in report.rejected[0] and "rejected 1" in report.summary()
    run = list(store.iter_runs())[-1]
    assert run.status == "success" and "1 record(s) rejected" in (run.error or "")
    assert store.get_watermark(QUERY.name) == UNTIL.isoformat()
    assert "30000007" in caplog.text


# -- counts of runs that never finish -------------------------------------------------------------
def test_counts_of_a_running_run_are_the_records_stored_so_far(store, server, monkeypatch):
    client = client_for(server)
    seen: list[tuple[str, int]] = []
    real = client.efetch

    def efetch(**kw):
        run = list(Store(store.url).iter_runs())[-1]  # what another process sees
        seen.append((run.status, run.inserted))
        return real(**kw)

    monkeypatch.setattr(client, "efetch", efetch)
    ingest_query(store, client, QUERY, until=UNTIL)
    assert seen == [("running", 0), ("running", 100), ("running", 200)]


# -- damaged records --------------------------------------------------------------------------------
def _record(pmid: str, version: str = "1", year: str = "2020", month: str = "01") -> str:
    rec = synthetic_article(make_records(1, start_pmid=int(pmid))[0])
    rec = rec.replace('Version="1"', f'Version="{version}"', 1)
    return rec.replace("<PubDate><Year>2020</Year><Month>01</Month>",
                       f"<PubDate><Year>{year}</Year><Month>{month}</Month>", 1)


BAD_RECORDS = {
    "superscript version": _record("40", version="\u00b2"),
    "version over 64 bits": _record("40", version="99999999999999999999"),
    "version over 32 bits": _record("40", version="3000000000"),
    "superscript year": _record("40", year="20\u00b2\u00b2"),
    "year over 2^31": _record("40", year="99999999999"),
    "superscript month": _record("40", month="\u00b9"),
    "pmid over 32 chars": _record("4" * 40),
}


@pytest.mark.parametrize("kind", sorted(BAD_RECORDS))
def test_a_damaged_record_is_rejected_alone(store_url, tmp_path, kind):
    path = tmp_path / "mixed.xml"
    good = [_record(p) for p in ("10", "20", "30")]
    path.write_text('<?xml version="1.0"?>\n<PubmedArticleSet>' + good[0] + good[1]
                    + BAD_RECORDS[kind] + good[2] + "</PubmedArticleSet>")
    with Store(store_url) as store:
        with pytest.raises(ParseError, match=r"1 record\(s\) rejected, the other records were "
                           r"stored: .*mixed.xml"):
            ingest_xml_files(store, [path], batch_size=500)
        assert sorted(a.pmid for a in store.iter_articles()) == ["10", "20", "30"]
        run = list(store.iter_runs())[-1]
        assert (run.status, run.fetched, run.inserted) == ("failed", 3, 3)


def test_cli_xml_of_three_good_and_one_bad_stores_three(tmp_path, capsys):
    path = tmp_path / "mixed.xml"
    path.write_text("<PubmedArticleSet>" + _record("10") + _record("20")
                    + BAD_RECORDS["version over 64 bits"] + _record("30")
                    + "</PubmedArticleSet>")
    db = f"sqlite:///{tmp_path / 'x.sqlite'}"
    assert main(["ingest", "--database-url", db, "--xml", str(path)]) == 1
    err = capsys.readouterr().err
    assert "1 record(s) rejected" in err and "PMID 40" in err and "out of range" in err
    assert "Traceback" not in err
    with Store(db) as s:
        assert s.count_articles() == 3


def test_store_refuses_unstorable_articles_clearly(store_url):
    with Store(store_url) as store:
        for bad in (Article("1", "t", version=2**63), Article("1" * 33, "t"),
                    Article("2", "t", year=2**31)):
            assert check_article(bad)
            with pytest.raises(StoreError, match="cannot store"):
                store.upsert_articles([(bad, None)])
        assert store.count_articles() == 0


def test_records_before_a_malformed_tail_are_stored(store, tmp_path):
    path = tmp_path / "cut.xml"
    text = article_set(make_records(3, start_pmid=500))
    path.write_text(text.replace("</PubmedArticleSet>", "<PubmedArticle><oops></PubmedArticle"))
    with pytest.raises(ParseError, match="cut.xml: malformed XML at line"):
        ingest_xml_files(store, [Path(path)])
    assert store.count_articles() == 3
