"""Differentiation and polarization: ``X differentiate into Y``, ``M2 polarization``.

:func:`differentiation` handles DIFF and POLAR triggers: the source cells (between the trigger
and ``into``, else the trigger's subject, else the nearest cell on the left) differentiate into
the target cells; ``X is the source of Y`` too. Inducers (``HGF and OSM induced MSCs to
differentiate into Y``, recorded by the verb rule) increase the product; the agents of a
polarization (:func:`agents_for`) increase the polarized state.

Example
-------
>>> from pipeline.model import Mention as M
>>> from pipeline.nlp.relations.units import units_of
>>> st = SentenceState.of(units_of(M(0, 4, "MSCs", "CELL_TYPE"), "differentiate", "into",
...                                M(24, 35, "hepatocytes", "CELL_TYPE")))
>>> differentiation(st, 1, st.units[1].trig, 2, 0)
>>> [(f.subj.text, f.pred, f.obj.text) for f in st.found]
[('MSCs', 'DIFFERENTIATES_INTO', 'hepatocytes')]
"""
from __future__ import annotations

from ..lexicon import Trigger
from ..objects import agent_after, objects_right
from ..scan import skip_left
from ..sign import emit, emit_pred
from ..state import SentenceState, Subjects
from ..subjects import subject_left
from ..words import ADV, BE, MEANS

__all__ = ["differentiation", "agents_for"]


def differentiation(st: SentenceState, t: int, tr: Trigger, after: int, lo: int) -> None:
    u = st.units
    into = {"into", "to", "towards", "toward", "in"}
    if tr.words[0] in ("source", "sources"):   # "X is the source of Y"
        targets, _ = objects_right(st, after, first_gap=3, gap=3)
        for s, _f in subject_left(st, t):
            for k, _m in targets:
                if s.type == "CELL_TYPE" and st.ent(k).type == "CELL_TYPE":
                    emit(st, s, "DIFFERENTIATES_INTO", st.ent(k), lo, t)
        return
    # source cells between trigger and "into" (polarization / "differentiation of X into")
    src: list[int] = []
    j = after
    if j < len(u) and u[j].low == "of":
        j += 1
    while j < len(u) and j < after + 8 and u[j].low not in into and u[j].trig is None:
        if u[j].is_ent:
            src.append(j)
        j += 1
    if j >= len(u) or u[j].low not in into:
        # "M2 polarization": agent increases the state named before the trigger
        if tr.cls == "POLAR" and t > 0 and u[t - 1].is_ent:
            subs = agents_for(st, t, lo)
            for s, flip in subs:
                emit_pred(st, s, "INC", st.ent(t - 1), "", flip, lo, t)
        return
    targets, end = objects_right(st, j + 1, first_gap=5, gap=3)
    tgt = [k for k, _ in targets if st.ent(k).type == "CELL_TYPE"]
    if not tgt:
        return
    for s, flip in st.inducers.get(t, []):
        for k in tgt:
            emit_pred(st, s, "INC", st.ent(k), "", flip, lo, t)
    if tr.cls == "POLAR":
        subs = agents_for(st, t, lo)
        st.set_subjects(t, subs)
        st.obj_end[t] = end
        for s, flip in subs:
            for k in tgt:
                emit_pred(st, s, "INC", st.ent(k), "", flip, lo, t)
        sources = src
    else:
        sources = src
        if not sources:
            if tr.kind == "P" and t > 0 and u[skip_left(u, t, 0, ADV)].low in BE \
                    and u[t + 1 if t + 1 < len(u) else t].low == "by":
                return
            subs = [m for m, _ in subject_left(st, t) if m.type == "CELL_TYPE"]
            if not subs:        # "MSCs in liver repair ... transdifferentiation into"
                k = next((x for x in range(t - 1, -1, -1) if u[x].is_ent
                          and st.ent(x).type == "CELL_TYPE"), None)
                subs = [st.ent(k)] if k is not None else []
            for m in subs:
                for k in tgt:
                    emit(st, m, "DIFFERENTIATES_INTO", st.ent(k), lo, t)
            return
    for sidx in sources:
        for k in tgt:
            if st.ent(sidx).type == "CELL_TYPE":
                emit(st, st.ent(sidx), "DIFFERENTIATES_INTO", st.ent(k), lo, t)


def agents_for(st: SentenceState, t: int, lo: int) -> Subjects:
    u = st.units
    j = skip_left(u, t, 0, ADV | {"the", "a", "an"})
    if t > 0 and u[t - 1].is_ent:
        j = skip_left(u, t - 1, 0, ADV | {"the", "a", "an"})
    gov = st.governing(t)
    if j >= 0 and u[j].low in MEANS and gov is not None:
        return list(st.subjects[gov])
    agents, _ = agent_after(st, t + 1, {"by"})
    if agents:
        return [(st.ent(a), False) for a in agents]
    if u[t].trig and u[t].trig.kind in ("V", "P", "G"):
        return subject_left(st, t)
    return []
