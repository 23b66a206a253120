"""Nominal constructions: ``inhibition of Y by X``, ``the protective effect of X against Y``.

* :func:`nominal`: a nominalized trigger and its object (``of Y``, ``Y secretion``, ``T cell
  activation``), with its agent after ``by`` (``using`` for DEC, ``in``/``from`` for SEC), an
  apposition (``X, a suppressor of Y``), a copula (``X is a major cause of Y``), an ``X-mediated``
  prefix or the governing verb's subject (``via downregulation of Y``);
* :func:`protective_effect`: ``the protective effect of X against/on Y``;
* :func:`secretion_in`: ``the production of X, Y in C`` inside another verb's object;
* :func:`treatment_nominal`: ``treatment of D with X`` and ``X treatment of D``.

Example
-------
>>> from pipeline.model import Mention as M
>>> from pipeline.nlp.relations.units import units_of
>>> st = SentenceState.of(units_of("inhibition", "of", M(14, 18, "mTOR", "MOLECULE"), "by",
...                                M(22, 31, "rapamycin", "MOLECULE")))
>>> nominal(st, 0, st.units[0].trig, st.units[0].trig_len, 0)
>>> [(f.subj.text, f.pred, f.obj.text) for f in st.found]
[('rapamycin', 'DECREASES', 'mTOR')]
"""
from __future__ import annotations

from ..lexicon import Trigger
from ..objects import agent_after, objects_right
from ..scan import left_group, nearest_ent_left, past_adverbs, skip_left
from ..sign import emit, emit_pred, lof_flip
from ..state import SentenceState, Subjects
from ..subjects import sentence_agent
from ..words import ADV, BE, MEANS, NOMINAL_BLOCK, STOP

__all__ = ["nominal", "protective_effect", "secretion_in", "treatment_nominal"]


def nominal(st: SentenceState, t: int, tr: Trigger, after: int, lo: int) -> None:
    """``inhibition of X by Y``, ``X secretion by Y``, ``through X secretion``."""
    u = st.units
    cls = tr.cls
    if cls == "PROTECT" and tr.words[-1] in ("effect", "effects", "role"):
        # "the protective effect of X ...": X is the agent, never the object
        if after < len(u) and u[after].low == "of":
            protective_effect(st, t, after, lo)
        return
    objs: list[tuple[int, str]] = []
    end = after
    if tr.kind == "G" or tr.words[-1] in ("of", "to", "in", "on"):
        objs, end = objects_right(st, after, first_gap=3, head=cls)
    elif after < len(u) and u[after].low == "of":
        objs, end = objects_right(st, after + 1, first_gap=3, head=cls)
    elif t > 0 and u[t - 1].is_ent:     # "T cell activation in hepatitis": T cell
        objs = [(x, "") for x in left_group(u, t - 1, lo)]
    elif after < len(u) and u[after].low in ("in", "on"):
        objs, end = objects_right(st, after + 1, first_gap=3)
    if not objs:
        return
    agents, aend = agent_after(st, end, {"by", "using"} if cls == "DEC" else
                                    {"by", "in", "from"} if cls == "SEC" else {"by"})
    if cls == "SEC":
        agents = [a for a in agents if st.ent(a).type == "CELL_TYPE"]
    # "activation of Y by deletion of X": a loss-of-function agent flips the sign
    subs: Subjects = [(st.ent(a), lof_flip(st, a)) for a in agents]
    if not subs and t >= 3 and u[t - 1].low in ("a", "an", "the") and u[t - 2].low == "," \
            and u[t - 3].is_ent:
        subs = [(st.ent(t - 3), False)]      # "X, a suppressor of Y"
    if not subs and objs and objs[0][0] > t:
        # "X is a major cause of Y", "X may be an important contributor to Y"
        c = t - 1
        while c > lo and c > t - 5 and not u[c].is_ent and u[c].low not in BE \
                and u[c].low not in STOP:
            c -= 1
        if c > lo and not u[c].is_ent and u[c].low in BE and u[c + 1].low in (
                "a", "an", "the", "one", "major", "key", "main"):
            k = nearest_ent_left(st.units, c, lo, max_gap=2)
            if k is not None:
                subs = [(st.ent(x), lof_flip(st, x)) for x in left_group(u, k, lo)]
    if not subs:
        # "X-mediated suppression of Y"
        if t >= 3 and u[t - 1].low in ("mediated", "induced", "dependent") \
                and u[t - 2].low == "-" and u[t - 3].is_ent:
            subs = [(st.ent(t - 3), False)]
    if not subs:
        j = skip_left(u, t, 0, ADV | {"the", "a", "an", "of", "partly", "mainly"})
        gov = st.governing(t)
        bw = u[j].low if j >= 0 and not u[j].is_ent else ""
        if objs and objs[0][0] < t:   # "PGE2 secretion": object on the left
            j = skip_left(u, objs[0][0], 0, ADV | {"the", "a", "an", "of"})
            bw = u[j].low if j >= 0 and not u[j].is_ent else ""
        if bw in MEANS and gov is not None:
            subs = list(st.subjects[gov])
        elif bw in MEANS or (cls in ("IMPROVE", "INC", "DEC", "WORSEN")
                              and bw not in NOMINAL_BLOCK):
            # result statements: "significant improvements in X", subject = sentence agent
            if gov is not None:
                subs = list(st.subjects[gov])
            elif objs[0][0] > t and tr.kind != "G":
                # not for "X inactivation" (object on the left), nor for a gerund that is
                # itself a subject ("enhancing X may improve ...")
                subs = [(m, False) for m in sentence_agent(st, t)]
    if not subs:
        return
    if cls == "DEC" and agents and st.scopes.clause_start(t) >= t - 1:
        # "Blocking X using Y decreased Z": X is a loss-of-function target for Z
        st.lof_targets[t] = [st.ent(k) for k, _ in objs]
    st.set_subjects(t, subs)
    st.obj_end[t] = max(end, aend)
    st.objects[t] = [st.ent(k) for k, _ in objs]
    for s, flip in subs:
        for k, mod in objs:
            emit_pred(st, s, cls, st.ent(k), mod, flip, lo, t)


