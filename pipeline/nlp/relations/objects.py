"""Object scanning: the coordinated entities a trigger acts on, and ``by``-agents.

:func:`objects_right` walks right from a trigger collecting coordinated object entities up to a
clause boundary, through ``the proliferation of``-style chains (a process and its cell are both
objects), reading adjectival sign modifiers (``reduced ALT``) and skipping an entity that only
qualifies the next head (``attenuated CCl4-induced fibrosis``: the object is fibrosis). On the
way it records in the sentence state the trigger units it used as modifiers (``consumed``),
``hMSC induced proliferation`` compounds and ``production of X`` nominals. :func:`agent_after`
reads the entity group after ``by`` (or another agent word).

Example
-------
>>> from pipeline.model import Mention as M
>>> from pipeline.nlp.relations.units import units_of
>>> units = units_of(M(0, 3, "ALT", "OUTCOME"), "and", M(8, 11, "AST", "OUTCOME"), ".")
>>> objects_right(SentenceState.of(units), 0)
([(0, ''), (2, '')], 3)
"""
from __future__ import annotations

from .scan import adjacent_left, is_context, left_group, past_adverbs
from .state import SentenceState
from .words import (
    AGENT_PARTICIPLES, BENEFIT_WORDS, CELL_CARRY, CELL_LOSS, CLASS_NOUNS, COORD,
    EFFECT_NOUNS, HEAD_MODIFIERS, MODIFIER_SUFFIXES, PROPERTY_WORDS, STOP,
)

__all__ = ["objects_right", "agent_after", "effect_target"]


def objects_right(st: SentenceState, start: int, *, first_gap: int = 6, gap: int = 4,
                  stop_extra: frozenset[str] = frozenset(),
                  allow_first: frozenset[str] = frozenset(),
                  modifiers: bool = True, compounds: bool = False, head: str = ""
                  ) -> tuple[list[tuple[int, str]], int]:
    """Coordinated object entities from ``start`` rightwards: [(unit, sign modifier)];
    ``head`` is the sign class of a nominal governing them (``downregulation of``)."""
    out, end = _collect_objects(st, start, first_gap=first_gap, gap=gap,
                                   stop_extra=stop_extra, allow_first=allow_first,
                                   modifiers=modifiers, compounds=compounds, head=head)
    return _cell_loss_signs(st, _drop_possessors(st, out)), end


