"""Subjects: who acts, for a verb trigger and for a sentence.

:func:`subject_left` finds the subject of a verb trigger: the antecedent of a relative pronoun
(``X, which suppresses Y``), the subject of a coordinated verb (``X reduces A and improves B``,
:func:`vp_coordinated`), a resolvable anaphor, else the nearest entity group on the left in the
clause, corrected for appositions, reduced relatives (``X activated by Y``), primed cells
(``MSCs pretreated with IL-1``), temporal and locative phrases, combinations (``X in
combination with Y``) and loss-of-function targets. :func:`sentence_agent` is the leftmost
therapy-like agent of a sentence, for result statements with no subject of their own.

Example
-------
>>> from pipeline.model import Mention as M
>>> from pipeline.nlp.relations.units import units_of
>>> st = SentenceState.of(units_of(M(0, 4, "MSCs", "CELL_TYPE"), "secrete",
...                                M(13, 16, "HGF", "CYTOKINE")))
>>> [m.text for m, _flip in subject_left(st, 1)]
['MSCs']
"""
from __future__ import annotations

from ...model import Mention
from .anaphora import anaphor_ref, is_pronoun
from .scan import is_context, is_ly_adverb, left_group, nearest_ent_left, skip_left
from .sign import is_reagent, lof_flip
from .state import SentenceState, Subjects
from .units import Unit
from .words import (
    ADV, BE, CLAUSE, EXPOSED, LOCATIVE_HEADS, LOST_PARTICIPLES, LOST_WORDS, NEUTRAL_VERBS,
    PRIMED, REAL_ADV, REL, SOURCED,
)

__all__ = ["subject_left", "vp_coordinated", "in_adjectival_list", "sentence_agent",
           "source_treatment", "lost_in_therapy", "fronted_stimulus"]