def protective_effect(st: SentenceState, t: int, after: int, lo: int) -> bool:
    """``the protective effect of X against/on Y``: X protects (against) Y."""
    u = st.units
    agents, aend = objects_right(st, after + 1, first_gap=3, gap=2, modifiers=False)
    k = past_adverbs(st.units, aend)
    if not agents or k >= len(u) or u[k].is_ent or \
            u[k].low not in ("against", "on", "in", "toward", "towards"):
        return False
    objs, end = objects_right(st, k + 1, first_gap=3)
    if not objs:
        return False
    st.set_subjects(t, [(st.ent(a), False) for a, _ in agents])
    st.obj_end[t] = end
    st.objects[t] = [st.ent(o) for o, _ in objs]
    # "against Y": protects from Y; "on hepatocytes": keeps the cells
    cls = "PROTECT" if u[k].low == "against" else None
    for a, _ in agents:
        for o, mod in objs:
            ocls = cls or ("INC" if st.ent(o).type == "CELL_TYPE" else "PROTECT")
            emit_pred(st, st.ent(a), ocls, st.ent(o), mod, False, lo, t)
    return True


def secretion_in(st: SentenceState, t: int) -> None:
    """``the production of X, Y in C`` inside another verb's object: C secretes X, Y."""
    u = st.units
    start = t + u[t].trig_len
    if start < len(u) and u[start].low == "of":
        start += 1
    objs, end = objects_right(st, start, first_gap=4, modifiers=False)
    agents, _ = agent_after(st, end, {"by", "in", "from"})
    for a in agents:
        for k, _m in objs:
            emit_pred(st, st.ent(a), "SEC", st.ent(k), "", False, st.scopes.clause_start(t), t)


def treatment_nominal(st: SentenceState, t: int, after: int) -> None:
    """``treatment of D (with|by|using) X`` and ``X treatment of D``: X TREATS D."""
    u = st.units
    if after >= len(u) or u[after].low != "of":
        return
    objs, end = objects_right(st, after + 1, first_gap=3, modifiers=False)
    dis = [k for k, _ in objs if st.ent(k).type == "DISEASE"]
    if not dis:
        return
    agents, _ = agent_after(st, end, {"by", "with", "using"})
    if not agents and t > 0 and u[t - 1].is_ent:
        agents = [t - 1]
    lo = st.scopes.clause_start(t)
    for a in agents:
        if st.is_therapy(a) or st.ent(a).type in ("CELL_TYPE", "MOLECULE", "THERAPY"):
            for d in dis:
                emit(st, st.ent(a), "TREATS", st.ent(d), lo, end)
