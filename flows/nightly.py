"""The ``nightly`` flow: ingest -> extract -> graph -> exports, with a summary artifact.

Stages (each one Prefect task calling into :mod:`pipeline`):

1. **ingest** -- ``ingest-query`` per named query (network: ``retries=3`` with exponential
   backoff, retried only on a *transient* :class:`~pipeline.errors.FetchError`, never cached),
   or ``ingest-files`` for ``source="demo"`` / ``"xml:PATH[,PATH]"``.
2. **extract** -- ``list-pending`` finds articles whose extraction is missing or stale (the
   store's bookkeeping keys it by PMID, record version, content hash and extractor version, so
   finished work survives between runs and crashes); the sub-flow ``extract-stage`` maps
   ``extract-batch`` over PMID batches on the chosen task runner (threads, processes or Dask).
   Workers get the database URL and PMIDs, never article payloads, and commit per batch.
3. **graph** -- ``build-graph``: :meth:`KnowledgeGraph.from_store`.
4. **exports** -- ``write-exports``: dated and ``latest`` files in ``export_dir``.

The whole run holds the store lock ``"nightly"``, so two runs started at once cannot interleave;
the second fails at once (or waits ``lock_timeout`` seconds). A query whose ingestion fails
(after its retries) does not stop the others; the run goes on with what was fetched and ends
*Failed*. A lock left behind by a killed
run on this host is broken when its process is gone. Whatever happens, a markdown artifact
``mscgraph-nightly-summary`` records the counts, new edges, contradictions and timings (with
``status: failed`` and the error when a stage failed; the flow run then ends *Failed*). The
next run catches up: ingestion starts from each query's last successful high-water mark and
extraction from whatever is still pending.

No Prefect result caching is used: the store is the cache for extraction, and network ingest
must never be cached.

Example
-------
>>> parse_source("xml:a.xml,b.xml.gz")
('xml', ['a.xml', 'b.xml.gz'])
>>> batches(["1", "2", "3"], 2)
[['1', '2'], ['3']]
"""
from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff

from pipeline.config import Settings
from pipeline.errors import ConfigError, FetchError
from pipeline.extract import extractor_version, get_extractor
from pipeline.graph import KnowledgeGraph
from pipeline.ingest import (IngestReport, NamedQuery, ingest_demo, ingest_query,
                             ingest_xml_files, load_queries)
from pipeline.pubmed_client import EutilsClient
from pipeline.store import Store

__all__ = [
    "nightly",
    "extract_stage",
    "run_nightly",
    "ingest_query_task",
    "ingest_files_task",
    "list_pending",
    "extract_batch",
    "extract_and_save",
    "open_store",
    "build_graph",
    "write_exports_task",
    "make_task_runner",
    "parse_source",
    "batches",
    "is_transient",
    "retry_on_transient_fetch",
    "edge_table",
    "summary_markdown",
    "SUMMARY_KEY",
    "LOCK_NAME",
    "TASK_RUNNERS",
]

log = logging.getLogger(__name__)

#: Key of the markdown artifact every run writes.
SUMMARY_KEY = "mscgraph-nightly-summary"
#: Store lock held for the whole run.
LOCK_NAME = "nightly"
TASK_RUNNERS = ("thread", "process", "dask")
#: Settings a caller may override per run (never the API key: it comes from NCBI_API_KEY).
SETTINGS_OVERRIDES = ("eutils_url", "email", "timeout", "max_tries", "backoff", "batch_size")
#: Stage timeouts in seconds.
INGEST_TIMEOUT = 6 * 3600
EXTRACT_BATCH_TIMEOUT = 3600
GRAPH_TIMEOUT = 2 * 3600
EXPORT_TIMEOUT = 3600
TOP_NEW_EDGES = 10
_COUNTS = ("fetched", "inserted", "updated", "deleted", "unchanged")


# ----------------------------------------------------------------------------- plain helpers

