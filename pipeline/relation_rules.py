"""Relation rules: subjects, objects, sign, negation and hedging over sentence units.

For every sentence the entities of ``doc.ents`` and the remaining tokens become a flat list of
units. Trigger words from ``data/triggers.tsv`` (verbs, participles, gerunds, nominalizations,
multi-word connectives) are located, and for each trigger the rules find

* the **subject**: the nearest entity group on the left in the same clause; the antecedent of a
  relative pronoun (``X, which suppresses Y``); the subject of the governing verb for
  ``by/through/via`` means and for coordinated verbs (``X reduces A and improves B``); the agent
  after ``by`` for passives and nominalizations (``Y was suppressed by X``, ``inhibition of Y by
  X``); the entity before ``-mediated/-induced/-derived``; the previous sentence's main cell
  for ``they/these cells``, its plural product or last drug for ``they``/``these drugs``/``the
  vesicles``; the exposure of the study group in result statements (``X-treated mice showed
  lower Y``, ``Y was lower in the X group``, ``Y decreased in the X group``);
* the **objects**: the coordinated entities on the right up to a clause boundary, through
  ``the proliferation of``-style chains (so a process and its cell are both objects); an entity
  before ``-induced/-associated/-related`` only qualifies the head after it (``attenuated
  CCl4-induced fibrosis``: the object is fibrosis);
* **sign** (``improve`` depends on whether the object is bad or good, ``data/relation_polarity.tsv``;
  loss of function flips it), **negation** (cut at ``but``) and **hedging** scopes.

``TREATS`` comes from ``X for Y`` / ``X in patients with Y`` patterns and from therapies that act
in a stated disease context (``in models of Y``); diagnostic procedures (``diagnostic`` class in
the polarity file) treat nothing. Not supported: relations across sentences (other than the
anaphora rules), nested clauses needing a parse, and comparisons between two named agents
(``X was more potent than Y``).

The rules are methods of :class:`_SentenceRules` (one instance per sentence; it holds the
units, the subjects found per trigger and the discourse referents); :func:`_main_cell` picks
the referent the next sentence's anaphors resolve to. :func:`pipeline.relations.extract_relations`
drives them sentence by sentence. Word classes are in :mod:`pipeline.relation_words`, units and
their scanning helpers in :mod:`pipeline.relation_units`.

Example
-------
>>> from pipeline.relation_lexicon import load_polarity, load_triggers
>>> from pipeline.relation_units import _Unit
>>> lex = load_triggers()
>>> units = [_Unit("mscs", Mention(0, 4, "MSCs", "CELL_TYPE", "CL:0000134")),
...          _Unit("secrete", trig=lex.match(["secrete"], 0)),
...          _Unit("hgf", Mention(13, 16, "HGF", "CYTOKINE", "HGNC:4893"))]
>>> rules = _SentenceRules(units, lex, load_polarity(), None)
>>> rules.run()
>>> [(f.subj.text, f.pred, f.obj.text) for f in rules.found]
[('MSCs', 'SECRETES', 'HGF')]
"""
from __future__ import annotations

import logging

from .model import Mention
from .relation_lexicon import Polarity, Trigger, TriggerLexicon
from .relation_units import (
    _Found, _Unit, _clause_start, _is_context, _is_head_modifier, _is_ly_adverb, _left_group,
    _negation_start, _scope_flags, _scope_start, _skip_left,
)
from .relation_words import (
    _ADV, _AGENT_NOUNS, _AGENT_PARTICIPLES, _AUX, _BE, _BLOCK, _CELL_NOUNS, _CLASS_NOUNS, _CLAUSE, _COORD,
    _EXPOSED, _FLIP, _GROUP_WORDS, _HEAD_MODIFIERS, _HEDGE, _INF_HOSTS, _LOCATIVE_HEADS,
    _MEANS, _MODIFIER_SUFFIXES, _NEUTRAL_VERBS, _NOMINAL_BLOCK, _PREP_DET, _PRIMED,
    _PROPERTY_WORDS, _REAL_ADV, _RECEIVE, _REL, _RESULT_VERBS, _SIGNED, _SOURCED, _STOP,
    _THERAPY_NOUNS, _TREAT_LINK, _CELL_LOSS,
)

__all__ = ["_SentenceRules", "_main_cell"]

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------
# the extractor


