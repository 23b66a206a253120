"""Hyphenated and compound modifiers: ``X-derived Y``, ``X-induced Y``, ``hMSC induced Y``.

* :func:`hyphen_patterns`: ``X-derived Y`` (SECRETES, or DIFFERENTIATES_INTO for a cell),
  ``X-induced Y`` / ``X-mediated Y`` (the participle's class, flipped for a loss of function);
* :func:`compound_objects`: the ``hMSC induced proliferation`` compounds that
  :func:`~pipeline.nlp.relations.objects.objects_right` recorded act on the objects after them.

Example
-------
>>> from pipeline.model import Mention as M
>>> from pipeline.nlp.relations.units import units_of
>>> msc, exo = M(0, 3, "MSC", "CELL_TYPE"), M(12, 20, "exosomes", "THERAPY")
>>> st = SentenceState.of(units_of(msc, "-", "derived", exo))
>>> hyphen_patterns(st)
>>> [(f.subj.text, f.pred, f.obj.text) for f in st.found]
[('MSC', 'SECRETES', 'exosomes')]
"""
from __future__ import annotations

from ..objects import objects_right
from ..sign import emit, emit_pred, lof_flip
from ..state import SentenceState

__all__ = ["hyphen_patterns", "compound_objects"]


def hyphen_patterns(st: SentenceState) -> None:
    """``X-derived Y`` (SECRETES), ``X-induced Y`` / ``X-mediated Y`` (INCREASES)."""
    u = st.units
    for t in range(1, len(u) - 1):
        x = u[t]
        if x.trig is None or x.trig.kind != "P":
            continue
        if u[t - 1].is_ent and u[t - 1].low.endswith("-"):
            a = t - 1                       # "CCl4- induced" (hyphen inside the span)
        elif t >= 2 and u[t - 1].low == "-" and u[t - 2].is_ent:
            a = t - 2
        else:
            continue
        agent = st.ent(a)
        nxt = u[t + 1]
        if nxt.trig is not None and nxt.trig.kind == "N":
            continue    # "X-mediated suppression of Y": handled by the nominal
        objs, _ = objects_right(st, t + 1, first_gap=2, gap=2)
        lo = st.scopes.clause_start(t)
        for k, mod in objs:
            o = st.ent(k)
            if x.trig.cls == "SEC" or x.low == "derived":
                if o.type == "CELL_TYPE" and x.low == "derived":
                    emit(st, agent, "DIFFERENTIATES_INTO", o, lo, t)
                else:
                    emit_pred(st, agent, "SEC", o, "", False, lo, t)
            else:
                emit_pred(st, agent, x.trig.cls, o, mod, lof_flip(st, a), lo, t)
            break
    for t in range(2, len(u) - 1):
        if u[t].low == "derived" and u[t].trig is None and u[t - 1].low == "-" \
                and u[t - 2].is_ent and u[t + 1].is_ent:
            o = st.ent(t + 1)
            pred = "DIFFERENTIATES_INTO" if o.type == "CELL_TYPE" else "SECRETES"
            emit(st, st.ent(t - 2), pred, o, st.scopes.clause_start(t), t)


def compound_objects(st: SentenceState) -> None:
    """``hMSC induced proliferation of T cells``: each recorded compound ``(entity, participle)``
    acts, with the participle's class, on the objects after the participle."""
    u = st.units
    for a, t in st.compounds:
        objs, _ = objects_right(st, t + 1, first_gap=2, gap=3)
        lo = st.scopes.clause_start(t)
        for k, mod in objs:
            emit_pred(st, st.ent(a), u[t].trig.cls, st.ent(k), mod, False, lo, t)
