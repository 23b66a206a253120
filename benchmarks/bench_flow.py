"""The nightly flow's extract stage on each task runner and worker count: wall, CPU, speed-up.

Run from the repository root (default: 2,000 records, runners thread/process/dask, 1 and 2
workers; a few minutes on two cores)::

    python benchmarks/bench_flow.py
    python benchmarks/bench_flow.py --n 300 --runners process --workers 1,2

One store of ``--n`` synthetic PubMed records (the real abstracts of ``bench_common``, new
PMIDs) is ingested once into a temporary SQLite file; every configuration extracts a fresh
copy of it through :func:`flows.nightly.run_extract_stage`, in a fresh process (BLAS pools
held to one thread per process). Prefect runs against one temporary server of this process
(``flows.runtime.prefect_api``) with a temporary ``PREFECT_HOME`` and analytics off.

Measured per configuration: wall time of the stage, CPU time of the process tree (the stage
process and every worker process it started and reaped: ``RUSAGE_SELF`` + ``RUSAGE_CHILDREN``),
plus the CPU the Prefect server spent meanwhile. A reference run without Prefect (the same
store through :func:`pipeline.extract.extract_pending` in one process) gives the CPU of
loading the pipeline and of extracting; what a configuration spends beyond
``loads x load + extraction`` is the overhead of Prefect and the runner. One more run per
runner, one worker and batches a tenth the size, splits it: the extra CPU per extra task is
the cost of a task, the rest is fixed (starting worker processes, a Dask cluster, the flow).
The same abstracts extracted by one and by two bare processes (in memory, no store, no
Prefect, batches cut as the flow cuts them, each process taking the next when free) give the most the cores can give extraction:
each runner's speed-up is also quoted as a share of that one. Wall-clock speed-ups mean
something only on an otherwise idle machine: the load average is printed with the table.
Results go to ``benchmarks/results/flow.md`` and ``flow.json`` (``--out`` another directory).

>>> overhead(cpu=12.0, loads=2, load_cpu=1.0, extract_cpu=8.0)
2.0
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_common import REPO, base_texts, run_worker, texts_stream, write_pubmed_xml

RUNNERS = ("thread", "process", "dask")
#: Load average (two cores) above which wall-clock speed-ups say more about the neighbours.
BUSY_LOAD = 1.5


# ----------------------------------------------------------------------------------- workers

def tree_cpu() -> float:
    """CPU seconds of this process and of its reaped descendants."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def worker_reference(url: str) -> dict[str, Any]:
    """Pipeline load and extraction CPU seconds of ``url``'s pending articles, no Prefect."""
    from pipeline.extract import extract_pending, get_extractor
    from pipeline.store import Store
    c0 = time.process_time()
    get_extractor().nlp  # noqa: B018 - built for its cost
    c1, t1 = time.process_time(), time.perf_counter()
    with Store(url) as store:
        done = extract_pending(store, batch_size=500)
    return {"load_cpu": c1 - c0, "extract_cpu": time.process_time() - c1,
            "wall": time.perf_counter() - t1, "extracted": done.extracted}


def _bare_worker(batches: Any, ready: Any, go: Any, done: Any) -> None:
    """Load the pipeline, say so, wait for the start, extract batches from the queue
    ``batches`` until a None, report the CPU."""
    from pipeline.extract import get_extractor
    extractor = get_extractor()
    list(extractor.extract_texts([("0", "MSCs lowered ALT in mice.")]))  # built and warmed
    ready.put(True)
    go.wait()
    c0 = time.process_time()
    for batch in iter(batches.get, None):
        list(extractor.extract_texts(batch))
    done.put(time.process_time() - c0)


def _receive(queue: Any, procs: list[Any]) -> Any:
    """The next item of ``queue``; raises when one of ``procs`` died instead of waiting."""
    from queue import Empty
    while True:
        try:
            return queue.get(timeout=1.0)
        except Empty:
            dead = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
            if dead:
                raise RuntimeError(f"a bare worker process exited with code {dead[0]}")


