"""Verbal constructions: active and passive verbs, participles, gerunds, cause connectives.

* :func:`active`: a verb, participle or gerund with its subject (:func:`~pipeline.nlp.
  relations.subjects.subject_left`; for a gerund after ``by/through/via``, ``without`` or
  ``, leading to`` the governing verb's subject; for ``... to increase Y`` the purpose's) and
  its objects; a chain (``X reduced Y, leading to lower Z``) also gives the step ``Y -> Z``;
* :func:`passive`: ``Y was suppressed by X``, a reduced relative ``Y induced by X``, and the
  agentless ``ALT was reduced in MSC-treated mice`` / ``... lower in the MSC group``;
* :func:`via_participle`: ``X attenuated Y, presumably via decreased Z`` (X acts on Z);
* :func:`no_effect`: ``X had no effect on Y`` (a negated INCREASES);
* :func:`reverse_cause`: ``Y results from X``, ``Y due to X`` (the cause is on the right).

Each takes the sentence state and the trigger's :class:`~pipeline.nlp.relations.state.Site`.

Example
-------
>>> from pipeline.model import Mention as M
>>> from pipeline.nlp.relations.units import units_of
>>> msc, alt = M(0, 4, "MSCs", "CELL_TYPE"), M(13, 16, "ALT", "OUTCOME")
>>> st = SentenceState.of(units_of(msc, "reduced", alt))
>>> active(st, Site(1, st.units[1].trig, 2, "mscs", "", 0, "", False, 0))
>>> [(f.subj.text, f.pred, f.obj.text) for f in st.found]
[('MSCs', 'DECREASES', 'ALT')]
"""
from __future__ import annotations

from ..objects import agent_after, objects_right
from ..scan import adjacent_left, is_context, left_group, nearest_ent_left
from ..sign import emit, emit_pred, lof_flip, signed
from ..state import SentenceState, Site, Subjects
from ..subjects import fronted_stimulus, in_adjectival_list, subject_left
from ..units import Found
from ..words import (
    AGENT_PARTICIPLES, AUX, BE, EFFECT_NOUNS, HEAD_MODIFIERS, HEDGE, INF_HOSTS, MEANS,
)
from .nominal import nominal
from .results import exposure_agents, group_agents
from .therapy import first_therapy_in_clause

__all__ = ["active", "passive", "via_participle", "no_effect", "reverse_cause"]


def via_participle(st: SentenceState, site: Site) -> None:
    """``X attenuated Y, presumably via decreased Z``: the governing subject X acts on Z."""
    gov = st.governing(site.t)
    if gov is not None:
        objs, _end = objects_right(st, site.after, first_gap=3, modifiers=False,
                                   compounds=True)
        for s, flip in st.subjects[gov]:
            for k, mod in objs:
                emit_pred(st, s, site.trig.cls, st.ent(k), mod, flip, site.lo, site.t)


def no_effect(st: SentenceState, site: Site) -> None:
    """``X had no effect on Y``: a negated INCREASES from each subject to each object."""
    subs = subject_left(st, site.t)
    objs, _end = objects_right(st, site.after)
    for s, _f in subs:
        for k, _m in objs:
            st.found.append(Found(s, "INCREASES", st.ent(k), True,
                                  st.scopes.flags(site.lo, site.t)[1]))


def reverse_cause(st: SentenceState, site: Site) -> None:
    """``Y results from X``, ``Y due to X``: effect (a disease or outcome) on the left, cause
    on the right; a property (``the capacity of X``) is no cause."""
    u, t, lo_scope = st.units, site.t, site.lo
    k = nearest_ent_left(u, t, lo_scope, max_gap=3)
    causes, _end = objects_right(st, site.after, first_gap=4, modifiers=False)
    if k is None or st.ent(k).type not in ("DISEASE", "OUTCOME") or st.is_therapy(k):
        return
    causes = [(c, m) for c, m in causes if not any(
        w in st.ent(c).text.lower() for w in ("propert", "capacit", "abilit"))]
    for c, m in causes:
        for o in left_group(u, k, lo_scope):
            emit(st, st.ent(c), signed(st.pol, "INC", st.ent(o), m), st.ent(o), lo_scope, t)


