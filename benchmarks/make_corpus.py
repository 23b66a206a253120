"""Synthesize a PubMed XML file of N records (new PMIDs) for scale runs of ``mscgraph run``.

The records cycle over the real abstracts of ../shared (see ``bench_common.base_texts``; the
demo corpus when they are absent). The file is built on demand and never committed: the texts
are third-party.

Usage::

    python benchmarks/make_corpus.py 100000 /tmp/pubmed_100k.xml.gz
    mscgraph run --source xml:/tmp/pubmed_100k.xml.gz --database-url sqlite:////tmp/100k.sqlite

Example
-------
>>> main(["3", "/tmp/three.xml.gz"])                           # doctest: +SKIP
wrote 3 records to /tmp/three.xml.gz
"""
from __future__ import annotations

import argparse
import gzip
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_common import base_texts, write_pubmed_xml  # noqa: E402


def make_corpus(n: int, out: Path, texts: Path | None = None) -> Path:
    """Write ``n`` synthetic records to ``out`` (gzip-compressed when it ends in ``.gz``)."""
    pairs = base_texts(texts)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix != ".gz":
        write_pubmed_xml(pairs, n, out)
        return out
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        plain = Path(tmp) / "corpus.xml"
        write_pubmed_xml(pairs, n, plain)
        with plain.open("rb") as src, gzip.open(out, "wb", compresslevel=5) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line: ``make_corpus.py N OUT [--texts FILE]``."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("n", type=int, help="number of records")
    p.add_argument("out", type=Path, help="output file (.xml or .xml.gz)")
    p.add_argument("--texts", type=Path, help="texts to cycle over (.jsonl of {text} or "
                   "PubMed XML; default: the shared real abstracts)")
    args = p.parse_args(argv)
    if args.n < 1:
        p.error("N must be >= 1")
    make_corpus(args.n, args.out, args.texts)
    print(f"wrote {args.n} records to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
