"""Node, edge and evidence tables (CSV) for spreadsheets: :func:`write_csv`.

Text cells that a spreadsheet would read as a formula (beginning with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) are written with a leading ``'`` (:func:`spreadsheet_safe`):
an evidence sentence is text from PubMed, not a formula to run. Numbers are written as they are.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from ..assembly import iter_evidence_rows
from ..graph import KnowledgeGraph
from .files import atomic_write
from .flatten import export_view, graph_tables

__all__ = ["write_csv", "spreadsheet_safe", "NODE_COLUMNS", "EDGE_COLUMNS", "EVIDENCE_CSV_COLUMNS"]

NODE_COLUMNS = ["id", "name", "type", "mention_count", "article_count", "synonyms", "pmids"]
EDGE_COLUMNS = ["source", "source_name", "interaction", "target", "target_name", "sign",
                "belief", "evidence_count", "article_count", "negated_count", "hedged_count",
                "first_year", "last_year", "contradicted", "contradiction", "species",
                "study_types", "pmids", "negated_pmids"]
EVIDENCE_CSV_COLUMNS = ["source", "interaction", "target", "pmid", "year", "sentence",
                        "negated", "hedged", "species", "study_type"]


def write_csv(kg: KnowledgeGraph, nodes_path: str | Path, edges_path: str | Path,
              evidence_path: str | Path | None = None, *, keep_isolated: bool = False
              ) -> list[Path]:
    """Node, edge (and evidence) tables for spreadsheets; returns the paths written.

    Isolated nodes are left out of the node table unless ``keep_isolated``. The evidence
    table has one row per evidence, by statement key, each statement's evidence in the graph's
    order (:meth:`~pipeline.graph.KnowledgeGraph.iter_statements`: from the store, streamed).
    """
    g = export_view(kg.to_networkx(), keep_isolated=keep_isolated)
    nodes, edges = graph_tables(g, join_lists=True, readable_ids=False)
    names = {n: d.get("name", n) for n, d in g.nodes(data=True)}
    node_rows = [{"id": n, **d} for n, d in nodes]
    edge_rows = [{"source": u, "source_name": names[u], "target": v, "target_name": names[v],
                  **d} for _e, u, v, d in edges]
    written = [_write_rows(nodes_path, NODE_COLUMNS, node_rows),
               _write_rows(edges_path, EDGE_COLUMNS, edge_rows)]
    if evidence_path is not None and kg.has_evidence:  # streamed, one statement at a time
        written.append(_write_rows(evidence_path, EVIDENCE_CSV_COLUMNS, (
            row for st in kg.iter_statements() for row in iter_evidence_rows([st]))))
    return written


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """``value`` for a CSV cell: ``None`` as empty, text a spreadsheet would evaluate
    prefixed with ``'``, anything else unchanged.

    >>> spreadsheet_safe("=HYPERLINK(1)"), spreadsheet_safe("-2 fold"), spreadsheet_safe(-2)
    ("'=HYPERLINK(1)", "'-2 fold", -2)
    """
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _write_rows(path: str | Path, columns: list[str], rows: Any) -> Path:
    with atomic_write(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        for row in rows:
            w.writerow({k: spreadsheet_safe(v) for k, v in row.items()})
    return Path(path)


