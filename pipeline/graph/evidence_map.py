"""The evidence map: which mechanisms the literature reports for which disease.

One row per ``(disease, mechanism)`` cell. A *mechanism* is a concept of a mediator type
(:data:`MECHANISM_TYPES`: cell types, cytokines, molecules, processes) that is an argument of a
statement; the *disease* of a piece of evidence is every disease its article mentions (the
article's disease context). So ``MSCs DECREASES TGF-β1`` from an abstract about liver
fibrosis fills the cell (liver fibrosis, TGF-β1).

Columns
-------
``disease``, ``disease_id``, ``mechanism``, ``mechanism_id``, ``mechanism_type``;
``articles`` (articles with evidence in the cell), ``up`` / ``down`` (articles whose asserted
evidence says the mechanism goes up / down: statements with the mechanism as *object*, signed
by :data:`~pipeline.assembly.SIGNS`); ``net_direction`` = ``(up - down) / (up + down)`` in
``[-1, 1]`` (0 without a signed article); ``best_study_type`` (strongest design, in the order
of :data:`~pipeline.model.STUDY_TYPES`); ``belief`` (the graph's belief model applied to the
cell's evidence: independent articles, negated ones lowering it); ``pmids`` (``|``-joined).

The intervention itself is no mechanism: concepts whose name matches :data:`INTERVENTION`
(mesenchymal stem/stromal cells) are left out unless ``exclude`` says otherwise.

Not supported: disease context below article level (a sentence naming another disease still
counts for every disease of its article); hierarchy roll-ups (a broader disease does not
collect its narrower terms' evidence).

Example
-------
>>> from pipeline.model import Concept, Evidence, Statement
>>> from pipeline.graph import KnowledgeGraph
>>> msc = Concept("CL:0000134", "mesenchymal stem cell", "CELL_TYPE")
>>> tgf = Concept("HGNC:11766", "TGFB1", "CYTOKINE")
>>> fib = Concept("MESH:D008103", "Liver Cirrhosis", "DISEASE")
>>> kg = KnowledgeGraph.from_statements([
...     Statement(msc, "DECREASES", tgf, [Evidence("1", "MSCs lowered TGF-β1.")]),
...     Statement(msc, "TREATS", fib, [Evidence("1", "MSCs treat cirrhosis.")])])
>>> evidence_map(kg)[["disease", "mechanism", "articles", "net_direction"]].to_dict("records")
[{'disease': 'Liver Cirrhosis', 'mechanism': 'TGFB1', 'articles': 1, 'net_direction': -1.0}]
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import IO, TYPE_CHECKING, Any, Iterable, Iterator, Protocol

from ..assembly import SIGNS
from ..belief import DefaultBeliefScorer
from ..errors import PipelineError
from ..model import STUDY_TYPES, Evidence, Statement

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


class GraphWithEvidence(Protocol):
    """What the evidence map reads of a :class:`~pipeline.graph.KnowledgeGraph` (named here so
    this module does not import the graph that offers it as ``kg.evidence_map()``)."""

    has_evidence: bool
    scorer: Any
    concepts: Any

    def iter_statements(self) -> Iterator[Statement]: ...

__all__ = ["evidence_map", "evidence_heatmap", "MECHANISM_TYPES", "INTERVENTION",
           "EVIDENCE_MAP_COLUMNS", "HEATMAP_ROWS", "HEATMAP_COLUMNS"]

#: Entity types that count as mechanisms (mediators).
MECHANISM_TYPES: frozenset[str] = frozenset({"CELL_TYPE", "CYTOKINE", "MOLECULE", "PROCESS"})
#: Names of the intervention (left out as a mechanism by default).
INTERVENTION = re.compile(r"mesenchymal (?:stem|stromal)|\bmscs?\b", re.IGNORECASE)
#: Most diseases (rows) and mechanisms (columns) the heatmap shows (most articles first).
HEATMAP_ROWS = 25
HEATMAP_COLUMNS = 40
EVIDENCE_MAP_COLUMNS = ["disease", "disease_id", "mechanism", "mechanism_id", "mechanism_type",
                        "articles", "up", "down", "net_direction", "best_study_type", "belief",
                        "pmids"]


def _source(ev: Evidence) -> tuple[Any, ...]:
    # what Evidence.source_hash hashes, as a key: the same identity without a SHA-1 per use
    return (ev.pmid, ev.sentence_start, ev.sentence_end, ev.subject_text, ev.object_text,
            ev.negated, ev.hedged)


@dataclass
class _Cell:
    """Evidence of one (disease, mechanism) cell and each article's signed votes."""

    evidence: dict[tuple[Any, ...], tuple[str, Evidence]] = field(default_factory=dict)
    votes: dict[str, int] = field(default_factory=dict)

    def add(self, predicate: str, ev: Evidence, sign: int, source: tuple[Any, ...]) -> None:
        """Count ``ev`` (``source``: :func:`_source` of it) once per predicate."""
        self.evidence.setdefault((*source, predicate), (predicate, ev))
        self.votes.setdefault(ev.pmid, 0)
        if sign and not ev.negated:
            self.votes[ev.pmid] += sign


