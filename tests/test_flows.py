"""Tests of flows.nightly / flows.deployments under prefect_test_harness (network-free).

Sources: the bundled demo corpus and the local E-utilities replay server. One session-wide
Prefect test server; one reference run of the demo corpus (thread runner) that the Dask,
interrupted and concurrent runs must reproduce exactly (which needs extraction to be
independent of the documents processed before: its own test).
"""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("prefect")

from eutils_server import EutilsReplayServer, article_set, make_records  # noqa: E402

from flows import nightly as nf  # noqa: E402
from flows import runtime  # noqa: E402
from pipeline import report  # noqa: E402
from pipeline.errors import ConfigError, FetchError, StoreError  # noqa: E402
from pipeline.extract import extractor_version  # noqa: E402
from pipeline.graph import KnowledgeGraph  # noqa: E402
from pipeline.store import Store  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def harness():
    """A temporary Prefect API for the whole session."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness
    with prefect_test_harness(server_startup_timeout=120):
        yield PREFECT_API_URL.value()


def sqlite_url(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def graph_rows(url: str) -> list[dict]:
    store = runtime.open_store(url)
    return report.edge_table(KnowledgeGraph.from_store(store))


def assert_same_graph(url: str, ref_url: str) -> None:
    """The graph of ``url`` equals the one of ``ref_url`` (sorted edges with all attributes)."""
    assert graph_rows(url) == graph_rows(ref_url)


def test_extraction_does_not_depend_on_the_documents_before():
    """Runs that split the work differently can only agree if this holds."""
    from pipeline.extract import get_extractor
    from pipeline.ingest import DEMO_DIR
    from pipeline.medline import read_articles
    arts = read_articles(DEMO_DIR / "demo_pubmed.xml")
    ex = get_extractor()
    runs = [{a.pmid: x for a, x in ex.extract_articles(order, batch_size=7)}
            for order in (arts, arts[::-1])]
    assert runs[0] == runs[1]


def latest_summary_markdown() -> str:
    from prefect.artifacts import Artifact
    art = Artifact.get(nf.SUMMARY_KEY)
    assert art is not None, "no summary artifact"
    return str(art.data)


@pytest.fixture(scope="session")
def reference(harness, tmp_path_factory):
    """The demo corpus through the flow once (threads): its summary, store URL and edges."""
    root = tmp_path_factory.mktemp("reference")
    url = sqlite_url(root / "ref.sqlite")
    summary = nf.nightly(source="demo", database_url=url, export_dir=str(root / "exports"),
                         batch_size=10)
    return {"summary": summary, "url": url, "edges": graph_rows(url), "root": root}


# ----------------------------------------------------------------------------- pure helpers

def test_parse_source_and_in_memory_store_rule():
    assert runtime.parse_source("pubmed") == ("pubmed", [])
    assert runtime.parse_source("demo") == ("demo", [])
    assert runtime.parse_source("xml:/a.xml, /b.xml.gz") == ("xml", ["/a.xml", "/b.xml.gz"])
    for bad in ("xml:", "ftp", "demo:x"):
        with pytest.raises(Exception, match="unknown source"):
            runtime.parse_source(bad)
    with pytest.raises(ConfigError, match="in-memory"):
        runtime.make_task_runner("process", store_url="sqlite:///:memory:")
    assert runtime.make_task_runner("process", store_url="sqlite:///memory.sqlite")


def test_a_store_password_is_never_a_flow_parameter(monkeypatch):
    secret = "postgresql+psycopg://me:s3cret@db/mscgraph"
    monkeypatch.setenv("MSCGRAPH_DATABASE_URL", secret)
    assert runtime.resolve_database(None) == secret
    assert runtime.resolve_database("postgresql+psycopg://me:***@db/mscgraph") == secret
    assert runtime.resolve_database("sqlite:///x.sqlite") == "sqlite:///x.sqlite"
    with pytest.raises(ConfigError, match="MSCGRAPH_DATABASE_URL instead"):
        runtime.resolve_database(secret.replace("s3cret", "other"))
    with pytest.raises(ConfigError, match="full URL"):
        runtime.resolve_database("postgresql+psycopg://me:***@elsewhere/mscgraph")


def test_retry_condition_only_on_transient_fetch_errors():
    class S:
        def __init__(self, exc):
            self.exc = exc

        def result(self):
            raise self.exc

    transient = FetchError("GET x failed after 5 attempts: HTTP 503. NCBI may be down")
    permanent = FetchError("E-utilities answered HTTP 400 Bad Request for x; check the query "
                           "(not retried)", transient=False)
    assert runtime.retry_on_transient_fetch(None, None, S(transient))
    assert not runtime.retry_on_transient_fetch(None, None, S(permanent))
    assert not runtime.retry_on_transient_fetch(None, None, S(StoreError("disk full")))
    task = nf.ingest_query_task
    assert task.retries == 3 and task.retry_condition_fn is runtime.retry_on_transient_fetch
    assert task.retry_delay_seconds == [30, 60, 120] and nf.extract_batch.retries == 0


def test_no_task_claims_a_timeout_prefect_cannot_enforce():
    """Prefect cannot stop a sync task in a worker thread and warns on every such run."""
    tasks = [getattr(nf, name) for name in nf.__all__]
    from prefect.tasks import Task
    tasks = [t for t in tasks if isinstance(t, Task)]
    assert len(tasks) == 8 and all(t.timeout_seconds is None for t in tasks)


def test_task_runner_choice():
    from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner
    from prefect_dask import DaskTaskRunner
    assert isinstance(runtime.make_task_runner("thread"), ThreadPoolTaskRunner)
    assert isinstance(runtime.make_task_runner("process", workers=2), ProcessPoolTaskRunner)
    assert isinstance(runtime.make_task_runner("dask", dask_address="tcp://127.0.0.1:8786"),
                      DaskTaskRunner)
    with pytest.raises(Exception, match="unknown task runner"):
        runtime.make_task_runner("gpu")


def test_summary_markdown_lists_counts_and_edges():
    md = report.summary_markdown({
        "status": "success", "fetched": 3, "edges_before": 1, "edges_after": 2, "new_edges": 1,
        "ingest": [{"name": "q", "fetched": 3, "inserted": 3, "updated": 0, "deleted": 0,
                    "status": "success"}],
        "top_new_edges": [{"subject": "MSC", "predicate": "DECREASES", "object": "A|B",
                           "belief": 0.9, "articles": 2, "contradicted": True}],
        "timings": {"ingest": 1.25}})
    assert "**success**" in md and "| records fetched | 3 |" in md
    assert "| MSC | DECREASES | A\\|B | 0.900 | 2 | yes |" in md and "| ingest | 1.2 |" in md


def test_failed_summary_starts_with_a_one_line_reason():
    url = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi?term=" + "x" * 1300
    md = report.summary_markdown({"status": "failed", "error": f"FetchError: {url} failed "
                                  "after 5 attempts: HTTP 503. NCBI may be down\nmore"})
    first = md.splitlines()[0]
    assert first.startswith("# mscgraph nightly run: **failed**: FetchError: https://")
    assert "HTTP 503" in first and len(first) < 250 and "x" * 1300 in md  # full text below


def test_dead_lock_owner_is_detected(tmp_path):
    store = Store(sqlite_url(tmp_path / "s.sqlite"))
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    import socket
    from sqlalchemy import insert
    from pipeline.store import _now, locks
    with store.engine.begin() as conn:
        conn.execute(insert(locks).values(name="nightly", owner=f"{socket.gethostname()}:"
                                          f"{proc.pid}:1:dead", acquired_at=_now(),
                                          heartbeat_at=_now()))
    with store.lock("nightly"):  # the dead process's lock is broken at once, no TTL wait
        with pytest.raises(StoreError, match="another run holds"):
            with store.lock("nightly"):  # our own live lock is respected
                pass
    store.close()


# ----------------------------------------------------------------------------- demo flow

def test_demo_run_summary_exports_artifact_and_second_run_is_cached(reference, tmp_path):
    s = reference["summary"]
    assert s["status"] == "success" and s["fetched"] == 40 and s["inserted"] == 40
    assert s["extracted"] == 40 and s["batches"] == 4
    assert s["edges_before"] == 0 and s["edges_after"] == s["new_edges"] > 0
    assert s["top_new_edges"] and len(s["top_new_edges"]) <= report.TOP_NEW_EDGES
    assert s["failed_articles"] == []
    beliefs = [e["belief"] for e in s["top_new_edges"]]
    assert beliefs == sorted(beliefs, reverse=True)
    assert set(s["timings"]) == {"ingest", "extract", "graph", "exports"}
    exports = reference["root"] / "exports"
    assert (exports / "mscgraph_latest.graphml").is_file()
    assert Path(s["exports"]["graphml"]).name.startswith("mscgraph_20")
    assert len(reference["edges"]) == s["edges_after"]
    for label in ("evidence_map_csv_latest", "evidence_map_png_latest", "digest"):
        assert Path(s["exports"][label]).is_file(), label
    assert s["digest"].startswith("# mscgraph: what's new") and "## New mechanisms" in s["digest"]

    # a second run over the same store: nothing new to extract, no new edges
    again = nf.nightly(source="demo", database_url=reference["url"],
                       export_dir=str(exports), batch_size=10)
    assert again["unchanged"] == 40 and again["inserted"] == 0
    assert again["extracted"] == 0 and again["batches"] == 0
    assert again["edges_before"] == again["edges_after"] == s["edges_after"]
    assert again["new_edges"] == 0 and again["top_new_edges"] == []
    md = latest_summary_markdown()
    assert "**success**" in md and "| articles extracted | 0 |" in md
    assert "0 new mechanisms, 0 belief changed" in again["digest"]
    assert "## mscgraph: what's new" in md and "mscgraph_latest.graphml" in again["digest"]


def test_dask_two_workers_gives_the_same_graph(reference, tmp_path):
    url = sqlite_url(tmp_path / "dask.sqlite")
    t0 = time.monotonic()
    s = nf.nightly(source="demo", database_url=url, export_dir=str(tmp_path / "exp"),
                   task_runner="dask", workers=2, batch_size=5)
    assert s["status"] == "success" and s["extracted"] == 40 and s["batches"] == 8
    assert runtime.open_store(url).count_extractions() == 40
    assert time.monotonic() - t0 < 90
    assert_same_graph(url, reference["url"])


def test_one_worker_in_process_gives_the_graph_of_worker_processes(reference, tmp_path):
    """The reference ran its 4 batches in 2 worker processes (the default on 2+ cores); here
    one process does all, in spans of PMIDs read from the store."""
    from pipeline.ingest import ingest_demo
    url = sqlite_url(tmp_path / "one.sqlite")
    s = nf.nightly(source="demo", database_url=url, export_dir=str(tmp_path / "e"),
                   batch_size=10, workers=1)
    assert s["status"] == "success" and s["extracted"] == 40 and s["batches"] == 4
    assert_same_graph(url, reference["url"])
    fresh = sqlite_url(tmp_path / "fresh.sqlite")  # batches by reference: two PMIDs each
    ingest_demo(runtime.open_store(fresh))
    spans = nf.list_pending.fn(fresh, 15)
    assert [len(span) for span in spans] == [2, 2, 2] and spans[0][0] < spans[0][1] < spans[1][0]


def test_xml_source_on_process_pool_and_in_memory_store_rules(harness, tmp_path):
    demo = REPO / "corpora" / "demo" / "demo_pubmed.xml"
    url = sqlite_url(tmp_path / "x.sqlite")
    s = nf.nightly(source=f"xml:{demo}", database_url=url, export_dir=str(tmp_path / "e"),
                   batch_size=20, task_runner="process", workers=2)
    assert s["fetched"] == 40 and s["extracted"] == 40 and s["ingest"][0]["name"] == "xml"
    assert s["batches"] == 2 and runtime.open_store(url).count_extractions() == 40
    with pytest.raises(Exception, match="in-memory"):
        nf.nightly(source="demo", database_url="sqlite://", task_runner="process",
                   export_dir=str(tmp_path / "e2"))


def fresh_postgres_url() -> str:
    """``MSCGRAPH_TEST_POSTGRES_URL`` with the mscgraph tables dropped (skips without it)."""
    url = os.environ.get("MSCGRAPH_TEST_POSTGRES_URL", "")
    if not url:
        pytest.skip("PostgreSQL tests need MSCGRAPH_TEST_POSTGRES_URL (start a server with "
                    "'eval \"$(bash scripts/ci_postgres.sh)\"')")
    from sqlalchemy import create_engine
    from pipeline.store import metadata
    old = runtime._STORES.pop(url, None)
    if old is not None:
        old.close()
    engine = create_engine(url)
    metadata.drop_all(engine)
    engine.dispose()
    return url


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres",
                                                            marks=pytest.mark.postgres)])
def test_concurrent_runs_do_not_corrupt_the_store(backend, reference, tmp_path):
    url = sqlite_url(tmp_path / "two.sqlite") if backend == "sqlite" else fresh_postgres_url()
    outcomes: list[object] = []

    def go(i: int) -> None:
        try:
            outcomes.append(nf.nightly(source="demo", database_url=url, batch_size=10,
                                       export_dir=str(tmp_path / f"exp{i}")))
        except Exception as exc:  # the loser of the lock race fails cleanly
            outcomes.append(exc)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=240)
    ok = [o for o in outcomes if isinstance(o, dict)]
    failed = [o for o in outcomes if not isinstance(o, dict)]
    assert len(outcomes) == 2 and ok
    assert all("another run holds lock" in str(e) for e in failed), failed
    store = runtime.open_store(url)
    assert store.count_articles() == 40 and store.count_extractions() == 40
    # the lock is free again
    assert nf.nightly(source="demo", database_url=url, batch_size=10,
                      export_dir=str(tmp_path / "exp3"))["status"] == "success"
    assert_same_graph(url, reference["url"])


# ----------------------------------------------------------------------------- poison records

def test_oversized_and_adversarial_articles_do_not_stop_the_run(harness, tmp_path, monkeypatch):
    """Among good records, one longer than ``max_chars`` and one the extractor raises on (an
    adversarial text, simulated by a fault injected for its marker word): the run succeeds,
    exports are written, both are listed as failed and skipped by the next run."""
    from pipeline.extract import Extractor
    records = make_records(8)
    big, bad = records[2].pmid, records[5].pmid
    records[2].title_suffix = " long" * 1000
    records[5].title_suffix = " POISONWORD"
    xml = tmp_path / "poison.xml"
    xml.write_text(article_set(records), encoding="utf-8")
    real = Extractor._to_extraction

    def fragile(self, doc, doc_id, text, article):
        if "POISONWORD" in text:
            raise ValueError("adversarial text")
        return real(self, doc, doc_id, text, article)

    monkeypatch.setattr(Extractor, "_to_extraction", fragile)
    url, out = sqlite_url(tmp_path / "poison.sqlite"), tmp_path / "exp"
    s = nf.nightly(source=f"xml:{xml}", database_url=url, export_dir=str(out), batch_size=4,
                   max_chars=2000, workers=1)  # the fault is injected in this process
    assert s["status"] == "success" and s["extracted"] == 6
    failed = {f["pmid"]: f["reason"] for f in s["failed_articles"]}
    assert set(failed) == {big, bad}
    assert failed[big].startswith("too long") and "adversarial text" in failed[bad]
    assert (out / "mscgraph_latest.graphml").is_file() and s["edges_after"] > 0
    md = latest_summary_markdown()
    assert "| articles failed | 2 |" in md and f"| {bad} | ValueError: adversarial text |" in md
    again = nf.nightly(source=f"xml:{xml}", database_url=url, export_dir=str(out),
                       max_chars=2000)
    assert again["extracted"] == 0 and again["failed_articles"] == []


# ----------------------------------------------------------------------------- secrets

def _prefect_database_bytes() -> bytes:
    """The test harness's Prefect database file (with its WAL), as raw bytes."""
    from prefect.settings import PREFECT_API_DATABASE_CONNECTION_URL
    url = PREFECT_API_DATABASE_CONNECTION_URL.value()
    path = Path(url.split(":///", 1)[1])
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.is_file())


