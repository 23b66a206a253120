"""Graph stage cost: a full build versus a night that adds records to a saved graph state.

Builds (once) a store of ``--records`` articles by copying the extractions of a JSONL file
(``scripts/output_digest.py`` output, one extraction per line) under new PMIDs straight into the
extractions table, then, in this process, one of:

* ``build``: the graph from scratch (``load_graph`` without a state; CPU s, RSS held by it);
* ``night``: ``--add`` more copied records, then ``load_graph`` from the saved state.

Run each phase in its own process (RSS figures are per process)::

    python benchmarks/bench_graph.py build --records 20000 --db /tmp/g.sqlite --state /tmp/gs
    python benchmarks/bench_graph.py night --add 100 --db /tmp/g.sqlite --state /tmp/gs
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, insert, select

from pipeline.graph.state import STATE_FILE, load_graph
from pipeline.model import Article
from pipeline.store import Store, content_hash
from pipeline.store_schema import articles, extractions


def rss_mb() -> float:
    """Resident memory of this process now (MB)."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def fill(store: Store, lines: list[str], start: int, n: int) -> None:
    """Insert ``n`` articles with copied extractions, PMIDs from ``start``."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    for lo in range(0, n, 2000):
        arts, exs = [], []
        for i in range(start + lo, start + min(n, lo + 2000)):
            pmid = str(90_000_000 + i)
            a = Article(pmid, f"Title {pmid}", "Abstract.", year=2000 + i % 25)
            d = json.loads(lines[i % len(lines)])
            d["id"] = pmid
            h = content_hash(a)
            arts.append({"pmid": pmid, "version": 1, "title": a.title, "abstract": a.abstract,
                         "year": a.year, "journal": "", "date_revised": "",
                         "article_json": json.dumps(a.to_json()), "raw_xml": None,
                         "content_hash": h, "created_at": now, "updated_at": now})
            exs.append({"pmid": pmid, "article_version": 1, "extractor_version": "bench",
                        "content_hash": h, "extraction_json": json.dumps(d),
                        "extracted_at": now})
        with store.engine.begin() as conn:
            conn.execute(insert(articles), arts)
            conn.execute(insert(extractions), exs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("phase", choices=["build", "night"])
    ap.add_argument("--db", required=True)
    ap.add_argument("--state", required=True, help="directory of the saved graph state")
    ap.add_argument("--records", type=int, default=20000)
    ap.add_argument("--add", type=int, default=100)
    ap.add_argument("--source", default="/work/baseline3_out.jsonl")
    args = ap.parse_args()
    lines = Path(args.source).read_text(encoding="utf-8").splitlines()
    store = Store(f"sqlite:///{args.db}")
    with store.engine.connect() as conn:
        have = int(conn.execute(select(func.count()).select_from(extractions)).scalar_one())
    state = Path(args.state) / STATE_FILE
    if args.phase == "build":
        if have < args.records:
            fill(store, lines, have, args.records - have)
        state.unlink(missing_ok=True)
    else:
        fill(store, lines, have, args.add)
    gc.collect()
    before, t0 = rss_mb(), time.process_time()
    kg = load_graph(store, state)
    cpu = time.process_time() - t0
    gc.collect()
    print(json.dumps({"phase": args.phase, "records": store.count_extractions(),
                      "graph_cpu_s": round(cpu, 2), "rss_held_mb": round(rss_mb() - before),
                      "state_mb": round(state.stat().st_size / 2**20, 1),
                      "summary": {k: v for k, v in kg.summary().items() if k != "types"}}))


if __name__ == "__main__":
    main()
