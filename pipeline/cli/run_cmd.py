"""``mscgraph run``: the whole pipeline once, as the Prefect ``nightly`` flow, in this process.

Without ``PREFECT_API_URL`` the flow runs against Prefect's ephemeral API (a temporary local
server started and stopped by this command); with it, the run shows up in that server's UI.
Prefect is imported inside the handler only (``pipeline`` itself never imports it).
"""
from __future__ import annotations

import argparse
import logging
import os
import time
import warnings
from typing import Any

from ..config import PROJECT_ROOT
from .ingest_cmd import _positive

__all__ = ["register", "run", "flow_params", "format_summary", "DEMO_DATABASE_URL",
           "DEMO_EXPORT_DIR"]

#: Where ``--source demo`` keeps its store and exports unless told otherwise, so the
#: illustrative records never mix with a real PubMed store.
DEMO_DATABASE_URL = "sqlite:///" + str(PROJECT_ROOT / "corpora" / "demo.sqlite")
DEMO_EXPORT_DIR = PROJECT_ROOT / "graph_exports" / "demo"

_DESCRIPTION = """\
Run the nightly pipeline once: ingest new and revised records -> extract what is new or
stale -> rebuild the knowledge graph -> write dated and 'latest' exports.

Sources:
  --source pubmed          the named queries (default all; pick with --query), over E-utilities
  --source demo            the bundled demo corpus (corpora/demo): offline, under a minute;
                           store corpora/demo.sqlite, exports graph_exports/demo/ (unless
                           --database-url / --export-dir or their env vars say otherwise)
  --source xml:A.xml,B.xml PubMed XML files (.xml or .xml.gz)

Every stage is a Prefect task. Without PREFECT_API_URL a temporary Prefect API is started for
the run (nothing to set up); with a server ('prefect server start', then
PREFECT_API_URL=http://127.0.0.1:4200/api) the run and its summary artifact appear in the UI.
A killed or failed run loses nothing: rerun the same command to resume.
"""