def parse_source(source: str) -> tuple[str, list[str]]:
    """Split ``"pubmed" | "demo" | "xml:PATH[,PATH]"`` into ``(kind, paths)``."""
    kind, _, rest = (source or "pubmed").partition(":")
    kind = kind.strip().lower()
    if kind in ("pubmed", "demo") and not rest:
        return kind, []
    if kind == "xml":
        paths = [p.strip() for p in rest.split(",") if p.strip()]
        if paths:
            return kind, paths
    raise ConfigError(f"unknown source {source!r}; use 'pubmed', 'demo' or 'xml:PATH[,PATH]'")


def batches(items: Sequence[str], size: int) -> list[list[str]]:
    """``items`` cut into lists of at most ``size``."""
    if size < 1:
        raise ConfigError(f"batch_size must be >= 1, got {size}")
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def is_transient(exc: BaseException) -> bool:
    """Whether a fetch error is worth retrying later (NCBI down, rate limit, timeouts).

    The client raises :class:`FetchError` with ``transient=False`` at once for a
    non-retryable answer (a 4xx other than 429, a rejected query) and, after all its own
    tries, with ``transient=True`` otherwise.

    >>> is_transient(FetchError("... failed after 5 attempts: HTTP 503"))
    True
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


_STORES: dict[str, Store] = {}
_STORES_LOCK = threading.Lock()
_NLP_LOCK = threading.Lock()


def open_store(database_url: str) -> Store:
    """One :class:`Store` per URL and process (engines are thread-safe and pool connections)."""
    with _STORES_LOCK:
        if database_url not in _STORES:
            _STORES[database_url] = Store(database_url)
        return _STORES[database_url]


def extract_and_save(database_url: str, pmids: list[str]) -> dict[str, int]:
    """Extract stored articles ``pmids`` with this process's extractor and save them.

    Task code refers to this by name, so workers (processes, Dask) unpickle it by import and
    keep one store engine and one spaCy pipeline per process; threads take turns on the
    pipeline.
    """
    store, extractor = open_store(database_url), get_extractor()
    with _NLP_LOCK:
        pairs = list(extractor.extract_articles(store.iter_articles(pmids)))
    saved = store.save_extractions(pairs, extractor.version)
    return {"extracted": saved, "mentions": sum(len(x.mentions) for _a, x in pairs),
            "relations": sum(len(x.relations) for _a, x in pairs)}


def _settings(database_url: str, overrides: dict[str, Any] | None) -> Settings:
    extra = dict(overrides or {})
    unknown = set(extra) - set(SETTINGS_OVERRIDES)
    if unknown:
        raise ConfigError(f"unknown settings override(s) {sorted(unknown)}; allowed: "
                          f"{', '.join(SETTINGS_OVERRIDES)} (the API key comes from "
                          "NCBI_API_KEY only)")
    return Settings.from_env(database_url=database_url, **extra)


def _is_memory_url(url: str) -> bool:
    return url.startswith("sqlite") and (url.rstrip("/") in ("sqlite:", "sqlite:/")
                                         or ":memory:" in url or "mode=memory" in url)


def make_task_runner(kind: str = "thread", *, dask_address: str | None = None,
                     workers: int | None = None) -> TaskRunner:
    """The task runner for the extraction stage.

    ``thread`` (default; extraction itself is serialised per process, threads overlap I/O),
    ``process`` (one spaCy pipeline per process, on this machine) or ``dask`` (a local
    ``LocalCluster`` with ``workers`` processes, or the scheduler at ``dask_address``).
    """
    kind = (kind or "thread").lower()
    if kind == "thread":
        return ThreadPoolTaskRunner(max_workers=workers or 2)
    if kind == "process":
        return ProcessPoolTaskRunner(max_workers=workers or min(4, os.cpu_count() or 1))
    if kind == "dask":
        from prefect_dask import DaskTaskRunner
        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers or 2,
                                              "threads_per_worker": 1, "processes": True,
                                              "dashboard_address": None})
    raise ConfigError(f"unknown task runner {kind!r}; choose one of {', '.join(TASK_RUNNERS)}")


def edge_table(kg: KnowledgeGraph) -> list[dict[str, Any]]:
    """Edges as sorted plain dicts (source, target and every attribute), for comparisons."""
    rows = [{"source": u, "target": v, **d} for u, v, d in kg.edges()]
    return sorted(rows, key=lambda r: (r["source"], r["predicate"], r["target"]))


def _edge_keys(kg: KnowledgeGraph | None) -> set[tuple[str, str, str]]:
    if kg is None:
        return set()
    return {(u, d["predicate"], v) for u, v, d in kg.edges()}


def _previous_graph(export_dir: Path) -> KnowledgeGraph | None:
    """The graph of the last export (``mscgraph_latest.graphml``), or None."""
    path = export_dir / "mscgraph_latest.graphml"
    if not path.is_file():
        return None
    from pipeline.exports import read_graphml
    try:
        return read_graphml(path)
    except Exception as exc:  # a broken old export must not fail tonight's run
        log.warning("cannot read the previous export %s (%s); counting all edges as new",
                    path, exc)
        return None


def _report_dict(report: IngestReport) -> dict[str, Any]:
    d = asdict(report)
    d["window"] = list(report.window) if report.window else None
    return d


# ----------------------------------------------------------------------------- tasks

@task(name="ingest-query", task_run_name="ingest-{query.name}", retries=3,
      retry_delay_seconds=exponential_backoff(backoff_factor=30), retry_jitter_factor=0.2,
      retry_condition_fn=retry_on_transient_fetch, timeout_seconds=INGEST_TIMEOUT,
      cache_policy=NO_CACHE, persist_result=False)
def ingest_query_task(database_url: str, query: NamedQuery,
                      settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """New and revised PubMed records of ``query`` since its high-water mark (network)."""
    s = _settings(database_url, settings)
    return _report_dict(ingest_query(open_store(database_url), EutilsClient(s), query))


@task(name="ingest-files", timeout_seconds=INGEST_TIMEOUT, cache_policy=NO_CACHE,
      persist_result=False)
def ingest_files_task(database_url: str, paths: list[str] | None = None) -> dict[str, Any]:
    """The demo corpus (``paths=None``) or PubMed XML files into the store (no network)."""
    store = open_store(database_url)
    return _report_dict(ingest_demo(store) if paths is None else ingest_xml_files(store, paths))


@task(name="list-pending", cache_policy=NO_CACHE, persist_result=False, timeout_seconds=600)
def list_pending(database_url: str, batch_size: int) -> list[list[str]]:
    """PMIDs whose extraction is missing or stale, in batches."""
    pending = open_store(database_url).articles_needing_extraction(extractor_version())
    return batches([a.pmid for a in pending], batch_size)


@task(name="extract-batch", task_run_name="extract-{pmids[0]}+{batch_len}",
      timeout_seconds=EXTRACT_BATCH_TIMEOUT, cache_policy=NO_CACHE, persist_result=False)
def extract_batch(database_url: str, pmids: list[str], batch_len: int = 0) -> dict[str, int]:
    """Extract one batch of stored articles and save the extractions (one transaction).

    ``batch_len`` only names the task run. Returns ``{"extracted", "mentions", "relations"}``.
    """
    return extract_and_save(database_url, pmids)


@task(name="build-graph", timeout_seconds=GRAPH_TIMEOUT, cache_policy=NO_CACHE,
      persist_result=False)
def build_graph(database_url: str) -> KnowledgeGraph:
    """Assemble the knowledge graph from every stored extraction."""
    return KnowledgeGraph.from_store(open_store(database_url))


@task(name="write-exports", timeout_seconds=EXPORT_TIMEOUT, cache_policy=NO_CACHE,
      persist_result=False)
def write_exports_task(kg: KnowledgeGraph, export_dir: str) -> dict[str, str]:
    """Dated and ``latest`` GraphML / Cytoscape.js / CSV exports."""
    from pipeline.exports import write_exports
    return {k: str(p) for k, p in write_exports(kg, export_dir).items()}


# ----------------------------------------------------------------------------- flows

@flow(name="extract-stage", flow_run_name="extract-{database_label}",
      task_runner=ThreadPoolTaskRunner(max_workers=2), persist_result=False)
def extract_stage(database_url: str, pmid_batches: list[list[str]],
                  database_label: str = "store") -> dict[str, int]:
    """Map :func:`extract_batch` over ``pmid_batches`` on this flow's task runner."""
    if not pmid_batches:
        return {"extracted": 0, "mentions": 0, "relations": 0, "batches": 0}
    futures = extract_batch.map(unmapped(database_url), pmid_batches,
                                [len(b) for b in pmid_batches])
    results = futures.result()
    out = {k: sum(r[k] for r in results) for k in ("extracted", "mentions", "relations")}
    return out | {"batches": len(pmid_batches)}


