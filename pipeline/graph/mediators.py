"""Mediators of a source's effect on a target: the intermediate concepts of its mechanism paths.

Two kinds of path count. *Chains* are stated steps source -> M -> ... -> target
(:func:`~pipeline.graph.paths.mechanism_paths`). *Co-stated mechanisms*
(:func:`co_stated_paths`) follow the guidelines' convention that "X reduces Y through Z" gives
(X, Y) and (X, Z) but never (Z, Y): an article that states source -> target and source -> M
names M as part of the mechanism; M's implied effect on the target is the sign that makes the
path's product equal the stated source -> target sign; outcomes measured beside the target
are not mechanisms and do not count. They score :data:`CO_STATED` times the
chain score (:data:`SAME_SENTENCE` more when both claims share a sentence).

A mediator's ``net_effect`` is its own effect on the target (the sign of the path segment from
the mediator to the target, weighted by path score over its paths); its ``score`` is the sum
of the scores of its paths; ``articles`` counts the distinct PMIDs of those paths.

>>> from pipeline.graph.paths import MechanismPath
>>> p = MechanismPath(("M", "H", "F"), ("MSC", "HGF", "fibrosis"), ("SECRETES", "DECREASES"),
...                   (1.0, 0.5), (("1",), ("1",)))
>>> mediator_rows([p], {"H": "CYTOKINE"})[0]["net_effect"]
-1
"""
from __future__ import annotations

import math
from typing import Any, Iterable, Mapping

from ..assembly import SIGNS
from ..model import Statement
from .paths import MechanismPath

__all__ = ["MEDIATOR_TYPES", "MEDIATOR_COLUMNS", "mediator_rows", "co_stated_paths", "CO_STATED",
           "SAME_SENTENCE"]

#: Score factor of a co-stated mechanism (its last step is implied, not stated).
CO_STATED = 0.5
#: Extra factor when source -> mediator and source -> target share a sentence.
SAME_SENTENCE = 1.5

#: Entity types a mediator can have (not DISEASE, not THERAPY).
MEDIATOR_TYPES = frozenset({"CELL_TYPE", "CYTOKINE", "MOLECULE", "PROCESS", "OUTCOME"})
MEDIATOR_COLUMNS = ["mediator", "concept", "type", "net_effect", "paths", "articles", "score"]
#: Types a co-stated mechanism can have: endpoints measured beside the target (survival,
#: albumin) are parallel outcomes, not mechanisms.
CO_STATED_TYPES = MEDIATOR_TYPES - {"OUTCOME"}


def mediator_rows(paths: Iterable[MechanismPath], types: Mapping[str, str]
                  ) -> list[dict[str, Any]]:
    """One row per intermediate concept of ``paths`` (columns :data:`MEDIATOR_COLUMNS`), best first."""
    by: dict[str, dict[str, Any]] = {}
    for p in paths:
        for i, node in enumerate(p.nodes[1:-1], start=1):
            row = by.setdefault(node, {"mediator": p.names[i], "concept": node,
                                       "type": types.get(node, ""), "paths": [],
                                       "pmids": set(), "score": 0.0, "signed": 0.0})
            row["paths"].append(p)
            row["pmids"].update(p.articles)
            row["score"] += p.score
            row["signed"] += p.score * math.prod(SIGNS[x] for x in p.predicates[i:])
    rows = []
    for r in by.values():
        rows.append({"mediator": r["mediator"], "concept": r["concept"], "type": r["type"],
                     "net_effect": 1 if r["signed"] >= 0 else -1, "paths": r["paths"],
                     "articles": len(r["pmids"]), "score": round(r["score"], 6)})
    rows.sort(key=lambda r: (-r["score"], -r["articles"], r["mediator"], r["concept"]))
    return rows


def co_stated_paths(statements: Mapping[tuple[str, str, str], Statement],
                    sources: Iterable[str], targets: Iterable[str], types: Mapping[str, str],
                    mechanistic: Iterable[str]) -> list[MechanismPath]:
    """Paths source -> M -> target whose last step is implied by co-statement in articles.

    >>> from pipeline.model import Concept, Evidence, Statement
    >>> def st(a, p, b, pmid, start=0):
    ...     return Statement(Concept(a, a.lower(), ""), p, Concept(b, b.lower(), ""),
    ...                      [Evidence(pmid, f"{a} {p} {b}", start)], belief=0.8)
    >>> sts = {k: st(*k, "1") for k in [("MSC", "DECREASES", "FIB"), ("MSC", "SECRETES", "HGF")]}
    >>> [str(p) for p in co_stated_paths(sts, ["MSC"], ["FIB"], {"HGF": "CYTOKINE"},
    ...                                  {"SECRETES", "DECREASES", "INCREASES"})]
    ['msc -[SECRETES]-> hgf -[implied DECREASES]-| fib']
    """
    sources, targets, mech = set(sources), set(targets), set(mechanistic)
    by_subject: dict[str, list[tuple[tuple[str, str, str], Statement]]] = {}
    for k, st in statements.items():
        if k[0] in sources:
            by_subject.setdefault(k[0], []).append((k, st))
    direct = [(k, st) for rows in by_subject.values() for k, st in rows
              if k[2] in targets and k[1] in SIGNS]
    out: list[MechanismPath] = []
    for (s_id, p_st, t_id), st_t in direct:
        t_ev = {e.pmid: e for e in st_t.evidence if not e.negated}
        if not t_ev:
            continue
        t_sents = {(e.pmid, e.sentence_start) for e in st_t.evidence if not e.negated}
        for (_, p_sm, m), st_m in by_subject[s_id]:
            if p_sm not in mech or m in sources or m in targets:
                continue
            if types.get(m) not in CO_STATED_TYPES:
                continue
            shared = sorted({e.pmid for e in st_m.evidence if not e.negated} & set(t_ev))
            if not shared:
                continue
            same = any((e.pmid, e.sentence_start) in t_sents for e in st_m.evidence
                       if not e.negated)
            implied = "INCREASES" if SIGNS[p_sm] * SIGNS[p_st] > 0 else "DECREASES"
            m_sents = {}
            for e in st_m.evidence:
                if not e.negated and e.pmid in shared:
                    m_sents.setdefault(e.pmid, e.sentence)
            out.append(MechanismPath(
                (s_id, m, t_id), (st_t.subject.name, st_m.object.name, st_t.object.name),
                (p_sm, implied), (st_m.belief, st_t.belief), (tuple(shared), tuple(shared)),
                coherence=CO_STATED * (SAME_SENTENCE if same else 1.0),
                sentences=(tuple(sorted(m_sents.items())),
                           tuple(sorted((p, t_ev[p].sentence) for p in shared))),
                implied=True))
    return out
