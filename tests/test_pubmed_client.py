"""EutilsClient against the local replay server: paging, retries, rate limit, secrets."""
from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.errors import FetchError, ParseError
from pipeline.pubmed_client import (ESEARCH_CAP, EutilsClient, RateLimiter, parse_esearch,
                                    redact)
from eutils_server import EutilsReplayServer, make_records

FIXTURES = Path(__file__).parent / "fixtures" / "eutils"
KEY = "k3y-SECRET-0123456789abcdef"


@pytest.fixture
def server():
    with EutilsReplayServer.running(make_records(250)) as srv:
        yield srv


def make_client(srv: EutilsReplayServer, *, rate: float = 500.0, **kw: object) -> EutilsClient:
    settings = Settings(email="dev@example.org", eutils_url=srv.base_url, backoff=0.01,
                        timeout=kw.pop("timeout", 2.0), max_tries=kw.pop("max_tries", 4),
                        database_url="sqlite://", **kw)
    return EutilsClient(settings, rate=rate)


# -- parsing ------------------------------------------------------------------------------------
def test_parse_esearch_own_fixtures():
    r = parse_esearch((FIXTURES / "esearch_history.xml").read_bytes())
    assert (r.count, r.webenv, r.query_key) == (4, "MCID_fixture01", "1")
    assert r.ids == ("39000004", "39000003", "39000002", "39000001")
    empty = parse_esearch((FIXTURES / "esearch_empty.xml").read_bytes())
    assert empty.count == 0 and empty.ids == ()
    with pytest.raises(FetchError, match="rejected"):
        parse_esearch((FIXTURES / "esearch_error.xml").read_bytes())
    with pytest.raises(ParseError):
        parse_esearch(b"<eSearchResult><Count>3</Count>")
    with pytest.raises(ParseError):
        parse_esearch(b"<PubmedArticleSet/>")


def test_parse_esearch_refuses_entities():
    bomb = b'<!DOCTYPE x [<!ENTITY a "aaaa">]><eSearchResult><Count>&a;</Count></eSearchResult>'
    with pytest.raises(ParseError):
        parse_esearch(bomb)


@pytest.mark.shared
@pytest.mark.parametrize("name,count,n_ids,first,history", [
    ("esearch1.xml", 63, 20, "41282813", False),
    ("esearch2.xml", 42249, 100, "41297076", True),
    ("esearch3.xml", 2651, 6, "11121077", False),
    ("esearch5.xml", 5, 5, "6540636", False),
    ("esearch8.xml", 0, 0, None, False),
])
def test_parse_esearch_real_fixtures(shared_dir, name, count, n_ids, first, history):
    r = parse_esearch((shared_dir / "corpora/fixtures/esearch" / name).read_bytes())
    assert r.count == count and len(r.ids) == n_ids
    assert (r.ids[0] if r.ids else None) == first
    assert bool(r.webenv and r.query_key) == history
    assert all(i.isdigit() for i in r.ids)


def test_redact():
    assert redact("a?api_key=XYZ&b=XYZ", "XYZ") == "a?api_key=***&b=***"
    assert redact("no key", "") == "no key"