def _flow_run_parameters() -> str:
    import json
    from prefect import get_client

    async def read() -> list:
        async with get_client() as client:
            return [r.parameters for r in await client.read_flow_runs(limit=200)]
    import asyncio
    return json.dumps(asyncio.run(read()), default=str)


def test_no_api_key_or_pmid_list_reaches_prefect(harness, tmp_path, monkeypatch):
    monkeypatch.setenv("NCBI_API_KEY", "h4-api-key-never-stored")
    url = sqlite_url(tmp_path / "keys.sqlite")
    s = nf.run_nightly(source="demo", database_url=url, export_dir=str(tmp_path / "e"),
                       batch_size=10)
    assert s["status"] == "success" and s["batches"] == 4
    params = _flow_run_parameters()
    assert "h4-api-key-never-stored" not in params and "90000001" not in params
    raw = _prefect_database_bytes()
    assert b"nightly-demo" in raw and b"h4-api-key-never-stored" not in raw


@pytest.mark.postgres
def test_store_password_never_reaches_prefect(harness, tmp_path, monkeypatch):
    base = fresh_postgres_url()  # loopback trust authentication: any password is accepted
    scheme, rest = base.split("://", 1)
    user, host = rest.split("@", 1)
    secret_url = f"{scheme}://{user.split(':')[0]}:h4-Pw-never-stored@{host}"
    monkeypatch.setenv("MSCGRAPH_DATABASE_URL", "sqlite://")  # restored after the test
    monkeypatch.setenv("NCBI_API_KEY", "h4-api-key-never-stored")
    s = nf.run_nightly(source="demo", database_url=secret_url, export_dir=str(tmp_path / "e"),
                       batch_size=20, task_runner="process", workers=2)
    assert s["status"] == "success" and s["extracted"] == 40
    assert "h4-Pw-never-stored" not in repr(s) and ":***@" in s["database"]
    assert "h4-Pw-never-stored" not in _flow_run_parameters()
    raw = _prefect_database_bytes()
    assert b"nightly-demo" in raw  # the right database: it holds the run
    assert b"h4-Pw-never-stored" not in raw and b"h4-api-key-never-stored" not in raw


