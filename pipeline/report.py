"""The run summary of a pipeline run: one plain dict, filled stage by stage, rendered twice.

:func:`new_summary` starts it; :func:`add_ingest` (rows from :func:`ingest_row`),
:func:`add_extraction` and :func:`add_graph` fill in what each stage did (the graph part
compares the new graph with the edges of the last one, :data:`EdgesByKey`: those saved with the
graph state, or those of the last GraphML export, :func:`previous_edges`); :func:`summary_markdown`
(the Prefect artifact) and :func:`format_summary` (the terminal) render it. The dict holds only
JSON-able values.

Next to the exports, :func:`write_evidence_map` writes the disease x mechanism evidence map
(CSV and heatmap PNG) and :func:`write_digest` the "what's new" digest
``mscgraph_digest_<date>.md`` (:func:`whats_new` against the previous edges: new edges,
belief changes of :data:`BELIEF_CHANGE` or more, new contradictions, each with its new PMIDs and
sentences); the digest's markdown goes into ``summary["digest"]`` and so into the artifact.

Example
-------
>>> s = new_summary(source="demo", database="sqlite:///x.sqlite", export_dir="out")
>>> add_extraction(s, {"extracted": 2, "mentions": 5, "relations": 1,
...                    "failed": [{"pmid": "9", "reason": "too long"}]})
>>> print(format_summary(s).splitlines()[0])
nightly run: running
>>> "| 9 | too long |" in summary_markdown(s)
True
"""
from __future__ import annotations

import logging
import os
import re
import time
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping

if TYPE_CHECKING:  # pragma: no cover
    import datetime as _dt

    from .graph import KnowledgeGraph

__all__ = ["new_summary", "timed", "ingest_row", "add_ingest", "add_extraction", "add_graph",
           "edge_table", "edges_by_key", "previous_edges", "previous_export_label", "EdgesByKey",
           "summary_markdown",
           "format_summary", "failure_reason", "whats_new", "digest_markdown", "write_digest",
           "write_evidence_map", "INGEST_COUNTS", "TOP_NEW_EDGES", "BELIEF_CHANGE",
           "DIGEST_ITEMS", "DIGEST_SENTENCES", "FAILURE_REASON_CHARS"]

log = logging.getLogger(__name__)

#: Counters of an ingest report that the summary adds up.
INGEST_COUNTS = ("fetched", "inserted", "updated", "deleted", "unchanged")
#: How many new edges the summary lists.
TOP_NEW_EDGES = 10
#: Smallest belief change the digest reports.
BELIEF_CHANGE = 0.1
#: Most items per digest section, and sentences per item.
DIGEST_ITEMS = 50
DIGEST_SENTENCES = 3
#: Longest failure reason on the first line of a failed run's summary.
FAILURE_REASON_CHARS = 200
_QUERY_STRING = re.compile(r"\?[^\s]+")
#: Edge attributes by ``(source, predicate, target)``: the previous graph the summary and the
#: digest compare with (the edges saved with the graph state,
#: :func:`pipeline.graph.state.update_graph`, or :func:`previous_edges`).
EdgesByKey = Mapping[tuple[str, str, str], Mapping[str, Any]]


def new_summary(**fields: Any) -> dict[str, Any]:
    """An empty summary (status ``running``, zero counts) with ``fields`` set.

    >>> new_summary(source="demo")["status"], new_summary()["extracted"]
    ('running', 0)
    """
    summary: dict[str, Any] = {
        "status": "running", "source": None, "database": None, "export_dir": None,
        "task_runner": None, "extractor_version": None, "flow_run_id": None,
        "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "ingest": [], **dict.fromkeys(INGEST_COUNTS, 0),
        "extracted": 0, "mentions": 0, "relations": 0, "batches": 0, "failed_articles": [],
        "edges_before": None, "edges_after": None, "new_edges": None, "top_new_edges": [],
        "contradictions": None, "new_contradictions": None, "exports": {}, "timings": {},
        "cpu_timings": {},
        "digest": None, "error": None,
    }
    summary.update(fields)
    return summary


@contextmanager
def timed(summary: dict[str, Any], stage: str) -> Iterator[None]:
    """Record the seconds the ``with`` block takes as ``summary["timings"][stage]`` and the
    CPU seconds of this process meanwhile (all its threads) as ``summary["cpu_timings"][stage]``
    (on a busy machine wall time says little).

    >>> s = new_summary()
    >>> with timed(s, "graph"):
    ...     pass
    >>> list(s["timings"]), list(s["cpu_timings"])
    (['graph'], ['graph'])
    """
    t0, c0 = time.monotonic(), time.process_time()
    yield
    summary["timings"][stage] = time.monotonic() - t0
    summary.setdefault("cpu_timings", {})[stage] = time.process_time() - c0