def subject_left(st: SentenceState, t: int) -> Subjects:
    """Subject entities of the verb trigger at ``t`` (mention, loss-of-function flip)."""
    u = st.units
    lo = st.scopes.clause_start(t)
    j = skip_left(u, t, 0, ADV)
    # relative pronoun: antecedent group
    if j >= 0 and u[j].low in REL and not (j > 0 and u[j - 1].trig is not None):
        if j > 0 and not u[j - 1].is_ent and u[j - 1].low not in (",", ")", "("):
            # "X is a tumor suppressor that inhibits Y": the head noun is no entity;
            # the subject is the entity before a copula, if any
            for c in range(j - 1, max(0, j - 8) - 1, -1):
                if u[c].low in BE and not u[c].is_ent:
                    k = nearest_ent_left(st.units, c, 0, max_gap=2)
                    if k is not None:
                        return [(st.ent(x), lof_flip(st, x)) for x in left_group(u, k)]
                    break
            return []
        k = nearest_ent_left(st.units, j, 0, max_gap=2)
        if k is not None:
            grp = left_group(u, k)
            flip = any(lof_flip(st, x) for x in grp)
            return [(st.ent(x), flip) for x in grp]
    # coordinated verb phrase: inherit the previous trigger's subject
    p = vp_coordinated(st, t)
    if p is not None:
        return list(st.subjects[p]) + [(m, True) for m in st.lof_targets.get(p, [])]
    # anaphora right before the verb
    if j > 0 and not u[j].is_ent and u[j].low in ("they", "it") and u[j - 1].low in (
            "and", ",", "but", "whereas", "while", "although", "though"):
        first = st.first_with_subjects()
        if first is not None and first < j:     # "X lowered A, and it/they reduced B": X
            return [(m, False) for m, _f in st.subjects[first]]
    ref = anaphor_ref(st, j)
    if ref is not None:
        return [(ref, False)]
    if is_pronoun(st, j) and st.units[j].low != "they":
        return []       # "these treatments" with no known agent: not the nearest entity
    k = nearest_ent_left(st.units, t, lo, max_gap=8, skip_context=True)
    if k is None:
        # pronoun further left ("They also promote ...")
        for x in range(t - 1, lo - 1, -1):
            ref = anaphor_ref(st, x)
            if ref is not None:
                return [(ref, False)]
        return []
    if u[k].is_ent and is_reagent(st, k) and k > lo and u[k - 1].is_ent:
        k -= 1          # "an HGF neutralizing antibody abolished ...": HGF, lost
    src = source_treatment(u, k)
    if src is not None:
        # "DCs from MSC-treated mice secreted less IL-12": the cells, not the treatment
        k = nearest_ent_left(st.units, src, lo, max_gap=3, skip_context=True)
        if k is None:
            return []
    lost = lost_in_therapy(st, k)
    if lost is not None:
        # "MSCs lacking X failed to reduce Y": X is what the therapy needed
        st.carried.append(st.ent(lost))
        return [(st.ent(lost), True)]
    # apposition "X, a protein made by Y, blocks Z": the subject is X
    if t > 0 and u[t - 1].low == ",":
        for c in range(k - 1, lo, -1):
            if u[c].trig is not None and u[c].trig.kind == "V":
                break
            if u[c].low == ",":
                if u[c - 1].is_ent and (u[c + 1].low in ("a", "an", "the", "one") or any(
                        u[y].trig is not None and u[y].trig.kind == "P"
                        for y in range(c + 1, k))):
                    k = c - 1
                break
    # "X activated by Y facilitate Z": the subject is X, not the agent Y
    b = skip_left(u, min(left_group(u, k, lo)), lo, {"the", "a", "an"})
    if b >= 1 and ((u[b].low == "by" and u[b - 1].trig is not None
                    and u[b - 1].trig.kind == "P") or (u[b].low == "from"
                                                       and u[b - 1].low in SOURCED)):
        k2 = nearest_ent_left(st.units, b - 1, lo, max_gap=3, skip_context=True)
        if k2 is not None:
            k = k2      # "... exosomes derived from MSCs alleviate ...": the exosomes
    # "MSCs pretreated with IL-1 promoted ...": the subject is the primed cell
    if k >= 3 and u[k - 1].low == "with" and u[k - 2].low in PRIMED and u[k - 3].is_ent:
        k = k - 3
    # "SDF-1 treatment of MCF-7 cells increased ...": the agent is SDF-1
    if k >= 3 and u[k - 1].low == "of" and u[k - 2].low in (
            "treatment", "stimulation", "exposure", "incubation", "pretreatment") \
            and u[k - 3].is_ent:
        k = k - 3
    # "WJ-MSCs given 12 h after acetaminophen reduced ...": the subject is before the
    # temporal phrase
    b = skip_left(u, min(left_group(u, k, lo)), lo, {"the", "a", "an"})
    if b > lo and u[b].low in ("after", "before", "following", "than", "prior") \
            and not (b + 1 < len(u) and u[b + 1].is_ent and b + 1 == min(
                left_group(u, k, lo)) and b == lo):
        k2 = nearest_ent_left(st.units, b, lo, max_gap=6, skip_context=True)
        if k2 is not None:
            k = k2
    # "X in combination with Y prevented ...": both are the agents
    b = skip_left(u, min(left_group(u, k, lo)), lo, {"the", "a", "an"})
    if b >= 1 and u[b].low == "with" and u[b - 1].low in ("combination", "together",
                                                           "along", "combined"):
        c = b - 2 if u[b - 2].low == "in" else b - 1
        k2 = nearest_ent_left(st.units, c + 1, lo, max_gap=2, skip_context=True)
        if k2 is not None:
            grp = left_group(u, k2, lo) + left_group(u, k, lo)
            return [(st.ent(x), lof_flip(st, x)) for x in grp]
    # "X activation in MSCs increased ...": prefer X over a locative "in Y"
    for _ in range(3):
        b, located = k, False      # walk over the whole NP ("Huh-7 and HCC cell lines")
        while b >= lo and (u[b].is_ent or u[b].low in (
                "the", "a", "an", ",", "but", "much", "less", "more", "and", "or", "-")):
            located |= u[b].is_ent and st.ent(b).type in ("CELL_TYPE", "DISEASE")
            b -= 1
        if not (b >= lo and u[b].low in ("in", "from", "on", "at") and located):
            break
        k2 = nearest_ent_left(st.units, b, lo, max_gap=3, skip_context=True)
        if k2 is None:
            break
        k = k2
    # "Metformin modulates T cell function and alleviates injury": coordinated with a
    # verb of no direction, the subject is that verb's subject
    if "and" in {u[x].low for x in range(k + 1, t) if not u[x].is_ent}:
        v = skip_left(u, k, lo, {"the", "a", "an", "of"})
        if v >= lo and not u[v].is_ent and u[v].low in NEUTRAL_VERBS:
            k2 = nearest_ent_left(st.units, v, lo, max_gap=3, skip_context=True)
            if k2 is not None:
                k = k2
    grp = left_group(u, k, lo)
    flips = [lof_flip(st, x) for x in grp]
    subs = [(st.ent(x), any(flips)) for x in grp]
    # "inhibition of X using/with Y": X flipped, Y as is
    for x in range(lo, k):
        if u[x].is_ent and lof_flip(st, x) and all(s[0] is not st.ent(x) for s in subs):
            subs.append((st.ent(x), True))
    return subs


