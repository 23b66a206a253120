"""Sentence units for the relation rules, and the helpers that scan them.

A sentence becomes a flat list of :class:`_Unit`: each entity of ``doc.ents`` is one unit
(carrying its :class:`~pipeline.model.Mention`), every other non-space token is one unit, and
trigger words from :class:`~pipeline.relation_lexicon.TriggerLexicon` are marked on the unit
where they start (multi-word triggers never cross an entity). The helpers here look left and
right over units: coordinated entity groups, clause / hedge / negation scope starts, study
context phrases (``in patients with X``) and head modifiers (``CCl4-induced``).

Package-internal: :mod:`pipeline.relation_rules` and :mod:`pipeline.relations` use these.

Example
-------
>>> units = [_Unit("mscs", Mention(0, 4, "MSCs", "CELL_TYPE")), _Unit(","), _Unit("however")]
>>> _clause_start(units, 3), units[0].is_ent
(3, True)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .model import Mention
from .relation_lexicon import Trigger, TriggerLexicon
from .relation_words import (
    _ADV, _BLOCK, _CLASS_NOUNS, _CLAUSE, _COORD, _DETERMINERS, _HEAD_MODIFIERS, _HEDGE,
    _LOCATIVE_HEADS, _NEG, _NOT_ADVERBS, _PREPS, _REAL_ADV, _THERAPY_NOUNS,
)

__all__ = [
    "MentionOf", "_Unit", "_Found", "_default_mention", "_doc_words", "_sentence_units",
    "_left_group", "_is_ly_adverb", "_skip_left", "_is_context", "_is_head_modifier",
    "_clause_start", "_scope_start", "_negation_start", "_scope_flags",
]


# --------------------------------------------------------------------------------------------
# units


@dataclass(slots=True)
class _Unit:
    """A token or an entity in a sentence."""

    low: str
    mention: Mention | None = None
    trig: Trigger | None = None
    trig_len: int = 1
    is_ent: bool = False

    def __post_init__(self) -> None:
        self.is_ent = self.mention is not None


@dataclass(slots=True)
class _Found:
    """A relation candidate before sign/negation/hedge are finalised."""

    subj: Mention
    pred: str
    obj: Mention
    negated: bool
    hedged: bool


MentionOf = Callable[[Any], Mention]


def _default_mention(span: Any, text: str | None = None, start: int | None = None,
                     end: int | None = None) -> Mention:
    """Mention of an entity span (``text``/``start``/``end`` override the Doc's own)."""
    name = ""
    if span.has_extension("canonical_name"):
        name = getattr(span._, "canonical_name", "") or ""
    if text is None:
        text, start, end = span.text, span.start_char, span.end_char
    return Mention(start, end, text, span.label_, span.kb_id_ or None, name or text)


def _doc_words(doc: Any) -> list[str | None]:
    """Lowercased token texts of a Doc, ``None`` for whitespace tokens (one array read:
    creating Token objects per access is the slow part of pure-Python rules)."""
    words = doc.user_data.get("mscgraph.words")   # set by the NER tokenizer: reuse it
    if words is not None and len(words.text) == len(doc):
        return [None if t.isspace() else low for t, low in zip(words.text, words.lower)]
    from spacy.attrs import IS_SPACE, LOWER
    arr = doc.to_array([LOWER, IS_SPACE])
    strings = doc.vocab.strings
    return [None if sp else strings[int(lw)] for lw, sp in arr.tolist()]


def _sentence_units(sent: Any, ents: list[Any], mention_of: MentionOf,
                    lex: TriggerLexicon, words: list[str | None] | None = None) -> list[_Unit]:
    units: list[_Unit] = []
    ei = 0
    i = sent.start
    if words is None:
        words = _doc_words(sent.doc)
    while i < sent.end:
        while ei < len(ents) and ents[ei].end <= i:
            ei += 1
        if ei < len(ents) and ents[ei].start == i:
            e = ents[ei]
            m = mention_of(e)
            units.append(_Unit(m.text.lower(), m))
            i = e.end
            continue
        w = words[i]
        if w is not None:                   # line breaks inside sentences are not words
            units.append(_Unit(w))
        i += 1
    # "BM-MSC transplantation", "infusion of UC-MSCs": the cell is the agent (guidelines:
    # cell therapies are the cell), so a procedure-only THERAPY mention becomes a plain word
    for j, u in enumerate(units):
        m = u.mention
        if m is None or m.type != "THERAPY" or u.low.split()[-1] not in _THERAPY_NOUNS:
            continue
        p = j - 3 if j >= 3 and units[j - 1].low == ")" and units[j - 3].low == "(" else j - 1
        prev_cell = p >= 0 and units[p].mention is not None \
            and units[p].mention.type == "CELL_TYPE"     # "BM-MSC (...) transplantation"
        next_cell = j + 2 < len(units) and units[j + 1].low == "of" \
            and units[j + 2].mention is not None and units[j + 2].mention.type == "CELL_TYPE"
        if prev_cell or next_cell:
            units[j] = _Unit(u.low.split()[-1])
    # triggers over non-entity units (multi-word triggers must not cross entities)
    lows = [u.low if not u.is_ent else "\x00" for u in units]
    j = 0
    while j < len(units):
        u = units[j]
        if u.is_ent and u.mention.type == "PROCESS" and " " not in u.low:
            t = lex.match([u.low], 0)
            if t is not None and t.cls in ("DIFF", "POLAR"):
                u.trig = t
        if not u.is_ent:
            t = lex.match(lows, j)
            if t is not None and t.kind == "V" and j > 0 and lows[j - 1] in _DETERMINERS:
                # "the decrease in ALT": the noun reading after a determiner
                t = next((x for x in lex.by_first.get(t.words[0], ())
                          if x.words == t.words and x.kind == "N"), t)
            if t is not None:
                u.trig, u.trig_len = t, len(t.words)
                j += len(t.words)
                continue
        j += 1
    return units


# --------------------------------------------------------------------------------------------
# helpers over units


def _left_group(units: list[_Unit], k: int, lo: int = 0) -> list[int]:
    """Entity ``k`` plus the same-type entities coordinated with it on its left (``A, B and C``)."""
    out = [k]
    j = k - 1
    gap = 0
    typ = units[k].mention.type if units[k].mention else ""
    while j >= lo:
        u = units[j]
        if u.is_ent:
            if u.mention.type != typ or _is_context(units, j):
                break
            out.append(j)
            gap = 0
        elif u.low in _COORD and u.low not in ("of", "the", "a", "an", "in") and gap < 4:
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
                _PREPS | {",", "and", "or"}):
            b -= 1
        if b >= lo and units[b].low in _PREPS:
            return [k]
    return sorted(out)


