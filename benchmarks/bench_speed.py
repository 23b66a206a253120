"""Side-by-side extraction speed: mscgraph against a spaCy CNN, the tokenizer and a dictionary.

Run from the repository root (about 7-8 minutes with the defaults)::

    python benchmarks/bench_speed.py                      # 5 rounds over every distinct text
    python benchmarks/bench_speed.py --rounds 3 --n 1000  # quicker, noisier

Systems (``SYSTEMS``), all on the same first-sight texts (the distinct abstracts of
``bench_common.base_texts``, each seen once per worker):

* ``extract``: mscgraph full extraction, :class:`pipeline.extract.Extractor` (NER +
  normalization + relations + document context).
* ``ner``: ``Extractor(relations=False, context=False)``: tokenization + NER + normalization.
* ``cnn``: a spaCy CNN with ``en_core_sci_sm``'s architecture (tok2vec, tagger, parser, ner from
  ``spacy init config --optimize efficiency``), untrained weights: the compute of the trained
  model without its download. It runs at its best batch size, chosen by a calibration pass.
* ``abbrev``: spaCy's blank English tokenizer + scispacy's ``AbbreviationDetector``.
* ``tokenizer``: spaCy's blank English tokenizer, the ceiling of any spaCy pipeline.
* ``dict``: a dictionary bound, every lexicon key found by Aho-Corasick (``pyahocorasick``;
  a pure-Python word n-gram set lookup when it is not installed), no normalization.

Every (round, system) is a fresh worker process, so each sees the texts for the first time
(spaCy's lexeme and tokenizer caches start cold). Workers hold every BLAS/OpenMP pool to one
thread (environment and ``threadpoolctl``), load and warm up before the clock starts, run under
the garbage-collector settings mscgraph's batch runs use (``pipeline.extract.fewer_collections``,
so no system gets them alone), and report CPU time (``time.process_time``, all threads of the
worker) and wall time. Systems run
interleaved, the order rotated each round, so a slow phase of a shared machine hits all of them:
the ratios are taken within a round, then summarized as median and min-max over rounds.
Results: ``benchmarks/results/speed.md`` and ``speed.json``.

>>> summarize([100.0, 300.0, 200.0])
{'median': 200.0, 'min': 100.0, 'max': 300.0}
>>> rotated(["a", "b", "c"], 1)
['b', 'c', 'a']
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from bench_common import (ONE_CORE_ENV, REPO, SHARED_TEXTS, base_texts, distinct_texts,
                          run_worker)

SYSTEMS = {
    "extract": "mscgraph full extraction (NER + relations + context)",
    "ner": "mscgraph NER only (tokens + NER + normalization)",
    "cnn": "spaCy CNN, en_core_sci_sm architecture (tok2vec, tagger, parser, ner)",
    "abbrev": "spaCy blank tokenizer + scispacy AbbreviationDetector",
    "tokenizer": "spaCy blank tokenizer (ceiling of any spaCy pipeline)",
    "dict": "dictionary bound over the lexicon keys",
}
WARM_UP = "Warm-up: bone marrow mesenchymal stem cells (BM-MSCs) reduced CCl4 liver fibrosis."
Runner = Callable[[list[str]], int]


# ----------------------------------------------------------------------------------- systems

def cnn_nlp() -> Any:
    """An untrained spaCy pipeline with ``en_core_sci_sm``'s architecture, initialized on one
    toy example (weights random, compute that of the trained model)."""
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


def dictionary_runner() -> tuple[Runner, str]:
    """Count lexicon keys in each text at word boundaries; returns the runner and its method."""
    from pipeline.lexicon import default_lexicon
    lex = default_lexicon()
    folded, exact = lex.keys(case_sensitive=False), lex.keys(case_sensitive=True)
    try:
        import ahocorasick
    except ImportError:  # a third-party extra, not the package's own module
        return _ngram_runner(folded, exact), "pure-Python set lookup of 1-6 word n-grams"
    automata = []
    for keys in (folded, exact):
        a = ahocorasick.Automaton()
        for k in keys:
            a.add_word(k, len(k))
        a.make_automaton()
        automata.append(a)

    def run(texts: list[str]) -> int:
        hits = 0
        for text in texts:
            for a, s in zip(automata, (text.lower(), text)):
                for end, n in a.iter_long(s):
                    start = end - n + 1
                    if (start == 0 or not s[start - 1].isalnum()) and \
                            (end + 1 == len(s) or not s[end + 1].isalnum()):
                        hits += 1
        return hits
    return run, "Aho-Corasick (pyahocorasick, longest match, two automata: folded and exact case)"


def _ngram_runner(folded: set[str], exact: set[str]) -> Runner:
    word = re.compile(r"\S+")

    def run(texts: list[str]) -> int:
        hits = 0
        for text in texts:
            words = [w.strip(".,;:()[]") for w in word.findall(text)]
            for i in range(len(words)):
                for j in range(i + 1, min(i + 7, len(words) + 1)):
                    span = " ".join(words[i:j])
                    hits += span.lower() in folded or span in exact
        return hits
    return run


def build(system: str, batch: int) -> tuple[Runner, dict[str, Any]]:
    """The timed callable of one system (texts -> item count) and facts about it."""
    if system in ("extract", "ner"):
        from pipeline.extract import Extractor
        ex = Extractor() if system == "extract" else Extractor(relations=False, context=False)

        def run(texts: list[str]) -> int:
            return sum(len(e.mentions) + len(e.relations)
                       for e in ex.extract_texts((str(i), t) for i, t in enumerate(texts)))
        return run, {"items": "mentions + relations"}
    if system == "dict":
        run, method = dictionary_runner()
        return run, {"items": "dictionary hits", "method": method}
    import spacy
    if system == "cnn":
        nlp = cnn_nlp()
        return (lambda texts: sum(len(d) for d in nlp.pipe(texts, batch_size=batch))), \
            {"items": "tokens", "batch_size": batch}
    nlp = spacy.blank("en")
    if system == "abbrev":
        import scispacy.abbreviation  # noqa: F401  (registers the factory)
        nlp.add_pipe("abbreviation_detector")
        return (lambda texts: sum(len(d._.abbreviations)
                                  for d in nlp.pipe(texts, batch_size=batch))), \
            {"items": "abbreviations", "batch_size": batch}
    if system == "tokenizer":
        return (lambda texts: sum(len(nlp.make_doc(t)) for t in texts)), {"items": "tokens"}
    raise SystemExit(f"unknown system {system!r}; choose from {', '.join(SYSTEMS)}")


def worker(system: str, texts_path: Path, batch: int, limit: int) -> dict[str, Any]:
    """Load ``system``, warm it up, then time it once over the texts (this process only)."""
    from threadpoolctl import threadpool_info, threadpool_limits

    from pipeline.extract import fewer_collections
    texts = [json.loads(line)["text"] for line in texts_path.open(encoding="utf-8")]
    texts = texts[:limit] if limit else texts
    t_load = time.perf_counter()
    run, facts = build(system, batch)
    run([WARM_UP])
    load = time.perf_counter() - t_load
    with threadpool_limits(limits=1), fewer_collections():
        t0, c0 = time.perf_counter(), time.process_time()
        items = run(texts)
        cpu, wall = time.process_time() - c0, time.perf_counter() - t0
        pools = threadpool_info()
    n = len(texts)
    return {"system": system, "n": n, "cpu_s": cpu, "wall_s": wall, "cpu_rate": n / cpu,
            "wall_rate": n / wall, "load_s": load, "items": items, **facts,
            "threadpools": [{k: p.get(k) for k in ("user_api", "internal_api", "version",
                                                   "num_threads", "filepath")} for p in pools]}


# ------------------------------------------------------------------------------------ driver

def summarize(values: list[float]) -> dict[str, float]:
    """Median and range of a list of rates or ratios."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def rotated(items: list[str], r: int) -> list[str]:
    """``items`` started at position ``r`` (the order of round ``r``)."""
    k = r % len(items)
    return items[k:] + items[:k]


