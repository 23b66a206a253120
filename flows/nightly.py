"""The ``nightly`` flow: ingest -> extract -> graph -> exports, with a summary artifact.

Every task is a call of one :mod:`pipeline` function; the summary is :mod:`pipeline.report`'s.
Ingest is ``ingest-query`` per named query (retried only on a *transient*
:class:`~pipeline.errors.FetchError`; a query that still fails does not stop the others, the
run then ends *Failed*) or ``ingest-files`` for ``demo`` / ``xml:PATH[,PATH]``. The sub-flow
``extract-stage`` reads the pending PMIDs from the store and maps ``extract-batch`` over them on
the chosen task runner (threads, processes or Dask); an article the extractor fails on is
recorded and listed in the summary, never failing its batch. Then ``build-graph`` and
``write-exports``. The whole run holds the store lock ``"nightly"``.

Prefect stores flow parameters: the database URL passed here must not hold a password (give
it in ``MSCGRAPH_DATABASE_URL``, which every worker reads; :func:`run_nightly` does that), and
no PMID list is ever a parameter. No result caching: the store is the cache.

Example
-------
>>> parse_source("xml:a.xml,b.xml.gz")
('xml', ['a.xml', 'b.xml.gz'])
"""
from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff
from sqlalchemy.engine import make_url

from pipeline import report
from pipeline.config import Settings
from pipeline.errors import ConfigError, FetchError
from pipeline.extract import (DEFAULT_MAX_CHARS, ExtractReport, extract_pmids, extractor_version,
                              pending_articles)
from pipeline.graph import KnowledgeGraph
from pipeline.ingest import NamedQuery, ingest_demo, ingest_query, ingest_xml_files, load_queries
from pipeline.progress import batched
from pipeline.pubmed_client import EutilsClient
from pipeline.store import Store

__all__ = ["nightly", "extract_stage", "run_nightly", "ingest_query_task", "ingest_files_task",
           "list_pending", "extract_batch", "build_graph", "write_exports_task", "open_store",
           "resolve_database", "make_task_runner", "parse_source", "is_transient",
           "retry_on_transient_fetch", "SUMMARY_KEY", "LOCK_NAME", "TASK_RUNNERS"]

SUMMARY_KEY = "mscgraph-nightly-summary"
LOCK_NAME = "nightly"
TASK_RUNNERS = ("thread", "process", "dask")
#: Settings a caller may override per run (never the API key: it comes from NCBI_API_KEY).
SETTINGS_OVERRIDES = ("eutils_url", "email", "timeout", "max_tries", "backoff", "batch_size")
_NO_CACHE = dict(cache_policy=NO_CACHE, persist_result=False)


def parse_source(source: str) -> tuple[str, list[str]]:
    """Split ``"pubmed" | "demo" | "xml:PATH[,PATH]"`` into ``(kind, paths)``."""
    kind, _, rest = (source or "pubmed").partition(":")
    kind = kind.strip().lower()
    paths = [p.strip() for p in rest.split(",") if p.strip()]
    if (kind in ("pubmed", "demo") and not rest) or (kind == "xml" and paths):
        return kind, paths
    raise ConfigError(f"unknown source {source!r}; use 'pubmed', 'demo' or 'xml:PATH[,PATH]'")


def is_transient(exc: BaseException) -> bool:
    """Whether a fetch error is worth retrying later (NCBI down, rate limit, timeouts).

    >>> is_transient(FetchError("HTTP 400 Bad Request (not retried)", transient=False))
    False
    """
    return isinstance(exc, FetchError) and exc.transient


def retry_on_transient_fetch(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect ``retry_condition_fn``: retry only a transient :class:`FetchError`."""
    try:
        state.result()
    except Exception as exc:  # the task's exception is re-raised by result()
        return is_transient(exc)
    return False


def _public(url: str) -> str:
    """``url`` with its password, if any, shown as ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL: the store will say so
        return url


def resolve_database(database: str | None) -> str:
    """The store URL for a flow parameter: ``None`` or the redacted form of
    ``MSCGRAPH_DATABASE_URL`` mean that variable; a URL without a password is itself."""
    env_url = Settings.from_env().database_url
    if not database or database == _public(env_url):
        return env_url
    if ":***@" in database:
        raise ConfigError(f"the store URL {database} names MSCGRAPH_DATABASE_URL with its "
                          "password hidden, but that variable holds another URL on this "
                          "worker: set it to the full URL of that store")
    if _public(database) != database:
        raise ConfigError(f"the store URL {_public(database)} holds a password; Prefect would "
                          "store it with the run: set MSCGRAPH_DATABASE_URL instead (or use "
                          "mscgraph run / flows.nightly.run_nightly, which do)")
    return database


_STORES: dict[str, Store] = {}
_STORES_LOCK = threading.Lock()


def open_store(database: str | None) -> Store:
    """One :class:`Store` per URL and process (engines are thread-safe and pool connections)."""
    url = resolve_database(database)
    with _STORES_LOCK:
        if url not in _STORES:
            _STORES[url] = Store(url)
        return _STORES[url]


def make_task_runner(kind: str = "thread", *, dask_address: str | None = None,
                     workers: int | None = None) -> TaskRunner:
    """Threads (default; they take turns on the pipeline), processes, or Dask (a local cluster
    of ``workers`` processes, or the scheduler at ``dask_address``) for extraction."""
    kind = (kind or "thread").lower()
    if kind == "thread":
        return ThreadPoolTaskRunner(max_workers=workers or 2)
    if kind == "process":
        return ProcessPoolTaskRunner(max_workers=workers or min(4, os.cpu_count() or 1))
    if kind == "dask":
        from prefect_dask import DaskTaskRunner
        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers or 2, "processes": True,
                                              "threads_per_worker": 1, "dashboard_address": None})
    raise ConfigError(f"unknown task runner {kind!r}; choose one of {', '.join(TASK_RUNNERS)}")


