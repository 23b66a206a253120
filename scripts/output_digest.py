"""Extraction output over the benchmark's distinct real abstracts, for behaviour-preserving changes.

Writes one JSON line per abstract (mentions, relations, context; not the extractor version) so
two commits can be compared line by line:

    python scripts/output_digest.py /tmp/before.jsonl        # on the old commit
    python scripts/output_digest.py /tmp/after.jsonl         # on the new one
    python scripts/output_digest.py --compare /tmp/before.jsonl /tmp/after.jsonl

Texts are those of ``benchmarks/bench_speed.py`` (about 3,870 abstracts from ../shared; the
demo corpus without it).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]


def write(path: Path) -> str:
    """Extract every text and write ``path``; return the SHA-256 of its content."""
    from bench_speed import base_texts
    from pipeline.extract import Extractor

    texts = base_texts()
    items = ((str(i), f"{t}\n{a}") for i, (t, a) in enumerate(texts))
    digest = hashlib.sha256()
    with path.open("w", encoding="utf-8") as fh:
        for ex in Extractor().extract_texts(items):
            row = ex.to_json()
            row.pop("extractor_version", None)
            line = json.dumps(row, sort_keys=True, ensure_ascii=False) + "\n"
            digest.update(line.encode())
            fh.write(line)
    print(f"{len(texts)} texts -> {path} sha256 {digest.hexdigest()}")
    return digest.hexdigest()


def compare(a: Path, b: Path) -> int:
    """Print the first differing documents; return how many lines differ."""
    left = a.read_text(encoding="utf-8").splitlines()
    right = b.read_text(encoding="utf-8").splitlines()
    diff = [i for i, (x, y) in enumerate(zip(left, right)) if x != y]
    diff += list(range(min(len(left), len(right)), max(len(left), len(right))))
    for i in diff[:5]:
        print(f"doc {i}:\n  - {left[i][:400] if i < len(left) else ''}\n"
              f"  + {right[i][:400] if i < len(right) else ''}")
    print(f"{len(diff)} of {max(len(left), len(right))} documents differ")
    return len(diff)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, help="output file, or two with --compare")
    parser.add_argument("--compare", action="store_true", help="compare two output files")
    args = parser.parse_args(argv)
    if args.compare:
        return 1 if compare(*args.paths[:2]) else 0
    write(args.paths[0])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
