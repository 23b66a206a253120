"""Throughput and peak memory of each pipeline stage, with a spaCy CNN baseline.

Run from the repository root (one core, default sizes 1,000 and 10,000 abstracts; the spaCy
stages ``ner``/``extract`` also run once over all distinct texts, each seen once, and the
baseline is capped at ``--baseline-docs`` 1,000, its per-abstract cost extrapolates)::

    python benchmarks/bench_speed.py                       # ~5 min
    python benchmarks/bench_speed.py --sizes 1000,10000,100000   # about an hour
    python benchmarks/bench_speed.py --stages parse,ner --sizes 1000

Stages: ``parse`` (``pipeline.medline.parse_pubmed_xml`` over synthetic PubMed XML),
``ner`` (tokenization + NER + normalization: ``Extractor(relations=False, context=False)``,
mentions out), ``extract`` (entities + relations + document context, the
whole :class:`pipeline.extract.Extractor`), ``graph`` (assembly of
the extractions into a ``KnowledgeGraph``), ``export`` (``pipeline.exports.write_exports``) and
``baseline`` (an untrained spaCy CNN pipeline with the ``en_core_sci_sm`` architecture:
tok2vec + tagger + parser + ner from ``spacy init config --optimize efficiency``; same compute as
the trained model, on at most ``--baseline-docs`` abstracts, extrapolated per document).

Each (stage, size) runs in a fresh subprocess, so the peak RSS printed is that stage's own.
Inputs stream: abstracts are the distinct real texts of ../shared (``real_texts.jsonl`` plus
the NCBI-disease, BioRED and JNLPBA abstracts, about 3,850), repeated with new ids only beyond that,
else the demo corpus; graph and export stages replicate the extractions
of the distinct texts (extracted once, not timed). Results go to
``benchmarks/results/speed.md`` and ``speed.json``.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parent.parent
SHARED_TEXTS = REPO.parent / "shared" / "corpora" / "real_texts.jsonl"
DEMO_XML = REPO / "corpora" / "demo" / "demo_pubmed.xml"
STAGES = ("parse", "ner", "extract", "graph", "export", "baseline")
ONE_CORE_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                "TOKENIZERS_PARALLELISM": "false"}


# ------------------------------------------------------------------------------------ inputs

def _public_corpus_texts() -> list[tuple[str, str]]:
    """Distinct PubMed ``(title, abstract)`` pairs of the public corpora in ../shared.

    NCBI-disease (train/dev/test) and BioRED (train/dev/test), deduplicated by PMID, plus the
    JNLPBA (GENIA) abstracts: about 3,800 real abstracts, so the spaCy stages are timed on text they have never seen (their
    token and lookup caches would flatter a corpus of repeated texts).
    """
    root = SHARED_TEXTS.parent.parent / "resources" / "corpora"
    files = sorted((root / "ncbi_disease").glob("NCBI*_corpus.txt")) + \
        sorted((root / "biored").glob("*.PubTator"))
    titles: dict[str, str] = {}
    abstracts: dict[str, str] = {}
    for f in files:
        for line in f.open(encoding="utf-8"):
            pmid, sep, rest = line.partition("|")
            if not sep or rest[:2] not in ("t|", "a|"):
                continue
            (titles if rest[0] == "t" else abstracts).setdefault(pmid, rest[2:].rstrip("\n"))
    for title, abstract in _jnlpba_texts(root / "jnlpba" / "jnlpba_standoff_train_test.tar.gz"):
        pmid = f"jnlpba:{len(titles)}"
        titles[pmid], abstracts[pmid] = title, abstract
    return [(titles[p], abstracts.get(p, "")) for p in sorted(titles)]


def _jnlpba_texts(archive: Path) -> list[tuple[str, str]]:
    """``(title, abstract)`` of the JNLPBA (GENIA) train and test abstracts, about 2,400,
    read from the standoff archive without unpacking it (first line is the title)."""
    import tarfile
    if not archive.is_file():
        return []
    out = []
    with tarfile.open(archive) as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            if member.isfile() and member.name.endswith(".txt"):
                text = tar.extractfile(member).read().decode("utf-8")
                title, _, abstract = text.strip().partition("\n")
                out.append((title, abstract.strip()))
    return out


def base_texts(source: Path | None = None) -> list[tuple[str, str]]:
    """Distinct ``(title, abstract)`` pairs: the shared real texts plus the public corpora's
    abstracts, else the demo corpus (or ``source``)."""
    if source is None and SHARED_TEXTS.is_file():
        return base_texts(SHARED_TEXTS) + _public_corpus_texts()
    path = source or DEMO_XML
    if path.suffix == ".jsonl":
        out = []
        for line in path.open(encoding="utf-8"):
            if line.strip():
                title, _, abstract = json.loads(line)["text"].partition("\n")
                out.append((title, abstract))
        return out
    if path.is_file():
        from pipeline.medline import read_articles
        return [(a.title, a.abstract) for a in read_articles(path)]
    sys.exit(f"no input texts: neither {SHARED_TEXTS} nor {DEMO_XML} exists; pass --texts")


def repeated(texts: list[tuple[str, str]], n: int) -> Iterator[tuple[str, str, str]]:
    """``(pmid, title, abstract)`` for ``n`` abstracts cycling over ``texts`` (new ids)."""
    for i, (title, abstract) in zip(range(n), itertools.cycle(texts)):
        yield str(90_000_000 + i), title, abstract


def write_pubmed_xml(texts: list[tuple[str, str]], n: int, path: Path) -> None:
    """A synthetic ``<PubmedArticleSet>`` of ``n`` records, written streaming."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n')
        for pmid, title, abstract in repeated(texts, n):
            fh.write(
                f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">'
                f'<PMID Version="1">{pmid}</PMID><Article PubModel="Print"><Journal><JournalIssue>'
                f'<PubDate><Year>2024</Year></PubDate></JournalIssue><Title>Bench J</Title>'
                f'</Journal><ArticleTitle>{escape(title)}</ArticleTitle><Abstract>'
                f'<AbstractText>{escape(abstract)}</AbstractText></Abstract>'
                f'<Language>eng</Language></Article><MeshHeadingList><MeshHeading>'
                f'<DescriptorName UI="D008103" MajorTopicYN="N">Liver Cirrhosis</DescriptorName>'
                f'</MeshHeading></MeshHeadingList></MedlineCitation></PubmedArticle>\n')
        fh.write("</PubmedArticleSet>\n")


