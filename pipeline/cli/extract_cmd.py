"""``mscgraph extract``: run the extractor over stored articles that are new or stale.

An article is pending when it has no extraction, or one made by another extractor version or
before the article changed (see :meth:`pipeline.store.Store.articles_needing_extraction`).
Work is committed per batch, so an interrupted run resumes where it stopped. An article the
extractor fails on (longer than --max-chars, or an error) is recorded and skipped by later
runs until it or the extractor changes; --retry-failed tries those again.
"""
from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from . import positive_int

if TYPE_CHECKING:  # pragma: no cover
    from ..extract import ExtractReport

__all__ = ["register", "run"]

_EPILOG = """\
environment: MSCGRAPH_DATABASE_URL (the store).

examples:
  mscgraph extract
  mscgraph extract --limit 100 --batch-size 20
  mscgraph extract --workers 1      # in this process (default: one process per core)
  mscgraph extract --retry-failed --max-chars 300000
"""


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``extract`` subcommand."""
    from ..extract import DEFAULT_MAX_CHARS

    p = sub.add_parser("extract", help="extract entities and relations from stored articles "
                       "that are new or stale", description=__doc__.replace("``", "'"),
                       epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", help="SQLAlchemy URL of the store "
                   "(env MSCGRAPH_DATABASE_URL)")
    p.add_argument("--limit", type=positive_int, metavar="N", help="extract at most N articles")
    p.add_argument("--batch-size", type=positive_int, default=200, metavar="N",
                   help="articles per committed batch (default 200)")
    p.add_argument("--workers", type=positive_int, metavar="N",
                   help="worker processes, each loading the pipeline once (default: the "
                        "available cores, fewer if memory lacks 1 GB for each; 1 = this process)")
    p.add_argument("--max-chars", type=positive_int, default=DEFAULT_MAX_CHARS, metavar="N",
                   help="skip (and record as failed) articles longer than N characters "
                        f"(default {DEFAULT_MAX_CHARS:,})")
    p.add_argument("--retry-failed", action="store_true",
                   help="also retry articles this extractor version failed on before")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _parallel(url: str, workers: int, args: argparse.Namespace, progress: bool
              ) -> "ExtractReport":
    """The pending articles in PMID spans, extracted by ``workers`` processes."""
    from concurrent.futures import as_completed

    from ..extract import ExtractReport, extract_span_at, extractor_version, pending_spans
    from ..parallel import worker_pool
    from ..progress import Progress
    from ..store import Store

    with Store(url) as store:
        spans = pending_spans(store, extractor_version(), args.batch_size, limit=args.limit,
                              retry_failed=args.retry_failed, workers=workers)
    report = ExtractReport(extractor_version=extractor_version())
    if len(spans) < 2:  # not worth starting processes
        return sum((extract_span_at(url, *span, max_chars=args.max_chars,
                                    retry_failed=args.retry_failed) for span in spans), report)
    with worker_pool(min(workers, len(spans))) as pool, \
            Progress("extracting", args.limit, enabled=progress) as bar:
        futures = [pool.submit(extract_span_at, url, first, last, max_chars=args.max_chars,
                               retry_failed=args.retry_failed) for first, last in spans]
        for fut in as_completed(futures):
            done = fut.result()
            report += done
            bar.advance(done.extracted + len(done.failed))
    return report


def run(args: argparse.Namespace) -> int:
    """Handler of ``mscgraph extract``; returns the exit code."""
    from ..config import Settings
    from ..errors import ConfigError
    from ..extract import extract_pending, extractor_version, pending_articles
    from ..parallel import default_workers, is_in_memory
    from ..store import Store

    url = Settings.from_env(database_url=args.database_url).database_url
    progress = not args.no_progress and sys.stderr.isatty()
    version = extractor_version()
    in_memory = is_in_memory(url)
    if in_memory and (args.workers or 1) > 1:
        raise ConfigError("--workers needs a store file or server; an in-memory "
                          "SQLite store cannot be shared between processes")
    workers = args.workers or (1 if in_memory else default_workers())
    if workers > 1:
        report = _parallel(url, workers, args, progress)
    else:
        with Store(url) as store:
            report = extract_pending(store, batch_size=args.batch_size, limit=args.limit,
                                     progress=progress, retry_failed=args.retry_failed,
                                     max_chars=args.max_chars)
    with Store(url) as store:
        left = sum(1 for _ in pending_articles(store, version))
        failed = store.extraction_failures(version)
    print(f"extracted {report.extracted} articles ({report.mentions} mentions, "
          f"{report.relations} relations) with extractor {version}; {left} still pending")
    for pmid, reason in report.failed:
        print(f"failed: PMID {pmid}: {reason}")
    if failed:
        print(f"{len(failed)} article(s) failed with this extractor and are skipped; "
              "see the reasons above or rerun with --retry-failed")
    return 0