def source_treatment(u: list[Unit], k: int) -> int | None:
    """Entity ``k`` is the treatment of the animals some cells or samples come from (``from
    X-treated mice``, ``isolated from rats treated with X``): the unit of that ``from``.

    >>> from pipeline.model import Mention as M
    >>> source_treatment([Unit("dcs", M(0, 3, "DCs", "CELL_TYPE")), Unit("from"),
    ...     Unit("msc", M(9, 12, "MSC", "CELL_TYPE")), Unit("-"), Unit("treated"),
    ...     Unit("mice")], 2)
    1
    """
    def low(j: int) -> str:
        return u[j].low if 0 <= j < len(u) and not u[j].is_ent else ""

    if low(k + 1) == "-" and low(k + 2) in EXPOSED and low(k + 3) in LOCATIVE_HEADS:
        b = k - 1                               # "from X-treated mice"
    elif low(k - 1) in ("with", "to") and low(k - 2) in EXPOSED \
            and low(k - 3) in LOCATIVE_HEADS:
        b = k - 4                               # "from mice treated with X"
    else:
        return None
    while low(b) in ("the", "a", "an"):
        b -= 1
    return b if low(b) == "from" else None


def lost_in_therapy(st: SentenceState, k: int) -> int | None:
    """The loss-of-function target of a therapy at or next to entity ``k`` (``MSCs lacking
    X``, ``MSCs with X knockdown``, ``MSCs transfected with X siRNA``, ``X-silenced MSCs``):
    the target's unit, if any."""
    u = st.units

    def low(j: int) -> str:
        return u[j].low if 0 <= j < len(u) and not u[j].is_ent else ""

    def therapy(j: int) -> bool:
        return 0 <= j < len(u) and u[j].is_ent and st.is_therapy(j)

    lost_after = low(k + 1) in st.lex.lof or (k + 1 < len(u) and is_reagent(st, k + 1))
    if low(k - 1) in LOST_WORDS and therapy(k - 2):
        return k                                    # "MSCs lacking X"
    if low(k - 1) in ("in", "of") and low(k - 2) in LOST_WORDS and therapy(k - 3):
        return k                                    # "MSCs deficient in X"
    if low(k - 1) == "with" and lost_after and (therapy(k - 2) or (
            low(k - 2) in PRIMED and therapy(k - 3))):
        return k                                    # "MSCs (transfected) with X siRNA"
    if therapy(k) and k >= 3 and low(k - 2) == "-" and u[k - 3].is_ent \
            and low(k - 1) in LOST_PARTICIPLES:
        return k - 3                                # "X-silenced MSCs"
    return None