def measure(system: str, texts_path: Path, batch: int = 64, limit: int = 0,
            pin: bool = False) -> dict[str, Any]:
    """One fresh worker process timing ``system``; stops the run if it fails."""
    args = ["--worker", system, "--texts", str(texts_path), "--batch", str(batch),
            "--limit", str(limit)]
    r = run_worker(Path(__file__).resolve(), args, pin=pin)
    if "error" in r:
        sys.exit(f"{system} worker failed: {r['error']}; run it alone with "
                 f"`python benchmarks/bench_speed.py {' '.join(args)}` to see the traceback")
    return r


def machine_facts() -> dict[str, Any]:
    """CPU, cores, memory, load and library versions of this run."""
    from importlib.metadata import PackageNotFoundError, version
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text()
                .splitlines() if ln.startswith("model name")), platform.processor())
    mem = next((ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines()
                if ln.startswith("MemTotal")), "0")
    libs = {}
    for pkg in ("spacy", "thinc", "numpy", "scispacy", "threadpoolctl", "pyahocorasick"):
        try:
            libs[pkg] = version(pkg)
        except PackageNotFoundError:
            libs[pkg] = None
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, cwd=REPO).stdout.strip()
    return {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpu": cpu,
            "cores": os.cpu_count(), "mem_gb": round(int(mem) / 2**20, 1),
            "os": platform.platform(), "python": platform.python_version(), "libs": libs,
            "commit": commit, "thread_env": ONE_CORE_ENV}


