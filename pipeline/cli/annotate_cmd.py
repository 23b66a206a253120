"""``mscgraph annotate``: entities (and relations) for JSON Lines texts, in the gold format.

::

    mscgraph annotate --input docs.jsonl --output out.jsonl [--batch-size 64]
                      [--no-relations] [--skip-errors] [--workers N]

Input lines are ``{"id", "text"}``, or ``{"id"|"pmid", "title", "abstract"}`` (the text is
title, newline, abstract). ``-`` reads stdin / writes stdout. Output lines are
``{"id", "entities", "relations", "context"}`` with offsets into the input text. A progress
bar goes to stderr when the input is a file and stderr a terminal. An empty text gives empty
lists; a malformed line stops with an error naming its line number unless ``--skip-errors``
is given. Batches go to one worker process per core (``--workers``; 1 = this process), the
output in input order, the same as with one worker.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from contextlib import closing
from functools import partial
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from ..errors import ParseError
from . import positive_int

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
    p.add_argument("--workers", type=positive_int, metavar="N",
                   help="worker processes, each loading the pipeline once (default: the "
                        "available cores, fewer if memory lacks 1 GB for each; 1 = this process)")
    p.set_defaults(func=run)


def input_text(record: dict[str, Any]) -> str:
    """The text of one input record: ``text``, else title + newline + abstract.

    >>> input_text({"title": "T", "abstract": "A."})
    'T\\nA.'
    """
    for key in ("text", "title", "abstract"):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{key!r} must be a string, not {type(value).__name__}")
    text = record.get("text")
    if isinstance(text, str):
        return text
    title = record.get("title") or ""
    abstract = record.get("abstract") or ""
    if abstract:
        return f"{title}\n{abstract}" if title else abstract
    return title


def read_inputs(fh: IO[bytes], *, skip_errors: bool = False) -> Iterator[tuple[str, str]]:
    """``(doc_id, text)`` for each line of the binary stream ``fh``; blank lines are ignored.

    >>> import io
    >>> list(read_inputs(io.BytesIO(b'{"id": 1, "text": "MSCs."}\\n\\n')))
    [('1', 'MSCs.')]

    Raises
    ------
    ParseError
        A line is not UTF-8, not a JSON object, or has a non-string text, title or abstract
        (naming the line number), unless ``skip_errors``: then it is logged and skipped.
    """
    for lineno, raw in enumerate(fh, 1):
        try:
            line = raw.decode("utf-8")
            if not line.strip():
                continue
            rec = json.loads(line)
            if not isinstance(rec, dict):
                raise ValueError("expected a JSON object")
            text = input_text(rec)
            doc_id = rec.get("id", rec.get("pmid"))
            if doc_id is not None and not isinstance(doc_id, (str, int)):
                raise ValueError(f"'id' must be a string or a number, not "
                                 f"{type(doc_id).__name__}")
        except (UnicodeDecodeError, ValueError) as exc:
            what = "not UTF-8" if isinstance(exc, UnicodeDecodeError) else f"malformed ({exc})"
            msg = f"input line {lineno}: {what}; fix the line or rerun with --skip-errors"
            if skip_errors:
                log.warning("%s", msg)
                continue
            raise ParseError(msg) from None
        yield (str(doc_id) if doc_id not in (None, "") else f"line{lineno}"), text


def _count_lines(path: Path) -> int | None:
    try:
        with path.open("rb") as fh:
            return sum(1 for line in fh if line.strip())
    except OSError:
        return None


def _annotate(batches: Iterable[list[tuple[str, str]]], *, relations: bool, batch_size: int,
              workers: int) -> Iterator[list[str]]:
    """The output lines of each batch of ``(doc_id, text)``, in order: in ``workers``
    processes, or here when ``workers`` is 1 or the input is a single batch."""
    from ..extract import Extractor
    from ..parallel import annotate_in_worker, annotate_lines, ordered_map, worker_pool

    batches = iter(batches)
    head = list(islice(batches, 2))
    if workers <= 1 or len(head) < 2:
        extractor = Extractor(relations=relations, batch_size=batch_size)
        yield from (annotate_lines(extractor, b) for b in chain(head, batches))
        return
    with worker_pool(workers, relations=relations) as pool:
        yield from ordered_map(pool, partial(annotate_in_worker, relations=relations),
                               chain(head, batches))


def run(args: argparse.Namespace) -> int:
    """Handler of ``mscgraph annotate``."""
    from ..parallel import default_workers
    from ..extract import shared_batches
    from ..progress import Progress

    if args.batch_size < 1:
        raise ParseError("--batch-size must be >= 1")
    infile = sys.stdin.buffer if args.input == "-" else None
    if infile is None:
        path = Path(args.input)
        if not path.is_file():
            raise ParseError(f"input file {path} not found; pass a JSON Lines file or - for "
                             "stdin")
        infile = path.open("rb")
    total = _count_lines(Path(args.input)) if args.input != "-" else None
    workers = args.workers or default_workers()
    n = 0
    # The output is written beside its target and renamed on success: a failed run leaves an
    # existing --output as it was.
    tmp = None if args.output == "-" else Path(args.output).with_name(
        f".{Path(args.output).name}.{os.getpid()}.tmp")
    out = sys.stdout if tmp is None else tmp.open("w", encoding="utf-8")
    try:
        with Progress("annotate", total, enabled=total is not None and sys.stderr.isatty(),
                      transient=True) as bar:
            # the last batches smaller when workers share them, as the flow's spans
            batches = shared_batches(read_inputs(infile, skip_errors=args.skip_errors),
                                     args.batch_size, workers)
            with closing(_annotate(batches, relations=not args.no_relations,
                                   batch_size=args.batch_size, workers=workers)) as results:
                for lines in results:
                    out.writelines(line + "\n" for line in lines)
                    n += len(lines)
                    bar.advance(len(lines))
        if tmp is not None:
            out.close()
            os.replace(tmp, args.output)
    finally:
        if infile is not sys.stdin.buffer:
            infile.close()
        if out is sys.stdout:
            out.flush()
        elif tmp is not None:
            out.close()
            tmp.unlink(missing_ok=True)
    log.info("annotated %d documents", n)
    return 0
