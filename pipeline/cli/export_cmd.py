"""``mscgraph export``: build the graph from the store and write GraphML / Cytoscape.js / CSV /
a self-contained HTML page.

Example::

    mscgraph export --format graphml,cyjs,csv,html --out graph_exports/ --min-belief 0.5 \\
        --types CELL_TYPE,CYTOKINE,PROCESS,DISEASE --years 2010-2020 --disease "liver cirrhosis"
"""
from __future__ import annotations

import argparse
import logging
from typing import Any

__all__ = ["register", "parse_years", "filter_from_args"]

log = logging.getLogger(__name__)


def _csv_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def parse_years(value: str) -> tuple[int | None, int | None]:
    """``2010-2020``, ``2010-``, ``-2020`` or ``2015`` -> (first, last).

    >>> parse_years("2010-2020"), parse_years("2015"), parse_years("-2012")
    ((2010, 2020), (2015, 2015), (None, 2012))
    """
    lo, sep, hi = value.strip().partition("-")
    try:
        first = int(lo) if lo else None
        last = (int(hi) if hi else None) if sep else first
    except ValueError:
        raise argparse.ArgumentTypeError(f"--years takes YYYY-YYYY, YYYY-, -YYYY or YYYY, "
                                         f"got {value!r}") from None
    if first is not None and last is not None and first > last:
        raise argparse.ArgumentTypeError(f"{first} is after {last}")
    return first, last


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``export`` subcommand."""
    p = sub.add_parser(
        "export", help="build the knowledge graph from the store and write exports",
        description="Assemble the mechanism graph from the store's extractions and write "
                    "dated exports (mscgraph_YYYY-MM-DD.*) plus mscgraph_latest.* copies and "
                    "the Cytoscape styles. Prints the written paths. Open the .html file in "
                    "a browser (it works offline).")
    p.add_argument("--format", default="graphml,cyjs,csv,html", type=_csv_list,
                   help="comma-separated subset of graphml,cyjs,csv,html (default: all)")
    p.add_argument("--out", default=None,
                   help="output directory (default: MSCGRAPH_EXPORT_DIR or graph_exports/)")
    p.add_argument("--database-url", default=None,
                   help="SQLAlchemy URL of the store (default: MSCGRAPH_DATABASE_URL)")
    p.add_argument("--date", default=None, help="date in file names, YYYY-MM-DD (default: today)")
    p.add_argument("--include-evidence", action="store_true",
                   help="embed evidence sentences in the .cyjs file")
    p.add_argument("--keep-isolated", action="store_true",
                   help="keep concepts without any relation (left out by default)")
    p.add_argument("--allow-empty", action="store_true",
                   help="let a graph without statements replace latest exports that have "
                        "edges (refused by default: it usually means a wrong store)")
    f = p.add_argument_group("filters")
    f.add_argument("--min-belief", type=float, default=0.0, help="drop edges below this belief")
    f.add_argument("--min-evidence", type=int, default=0,
                   help="drop edges with fewer evidence sentences")
    f.add_argument("--types", type=_csv_list, default=None,
                   help="keep edges between these entity types, e.g. CELL_TYPE,CYTOKINE")
    f.add_argument("--species", type=_csv_list, default=None, help="e.g. human,mouse")
    f.add_argument("--study-type", type=_csv_list, default=None,
                   help="e.g. rct,clinical_trial,animal_model")
    f.add_argument("--years", type=parse_years, default=None, help="e.g. 2010-2020")
    f.add_argument("--disease", default=None,
                   help="only evidence from articles mentioning this disease (id, name or "
                        "synonym)")
    p.set_defaults(func=run)


def filter_from_args(args: argparse.Namespace) -> Any:
    """The :class:`~pipeline.graph.GraphFilter` the flags ask for (None when no flag is set)."""
    from ..graph import GraphFilter
    f = GraphFilter(types=frozenset(args.types) if args.types else None,
                    min_evidence=args.min_evidence, min_belief=args.min_belief,
                    years=args.years,
                    species=frozenset(args.species) if args.species else None,
                    study_types=frozenset(args.study_type) if args.study_type else None,
                    disease=args.disease)
    return None if f == GraphFilter() else f


def _open_store(url: str) -> Any:
    from ..store import Store
    return Store(url, create=False)  # a mistyped URL must not export an empty new store


def run(args: argparse.Namespace) -> int:
    """Handler of ``mscgraph export``."""
    from ..config import Settings
    from ..exports import write_exports
    from ..graph import KnowledgeGraph

    flt = filter_from_args(args)    # invalid filter values fail before the store is read
    settings = Settings.from_env(database_url=args.database_url)
    out = args.out or settings.export_dir
    store = _open_store(settings.database_url)
    try:
        log.info("building graph from %s", settings.public_dict()["database_url"])
        kg = KnowledgeGraph.from_store(store)
    finally:
        close = getattr(store, "close", None)
        if close:
            close()
    log.info("graph: %r", kg)
    if flt is not None:
        kg = kg.subgraph(flt)
        log.info("filtered: %r", kg)
    paths = write_exports(kg, out, date=args.date, formats=args.format,
                          include_evidence=args.include_evidence,
                          keep_isolated=args.keep_isolated, allow_empty=args.allow_empty)
    print(repr(kg))
    for label, path in paths.items():
        print(f"{label}\t{path}")
    return 0