def worker_bare(n: int, workers: int, batch_size: int) -> dict[str, Any]:
    """The same ``n`` abstracts (in memory) extracted by ``workers`` bare processes, no
    store and no Prefect: wall from the start signal to the last result, and their CPU.
    The abstracts are cut as the flow cuts the pending articles
    (:func:`pipeline.extract.shared_batches`) and each process takes the next batch when
    free, as the flow's workers do. Two of these against one is the most parallel
    extraction can gain on this machine."""
    import multiprocessing as mp
    from pipeline.extract import shared_batches
    texts = list(texts_stream(base_texts(), n))
    ctx = mp.get_context("spawn")
    batches, ready, done, go = ctx.Queue(), ctx.Queue(), ctx.Queue(), ctx.Event()
    for batch in shared_batches(texts, batch_size, workers):
        batches.put(batch)
    for _ in range(workers):
        batches.put(None)
    procs = [ctx.Process(target=_bare_worker, args=(batches, ready, go, done))
             for _ in range(workers)]
    for proc in procs:
        proc.start()
    for _ in procs:
        _receive(ready, procs)
    t0 = time.perf_counter()
    go.set()
    cpu = sum(_receive(done, procs) for _ in procs)
    wall = time.perf_counter() - t0
    for proc in procs:
        proc.join()
    return {"wall": wall, "cpu": cpu, "extracted": n}


def worker_stage(url: str, runner: str, workers: int, batch_size: int) -> dict[str, Any]:
    """The extract stage of ``url`` on ``runner`` with ``workers``: wall and tree CPU."""
    from flows.nightly import run_extract_stage
    c0, t0 = tree_cpu(), time.perf_counter()
    out = run_extract_stage(url, task_runner=runner, workers=workers, batch_size=batch_size,
                            label="bench")
    return {"wall": time.perf_counter() - t0, "cpu": tree_cpu() - c0,
            "extracted": out["extracted"], "batches": out["batches"]}


# ---------------------------------------------------------------------------------- the run

def overhead(*, cpu: float, loads: int, load_cpu: float, extract_cpu: float) -> float:
    """CPU seconds beyond loading the pipeline ``loads`` times and extracting."""
    return cpu - loads * load_cpu - extract_cpu


def build_store(n: int, root: Path) -> Path:
    """A SQLite store of ``n`` ingested, unextracted records under ``root``."""
    from pipeline.ingest import ingest_xml_files
    from pipeline.store import Store
    xml, db = root / "corpus.xml", root / "template.sqlite"
    write_pubmed_xml(base_texts(), n, xml)
    with Store(f"sqlite:///{db}") as store:
        ingest_xml_files(store, [xml])
    xml.unlink()
    return db


def server_cpu() -> float:
    """CPU seconds so far of this process's Prefect server (uvicorn children), 0 without psutil."""
    try:
        import psutil
    except ImportError:
        return 0.0
    total = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            if "uvicorn" in " ".join(child.cmdline()):
                times = child.cpu_times()
                total += times.user + times.system
        except psutil.Error:
            continue
    return total


def run_config(template: Path, root: Path, args: list[str]) -> dict[str, Any]:
    """One measurement on a fresh copy of the template store."""
    db = root / f"run-{time.monotonic_ns()}.sqlite"
    shutil.copyfile(template, db)
    s0 = server_cpu()
    try:
        out = run_worker(Path(__file__), ["--worker", f"sqlite:///{db}", *args])
    finally:
        db.unlink(missing_ok=True)
    return out | {"server_cpu": server_cpu() - s0}