def _settings(database: str | None, overrides: dict[str, Any] | None) -> Settings:
    unknown = set(overrides or {}) - set(SETTINGS_OVERRIDES)
    if unknown:
        raise ConfigError(f"unknown settings override(s) {sorted(unknown)}; allowed: "
                          f"{', '.join(SETTINGS_OVERRIDES)} (the API key comes from "
                          "NCBI_API_KEY only)")
    return Settings.from_env(database_url=resolve_database(database), **(overrides or {}))


# ----------------------------------------------------------------------------- tasks

@task(name="ingest-query", task_run_name="ingest-{query.name}", retries=3,
      retry_delay_seconds=exponential_backoff(backoff_factor=30), retry_jitter_factor=0.2,
      retry_condition_fn=retry_on_transient_fetch, timeout_seconds=6 * 3600, **_NO_CACHE)
def ingest_query_task(database: str | None, query: NamedQuery,
                      settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """New and revised PubMed records of ``query`` since its high-water mark (network)."""
    client = EutilsClient(_settings(database, settings))
    return report.ingest_row(ingest_query(open_store(database), client, query))


@task(name="ingest-files", timeout_seconds=6 * 3600, **_NO_CACHE)
def ingest_files_task(database: str | None, paths: list[str] | None = None) -> dict[str, Any]:
    """The demo corpus (``paths=None``) or PubMed XML files into the store (no network)."""
    store = open_store(database)
    return report.ingest_row(ingest_demo(store) if paths is None
                             else ingest_xml_files(store, paths))


@task(name="list-pending", timeout_seconds=600, **_NO_CACHE)
def list_pending(database: str | None, batch_size: int) -> list[list[str]]:
    """PMIDs whose extraction is missing or stale (not failed before), in batches."""
    pending = pending_articles(open_store(database), extractor_version())
    return list(batched((a.pmid for a in pending), batch_size))


@task(name="extract-batch", task_run_name="extract-{pmids[0]}", timeout_seconds=3600,
      **_NO_CACHE)
def extract_batch(database: str | None, pmids: list[str],
                  max_chars: int = DEFAULT_MAX_CHARS) -> ExtractReport:
    """Extract one batch of stored articles and save the extractions (failures recorded)."""
    return extract_pmids(open_store(database), pmids, max_chars=max_chars)


@task(name="build-graph", timeout_seconds=2 * 3600, **_NO_CACHE)
def build_graph(database: str | None) -> KnowledgeGraph:
    """Assemble the knowledge graph from every stored extraction."""
    return KnowledgeGraph.from_store(open_store(database))


@task(name="write-exports", timeout_seconds=3600, **_NO_CACHE)
def write_exports_task(kg: KnowledgeGraph, export_dir: str) -> dict[str, str]:
    """Dated and ``latest`` GraphML / Cytoscape.js / CSV exports."""
    from pipeline.exports import write_exports
    return {k: str(p) for k, p in write_exports(kg, export_dir).items()}


# ----------------------------------------------------------------------------- flows

@flow(name="extract-stage", flow_run_name="extract-{database_label}",
      task_runner=ThreadPoolTaskRunner(max_workers=2), persist_result=False)
def extract_stage(database: str | None, batch_size: int, max_chars: int = DEFAULT_MAX_CHARS,
                  database_label: str = "store") -> dict[str, Any]:
    """Map :func:`extract_batch` over the pending PMIDs (read here from the store)."""
    pmid_batches = list_pending(database, batch_size)
    results = (extract_batch.map(unmapped(database), pmid_batches, unmapped(max_chars)).result()
               if pmid_batches else [])
    done = sum(results, ExtractReport())
    return done.as_dict() | {"batches": len(pmid_batches)}


def _ingest(kind: str, paths: list[str], queries: list[str] | None, database: str | None,
            settings: dict[str, Any] | None, retries: int, delay: float
            ) -> tuple[list[dict[str, Any]], list[Exception]]:
    if kind != "pubmed":
        return [ingest_files_task(database, paths if kind == "xml" else None)], []
    known = load_queries()
    unknown = [n for n in queries or () if n not in known]
    if unknown:
        raise ConfigError(f"unknown query {', '.join(unknown)}; known: "
                          f"{', '.join(known) or 'none'}")
    ingest = ingest_query_task.with_options(
        retries=retries, retry_delay_seconds=exponential_backoff(backoff_factor=delay))
    rows, failures = [], []
    for name in queries or list(known):  # a failed query does not stop the others
        try:
            rows.append(ingest(database, known[name], settings))
        except Exception as exc:
            get_run_logger().error("ingest of %s failed: %s", name, exc)
            failures.append(exc)
            rows.append({"name": name, "status": "failed",
                         **dict.fromkeys(report.INGEST_COUNTS, 0)})
    return rows, failures


@contextmanager
def _timed(summary: dict[str, Any], stage: str) -> Iterator[None]:
    t0 = time.monotonic()
    yield
    summary["timings"][stage] = time.monotonic() - t0


@flow(name="mscgraph-nightly", flow_run_name="nightly-{source}", persist_result=False)
def nightly(source: str = "pubmed", queries: list[str] | None = None,
            database_url: str | None = None, export_dir: str | None = None,
            task_runner: str = "thread", dask_address: str | None = None,
            batch_size: int = 50, workers: int | None = None,
            settings: dict[str, Any] | None = None, lock_timeout: float = 0.0,
            network_retries: int = 3, retry_delay_seconds: float = 30.0,
            max_chars: int = DEFAULT_MAX_CHARS) -> dict[str, Any]:
    """Ingest new/revised records, extract what is new or stale, rebuild the graph, export.

    ``database_url`` is a URL without password, or None for ``MSCGRAPH_DATABASE_URL``;
    ``settings`` overrides :data:`SETTINGS_OVERRIDES` (never the API key); the other
    parameters are those of ``mscgraph run``. Returns the summary (also the artifact).
    """
    kind, paths = parse_source(source)
    url = resolve_database(database_url)
    in_memory = url.rstrip("/") in ("sqlite:", "sqlite:/") or "memory" in url
    if in_memory and task_runner != "thread":
        raise ConfigError("an in-memory SQLite store cannot be shared with worker processes; "
                          "use a file (sqlite:///path.sqlite) or PostgreSQL URL")
    runner = make_task_runner(task_runner, dask_address=dask_address, workers=workers)
    out_dir = Path(export_dir) if export_dir else Settings.from_env().export_dir
    summary = report.new_summary(
        source=source, database=_public(url), export_dir=str(out_dir), task_runner=task_runner,
        flow_run_id=str(get_run_context().flow_run.id), extractor_version=extractor_version())
    try:
        with open_store(database_url).lock(LOCK_NAME, timeout=lock_timeout):
            with _timed(summary, "ingest"):
                rows, failures = _ingest(kind, paths, queries, database_url, settings,
                                         network_retries, retry_delay_seconds)
            report.add_ingest(summary, rows)
            with _timed(summary, "extract"):
                stage = extract_stage.with_options(task_runner=runner)
                report.add_extraction(summary, stage(database_url, batch_size, max_chars,
                                                     database_label=kind))
            with _timed(summary, "graph"):
                before, kg = report.previous_graph(out_dir), build_graph(database_url)
            report.add_graph(summary, before, kg)
            with _timed(summary, "exports"):
                summary["exports"] = write_exports_task(kg, str(out_dir))
        if failures:  # what was fetched is processed; the night still counts as failed
            raise failures[0]
        summary["status"] = "success"
    except BaseException as exc:
        summary.update(status="failed", error=f"{type(exc).__name__}: {exc}")
        raise
    finally:
        _publish(summary)
    return summary


def _publish(summary: dict[str, Any]) -> None:
    try:
        create_markdown_artifact(key=SUMMARY_KEY, markdown=report.summary_markdown(summary),
                                 description=f"mscgraph nightly run: {summary['status']}")
    except Exception as exc:  # the summary must never hide the real outcome
        get_run_logger().warning("could not publish the summary artifact: %s", exc)


def run_nightly(*, database_url: str | None = None, **params: Any) -> dict[str, Any]:
    """Run :func:`nightly` once in this process and return its summary (raises on failure).

    A store URL with a password goes to ``MSCGRAPH_DATABASE_URL`` of this process (and so of
    the workers it starts), the flow gets its redacted form: Prefect never stores it.
    """
    parse_source(params.get("source", "pubmed"))  # fail fast, before Prefect starts
    if database_url and _public(database_url) != database_url:
        os.environ["MSCGRAPH_DATABASE_URL"] = database_url
        database_url = _public(database_url)
    return nightly(database_url=database_url, **params)
