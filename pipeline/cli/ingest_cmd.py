"""``mscgraph ingest``: PubMed queries (E-utilities) or PubMed XML files into the store."""
from __future__ import annotations

import argparse
import sys

from . import positive_int

__all__ = ["register"]

_DESCRIPTION = """\
Fetch PubMed records into the local store, incrementally and resumably.

Sources (pick one; default: the query 'msc_liver'):
  --query NAME       a named query from corpora/queries.toml or your user queries file
  --all-queries      every named query, one after another
  --term T --name N  an ad-hoc PubMed search (add --save-query to keep it under N)
  --xml FILE...      PubMed XML files (.xml / .xml.gz: EFetch output, baseline, updates)
  --demo             the bundled demo corpus (corpora/demo), no network

A query's first run fetches everything up to --until (today); later runs fetch records
entered or revised since its last successful run (the watermark, minus one day). A failed or
interrupted run does not move the watermark: rerun the same command to resume. A run also
fails (after storing what came) when E-utilities lists fewer ids than it counts or holds
records back even when asked again by id, and when records cannot be stored (rejected one
by one, named in the message; the others are stored).
"""

_EPILOG = """\
environment: NCBI_EMAIL (contact e-mail, asked for by NCBI), NCBI_API_KEY (10 instead of 3
requests/s; prefer it to --api-key, which other users can see in the process list),
MSCGRAPH_EUTILS_URL, MSCGRAPH_EUTILS_DEADLINE (seconds one request may take in all, default
120), MSCGRAPH_DATABASE_URL, MSCGRAPH_QUERIES_FILE.

examples:
  mscgraph ingest --demo
  mscgraph ingest --query msc_liver --email you@example.org
  mscgraph ingest --name msc_kupffer --term '"mesenchymal stem cell*"[tiab] AND Kupffer[tiab]' --save-query
  mscgraph ingest --xml pubmed25n1274.xml.gz pubmed25n1275.xml.gz
"""


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``ingest`` subcommand."""
    p = sub.add_parser("ingest", help="fetch PubMed records (E-utilities or XML files) into the "
                       "store", description=_DESCRIPTION, epilog=_EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    src = p.add_argument_group("source")
    src.add_argument("--query", metavar="NAME", action="append",
                     help="named query to run (repeatable)")
    src.add_argument("--all-queries", action="store_true", help="run every named query")
    src.add_argument("--term", help="ad-hoc PubMed search term (needs --name)")
    src.add_argument("--name", help="name of the ad-hoc query (keys its watermark and runs)")
    src.add_argument("--description", default="", help="description saved with --save-query")
    src.add_argument("--save-query", action="store_true",
                     help="save --name/--term to the user queries file before running")
    src.add_argument("--queries-file", metavar="PATH",
                     help="read named queries from PATH only (default: corpora/queries.toml "
                          "+ user file)")
    src.add_argument("--list-queries", action="store_true", help="list named queries and exit")
    src.add_argument("--xml", metavar="FILE", nargs="+", help="PubMed XML file(s) to load")
    src.add_argument("--demo", action="store_true", help="load the demo corpus (no network)")

    win = p.add_argument_group("window")
    win.add_argument("--since", metavar="YYYY-MM-DD",
                     help="fetch records entered or revised since this day (overrides the "
                          "watermark)")
    win.add_argument("--until", metavar="YYYY-MM-DD", help="last day of the window (default "
                     "today)")
    win.add_argument("--full", action="store_true", help="ignore the watermark: fetch all")

    conn = p.add_argument_group("connection")
    conn.add_argument("--database-url", help="SQLAlchemy URL of the store "
                      "(env MSCGRAPH_DATABASE_URL)")
    conn.add_argument("--eutils-url", help="E-utilities base URL (env MSCGRAPH_EUTILS_URL)")
    conn.add_argument("--email", help="contact e-mail sent to NCBI (env NCBI_EMAIL)")
    conn.add_argument("--api-key", help="NCBI API key (prefer env NCBI_API_KEY)")
    conn.add_argument("--batch-size", type=positive_int, metavar="N",
                      help="records per EFetch request / store transaction (default 200)")
    conn.add_argument("--max-records", type=positive_int, metavar="N",
                      help="stop after N records (testing; the watermark is not moved)")
    conn.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Handler of ``mscgraph ingest``; returns the exit code."""
    from ..config import Settings
    from ..errors import ConfigError
    from ..ingest import (NamedQuery, ingest_demo, ingest_query, ingest_xml_files,
                          load_queries, save_query)
    from ..pubmed_client import EutilsClient
    from ..store import Store

    queries = load_queries(args.queries_file)
    if args.list_queries:
        for q in queries.values():
            print(f"{q.name}\t{q.description}\n    {q.term}")
        return 0
    sources = sum(bool(x) for x in (args.query, args.all_queries, args.term, args.xml,
                                    args.demo))
    if sources > 1:
        raise ConfigError("give one source: --query, --all-queries, --term, --xml or --demo")
    if args.save_query and not args.term:
        raise ConfigError("--save-query needs --name and --term")

    settings = Settings.from_env(database_url=args.database_url, eutils_url=args.eutils_url,
                                 email=args.email, api_key=args.api_key,
                                 batch_size=args.batch_size)
    progress = not args.no_progress and sys.stderr.isatty()
    reports = []
    with Store(settings.database_url) as store:
        if args.xml:
            reports.append(ingest_xml_files(store, args.xml, progress=progress,
                                            batch_size=args.batch_size or 500))
        elif args.demo:
            reports.append(ingest_demo(store, progress=progress))
        else:
            if args.term:
                if not args.name:
                    raise ConfigError("--term needs --name NAME (the name keys its watermark)")
                selected = [NamedQuery(args.name, " ".join(args.term.split()),
                                       args.description)]
                if args.save_query:
                    print(f"saved query {args.name} to {save_query(selected[0])}")
            else:
                names = list(queries) if args.all_queries else (args.query or ["msc_liver"])
                unknown = [n for n in names if n not in queries]
                if unknown:
                    raise ConfigError(f"unknown query {', '.join(unknown)}; known: "
                                      f"{', '.join(queries) or 'none'} (see --list-queries)")
                selected = [queries[n] for n in names]
            client = EutilsClient(settings)
            for q in selected:
                reports.append(ingest_query(store, client, q, full=args.full, since=args.since,
                                            until=args.until, progress=progress,
                                            max_records=args.max_records))
    for r in reports:
        print(f"{r.summary()} in {r.seconds:.1f}s")
    return 0