def fronted_stimulus(st: SentenceState, t: int) -> list[int]:
    """``In response to (treatment with) X, C cells raised Y``: the units of the stimulus X
    the cells answer (a fronted phrase closed by a comma before trigger ``t``), if any."""
    u = st.units
    lo = st.scopes.clause_start(t)
    for j in range(lo, t - 2):
        if u[j].low != "response" or u[j + 1].low != "to":
            continue
        k = j + 2
        while k < t and not u[k].is_ent and u[k].low in (
                "treatment", "stimulation", "exposure", "with", "to", "the", "a"):
            k += 1
        if k >= t or not u[k].is_ent:
            return []
        grp = [k]
        x = k + 1
        while x < t and (u[x].is_ent or u[x].low in ("and", "or")):
            if u[x].is_ent:
                grp.append(x)
            x += 1
        return grp if x < t and u[x].low == "," else []
    return []


def vp_coordinated(st: SentenceState, t: int) -> int | None:
    """The earlier trigger whose subject the verb at ``t`` shares (``X reduces A and
    improves B``; also across a locative ``in ...`` phrase before ``but``/``and``)."""
    u = st.units
    p = st.previous(t)      # a subject-less first verb counts too
    if p is None:
        return None
    pend = st.obj_end.get(p, p + 1)
    if pend > t:
        return None     # "aggravates CCl4- induced fibrosis": inside p's objects
    seg = [u[x].low for x in range(pend, t) if not u[x].is_ent]
    ents = [x for x in range(pend, t) if u[x].is_ent]
    coord = {",", "and", "or", "but", "as", "well"}
    if not ents and all(w in ADV or w in coord or is_ly_adverb(w) for w in seg):
        r = skip_left(u, p, 0, ADV)
        c = skip_left(u, t, p, REAL_ADV | {"and", "or", "but"})
        if r >= 1 and u[r].low in REL and u[r - 1].low == "," and c > p and u[c].low == ",":
            # "X upregulated A, which degrades B, and inhibited C": the relative clause
            # is closed; the verb continues the clause before it (X, not A)
            q = st.previous(r)
            return q if q is not None and st.subjects.get(q) else None
        return p
    core = [w for w in seg if w not in REAL_ADV]
    if core and core[0] in ("in", "at", "from", "during", "after", "within", "through",
                            "via") and \
            core[-1] in coord and len(seg) <= 10 and not any(
            u[x].trig is not None for x in range(pend, t)) and not any(
            w in CLAUSE or w in REL for w in seg):
        return p
    return None


def in_adjectival_list(st: SentenceState, t: int) -> bool:
    """``..., decreased SOD and GST, increased MMP-2``: the participle at ``t`` continues a
    list of adjectival sign phrases, it has no subject of its own."""
    u = st.units
    k = nearest_ent_left(st.units, t, st.scopes.clause_start(t), max_gap=1)
    if k is None:
        return False
    b = skip_left(u, min(left_group(u, k)), 0, ADV | {"the", "a", "an"})
    if b < 1 or u[b].trig is None or u[b].trig.kind not in ("P", "A") \
            or u[b].trig.cls not in ("INC", "DEC", "IMPROVE", "WORSEN"):
        return False
    return u[b - 1].low in (",", "but", "and", "by", "with", "of")


def sentence_agent(st: SentenceState, t: int) -> list[Mention]:
    """Leftmost therapy-like agent group before ``t`` (not a study-context mention),
    else the discourse referent when the sentence has an anaphor."""
    u = st.units
    for x in range(0, t):
        if u[x].is_ent and st.is_therapy(x) and not is_context(u, x):
            grp = [x]
            y = x + 1
            while y < t and (u[y].is_ent or u[y].low in ("or", "and", ",", "/")):
                if u[y].is_ent:
                    if not st.is_therapy(y):
                        break
                    grp.append(y)
                y += 1
            return [st.ent(g) for g in grp]
    for x in range(t):
        ref = anaphor_ref(st, x)
        if ref is not None:
            return [ref]
    return []