# ----------------------------------------------------------------------------------- workers

def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _texts_stream(texts: list[tuple[str, str]], n: int) -> Iterator[tuple[str, str]]:
    return ((pmid, f"{t}\n{a}") for pmid, t, a in repeated(texts, n))


def _replicated_extractions(texts: list[tuple[str, str]], n: int) -> Iterator[tuple[Any, Any]]:
    """``(ArticleRef, Extraction)`` for ``n`` docs, reusing the distinct texts' extractions."""
    from dataclasses import replace
    from pipeline.assembly import ArticleRef
    from pipeline.extract import Extractor
    base = list(Extractor().extract_texts(_texts_stream(texts, len(texts))))
    for i, ex in zip(range(n), itertools.cycle(base)):
        pmid = str(90_000_000 + i)
        yield ArticleRef(pmid, 2000 + i % 25), replace(ex, doc_id=pmid)


def _baseline_nlp() -> Any:
    from spacy import util
    from spacy.cli.init_config import init_config
    from spacy.training import Example
    config = init_config(lang="en", pipeline=["tok2vec", "tagger", "parser", "ner"],
                         optimize="efficiency")
    nlp = util.load_model_from_config(config, auto_fill=True, validate=True)
    doc = nlp.make_doc("Stromal cells lower serum bilirubin in mice .")
    n = len(doc)
    ex = Example.from_dict(doc, {"tags": ["NN"] * n, "heads": list(range(n)),
                                 "deps": ["dep"] * n,
                                 "entities": ["B-ENTITY", "I-ENTITY"] + ["O"] * (n - 2)})
    nlp.initialize(lambda: [ex])
    return nlp


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
        for e in ex.extract_texts(_texts_stream(texts, n)):
            items += len(e.mentions)
    elif stage == "extract":
        from pipeline.extract import Extractor
        ex = Extractor()
        ex.extract_text("warm-up: mesenchymal stem cells reduce fibrosis.", "w")
        load = time.perf_counter() - t_load
        t0, c0 = time.perf_counter(), time.process_time()
        for e in ex.extract_texts(_texts_stream(texts, n)):
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
    elif stage == "baseline":
        nlp = _baseline_nlp()
        load = time.perf_counter() - t_load
        t0, c0 = time.perf_counter(), time.process_time()
        for doc in nlp.pipe((t for _id, t in _texts_stream(texts, n)), batch_size=64):
            items += len(doc)
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
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", stage, "--n", str(n)]
    if texts_path:
        cmd += ["--texts", str(texts_path)]
    if xml:
        cmd += ["--xml", str(xml)]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    env = os.environ | ONE_CORE_ENV | {"PYTHONPATH": str(REPO)}
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO)
    if res.returncode != 0:
        last = (res.stderr.strip().splitlines() or ["?"])[-1]
        return {"stage": stage, "n": n, "error": last}
    return json.loads(res.stdout.strip().splitlines()[-1])