@flow(name="mscgraph-nightly", flow_run_name="nightly-{source}", persist_result=False,
      log_prints=False)
def nightly(source: str = "pubmed", queries: list[str] | None = None,
            database_url: str | None = None, export_dir: str | None = None,
            task_runner: str = "thread", dask_address: str | None = None,
            batch_size: int = 50, workers: int | None = None,
            settings: dict[str, Any] | None = None, lock_timeout: float = 0.0,
            network_retries: int = 3, retry_delay_seconds: float = 30.0) -> dict[str, Any]:
    """Ingest new/revised records, extract what is new or stale, rebuild the graph, export.

    Parameters
    ----------
    source : str
        ``"pubmed"`` (named queries over E-utilities), ``"demo"`` (bundled corpus, offline) or
        ``"xml:PATH[,PATH]"`` (PubMed XML files).
    queries : list of str, optional
        Names from ``corpora/queries.toml`` (+ user file); default all of them.
    database_url, export_dir : str, optional
        Default ``MSCGRAPH_DATABASE_URL`` / ``MSCGRAPH_EXPORT_DIR`` (``graph_exports/``).
    task_runner : str
        ``"thread"`` (default), ``"process"`` or ``"dask"`` for the extraction stage.
    dask_address : str, optional
        Scheduler address (``tcp://host:8786``) of an existing Dask cluster; without it
        ``dask`` starts a ``LocalCluster`` of ``workers`` processes.
    batch_size : int
        Articles per extraction task (and per committed transaction).
    workers : int, optional
        Pool size for ``thread``/``process``/local ``dask``.
    settings : dict, optional
        Overrides of :class:`~pipeline.config.Settings` (``eutils_url``, ``email``,
        ``timeout``, ``max_tries``, ``backoff``, ``batch_size``); never the API key.
    lock_timeout : float
        Seconds to wait for a concurrent run to finish (0: fail at once).
    network_retries, retry_delay_seconds : int, float
        Prefect retries of ``ingest-query`` on transient fetch errors (exponential backoff
        from ``retry_delay_seconds``), on top of the client's own per-request retries.

    Returns
    -------
    dict
        The run summary (also published as the ``mscgraph-nightly-summary`` artifact).
    """
    logger = get_run_logger()
    kind, paths = parse_source(source)
    s = Settings.from_env(database_url=database_url or None)
    url = s.database_url
    out_dir = Path(export_dir) if export_dir else s.export_dir
    if _is_memory_url(url) and task_runner != "thread":
        raise ConfigError("an in-memory SQLite store cannot be shared with worker processes; "
                          "use a file (sqlite:///path.sqlite) or PostgreSQL URL")
    make_task_runner(task_runner, dask_address=dask_address)  # validate before any work
    summary: dict[str, Any] = {
        "status": "running", "source": source, "database": s.public_dict()["database_url"],
        "export_dir": str(out_dir), "task_runner": task_runner,
        "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "flow_run_id": _flow_run_id(), "extractor_version": extractor_version(),
        "ingest": [], "fetched": 0, "inserted": 0, "updated": 0, "deleted": 0,
        "unchanged": 0, "extracted": 0, "mentions": 0, "relations": 0, "batches": 0,
        "edges_before": None, "edges_after": None, "new_edges": None, "top_new_edges": [],
        "contradictions": None, "new_contradictions": None, "exports": {}, "timings": {},
        "error": None,
    }
    timings: dict[str, float] = summary["timings"]
    failures: list[Exception] = []
    try:
        store = open_store(url)
        with store.lock(LOCK_NAME, timeout=lock_timeout):
            # 1. ingest
            t0 = time.monotonic()
            if kind == "pubmed":
                known = load_queries()
                names = list(queries) if queries else list(known)
                unknown = [n for n in names if n not in known]
                if unknown:
                    raise ConfigError(f"unknown query {', '.join(unknown)}; known: "
                                      f"{', '.join(known) or 'none'}")
                ingest = ingest_query_task.with_options(
                    retries=network_retries,
                    retry_delay_seconds=exponential_backoff(backoff_factor=retry_delay_seconds))
                for name in names:  # a failed query does not stop the others
                    try:
                        summary["ingest"].append(ingest(url, known[name], settings))
                    except Exception as exc:
                        logger.error("ingest of %s failed: %s", name, exc)
                        failures.append(exc)
                        summary["ingest"].append({"name": name, "status": "failed",
                                                  **dict.fromkeys(_COUNTS, 0)})
            else:
                summary["ingest"].append(ingest_files_task(url, paths if kind == "xml"
                                                           else None))
            for rep in summary["ingest"]:
                for k in _COUNTS:
                    summary[k] += rep[k]
            timings["ingest"] = time.monotonic() - t0

            # 2. extract
            t0 = time.monotonic()
            pending = list_pending(url, batch_size)
            runner = make_task_runner(task_runner, dask_address=dask_address, workers=workers)
            stage = extract_stage.with_options(task_runner=runner)
            summary.update(stage(url, pending, database_label=kind))
            timings["extract"] = time.monotonic() - t0

            # 3. graph (new edges are counted against the last export)
            t0 = time.monotonic()
            before = _previous_graph(out_dir)
            kg = build_graph(url)
            timings["graph"] = time.monotonic() - t0
            _graph_summary(summary, before, kg)

            # 4. exports
            t0 = time.monotonic()
            summary["exports"] = write_exports_task(kg, str(out_dir))
            timings["exports"] = time.monotonic() - t0
        if failures:  # what was fetched is processed; the night still counts as failed
            raise failures[0]
        summary["status"] = "success"
    except BaseException as exc:
        summary["status"] = "failed"
        summary["error"] = f"{type(exc).__name__}: {exc}"
        _publish(summary)
        logger.error("nightly run failed: %s", summary["error"])
        raise
    _publish(summary)
    logger.info("nightly run done: %d fetched, %d extracted, %s -> %s edges", summary["fetched"],
                summary["extracted"], summary["edges_before"], summary["edges_after"])
    return summary


