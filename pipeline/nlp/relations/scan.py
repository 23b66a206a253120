"""Scans over sentence units: coordinated groups, nearest entities, adverbs, context.

Plain functions over a list of :class:`~pipeline.nlp.relations.units.Unit` that look left and
right from a position: coordinated same-type entity groups (``A, B and C``), adverbs to skip,
the nearest entity on the left, study-context phrases (``in patients with X``, ``X mice``) and
head modifiers (``CCl4-induced``). They hold no state and look a few units away at most;
scope questions over the whole sentence are :class:`~pipeline.nlp.relations.scopes.Scopes`'.

Example
-------
>>> from pipeline.model import Mention
>>> units = [Unit("mscs", Mention(0, 4, "MSCs", "CELL_TYPE")), Unit(","), Unit("however")]
>>> nearest_ent_left(units, 3, 0), skip_left(units, 3, 0, {",", "however"})
(0, 0)
"""
from __future__ import annotations

from .units import Unit
from .words import (
    ADV, CLASS_NOUNS, COORD, HEAD_MODIFIERS, LOCATIVE_HEADS, NOT_ADVERBS, PREPS, REAL_ADV,
)

__all__ = [
    "left_group", "is_ly_adverb", "skip_left", "is_context", "is_head_modifier",
    "nearest_ent_left", "adjacent_left", "past_adverbs",
]


def left_group(units: list[Unit], k: int, lo: int = 0) -> list[int]:
    """Entity ``k`` plus the same-type entities coordinated with it on its left (``A, B and C``)."""
    out = [k]
    j = k - 1
    gap = 0
    typ = units[k].mention.type if units[k].mention else ""
    while j >= lo:
        u = units[j]
        if u.is_ent:
            if u.mention.type != typ or is_context(units, j):
                break
            out.append(j)
            gap = 0
        elif u.low in COORD and u.low not in ("of", "the", "a", "an", "in") and gap < 4:
            gap += 1
        else:
            break
        j -= 1
    # only keep the left entities if a conjunction/list marker actually joined them
    seg = {units[x].low for x in range(min(out), k)}
    if len(out) > 1 and not seg & {"and", "or", ",", "like", "such", "including", "(", "/",
                                    "e.g.", "nor", "as"}:
        return [k]
    if len(out) > 1 and k > 0 and units[k - 1].low == ",":
        # "In cultured HSC-T6 cells, UC-MSC-Ex inhibited ...": an introductory phrase
        b = min(out) - 1
        while b >= lo and b > min(out) - 4 and not units[b].is_ent and units[b].low not in (
                PREPS | {",", "and", "or"}):
            b -= 1
        if b >= lo and units[b].low in PREPS:
            return [k]
    return sorted(out)


def is_ly_adverb(w: str) -> bool:
    """``drastically``, ``presumably``: an adverb not in the word lists."""
    return len(w) > 5 and w.endswith("ly") and w.isalpha() and w not in NOT_ADVERBS


def skip_left(units: list[Unit], k: int, lo: int, skip: set[str]) -> int:
    """Index of the first unit left of ``k`` not in ``skip`` (``lo - 1`` when none); adverbs
    in ``-ly`` are skipped too when ``skip`` is an adverb list."""
    adverbs = skip is ADV or skip is REAL_ADV or "significantly" in skip
    j = k - 1
    while j >= lo and not units[j].is_ent and units[j].trig is None and (
            units[j].low in skip or (adverbs and is_ly_adverb(units[j].low))):
        j -= 1
    return j


def is_context(units: list[Unit], k: int) -> bool:
    """Mention ``k`` is a study-context phrase (``in patients with X``, ``X mice``)."""
    s = k
    if k >= 2 and units[k - 1].low in HEAD_MODIFIERS and not units[k - 1].is_ent:
        if units[k - 2].is_ent and units[k - 2].low.endswith("-"):
            s = k - 2                   # "with CCl4- induced fibrosis"
        elif k >= 3 and units[k - 2].low == "-" and units[k - 3].is_ent:
            s = k - 3                   # "with CCl4-induced fibrosis"
    before = [units[j].low for j in range(max(0, s - 3), s) if not units[j].is_ent]
    after = units[k + 1].low if k + 1 < len(units) else ""
    after2 = units[k + 2].low if k + 2 < len(units) else ""
    if after in LOCATIVE_HEADS or (after == "-" and after2 in LOCATIVE_HEADS):
        return True
    if before and before[-1] == "with" and len(before) >= 2 and before[-2] in LOCATIVE_HEADS:
        return True
    if before and before[-1] == "of" and len(before) >= 2 and before[-2] in LOCATIVE_HEADS:
        return True
    if before and before[-1] in ("in", "for") and units[k].mention \
            and units[k].mention.type == "DISEASE":
        return True         # "in D", "(screening) for D": a setting, never a subject
    if units[k].mention and units[k].mention.type == "DISEASE":
        # "in mice with bile duct ligation-induced fibrosis": over a few modifier words
        j = s - 1
        while j >= 1 and j > s - 6 and not units[j].is_ent and units[j].trig is None \
                and units[j].low.replace("-", "").isalnum() and units[j].low not in (
                "with", "in", "of", "and", "or", "by", "to", "that", "which"):
            j -= 1
        if j >= 1 and j < s - 1 and units[j].low == "with" \
                and units[j - 1].low in LOCATIVE_HEADS:
            return True
    return False


def is_head_modifier(units: list[Unit], k: int) -> bool:
    """Entity ``k`` only qualifies the next noun (``CCl4-induced``, ``ligation-induced``);
    not when that noun is a generic class (``autophagy-related genes`` stands for the entity)."""
    if k + 2 < len(units) and units[k + 1].low == "-" and units[k + 2].low in HEAD_MODIFIERS:
        m = k + 2
    elif units[k].low.endswith("-") and k + 1 < len(units) and units[k + 1].low in HEAD_MODIFIERS:
        m = k + 1
    else:
        return False
    return not (m + 1 < len(units) and units[m + 1].low in CLASS_NOUNS)


def nearest_ent_left(u: list[Unit], t: int, lo: int, *, max_gap: int = 8,
                     skip_context: bool = False) -> int | None:
    gap = 0
    depth = 0
    for x in range(t - 1, lo - 1, -1):
        w = u[x].low
        if w == ")":
            depth += 1
        elif w == "(":
            depth = max(0, depth - 1)
        if u[x].is_ent:
            if depth == 0 and not (skip_context and (is_context(u, x)
                                                     or is_head_modifier(u, x))):
                return x
            continue
        if u[x].trig is not None and u[x].trig.kind in ("V",):
            return None
        if w not in COORD and w not in ADV:
            gap += 1
        if gap > max_gap:
            return None
    return None


def adjacent_left(u: list[Unit], k: int, t: int) -> bool:
    """Entity ``k`` ends right before ``t`` (adverbs and a bracketed abbreviation between)."""
    j = skip_left(u, t, 0, REAL_ADV | {","} | LOCATIVE_HEADS | {"inpatients"})
    if j >= 0 and u[j].low == ")":
        j = next((y for y in range(j - 1, max(-1, j - 6), -1) if u[y].low == "("), j) - 1
    return j == k


def past_adverbs(u: list[Unit], j: int) -> int:
    """The first unit at or after ``j`` that is not one of up to two adverbs."""
    k = j
    while k < len(u) and k < j + 2 and not u[k].is_ent and u[k].low in REAL_ADV:
        k += 1
    return k