_EPILOG = """\
environment: NCBI_EMAIL, NCBI_API_KEY, MSCGRAPH_EUTILS_URL, MSCGRAPH_DATABASE_URL,
MSCGRAPH_EXPORT_DIR, PREFECT_API_URL.

examples:
  mscgraph run --source demo
  mscgraph run --query msc_liver --email you@example.org
  mscgraph run --source xml:pubmed25n1274.xml.gz --task-runner process --workers 4
  mscgraph run --task-runner dask --dask-address tcp://scheduler:8786 \\
      --database-url postgresql+psycopg://mscgraph@db/mscgraph
"""


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``run`` subcommand."""
    p = sub.add_parser("run", help="run the whole pipeline once (the Prefect nightly flow)",
                       description=_DESCRIPTION, epilog=_EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--source", default="pubmed", metavar="SRC",
                   help="pubmed (default) | demo | xml:PATH[,PATH]")
    p.add_argument("--query", metavar="NAME", action="append",
                   help="named query (repeatable; default: all in corpora/queries.toml)")
    p.add_argument("--database-url", help="SQLAlchemy URL of the store (env "
                   "MSCGRAPH_DATABASE_URL; use PostgreSQL for many workers)")
    p.add_argument("--export-dir", help="where exports go (env MSCGRAPH_EXPORT_DIR, default "
                   "graph_exports/)")
    p.add_argument("--task-runner", choices=("thread", "process", "dask"), default="thread",
                   help="how extraction batches run (default thread)")
    p.add_argument("--dask-address", metavar="ADDR",
                   help="scheduler of an existing Dask cluster (with --task-runner dask; "
                        "default: a local cluster)")
    p.add_argument("--workers", type=_positive, metavar="N",
                   help="threads/processes/local Dask workers for extraction")
    p.add_argument("--batch-size", type=_positive, default=50, metavar="N",
                   help="articles per extraction task (default 50)")
    p.add_argument("--eutils-url", help="E-utilities base URL (env MSCGRAPH_EUTILS_URL)")
    p.add_argument("--email", help="contact e-mail sent to NCBI (env NCBI_EMAIL)")
    p.add_argument("--lock-timeout", type=float, default=0.0, metavar="S",
                   help="wait up to S seconds for a concurrent run (default: fail at once)")
    p.set_defaults(func=run)


def flow_params(args: argparse.Namespace) -> dict[str, Any]:
    """Parameters of the ``nightly`` flow from the parsed arguments."""
    overrides = {k: v for k, v in (("eutils_url", args.eutils_url), ("email", args.email))
                 if v}
    database_url, export_dir = args.database_url, args.export_dir
    if args.source == "demo":  # keep the illustrative records out of the real store/exports
        database_url = database_url or os.environ.get("MSCGRAPH_DATABASE_URL") or DEMO_DATABASE_URL
        export_dir = export_dir or os.environ.get("MSCGRAPH_EXPORT_DIR") or str(DEMO_EXPORT_DIR)
    return {"source": args.source, "queries": args.query, "database_url": database_url,
            "export_dir": export_dir, "task_runner": args.task_runner,
            "dask_address": args.dask_address, "batch_size": args.batch_size,
            "workers": args.workers, "settings": overrides or None,
            "lock_timeout": args.lock_timeout}


def format_summary(summary: dict[str, Any], seconds: float | None = None) -> str:
    """A short plain-text table of a run summary (for the terminal).

    >>> print(format_summary({"status": "success", "fetched": 2, "exports": {}}).splitlines()[0])
    nightly run: success
    """
    g = summary.get
    head = f"nightly run: {g('status')}" + (f" in {seconds:.1f}s" if seconds is not None else "")
    rows = [("records fetched", g("fetched")), ("inserted / updated / deleted",
            f"{g('inserted', 0)} / {g('updated', 0)} / {g('deleted', 0)}"),
            ("articles extracted", g("extracted")),
            ("graph edges before -> after", f"{g('edges_before')} -> {g('edges_after')}"),
            ("new statements", g("new_edges")), ("contradicted edges", g("contradictions"))]
    width = max(len(k) for k, _v in rows)
    lines = [head] + [f"  {k:<{width}}  {'-' if v is None else v}" for k, v in rows]
    timings = g("timings") or {}
    if timings:
        lines.append("  " + "timings".ljust(width) + "  " +
                     ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
    top = g("top_new_edges") or []
    if top:
        lines.append("top new edges by belief:")
        lines += [f"  {e['belief']:.2f}  {e['subject']} {e['predicate']} {e['object']}"
                  for e in top[:5]]
    exports = g("exports") or {}
    latest = [p for k, p in exports.items() if k.endswith("_latest")]
    if latest:
        lines.append(f"exports in {os.path.dirname(latest[0])}:")
        lines += [f"  {os.path.basename(p)}" for p in sorted(latest)]
    return "\n".join(lines)


def prepare_prefect_env(verbose: int = 0) -> None:
    """Quiet, offline-friendly Prefect defaults (set before Prefect is imported)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        for name in ("httpx", "pipeline", "distributed"):
            logging.getLogger(name).setLevel(logging.WARNING)
        warnings.filterwarnings("ignore", message=r"\[W0(28|36)\]")  # spaCy notices
        logging.getLogger("prefect.task_runs").addFilter(_drop_thread_timeout_notice)


def _drop_thread_timeout_notice(record: logging.LogRecord) -> bool:
    """Hide Prefect's per-task notice that timeouts in worker threads act late (known)."""
    return "running in a worker thread" not in record.getMessage()


def run(args: argparse.Namespace) -> int:
    """Handler of ``mscgraph run``; returns the exit code."""
    prepare_prefect_env(getattr(args, "verbose", 0))
    from flows.nightly import parse_source, run_nightly

    parse_source(args.source)  # fail fast on a bad --source, before Prefect starts
    t0 = time.monotonic()
    summary = run_nightly(**flow_params(args))
    print(format_summary(summary, time.monotonic() - t0))
    return 0 if summary.get("status") == "success" else 1
