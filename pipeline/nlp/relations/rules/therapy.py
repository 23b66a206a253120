"""TREATS: ``X for Y``, ``X in patients with Y``, and therapies acting in a disease context.

:func:`treats` runs last for a sentence. A therapy-like entity treats a disease when a path of
linking words joins them with no verb, clause break or other therapy between
(:func:`treat_path`: ``MSC therapy for cirrhosis``), in ``the only treatment for D is X``
(:func:`treat_path_reverse`) and in ``patients with D received X``; a therapy that is the
subject of an effect relation treats the sentence's context disease (``in mice with
fibrosis``). A stated direction between the same pair wins over TREATS. Diagnostic procedures
treat nothing.

Example
-------
>>> from pipeline.model import Mention as M
>>> from pipeline.nlp.relations.units import units_of
>>> st = SentenceState.of(units_of(M(0, 11, "MSC therapy", "THERAPY", "LOCAL:msc"), "for",
...                                M(16, 25, "cirrhosis", "DISEASE")))
>>> treats(st)
>>> [(f.subj.text, f.pred, f.obj.text) for f in st.found]
[('MSC therapy', 'TREATS', 'cirrhosis')]
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right

from ..scan import is_context, is_head_modifier, skip_left
from ..sign import emit
from ..state import SentenceState
from ..units import Found
from ..words import BLOCK, CLAUSE, HEAD_MODIFIERS, RECEIVE, STOP, THERAPY_NOUNS, TREAT_LINK

__all__ = [
    "REACH_AFTER", "REACH_BEFORE", "REVERSE_REACH", "treats", "treat_path", "treat_path_reverse",
    "modifies_disease", "first_therapy_in_clause", "nearest_therapy_left",
]

#: Units a disease may stand after its therapy (``X for Y``) or before it (``patients with Y
#: received X``; ``the only treatment for Y is X`` within :data:`REVERSE_REACH`).
REACH_AFTER, REACH_BEFORE, REVERSE_REACH = 14, 16, 6


def treats(st: SentenceState) -> None:
    """``X for Y``, ``X in patients with Y``, therapies acting in a disease context."""
    u = st.units
    therapies = [k for k, x in enumerate(u) if x.is_ent and st.is_therapy(k)
                 and not is_head_modifier(u, k)]
    diseases = [k for k, x in enumerate(u) if x.is_ent and x.mention.type == "DISEASE"
                and not (" " not in x.low and x.low.endswith("ic"))
                and not modifies_disease(st, k)]
    if not therapies or not diseases:
        return
    # a stated direction ("the protective effect of X against Y") says more than TREATS
    signed = {(id(f.subj), id(f.obj)) for f in st.found if f.pred != "TREATS"}
    for a in therapies:
        # only diseases within reach of a pattern (a window: no pass over every pair)
        near = diseases[bisect_left(diseases, a - REACH_BEFORE):
                        bisect_right(diseases, a + REACH_AFTER)]
        for d in near:
            if (id(st.ent(a)), id(st.ent(d))) in signed:
                continue
            if d > a and treat_path(st, a, d):
                emit(st, st.ent(a), "TREATS", st.ent(d), st.scopes.clause_start(a), d)
            elif d < a and treat_path_reverse(st, d, a):
                emit(st, st.ent(a), "TREATS", st.ent(d), st.scopes.clause_start(d), a)
            elif d < a and a - d <= REACH_BEFORE and is_context(u, d) and any(
                    u[x].low in RECEIVE for x in range(d + 1, a)) and not any(
                    u[x].low in CLAUSE or (u[x].trig and u[x].trig.cls != "TREAT")
                    or (u[x].is_ent and st.is_therapy(x)) for x in range(d + 1, a)):
                # "patients with D will receive / underwent / were treated with A"
                emit(st, st.ent(a), "TREATS", st.ent(d), st.scopes.clause_start(d), a)
    # therapy subjects of effect relations in a sentence with a context disease
    agents = {id(m): m for subs in st.subjects.values() for m, _f in subs
              if st.pol.is_therapy(m)}
    ctx = [d for d in diseases if is_context(u, d)]
    hedged = st.scopes.flags(0, len(u))[1]
    for m in agents.values():
        for d in ctx:
            if (id(m), id(st.ent(d))) not in signed:
                st.found.append(Found(m, "TREATS", st.ent(d), False, hedged))


def treat_path(st: SentenceState, a: int, d: int) -> bool:
    """``A ... for/in/with D`` with no verb trigger, clause break or other therapy between."""
    u = st.units
    if d - a > REACH_AFTER:
        return False
    link = False
    mods: set[int] = set()
    for x in range(a + 1, d):
        y = u[x]
        if x in mods:
            continue
        if y.is_ent:
            if y.mention.concept_key == u[a].mention.concept_key:
                continue        # "mesenchymal stem cell (MSC) therapy for D"
            if x + 2 < d and u[x + 1].low == "-" and u[x + 2].low in HEAD_MODIFIERS:
                mods.update((x + 1, x + 2))     # "in acetaminophen-induced D"
                continue
            if st.is_therapy(x) or y.mention.type not in ("DISEASE", "CELL_TYPE"):
                return False
            continue
        if y.trig is not None and y.trig.cls != "TREAT":
            return False
        if y.low in (";", ":", ".", "while", "whereas", "which", "that", "but", "by",
                     "through", "via", "than", "compared", "versus", "screened",
                     "monitored", "tested", "followed") or y.low in BLOCK:
            return False
        if y.low == "," and not (x + 1 < d and u[x + 1].low in ("e.g.", "such", "including")):
            return False
        if y.low in TREAT_LINK:
            link = True
    e = d
    if e - 3 > a and e - 1 in mods and u[e - 3].is_ent:
        e -= 3                          # the disease NP starts at its modifier
    j = skip_left(u, e, a + 1, {"the", "a", "an", "of", "various", "different", "severe",
                                  "advanced", "spectrum", "kinds", "types", "patients",
                                  "chronic", "acute", "decompensated", "cirrhotic"})
    if j > a + 1 and not u[j].is_ent and u[j].low not in TREAT_LINK | STOP and \
            u[j - 1].low in TREAT_LINK:
        j -= 1          # one free modifier: "for symptomatic cholelithiasis"
    return link and (u[j].low in TREAT_LINK or u[j].low in THERAPY_NOUNS
                     or (u[j].is_ent and u[j].mention.type == "DISEASE"))


def treat_path_reverse(st: SentenceState, d: int, a: int) -> bool:
    """``the only treatment for D is A``."""
    u = st.units
    if a - d > REVERSE_REACH:
        return False
    j = skip_left(u, d, 0, {"the", "a", "an", "patients", "with"})
    if j < 1 or u[j].low != "for":
        return False
    k = skip_left(u, j, 0, {"effective", "definitive", "only", "curative", "radical",
                             "available", "established", "standard"})
    if k < 0 or u[k].low not in THERAPY_NOUNS | {"cure", "option", "intervention",
                                                  "therapies", "treatments", "options"}:
        return False
    between = {u[x].low for x in range(d + 1, a) if not u[x].is_ent}
    return bool(between & {"is", "are", "remains", "remain", "was"}) and \
        not any(u[x].is_ent for x in range(d + 1, a))


def modifies_disease(st: SentenceState, k: int) -> bool:
    """``hepatitis B-related cirrhosis``: ``k`` only names the cause of the next disease."""
    u = st.units
    if k + 3 < len(u) and u[k + 1].low == "(" and u[k + 3].low == ")":
        k += 3                      # "hepatitis B virus (HBV)-associated ACLF"
    if k + 3 < len(u) and u[k + 1].low == "-" and u[k + 2].low in HEAD_MODIFIERS:
        nxt = next((y for y in range(k + 3, min(len(u), k + 6)) if u[y].is_ent), None)
        return nxt is not None and st.ent(nxt).type == "DISEASE"
    return False


def first_therapy_in_clause(st: SentenceState, t: int) -> int | None:
    """The clause's first therapy-like entity (its subject, in "X ... used to treat")."""
    for x in range(st.scopes.clause_start(t), t):
        if st.units[x].is_ent and st.is_therapy(x) and not is_context(st.units, x):
            return x
    return nearest_therapy_left(st, t)


def nearest_therapy_left(st: SentenceState, t: int) -> int | None:
    for x in range(t - 1, -1, -1):
        if st.units[x].is_ent and st.is_therapy(x):
            return x
    return None