def measure(n: int, runners: list[str], workers: list[int], batch_size: int,
            root: Path) -> dict[str, Any]:
    """Every (runner, workers) configuration over one store of ``n`` records."""
    load_before = os.getloadavg()[0]
    template = build_store(n, root)
    ref = run_config(template, root, ["reference"])
    if "error" in ref:
        sys.exit(f"reference run failed: {ref['error']}")
    bare = {}
    for w in workers:
        print(f"  bare processes x{w} ...", file=sys.stderr, flush=True)
        bare[w] = run_worker(Path(__file__), ["--worker", "-", "bare", str(n), str(w),
                                               str(batch_size)])
    one_bare = bare.get(1, {})
    for w, out in bare.items():
        if one_bare and "error" not in one_bare and "error" not in out:
            out |= {"speedup": one_bare["wall"] / out["wall"],
                    "cpu_ratio": out["cpu"] / one_bare["cpu"]}
    rows, per_task = [], []
    small = max(1, batch_size // 10)
    for runner in runners:
        for w, size in [(w, batch_size) for w in workers] + [(1, small)]:
            print(f"  {runner} x{w}, batches of {size} ...", file=sys.stderr, flush=True)
            out = run_config(template, root, ["stage", runner, str(w), str(size)])
            row = {"runner": runner, "workers": w, "batch_size": size} | out
            if "error" not in out:
                cpu = out["cpu"] + out["server_cpu"]
                row |= {"tasks": out["batches"] + 1,  # + list-pending
                        "total_cpu": cpu, "overhead": overhead(
                            cpu=cpu, loads=w, load_cpu=ref["load_cpu"],
                            extract_cpu=ref["extract_cpu"])}
            (rows if size == batch_size else per_task).append(row)
        base = next((r for r in rows if r["runner"] == runner and r["workers"] == 1), None)
        if per_task and base and "error" not in base and "error" not in per_task[-1]:
            fine = per_task[-1]
            extra = fine["tasks"] - base["tasks"]
            fine["cpu_per_task"] = (fine["total_cpu"] - base["total_cpu"]) / extra if extra else 0.0
            fine["fixed"] = base["overhead"] - fine["cpu_per_task"] * base["tasks"]
    for row in rows:
        one = next((r for r in rows if r["runner"] == row["runner"] and r["workers"] == 1
                    and "error" not in r), None)
        if one and "error" not in row:
            row["speedup"] = one["wall"] / row["wall"]
            row["cpu_ratio"] = row["total_cpu"] / one["total_cpu"]
            ceiling = bare.get(row["workers"], {}).get("speedup")
            if ceiling:
                row["of_bare"] = row["speedup"] / ceiling
    return {"n": n, "batch_size": batch_size, "reference": ref, "rows": rows,
            "bare": {str(w): out for w, out in bare.items()},
            "per_task": per_task,
            "load_before": load_before,
            "cores": os.cpu_count(),
            "python": platform.python_version(), "machine": platform.machine(),
            "date": time.strftime("%Y-%m-%d")}


def markdown(res: dict[str, Any]) -> str:
    """The results as a markdown page."""
    ref = res["reference"]
    lines = [
        "# The extract stage on each task runner",
        "",
        f"`python benchmarks/bench_flow.py --n {res['n']}` on {res['date']}, {res['machine']}, "
        f"{res['cores']} cores, Python {res['python']}, batch size {res['batch_size']}, "
        f"load average {res['load_before']:.2f} at the start. Without Prefect, one process "
        f"loads the pipeline in {ref['load_cpu']:.1f} CPU-s and extracts the "
        f"{ref['extracted']} records in {ref['extract_cpu']:.1f} CPU-s "
        f"({ref['extracted'] / ref['extract_cpu']:.0f}/CPU-s).",
        "",
    ]
    if res["load_before"] > BUSY_LOAD:
        lines += [f"**The machine was busy (load average {res['load_before']:.1f} at the start, "
                  f"above {BUSY_LOAD}): the wall times and "
                  "speed-ups below are not meaningful, the CPU figures are. Rerun "
                  "`python benchmarks/bench_flow.py` on a quiet machine.**", ""]
    lines += [
        "| runner | workers | tasks | wall s | speed-up vs 1 worker | ÷ bare speed-up "
        "| CPU s (tree + server) | CPU vs 1 worker | overhead CPU-s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for w, b in sorted(res.get("bare", {}).items(), key=lambda kv: int(kv[0])):
        if "error" in b:
            lines.append(f"| bare processes | {w} | failed: {b['error']} ||||||")
            continue
        lines.append(f"| bare processes (no store, no Prefect) | {w} | - | {b['wall']:.1f} | "
                     f"{b.get('speedup', 1.0):.2f}x | 1.00 | {b['cpu']:.1f} | "
                     f"{b.get('cpu_ratio', 1.0):.2f}x | - |")
    for r in res["rows"]:
        if "error" in r:
            lines.append(f"| {r['runner']} | {r['workers']} | failed: {r['error']} ||||||")
            continue
        lines.append(f"| {r['runner']} | {r['workers']} | {r['tasks']} | {r['wall']:.1f} | "
                     f"{r.get('speedup', 1.0):.2f}x | "
                     f"{format(r['of_bare'], '.2f') if 'of_bare' in r else '-'} | "
                     f"{r['total_cpu']:.1f} | {r.get('cpu_ratio', 1.0):.2f}x | "
                     f"{r['overhead']:.1f} |")
    lines += [
        "",
        "Bare processes: the same abstracts, in memory, extracted by that many processes "
        "started and warmed before the clock, cut into the flow's batches (the last ones "
        "smaller) and each taking the next when free, as the flow's workers do (no store, no Prefect, no task): how much the machine's cores give "
        "extraction at all. '÷ bare speed-up' is a configuration's speed-up as a share of "
        "theirs; what it misses is what the configuration does not spread over the workers "
        "(worker start-up and pipeline load, Prefect's flow and task bookkeeping, store "
        "reads and writes).",
        "",
        "Tasks: the extraction batches plus `list-pending`. Overhead: the CPU of the "
        "configuration (stage process, the worker processes it started, the Prefect server) "
        "minus one pipeline load per worker (one for threads with one worker: it extracts in "
        "the flow's process) and the extraction CPU of the reference. Speed-ups in wall time "
        "hold only when the load average stays below about 1.5 on two cores; the CPU columns "
        "hold regardless.",
        "",
        "Overhead split, one worker: the same store in batches a tenth the size.",
        "",
        "| runner | batch size | tasks | CPU s | CPU-s per task | fixed CPU-s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in res["per_task"]:
        if "cpu_per_task" in r:
            lines.append(f"| {r['runner']} | {r['batch_size']} | {r['tasks']} | "
                         f"{r['total_cpu']:.1f} | {r['cpu_per_task']:.3f} | {r['fixed']:.1f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Command line (see the module docstring)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:  # a measurement process: one JSON line
        url, what, *rest = argv[1:]
        if what == "reference":
            out = worker_reference(url)
        elif what == "bare":
            out = worker_bare(int(rest[0]), int(rest[1]), int(rest[2]))
        else:
            out = worker_stage(url, rest[0], int(rest[1]), int(rest[2]))
        print(json.dumps(out))
        return 0
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=2000, help="records in the store (default 2000)")
    p.add_argument("--runners", default=",".join(RUNNERS), help="comma-separated task runners")
    p.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    p.add_argument("--batch-size", type=int, help="articles per task (default: the flow's)")
    p.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results",
                   help="directory of flow.md and flow.json")
    args = p.parse_args(argv)
    runners = [r.strip() for r in args.runners.split(",") if r.strip()]
    unknown = set(runners) - set(RUNNERS)
    if unknown:
        p.error(f"unknown runner(s) {sorted(unknown)}; choose from {', '.join(RUNNERS)}")
    workers = [int(w) for w in args.workers.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench_flow_") as tmp:
        # before Prefect is first imported, so its settings see them
        os.environ |= {"PREFECT_HOME": str(Path(tmp) / "prefect"),
                       "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                       "PREFECT_LOGGING_LEVEL": "WARNING"}
        os.environ.pop("PREFECT_API_URL", None)
        from flows.nightly import DEFAULT_BATCH_SIZE
        from flows.runtime import prefect_api
        with prefect_api():
            res = measure(args.n, runners, workers, args.batch_size or DEFAULT_BATCH_SIZE,
                          Path(tmp))
    text = markdown(res)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "flow.md").write_text(text, encoding="utf-8")
    (args.out / "flow.json").write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