# ----------------------------------------------------------------------------- PubMed source

def _eutils(srv: EutilsReplayServer, **kw: object) -> dict:
    return {"eutils_url": srv.base_url, "email": "tests@example.org", "backoff": 0.01,
            **kw}


def test_failed_night_is_visible_and_next_night_catches_up(harness, tmp_path):
    url = sqlite_url(tmp_path / "pm.sqlite")
    today = dt.date.today()
    with EutilsReplayServer.running(make_records(30, per_day=10)) as srv:
        common = dict(source="pubmed", queries=["msc_liver"], database_url=url,
                      export_dir=str(tmp_path / "exp"), batch_size=10,
                      retry_delay_seconds=0.0)
        first = nf.nightly(**common, settings=_eutils(srv))
        assert first["status"] == "success" and first["inserted"] == 30
        store = runtime.open_store(url)
        mark = store.get_watermark("msc_liver")
        assert mark == today.isoformat()

        # new records appear; the next night NCBI is down for good
        srv.add(make_records(5, start_pmid=31_000_001, first_day=today))
        srv.inject("503", "esearch", times=None)
        state = nf.nightly(**common, settings=_eutils(srv, max_tries=1), network_retries=2,
                           return_state=True)
        assert state.is_failed()
        assert len(srv.hits_for("esearch")) >= 1 + 3  # first night + 1 try + 2 Prefect retries
        md = latest_summary_markdown()
        assert "**failed**" in md and "FetchError" in md
        assert "| msc_liver | 0 | 0 | 0 | 0 | failed |" in md  # the other stages still ran
        assert store.get_watermark("msc_liver") == mark
        assert store.count_articles() == 30

        # the night after: the service is back, the new records are caught up
        srv.clear_faults()
        third = nf.nightly(**common, settings=_eutils(srv))
        assert third["status"] == "success" and third["inserted"] == 5
        assert store.count_articles() == 35 and store.count_extractions() == 35
        runs = [r.status for r in store.iter_runs("msc_liver")]  # one per Prefect try
        assert runs == ["success", "failed", "failed", "failed", "success"]


