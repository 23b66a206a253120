"""``mscgraph annotate``: entities (and relations) for JSON Lines texts, in the gold format.

::

    mscgraph annotate --input docs.jsonl --output out.jsonl [--batch-size 64]
                      [--no-relations] [--skip-errors]

Input lines are ``{"id", "text"}``, or ``{"id"|"pmid", "title", "abstract"}`` (the text is
title, newline, abstract). ``-`` reads stdin / writes stdout. Output lines are
``{"id", "entities", "relations", "context"}`` with offsets into the input text. A progress
bar goes to stderr when the input is a file and stderr a terminal. An empty text gives empty
lists; a malformed line stops with an error naming its line number unless ``--skip-errors``
is given.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Iterator

from ..errors import ParseError

if TYPE_CHECKING:  # pragma: no cover
    from ..extract import Extractor
    from ..model import Extraction

__all__ = ["register", "read_inputs", "input_text"]

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``annotate`` subcommand."""
    p = sub.add_parser("annotate", help="annotate JSON Lines texts with entities and relations",
                       description=__doc__.split("::")[0].strip().replace("``", "'"))
    p.add_argument("--input", "-i", required=True,
                   help="JSON Lines input ({id, text} or {id|pmid, title, abstract}); - = stdin")
    p.add_argument("--output", "-o", default="-", help="JSON Lines output; - = stdout (default)")
    p.add_argument("--batch-size", type=int, default=64, help="documents per nlp.pipe batch")
    p.add_argument("--no-relations", action="store_true", help="entities only")
    p.add_argument("--skip-errors", action="store_true",
                   help="skip malformed input lines (logged) instead of stopping")
    p.set_defaults(func=run)


def input_text(record: dict[str, Any]) -> str:
    """The text of one input record: ``text``, else title + newline + abstract.

    >>> input_text({"title": "T", "abstract": "A."})
    'T\\nA.'
    """
    text = record.get("text")
    if isinstance(text, str):
        return text
    title = record.get("title") or ""
    abstract = record.get("abstract") or ""
    if abstract:
        return f"{title}\n{abstract}" if title else abstract
    return title


def read_inputs(fh: IO[str], *, skip_errors: bool = False) -> Iterator[tuple[str, str]]:
    """``(doc_id, text)`` for each line of ``fh``; blank lines are ignored.

    Raises
    ------
    ParseError
        A line is not a JSON object (naming the line number), unless ``skip_errors``.
    """
    for lineno, line in enumerate(fh, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            if not isinstance(rec, dict):
                raise ValueError("expected a JSON object")
        except ValueError as exc:
            msg = (f"input line {lineno}: malformed JSON ({exc}); fix the line or rerun with "
                   f"--skip-errors")
            if skip_errors:
                log.warning("%s", msg)
                continue
            raise ParseError(msg) from None
        doc_id = str(rec.get("id") or rec.get("pmid") or f"line{lineno}")
        yield doc_id, input_text(rec)


def _count_lines(path: Path) -> int | None:
    try:
        with path.open("rb") as fh:
            return sum(1 for line in fh if line.strip())
    except OSError:
        return None


def _extract_keeping_empty(extractor: "Extractor", batch: list[tuple[str, str]]
                           ) -> Iterator["Extraction"]:
    """Extractions of ``(doc_id, text)`` pairs in order; empty texts bypass the pipeline but
    keep their place."""
    results = extractor.extract_texts([(i, t) for i, t in batch if t.strip()],
                                      batch_size=len(batch))
    for doc_id, text in batch:
        yield next(results) if text.strip() else extractor.extract_text(text, doc_id)


def run(args: argparse.Namespace) -> int:
    """Handler of ``mscgraph annotate``."""
    from ..extract import Extractor
    from ..progress import Progress, batched

    if args.batch_size < 1:
        raise ParseError("--batch-size must be >= 1")
    infile = sys.stdin if args.input == "-" else None
    if infile is None:
        path = Path(args.input)
        if not path.is_file():
            raise ParseError(f"input file {path} not found; pass a JSON Lines file or - for "
                             "stdin")
        infile = path.open("r", encoding="utf-8")
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")
    total = _count_lines(Path(args.input)) if args.input != "-" else None
    extractor = Extractor(relations=not args.no_relations, batch_size=args.batch_size)
    n = 0
    try:
        with Progress("annotate", total, enabled=total is not None and sys.stderr.isatty(),
                      transient=True) as bar:
            for batch in batched(read_inputs(infile, skip_errors=args.skip_errors),
                                 args.batch_size):
                for ex in _extract_keeping_empty(extractor, batch):
                    out.write(json.dumps(ex.to_json(), ensure_ascii=False) + "\n")
                    n += 1
                bar.advance(len(batch))
    finally:
        if infile is not sys.stdin:
            infile.close()
        if out is not sys.stdout:
            out.close()
        else:
            out.flush()
    log.info("annotated %d documents", n)
    return 0
