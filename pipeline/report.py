"""The run summary of a pipeline run: one plain dict, filled stage by stage, rendered twice.

:func:`new_summary` starts it; :func:`add_ingest` (rows from :func:`ingest_row`),
:func:`add_extraction` and :func:`add_graph` fill in what each stage did (the graph part
compares the new graph with the last export, :func:`previous_graph`); :func:`summary_markdown`
(the Prefect artifact) and :func:`format_summary` (the terminal) render it. The dict holds only
JSON-able values.

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
import time
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

if TYPE_CHECKING:  # pragma: no cover
    from .graph import KnowledgeGraph

__all__ = ["new_summary", "timed", "ingest_row", "add_ingest", "add_extraction", "add_graph", "edge_table",
           "previous_graph", "summary_markdown", "format_summary", "INGEST_COUNTS",
           "TOP_NEW_EDGES"]

log = logging.getLogger(__name__)

#: Counters of an ingest report that the summary adds up.
INGEST_COUNTS = ("fetched", "inserted", "updated", "deleted", "unchanged")
#: How many new edges the summary lists.
TOP_NEW_EDGES = 10


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
        "error": None,
    }
    summary.update(fields)
    return summary


@contextmanager
def timed(summary: dict[str, Any], stage: str) -> Iterator[None]:
    """Record the seconds the ``with`` block takes as ``summary["timings"][stage]``.

    >>> s = new_summary()
    >>> with timed(s, "graph"):
    ...     pass
    >>> list(s["timings"])
    ['graph']
    """
    t0 = time.monotonic()
    yield
    summary["timings"][stage] = time.monotonic() - t0


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


def previous_graph(export_dir: str | Path) -> "KnowledgeGraph | None":
    """The graph of the last export (``mscgraph_latest.graphml`` in ``export_dir``), or None."""
    from .exports import read_graphml

    path = Path(export_dir) / "mscgraph_latest.graphml"
    if not path.is_file():
        return None
    try:
        return read_graphml(path)
    except Exception as exc:  # a broken old export must not fail tonight's run
        log.warning("cannot read the previous export %s (%s); counting all edges as new",
                    path, exc)
        return None


def _key(row: dict[str, Any]) -> tuple[str, str, str]:
    return row["source"], row["predicate"], row["target"]


def add_graph(summary: dict[str, Any], before: "KnowledgeGraph | None",
              kg: "KnowledgeGraph") -> None:
    """Edge counts of ``kg``, its edges new since ``before`` (the best :data:`TOP_NEW_EDGES`
    listed) and its contradictions, new and old."""
    old_rows = edge_table(before) if before is not None else []
    old = {_key(r) for r in old_rows}
    old_contra = {_key(r) for r in old_rows if r.get("contradicted")}
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


def summary_markdown(summary: dict[str, Any]) -> str:
    """The run summary as markdown (the artifact's body).

    >>> "**failed**" in summary_markdown({"status": "failed", "error": "FetchError: down"})
    True
    """
    g = summary.get
    lines = [f"# mscgraph nightly run: **{g('status')}**", ""]
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
    if g("timings"):
        lines += ["", "| stage | seconds |", "|---|---:|"]
        lines += [f"| {k} | {v:.1f} |" for k, v in g("timings").items()]
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
        lines.append("  " + "timings".ljust(width) + "  " +
                     ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
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