def test_permanent_fetch_error_is_not_retried_and_other_queries_go_on(harness, tmp_path):
    url = sqlite_url(tmp_path / "p.sqlite")
    with EutilsReplayServer.running(make_records(5)) as srv:
        srv.inject("404", "esearch", times=1)
        state = nf.nightly(source="pubmed", queries=["msc_liver", "msc_liver_vesicles"],
                           database_url=url, export_dir=str(tmp_path / "e"),
                           settings=_eutils(srv), retry_delay_seconds=0.0, return_state=True)
        assert state.is_failed()
        from pipeline.ingest import load_queries
        term = load_queries()["msc_liver"].term
        assert sum(h.params.get("term") == term for h in srv.hits_for("esearch")) == 1
    store = runtime.open_store(url)
    assert store.count_articles() == store.count_extractions() == 5
    assert store.get_watermark("msc_liver") is None
    assert store.get_watermark("msc_liver_vesicles") == dt.date.today().isoformat()
    assert (tmp_path / "e" / "mscgraph_latest.graphml").is_file()
    with pytest.raises(Exception, match="unknown query"):
        nf.nightly(source="pubmed", queries=["nope"], database_url=sqlite_url(tmp_path / "q"),
                   export_dir=str(tmp_path / "e"))


# ----------------------------------------------------------------------------- kill and resume