def compare(rounds: list[dict[str, dict[str, Any]]], systems: list[str]) -> dict[str, Any]:
    """Per system: CPU and wall rates over rounds, ratios to the CNN and the tokenizer taken
    within each round, each as median and min-max."""
    out = {}
    for s in systems:
        row = {"cpu_rate": summarize([r[s]["cpu_rate"] for r in rounds]),
               "wall_rate": summarize([r[s]["wall_rate"] for r in rounds])}
        for ref in ("cnn", "tokenizer"):
            if ref in systems:
                row[f"vs_{ref}"] = summarize([r[s]["cpu_rate"] / r[ref]["cpu_rate"]
                                              for r in rounds])
        out[s] = row
    return out


def _fmt(x: dict[str, float], digits: int) -> str:
    return f"{x['median']:,.{digits}f} ({x['min']:,.{digits}f}–{x['max']:,.{digits}f})"


def to_markdown(result: dict[str, Any]) -> str:
    """The report: side-by-side table, CNN calibration, machine and thread-pool facts."""
    m, s = result["machine"], result["settings"]
    lines = ["# Extraction speed side by side", "",
             f"`{s['command']}` on {m['date']}, commit {m['commit']}: {s['n']} distinct real "
             f"abstracts ({s['input']}), {s['rounds']} interleaved rounds, each system once per "
             "round in a fresh process (first sight, cold caches), order rotated per round. "
             "Rates are abstracts per CPU second of the worker (all its threads; every BLAS/"
             "OpenMP pool held to 1 thread; every system under mscgraph's batch GC settings, "
             "`fewer_collections`), load and warm-up excluded. Ratios are taken within "
             "each round, then median (min–max) over rounds.", "",
             "| system | abstracts/s, CPU: median (min–max) | ÷ CNN | ÷ tokenizer | "
             "wall abstracts/s (median) |", "|---|---:|---:|---:|---:|"]
    for name, row in result["summary"].items():
        lines.append(f"| {SYSTEMS[name]} | {_fmt(row['cpu_rate'], 0)} | "
                     f"{_fmt(row['vs_cnn'], 2) if 'vs_cnn' in row else ''} | "
                     f"{_fmt(row['vs_tokenizer'], 2) if 'vs_tokenizer' in row else ''} | "
                     f"{row['wall_rate']['median']:,.0f} |")
    cal = ", ".join(f"batch {c['batch_size']}: {c['cpu_rate']:.0f}/s" for c in result["cnn_batches"])
    lines += ["", f"CNN batch size: calibrated on the first {s['calibration_n']} abstracts in "
              f"fresh processes ({cal}); the rounds use **{s['cnn_batch']}**.",
              f"Dictionary bound: {result['dict_method']}.", "",
              "Wall-clock rates depend on what else runs on the machine; the CPU rates and "
              "above all the within-round ratios are the figures to quote.", "",
              "## Machine", "",
              f"* CPU: {m['cpu']}; {m['cores']} logical cores; {m['mem_gb']} GB RAM; {m['os']}",
              f"* load average before / after: {s['load_before']} / {s['load_after']}",
              f"* Python {m['python']}; " + ", ".join(f"{k} {v}" for k, v in m["libs"].items()),
              f"* worker environment: {', '.join(f'{k}={v}' for k, v in m['thread_env'].items())}",
              "", "## threadpoolctl (CNN worker, inside `threadpool_limits(1)`)", ""]
    pools = result["threadpools"] or [{"user_api": "none loaded"}]
    lines += [f"* {p.get('user_api')} / {p.get('internal_api')} {p.get('version') or ''}: "
              f"{p.get('num_threads')} thread(s), `{Path(p.get('filepath') or '').name}`"
              for p in pools]
    lines += ["", "thinc's matrix products go through its bundled `blis`, single-threaded "
              "unless BLIS_NUM_THREADS says otherwise (set to 1 here); threadpoolctl does not "
              "list it.", "", "## Per round (CPU abstracts/s, in run order)", ""]
    for i, rnd in enumerate(result["rounds"], 1):
        lines.append(f"{i}. " + ", ".join(f"{k} {v['cpu_rate']:.0f}" for k, v in rnd.items()))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    ap.add_argument("--n", type=int, default=0, help="first N distinct abstracts (0: all)")
    ap.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated systems")
    ap.add_argument("--cnn-batches", default="64,1000",
                    help="CNN batch sizes to calibrate; the fastest runs in the rounds")
    ap.add_argument("--calibration-n", type=int, default=1000,
                    help="abstracts for the CNN batch-size calibration")
    ap.add_argument("--pin", action="store_true", help="bind every worker to core 0 (taskset)")
    ap.add_argument("--texts", type=Path, help="JSONL {id, text} or PubMed XML instead")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--batch", type=int, default=64, help=argparse.SUPPRESS)
    ap.add_argument("--limit", type=int, default=0, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker:
        print(json.dumps(worker(a.worker, a.texts, a.batch, a.limit)))
        return 0
    systems = [s for s in a.systems.split(",") if s]
    unknown = set(systems) - set(SYSTEMS)
    if unknown:
        sys.exit(f"unknown systems {sorted(unknown)}; choose from {', '.join(SYSTEMS)}")
    if "abbrev" in systems and subprocess.run(
            [sys.executable, "-c", "import scispacy.abbreviation"], capture_output=True).returncode:
        print("scispacy is not importable: the abbrev row is left out", file=sys.stderr)
        systems.remove("abbrev")
    texts = distinct_texts(base_texts(a.texts))
    texts = texts[:a.n] if a.n else texts
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="mscgraph-speed-") as tmp:
        path = Path(tmp) / "texts.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for i, (t, ab) in enumerate(texts):
                fh.write(json.dumps({"id": str(i), "text": f"{t}\n{ab}"}) + "\n")
        cal_n = min(a.calibration_n, len(texts))
        calibration, best = [], 64
        if "cnn" in systems:
            for b in (int(x) for x in a.cnn_batches.split(",")):
                r = measure("cnn", path, b, cal_n, a.pin)
                calibration.append(r)
                print(f"calibration cnn batch {b}: {r['cpu_rate']:.1f}/s", flush=True)
            best = max(calibration, key=lambda r: r["cpu_rate"])["batch_size"]
        rounds: list[dict[str, dict[str, Any]]] = []
        for i in range(a.rounds):
            rnd = {}
            for s in rotated(systems, i):
                rnd[s] = measure(s, path, best if s == "cnn" else 64, 0, a.pin)
                print(f"round {i + 1} {s}: {rnd[s]['cpu_rate']:.1f}/s CPU "
                      f"({rnd[s]['wall_rate']:.1f}/s wall)", flush=True)
            rounds.append(rnd)
    cmd = " ".join(["python benchmarks/bench_speed.py",
                    *(sys.argv[1:] if argv is None else argv)])
    result = {
        "settings": {"command": cmd, "n": len(texts), "rounds": a.rounds,
                     "systems": systems, "cnn_batch": best, "calibration_n": cal_n,
                     "pin": a.pin, "load_before": [round(x, 2) for x in load_before],
                     "load_after": [round(x, 2) for x in os.getloadavg()],
                     "input": str(a.texts) if a.texts else (
                         "../shared real texts + NCBI-disease + BioRED + JNLPBA"
                         if SHARED_TEXTS.is_file() else "demo corpus")},
        "machine": machine_facts(),
        "summary": compare(rounds, systems),
        "cnn_batches": [{k: r[k] for k in ("batch_size", "n", "cpu_rate", "wall_rate")}
                        for r in calibration],
        "dict_method": next((r["dict"]["method"] for r in rounds if "dict" in r), "not run"),
        "threadpools": next((r["cnn"]["threadpools"] for r in rounds if "cnn" in r), []),
        "rounds": rounds,
    }
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "speed.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    md = to_markdown(result)
    (a.out / "speed.md").write_text(md, encoding="utf-8")
    print(md)
    print(f"wrote {a.out / 'speed.md'} and speed.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