def passive(st: SentenceState, site: Site) -> None:
    """``Y was suppressed by X``, ``Y induced by X`` and agentless result passives."""
    u, t, cls, pbw, lo_scope = st.units, site.t, site.trig.cls, site.pbw, site.lo
    agents, aend = agent_after(st, site.after, {"by", "with"} if cls == "TREAT" else
                               {"by", "from"} if cls == "SEC" else {"by"})
    k = nearest_ent_left(u, t, lo_scope, max_gap=6)
    if k is not None and pbw in BE and k >= 3 and u[k - 1].low == "by" \
            and not u[k - 2].is_ent and u[k - 2].low in AGENT_PARTICIPLES:
        # "fibrosis induced by CCl4 was reduced by MSCs": the head before the
        # reduced relative is what the verb acts on, not its agent
        head = nearest_ent_left(u, k - 2, lo_scope, max_gap=1)
        if head is not None:
            k = head
    if k is not None and k + 2 < len(u) and u[k + 1].low == "-" \
            and u[k + 2].low in HEAD_MODIFIERS:
        k = None    # "the NSP-induced inhibition was reversed by Y": no entity head
    if k is not None and k >= 2 and u[k - 1].low == "of" and (
            u[k - 2].low in EFFECT_NOUNS or (u[k - 2].trig is not None
                                             and u[k - 2].trig.words[-1] in EFFECT_NOUNS)):
        k = None    # "the effect of MSCs was abolished by X": the effect, not the cells
    if k is not None and pbw not in BE and cls != "SEC" \
            and not adjacent_left(u, k, t):
        k = None    # reduced relative: "hepatocarcinogenesis triggered by X" (no entity)
    if k is None and not agents:
        return
    mod = ""
    if k is not None and k >= 2 and u[k - 1].low in ("of", "in") and u[k - 2].trig is not None \
            and u[k - 2].trig.kind == "N" and u[k - 2].trig.cls in ("INC", "DEC", "IMPROVE"):
        if pbw not in BE and site.trig.words[-1] in AGENT_PARTICIPLES \
                and st.ent(k).type != "PROCESS":   # ("inhibition of apoptosis mediated by X")
            cls = u[k - 2].trig.cls     # "the decrease of ALT caused by X": X decreases ALT
        elif cls in ("INC", "DEC"):
            mod = u[k - 2].trig.cls     # "the reduction in Y was reversed by X"
    objs = left_group(u, k, lo_scope) if k is not None else []
    if not agents and pbw in BE and cls in ("INC", "DEC"):
        # "ALT was reduced in MSC-treated mice"
        agents = [a for a in exposure_agents(st) if a not in objs]
        if not agents:                    # "ALT was lower in the MSC group"
            agents = group_agents(st, site.after)
    if not agents:
        return
    if pbw in BE:      # a reduced relative ("X activated by Y") governs nothing
        st.set_subjects(t, [(st.ent(a), lof_flip(st, a)) for a in agents])
        st.obj_end[t] = aend
    for a in agents:
        for o in objs:
            emit_pred(st, st.ent(a), cls, st.ent(o), mod, lof_flip(st, a), lo_scope, t)


def _gerund_subjects(st: SentenceState, site: Site) -> tuple[Subjects, int | None]:
    """Subjects of a gerund after ``by/through/via``, ``without`` or ``, leading to`` (the
    governing verb's, or the clause's first entity), and the trigger it chains from."""
    u, t, bw, prevw, tr = st.units, site.t, site.bw, site.prevw, site.trig
    subs: Subjects = []
    chain_from: int | None = None
    gov = st.governing(t)
    if (bw in MEANS or bw == "without") and gov is not None:
        subs = list(st.subjects[gov])     # "... without inducing Z"
    elif bw in MEANS and bw != "using":
        # "X regulates Y by suppressing Z": the clause subject, not the nearest entity
        lo0 = st.scopes.clause_start(t)
        first = next((x for x in range(lo0, t) if u[x].is_ent
                      and not is_context(u, x)), None)
        if first is not None:
            subs = [(st.ent(x), lof_flip(st, x)) for x in [first]]
    elif (bw in ("thereby", "thus") or prevw in (",", "thereby", "thus")) \
            and gov is not None:
        subs = list(st.subjects[gov])
        if len(tr.words) > 1 or bw in ("thereby", "thus") or prevw in (
                "thereby", "thus"):
            chain_from = gov   # "..., leading to Z": also the step edges
    return subs, chain_from


