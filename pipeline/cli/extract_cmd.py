"""``mscgraph extract``: run the extractor over stored articles that are new or stale.

An article is pending when it has no extraction, or one made by another extractor version or
before the article changed (see :meth:`pipeline.store.Store.articles_needing_extraction`).
Work is committed per batch, so an interrupted run resumes where it stopped.
"""
from __future__ import annotations

import argparse
import sys
from typing import Any

from .ingest_cmd import _positive

__all__ = ["register", "run", "extract_pmids"]

_EPILOG = """\
environment: MSCGRAPH_DATABASE_URL (the store).

examples:
  mscgraph extract
  mscgraph extract --limit 100 --batch-size 20
  mscgraph extract --workers 4      # 4 processes, each with its own spaCy pipeline
"""


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``extract`` subcommand."""
    p = sub.add_parser("extract", help="extract entities and relations from stored articles "
                       "that are new or stale", description=__doc__.replace("``", "'"), epilog=_EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", help="SQLAlchemy URL of the store "
                   "(env MSCGRAPH_DATABASE_URL)")
    p.add_argument("--limit", type=_positive, metavar="N", help="extract at most N articles")
    p.add_argument("--batch-size", type=_positive, default=50, metavar="N",
                   help="articles per committed batch (default 50)")
    p.add_argument("--workers", type=_positive, default=1, metavar="N",
                   help="worker processes (default 1: this process)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def extract_pmids(database_url: str, pmids: list[str]) -> dict[str, int]:
    """Extract the stored articles ``pmids`` and save them (runs in a worker process)."""
    from ..extract import get_extractor
    from ..store import Store

    extractor = get_extractor()
    with Store(database_url) as store:
        pairs = list(extractor.extract_articles(store.iter_articles(pmids)))
        saved = store.save_extractions(pairs, extractor.version)
    return {"extracted": saved, "mentions": sum(len(x.mentions) for _a, x in pairs),
            "relations": sum(len(x.relations) for _a, x in pairs)}


def _parallel(url: str, pmids: list[str], batch_size: int, workers: int,
              progress: bool) -> dict[str, Any]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from ..ingest import _Progress

    chunks = [pmids[i:i + batch_size] for i in range(0, len(pmids), batch_size)]
    totals = {"extracted": 0, "mentions": 0, "relations": 0}
    ctx = multiprocessing.get_context("spawn")  # no forked SQLAlchemy/spaCy state
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool, \
            _Progress(progress, "extracting") as bar:
        bar.grow(len(pmids))
        futures = {pool.submit(extract_pmids, url, chunk): len(chunk) for chunk in chunks}
        for fut in as_completed(futures):
            for k, v in fut.result().items():
                totals[k] += v
            bar.advance(futures[fut])
    return totals


def run(args: argparse.Namespace) -> int:
    """Handler of ``mscgraph extract``; returns the exit code."""
    from ..config import Settings
    from ..errors import ConfigError
    from ..extract import extract_pending, extractor_version
    from ..store import Store

    url = Settings.from_env(database_url=args.database_url).database_url
    progress = not args.no_progress and sys.stderr.isatty()
    version = extractor_version()
    with Store(url) as store:
        if args.workers > 1:
            if url.startswith("sqlite") and ("memory" in url or url.rstrip("/") == "sqlite:"):
                raise ConfigError("--workers needs a store file or server; an in-memory "
                                  "SQLite store cannot be shared between processes")
            pmids = [a.pmid for a in store.articles_needing_extraction(version,
                                                                       limit=args.limit)]
            totals = _parallel(url, pmids, args.batch_size, args.workers, progress)
        else:
            report = extract_pending(store, batch_size=args.batch_size, limit=args.limit,
                                     progress=progress)
            totals = {"extracted": report.extracted, "mentions": report.mentions,
                      "relations": report.relations}
        left = sum(1 for _ in store.articles_needing_extraction(version))
    print(f"extracted {totals['extracted']} articles ({totals['mentions']} mentions, "
          f"{totals['relations']} relations) with extractor {version}; {left} still pending")
    return 0