def evidence_map(kg: GraphWithEvidence, *, types: Iterable[str] = MECHANISM_TYPES,
                 exclude: Iterable[str] | None = None, min_articles: int = 1
                 ) -> "pd.DataFrame":
    """Disease × mechanism table of a graph with evidence (see the module docstring).

    Parameters
    ----------
    kg : KnowledgeGraph
        Built from the store or from extractions (an export without evidence has no
        article-level context).
    types : iterable of str
        Entity types counted as mechanisms.
    exclude : iterable of str, optional
        Concept ids to leave out as mechanisms; default: those named like :data:`INTERVENTION`.
    min_articles : int
        Drop cells with fewer articles.

    Returns
    -------
    pandas.DataFrame
        :data:`EVIDENCE_MAP_COLUMNS`, most articles first, then by disease and mechanism name.
    """
    import pandas as pd

    if not kg.has_evidence:
        raise PipelineError("the evidence map needs evidence sentences; build the graph from "
                            "the store (KnowledgeGraph.from_store), not from a GraphML export")
    concepts = kg.concepts
    wanted = frozenset(types)
    skip = set(exclude) if exclude is not None else {
        cid for cid, rec in concepts.items() if INTERVENTION.search(rec.name)}
    diseases_of: dict[str, list[str]] = {}
    for cid, rec in concepts.items():
        if rec.type == "DISEASE":
            for pmid in rec.pmids:
                diseases_of.setdefault(pmid, []).append(cid)
    cells: dict[tuple[str, str], _Cell] = {}
    for st in kg.iter_statements():  # streamed: one statement's sentences at a time
        # cells keep each evidence's identity and a copy without its texts (what scoring
        # reads), so the sentences go with their statement
        slim: dict[int, tuple[tuple[Any, ...], Evidence]] = {}
        for mech, sign in ((st.subject, 0), (st.object, SIGNS.get(st.predicate, 0))):
            if mech.type not in wanted or mech.id in skip:
                continue
            for i, ev in enumerate(st.evidence):
                diseases = diseases_of.get(ev.pmid, ())
                if diseases and i not in slim:
                    slim[i] = (_source(ev), replace(ev, sentence="", subject_text="",
                                                    object_text=""))
                for disease in diseases:
                    cells.setdefault((disease, mech.id), _Cell()).add(st.predicate, slim[i][1],
                                                                      sign, slim[i][0])
    scorer = kg.scorer or DefaultBeliefScorer()
    rank = {t: i for i, t in enumerate(STUDY_TYPES)}
    rows = []
    for (disease, mech), cell in cells.items():
        if len(cell.votes) < min_articles:
            continue
        up = sum(v > 0 for v in cell.votes.values())
        down = sum(v < 0 for v in cell.votes.values())
        evs = [ev for _p, ev in cell.evidence.values()]
        predicates = sorted(p for p, _ev in cell.evidence.values())
        probe = Statement(concepts[mech].concept, max(set(predicates), key=predicates.count),
                          concepts[disease].concept, evs)
        rows.append({
            "disease": concepts[disease].name, "disease_id": disease,
            "mechanism": concepts[mech].name, "mechanism_id": mech,
            "mechanism_type": concepts[mech].type, "articles": len(cell.votes),
            "up": up, "down": down,
            "net_direction": round((up - down) / (up + down), 3) if up + down else 0.0,
            "best_study_type": min((ev.study_type for ev in evs),
                                   key=lambda t: rank.get(t, len(rank))),
            "belief": round(float(scorer.score_statement(probe)), 3),
            "pmids": "|".join(sorted(cell.votes))})
    rows.sort(key=lambda r: (-r["articles"], r["disease"], r["mechanism"], r["mechanism_id"]))
    return pd.DataFrame(rows, columns=EVIDENCE_MAP_COLUMNS)


