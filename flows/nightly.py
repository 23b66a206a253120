"""The ``nightly`` flow: ingest -> extract -> graph -> exports, with a summary artifact.

Each task calls one :mod:`pipeline` function; the summary is :mod:`pipeline.report`'s. Ingest
(``ingest-query`` per named query, retried only on a *transient* fetch error, a failed query not
stopping the others; or ``ingest-files``), then the sub-flow ``extract-stage`` (``list-pending``
cuts the pending articles into PMID spans, ``extract-batch`` extracts one span, reading its
articles from the store; mapped on threads that hand the work to worker processes, or on
Prefect's process or Dask runners; a failing article is recorded and listed, never failing its
batch), ``build-graph``, ``write-exports``, all under the store lock ``"nightly"``. No result
caching: the store is the cache. Prefect stores flow and task parameters, so no PMID list is
one (a batch is two PMIDs, whatever the size of the store), nor a store password (see
:mod:`flows.runtime`).
``source="demo"`` keeps its own store and exports unless given others
(:func:`pipeline.config.demo_locations`), whoever starts the run: CLI, deployment or UI.

No task has ``timeout_seconds``: Prefect cannot stop a synchronous task running in a worker
thread (the default runner), so a timeout there would only be logged as unenforceable. What
bounds the work instead: E-utilities requests have a deadline each
(``MSCGRAPH_EUTILS_DEADLINE``), articles longer than ``max_chars`` are recorded as failed
instead of extracted, and a stuck run is stopped from outside (Prefect's *Cancel*, or
SIGTERM; the next run resumes where it stopped).

Example
-------
>>> summary = run_nightly(source="demo", database_url="sqlite:///demo.sqlite")  # doctest: +SKIP
>>> summary["status"], summary["failed_articles"]                           # doctest: +SKIP
('success', [])
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff
from prefect.utilities.annotations import quote

from pipeline import report
from pipeline.config import Settings, demo_locations
from pipeline.errors import ConfigError
from pipeline.extract import (DEFAULT_MAX_CHARS, ExtractReport, Span, extract_span,
                              extract_span_at, extractor_version, pending_spans)
from pipeline.graph import KnowledgeGraph
from pipeline.graph.state import STATE_FILE, update_graph
from pipeline.ingest import NamedQuery, ingest_demo, ingest_query, ingest_xml_files, load_queries
from pipeline.parallel import default_workers, is_in_memory, registered_pool, run_in_pool
from pipeline.pubmed_client import EutilsClient

from .runtime import (make_task_runner, open_store, parse_source, prefect_api, public_url,
                      resolve_database, retry_on_transient_fetch, settings_for,
                      sigterm_interrupts)

__all__ = ["nightly", "extract_stage", "run_extract_stage", "run_nightly", "ingest_query_task",
           "ingest_files_task", "list_pending", "extract_batch", "build_graph",
           "write_exports_task", "write_evidence_map_task", "write_digest_task", "SUMMARY_KEY",
           "LOCK_NAME", "DEFAULT_BATCH_SIZE"]

SUMMARY_KEY = "mscgraph-nightly-summary"
LOCK_NAME = "nightly"
#: Articles per extraction task: a Prefect task costs about 0.1 CPU-s on the process and
#: Dask runners (``benchmarks/bench_flow.py``), a few percent of extracting 500 articles.
DEFAULT_BATCH_SIZE = 500
_NO_CACHE = dict(cache_policy=NO_CACHE, persist_result=False)


# ----------------------------------------------------------------------------- tasks

@task(name="ingest-query", task_run_name="ingest-{query.name}", retries=3,
      retry_delay_seconds=exponential_backoff(backoff_factor=30), retry_jitter_factor=0.2,
      retry_condition_fn=retry_on_transient_fetch, **_NO_CACHE)
def ingest_query_task(database: str | None, query: NamedQuery,
                      settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """New and revised PubMed records of ``query`` since its high-water mark (network)."""
    client = EutilsClient(settings_for(database, settings))
    return report.ingest_row(ingest_query(open_store(database), client, query))


@task(name="ingest-files", **_NO_CACHE)
def ingest_files_task(database: str | None, paths: list[str] | None = None) -> dict[str, Any]:
    """The demo corpus (``paths=None``) or PubMed XML files into the store (no network)."""
    store = open_store(database)
    return report.ingest_row(ingest_demo(store) if paths is None
                             else ingest_xml_files(store, paths))


@task(name="list-pending", **_NO_CACHE)
def list_pending(database: str | None, batch_size: int, workers: int = 1) -> list[Span]:
    """Articles whose extraction is missing or stale (not failed before), as PMID spans of
    at most ``batch_size`` articles, the last ones smaller when ``workers`` share them."""
    return pending_spans(open_store(database), extractor_version(), batch_size,
                         workers=workers)


@task(name="extract-batch", task_run_name="extract-{span[0]}",
      **_NO_CACHE)
def extract_batch(database: str | None, span: Span, max_chars: int = DEFAULT_MAX_CHARS,
                  pool: str | None = None) -> ExtractReport:
    """Extract the pending articles of one PMID span and save them (failures recorded): in
    the worker processes registered as ``pool`` (see :mod:`pipeline.parallel`), else here."""
    if pool is None:
        return extract_span(open_store(database), *span, max_chars=max_chars)
    return run_in_pool(pool, extract_span_at, resolve_database(database), *span,
                       max_chars=max_chars)


@task(name="build-graph", **_NO_CACHE)
def build_graph(database: str | None, export_dir: str | None = None
                ) -> tuple[KnowledgeGraph, report.EdgesByKey | None]:
    """The knowledge graph of every stored extraction (the aggregates saved in ``export_dir``
    updated from what changed since, or built from scratch) and the edges of the previous
    graph: those saved, else those of the last GraphML export there (None: no previous)."""
    if export_dir is None:
        return KnowledgeGraph.from_store(open_store(database)), None
    kg, before = update_graph(open_store(database), Path(export_dir) / STATE_FILE)
    return kg, before if before is not None else report.previous_edges(export_dir)


@task(name="write-exports", **_NO_CACHE)
def write_exports_task(kg: KnowledgeGraph, export_dir: str,
                       digest: str | None = None) -> dict[str, str]:
    """Dated and ``latest`` GraphML / Cytoscape.js / CSV / HTML exports (the page shows
    ``digest``, the markdown of :func:`write_digest_task`)."""
    from pipeline.exports import write_exports
    return {k: str(p) for k, p in write_exports(kg, export_dir, digest=digest).items()}


@task(name="write-evidence-map", **_NO_CACHE)
def write_evidence_map_task(kg: KnowledgeGraph, export_dir: str) -> dict[str, str]:
    """Disease x mechanism evidence map as CSV and heatmap PNG (dated and ``latest``)."""
    return {k: str(p) for k, p in report.write_evidence_map(kg, export_dir).items()}


@task(name="write-digest", **_NO_CACHE)
def write_digest_task(before: report.EdgesByKey | None, kg: KnowledgeGraph, export_dir: str,
                      since: str | None = None) -> tuple[str, str]:
    """``mscgraph_digest_<date>.md``: what changed since the last export; (path, markdown)."""
    path, text = report.write_digest(before, kg, export_dir, since=since)
    return str(path), text


# ----------------------------------------------------------------------------- flows

@flow(name="extract-stage", flow_run_name="extract-{database_label}",
      task_runner=ThreadPoolTaskRunner(max_workers=2), persist_result=False)
def extract_stage(database: str | None, batch_size: int, max_chars: int = DEFAULT_MAX_CHARS,
                  database_label: str = "store", pool_workers: int = 1,
                  workers: int = 1) -> dict[str, Any]:
    """Map :func:`extract_batch` over the pending PMID spans (read here from the store), cut
    for ``workers`` sharing them; with ``pool_workers`` > 1 the batches run in that many
    worker processes of this one (the thread runner), else where the runner runs tasks."""
    spans = list_pending(database, batch_size, workers)
    with registered_pool(pool_workers if len(spans) > 1 else 1) as pool:
        results = (extract_batch.map(unmapped(database), spans, unmapped(max_chars),
                                     unmapped(pool)).result() if spans else [])
    done = sum(results, ExtractReport())
    return done.as_dict() | {"batches": len(spans)}


def run_extract_stage(database: str | None, *, task_runner: str = "thread",
                      workers: int | None = None, dask_address: str | None = None,
                      batch_size: int = DEFAULT_BATCH_SIZE, max_chars: int = DEFAULT_MAX_CHARS,
                      label: str = "store") -> dict[str, Any]:
    """:func:`extract_stage` on the runner ``task_runner`` with ``workers`` processes
    (default: the available cores), as :func:`nightly` runs it; its counts and ``batches``.

    >>> run_extract_stage("sqlite:///demo.sqlite", task_runner="process")  # doctest: +SKIP
    {'extracted': 40, 'mentions': ..., 'relations': ..., 'failed': [], 'batches': 1}
    """
    url = resolve_database(database)
    workers = workers or default_workers()
    runner = make_task_runner(task_runner, dask_address=dask_address, workers=workers,
                              store_url=url)
    # Threads take turns on one pipeline: behind the thread runner the work goes to worker
    # processes (not for an in-memory store, which they could not open).
    threads = (task_runner or "thread").lower() == "thread"
    pool_workers = workers if threads and not is_in_memory(url) else 1
    return extract_stage.with_options(task_runner=runner)(
        database, batch_size, max_chars, database_label=label, pool_workers=pool_workers,
        workers=workers)


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


@flow(name="mscgraph-nightly", flow_run_name="nightly-{source}", persist_result=False)
def nightly(source: str = "pubmed", queries: list[str] | None = None,
            database_url: str | None = None, export_dir: str | None = None,
            task_runner: str = "thread", dask_address: str | None = None,
            batch_size: int = DEFAULT_BATCH_SIZE, workers: int | None = None,
            settings: dict[str, Any] | None = None, lock_timeout: float = 0.0,
            network_retries: int = 3, retry_delay_seconds: float = 30.0,
            max_chars: int = DEFAULT_MAX_CHARS) -> dict[str, Any]:
    """Ingest new/revised records, extract what is new or stale, rebuild the graph, export.

    ``database_url`` is a URL without password, or None for ``MSCGRAPH_DATABASE_URL``;
    ``settings`` overrides :data:`~flows.runtime.SETTINGS_OVERRIDES` (never the API key);
    ``workers`` (default: the available cores) extraction processes: worker processes behind
    the threads of the default runner, Prefect's or Dask's processes otherwise; the other
    parameters are ``mscgraph run``'s. Returns the summary (also the artifact).
    """
    kind, paths = parse_source(source)
    if kind == "demo":  # never the real store of MSCGRAPH_DATABASE_URL
        database_url, export_dir = demo_locations(database_url, export_dir)
    url = resolve_database(database_url)
    make_task_runner(task_runner, store_url=url)  # fail fast, before ingest
    out_dir = Path(export_dir) if export_dir else Settings.from_env().export_dir
    summary = report.new_summary(
        source=source, database=public_url(url), export_dir=str(out_dir), task_runner=task_runner,
        flow_run_id=str(get_run_context().flow_run.id), extractor_version=extractor_version())
    try:
        with open_store(database_url).lock(LOCK_NAME, timeout=lock_timeout):
            with report.timed(summary, "ingest"):
                rows, failures = _ingest(kind, paths, queries, database_url, settings,
                                         network_retries, retry_delay_seconds)
            report.add_ingest(summary, rows)
            with report.timed(summary, "extract"):
                report.add_extraction(summary, run_extract_stage(
                    database_url, task_runner=task_runner, workers=workers,
                    dask_address=dask_address, batch_size=batch_size, max_chars=max_chars,
                    label=kind))
            with report.timed(summary, "graph"):
                kg, before = build_graph(database_url, str(out_dir))
            report.add_graph(summary, before, kg)
            since = report.previous_export_label(out_dir) if before is not None else None
            with report.timed(summary, "exports"):
                # quoted: Prefect would walk the 12k edges' PMID lists twice (seconds)
                digest_path, summary["digest"] = write_digest_task(quote(before), kg,
                                                                   str(out_dir), since)
                summary["exports"] = write_exports_task(kg, str(out_dir), summary["digest"])
                summary["exports"] |= write_evidence_map_task(kg, str(out_dir))
                summary["exports"]["digest"] = digest_path
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
    if database_url and public_url(database_url) != database_url:
        os.environ["MSCGRAPH_DATABASE_URL"] = database_url
        database_url = public_url(database_url)
    with sigterm_interrupts(), prefect_api():
        return nightly(database_url=database_url, **params)