def stage_sizes(stage: str, sizes: list[int], baseline_docs: int, nlp_docs: int,
                distinct: int = 0) -> list[int]:
    """The sizes one stage runs at: the baseline and (when ``nlp_docs`` is set) the spaCy
    stages are capped, their per-abstract cost is what extrapolates. The spaCy stages also
    run once over the ``distinct`` texts, each seen once (no cache flatters that figure).

    >>> stage_sizes("ner", [1000, 10000], 1000, 0, distinct=3858)
    [200, 1000, 3858, 10000]
    """
    if stage == "baseline":
        return [min(baseline_docs, 2000, max(sizes))]
    if stage in ("ner", "extract"):
        out = {min(n, nlp_docs) for n in sizes} if nlp_docs else set(sizes)
        if distinct:
            out.add(distinct)
        if stage == "ner":  # a smaller point too, so the flat peak RSS shows
            out.add(max(1, min(out) // 5))
        return sorted(out)
    return sizes


def to_markdown(rows: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    lines = ["# Speed and memory", "",
             f"`python benchmarks/bench_speed.py --sizes {meta['sizes']}` on {meta['date']}, "
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
    if meta.get("ratio"):
        lines += ["", meta["ratio"]]
    lines += ["", "Items: parse = articles, ner/extract = mentions + relations, graph = "
              "statements, export = files, baseline = tokens."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated abstract counts")
    ap.add_argument("--stages", default=",".join(STAGES), help="comma-separated stages")
    ap.add_argument("--baseline-docs", type=int, default=1000,
                    help="abstracts for the CNN baseline (at most 2000; per-doc cost)")
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
    tmp = Path(tempfile.mkdtemp(prefix="mscgraph-bench-"))
    try:
        for stage in stages:
            for n in stage_sizes(stage, sizes, a.baseline_docs, a.nlp_docs, len(texts)):
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
    ratio = ""
    ext = [r for r in rows if r["stage"] == "extract" and "error" not in r]
    base = [r for r in rows if r["stage"] == "baseline" and "error" not in r]
    if ext and base:
        e, b = ext[-1]["cpu_docs_per_s"], base[-1]["cpu_docs_per_s"]
        ratio = (f"Speed ratio full extraction / CNN baseline (CPU time): {e:.1f} / {b:.1f} "
                 f"abstracts/s = "
                 f"**{e / b:.2f}x**. Per abstract: extraction {1000 / e:.1f} ms, baseline "
                 f"{1000 / b:.1f} ms; extrapolated to 100k abstracts: extraction "
                 f"{1e5 / e / 3600:.1f} h, baseline {1e5 / b / 3600:.1f} h on one core.")
        print(ratio)
    meta = {"sizes": a.sizes, "date": time.strftime("%Y-%m-%d"),
            "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
            "python": platform.python_version(),
            "input": str(a.texts) if a.texts else (
                "../shared real_texts.jsonl + NCBI-disease + BioRED + JNLPBA abstracts"
                if SHARED_TEXTS.is_file() else str(DEMO_XML)),
            "distinct_texts": len(texts), "ratio": ratio}
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "speed.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1),
                                     encoding="utf-8")
    (a.out / "speed.md").write_text(to_markdown(rows, meta), encoding="utf-8")
    print(f"wrote {a.out / 'speed.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
