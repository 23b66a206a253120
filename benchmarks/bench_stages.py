"""Throughput and peak memory of each pipeline stage, one fresh process per (stage, size).

Run from the repository root (default sizes 1,000 and 10,000 abstracts; ``ner``/``extract``
also run once over all distinct texts, each seen once)::

    python benchmarks/bench_stages.py                                  # ~3 min
    python benchmarks/bench_stages.py --sizes 1000,10000,100000 --stages parse,graph,export \
        --out benchmarks/results/100k                                  # ~10 min
    python benchmarks/bench_stages.py --stages parse,ner --sizes 1000

Stages: ``parse`` (``pipeline.medline.parse_pubmed_xml`` over synthetic PubMed XML),
``ner`` (tokenization + NER + normalization: ``Extractor(relations=False, context=False)``,
mentions out), ``extract`` (entities + relations + document context, the whole
:class:`pipeline.extract.Extractor`), ``graph`` (assembly of the extractions into a
``KnowledgeGraph``) and ``export`` (``pipeline.exports.write_exports``). The side-by-side
comparison with the spaCy CNN and the tokenizer ceiling is ``bench_speed.py``.

Each (stage, size) runs in a fresh subprocess pinned to one core, so the peak RSS printed is
that stage's own. Inputs stream: abstracts are the real texts of ``bench_common.base_texts``,
repeated with new ids beyond that; graph and export stages replicate the extractions of the
distinct texts (extracted once, not timed). Results go to ``benchmarks/results/stages.md`` and
``stages.json``.

>>> stage_sizes("ner", [1000, 10000], 0, distinct=3858)
[200, 1000, 3858, 10000]
"""
from __future__ import annotations

import argparse
import itertools
import json
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

from bench_common import (DEMO_XML, REPO, SHARED_TEXTS, base_texts, run_worker, texts_stream,
                          write_pubmed_xml)

STAGES = ("parse", "ner", "extract", "graph", "export")


# ----------------------------------------------------------------------------------- workers

def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _replicated_extractions(texts: list[tuple[str, str]], n: int) -> Iterator[tuple[Any, Any]]:
    """``(ArticleRef, Extraction)`` for ``n`` docs, reusing the distinct texts' extractions."""
    from dataclasses import replace
    from pipeline.assembly import ArticleRef
    from pipeline.extract import Extractor
    base = list(Extractor().extract_texts(texts_stream(texts, len(texts))))
    for i, ex in zip(range(n), itertools.cycle(base)):
        pmid = str(90_000_000 + i)
        yield ArticleRef(pmid, 2000 + i % 25), replace(ex, doc_id=pmid)


def worker(stage: str, n: int, texts_path: Path | None, xml: Path | None) -> dict[str, Any]:
    """Run one stage over ``n`` abstracts in this process; returns the measurement."""
    texts = base_texts(texts_path)
    t_load = time.perf_counter()
    items = 0
    if stage == "parse":
        from pipeline.medline import ParsedArticle, parse_pubmed_xml
        load = time.perf_counter() - t_load
        t0, c0 = time.perf_counter(), time.process_time()
        items = sum(isinstance(r, ParsedArticle) for r in parse_pubmed_xml(xml))
    elif stage == "ner":
        # the NER measure: tokenization + NER + normalization, mentions out
        from pipeline.extract import Extractor
        ex = Extractor(relations=False, context=False)
        ex.extract_text("warm-up: mesenchymal stem cells reduce fibrosis.", "w")
        load = time.perf_counter() - t_load
        t0, c0 = time.perf_counter(), time.process_time()
        for e in ex.extract_texts(texts_stream(texts, n)):
            items += len(e.mentions)
    elif stage == "extract":
        from pipeline.extract import Extractor
        ex = Extractor()
        ex.extract_text("warm-up: mesenchymal stem cells reduce fibrosis.", "w")
        load = time.perf_counter() - t_load
        t0, c0 = time.perf_counter(), time.process_time()
        for e in ex.extract_texts(texts_stream(texts, n)):
            items += len(e.mentions) + len(e.relations)
    elif stage == "graph":
        from pipeline.graph import KnowledgeGraph
        stream = _replicated_extractions(texts, n)
        first = [next(stream)]  # builds the extractor and base extractions before timing
        load = time.perf_counter() - t_load
        t0, c0 = time.perf_counter(), time.process_time()
        kg = KnowledgeGraph.from_extractions(itertools.chain(first, stream))
        items = len(kg.statements())
    elif stage == "export":
        from pipeline.exports import write_exports
        from pipeline.graph import KnowledgeGraph
        kg = KnowledgeGraph.from_extractions(_replicated_extractions(texts, n))
        load = time.perf_counter() - t_load
        out = Path(tempfile.mkdtemp(prefix="mscgraph-bench-export-"))
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            items = len(write_exports(kg, out))
        finally:
            shutil.rmtree(out, ignore_errors=True)
    else:
        raise SystemExit(f"unknown stage {stage!r}")
    secs = time.perf_counter() - t0
    cpu = time.process_time() - c0
    return {"stage": stage, "n": n, "seconds": secs, "docs_per_s": n / secs if secs else 0.0,
            "cpu_seconds": cpu, "cpu_docs_per_s": n / cpu if cpu else 0.0,
            "load_seconds": load, "peak_rss_mb": _peak_mb(), "items": items}