def _flow_run_id() -> str | None:
    try:
        return str(get_run_context().flow_run.id)
    except Exception:  # pragma: no cover - outside a flow run
        return None


def _graph_summary(summary: dict[str, Any], before: KnowledgeGraph | None,
                   kg: KnowledgeGraph) -> None:
    old, rows = _edge_keys(before), edge_table(kg)
    new = [r for r in rows if (r["source"], r["predicate"], r["target"]) not in old]
    old_contra = set()
    if before is not None:
        old_contra = {(u, d["predicate"], v) for u, v, d in before.edges()
                      if d.get("contradicted")}
    names = {cid: rec.name for cid, rec in kg.concepts.items()}
    summary["edges_before"] = len(old)
    summary["edges_after"] = len(rows)
    summary["new_edges"] = len(new)
    summary["contradictions"] = sum(bool(r.get("contradicted")) for r in rows)
    summary["new_contradictions"] = sum(
        bool(r.get("contradicted")) and (r["source"], r["predicate"], r["target"])
        not in old_contra for r in rows)
    top = sorted(new, key=lambda r: (-float(r["belief"]), r["source"], r["predicate"],
                                     r["target"]))[:TOP_NEW_EDGES]
    summary["top_new_edges"] = [
        {"subject": names.get(r["source"], r["source"]), "predicate": r["predicate"],
         "object": names.get(r["target"], r["target"]), "belief": round(float(r["belief"]), 3),
         "articles": r["article_count"], "contradicted": bool(r.get("contradicted"))}
        for r in top]


