"""``mscgraph`` command line: one sub-module per subcommand, each exposing ``register``.

Each sub-module adds its parser to the subparsers and sets ``func`` (called with the parsed
arguments, returning an exit code). Heavy imports (spaCy, Prefect) happen inside ``func`` so
``mscgraph --help`` stays fast.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import sys
from typing import Sequence

from ..errors import PipelineError

__all__ = ["main", "build_parser", "positive_int"]

#: Subcommand modules, in the order ``--help`` lists them.
SUBCOMMANDS = ("ingest", "lexicon", "annotate", "extract", "train", "eval", "export", "run")


def positive_int(text: str) -> int:
    """An ``argparse`` type: an integer >= 1.

    >>> positive_int("3")
    3
    """
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="mscgraph",
        description="Mine PubMed into a mechanism knowledge graph of MSC therapy for liver "
                    "disease: ingest -> annotate/extract -> assemble -> export.",
        epilog="Settings come from env vars NCBI_EMAIL, NCBI_API_KEY, MSCGRAPH_EUTILS_URL, "
               "MSCGRAPH_DATABASE_URL and from flags. Run 'mscgraph COMMAND --help' for details.",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="more logging (-v info, -vv debug)")
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        importlib.import_module(f"{__name__}.{name}_cmd").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mscgraph`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING if args.quiet else (logging.DEBUG if args.verbose > 1 else logging.INFO)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except PipelineError as exc:
        logging.getLogger("mscgraph").error("%s", exc)
        print(f"mscgraph: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("mscgraph: interrupted; rerun the same command to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