# ------------------------------------------------------------------------------------ driver

def run_stage(stage: str, n: int, texts_path: Path | None, xml: Path | None) -> dict[str, Any]:
    """One (stage, size) measurement in a fresh subprocess pinned to one core."""
    args = ["--worker", stage, "--n", str(n)]
    if texts_path:
        args += ["--texts", str(texts_path)]
    if xml:
        args += ["--xml", str(xml)]
    return {"stage": stage, "n": n} | run_worker(Path(__file__).resolve(), args, pin=True)


def stage_sizes(stage: str, sizes: list[int], nlp_docs: int, distinct: int = 0) -> list[int]:
    """The sizes one stage runs at: when ``nlp_docs`` is set the spaCy stages are capped, their
    per-abstract cost is what extrapolates. They also run once over the ``distinct`` texts,
    each seen once (no cache flatters that figure).

    >>> stage_sizes("extract", [1000, 10000], 2000)
    [1000, 2000]
    """
    if stage in ("ner", "extract"):
        out = {min(n, nlp_docs) for n in sizes} if nlp_docs else set(sizes)
        if distinct:
            out.add(distinct)
        if stage == "ner":  # a smaller point too, so the flat peak RSS shows
            out.add(max(1, min(out) // 5))
        return sorted(out)
    return sizes


def to_markdown(rows: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    """The results table of one run, with how it was made."""
    lines = ["# Speed and memory per stage", "",
             f"`python benchmarks/bench_stages.py --sizes {meta['sizes']}` on {meta['date']}, "
             f"{meta['machine']}, one core (taskset, OMP_NUM_THREADS=1), Python "
             f"{meta['python']}, input: {meta['input']} ({meta['distinct_texts']} distinct "
             "abstracts, repeated with new ids). Each row is a fresh process; peak RSS is "
             "`ru_maxrss` of that process (model loading included, time excluded). CPU abstracts/s "
             "uses the process CPU time, which is robust when the machine is shared; wall-clock "
             "figures drop when other jobs compete for the core.", "",
             "| stage | abstracts | seconds | abstracts/s | CPU abstracts/s | load s | "
             "peak RSS MB | items |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['stage']} | {r['n']} | n/a | n/a | | | | {r['error'][:60]} |")
        else:
            lines.append(f"| {r['stage']} | {r['n']} | {r['seconds']:.2f} | "
                         f"{r['docs_per_s']:.1f} | {r['cpu_docs_per_s']:.1f} | "
                         f"{r['load_seconds']:.1f} | "
                         f"{r['peak_rss_mb']:.0f} | {r['items']} |")
    lines += ["", "Items: parse = articles, ner/extract = mentions + relations, graph = "
              "statements, export = files. The side-by-side comparison with the spaCy CNN is "
              "`speed.md` (`bench_speed.py`)."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated abstract counts")
    ap.add_argument("--stages", default=",".join(STAGES), help="comma-separated stages")
    ap.add_argument("--nlp-docs", type=int, default=0,
                    help="cap on abstracts for the ner/extract stages (0: no cap; they run "
                         "at a few hundred abstracts/s, so 10k takes under a minute each)")
    ap.add_argument("--texts", type=Path, help="JSONL {id, text} or PubMed XML to repeat")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--xml", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker:
        print(json.dumps(worker(a.worker, a.n, a.texts, a.xml)))
        return 0
    sizes = [int(s) for s in a.sizes.split(",")]
    stages = [s for s in a.stages.split(",") if s]
    texts = base_texts(a.texts)
    rows: list[dict[str, Any]] = []
    tmp = Path(tempfile.mkdtemp(prefix="mscgraph-stages-"))
    try:
        for stage in stages:
            for n in stage_sizes(stage, sizes, a.nlp_docs, len(texts)):
                xml = None
                if stage == "parse":
                    xml = tmp / f"synthetic_{n}.xml"
                    write_pubmed_xml(texts, n, xml)
                r = run_stage(stage, n, a.texts, xml)
                if xml:
                    r["xml_mb"] = xml.stat().st_size / 1e6
                    xml.unlink()
                rows.append(r)
                print(json.dumps(r), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    meta = {"sizes": a.sizes, "date": time.strftime("%Y-%m-%d"),
            "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
            "python": platform.python_version(),
            "input": str(a.texts) if a.texts else (
                "../shared real_texts.jsonl + NCBI-disease + BioRED + JNLPBA abstracts"
                if SHARED_TEXTS.is_file() else str(DEMO_XML)),
            "distinct_texts": len(texts)}
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "stages.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1),
                                     encoding="utf-8")
    (a.out / "stages.md").write_text(to_markdown(rows, meta), encoding="utf-8")
    print(f"wrote {a.out / 'stages.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
