"""Exports of a :class:`~pipeline.graph.KnowledgeGraph`: GraphML, Cytoscape.js JSON, CSV, HTML.

Writers and readers are inverse pairs (``write_graphml``/``read_graphml``,
``cyjs_data``/``cyjs_graph``, ``write_cyjs``/``read_cyjs``) that go through networkx in both
directions, as networkx's own readwrite modules do: a writer takes the graph's cached
:meth:`~pipeline.graph.KnowledgeGraph.to_networkx` view and flattens it through the one type
table of :mod:`.flatten`; a reader rebuilds a typed networkx graph through the same table and
hands it to :meth:`~pipeline.graph.KnowledgeGraph.from_networkx`. :func:`write_exports` writes
dated files ``mscgraph_YYYY-MM-DD.*`` plus ``mscgraph_latest.*`` copies and the styles; it
refuses to replace ``latest`` exports that have edges by those of a graph without any
(:class:`EmptyExportError`, unless ``allow_empty``): an empty graph usually means a wrong store.
Isolated nodes (concepts without a relation) are left out unless ``keep_isolated``.

Modules: :mod:`.flatten` (type table), :mod:`.graphml`, :mod:`.cyjs`, :mod:`.csv`,
:mod:`.html` (the browser page), :mod:`.style` (one colour/arrow table for every client),
:mod:`.files` (atomic writes that respect the umask).

GraphML is written for Cytoscape: attribute types are scalars only (``string``, ``int``,
``double``, ``boolean``); lists are joined with ``|`` (PMIDs, synonyms) and tallies written as
``key:count|key:count`` (species, study types); missing values (a year) are left out, never
written as ``None``. Any other non-scalar value raises :class:`ExportError` naming the attribute.
Node ids are the concept ids with characters outside ``[A-Za-z0-9_.:-]`` replaced by ``_``
(GraphML ids are XML name tokens); the exact id is kept in ``concept_id``. Nodes carry
``name`` and ``label``, edges ``interaction`` (= predicate), ``weight`` (= evidence count) and a
unique ``name`` "A (PREDICATE) B", as Cytoscape and Gephi expect.

Not supported: ``|`` inside list items (replaced by ``/``), GraphML features other than one
directed graph with node/edge data (no hyperedges, ports, nested graphs), evidence in GraphML
(use the evidence CSV or ``cyjs`` with ``include_evidence=True``).

Example
-------
>>> import tempfile
>>> from pipeline.model import Concept, Evidence, Statement
>>> kg = KnowledgeGraph.from_statements([Statement(Concept("A", "a", "CELL_TYPE"), "TREATS",
...                                      Concept("D", "d", "DISEASE"), [Evidence("7", "s")])])
>>> out = tempfile.mkdtemp()
>>> read_cyjs(write_exports(kg, out, date="2026-01-01")["cyjs"]).summary()["statements"]
1
"""
from __future__ import annotations

import datetime as _dt
import json
import logging
import re
import shutil
from pathlib import Path
from typing import Sequence

from ..errors import PipelineError
from ..graph import KnowledgeGraph
from .csv import write_csv
from .cyjs import cyjs_data, cyjs_graph, read_cyjs, write_cyjs
from .files import atomic_write
from .flatten import ExportError, export_view, flatten_attrs
from .graphml import graphml_string, graphml_tree, read_graphml, write_graphml
from .html import html_page, page_data, write_html
from .style import (PREDICATE_STYLES, STYLE_PATH, TYPE_COLOURS, cytoscape_style,
                    cytoscape_vizmap_xml)

__all__ = ["ExportError", "EmptyExportError", "FORMATS", "latest_with_edges", "write_exports",
           "write_graphml", "read_graphml",
           "graphml_string", "graphml_tree", "cyjs_data", "cyjs_graph", "write_cyjs",
           "read_cyjs", "write_csv", "write_html", "html_page", "page_data", "export_view",
           "flatten_attrs", "cytoscape_style", "cytoscape_vizmap_xml", "STYLE_PATH",
           "TYPE_COLOURS", "PREDICATE_STYLES"]

log = logging.getLogger(__name__)

FORMATS = ("graphml", "cyjs", "csv", "html")


class EmptyExportError(PipelineError):
    """An empty graph would replace ``latest`` exports that have edges."""