def summary_markdown(summary: dict[str, Any]) -> str:
    """The run summary as markdown (the artifact's body).

    >>> "**failed**" in summary_markdown({"status": "failed", "error": "FetchError: down"})
    True
    """
    g = summary.get
    lines = [f"# mscgraph nightly run: **{g('status')}**", ""]
    if g("error"):
        lines += [f"> Error: `{g('error')}`", "",
                  "The next run resumes from each query's last successful high-water mark; "
                  "work committed so far is kept.", ""]
    lines += [f"- source: `{g('source')}`, store: `{g('database')}`, task runner: "
              f"`{g('task_runner')}`, extractor: `{g('extractor_version')}`",
              f"- started: {g('started_at')}, exports: `{g('export_dir')}`", "",
              "| stage | count |", "|---|---:|"]
    for label, key in (("records fetched", "fetched"), ("inserted", "inserted"),
                       ("updated", "updated"), ("deleted", "deleted"),
                       ("unchanged", "unchanged"), ("articles extracted", "extracted"),
                       ("relations extracted", "relations"),
                       ("graph edges before", "edges_before"),
                       ("graph edges after", "edges_after"), ("new statements", "new_edges"),
                       ("contradicted edges", "contradictions"),
                       ("new contradictions", "new_contradictions")):
        value = g(key)
        lines.append(f"| {label} | {'-' if value is None else value} |")
    if g("ingest"):
        lines += ["", "| ingest run | fetched | inserted | updated | deleted | status |",
                  "|---|---:|---:|---:|---:|---|"]
        lines += [f"| {r['name']} | {r['fetched']} | {r['inserted']} | {r['updated']} | "
                  f"{r['deleted']} | {r['status']} |" for r in g("ingest")]
    if g("top_new_edges"):
        lines += ["", "Top new edges by belief:", "",
                  "| subject | predicate | object | belief | articles | contradicted |",
                  "|---|---|---|---:|---:|---|"]
        lines += [f"| {_md(e['subject'])} | {e['predicate']} | {_md(e['object'])} | "
                  f"{e['belief']:.3f} | {e['articles']} | {'yes' if e['contradicted'] else ''} |"
                  for e in g("top_new_edges")]
    if g("timings"):
        lines += ["", "| stage | seconds |", "|---|---:|"]
        lines += [f"| {k} | {v:.1f} |" for k, v in g("timings").items()]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return str(text).replace("|", "\\|")


def _publish(summary: dict[str, Any]) -> None:
    try:
        create_markdown_artifact(key=SUMMARY_KEY, markdown=summary_markdown(summary),
                                 description=f"mscgraph nightly run: {summary['status']}")
    except Exception as exc:  # the summary must never hide the real outcome
        log.warning("could not publish the summary artifact: %s", exc)


# ----------------------------------------------------------------------------- entry point

def run_nightly(**params: Any) -> dict[str, Any]:
    """Run :func:`nightly` once in this process and return its summary (raises on failure)."""
    return nightly(**params)


def _cli(argv: Sequence[str] | None = None) -> int:  # pragma: no cover - thin wrapper
    from pipeline.cli import main
    return main(["run", *(argv or [])])


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(_cli(__import__("sys").argv[1:]))