def _is_ly_adverb(w: str) -> bool:
    """``drastically``, ``presumably``: an adverb not in the word lists."""
    return len(w) > 5 and w.endswith("ly") and w.isalpha() and w not in _NOT_ADVERBS


def _skip_left(units: list[_Unit], k: int, lo: int, skip: set[str]) -> int:
    """Index of the first unit left of ``k`` not in ``skip`` (``lo - 1`` when none); adverbs
    in ``-ly`` are skipped too when ``skip`` is an adverb list."""
    adverbs = skip is _ADV or skip is _REAL_ADV or "significantly" in skip
    j = k - 1
    while j >= lo and not units[j].is_ent and units[j].trig is None and (
            units[j].low in skip or (adverbs and _is_ly_adverb(units[j].low))):
        j -= 1
    return j


def _is_context(units: list[_Unit], k: int) -> bool:
    """Mention ``k`` is a study-context phrase (``in patients with X``, ``X mice``)."""
    s = k
    if k >= 2 and units[k - 1].low in _HEAD_MODIFIERS and not units[k - 1].is_ent:
        if units[k - 2].is_ent and units[k - 2].low.endswith("-"):
            s = k - 2                   # "with CCl4- induced fibrosis"
        elif k >= 3 and units[k - 2].low == "-" and units[k - 3].is_ent:
            s = k - 3                   # "with CCl4-induced fibrosis"
    before = [units[j].low for j in range(max(0, s - 3), s) if not units[j].is_ent]
    after = units[k + 1].low if k + 1 < len(units) else ""
    after2 = units[k + 2].low if k + 2 < len(units) else ""
    if after in _LOCATIVE_HEADS or (after == "-" and after2 in _LOCATIVE_HEADS):
        return True
    if before and before[-1] == "with" and len(before) >= 2 and before[-2] in _LOCATIVE_HEADS:
        return True
    if before and before[-1] == "of" and len(before) >= 2 and before[-2] in _LOCATIVE_HEADS:
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
                and units[j - 1].low in _LOCATIVE_HEADS:
            return True
    return False


