"""Result statements of study groups: the exposure of the subjects acts on the result.

* :func:`result_statement`: ``X-treated mice showed lower Y``, ``the X group had higher Y``,
  ``X knockout mice exhibited exacerbated Y`` (each adjective signs its own noun);
* :func:`group_agents`: agents named right of a result (``... lower in the X group``, ``in mice
  treated with X``, ``after X infusion``), up to a comparison;
* :func:`exposure_agents`: the sentence's ``X-treated``/``treated with X`` entities.

Example
-------
>>> from pipeline.model import Mention as M
>>> from pipeline.nlp.relations.units import units_of
>>> group_agents(SentenceState.of(units_of(M(0, 3, "ALT", "OUTCOME"), "was", "lower", "in",
...                                         "the", M(20, 23, "MSC", "CELL_TYPE"), "group")), 3)
[5]
"""
from __future__ import annotations

from bisect import bisect_left

from ..objects import objects_right
from ..sign import emit_pred, lof_flip
from ..state import SentenceState, Subjects
from ..words import EXPOSED, GROUP_WORDS, THERAPY_NOUNS

__all__ = ["result_statement", "group_agents", "study_subjects", "exposure_agents"]


def result_statement(st: SentenceState, t: int, pb: int, cls: str, after: int) -> None:
    """``X-treated mice showed lower Y``, ``the X group had higher Y``, ``X knockout mice
    exhibited exacerbated Y``: the exposure of the study subjects acts on Y."""
    lo = st.scopes.clause_start(t)
    cands = study_subjects(st)
    subs: Subjects = [(st.ent(k), flip) for k, flip in
                      cands[bisect_left(cands, (lo,)):bisect_left(cands, (pb,))]]
    if not subs:
        return
    objs, end = objects_right(st, after, first_gap=3, modifiers=True, compounds=True)
    st.set_subjects(t, subs)
    st.obj_end[t] = end
    for s, flip in subs:
        for k, mod in objs:     # "lower A and higher B": each adjective signs its noun
            emit_pred(st, s, mod or cls, st.ent(k), "", flip, lo, t)


def group_agents(st: SentenceState, after: int) -> list[int]:
    """Agents named right of a result (``... lower in the X group``, ``in mice treated
    with X``, ``after X infusion``), up to a comparison (``than``, ``compared with``)."""
    u = st.units
    out: list[int] = []
    for k in range(after, min(len(u), after + 10)):
        w = u[k].low
        if not u[k].is_ent:
            if w in ("than", "compared", "versus", "vs", "vs.", ";", "whereas", "while",
                     "but") or (u[k].trig is not None and u[k].trig.kind == "V"):
                break
            continue
        nxt = u[k + 1].low if k + 1 < len(u) else ""
        nxt2 = u[k + 2].low if k + 2 < len(u) else ""
        prev = " ".join(y.low for y in u[max(0, k - 2):k] if not y.is_ent)
        if nxt in GROUP_WORDS or (nxt == "-" and nxt2 in EXPOSED) or (
                nxt in THERAPY_NOUNS and prev.endswith(("after", "following"))) or \
                prev.endswith(("receiving", "treated with", "given", "after")):
            out.append(k)
    return out


def study_subjects(st: SentenceState) -> list[tuple[int, bool]]:
    """Entities that name what the study subjects received, with their loss-of-function flip:
    ``X knockout`` (flipped), ``the X group``, ``X-treated``, an :func:`exposure_agents` entity.
    In text order; computed once per sentence (every result statement reads its clause's)."""
    if st.study_subjects is None:
        u = st.units
        exposed = set(exposure_agents(st))
        out: list[tuple[int, bool]] = []
        for k in range(len(u)):
            if not u[k].is_ent:
                continue
            nxt = u[k + 1].low if k + 1 < len(u) else ""
            nxt2 = u[k + 2].low if k + 2 < len(u) else ""
            if lof_flip(st, k):
                out.append((k, True))
            elif nxt in GROUP_WORDS or (nxt == "-" and nxt2 in EXPOSED) or nxt in EXPOSED \
                    or k in exposed:
                out.append((k, False))
        st.study_subjects = out
    return st.study_subjects


def exposure_agents(st: SentenceState) -> tuple[int, ...]:
    """Entities the sentence names as the treatment or exposure of the study subjects:
    ``X-treated``/``X-exposed`` (mice, offspring) and ``treated with X``/``exposed to X``
    (computed once per sentence)."""
    if st.exposed is not None:
        return st.exposed
    u = st.units
    out: list[int] = []
    for k, x in enumerate(u):
        if not x.is_ent:
            continue
        nxt = u[k + 2].low if k + 2 < len(u) and u[k + 1].low == "-" else ""
        prev2 = " ".join(y.low for y in u[max(0, k - 2):k] if not y.is_ent)
        if nxt in ("treated", "exposed", "transplanted", "injected", "infused") or \
                prev2.endswith(("treated with", "exposed to", "treatment with")):
            out.append(k)
    st.exposed = tuple(out)
    return st.exposed