class _SentenceRules:
    """All rules for one sentence (state: units, subjects per trigger, discourse referent)."""

    def __init__(self, units: list[_Unit], lex: TriggerLexicon, pol: Polarity,
                 referent: Mention | None, agent: Mention | None = None,
                 lead: Mention | None = None) -> None:
        self.u = units
        self.lex = lex
        self.pol = pol
        self.referent = referent
        self.agent = agent          # last non-cell agent ("these drugs", "the vesicles")
        self.lead = lead            # first subject of the previous sentence ("they")
        self.found: list[_Found] = []
        self.subjects: dict[int, list[tuple[Mention, bool]]] = {}   # trigger -> (subj, flipped)
        self.obj_end: dict[int, int] = {}
        self.objects: dict[int, list[Mention]] = {}
        self.preds: dict[int, str] = {}
        self.consumed: set[int] = set()
        self.compounds: list[tuple[int, int]] = []
        self.lof_targets: dict[int, list[Mention]] = {}
        self.sec_nominals: list[int] = []
        self.inducers: dict[int, list[tuple[Mention, bool]]] = {}   # DIFF trigger -> agents

    # -- arguments -------------------------------------------------------------------------

    def ent(self, k: int) -> Mention:
        u = self.u[k]
        assert u.mention is not None
        return u.mention

    def anaphor_at(self, j: int) -> bool:
        return self.anaphor_ref(j) is not None

    def is_pronoun(self, j: int) -> bool:
        """``they`` or ``these cells/drugs`` at ``j`` (resolvable or not)."""
        if j < 0 or self.u[j].is_ent:
            return False
        w = self.u[j].low
        return w == "they" or (j > 0 and (w in _CELL_NOUNS or w in _AGENT_NOUNS)
                               and self.u[j - 1].low in ("these", "those", "such"))

    def anaphor_ref(self, j: int) -> Mention | None:
        """The mention an anaphor at ``j`` refers to: ``these cells`` the main cell,
        ``these drugs``/``the vesicles`` the last non-cell agent, ``they`` the previous
        sentence's non-cell lead subject (``Exosomes reduced X. They ...``) else the cell."""
        if j < 0 or self.u[j].is_ent:
            return None
        w = self.u[j].low
        prev = self.u[j - 1].low if j > 0 else ""
        if w == "they":
            if self.lead is not None and self.lead.type in ("THERAPY", "MOLECULE") \
                    and self.lead.text.lower().endswith(("s", "evs", "ex", "exo")):
                return self.lead        # a plural product ("Exosomes ... They ...")
            return self.referent
        if w in _CELL_NOUNS and prev in ("these", "those", "such"):
            return self.referent
        if w in _AGENT_NOUNS and prev in ("these", "those", "such", "the", "this", "both"):
            return self.agent
        return None

    def objects_right(self, start: int, *, first_gap: int = 6, gap: int = 4,
                      stop_extra: frozenset[str] = frozenset(),
                      allow_first: frozenset[str] = frozenset(),
                      modifiers: bool = True, compounds: bool = False, head: str = ""
                      ) -> tuple[list[tuple[int, str]], int]:
        """Coordinated object entities from ``start`` rightwards: [(unit, sign modifier)];
        ``head`` is the sign class of a nominal governing them (``downregulation of``)."""
        out, end = self._objects_right(start, first_gap=first_gap, gap=gap,
                                       stop_extra=stop_extra, allow_first=allow_first,
                                       modifiers=modifiers, compounds=compounds, head=head)
        return self._cell_loss_signs(out), end

    def _cell_loss_signs(self, out: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """"<X> apoptosis of C": raising the process lowers the cell C (the "proliferation of
        C" chain gives C the process's sign; a cell-loss process gives it the opposite)."""
        u = self.u
        fixed = []
        for k, mod in out:
            if k >= 2 and u[k].is_ent and u[k - 1].low == "of" and u[k - 2].is_ent \
                    and self.ent(k).type == "CELL_TYPE" and self.ent(k - 2).type == "PROCESS" \
                    and any(w in self.ent(k - 2).text.lower() for w in _CELL_LOSS) \
                    and any(o == k - 2 for o, _m in out):
                mod = "DEC" if mod in ("", "INC") else "INC"
            fixed.append((k, mod))
        return fixed

    def _objects_right(self, start: int, *, first_gap: int, gap: int,
                       stop_extra: frozenset[str], allow_first: frozenset[str],
                       modifiers: bool, compounds: bool, head: str
                       ) -> tuple[list[tuple[int, str]], int]:
        u = self.u
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
                if nx in _HEAD_MODIFIERS and j + hyph < len(u) \
                        and u[j + hyph].low not in _CLASS_NOUNS:
                    # "attenuated CCl4-induced fibrosis": the head is the object
                    first = False
                    n = 0
                    j += hyph
                    continue
                if (j == start or x.mention.type == "DISEASE" or not _is_context(u, j)) \
                        and nx not in _MODIFIER_SUFFIXES:
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
            if x.trig is not None:
                t = x.trig
                nxt = u[j + x.trig_len] if j + x.trig_len < len(u) else None
                if t.kind in ("V", "P") and out and not (nxt is not None and nxt.low in (
                        "by", "-")) and self.adjacent_left(out[-1][0], j):
                    # "X aggravated A and rapamycin prevented it": a new clause's subject
                    g0 = min(_left_group(u, out[-1][0]))
                    b = next((y for y in range(g0 - 1, max(start, g0 - 6) - 1, -1)
                              if u[y].low in ("and", ",", "but", "whereas", "while")
                              or u[y].trig is not None), -1)
                    if b >= start and u[b].trig is None:
                        keep = [o for o in out if o[0] < b]
                        return keep, b
                if compounds and t.kind == "P" and t.cls in ("INC", "DEC") and out \
                        and out[-1][0] == j - 1 and nxt is not None and nxt.is_ent:
                    # "hMSC induced proliferation": hMSC -> proliferation, keep collecting
                    self.compounds.append((j - 1, j))
                    self.consumed.add(j)
                    j += 1
                    continue
                if t.kind in ("P", "A") and t.cls in ("INC", "DEC", "IMPROVE", "WORSEN") \
                        and (modifiers or (first and j == start)) and nxt is not None \
                        and (nxt.is_ent or nxt.low not in _STOP) and not (
                        nxt.low == "by") and not (
                        t.kind == "P" and out and self.adjacent_left(out[-1][0], j)):
                    # (not "inhibition of mTOR increased apoptosis": there it is the verb)
                    # adjectival sign modifier: "reduced ALT", "improved survival"
                    mod = t.cls
                    self.consumed.add(j)
                    j += x.trig_len
                    continue
                prep_next = t.words[-1] in ("of", "to", "in") or (
                    nxt is not None and nxt.low in ("of", "to", "in"))
                if compounds and t.kind == "N" and out and out[-1][0] == j - 1 and t.cls in (
                        "INC", "DEC") and not (nxt is not None and nxt.low == "of"):
                    # "inhibit T cell activation": the nominal heads the object NP
                    self.consumed.add(j)
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
                    self.consumed.add(j)
                    j += x.trig_len + (0 if t.words[-1] in ("of", "to", "in") else 1)
                    continue
                if t.kind == "N" and t.cls in ("SEC", "INC", "DEC", "IMPROVE") \
                        and prep_next and not out:
                    # "the production of X" is transparent for the governing verb;
                    # "caused damage to X", "led to a reduction in X" compose the sign
                    if t.cls != "SEC":
                        mod = t.cls
                    elif j not in self.sec_nominals:
                        self.sec_nominals.append(j)     # "production of X in C": C secretes X
                    self.consumed.add(j)
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
            if w in ("effect", "effects", "impact", "influence", "action", "actions", "benefit",
                     "benefits", "efficacy") \
                    and j + 1 < len(u) and u[j + 1].low == "of":
                # "the effect of X on Y": Y is the object, X only qualifies it
                on = next((y for y in range(j + 2, min(len(u), j + 8)) if u[y].low == "on"), None)
                if on is not None:
                    j = on + 1
                    continue
                if not out:
                    break       # "abolished the anti-inflammatory effect of MSCs": no object
            if w == "of" and out and out[-1][0] == j - 1 and any(
                    p in self.ent(out[-1][0]).text.lower() for p in _PROPERTY_WORDS) \
                    and j + 1 < len(u) and u[j + 1].is_ent:
                j += 2          # "the immunosuppressive capacity of MSCs": not the cells
                continue
            if depth == 0 and (w in _STOP or w in stop_extra):
                break
            if w == "free" and j + 1 < len(u) and u[j + 1].low == "of":
                break       # "survival free of liver transplantation"
            if w == "," and j + 1 < len(u) and (u[j + 1].trig is not None
                                                or u[j + 1].low in _STOP):
                break
            if w == "and" and j + 1 < len(u) and u[j + 1].trig is not None \
                    and u[j + 1].trig.kind in ("V", "P"):
                break
            if w in (",", "and") and j + 1 < len(u) and not u[j + 1].is_ent \
                    and u[j + 1].trig is None and u[j + 1].low.endswith("ed") \
                    and u[j + 1].low not in _COORD and len(u[j + 1].low) > 5:
                break       # ", and translocated ...": a new verb phrase
            if w not in _COORD:
                n += 1
            elif w == ",":
                n = max(n, gap - 1)
                if depth == 0:
                    last_comma, comma_at = len(out), j
            if n > (first_gap if first else gap):
                break
            j += 1
        return out, j

    def past_adverbs(self, j: int) -> int:
        """The first unit at or after ``j`` that is not one of up to two adverbs."""
        u = self.u
        k = j
        while k < len(u) and k < j + 2 and not u[k].is_ent and u[k].low in _REAL_ADV:
            k += 1
        return k

    def agent_after(self, j: int, words: set[str]) -> tuple[list[int], int]:
        """Entity group right after ``by``-like word at or after ``j`` (within 4 units)."""
        u = self.u
        k = self.past_adverbs(j)
        marker = None   # "inhibition of Y mediated by X": the participle only links the agent
        if "by" in words and k + 1 < len(u) and not u[k].is_ent \
                and u[k].low in _AGENT_PARTICIPLES and u[k + 1].low == "by":
            marker, k = k, k + 1
        if k >= len(u) or u[k].is_ent or u[k].low not in words:
            return [], j
        grp, end = self.objects_right(k + 1, first_gap=3, gap=2, modifiers=False)
        if grp and marker is not None:
            self.consumed.add(marker)
        return [g for g, _ in grp], end

    def subject_left(self, t: int) -> list[tuple[Mention, bool]]:
        """Subject entities of the verb trigger at ``t`` (mention, loss-of-function flip)."""
        u = self.u
        lo = _clause_start(u, t)
        j = _skip_left(u, t, 0, _ADV)
        # relative pronoun: antecedent group
        if j >= 0 and u[j].low in _REL and not (j > 0 and u[j - 1].trig is not None):
            if j > 0 and not u[j - 1].is_ent and u[j - 1].low not in (",", ")", "("):
                # "X is a tumor suppressor that inhibits Y": the head noun is no entity;
                # the subject is the entity before a copula, if any
                for c in range(j - 1, max(0, j - 8) - 1, -1):
                    if u[c].low in _BE and not u[c].is_ent:
                        k = self.nearest_ent_left(c, 0, max_gap=2)
                        if k is not None:
                            return [(self.ent(x), self.lof_flip(x)) for x in _left_group(u, k)]
                        break
                return []
            k = self.nearest_ent_left(j, 0, max_gap=2)
            if k is not None:
                grp = _left_group(u, k)
                flip = any(self.lof_flip(x) for x in grp)
                return [(self.ent(x), flip) for x in grp]
        # coordinated verb phrase: inherit the previous trigger's subject
        p = self.vp_coordinated(t)
        if p is not None:
            return list(self.subjects[p]) + [(m, True) for m in self.lof_targets.get(p, [])]
        # anaphora right before the verb
        if j > 0 and not u[j].is_ent and u[j].low in ("they", "it") and u[j - 1].low in (
                "and", ",", "but", "whereas", "while", "although", "though"):
            first = min((p for p in self.subjects if p < j and self.subjects[p]), default=None)
            if first is not None:       # "X lowered A, and it/they reduced B": X
                return [(m, False) for m, _f in self.subjects[first]]
        ref = self.anaphor_ref(j)
        if ref is not None:
            return [(ref, False)]
        if self.is_pronoun(j) and self.u[j].low != "they":
            return []       # "these treatments" with no known agent: not the nearest entity
        k = self.nearest_ent_left(t, lo, max_gap=8, skip_context=True)
        if k is None:
            # pronoun further left ("They also promote ...")
            for x in range(t - 1, lo - 1, -1):
                ref = self.anaphor_ref(x)
                if ref is not None:
                    return [(ref, False)]
            return []
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
        b = _skip_left(u, min(_left_group(u, k, lo)), lo, {"the", "a", "an"})
        if b >= 1 and ((u[b].low == "by" and u[b - 1].trig is not None
                        and u[b - 1].trig.kind == "P") or (u[b].low == "from"
                                                           and u[b - 1].low in _SOURCED)):
            k2 = self.nearest_ent_left(b - 1, lo, max_gap=3, skip_context=True)
            if k2 is not None:
                k = k2      # "... exosomes derived from MSCs alleviate ...": the exosomes
        # "MSCs pretreated with IL-1 promoted ...": the subject is the primed cell
        if k >= 3 and u[k - 1].low == "with" and u[k - 2].low in _PRIMED and u[k - 3].is_ent:
            k = k - 3
        # "SDF-1 treatment of MCF-7 cells increased ...": the agent is SDF-1
        if k >= 3 and u[k - 1].low == "of" and u[k - 2].low in (
                "treatment", "stimulation", "exposure", "incubation", "pretreatment") \
                and u[k - 3].is_ent:
            k = k - 3
        # "WJ-MSCs given 12 h after acetaminophen reduced ...": the subject is before the
        # temporal phrase
        b = _skip_left(u, min(_left_group(u, k, lo)), lo, {"the", "a", "an"})
        if b > lo and u[b].low in ("after", "before", "following", "than", "prior") \
                and not (b + 1 < len(u) and u[b + 1].is_ent and b + 1 == min(
                    _left_group(u, k, lo)) and b == lo):
            k2 = self.nearest_ent_left(b, lo, max_gap=6, skip_context=True)
            if k2 is not None:
                k = k2
        # "X in combination with Y prevented ...": both are the agents
        b = _skip_left(u, min(_left_group(u, k, lo)), lo, {"the", "a", "an"})
        if b >= 1 and u[b].low == "with" and u[b - 1].low in ("combination", "together",
                                                               "along", "combined"):
            c = b - 2 if u[b - 2].low == "in" else b - 1
            k2 = self.nearest_ent_left(c + 1, lo, max_gap=2, skip_context=True)
            if k2 is not None:
                grp = _left_group(u, k2, lo) + _left_group(u, k, lo)
                return [(self.ent(x), self.lof_flip(x)) for x in grp]
        # "X activation in MSCs increased ...": prefer X over a locative "in Y"
        for _ in range(3):
            b, located = k, False      # walk over the whole NP ("Huh-7 and HCC cell lines")
            while b >= lo and (u[b].is_ent or u[b].low in (
                    "the", "a", "an", ",", "but", "much", "less", "more", "and", "or", "-")):
                located |= u[b].is_ent and self.ent(b).type in ("CELL_TYPE", "DISEASE")
                b -= 1
            if not (b >= lo and u[b].low in ("in", "from", "on", "at") and located):
                break
            k2 = self.nearest_ent_left(b, lo, max_gap=3, skip_context=True)
            if k2 is None:
                break
            k = k2
        # "Metformin modulates T cell function and alleviates injury": coordinated with a
        # verb of no direction, the subject is that verb's subject
        if "and" in {u[x].low for x in range(k + 1, t) if not u[x].is_ent}:
            v = _skip_left(u, k, lo, {"the", "a", "an", "of"})
            if v >= lo and not u[v].is_ent and u[v].low in _NEUTRAL_VERBS:
                k2 = self.nearest_ent_left(v, lo, max_gap=3, skip_context=True)
                if k2 is not None:
                    k = k2
        grp = _left_group(u, k, lo)
        flips = [self.lof_flip(x) for x in grp]
        subs = [(self.ent(x), any(flips)) for x in grp]
        # "inhibition of X using/with Y": X flipped, Y as is
        for x in range(lo, k):
            if u[x].is_ent and self.lof_flip(x) and all(s[0] is not self.ent(x) for s in subs):
                subs.append((self.ent(x), True))
        return subs

    def vp_coordinated(self, t: int) -> int | None:
        """The earlier trigger whose subject the verb at ``t`` shares (``X reduces A and
        improves B``; also across a locative ``in ...`` phrase before ``but``/``and``)."""
        u = self.u
        prev = [p for p in self.subjects if p < t]   # a subject-less first verb counts too
        if not prev:
            return None
        p = max(prev)
        pend = self.obj_end.get(p, p + 1)
        if pend > t:
            return None     # "aggravates CCl4- induced fibrosis": inside p's objects
        seg = [u[x].low for x in range(pend, t) if not u[x].is_ent]
        ents = [x for x in range(pend, t) if u[x].is_ent]
        coord = {",", "and", "or", "but", "as", "well"}
        if not ents and all(w in _ADV or w in coord or _is_ly_adverb(w) for w in seg):
            return p
        core = [w for w in seg if w not in _REAL_ADV]
        if core and core[0] in ("in", "at", "from", "during", "after", "within", "through",
                                "via") and \
                core[-1] in coord and len(seg) <= 10 and not any(
                u[x].trig is not None for x in range(pend, t)) and not any(
                w in _CLAUSE or w in _REL for w in seg):
            return p
        return None

    def in_adjectival_list(self, t: int) -> bool:
        """``..., decreased SOD and GST, increased MMP-2``: the participle at ``t`` continues a
        list of adjectival sign phrases, it has no subject of its own."""
        u = self.u
        k = self.nearest_ent_left(t, _clause_start(u, t), max_gap=1)
        if k is None:
            return False
        b = _skip_left(u, min(_left_group(u, k)), 0, _ADV | {"the", "a", "an"})
        if b < 1 or u[b].trig is None or u[b].trig.kind not in ("P", "A") \
                or u[b].trig.cls not in ("INC", "DEC", "IMPROVE", "WORSEN"):
            return False
        return u[b - 1].low in (",", "but", "and", "by", "with", "of")

    def adjacent_left(self, k: int, t: int) -> bool:
        """Entity ``k`` ends right before ``t`` (adverbs and a bracketed abbreviation between)."""
        u = self.u
        j = _skip_left(u, t, 0, _REAL_ADV | {","} | _LOCATIVE_HEADS | {"inpatients"})
        if j >= 0 and u[j].low == ")":
            j = next((y for y in range(j - 1, max(-1, j - 6), -1) if u[y].low == "("), j) - 1
        return j == k

    def nearest_ent_left(self, t: int, lo: int, *, max_gap: int = 8,
                         skip_context: bool = False) -> int | None:
        u = self.u
        gap = 0
        depth = 0
        for x in range(t - 1, lo - 1, -1):
            w = u[x].low
            if w == ")":
                depth += 1
            elif w == "(":
                depth = max(0, depth - 1)
            if u[x].is_ent:
                if depth == 0 and not (skip_context and (_is_context(u, x)
                                                         or _is_head_modifier(u, x))):
                    return x
                continue
            if u[x].trig is not None and u[x].trig.kind in ("V",):
                return None
            if w not in _COORD and w not in _ADV:
                gap += 1
            if gap > max_gap:
                return None
        return None

    def lof_flip(self, k: int) -> bool:
        """Entity ``k`` is the target of a loss of function (``knockdown of X``, ``X-deficient``)."""
        u = self.u
        lof = self.lex.lof
        j = _skip_left(u, k, 0, {"the", "of", "a", "an"})
        if j >= 2 and j == k - 1 and not u[j].is_ent and u[j].trig is None \
                and u[j - 1].low == "of" and u[j].low.isalpha():
            j = _skip_left(u, j, 0, {"the", "of", "a", "an"})   # "inhibition of hepatic X"
        if j >= 0 and j < k - 1 and u[j].low in lof and u[j + 1].low in ("of", "the"):
            return True
        if j >= 0 and u[j].trig is not None and u[j].trig.cls == "DEC" \
                and u[j].trig.kind in ("G", "N") and (_clause_start(u, j) >= j - 1 or _skip_left(
                    u, j, 0, _ADV | {"the"}) < _clause_start(u, j)):
            return True     # "blocking X ...", "Inhibition of X ..." as the clause subject
        if k + 1 < len(u):
            nx = u[k + 1].low
            if nx in lof or (nx == "-" and k + 2 < len(u)
                             and (u[k + 2].low in lof or u[k + 2].low.endswith("deficient"))):
                return True
            if nx.endswith("deficient") or nx in ("-/-", "knockout"):
                return True
        return False

    # -- emission --------------------------------------------------------------------------

    def emit(self, subj: Mention, pred: str, obj: Mention, lo: int, hi: int) -> None:
        neg = _scope_flags(self.u, _negation_start(self.u, lo, hi), hi)[0]
        _n, hedge, block = _scope_flags(self.u, _scope_start(self.u, hi), hi)
        if block:
            return
        self.found.append(_Found(subj, pred, obj, neg, hedge))

    def signed(self, cls: str, obj: Mention, mod: str = "") -> str:
        if cls == "WORSEN":
            base = "DECREASES" if self.pol.sign(obj) == "good" else "INCREASES"
        elif cls == "IMPROVE" or cls == "PROTECT":
            s = self.pol.sign(obj)
            base = "DECREASES" if s == "bad" else "INCREASES"
            if cls == "PROTECT" and s != "good":
                base = "DECREASES"
        else:
            base = _SIGNED.get(cls, "INCREASES")
        if mod:
            msign = self.signed(mod, obj)
            if base == "DECREASES":
                base = _FLIP[msign]
            else:
                base = msign
        return base

    def run(self) -> None:
        u = self.u
        for t, x in enumerate(u):
            if x.trig is None or t in self.consumed:
                continue
            try:
                self.trigger(t, x.trig)
            except IndexError:  # pragma: no cover - defensive on odd token runs
                log.debug("rule failed at unit %d", t, exc_info=True)
        for j in self.sec_nominals:
            self.secretion_in(j)
        self.hyphen_patterns()
        for a, t in self.compounds:
            objs, _ = self.objects_right(t + 1, first_gap=2, gap=3)
            lo = _clause_start(u, t)
            for k, mod in objs:
                self.emit_pred(self.ent(a), u[t].trig.cls, self.ent(k), mod, False, lo, t)
        self.treats()

    def trigger(self, t: int, tr: Trigger) -> None:
        u = self.u
        after = t + u[t].trig_len
        cls = tr.cls
        prevw = u[t - 1].low if t > 0 else ""
        # hyphenated participles ("HGF-induced") are handled separately; a hyphenated
        # modifier without an entity ("HBx-upregulated phenotypes") states nothing
        if tr.kind == "P" and (prevw == "-" or (t > 0 and u[t - 1].is_ent
                                                and prevw.endswith("-"))):
            return
        if cls == "TREAT" and tr.kind != "V":
            if tr.kind == "N":
                self.treatment_nominal(t, after)
            return
        if tr.kind == "G" and t > 0 and after < len(u) and not u[after].is_ent \
                and u[after].low in _AGENT_NOUNS | {"drug", "therapy", "treatment",
                                                    "medication", "agent"} \
                and (u[t - 1].is_ent or (prevw == "-" and t > 1 and u[t - 2].is_ent)):
            return      # "lipid-lowering drugs (statins)": names a drug class, states nothing
        before = _skip_left(u, t, 0, _ADV)
        bw = u[before].low if before >= 0 and not u[before].is_ent else ""
        pb = _skip_left(u, t, 0, _REAL_ADV)
        pbw = u[pb].low if pb >= 0 and not u[pb].is_ent else ""
        agent_words = ("by", "from") if cls == "SEC" else ("by",)
        is_passive = tr.kind in ("P", "A") and (pbw in _BE or (after < len(u)
                                                               and u[after].low in agent_words))
        if tr.kind in ("P", "A") and not is_passive and pbw in ("via", "through") \
                and cls in ("INC", "DEC"):
            # "X attenuated Y, presumably via decreased Z": X acts on Z
            gov = [p for p in self.subjects if p < t and self.subjects[p]]
            if gov:
                objs, end = self.objects_right(after, first_gap=3, modifiers=False,
                                               compounds=True)
                for s, flip in self.subjects[max(gov)]:
                    for k, mod in objs:
                        self.emit_pred(s, cls, self.ent(k), mod, flip, _clause_start(u, t), t)
            return
        if tr.kind in ("P", "A") and not is_passive and pbw in _RESULT_VERBS \
                and cls in ("INC", "DEC", "IMPROVE", "WORSEN"):
            self.result_statement(t, pb, cls, after)
            return
        if tr.kind in ("P", "A") and not is_passive and (pbw in _PREP_DET or tr.kind == "A") \
                and not (tr.kind == "P" and pbw in ("but", "whereas", "while")
                         and self.vp_coordinated(t) is not None):
            return      # adjectival ("with impaired regeneration"): no clause of its own
        if tr.kind == "P" and not is_passive and prevw in ("and", "or") \
                and not self.vp_coordinated(t):
            return      # "dysregulated autophagy and activated inflammation": adjectival
        lo_scope = _clause_start(u, t)

        if cls == "NOEFFECT":
            subs = self.subject_left(t)
            objs, end = self.objects_right(after)
            for s, _f in subs:
                for k, _m in objs:
                    self.found.append(_Found(s, "INCREASES", self.ent(k), True,
                                             _scope_flags(u, lo_scope, t)[1]))
            return

        if cls == "REV":
            # "Y results from X", "Y due to X": effect on the left, cause on the right
            k = self.nearest_ent_left(t, lo_scope, max_gap=3)
            causes, end = self.objects_right(after, first_gap=4, modifiers=False)
            if k is None or self.ent(k).type not in ("DISEASE", "OUTCOME") or self.is_therapy(k):
                return
            causes = [(c, m) for c, m in causes if not any(
                w in self.ent(c).text.lower() for w in ("propert", "capacit", "abilit"))]
            for c, m in causes:
                for o in _left_group(u, k, lo_scope):
                    self.emit(self.ent(c), self.signed("INC", self.ent(o), m), self.ent(o),
                              lo_scope, t)
            return

        if cls in ("DIFF", "POLAR"):
            self.differentiation(t, tr, after, lo_scope)
            return

        if tr.kind == "N":
            self.nominal(t, tr, after, lo_scope)
            return

        # gerund after "by/through/via" or ", leading to": subject of the governing verb
        subs: list[tuple[Mention, bool]] = []
        chain_from: int | None = None
        if tr.kind == "G":
            gov = [p for p in self.subjects if p < t and self.subjects[p]]
            if (bw in _MEANS or bw == "without") and gov:
                subs = list(self.subjects[max(gov)])     # "... without inducing Z"
            elif bw in _MEANS and bw != "using":
                # "X regulates Y by suppressing Z": the clause subject, not the nearest entity
                lo0 = _clause_start(u, t)
                first = next((x for x in range(lo0, t) if u[x].is_ent
                              and not _is_context(u, x)), None)
                if first is not None:
                    subs = [(self.ent(x), self.lof_flip(x)) for x in [first]]
            elif (bw in ("thereby", "thus") or prevw in (",", "thereby", "thus")) and gov:
                subs = list(self.subjects[max(gov)])
                if len(tr.words) > 1 or bw in ("thereby", "thus") or prevw in (
                        "thereby", "thus"):
                    chain_from = max(gov)   # "..., leading to Z": also the step edges
        if is_passive:
            agents, aend = self.agent_after(after, {"by", "with"} if cls == "TREAT" else
                                            {"by", "from"} if cls == "SEC" else {"by"})
            k = self.nearest_ent_left(t, lo_scope, max_gap=6)
            if k is not None and pbw in _BE and k >= 3 and u[k - 1].low == "by" \
                    and not u[k - 2].is_ent and u[k - 2].low in _AGENT_PARTICIPLES:
                # "fibrosis induced by CCl4 was reduced by MSCs": the head before the
                # reduced relative is what the verb acts on, not its agent
                head = self.nearest_ent_left(k - 2, lo_scope, max_gap=1)
                if head is not None:
                    k = head
            if k is not None and k + 2 < len(u) and u[k + 1].low == "-" \
                    and u[k + 2].low in _HEAD_MODIFIERS:
                k = None    # "the NSP-induced inhibition was reversed by Y": no entity head
            if k is not None and pbw not in _BE and cls != "SEC" \
                    and not self.adjacent_left(k, t):
                k = None    # reduced relative: "hepatocarcinogenesis triggered by X" (no entity)
            if k is None and not agents:
                return
            objs = _left_group(u, k, lo_scope) if k is not None else []
            if not agents and pbw in _BE and cls in ("INC", "DEC"):
                agents = self.exposure_agents()   # "ALT was reduced in MSC-treated mice"
                agents = [a for a in agents if a not in objs]
                if not agents:                    # "ALT was lower in the MSC group"
                    agents = self.group_agents(after)
            if not agents:
                return
            if pbw in _BE:      # a reduced relative ("X activated by Y") governs nothing
                self.subjects[t] = [(self.ent(a), self.lof_flip(a)) for a in agents]
                self.obj_end[t] = aend
            for a in agents:
                for o in objs:
                    self.emit_pred(self.ent(a), cls, self.ent(o), "", self.lof_flip(a),
                                   lo_scope, t)
            return
        if not subs and prevw == "to" and t >= 2 and tr.kind == "V":
            w2 = u[t - 2].low if not u[t - 2].is_ent else ""
            gov = [p for p in self.subjects if p < t and self.subjects[p]]
            if gov and w2 not in _AUX and w2 not in _HEDGE and w2 not in _INF_HOSTS:
                subs = list(self.subjects[max(gov)])     # purpose: "... to increase Y"
        if not subs and cls == "TREAT":
            k = self.first_therapy_in_clause(t)
            subs = [(self.ent(k), False)] if k is not None else []
        elif not subs:
            if tr.kind == "P" and prevw == "," and self.in_adjectival_list(t):
                return
            subs = self.subject_left(t)
        if not subs and tr.kind == "G":
            self.nominal(t, tr, after, lo_scope)    # "blocking X using Y decreased Z"
            return
        objs, end = self.objects_right(after, modifiers=len(tr.words) > 1, compounds=True)
        if cls == "INC" and end + 1 < len(u) and u[end].low == "to" and u[end + 1].trig \
                is not None and u[end + 1].trig.cls == "DIFF":
            # "HGF and OSM induced MSCs to differentiate into hepatocyte-like cells": the
            # inducers increase the product (set on the DIFF trigger), not the source cells
            self.inducers[end + 1] = subs
            objs = [(k, m) for k, m in objs if self.ent(k).type != "CELL_TYPE"]
        self.subjects[t] = subs
        self.obj_end[t] = end
        self.objects[t] = [self.ent(k) for k, _ in objs]
        if objs and cls in ("INC", "DEC", "IMPROVE", "WORSEN", "PROTECT"):
            self.preds[t] = self.signed(cls, self.ent(objs[0][0]), objs[0][1])
        if not objs and tr.kind == "P" and cls in ("INC", "DEC") and subs:
            # "Total bilirubin decreased ... in the UC-MSC group": intransitive result
            agents = self.group_agents(after)
            for a in agents:
                for m, _f in subs:
                    if not self.pol.is_therapy(m):
                        self.emit_pred(self.ent(a), cls, m, "", False, lo_scope, t)
        if cls == "PROTECT" and end < len(u) and u[end].low == "from":
            cls = "INC"         # "X protects cyclin B1 from destruction": keeps it
        for s, flip in subs:
            for k, mod in objs:
                self.emit_pred(s, cls, self.ent(k), mod, flip, lo_scope, t)
        if chain_from is not None:
            # "X reduced Y, leading to lower Z": also (Y, Z) steps; X->Z emitted above
            p_objs = self.objects.get(chain_from, [])
            p_pred = self.preds.get(chain_from, "INCREASES")
            for y in p_objs:
                for k, mod in objs:
                    z = self.signed(cls, self.ent(k), mod)
                    self.emit(y, "INCREASES" if z == p_pred else "DECREASES", self.ent(k),
                              lo_scope, t)

    def emit_pred(self, s: Mention, cls: str, o: Mention, mod: str, flip: bool,
                  lo: int, t: int) -> None:
        if cls == "SEC":
            if o.type in ("CYTOKINE", "MOLECULE", "THERAPY") and s.type == "CELL_TYPE":
                self.emit(s, "SECRETES", o, lo, t)
            return
        if cls == "TREAT":
            if o.type == "DISEASE":
                self.emit(s, "TREATS", o, lo, t)
            return
        pred = self.signed(cls, o, mod)
        if flip:
            pred = _FLIP[pred]
        self.emit(s, pred, o, lo, t)

    def nominal(self, t: int, tr: Trigger, after: int, lo: int) -> None:
        """``inhibition of X by Y``, ``X secretion by Y``, ``through X secretion``."""
        u = self.u
        cls = tr.cls
        if cls == "PROTECT" and tr.words[-1] in ("effect", "effects", "role"):
            # "the protective effect of X ...": X is the agent, never the object
            if after < len(u) and u[after].low == "of":
                self.protective_effect(t, after, lo)
            return
        objs: list[tuple[int, str]] = []
        end = after
        if tr.kind == "G" or tr.words[-1] in ("of", "to", "in", "on"):
            objs, end = self.objects_right(after, first_gap=3, head=cls)
        elif after < len(u) and u[after].low == "of":
            objs, end = self.objects_right(after + 1, first_gap=3, head=cls)
        elif t > 0 and u[t - 1].is_ent:     # "T cell activation in hepatitis": T cell
            objs = [(x, "") for x in _left_group(u, t - 1, lo)]
        elif after < len(u) and u[after].low in ("in", "on"):
            objs, end = self.objects_right(after + 1, first_gap=3)
        if not objs:
            return
        agents, aend = self.agent_after(end, {"by", "using"} if cls == "DEC" else
                                        {"by", "in", "from"} if cls == "SEC" else {"by"})
        if cls == "SEC":
            agents = [a for a in agents if self.ent(a).type == "CELL_TYPE"]
        # "activation of Y by deletion of X": a loss-of-function agent flips the sign
        subs: list[tuple[Mention, bool]] = [(self.ent(a), self.lof_flip(a)) for a in agents]
        if not subs and t >= 3 and u[t - 1].low in ("a", "an", "the") and u[t - 2].low == "," \
                and u[t - 3].is_ent:
            subs = [(self.ent(t - 3), False)]      # "X, a suppressor of Y"
        if not subs and objs and objs[0][0] > t:
            # "X is a major cause of Y", "X may be an important contributor to Y"
            c = t - 1
            while c > lo and c > t - 5 and not u[c].is_ent and u[c].low not in _BE \
                    and u[c].low not in _STOP:
                c -= 1
            if c > lo and not u[c].is_ent and u[c].low in _BE and u[c + 1].low in (
                    "a", "an", "the", "one", "major", "key", "main"):
                k = self.nearest_ent_left(c, lo, max_gap=2)
                if k is not None:
                    subs = [(self.ent(x), self.lof_flip(x)) for x in _left_group(u, k, lo)]
        if not subs:
            # "X-mediated suppression of Y"
            if t >= 3 and u[t - 1].low in ("mediated", "induced", "dependent") \
                    and u[t - 2].low == "-" and u[t - 3].is_ent:
                subs = [(self.ent(t - 3), False)]
        if not subs:
            j = _skip_left(u, t, 0, _ADV | {"the", "a", "an", "of", "partly", "mainly"})
            gov = [p for p in self.subjects if p < t and self.subjects[p]]
            bw = u[j].low if j >= 0 and not u[j].is_ent else ""
            if objs and objs[0][0] < t:   # "PGE2 secretion": object on the left
                j = _skip_left(u, objs[0][0], 0, _ADV | {"the", "a", "an", "of"})
                bw = u[j].low if j >= 0 and not u[j].is_ent else ""
            if bw in _MEANS and gov:
                subs = list(self.subjects[max(gov)])
            elif bw in _MEANS or (cls in ("IMPROVE", "INC", "DEC", "WORSEN")
                                  and bw not in _NOMINAL_BLOCK):
                # result statements: "significant improvements in X", subject = sentence agent
                if gov:
                    subs = list(self.subjects[max(gov)])
                elif objs[0][0] > t and tr.kind != "G":
                    # not for "X inactivation" (object on the left), nor for a gerund that is
                    # itself a subject ("enhancing X may improve ...")
                    subs = [(m, False) for m in self.sentence_agent(t)]
        if not subs:
            return
        if cls == "DEC" and agents and _clause_start(u, t) >= t - 1:
            # "Blocking X using Y decreased Z": X is a loss-of-function target for Z
            self.lof_targets[t] = [self.ent(k) for k, _ in objs]
        self.subjects[t] = subs
        self.obj_end[t] = max(end, aend)
        self.objects[t] = [self.ent(k) for k, _ in objs]
        for s, flip in subs:
            for k, mod in objs:
                self.emit_pred(s, cls, self.ent(k), mod, flip, lo, t)

    def protective_effect(self, t: int, after: int, lo: int) -> bool:
        """``the protective effect of X against/on Y``: X protects (against) Y."""
        u = self.u
        agents, aend = self.objects_right(after + 1, first_gap=3, gap=2, modifiers=False)
        k = self.past_adverbs(aend)
        if not agents or k >= len(u) or u[k].is_ent or \
                u[k].low not in ("against", "on", "in", "toward", "towards"):
            return False
        objs, end = self.objects_right(k + 1, first_gap=3)
        if not objs:
            return False
        self.subjects[t] = [(self.ent(a), False) for a, _ in agents]
        self.obj_end[t] = end
        self.objects[t] = [self.ent(o) for o, _ in objs]
        # "against Y": protects from Y; "on hepatocytes": keeps the cells
        cls = "PROTECT" if u[k].low == "against" else None
        for a, _ in agents:
            for o, mod in objs:
                ocls = cls or ("INC" if self.ent(o).type == "CELL_TYPE" else "PROTECT")
                self.emit_pred(self.ent(a), ocls, self.ent(o), mod, False, lo, t)
        return True

    def secretion_in(self, t: int) -> None:
        """``the production of X, Y in C`` inside another verb's object: C secretes X, Y."""
        u = self.u
        start = t + u[t].trig_len
        if start < len(u) and u[start].low == "of":
            start += 1
        objs, end = self.objects_right(start, first_gap=4, modifiers=False)
        agents, _ = self.agent_after(end, {"by", "in", "from"})
        for a in agents:
            for k, _m in objs:
                self.emit_pred(self.ent(a), "SEC", self.ent(k), "", False, _clause_start(u, t), t)

    def sentence_agent(self, t: int) -> list[Mention]:
        """Leftmost therapy-like agent group before ``t`` (not a study-context mention),
        else the discourse referent when the sentence has an anaphor."""
        u = self.u
        for x in range(0, t):
            if u[x].is_ent and self.is_therapy(x) and not _is_context(u, x):
                grp = [x]
                y = x + 1
                while y < t and (u[y].is_ent or u[y].low in ("or", "and", ",", "/")):
                    if u[y].is_ent:
                        if not self.is_therapy(y):
                            break
                        grp.append(y)
                    y += 1
                return [self.ent(g) for g in grp]
        for x in range(t):
            ref = self.anaphor_ref(x)
            if ref is not None:
                return [ref]
        return []

    def is_therapy(self, k: int) -> bool:
        """Therapy-like entity: a therapy/MSC concept, or a cell named with ``transplantation``."""
        m = self.ent(k)
        if self.pol.is_therapy(m):
            return True
        nxt = self.u[k + 1].low if k + 1 < len(self.u) else ""
        return m.type in ("CELL_TYPE", "MOLECULE") and nxt in _THERAPY_NOUNS

    def modifies_disease(self, k: int) -> bool:
        """``hepatitis B-related cirrhosis``: ``k`` only names the cause of the next disease."""
        u = self.u
        if k + 3 < len(u) and u[k + 1].low == "(" and u[k + 3].low == ")":
            k += 3                      # "hepatitis B virus (HBV)-associated ACLF"
        if k + 3 < len(u) and u[k + 1].low == "-" and u[k + 2].low in _HEAD_MODIFIERS:
            nxt = next((y for y in range(k + 3, min(len(u), k + 6)) if u[y].is_ent), None)
            return nxt is not None and self.ent(nxt).type == "DISEASE"
        return False

    def treat_path(self, a: int, d: int) -> bool:
        """``A ... for/in/with D`` with no verb trigger, clause break or other therapy between."""
        u = self.u
        if d - a > 14:
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
                if x + 2 < d and u[x + 1].low == "-" and u[x + 2].low in _HEAD_MODIFIERS:
                    mods.update((x + 1, x + 2))     # "in acetaminophen-induced D"
                    continue
                if self.is_therapy(x) or y.mention.type not in ("DISEASE", "CELL_TYPE"):
                    return False
                continue
            if y.trig is not None and y.trig.cls != "TREAT":
                return False
            if y.low in (";", ":", ".", "while", "whereas", "which", "that", "but", "by",
                         "through", "via", "than", "compared", "versus", "screened",
                         "monitored", "tested", "followed") or y.low in _BLOCK:
                return False
            if y.low == "," and not (x + 1 < d and u[x + 1].low in ("e.g.", "such", "including")):
                return False
            if y.low in _TREAT_LINK:
                link = True
        e = d
        if e - 3 > a and e - 1 in mods and u[e - 3].is_ent:
            e -= 3                          # the disease NP starts at its modifier
        j = _skip_left(u, e, a + 1, {"the", "a", "an", "of", "various", "different", "severe",
                                      "advanced", "spectrum", "kinds", "types", "patients",
                                      "chronic", "acute", "decompensated", "cirrhotic"})
        if j > a + 1 and not u[j].is_ent and u[j].low not in _TREAT_LINK | _STOP and \
                u[j - 1].low in _TREAT_LINK:
            j -= 1          # one free modifier: "for symptomatic cholelithiasis"
        return link and (u[j].low in _TREAT_LINK or u[j].low in _THERAPY_NOUNS
                         or (u[j].is_ent and u[j].mention.type == "DISEASE"))

    def treat_path_reverse(self, d: int, a: int) -> bool:
        """``the only treatment for D is A``."""
        u = self.u
        if a - d > 6:
            return False
        j = _skip_left(u, d, 0, {"the", "a", "an", "patients", "with"})
        if j < 1 or u[j].low != "for":
            return False
        k = _skip_left(u, j, 0, {"effective", "definitive", "only", "curative", "radical",
                                 "available", "established", "standard"})
        if k < 0 or u[k].low not in _THERAPY_NOUNS | {"cure", "option", "intervention",
                                                      "therapies", "treatments", "options"}:
            return False
        between = {u[x].low for x in range(d + 1, a) if not u[x].is_ent}
        return bool(between & {"is", "are", "remains", "remain", "was"}) and \
            not any(u[x].is_ent for x in range(d + 1, a))

    def result_statement(self, t: int, pb: int, cls: str, after: int) -> None:
        """``X-treated mice showed lower Y``, ``the X group had higher Y``, ``X knockout mice
        exhibited exacerbated Y``: the exposure of the study subjects acts on Y."""
        u = self.u
        lo = _clause_start(u, t)
        subs: list[tuple[Mention, bool]] = []
        for k in range(lo, pb):
            if not u[k].is_ent:
                continue
            nxt = u[k + 1].low if k + 1 < len(u) else ""
            nxt2 = u[k + 2].low if k + 2 < len(u) else ""
            if self.lof_flip(k):
                subs.append((self.ent(k), True))
            elif nxt in _GROUP_WORDS or (nxt == "-" and nxt2 in _EXPOSED) or nxt in _EXPOSED \
                    or k in self.exposure_agents():
                subs.append((self.ent(k), False))
        if not subs:
            return
        objs, end = self.objects_right(after, first_gap=3, modifiers=True, compounds=True)
        self.subjects[t] = subs
        self.obj_end[t] = end
        for s, flip in subs:
            for k, mod in objs:     # "lower A and higher B": each adjective signs its noun
                self.emit_pred(s, mod or cls, self.ent(k), "", flip, lo, t)

    def group_agents(self, after: int) -> list[int]:
        """Agents named right of a result (``... lower in the X group``, ``in mice treated
        with X``, ``after X infusion``), up to a comparison (``than``, ``compared with``)."""
        u = self.u
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
            if nxt in _GROUP_WORDS or (nxt == "-" and nxt2 in _EXPOSED) or (
                    nxt in _THERAPY_NOUNS and prev.endswith(("after", "following"))) or \
                    prev.endswith(("receiving", "treated with", "given", "after")):
                out.append(k)
        return out

    def exposure_agents(self) -> list[int]:
        """Entities the sentence names as the treatment or exposure of the study subjects:
        ``X-treated``/``X-exposed`` (mice, offspring) and ``treated with X``/``exposed to X``."""
        u = self.u
        out: list[int] = []
        for k, x in enumerate(u):
            if not x.is_ent:
                continue
            nxt = u[k + 2].low if k + 2 < len(u) and u[k + 1].low == "-" else ""
            prev2 = " ".join(y.low for y in u[max(0, k - 2):k] if not y.is_ent)
            if nxt in ("treated", "exposed", "transplanted", "injected", "infused") or \
                    prev2.endswith(("treated with", "exposed to", "treatment with")):
                out.append(k)
        return out

    def treatment_nominal(self, t: int, after: int) -> None:
        """``treatment of D (with|by|using) X`` and ``X treatment of D``: X TREATS D."""
        u = self.u
        if after >= len(u) or u[after].low != "of":
            return
        objs, end = self.objects_right(after + 1, first_gap=3, modifiers=False)
        dis = [k for k, _ in objs if self.ent(k).type == "DISEASE"]
        if not dis:
            return
        agents, _ = self.agent_after(end, {"by", "with", "using"})
        if not agents and t > 0 and u[t - 1].is_ent:
            agents = [t - 1]
        lo = _clause_start(u, t)
        for a in agents:
            if self.is_therapy(a) or self.ent(a).type in ("CELL_TYPE", "MOLECULE", "THERAPY"):
                for d in dis:
                    self.emit(self.ent(a), "TREATS", self.ent(d), lo, end)

    def first_therapy_in_clause(self, t: int) -> int | None:
        """The clause's first therapy-like entity (its subject, in "X ... used to treat")."""
        for x in range(_clause_start(self.u, t), t):
            if self.u[x].is_ent and self.is_therapy(x) and not _is_context(self.u, x):
                return x
        return self.nearest_therapy_left(t)

    def nearest_therapy_left(self, t: int) -> int | None:
        for x in range(t - 1, -1, -1):
            if self.u[x].is_ent and self.is_therapy(x):
                return x
        return None

    def differentiation(self, t: int, tr: Trigger, after: int, lo: int) -> None:
        u = self.u
        into = {"into", "to", "towards", "toward", "in"}
        if tr.words[0] in ("source", "sources"):   # "X is the source of Y"
            targets, _ = self.objects_right(after, first_gap=3, gap=3)
            for s, _f in self.subject_left(t):
                for k, _m in targets:
                    if s.type == "CELL_TYPE" and self.ent(k).type == "CELL_TYPE":
                        self.emit(s, "DIFFERENTIATES_INTO", self.ent(k), lo, t)
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
                subs = self.agents_for(t, lo)
                for s, flip in subs:
                    self.emit_pred(s, "INC", self.ent(t - 1), "", flip, lo, t)
            return
        targets, end = self.objects_right(j + 1, first_gap=5, gap=3)
        tgt = [k for k, _ in targets if self.ent(k).type == "CELL_TYPE"]
        if not tgt:
            return
        for s, flip in self.inducers.get(t, []):
            for k in tgt:
                self.emit_pred(s, "INC", self.ent(k), "", flip, lo, t)
        if tr.cls == "POLAR":
            subs = self.agents_for(t, lo)
            self.subjects[t] = subs
            self.obj_end[t] = end
            for s, flip in subs:
                for k in tgt:
                    self.emit_pred(s, "INC", self.ent(k), "", flip, lo, t)
            sources = src
        else:
            sources = src
            if not sources:
                if tr.kind == "P" and t > 0 and u[_skip_left(u, t, 0, _ADV)].low in _BE \
                        and u[t + 1 if t + 1 < len(u) else t].low == "by":
                    return
                subs = [m for m, _ in self.subject_left(t) if m.type == "CELL_TYPE"]
                if not subs:        # "MSCs in liver repair ... transdifferentiation into"
                    k = next((x for x in range(t - 1, -1, -1) if u[x].is_ent
                              and self.ent(x).type == "CELL_TYPE"), None)
                    subs = [self.ent(k)] if k is not None else []
                for m in subs:
                    for k in tgt:
                        self.emit(m, "DIFFERENTIATES_INTO", self.ent(k), lo, t)
                return
        for sidx in sources:
            for k in tgt:
                if self.ent(sidx).type == "CELL_TYPE":
                    self.emit(self.ent(sidx), "DIFFERENTIATES_INTO", self.ent(k), lo, t)

    def agents_for(self, t: int, lo: int) -> list[tuple[Mention, bool]]:
        u = self.u
        j = _skip_left(u, t, 0, _ADV | {"the", "a", "an"})
        if t > 0 and u[t - 1].is_ent:
            j = _skip_left(u, t - 1, 0, _ADV | {"the", "a", "an"})
        gov = [p for p in self.subjects if p < t and self.subjects[p]]
        if j >= 0 and u[j].low in _MEANS and gov:
            return list(self.subjects[max(gov)])
        agents, _ = self.agent_after(t + 1, {"by"})
        if agents:
            return [(self.ent(a), False) for a in agents]
        if u[t].trig and u[t].trig.kind in ("V", "P", "G"):
            return self.subject_left(t)
        return []

    def hyphen_patterns(self) -> None:
        """``X-derived Y`` (SECRETES), ``X-induced Y`` / ``X-mediated Y`` (INCREASES)."""
        u = self.u
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
            agent = self.ent(a)
            nxt = u[t + 1]
            if nxt.trig is not None and nxt.trig.kind == "N":
                continue    # "X-mediated suppression of Y": handled by the nominal
            objs, _ = self.objects_right(t + 1, first_gap=2, gap=2)
            lo = _clause_start(u, t)
            for k, mod in objs:
                o = self.ent(k)
                if x.trig.cls == "SEC" or x.low == "derived":
                    if o.type == "CELL_TYPE" and x.low == "derived":
                        self.emit(agent, "DIFFERENTIATES_INTO", o, lo, t)
                    else:
                        self.emit_pred(agent, "SEC", o, "", False, lo, t)
                else:
                    self.emit_pred(agent, x.trig.cls, o, mod, self.lof_flip(a), lo, t)
                break
        for t in range(2, len(u) - 1):
            if u[t].low == "derived" and u[t].trig is None and u[t - 1].low == "-" \
                    and u[t - 2].is_ent and u[t + 1].is_ent:
                o = self.ent(t + 1)
                pred = "DIFFERENTIATES_INTO" if o.type == "CELL_TYPE" else "SECRETES"
                self.emit(self.ent(t - 2), pred, o, _clause_start(u, t), t)

    def treats(self) -> None:
        """``X for Y``, ``X in patients with Y``, therapies acting in a disease context."""
        u = self.u
        therapies = [k for k, x in enumerate(u) if x.is_ent and self.is_therapy(k)
                     and not _is_head_modifier(u, k)]
        diseases = [k for k, x in enumerate(u) if x.is_ent and x.mention.type == "DISEASE"
                    and not (" " not in x.low and x.low.endswith("ic"))
                    and not self.modifies_disease(k)]
        if not therapies or not diseases:
            return
        # a stated direction ("the protective effect of X against Y") says more than TREATS
        signed = {(id(f.subj), id(f.obj)) for f in self.found if f.pred != "TREATS"}
        for a in therapies:
            for d in diseases:
                if (id(self.ent(a)), id(self.ent(d))) in signed:
                    continue
                if d > a and self.treat_path(a, d):
                    self.emit(self.ent(a), "TREATS", self.ent(d), _clause_start(u, a), d)
                elif d < a and self.treat_path_reverse(d, a):
                    self.emit(self.ent(a), "TREATS", self.ent(d), _clause_start(u, d), a)
                elif d < a and a - d <= 16 and _is_context(u, d) and any(
                        u[x].low in _RECEIVE for x in range(d + 1, a)) and not any(
                        u[x].low in _CLAUSE or (u[x].trig and u[x].trig.cls != "TREAT")
                        or (u[x].is_ent and self.is_therapy(x)) for x in range(d + 1, a)):
                    # "patients with D will receive / underwent / were treated with A"
                    self.emit(self.ent(a), "TREATS", self.ent(d), _clause_start(u, d), a)
        # therapy subjects of effect relations in a sentence with a context disease
        agents = {id(m): m for subs in self.subjects.values() for m, _f in subs
                  if self.pol.is_therapy(m)}
        ctx = [d for d in diseases if _is_context(u, d)]
        hedged = _scope_flags(u, 0, len(u))[1]
        for m in agents.values():
            for d in ctx:
                if (id(m), id(self.ent(d))) not in signed:
                    self.found.append(_Found(m, "TREATS", self.ent(d), False, hedged))


def _main_cell(found: list[_Found], units: list[_Unit], referent: Mention | None
               ) -> Mention | None:
    """The cell a following ``they``/``these cells`` refers to: kept when this sentence itself
    starts with an anaphor, else the first cell subject, else the first cell before a verb."""
    words = [x.low for x in units[:3] if not x.is_ent]
    if words and (words[0] in ("they", "their") or (
            len(words) > 1 and words[0] in ("these", "such") and words[1] in _CELL_NOUNS)):
        return referent
    for f in found:
        if f.subj.type == "CELL_TYPE":
            return f.subj
    for x in units:
        if x.trig is not None and x.trig.kind in ("V", "P"):
            break
        if x.is_ent and x.mention.type == "CELL_TYPE":
            return x.mention
    return referent