def latest_with_edges(out_dir: str | Path) -> list[Path]:
    """The ``mscgraph_latest`` exports in ``out_dir`` that hold at least one edge.

    >>> import tempfile
    >>> latest_with_edges(tempfile.mkdtemp())
    []
    """
    out = Path(out_dir)
    found = []
    edges_csv = out / "mscgraph_latest_edges.csv"
    if edges_csv.is_file():
        with edges_csv.open(encoding="utf-8", errors="replace") as fh:
            fh.readline()       # the header
            if fh.readline():
                found.append(edges_csv)
    cyjs = out / "mscgraph_latest.cyjs"
    if cyjs.is_file():
        try:
            if json.loads(cyjs.read_text(encoding="utf-8"))["elements"]["edges"]:
                found.append(cyjs)
        except (ValueError, KeyError, TypeError):
            pass  # unreadable: nothing worth keeping
    graphml = out / "mscgraph_latest.graphml"
    if graphml.is_file() and b"<edge " in graphml.read_bytes():
        found.append(graphml)
    return found


def write_exports(kg: KnowledgeGraph, out_dir: str | Path, *,
                  date: _dt.date | str | None = None, formats: Sequence[str] = FORMATS,
                  include_evidence: bool = False, keep_isolated: bool = False,
                  allow_empty: bool = False, digest: str | None = None) -> dict[str, Path]:
    """Write dated exports ``mscgraph_YYYY-MM-DD.*`` plus ``mscgraph_latest.*`` copies.

    Parameters
    ----------
    formats : subset of ``("graphml", "cyjs", "csv", "html")``
        ``csv`` writes ``_nodes.csv``, ``_edges.csv`` and (with evidence) ``_evidence.csv``;
        ``html`` the self-contained browser page (with the evidence sentences, when ``kg``
        has them).
    include_evidence : bool
        Put evidence records into the ``.cyjs`` (bigger file; ``read_cyjs`` gets evidence).
    keep_isolated : bool
        Keep concepts without any relation (left out by default).
    allow_empty : bool
        Let a graph without statements replace ``latest`` exports that have edges (refused
        with :class:`EmptyExportError` otherwise).
    digest : str, optional
        Markdown of the nightly digest (:func:`pipeline.report.write_digest`), shown by the
        HTML page in a panel.

    Returns
    -------
    dict
        Label -> path, e.g. ``{"graphml": ..., "graphml_latest": ..., "style_json": ...}``.
    """
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise PipelineError(f"unknown export format(s) {sorted(unknown)}; choose from {FORMATS}")
    day = date if isinstance(date, str) else (date or _dt.datetime.now(_dt.timezone.utc).date()
                                              ).isoformat()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
        raise PipelineError(f"export date must be YYYY-MM-DD, got {day!r}")
    out = Path(out_dir)
    if not allow_empty and not kg.summary()["statements"]:
        kept = latest_with_edges(out)
        if kept:
            raise EmptyExportError(
                f"the graph has no statements and would replace {kept[0]}, which has edges; "
                f"check the store (MSCGRAPH_DATABASE_URL / --database-url), or pass "
                f"--allow-empty (allow_empty=True) to write the empty graph anyway")
    stem = out / f"mscgraph_{day}"
    written: dict[str, Path] = {}
    if "graphml" in formats:
        written["graphml"] = write_graphml(kg, f"{stem}.graphml", date=day,
                                           keep_isolated=keep_isolated)
    if "cyjs" in formats:
        written["cyjs"] = write_cyjs(kg, f"{stem}.cyjs", include_evidence=include_evidence,
                                     date=day, keep_isolated=keep_isolated)
    if "csv" in formats:
        paths = write_csv(kg, f"{stem}_nodes.csv", f"{stem}_edges.csv",
                          f"{stem}_evidence.csv", keep_isolated=keep_isolated)
        for label, p in zip(("nodes_csv", "edges_csv", "evidence_csv"), paths):
            written[label] = p
    if "html" in formats:
        written["html"] = write_html(kg, f"{stem}.html", date=day, keep_isolated=keep_isolated,
                                     digest=digest)
    for label, p in list(written.items()):
        latest = out / p.name.replace(f"mscgraph_{day}", "mscgraph_latest")
        with atomic_write(latest) as fh, open(p, "rb") as src:
            shutil.copyfileobj(src, fh)
        written[f"{label}_latest"] = latest
    if {"graphml", "cyjs"} & set(formats):
        with atomic_write(out / "mscgraph_style.json", "w") as fh:
            json.dump(cytoscape_style(), fh, indent=1)
            fh.write("\n")
        written["style_json"] = out / "mscgraph_style.json"
        with atomic_write(out / "mscgraph_style.xml", "w") as fh:
            fh.write(cytoscape_vizmap_xml())
        written["style_xml"] = out / "mscgraph_style.xml"
    for label, p in written.items():
        log.info("wrote %s: %s", label, p)
    return written
