"""``mscgraph run``: the whole pipeline once, as the Prefect ``nightly`` flow, in this process.

Without ``PREFECT_API_URL`` the flow runs against Prefect's ephemeral API (a temporary local
server started and stopped by this command); with it, the run shows up in that server's UI.
The flow is found through the ``mscgraph.flows`` entry point (``nightly``) of the installed
distribution, so ``pipeline`` imports neither ``flows`` nor Prefect.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import warnings
from typing import Any, Callable

from ..errors import ConfigError
from . import positive_int

__all__ = ["register", "run", "flow_params", "load_flow", "FLOW_ENTRY_POINTS"]

#: Entry-point group through which the flows package offers its flows to this command
#: (``pipeline`` never imports ``flows``).
FLOW_ENTRY_POINTS = "mscgraph.flows"

_DESCRIPTION = """\
Run the nightly pipeline once: ingest new and revised records -> extract what is new or
stale -> rebuild the knowledge graph -> write dated and 'latest' exports.

Sources:
  --source pubmed          the named queries (default all; pick with --query), over E-utilities
  --source demo            the bundled demo corpus (corpora/demo): offline, under a minute;
                           store corpora/demo.sqlite, exports graph_exports/demo/ (unless
                           --database-url / --export-dir say otherwise; never the store
                           of MSCGRAPH_DATABASE_URL, which holds real records)
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
    p.add_argument("--workers", type=positive_int, metavar="N",
                   help="extraction processes (default: the available cores, fewer if memory "
                        "lacks 1 GB for each; 1 = extract in "
                        "this process): worker processes behind the thread runner, Prefect "
                        "or local Dask processes otherwise; with --dask-address, the "
                        "cluster's workers (the last batches are cut smaller for them)")
    p.add_argument("--batch-size", type=positive_int, metavar="N",
                   help="articles per extraction task (default: the flow's, 500)")
    p.add_argument("--eutils-url", help="E-utilities base URL (env MSCGRAPH_EUTILS_URL)")
    p.add_argument("--email", help="contact e-mail sent to NCBI (env NCBI_EMAIL)")
    p.add_argument("--lock-timeout", type=float, default=0.0, metavar="S",
                   help="wait up to S seconds for a concurrent run (default: fail at once)")
    p.add_argument("--max-chars", type=positive_int, metavar="N",
                   help="record articles longer than N characters as failed instead of "
                        "extracting them (default: mscgraph extract's)")
    p.set_defaults(func=run)


def flow_params(args: argparse.Namespace) -> dict[str, Any]:
    """Parameters of the ``nightly`` flow from the parsed arguments."""
    overrides = {k: v for k, v in (("eutils_url", args.eutils_url), ("email", args.email))
                 if v}
    # with --source demo, None means the demo's own store and exports (the flow decides:
    # pipeline.config.demo_locations)
    return {"source": args.source, "queries": args.query, "database_url": args.database_url,
            "export_dir": args.export_dir, "task_runner": args.task_runner,
            "dask_address": args.dask_address, "workers": args.workers,
            "settings": overrides or None, "lock_timeout": args.lock_timeout,
            **({"batch_size": args.batch_size} if args.batch_size else {}),
            **({"max_chars": args.max_chars} if args.max_chars else {})}


def prepare_prefect_env(verbose: int = 0) -> None:
    """Quiet, offline-friendly Prefect defaults (set before Prefect is imported)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        for name in ("httpx", "pipeline", "distributed"):
            logging.getLogger(name).setLevel(logging.WARNING)
        warnings.filterwarnings("ignore", message=r"\[W0(28|36)\]")  # spaCy notices


def load_flow(name: str = "nightly") -> Callable[..., dict[str, Any]]:
    """The flow runner registered as entry point ``name`` in :data:`FLOW_ENTRY_POINTS`."""
    from importlib.metadata import entry_points

    found = entry_points(group=FLOW_ENTRY_POINTS, name=name)
    if not found:
        raise ConfigError(f"no flow {name!r} is installed (entry point group "
                          f"{FLOW_ENTRY_POINTS!r}); install mscgraph with its flows package "
                          "('pip install -e .' in the checkout) and retry")
    return next(iter(found)).load()


def run(args: argparse.Namespace) -> int:
    """Handler of ``mscgraph run``; returns the exit code."""
    from ..report import format_summary

    params = flow_params(args)
    prepare_prefect_env(getattr(args, "verbose", 0))  # before the flow module imports Prefect
    run_flow = load_flow("nightly")
    t0 = time.monotonic()
    try:
        summary = run_flow(**params)
    except KeyboardInterrupt:
        # The flow has released its lock and stopped its temporary server; extraction
        # threads may still be inside a batch, whose transaction the store rolls back.
        # Leave now instead of waiting for them.
        for name in ("prefect", "httpx", "pipeline"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
        print("mscgraph: run interrupted; nothing is lost: rerun the same command to resume",
              file=sys.stderr, flush=True)
        sys.stdout.flush()
        os._exit(130)
    print(format_summary(summary, time.monotonic() - t0))
    return 0 if summary.get("status") == "success" else 1
