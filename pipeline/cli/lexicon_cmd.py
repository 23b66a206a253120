"""``mscgraph lexicon``: build the compact lexicon, look terms up, show statistics.

  mscgraph lexicon build --resources ../shared/resources [--out PATH] [--xrefs-out PATH]
                         [--hierarchy-out PATH]
  mscgraph lexicon lookup TERM [TERM ...] [--path PATH]
  mscgraph lexicon stats [--path PATH]
"""
from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``lexicon`` subcommand and its ``build``/``lookup``/``stats`` actions."""
    p = sub.add_parser("lexicon", help="build / query the term lexicon",
                       description="Build the compact lexicon from ../shared/resources, or query "
                                   "the committed one (pipeline/data/lexicon.tsv.gz + overrides).")
    acts = p.add_subparsers(dest="action", metavar="ACTION")
    b = acts.add_parser("build", help="rebuild lexicon.tsv.gz, xrefs.tsv.gz and hierarchy.tsv.gz "
                                      "from resources")
    b.add_argument("--resources", type=Path, default=Path("../shared/resources"),
                   help="folder with cell_ontology/, mesh/, genes_cytokines/, ... "
                        "(default ../shared/resources)")
    b.add_argument("--out", type=Path, default=None,
                   help="output lexicon (default pipeline/data/lexicon.tsv.gz)")
    b.add_argument("--xrefs-out", type=Path, default=None,
                   help="output id equivalence table (default pipeline/data/xrefs.tsv.gz)")
    b.add_argument("--hierarchy-out", type=Path, default=None,
                   help="output concept hierarchy (default pipeline/data/hierarchy.tsv.gz)")
    b.set_defaults(func=_build)
    lk = acts.add_parser("lookup", help="show the entries a term maps to")
    lk.add_argument("terms", nargs="+", metavar="TERM")
    lk.add_argument("--path", type=Path, default=None, help="lexicon file (default committed)")
    lk.set_defaults(func=_lookup)
    st = acts.add_parser("stats", help="row counts by type, source and namespace; load time")
    st.add_argument("--path", type=Path, default=None, help="lexicon file (default committed)")
    st.set_defaults(func=_stats)
    p.set_defaults(func=lambda args: p.print_help() or 2)


def _build(args: argparse.Namespace) -> int:
    from ..lexicon import DEFAULT_HIERARCHY, DEFAULT_LEXICON, DEFAULT_XREFS
    from ..lexicon.builder import build_lexicon

    out = args.out or DEFAULT_LEXICON
    xout = args.xrefs_out or (DEFAULT_XREFS if args.out is None
                              else out.with_name("xrefs.tsv.gz"))
    hout = args.hierarchy_out or (DEFAULT_HIERARCHY if args.out is None
                                  else out.with_name("hierarchy.tsv.gz"))
    stats = build_lexicon(args.resources, out, xrefs_out=xout, hierarchy_out=hout)
    print(f"wrote {out}: {stats.rows:,} rows, {stats.bytes / 1e6:.2f} MB "
          f"({stats.blocked} blocked) in {stats.seconds:.1f} s")
    print(f"wrote {xout}: {stats.xref_pairs:,} id pairs")
    print(f"wrote {hout}: {stats.hierarchy_pairs:,} (child, parent) pairs")
    for label, counts in (("type", stats.by_type), ("source", stats.by_source)):
        print(f"by {label}: " + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())))
    for w in stats.warnings:
        print("warning:", w)
    return 0


def _lookup(args: argparse.Namespace) -> int:
    from ..lexicon import Lexicon

    lex = Lexicon.load(args.path)
    found = 0
    for term in args.terms:
        hits = lex.lookup(term)
        print(f"{term}: {len(hits)} entr{'y' if len(hits) == 1 else 'ies'}")
        for e in hits:
            print(f"  {e.priority:>3}  {e.type:<9} {e.concept:<22} {e.name}  "
                  f"[{e.source}{', case-sensitive' if e.case_sensitive else ''}: {e.term!r}]")
        found += bool(hits)
    return 0 if found == len(args.terms) else 1


def _stats(args: argparse.Namespace) -> int:
    import time

    from ..lexicon import DEFAULT_LEXICON, Lexicon

    path = args.path or DEFAULT_LEXICON
    t0 = time.perf_counter()
    lex = Lexicon.load(path)
    took = time.perf_counter() - t0
    print(f"{path}: {path.stat().st_size / 1e6:.2f} MB, {len(lex):,} rows, loaded in {took:.2f} s")
    for label, counts in lex.stats().items():
        print(f"by {label}: " + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())))
    return 0