def add_ingest(summary: dict[str, Any], reports: Iterable[dict[str, Any]]) -> None:
    """Append ingest reports (``{"name", "status", "fetched", ...}``) and add up their counts."""
    for rep in reports:
        summary["ingest"].append(rep)
        for key in INGEST_COUNTS:
            summary[key] += rep.get(key, 0)


def add_extraction(summary: dict[str, Any], result: dict[str, Any]) -> None:
    """Add an extraction result (``extracted``, ``mentions``, ``relations``, optional
    ``batches`` and ``failed`` as ``[{"pmid", "reason"}]``)."""
    for key in ("extracted", "mentions", "relations", "batches"):
        summary[key] += result.get(key, 0)
    summary["failed_articles"] += result.get("failed", [])


def edge_table(kg: "KnowledgeGraph") -> list[dict[str, Any]]:
    """Edges as sorted plain dicts (source, target and every attribute), for comparisons."""
    rows = [{"source": u, "target": v, **d} for u, v, d in kg.edges()]
    return sorted(rows, key=lambda r: (r["source"], r["predicate"], r["target"]))


def edges_by_key(kg: "KnowledgeGraph") -> dict[tuple[str, str, str], dict[str, Any]]:
    """``kg``'s edge attributes by key (:data:`EdgesByKey`).

    >>> from pipeline.graph import KnowledgeGraph
    >>> from pipeline.model import Concept, Evidence, Statement
    >>> kg = KnowledgeGraph.from_statements([Statement(Concept("A", "a", "CELL_TYPE"),
    ...     "SECRETES", Concept("B", "b", "CYTOKINE"), [Evidence("7", "a secretes b")])])
    >>> list(edges_by_key(kg))
    [('A', 'SECRETES', 'B')]
    """
    return {(u, d["predicate"], v): d for u, v, d in kg.edges()}


def previous_edges(export_dir: str | Path) -> dict[tuple[str, str, str], dict[str, Any]] | None:
    """The edges of the last export (``mscgraph_latest.graphml`` in ``export_dir``) by key, or
    None: the fallback for an export directory without a saved graph state (whose edges
    :func:`pipeline.graph.state.update_graph` gives without parsing any export)."""
    from .exports import read_graphml

    path = Path(export_dir) / "mscgraph_latest.graphml"
    if not path.is_file():
        return None
    try:
        return edges_by_key(read_graphml(path))
    except Exception as exc:  # a broken old export must not fail tonight's run
        log.warning("cannot read the previous export %s (%s); counting all edges as new",
                    path, exc)
        return None


def previous_export_label(export_dir: str | Path) -> str | None:
    """When the last export (``mscgraph_latest.graphml``) was written, or None.

    >>> previous_export_label("/nonexistent") is None
    True
    """
    path = Path(export_dir) / "mscgraph_latest.graphml"
    if not path.is_file():
        return None
    stamp = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
    return f"the export of {stamp.isoformat(timespec='minutes')} ({path.name})"


def _key(row: dict[str, Any]) -> tuple[str, str, str]:
    return row["source"], row["predicate"], row["target"]


def add_graph(summary: dict[str, Any], before: EdgesByKey | None,
              kg: "KnowledgeGraph") -> None:
    """Edge counts of ``kg``, its edges new since the ``before`` edges (the best
    :data:`TOP_NEW_EDGES` listed) and its contradictions, new and old."""
    old = before or {}
    old_contra = {k for k, d in old.items() if d.get("contradicted")}
    rows = edge_table(kg)
    new = [r for r in rows if _key(r) not in old]
    names = {cid: rec.name for cid, rec in kg.concepts.items()}
    summary["edges_before"] = len(old)
    summary["edges_after"] = len(rows)
    summary["new_edges"] = len(new)
    summary["contradictions"] = sum(bool(r.get("contradicted")) for r in rows)
    summary["new_contradictions"] = sum(bool(r.get("contradicted")) and _key(r) not in old_contra
                                        for r in rows)
    top = sorted(new, key=lambda r: (-float(r["belief"]), *_key(r)))[:TOP_NEW_EDGES]
    summary["top_new_edges"] = [
        {"subject": names.get(r["source"], r["source"]), "predicate": r["predicate"],
         "object": names.get(r["target"], r["target"]), "belief": round(float(r["belief"]), 3),
         "articles": r["article_count"], "contradicted": bool(r.get("contradicted"))}
        for r in top]


