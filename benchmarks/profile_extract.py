"""Profile full extraction (NER + relations + context) with pyinstrument.

    python benchmarks/profile_extract.py                 # 500 abstracts, one core
    python benchmarks/profile_extract.py --n 2000 --html benchmarks/results/profile.html

Prints the call tree (pipeline build excluded), the pipeline components ranked by their own
time and the entity matcher's passes and the linker's steps (CPU ms per abstract, first
sight), then writes ``benchmarks/results/profile.txt``.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_common import base_texts, texts_stream  # noqa: E402


def component_times(nlp, texts: list[str]) -> dict[str, float]:
    """CPU seconds spent in the tokenizer and in each pipeline component over ``texts``."""
    times: dict[str, float] = defaultdict(float)
    for text in texts:
        t0 = time.process_time()
        doc = nlp.make_doc(text)
        times["tokenizer"] += time.process_time() - t0
        for name, proc in nlp.pipeline:
            t0 = time.process_time()
            doc = proc(doc)
            times[name] += time.process_time() - t0
    return dict(sorted(times.items(), key=lambda kv: -kv[1]))


def step_times(nlp, texts: list[str]) -> dict[str, float]:
    """CPU seconds of each entity pass (:data:`pipeline.nlp.entities.passes.PASSES`) and of
    the linker's context and fuzzy steps over ``texts`` (passes of one name added up)."""
    from pipeline.nlp import linker
    from pipeline.nlp.entities import component
    from pipeline.nlp.entities.passes import PASSES, run_passes

    times: dict[str, float] = defaultdict(float)

    def timed(name: str, fn):
        def run(*args):
            t0 = time.process_time()
            try:
                return fn(*args)
            finally:
                times[name] += time.process_time() - t0
        return run

    passes = tuple(timed(f"pass {p.__name__}", p) for p in PASSES)
    saved = component.run_passes, linker.link_context, linker.link_fuzzy
    component.run_passes = lambda doc, cands, trie: run_passes(doc, cands, trie, passes)
    linker.link_context = timed("linker context", linker.link_context)
    linker.link_fuzzy = timed("linker fuzzy", linker.link_fuzzy)
    try:
        for text in texts:
            nlp(text)
    finally:
        component.run_passes, linker.link_context, linker.link_fuzzy = saved
    return dict(sorted(times.items(), key=lambda kv: -kv[1]))


def main(argv: list[str] | None = None) -> int:
    from pyinstrument import Profiler

    from pipeline.extract import Extractor
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=500, help="abstracts to extract")
    ap.add_argument("--texts", type=Path, help="JSONL {id, text} or PubMed XML to repeat")
    ap.add_argument("--html", type=Path, help="also write pyinstrument's HTML report here")
    ap.add_argument("--out", type=Path,
                    default=Path(__file__).resolve().parent / "results" / "profile.txt")
    a = ap.parse_args(argv)
    texts = base_texts(a.texts)
    ex = Extractor()
    ex.extract_text("warm-up: mesenchymal stem cells reduce fibrosis.", "w")
    prof = Profiler(interval=0.001)
    prof.start()
    t0 = time.process_time()
    for _ in ex.extract_texts(texts_stream(texts, a.n)):
        pass
    secs = time.process_time() - t0
    prof.stop()
    tree = prof.output_text(unicode=False, color=False, show_all=False)
    first = [t for _id, t in texts_stream(texts, min(a.n, 300))]
    comp = component_times(ex.nlp, first)
    total = sum(comp.values()) or 1.0
    lines = [f"{a.n} abstracts in {secs:.2f} CPU s = {a.n / secs:.1f} abstracts/s (CPU time)", "",
             f"Per component (own time, first {len(first)} abstracts):"]
    lines += [f"  {name:28s} {sec:7.3f} s  {100 * sec / total:5.1f} %"
              for name, sec in comp.items()]
    # abstracts the run above has not seen: the fuzzy linker's memo would hide its cost
    unseen = [t for _id, t in texts_stream(texts, a.n + 300)][a.n:]
    steps = step_times(ex.nlp, unseen)
    lines += ["", f"Entity passes and linker steps (CPU ms per abstract, {len(unseen)} more "
              "abstracts):"]
    lines += [f"  {name:28s} {1000 * sec / len(unseen):7.3f}" for name, sec in steps.items()]
    report = "\n".join(lines) + "\n\n" + tree
    print(report)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(report, encoding="utf-8")
    if a.html:
        a.html.write_text(prof.output_html(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