def test_rate_limiter_spacing_with_fake_clock():
    now = [0.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    lim = RateLimiter(2.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        lim.wait()
    assert slept == [0.5, 0.5]


# -- through HTTP -------------------------------------------------------------------------------
def test_esearch_and_efetch_by_history_and_ids(server):
    c = make_client(server)
    r = c.esearch("mesenchymal liver", retmax=100)
    assert r.count == 250 and len(r.ids) == 100 and r.webenv and r.query_key == "1"
    body = c.efetch(webenv=r.webenv, query_key=r.query_key, retstart=200, retmax=100)
    assert body.count(b"<PubmedArticle>") == 50
    body = c.efetch(ids=["30000001", "30000002"])
    assert body.count(b"<PubmedArticle>") == 2
    hit = server.hits[0].params
    assert hit["tool"] == "mscgraph" and hit["email"] == "dev@example.org"
    assert hit["usehistory"] == "y" and "api_key" not in hit


def test_long_id_list_goes_by_post(server):
    c = make_client(server)
    ids = [str(30_000_001 + i) for i in range(250)]
    body = c.efetch(ids=ids)
    assert body.count(b"<PubmedArticle>") == 250
    assert server.hits_for("efetch")[-1].method == "POST"


def test_date_window_filters(server):
    c = make_client(server)
    r = c.esearch("x", mindate=dt.date(2020, 1, 2), maxdate=dt.date(2020, 1, 2), datetype="edat")
    assert r.count == 100
    r = c.esearch("x", mindate="2020/01/03", maxdate="2020/12/31", datetype="mdat")
    assert r.count == 50


@pytest.mark.parametrize("kind", ["500", "502", "503", "truncate", "cut", "error"])
def test_transient_faults_are_retried(server, kind):
    c = make_client(server)
    fault = server.inject(kind, "efetch", times=2)
    body = c.efetch(ids=["30000001"])
    assert b"</PubmedArticleSet>" in body and fault.fired == 2
    assert len(server.hits_for("efetch")) == 3


def test_transient_esearch_backend_error_is_retried(server):
    c = make_client(server)
    server.inject("backend", "esearch")
    assert c.esearch("x", retmax=0).count == 250
    assert len(server.hits_for("esearch")) == 2


def test_429_honours_retry_after(server):
    c = make_client(server)
    server.inject("429", "esearch", retry_after="0.3")
    t0 = time.monotonic()
    assert c.esearch("x", retmax=0).count == 250
    gaps = [b.time - a.time for a, b in zip(server.hits, server.hits[1:])]
    assert gaps[0] >= 0.28 and time.monotonic() - t0 < 2.0


def test_timeout_is_retried(server):
    c = make_client(server, timeout=0.2)
    server.inject("slow", "esearch", delay=0.6)
    assert c.esearch("x", retmax=0).count == 250
    assert len(server.hits_for("esearch")) == 2


def test_404_raises_at_once(server):
    c = make_client(server)
    server.inject("404", "efetch", times=None)
    with pytest.raises(FetchError, match="HTTP 404"):
        c.efetch(ids=["30000001"])
    assert len(server.hits_for("efetch")) == 1


def test_retries_exhausted_raise_fetch_error(server):
    c = make_client(server, max_tries=3)
    server.inject("500", times=None)
    with pytest.raises(FetchError, match="after 3 attempts"):
        c.esearch("x")
    assert len(server.hits) == 3


def test_api_key_never_logged_or_raised(server, caplog):
    caplog.set_level(logging.DEBUG)
    c = make_client(server, api_key=KEY, max_tries=2)
    c.esearch("x", retmax=0)
    server.inject("500", times=None)
    with pytest.raises(FetchError) as err:
        c.esearch("x")
    server.clear_faults()
    server.inject("400", times=1)
    with pytest.raises(FetchError) as err400:
        c.efetch(ids=["1"])
    assert server.hits[0].params["api_key"] == KEY  # sent...
    assert KEY not in str(err.value) and KEY not in str(err400.value)  # ...but never shown
    assert KEY not in caplog.text and "api_key=***" in str(err400.value)
    assert KEY not in repr(c.settings)


def test_rate_limit_is_honoured(server):
    c = make_client(server, rate=10.0)
    for _ in range(6):
        c.esearch("x", retmax=0, usehistory=False)
    times = [h.time for h in server.hits]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 0.09, gaps
    assert times[-1] - times[0] >= 0.45


def test_default_rate_follows_api_key():
    base = Settings(eutils_url="http://127.0.0.1:9/entrez/eutils/", database_url="sqlite://")
    assert EutilsClient(base).limiter.interval == pytest.approx(1 / 3)
    assert EutilsClient(base.replace(api_key=KEY)).limiter.interval == pytest.approx(0.1)


def test_search_windows_split_beyond_cap():
    with EutilsReplayServer.running(make_records(12_000, per_day=100)) as srv:
        c = make_client(srv, rate=2000.0)
        windows = list(c.search_windows("x", dt.date(1800, 1, 1), dt.date(2030, 1, 1)))
        ids = [i for w in windows for i in w.result.ids]
        assert len(ids) == len(set(ids)) == 12_000
        assert all(w.complete and w.result.count <= ESEARCH_CAP for w in windows)
        assert len(windows) >= 2
        spans = sorted((w.mindate, w.maxdate) for w in windows)
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:]))  # disjoint, oldest first
        assert [w.mindate for w in windows] == [s[0] for s in spans]


def test_search_windows_single_day_over_cap_is_incomplete(caplog, monkeypatch):
    monkeypatch.setattr("pipeline.pubmed_client.ESEARCH_CAP", 20)
    with EutilsReplayServer.running(make_records(30, per_day=30), cap=20) as srv:
        windows = list(make_client(srv).search_windows("x", dt.date(2019, 12, 30),
                                                         dt.date(2020, 1, 3)))
    assert len(windows) == 1 and not windows[0].complete
    assert windows[0].result.count == 30 and len(windows[0].result.ids) == 20
    assert "only 20 can be retrieved" in caplog.text


def test_argument_errors():
    c = EutilsClient(Settings(eutils_url="http://127.0.0.1:9/entrez/eutils/",
                              database_url="sqlite://", email="a@b"))
    with pytest.raises(ValueError):
        c.efetch()
    with pytest.raises(ValueError):
        c.efetch(ids=["1"], webenv="w", query_key="1")
    with pytest.raises(ValueError):
        c.esearch("x", mindate="2020/01/01")
    with pytest.raises(ValueError):
        RateLimiter(0)


def test_backoff_is_exponential_and_retry_after_wins(server):
    slept: list[float] = []
    settings = Settings(email="dev@example.org", eutils_url=server.base_url, backoff=0.01,
                        max_tries=5, database_url="sqlite://")
    c = EutilsClient(settings, rate=1e6, sleep=slept.append)
    server.inject("500", "esearch", times=3)
    server.inject("429", "efetch", retry_after="7")
    c.esearch("x", retmax=0)
    c.efetch(ids=["30000001"])
    assert [round(s, 3) for s in slept if s > 1e-4] == [0.01, 0.02, 0.04, 7.0]