def _md(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


_COUNT_ROWS = (("records fetched", "fetched"), ("inserted", "inserted"),
               ("updated", "updated"), ("deleted", "deleted"), ("unchanged", "unchanged"),
               ("articles extracted", "extracted"), ("relations extracted", "relations"),
               ("articles failed", "failed_articles"), ("graph edges before", "edges_before"),
               ("graph edges after", "edges_after"), ("new statements", "new_edges"),
               ("contradicted edges", "contradictions"),
               ("new contradictions", "new_contradictions"))


def failure_reason(error: str, limit: int = FAILURE_REASON_CHARS) -> str:
    """One short line saying why a run failed: the first line of ``error`` (``"Type:
    message"``) with the query strings of URLs left out and cut at ``limit`` characters.

    >>> failure_reason("FetchError: esearch.fcgi?db=pubmed&term=" + "x" * 900 + " failed: HTTP 503")
    'FetchError: esearch.fcgi?... failed: HTTP 503'
    """
    first = (error or "").strip().splitlines()[0] if (error or "").strip() else ""
    first = _QUERY_STRING.sub("?...", first)
    return first if len(first) <= limit else first[:limit - 3] + "..."


def summary_markdown(summary: dict[str, Any]) -> str:
    """The run summary as markdown (the artifact's body); a failed run's first line ends with
    :func:`failure_reason`, the full error follows.

    >>> summary_markdown({"status": "failed", "error": "FetchError: down"}).splitlines()[0]
    '# mscgraph nightly run: **failed**: FetchError: down'
    """
    g = summary.get
    head = f"# mscgraph nightly run: **{g('status')}**"
    lines = [head + (f": {_md(failure_reason(g('error')))}" if g("error") else ""), ""]
    if g("error"):
        lines += [f"> Error: `{g('error')}`", "",
                  "The next run resumes from each query's last successful high-water mark; "
                  "work committed so far is kept.", ""]
    lines += [f"- source: `{g('source')}`, store: `{g('database')}`, task runner: "
              f"`{g('task_runner')}`, extractor: `{g('extractor_version')}`",
              f"- started: {g('started_at')}, exports: `{g('export_dir')}`", "",
              "| stage | count |", "|---|---:|"]
    for label, key in _COUNT_ROWS:
        value = g(key)
        if isinstance(value, list):
            value = len(value)
        lines.append(f"| {label} | {'-' if value is None else value} |")
    if g("ingest"):
        lines += ["", "| ingest run | fetched | inserted | updated | deleted | status |",
                  "|---|---:|---:|---:|---:|---|"]
        lines += [f"| {r['name']} | {r['fetched']} | {r['inserted']} | {r['updated']} | "
                  f"{r['deleted']} | {r['status']} |" for r in g("ingest")]
    if g("failed_articles"):
        lines += ["", "Articles the extractor failed on (skipped by later runs until they or "
                      "the extractor change; `mscgraph extract --retry-failed` retries them):",
                  "", "| PMID | reason |", "|---|---|"]
        lines += [f"| {f['pmid']} | {_md(f['reason'])} |" for f in g("failed_articles")]
    if g("top_new_edges"):
        lines += ["", "Top new edges by belief:", "",
                  "| subject | predicate | object | belief | articles | contradicted |",
                  "|---|---|---|---:|---:|---|"]
        lines += [f"| {_md(e['subject'])} | {e['predicate']} | {_md(e['object'])} | "
                  f"{e['belief']:.3f} | {e['articles']} | {'yes' if e['contradicted'] else ''} |"
                  for e in g("top_new_edges")]
    if g("digest"):
        lines += [""] + ["#" + ln if ln.startswith("#") else ln
                         for ln in g("digest").rstrip().splitlines()]
    if g("timings"):
        cpu = g("cpu_timings") or {}
        lines += ["", "| stage | seconds | CPU seconds |", "|---|---:|---:|"]
        lines += [f"| {k} | {v:.1f} | {cpu[k]:.1f} |" if k in cpu else f"| {k} | {v:.1f} | - |"
                  for k, v in g("timings").items()]
    return "\n".join(lines) + "\n"


def format_summary(summary: dict[str, Any], seconds: float | None = None) -> str:
    """A short plain-text table of a run summary (for the terminal).

    >>> print(format_summary({"status": "success", "fetched": 2, "exports": {}}).splitlines()[0])
    nightly run: success
    """
    g = summary.get
    head = f"nightly run: {g('status')}" + (f" in {seconds:.1f}s" if seconds is not None else "")
    rows = [("records fetched", g("fetched")), ("inserted / updated / deleted",
            f"{g('inserted', 0)} / {g('updated', 0)} / {g('deleted', 0)}"),
            ("articles extracted", g("extracted")),
            ("articles failed", len(g("failed_articles") or [])),
            ("graph edges before -> after", f"{g('edges_before')} -> {g('edges_after')}"),
            ("new statements", g("new_edges")), ("contradicted edges", g("contradictions"))]
    width = max(len(k) for k, _v in rows)
    lines = [head] + [f"  {k:<{width}}  {'-' if v is None else v}" for k, v in rows]
    lines += [f"  failed PMID {f['pmid']}: {f['reason']}" for f in g("failed_articles") or []]
    timings = g("timings") or {}
    if timings:
        cpu = g("cpu_timings") or {}
        lines.append("  " + "timings".ljust(width) + "  " +
                     ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
        if cpu:
            lines.append("  " + "CPU".ljust(width) + "  " +
                         ", ".join(f"{k} {v:.1f}s" for k, v in cpu.items()))
    top = g("top_new_edges") or []
    if top:
        lines.append("top new edges by belief:")
        lines += [f"  {e['belief']:.2f}  {e['subject']} {e['predicate']} {e['object']}"
                  for e in top[:5]]
    exports = g("exports") or {}
    latest = [p for k, p in exports.items() if k.endswith("_latest")]
    if latest:
        lines.append(f"exports in {os.path.dirname(latest[0])}:")
        lines += [f"  {os.path.basename(p)}" for p in sorted(latest)]
    return "\n".join(lines)


def ingest_row(report: Any) -> dict[str, Any]:
    """An :class:`~pipeline.ingest.IngestReport` as a JSON-able summary row."""
    row = asdict(report)
    row["window"] = list(report.window) if report.window else None
    return row


# ----------------------------------------------------------------------------- what's new

def _day(date: "_dt.date | str | None") -> str:
    if isinstance(date, str):
        return date
    return (date or datetime.now(timezone.utc).date()).isoformat()


def whats_new(before: EdgesByKey | None, kg: "KnowledgeGraph", *,
              min_change: float = BELIEF_CHANGE) -> dict[str, list[dict[str, Any]]]:
    """Edges of ``kg`` that are new, whose belief moved by ``min_change`` or more, or that are
    newly contradicted, compared with the ``before`` edges (None: every edge is new).

    Each item: ``subject``, ``predicate``, ``object`` (names), ``belief``, ``old_belief``
    (None if new), ``contradiction``, ``new_pmids`` (articles the edge did not have before)
    and ``sentences`` (``[{"pmid", "sentence", "negated", "hedged"}]`` from those articles,
    when ``kg`` has evidence; only those articles are read). Items are sorted by belief,
    highest first.

    >>> from pipeline.graph import KnowledgeGraph
    >>> from pipeline.model import Concept, Evidence, Statement
    >>> kg = KnowledgeGraph.from_statements([Statement(Concept("A", "MSC", "CELL_TYPE"),
    ...     "SECRETES", Concept("B", "HGF", "CYTOKINE"), [Evidence("7", "MSCs secrete HGF.")])])
    >>> item = whats_new(None, kg)["new"][0]
    >>> item["subject"], item["new_pmids"], item["sentences"][0]["sentence"]
    ('MSC', ['7'], 'MSCs secrete HGF.')
    """
    old = before or {}
    names = {cid: rec.name for cid, rec in kg.concepts.items()}
    out: dict[str, list[dict[str, Any]]] = {"new": [], "belief_changed": [],
                                            "new_contradictions": []}
    listed: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in edge_table(kg):
        key = _key(row)
        prev = old.get(key)
        pmids = sorted(set(row.get("pmids", ())) - set(prev.get("pmids", ()) if prev else ()))
        item = {"subject": names.get(row["source"], row["source"]),
                "predicate": row["predicate"], "object": names.get(row["target"], row["target"]),
                "belief": round(float(row["belief"]), 3),
                "old_belief": round(float(prev["belief"]), 3) if prev else None,
                "contradiction": row.get("contradiction") or "", "new_pmids": pmids,
                "sentences": []}
        sections = ["new"] if prev is None else (
            ["belief_changed"] if abs(float(row["belief"]) - float(prev["belief"])) >= min_change
            else [])
        if row.get("contradicted") and not (prev and prev.get("contradicted")):
            sections.append("new_contradictions")
        for name in sections:
            out[name].append(item)
        if sections and pmids:  # only listed items get sentences
            listed[key] = item
    if kg.has_evidence:
        found = kg.evidence_from({k: it["new_pmids"] for k, it in listed.items()})
        for key, evidence in found.items():
            listed[key]["sentences"] = [{"pmid": ev.pmid, "sentence": ev.sentence,
                                         "negated": ev.negated, "hedged": ev.hedged}
                                        for ev in evidence]
    for items in out.values():
        items.sort(key=lambda i: (-i["belief"], i["subject"], i["predicate"], i["object"]))
    return out


_DIGEST_SECTIONS = (("new", "New mechanisms"),
                    ("belief_changed", f"Belief changed by {BELIEF_CHANGE} or more"),
                    ("new_contradictions", "New contradictions"))


def digest_markdown(new: dict[str, list[dict[str, Any]]], date: str,
                    since: str | None = None) -> str:
    """The digest of :func:`whats_new` as markdown (the file and the artifact section).

    >>> print(digest_markdown({"new": [], "belief_changed": [], "new_contradictions": []},
    ...                       "2026-01-02").splitlines()[0])
    # mscgraph: what's new on 2026-01-02
    """
    lines = [f"# mscgraph: what's new on {date}", "",
             f"Compared with {since or 'nothing (no previous export): every edge is new'}.",
             "", ", ".join(f"{len(new.get(k, []))} {label.lower()}"
                           for k, label in _DIGEST_SECTIONS) + "."]
    for key, label in _DIGEST_SECTIONS:
        items = new.get(key, [])
        if not items:
            continue
        lines += ["", f"## {label}", ""]
        for it in items[:DIGEST_ITEMS]:
            belief = (f"belief {it['old_belief']:.2f} -> {it['belief']:.2f}"
                      if it["old_belief"] is not None else f"belief {it['belief']:.2f}")
            extra = f", contradiction: {it['contradiction']}" if it["contradiction"] else ""
            pmids = ", ".join(it["new_pmids"]) or "none"
            lines.append(f"- **{_md(it['subject'])} {it['predicate']} {_md(it['object'])}** "
                         f"({belief}{extra}); new PMIDs: {pmids}")
            for snt in it["sentences"][:DIGEST_SENTENCES]:
                flags = "".join(f" [{f}]" for f in ("negated", "hedged") if snt[f])
                lines.append(f"  - PMID {snt['pmid']}{flags}: {_md(snt['sentence'])}")
            if len(it["sentences"]) > DIGEST_SENTENCES:
                lines.append(f"  - ... {len(it['sentences']) - DIGEST_SENTENCES} more")
        if len(items) > DIGEST_ITEMS:
            lines.append(f"- ... {len(items) - DIGEST_ITEMS} more")
    return "\n".join(lines) + "\n"


def write_digest(before: EdgesByKey | None, kg: "KnowledgeGraph", out_dir: str | Path,
                 *, date: "_dt.date | str | None" = None, since: str | None = None
                 ) -> tuple[Path, str]:
    """Write ``mscgraph_digest_<date>.md`` into ``out_dir``; returns its path and markdown."""
    from .exports.files import atomic_write

    day = _day(date)
    text = digest_markdown(whats_new(before, kg), day, since)
    path = Path(out_dir) / f"mscgraph_digest_{day}.md"
    with atomic_write(path, "w") as fh:
        fh.write(text)
    return path, text


def write_evidence_map(kg: "KnowledgeGraph", out_dir: str | Path, *,
                       date: "_dt.date | str | None" = None) -> dict[str, Path]:
    """Write the evidence map as CSV and heatmap PNG, dated and ``latest``, into ``out_dir``.

    Returns ``{"evidence_map_csv": ..., "evidence_map_png": ..., "..._latest": ...}``.
    """
    import shutil

    from .exports.files import atomic_write
    from .graph.evidence_map import evidence_heatmap

    day, out = _day(date), Path(out_dir)
    table = kg.evidence_map()
    written: dict[str, Path] = {}
    path = out / f"mscgraph_evidence_map_{day}.csv"
    with atomic_write(path, "w", newline="") as fh:
        table.to_csv(fh, index=False)
    written["evidence_map_csv"] = path
    path = out / f"mscgraph_evidence_map_{day}.png"
    with atomic_write(path) as fh:
        evidence_heatmap(table, fh, title=f"mscgraph evidence map {day}")
    written["evidence_map_png"] = path
    for label, p in list(written.items()):
        latest = out / p.name.replace(day, "latest")
        with atomic_write(latest) as fh, open(p, "rb") as src:
            shutil.copyfileobj(src, fh)
        written[f"{label}_latest"] = latest
    return written