def _drop_possessors(st: SentenceState, out: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """"reduced hepatocyte apoptosis": the cell right before a process object only names
    whose process it is; it stays an object only for processes that change the cells
    themselves (:data:`CELL_CARRY`: "T cell proliferation")."""
    objs = {k for k, _m in out}
    keep = []
    for k, mod in out:
        if k + 1 in objs and st.ent(k).type == "CELL_TYPE" \
                and st.ent(k + 1).type == "PROCESS" \
                and not any(w in st.ent(k + 1).text.lower() for w in CELL_CARRY):
            continue
        keep.append((k, mod))
    return keep


def _cell_loss_signs(st: SentenceState, out: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """"<X> apoptosis of C": raising the process lowers the cell C (the "proliferation of
    C" chain gives C the process's sign; a cell-loss process gives it the opposite)."""
    u = st.units
    fixed = []
    for k, mod in out:
        if k >= 2 and u[k].is_ent and u[k - 1].low == "of" and u[k - 2].is_ent \
                and st.ent(k).type == "CELL_TYPE" and st.ent(k - 2).type == "PROCESS" \
                and any(w in st.ent(k - 2).text.lower() for w in CELL_LOSS) \
                and any(o == k - 2 for o, _m in out):
            mod = "DEC" if mod in ("", "INC") else "INC"
        fixed.append((k, mod))
    return fixed


def _collect_objects(st: SentenceState, start: int, *, first_gap: int, gap: int,
                     stop_extra: frozenset[str], allow_first: frozenset[str],
                     modifiers: bool, compounds: bool, head: str
                   ) -> tuple[list[tuple[int, str]], int]:
    u = st.units
    out: list[tuple[int, str]] = []
    n = 0
    mod = ""
    j = start
    first = True
    depth = 0
    last_comma = -1        # (index in out, unit) of the latest top-level comma
    comma_at = -1
    while j < len(u):
        x = u[j]
        if x.is_ent:
            nx = u[j + 2].low if j + 2 < len(u) and u[j + 1].low == "-" else ""
            hyph = 3 if nx else 2
            if not nx and x.low.endswith("-") and j + 1 < len(u):
                nx = u[j + 1].low             # "CCl4- induced" (hyphen in the span)
            if nx in HEAD_MODIFIERS and j + hyph < len(u) \
                    and u[j + hyph].low not in CLASS_NOUNS:
                # "attenuated CCl4-induced fibrosis": the head is the object
                first = False
                n = 0
                j += hyph
                continue
            if (j == start or x.mention.type == "DISEASE" or not is_context(u, j)) \
                    and nx not in MODIFIER_SUFFIXES:
                out.append((j, mod))     # not "X patients", "X-independent"
            n = 0
            first = False
            j += 1
            continue
        w = x.low
        if w == "(":
            depth += 1
        elif w == ")":
            depth = max(0, depth - 1)
        if x.trig is not None and x.trig.cls == "PROTECT" and x.trig.words[-1] in EFFECT_NOUNS \
                and not out and j + x.trig_len < len(u) and u[j + x.trig_len].low == "of":
            # "abolished the protective effect of X on Y": acts on Y through X's good effect
            on = effect_target(st, j + x.trig_len)
            if on is None:
                break
            mod, j = "PROTECT", on + 1
            continue
        if x.trig is not None:
            t = x.trig
            nxt = u[j + x.trig_len] if j + x.trig_len < len(u) else None
            if t.kind in ("V", "P") and out and not (nxt is not None and nxt.low in (
                    "by", "-")) and adjacent_left(st.units, out[-1][0], j):
                # "X aggravated A and rapamycin prevented it": a new clause's subject
                g0 = min(left_group(u, out[-1][0]))
                b = next((y for y in range(g0 - 1, max(start, g0 - 6) - 1, -1)
                          if u[y].low in ("and", ",", "but", "whereas", "while")
                          or u[y].trig is not None), -1)
                if b >= start and u[b].trig is None:
                    keep = [o for o in out if o[0] < b]
                    return keep, b
            if compounds and t.kind == "P" and t.cls in ("INC", "DEC") and out \
                    and out[-1][0] == j - 1 and nxt is not None and nxt.is_ent:
                # "hMSC induced proliferation": hMSC -> proliferation, keep collecting
                st.compounds.append((j - 1, j))
                st.consumed.add(j)
                j += 1
                continue
            if t.kind in ("P", "A") and t.cls in ("INC", "DEC", "IMPROVE", "WORSEN") \
                    and (modifiers or (first and j == start)) and nxt is not None \
                    and (nxt.is_ent or nxt.low not in STOP) and not (
                    nxt.low == "by") and not (
                    t.kind == "P" and out and adjacent_left(st.units, out[-1][0], j)):
                # (not "inhibition of mTOR increased apoptosis": there it is the verb)
                # adjectival sign modifier: "reduced ALT", "improved survival"
                mod = t.cls
                st.consumed.add(j)
                j += x.trig_len
                continue
            prep_next = t.words[-1] in ("of", "to", "in") or (
                nxt is not None and nxt.low in ("of", "to", "in"))
            if compounds and t.kind == "N" and out and out[-1][0] == j - 1 and t.cls in (
                    "INC", "DEC") and not (nxt is not None and nxt.low == "of"):
                # "inhibit T cell activation": the nominal heads the object NP
                st.consumed.add(j)
                j += x.trig_len
                continue
            if t.kind == "N" and t.cls in ("SEC", "INC", "DEC", "IMPROVE") and prep_next \
                    and out and u[j - 1].low in ("and", "or"):
                # "the proliferation and activation of T cells": a coordinated head;
                # "via downregulation of A and upregulation of B": its own sign
                if mod and t.cls != "SEC":
                    mod = t.cls
                elif head in ("INC", "DEC") and t.cls in ("INC", "DEC") and t.cls != head:
                    mod = "DEC"     # composes to the opposite of the head's sign
                st.consumed.add(j)
                j += x.trig_len + (0 if t.words[-1] in ("of", "to", "in") else 1)
                continue
            if t.kind == "N" and t.cls in ("SEC", "INC", "DEC", "IMPROVE") \
                    and prep_next and not out:
                # "the production of X" is transparent for the governing verb;
                # "caused damage to X", "led to a reduction in X" compose the sign
                if t.cls != "SEC":
                    mod = t.cls
                elif j not in st.sec_nominals:
                    st.sec_nominals.append(j)     # "production of X in C": C secretes X
                st.consumed.add(j)
                j += x.trig_len + (0 if t.words[-1] in ("of", "to", "in") else 1)
                continue
            if t.kind in ("V", "P") and last_comma >= 0 and last_comma < len(out) and not {
                    u[y].low for y in range(comma_at, j)} & {"and", "or", "nor"}:
                # "..., intravenous infusion of X reduces": X is the next verb's subject
                del out[last_comma:]
                return out, comma_at
            break
        if first and w in allow_first:
            j += 1
            continue
        if w in ("ability", "abilities", "capacity", "capability") and j + 1 < len(u) \
                and u[j + 1].low == "of":
            to = next((y for y in range(j + 2, min(len(u), j + 12)) if u[y].low == "to"), None)
            if to is not None:      # "the ability of X to reduce Y": X is no object
                break
        if w in EFFECT_NOUNS and j + 1 < len(u) and u[j + 1].low == "of":
            # "the effect of X on Y": Y is the object, X only qualifies it; a good effect
            # ("the therapeutic effect of X on fibrosis") is one that protects Y
            on = effect_target(st, j + 1)
            if on is not None:
                if not out and any(b in u[y].low for y in range(max(start, j - 3), j)
                                   for b in BENEFIT_WORDS):
                    mod = "PROTECT"
                j = on + 1
                continue
            if not out:
                break       # "abolished the anti-inflammatory effect of MSCs": no object
        if w == "of" and out and out[-1][0] == j - 1 and any(
                p in st.ent(out[-1][0]).text.lower() for p in PROPERTY_WORDS) \
                and j + 1 < len(u) and u[j + 1].is_ent:
            j += 2          # "the immunosuppressive capacity of MSCs": not the cells
            continue
        if depth == 0 and (w in STOP or w in stop_extra):
            break
        if w == "free" and j + 1 < len(u) and u[j + 1].low == "of":
            break       # "survival free of liver transplantation"
        if w == "," and j + 1 < len(u) and (u[j + 1].trig is not None
                                            or u[j + 1].low in STOP):
            break
        if w == "and" and j + 1 < len(u) and u[j + 1].trig is not None \
                and u[j + 1].trig.kind in ("V", "P"):
            break
        if w in (",", "and") and j + 1 < len(u) and not u[j + 1].is_ent \
                and u[j + 1].trig is None and u[j + 1].low.endswith("ed") \
                and u[j + 1].low not in COORD and len(u[j + 1].low) > 5:
            break       # ", and translocated ...": a new verb phrase
        if w not in COORD:
            n += 1
        elif w == ",":
            n = max(n, gap - 1)
            if depth == 0:
                last_comma, comma_at = len(out), j
        if n > (first_gap if first else gap):
            break
        j += 1
    return out, j


def effect_target(st: SentenceState, of: int) -> int | None:
    """``effect of X on/against Y``: the unit of ``on``/``against`` after the ``of`` at
    ``of`` (within a few units), if any."""
    u = st.units
    return next((y for y in range(of + 1, min(len(u), of + 7)) if u[y].low in ("on", "against")
                 and not u[y].is_ent), None)


def agent_after(st: SentenceState, j: int, words: set[str]) -> tuple[list[int], int]:
    """Entity group right after ``by``-like word at or after ``j`` (within 4 units)."""
    u = st.units
    k = past_adverbs(st.units, j)
    marker = None   # "inhibition of Y mediated by X": the participle only links the agent
    if "by" in words and k + 1 < len(u) and not u[k].is_ent \
            and u[k].low in AGENT_PARTICIPLES and u[k + 1].low == "by":
        marker, k = k, k + 1
    if k >= len(u) or u[k].is_ent or u[k].low not in words:
        return [], j
    grp, end = objects_right(st, k + 1, first_gap=3, gap=2, modifiers=False)
    if grp and marker is not None:
        st.consumed.add(marker)
    return [g for g, _ in grp], end
