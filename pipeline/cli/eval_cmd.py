"""``mscgraph eval``: score extraction against gold annotations and public benchmark corpora.

::

    mscgraph eval ner|relations|all --gold FILE [--system FILE] [--texts FILE] [--types T,T]
                                    [--xrefs/--no-xrefs] [--json] [--report DIR]
    mscgraph eval ncbi-disease|jnlpba|biored [--corpora-dir DIR] [--limit N] [--system FILE]
    mscgraph eval report [--out benchmarks/results/]

Without ``--system`` the extractor runs over the gold texts (with a progress bar). Figures are
those of the reference scorer (``goldtool.py score``); see :mod:`pipeline.evaluation`.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

__all__ = ["register"]

GOLD_MODES = ("ner", "relations", "all")
BENCH_MODES = ("ncbi-disease", "jnlpba", "biored")
#: Said under every by-source table: the model's own training data makes its rows optimistic.
IN_SAMPLE_NOTE = ("The learned model is trained on the development gold and the project's "
                  "annotations: on those texts its rows are in-sample; its cross-validated "
                  "figures follow.")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``eval`` subcommand and its modes."""
    p = sub.add_parser("eval", help="score extraction against gold files and benchmark corpora",
                       description=__doc__.split("::")[0].strip().replace("``", "'"),
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    modes = p.add_subparsers(dest="eval_mode", metavar="MODE")

    def common(q: argparse.ArgumentParser) -> None:
        q.add_argument("--system", type=Path, help="system output JSONL (default: run the "
                       "extractor over the gold texts)")
        q.add_argument("--json", action="store_true", help="print the figures as JSON")
        q.add_argument("--report", type=Path, metavar="DIR", help="also write markdown here")
        q.add_argument("--xrefs", action=argparse.BooleanOptionalAction, default=False,
                       help="count MeSH/FamPlex cross-referenced ids as the same concept in "
                            "normalization (default off: the reference scorer's behaviour)")
        q.add_argument("--xrefs-file", type=Path, help="id<TAB>id pairs to use with --xrefs "
                       "(default: the lexicon's pipeline/data/xrefs.tsv.gz)")
        q.add_argument("--no-progress", action="store_true", help="no progress bar")
        q.set_defaults(func=_run)

    for mode in GOLD_MODES:
        what = "entities and normalization" if mode == "ner" else mode
        q = modes.add_parser(mode, help=f"score {what} against a gold JSONL file")
        q.add_argument("--gold", type=Path, required=True, help="gold JSONL file")
        q.add_argument("--texts", type=Path, help="JSONL {id, text} for gold lines without text")
        q.add_argument("--types", help="comma-separated entity types to score (default: all)")
        common(q)
    for mode in BENCH_MODES:
        q = modes.add_parser(mode, help=f"run the extractor on the {mode} test set and score it")
        q.add_argument("--corpora-dir", type=Path, help="the shared resources/corpora folder")
        q.add_argument("--split", default="test", help="corpus split (default test)")
        q.add_argument("--limit", type=int, help="only the first N documents")
        common(q)
    q = modes.add_parser("report", help="run every gold set at hand and write quality.md/json")
    q.add_argument("--out", type=Path, default=Path("benchmarks/results"), help="output folder")
    q.add_argument("--gold", type=Path, action="append",
                   help="gold JSONL (repeatable; default: shared dev gold and the repo's "
                        "tests/fixtures/mini_gold.jsonl when present)")
    q.add_argument("--corpora-dir", type=Path, help="the shared resources/corpora folder")
    q.add_argument("--limit", type=int, help="only the first N documents of each benchmark")
    q.add_argument("--xrefs", action=argparse.BooleanOptionalAction, default=False)
    q.add_argument("--no-progress", action="store_true", help="no progress bar")
    q.set_defaults(func=_report)
    p.set_defaults(func=lambda args: p.print_help() or 2)


# ------------------------------------------------------------------------------------ helpers

def _equivalences(args: argparse.Namespace) -> dict[str, Any]:
    from ..evaluation import exact_concept, load_equivalence
    eqs: dict[str, Any] = {"exact": exact_concept}
    if args.xrefs:
        eqs["xrefs"] = load_equivalence(True, path=getattr(args, "xrefs_file", None))
    return eqs


def _system(args: argparse.Namespace, gold: list[dict], relations: bool) -> list[dict]:
    from ..evaluation import load_jsonl, run_extractor
    if getattr(args, "system", None):
        return load_jsonl(args.system)
    return run_extractor(gold, progress=not args.no_progress, relations=relations)


def _run(args: argparse.Namespace) -> int:
    if args.eval_mode in BENCH_MODES:
        return _run_benchmark(args)
    from ..evaluation import (attach_texts, load_jsonl, model_figures_markdown,
                              relations_by_source, score)
    gold = attach_texts(load_jsonl(args.gold), args.texts)
    system = _system(args, gold, relations=args.eval_mode != "ner")
    types = set(args.types.split(",")) if args.types else None
    eqs = _equivalences(args)
    same = eqs.get("xrefs", eqs["exact"])
    s = score(gold, system, types=types, equivalence=same)
    ents, rels = args.eval_mode != "relations", args.eval_mode != "ner"
    by_source = relations_by_source(gold, system) if rels else {}
    meta = _model_meta() if rels else {}
    if args.json:
        d = s.to_dict()
        if not rels:
            d = {k: v for k, v in d.items() if "relation" not in k}
        else:
            d["relations_by_source"] = {k: c.prf.as_dict(with_n=True)
                                        for k, c in by_source.items()}
            d["model"] = {k: meta.get(k) for k in ("cv", "learning_curve", "threshold")}
        print(json.dumps(d))
    else:
        _print_scores(str(args.gold), s, entities=ents, relations=rels)
        if rels:
            _print_by_source(by_source)
            _print_markdown(model_figures_markdown(meta) if meta else
                            "No learned relation model: rules only.")
    if args.report:
        from ..evaluation import scores_to_markdown
        args.report.mkdir(parents=True, exist_ok=True)
        out = args.report / f"eval_{args.eval_mode}.md"
        text = scores_to_markdown(str(args.gold), s, entities=ents, relations=rels)
        if rels:
            text += "\n" + _by_source_markdown(by_source) + "\n" + (
                model_figures_markdown(meta) if meta else "")
        out.write_text(f"# mscgraph eval {args.eval_mode}\n\n" + text, encoding="utf-8")
        print(f"wrote {out}")
    return 0


def _run_benchmark(args: argparse.Namespace) -> int:
    from ..benchmark_corpora import BENCHMARKS, evaluate_benchmark
    loader, _scorer, needs_relations = BENCHMARKS[args.eval_mode]
    gold = loader(args.corpora_dir, split=args.split, limit=args.limit)
    system = _system(args, gold, relations=needs_relations)
    res = evaluate_benchmark(args.eval_mode, gold, system, equivalences=_equivalences(args))
    if args.json:
        print(json.dumps(res.to_dict()))
    else:
        _print_benchmark(res)
    if args.report:
        args.report.mkdir(parents=True, exist_ok=True)
        out = args.report / f"eval_{args.eval_mode}.md"
        out.write_text(f"# mscgraph eval {args.eval_mode}\n\n" + _benchmark_markdown(res),
                       encoding="utf-8")
        print(f"wrote {out}")
    return 0


def _print_scores(title: str, s: Any, *, entities: bool, relations: bool) -> None:
    from rich.table import Table
    con = _console()
    con.print(f"[bold]{title}[/]: {s.docs} docs (missing in system output: {s.missing_docs})")
    if entities:
        t = Table(title="entities")
        for c in ("type", "n", "lenient P", "lenient R", "lenient F1", "strict P", "strict R",
                  "strict F1"):
            t.add_column(c, justify="left" if c == "type" else "right")
        strict = s.strict_by_type()
        for typ, p in s.by_type().items():
            q = strict.get(typ)
            t.add_row(typ, str(p.n), *_f(p), *(_f(q) if q else ("-",) * 3))
        t.add_row("[bold]all", str(s.entity_lenient.n), *_f(s.entity_lenient),
                  *_f(s.entity_strict))
        con.print(t)
        con.print(f"normalization accuracy: {s.normalization:.3f} over {s.norm_n} matched "
                  f"mentions ({'with' if s.xrefs else 'without'} cross-references)")
    if relations:
        t = Table(title="relations")
        for c in ("", "n gold", "P", "R", "F1"):
            t.add_column(c, justify="right" if c else "left")
        t.add_row("(s, p, o)", str(s.relations.prf.n), *_f(s.relations.prf))
        t.add_row("directed pairs", str(s.pairs.prf.n), *_f(s.pairs.prf))
        con.print(t)
        con.print(f"negation accuracy {s.negation_accuracy:.3f}, hedging accuracy "
                  f"{s.hedging_accuracy:.3f} over {s.flags_n} matched relations")


def _model_meta() -> dict[str, Any]:
    """The committed relation model's metadata with its threshold ({} without a model)."""
    from ..nlp.relations.model import load_model
    model = load_model()
    return {} if model is None else dict(model.meta) | {"threshold": model.threshold}


def _by_source_markdown(by_source: dict[str, Any]) -> str:
    lines = ["| relations by source | n gold | P | R | F1 | system |",
             "|---|---:|---:|---:|---:|---:|"]
    for src, c in by_source.items():
        p = c.prf
        lines.append(f"| {src} | {p.n} | {p.p:.3f} | {p.r:.3f} | {p.f:.3f} | {c.tp + c.fp} |")
    return "\n".join(lines + ["", IN_SAMPLE_NOTE, ""])


def _print_by_source(by_source: dict[str, Any]) -> None:
    from rich.table import Table
    t = Table(title="relations by source ((s, p, o), non-negated)")
    for c in ("source", "n gold", "P", "R", "F1", "system"):
        t.add_column(c, justify="left" if c == "source" else "right")
    for src, c in by_source.items():
        t.add_row(src, str(c.prf.n), *_f(c.prf), str(c.tp + c.fp))
    _console().print(t)
    _console().print(IN_SAMPLE_NOTE, style="dim")


def _print_markdown(text: str) -> None:
    from rich.markdown import Markdown
    _console().print(Markdown(text))


def _f(p: Any) -> tuple[str, str, str]:
    return f"{p.p:.3f}", f"{p.r:.3f}", f"{p.f:.3f}"


def _print_benchmark(res: Any) -> None:
    _print_markdown(_benchmark_markdown(res))


def _console() -> Any:
    """A rich console at least 110 columns wide, so tables are not cut when piped."""
    from rich.console import Console
    con = Console()
    return con if con.width >= 110 else Console(width=110)


def _benchmark_markdown(res: Any) -> str:
    lines = [f"### {res.name} ({res.docs} docs)", "",
             "| class | n gold | lenient P | lenient R | lenient F1 | strict P | strict R | "
             "strict F1 |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for view, s in res.views.items():
        le, st = s.entity_lenient, s.entity_strict
        if view in res.recall_only:
            lines.append(f"| {view} (recall only) | {le.n} | - | {le.r:.3f} | - | - | "
                         f"{st.r:.3f} | - |")
        else:
            lines.append(f"| {view} | {le.n} | {le.p:.3f} | {le.r:.3f} | {le.f:.3f} | "
                         f"{st.p:.3f} | {st.r:.3f} | {st.f:.3f} |")
    for label, (acc, n) in res.normalization.items():
        lines += ["", f"Normalization accuracy ({label}): {acc:.3f} over {n} matched mentions"]
    if res.relations:
        lines += ["", "| relations | n gold | P | R | F1 |", "|---|---:|---:|---:|---:|"]
        for k, c in res.relations.items():
            p = c.prf
            lines.append(f"| {k} | {p.n} | {p.p:.3f} | {p.r:.3f} | {p.f:.3f} |")
    lines += ["", res.notes, ""]
    return "\n".join(lines)


# ------------------------------------------------------------------------------------- report

def _report(args: argparse.Namespace) -> int:
    import logging
    import time
    from ..benchmark_corpora import BENCHMARKS, evaluate_benchmark
    from ..errors import EvaluationError
    from ..evaluation import (load_jsonl, model_figures_markdown, relations_by_source, score,
                              scores_to_markdown)
    from ..benchmark_corpora import SHARED_DIR
    from ..config import PROJECT_ROOT
    from ..extract import extractor_version
    log = logging.getLogger("mscgraph.eval")
    args.system, args.xrefs_file = None, None
    eqs = _equivalences(args)
    defaults = (SHARED_DIR / "corpora" / "gold" / "dev.jsonl",
                PROJECT_ROOT / "tests" / "fixtures" / "mini_gold.jsonl")
    golds = args.gold or [p for p in defaults if p.is_file()]
    md = ["# Extraction quality", "",
          f"Generated by `mscgraph eval report` with extractor {extractor_version()} on "
          f"{time.strftime('%Y-%m-%d')}. Lenient = overlapping span and same type; strict = "
          "exact span and type; normalization = concept correct among lenient matches "
          "(LOCAL: gold ids excluded, exact ids"
          f"{' and cross-references' if args.xrefs else ''}); relations = non-negated "
          "(s, p, o) matched through mention overlap. Same definitions as goldtool.py.", ""]
    out: dict[str, Any] = {"extractor_version": extractor_version(), "gold": {},
                           "benchmarks": {}}
    for path in golds:
        gold = load_jsonl(path)
        if any("text" not in g for g in gold):
            log.warning("skipping %s: some lines have no text", path)
            continue
        t0 = time.perf_counter()
        system = _system(args, gold, relations=True)
        s = score(gold, system, equivalence=eqs.get("xrefs", eqs["exact"]))
        out["gold"][str(path)] = s.to_dict() | {"seconds": time.perf_counter() - t0}
        by_source = relations_by_source(gold, system)
        out["gold"][str(path)]["relations_by_source"] = {
            k: c.prf.as_dict(with_n=True) for k, c in by_source.items()}
        md += [scores_to_markdown(f"{path.name} ({path})", s), _by_source_markdown(by_source)]
    md += ["## Public benchmark corpora", ""]
    for name, (loader, _scorer, needs_rel) in BENCHMARKS.items():
        try:
            gold = loader(args.corpora_dir, limit=args.limit)
        except EvaluationError as exc:
            log.warning("skipping %s: %s", name, exc)
            md += [f"### {name}", "", f"Skipped: {exc}", ""]
            continue
        t0 = time.perf_counter()
        system = _system(args, gold, relations=needs_rel)
        res = evaluate_benchmark(name, gold, system, equivalences=eqs)
        out["benchmarks"][name] = res.to_dict() | {"seconds": time.perf_counter() - t0}
        md.append(_benchmark_markdown(res))
    meta = _model_meta()
    if meta:
        md += ["## Learned relation model", "", model_figures_markdown(meta)]
        out["model"] = {k: meta.get(k) for k in ("cv", "learning_curve", "threshold")}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "quality.md").write_text("\n".join(md), encoding="utf-8")
    (args.out / "quality.json").write_text(json.dumps(out, indent=1), encoding="utf-8")
    print(f"wrote {args.out / 'quality.md'} and {args.out / 'quality.json'}")
    return 0