def active(st: SentenceState, site: Site) -> None:
    """A verb, participle or gerund with its subject and objects (see the module docstring)."""
    u, t, tr, after, prevw, lo_scope = st.units, site.t, site.trig, site.after, site.prevw, \
        site.lo
    cls = tr.cls
    subs: Subjects = []
    chain_from: int | None = None
    if tr.kind == "G":
        subs, chain_from = _gerund_subjects(st, site)
    if not subs and prevw == "to" and t >= 2 and tr.kind == "V":
        w2 = u[t - 2].low if not u[t - 2].is_ent else ""
        gov = st.governing(t)
        if gov is not None and w2 not in AUX and w2 not in HEDGE and w2 not in INF_HOSTS:
            subs = list(st.subjects[gov])     # purpose: "... to increase Y"
    if not subs and cls == "TREAT":
        k = first_therapy_in_clause(st, t)
        subs = [(st.ent(k), False)] if k is not None else []
    elif not subs:
        if tr.kind == "P" and prevw == "," and in_adjectival_list(st, t):
            return
        subs = subject_left(st, t)
    if not subs and tr.kind == "G":
        nominal(st, t, tr, after, lo_scope)    # "blocking X using Y decreased Z"
        return
    if cls in ("INC", "DEC", "IMPROVE", "WORSEN") and subs \
            and all(m.type == "CELL_TYPE" for m, _f in subs):
        stim = fronted_stimulus(st, t)
        if stim:    # "in response to X, the cells raised Y": X raises Y
            subs = [(st.ent(k), lof_flip(st, k)) for k in stim]
    objs, end = objects_right(st, after, modifiers=len(tr.words) > 1, compounds=True)
    if cls == "INC" and end + 1 < len(u) and u[end].low == "to" and u[end + 1].trig \
            is not None and u[end + 1].trig.cls == "DIFF":
        # "HGF and OSM induced MSCs to differentiate into hepatocyte-like cells": the
        # inducers increase the product (set on the DIFF trigger), not the source cells
        st.inducers[end + 1] = subs
        objs = [(k, m) for k, m in objs if st.ent(k).type != "CELL_TYPE"]
    st.set_subjects(t, subs)
    st.obj_end[t] = end
    st.objects[t] = [st.ent(k) for k, _ in objs]
    if objs and cls in ("INC", "DEC", "IMPROVE", "WORSEN", "PROTECT"):
        st.preds[t] = signed(st.pol, cls, st.ent(objs[0][0]), objs[0][1])
    if not objs and tr.kind == "P" and cls in ("INC", "DEC") and subs:
        # "Total bilirubin decreased ... in the UC-MSC group": intransitive result
        agents = group_agents(st, after)
        for a in agents:
            for m, _f in subs:
                if not st.pol.is_therapy(m):
                    emit_pred(st, st.ent(a), cls, m, "", False, lo_scope, t)
    if cls == "PROTECT" and end < len(u) and u[end].low == "from":
        cls = "INC"         # "X protects cyclin B1 from destruction": keeps it
    for s, flip in subs:
        for k, mod in objs:
            emit_pred(st, s, cls, st.ent(k), mod, flip, lo_scope, t)
    if chain_from is not None:
        # "X reduced Y, leading to lower Z": also (Y, Z) steps; X->Z emitted above
        p_objs = st.objects.get(chain_from, [])
        p_pred = st.preds.get(chain_from, "INCREASES")
        for y in p_objs:
            for k, mod in objs:
                z = signed(st.pol, cls, st.ent(k), mod)
                emit(st, y, "INCREASES" if z == p_pred else "DECREASES", st.ent(k),
                          lo_scope, t)