def evidence_heatmap(table: "pd.DataFrame", out: str | IO[bytes], *, title: str = "",
                     rows: int = HEATMAP_ROWS, columns: int = HEATMAP_COLUMNS) -> None:
    """Draw an :func:`evidence_map` table as a PNG heatmap into ``out`` (path or binary file).

    Rows are diseases, columns mechanisms (the ``rows`` / ``columns`` with most articles);
    colour is ``net_direction`` (red: up, blue: down), each cell is labelled with its article
    count; an empty table gives a picture saying so. Headless: drawn on an Agg canvas.

    >>> import io, pandas as pd
    >>> buf = io.BytesIO()
    >>> evidence_heatmap(pd.DataFrame(columns=EVIDENCE_MAP_COLUMNS), buf)
    >>> buf.getvalue()[:4]
    b'\\x89PNG'
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    top_d = table.groupby("disease")["articles"].sum().sort_values(ascending=False)
    top_m = table.groupby("mechanism")["articles"].sum().sort_values(ascending=False)
    diseases = sorted(top_d.index[:rows])
    mechanisms = sorted(top_m.index[:columns])
    if not diseases or not mechanisms:
        fig = Figure(figsize=(4, 1.5))
        FigureCanvasAgg(fig)
        fig.text(0.5, 0.5, "no disease-mechanism evidence yet", ha="center", va="center")
        fig.savefig(out, format="png")
        return
    cells = table[table["disease"].isin(diseases) & table["mechanism"].isin(mechanisms)]
    direction = cells.pivot_table(index="disease", columns="mechanism", values="net_direction",
                                  aggfunc="mean").reindex(index=diseases, columns=mechanisms)
    counts = cells.pivot_table(index="disease", columns="mechanism", values="articles",
                               aggfunc="sum").reindex(index=diseases, columns=mechanisms)
    fig = Figure(figsize=(2.5 + 0.32 * len(mechanisms), 1.8 + 0.32 * len(diseases)))
    FigureCanvasAgg(fig)  # the Agg canvas: no pyplot, no display, no global backend switch
    ax = fig.add_subplot()
    image = ax.imshow(direction.to_numpy(dtype=float), cmap="coolwarm", vmin=-1, vmax=1,
                      aspect="auto")
    ax.set_xticks(range(len(mechanisms)), mechanisms, rotation=90, fontsize=7)
    ax.set_yticks(range(len(diseases)), diseases, fontsize=7)
    for i, d in enumerate(diseases):
        for j, m in enumerate(mechanisms):
            n = counts.at[d, m]
            if n == n:  # not NaN: the cell has evidence
                ax.text(j, i, str(int(n)), ha="center", va="center", fontsize=6)
    fig.colorbar(image, ax=ax, label="net direction: (up - down) / signed articles",
                 shrink=0.6)
    if title:
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(out, format="png", dpi=120, bbox_inches="tight")