_CHILD = """
import sys
from flows.nightly import nightly
nightly(source=sys.argv[1], database_url=sys.argv[2], export_dir=sys.argv[3],
        batch_size=int(sys.argv[4]), queries=["msc_liver"] if sys.argv[1] == "pubmed" else None,
        settings={"eutils_url": sys.argv[5], "email": "t@example.org", "batch_size": 10}
        if sys.argv[1] == "pubmed" else None)
"""


def _spawn(harness: str, args: list[str]) -> subprocess.Popen:
    env = dict(os.environ, PREFECT_API_URL=harness, PREFECT_LOGGING_LEVEL="WARNING",
               PREFECT_SERVER_ANALYTICS_ENABLED="false")
    return subprocess.Popen([sys.executable, "-c", _CHILD, *args], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _kill_when(proc: subprocess.Popen, ready, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            raise AssertionError(f"child ended before the kill point: "
                                 f"{proc.stderr.read().decode()[-2000:]}")
        assert time.monotonic() < deadline, "kill point not reached"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()


def test_killed_after_first_extraction_batch_then_rerun(harness, reference, tmp_path):
    url = sqlite_url(tmp_path / "kill.sqlite")
    proc = _spawn(harness, ["demo", url, str(tmp_path / "e"), "5", ""])
    probe = Store(url)
    _kill_when(proc, lambda: _safe(probe.count_extractions) >= 5)
    assert probe.count_articles() == 40 and 5 <= probe.count_extractions() < 40
    assert _stored_versions(url) == {extractor_version()}
    s = nf.nightly(source="demo", database_url=url, export_dir=str(tmp_path / "e"),
                   batch_size=5, lock_timeout=5)
    assert s["status"] == "success" and s["inserted"] == 0 and s["unchanged"] == 40
    assert 0 < s["extracted"] <= 35  # the batches the killed run committed are kept
    assert probe.count_extractions() == 40
    probe.close()
    assert_same_graph(url, reference["url"])


def test_killed_during_ingest_then_rerun(harness, tmp_path):
    records = make_records(120, per_day=40)
    killed, clean = sqlite_url(tmp_path / "k.sqlite"), sqlite_url(tmp_path / "c.sqlite")
    with EutilsReplayServer.running(records) as srv:
        srv.inject("slow", "efetch", times=None, delay=0.3)
        proc = _spawn(harness, ["pubmed", killed, str(tmp_path / "e1"), "40", srv.base_url])
        probe = Store(killed)
        _kill_when(proc, lambda: _safe(probe.count_articles) >= 20)
        assert 20 <= probe.count_articles() < 120
        assert [r.status for r in probe.iter_runs("msc_liver")] == ["running"]
        srv.clear_faults()
        common = dict(source="pubmed", queries=["msc_liver"], batch_size=40,
                      settings=_eutils(srv, batch_size=50))
        s = nf.nightly(database_url=killed, export_dir=str(tmp_path / "e1"), **common)
        assert s["status"] == "success" and probe.count_articles() == 120
        nf.nightly(database_url=clean, export_dir=str(tmp_path / "e2"), **common)
    clean_store = runtime.open_store(clean)
    assert [a.pmid for a in probe.iter_articles()] == [a.pmid for a in clean_store.iter_articles()]
    assert probe.count_extractions() == clean_store.count_extractions() == 120
    probe.close()
    assert_same_graph(killed, clean)


def _stored_versions(url: str) -> set[str]:
    from sqlalchemy import select
    from pipeline.store import extractions
    with runtime.open_store(url).engine.connect() as conn:
        return set(conn.execute(select(extractions.c.extractor_version)).scalars())


def _safe(fn) -> int:
    try:
        return fn()
    except StoreError:  # the child may hold a write transaction for a moment
        return 0


# ----------------------------------------------------------------------------- schedule + CLI

def test_deployment_has_the_cron_schedule_and_timezone():
    from flows.deployments import _params, build_deployment
    d = build_deployment(cron="0 2 * * *", timezone="Europe/Berlin",
                         parameters={"source": "demo"})
    sched = d.schedules[0].schedule
    assert (sched.cron, sched.timezone) == ("0 2 * * *", "Europe/Berlin")
    assert d.name == "nightly-serve" and d.parameters == {"source": "demo"}
    assert d.description.endswith("cron 0 2 * * * in Europe/Berlin")
    assert _params(["queries=[\"msc_liver\"]", "x=y"]) == {"queries": ["msc_liver"], "x": "y"}


def test_prefect_yaml_declares_its_own_deployment_with_the_time_zone():
    import yaml
    from flows.deployments import DEPLOYMENT_NAME, describe
    conf = yaml.safe_load((REPO / "prefect.yaml").read_text())
    dep = conf["deployments"][0]
    assert dep["entrypoint"] == "flows/nightly.py:nightly"
    sched = dep["schedules"][0]
    assert sched["cron"] == "0 2 * * *"
    # the two routes must not overwrite each other's deployment
    assert dep["name"] == "nightly-pool" != DEPLOYMENT_NAME
    assert dep["description"] == describe(sched["cron"], sched["timezone"])


def test_cli_run_demo(harness, tmp_path, capsys):
    from pipeline.cli import main
    url = sqlite_url(tmp_path / "cli.sqlite")
    code = main(["run", "--source", "demo", "--database-url", url, "--export-dir",
                 str(tmp_path / "out"), "--batch-size", "20"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "nightly run: success" in out and "articles extracted" in out
    assert f"exports in {tmp_path / 'out'}" in out and "mscgraph_latest.graphml" in out
    assert main(["run", "--source", "ftp"]) == 1


def test_cli_run_without_the_flow_entry_point_says_what_to_do(monkeypatch):
    import importlib.metadata
    from pipeline.cli.run_cmd import load_flow
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda **kw: [])
    with pytest.raises(ConfigError, match="pip install -e"):
        load_flow("nightly")


def test_demo_source_defaults_to_its_own_store_and_export_dir():
    from pipeline.cli import build_parser
    from pipeline.cli.run_cmd import flow_params
    from pipeline.config import DEMO_DATABASE_URL, DEMO_EXPORT_DIR, demo_locations
    params = flow_params(build_parser().parse_args(["run", "--source", "demo"]))
    assert params["database_url"] is None and params["export_dir"] is None  # the flow decides
    assert demo_locations() == (DEMO_DATABASE_URL, str(DEMO_EXPORT_DIR))
    params = flow_params(build_parser().parse_args(["run", "--database-url", "sqlite://"]))
    assert params["database_url"] == "sqlite://" and params["export_dir"] is None


def test_demo_flow_run_keeps_out_of_the_real_store(reference, tmp_path, monkeypatch):
    """A deployment run with ``source=demo`` on a worker configured for the real store."""
    import sqlite3
    import pipeline.config
    demo_db, real_db = tmp_path / "demo.sqlite", tmp_path / "real.sqlite"
    with sqlite3.connect(reference["url"].split(":///", 1)[1]) as src, \
            sqlite3.connect(demo_db) as dst:
        src.backup(dst)  # the reference's demo store: nothing left to extract
    monkeypatch.setattr(pipeline.config, "DEMO_DATABASE_URL", sqlite_url(demo_db))
    monkeypatch.setattr(pipeline.config, "DEMO_EXPORT_DIR", tmp_path / "demo_exports")
    monkeypatch.setenv("MSCGRAPH_DATABASE_URL", sqlite_url(real_db))
    monkeypatch.setenv("MSCGRAPH_EXPORT_DIR", str(tmp_path / "real_exports"))
    s = nf.nightly(source="demo", batch_size=20)
    assert s["status"] == "success" and s["unchanged"] == 40 and s["extracted"] == 0
    assert s["database"] == sqlite_url(demo_db)
    assert (tmp_path / "demo_exports" / "mscgraph_latest.html").is_file()
    assert not real_db.exists() and not (tmp_path / "real_exports").exists()
