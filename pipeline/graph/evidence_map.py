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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

from ..assembly import SIGNS
from ..belief import DefaultBeliefScorer
from ..errors import PipelineError
from ..model import STUDY_TYPES, Evidence, Statement

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from . import KnowledgeGraph

__all__ = ["evidence_map", "MECHANISM_TYPES", "INTERVENTION", "EVIDENCE_MAP_COLUMNS"]

#: Entity types that count as mechanisms (mediators).
MECHANISM_TYPES: frozenset[str] = frozenset({"CELL_TYPE", "CYTOKINE", "MOLECULE", "PROCESS"})
#: Names of the intervention (left out as a mechanism by default).
INTERVENTION = re.compile(r"mesenchymal (?:stem|stromal)|\bmscs?\b", re.IGNORECASE)
EVIDENCE_MAP_COLUMNS = ["disease", "disease_id", "mechanism", "mechanism_id", "mechanism_type",
                        "articles", "up", "down", "net_direction", "best_study_type", "belief",
                        "pmids"]


@dataclass
class _Cell:
    """Evidence of one (disease, mechanism) cell and each article's signed votes."""

    evidence: dict[str, tuple[str, Evidence]] = field(default_factory=dict)
    votes: dict[str, int] = field(default_factory=dict)

    def add(self, predicate: str, ev: Evidence, sign: int) -> None:
        self.evidence.setdefault(ev.source_hash + predicate, (predicate, ev))
        self.votes.setdefault(ev.pmid, 0)
        if sign and not ev.negated:
            self.votes[ev.pmid] += sign


def evidence_map(kg: "KnowledgeGraph", *, types: Iterable[str] = MECHANISM_TYPES,
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
    for st in kg.statements():
        for mech, sign in ((st.subject, 0), (st.object, SIGNS.get(st.predicate, 0))):
            if mech.type not in wanted or mech.id in skip:
                continue
            for ev in st.evidence:
                for disease in diseases_of.get(ev.pmid, ()):
                    cells.setdefault((disease, mech.id), _Cell()).add(st.predicate, ev, sign)
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