def _is_head_modifier(units: list[_Unit], k: int) -> bool:
    """Entity ``k`` only qualifies the next noun (``CCl4-induced``, ``ligation-induced``);
    not when that noun is a generic class (``autophagy-related genes`` stands for the entity)."""
    if k + 2 < len(units) and units[k + 1].low == "-" and units[k + 2].low in _HEAD_MODIFIERS:
        m = k + 2
    elif units[k].low.endswith("-") and k + 1 < len(units) and units[k + 1].low in _HEAD_MODIFIERS:
        m = k + 1
    else:
        return False
    return not (m + 1 < len(units) and units[m + 1].low in _CLASS_NOUNS)


def _clause_start(units: list[_Unit], t: int) -> int:
    j = t - 1
    while j >= 0:
        u = units[j]
        if not u.is_ent and (u.low in _CLAUSE or u.low == "."):
            return j + 1
        if not u.is_ent and u.low == "that" and j > 0 and not units[j - 1].is_ent:
            return j + 1
        j -= 1
    return 0


def _scope_start(units: list[_Unit], t: int) -> int:
    """Start of the hedge scope of ``t``: the sentence, cut at strong clause breaks only."""
    for j in range(t - 1, -1, -1):
        if not units[j].is_ent and units[j].low in (";", "while", "whereas", "although",
                                                      "whilst", "however"):
            return j + 1
    return 0


def _negation_start(units: list[_Unit], lo: int, t: int) -> int:
    """Start of the negation scope of ``t``: its clause, cut after a contrastive ``but`` /
    ``yet`` (``did not improve A, but they reduced B``: B is not negated)."""
    for j in range(t - 1, lo - 1, -1):
        if not units[j].is_ent and units[j].low in ("but", "yet", "instead", "rather"):
            if units[j].low == "but" and j + 1 < len(units) and units[j + 1].low == "also":
                continue        # "not only A but also B"
            return j + 1
    return lo


def _scope_flags(units: list[_Unit], lo: int, hi: int) -> tuple[bool, bool, bool]:
    """(negated, hedged, blocked) cues among units ``lo..hi-1``."""
    neg = hedge = block = aim = aim_block = False
    for j in range(max(lo, 0), hi):
        u = units[j]
        if u.is_ent:
            continue
        w = u.low
        if w in _NEG:
            nxt = units[j + 1].low if j + 1 < len(units) else ""
            if not (w == "not" and nxt == "only") and not (
                    w in ("absence", "lack") and nxt == "of"):   # loss of function
                neg = True
        if w in _HEDGE and not (w in ("could", "would") and j + 1 < len(units)
                                and units[j + 1].low in ("not", "n't")):
            hedge = True            # "could not suppress" is a failure, not a hedge
        if w == "whether" or (w in _BLOCK and j > 0 and units[j - 1].low == "to") or (
                w == "if" and j > 0 and units[j - 1].low in _BLOCK):
            block = True
        elif w in _BLOCK and j > 0 and units[j - 1].low == "we":
            aim = True          # "we evaluated the ability of X to ...": a study aim
        elif aim and w in ("ability", "capacity", "potential", "efficacy"):
            aim_block = True
        elif aim and w in ("that", "found", "showed", "revealed", "demonstrated", "and"):
            aim_block = aim = False     # "we examined X and found that ...": a stated result
    return neg, hedge, block or aim_block
