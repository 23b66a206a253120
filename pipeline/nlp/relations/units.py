"""Sentence units: the flat token/entity list every relation rule reads.

A sentence becomes a list of :class:`Unit`: each entity of ``doc.ents`` is one unit (carrying
its :class:`~pipeline.model.Mention`), every other non-space token is one unit, and trigger
words from :class:`~pipeline.nlp.relations.lexicon.TriggerLexicon` are marked on the unit where
they start (multi-word triggers never cross an entity). A procedure-only THERAPY mention next
to its cell (``BM-MSC transplantation``) becomes a plain word: the cell is the agent.
:class:`Found` is a relation candidate before deduplication.

Example
-------
>>> u = Unit("mscs", Mention(0, 4, "MSCs", "CELL_TYPE"))
>>> u.is_ent, Unit("secrete").is_ent
(True, False)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ...model import Mention
from ..state import DocState
from .lexicon import Trigger, TriggerLexicon, load_triggers
from .words import DETERMINERS, THERAPY_NOUNS

__all__ = [
    "MentionOf", "Unit", "Found", "default_mention", "doc_words", "sentence_units",
    "mark_triggers", "units_of",
]


@dataclass(slots=True)
class Unit:
    """A token or an entity in a sentence."""

    low: str
    mention: Mention | None = None
    trig: Trigger | None = None
    trig_len: int = 1
    is_ent: bool = False

    def __post_init__(self) -> None:
        self.is_ent = self.mention is not None


@dataclass(slots=True)
class Found:
    """A relation candidate before sign/negation/hedge are finalised."""

    subj: Mention
    pred: str
    obj: Mention
    negated: bool
    hedged: bool


MentionOf = Callable[[Any], Mention]


def default_mention(span: Any, text: str | None = None, start: int | None = None,
                     end: int | None = None) -> Mention:
    """Mention of an entity span (``text``/``start``/``end`` override the Doc's own)."""
    name = ""
    if span.has_extension("canonical_name"):
        name = getattr(span._, "canonical_name", "") or ""
    if text is None:
        text, start, end = span.text, span.start_char, span.end_char
    return Mention(start, end, text, span.label_, span.kb_id_ or None, name or text)


def doc_words(doc: Any) -> list[str | None]:
    """Lowercased token texts of a Doc, ``None`` for whitespace tokens (one array read:
    creating Token objects per access is the slow part of pure-Python rules)."""
    words = DocState.of(doc).data.get("words")   # set by the tokenizer: reuse it
    if words is not None and len(words.text) == len(doc):
        return [None if t.isspace() else low for t, low in zip(words.text, words.lower)]
    from spacy.attrs import IS_SPACE, LOWER
    arr = doc.to_array([LOWER, IS_SPACE])
    strings = doc.vocab.strings
    return [None if sp else strings[int(lw)] for lw, sp in arr.tolist()]


def sentence_units(sent: Any, ents: list[Any], mention_of: MentionOf,
                    lex: TriggerLexicon, words: list[str | None] | None = None) -> list[Unit]:
    """The units of ``sent`` with its entities ``ents`` (sorted) and triggers marked.

    ``words`` is :func:`doc_words` of the Doc (computed when not given). For ``MSCs secrete
    HGF`` with two entities: ``[Unit("mscs", M1), Unit("secrete", trig=SEC), Unit("hgf", M2)]``.
    """
    units: list[Unit] = []
    ei = 0
    i = sent.start
    if words is None:
        words = doc_words(sent.doc)
    while i < sent.end:
        while ei < len(ents) and ents[ei].end <= i:
            ei += 1
        if ei < len(ents) and ents[ei].start == i:
            e = ents[ei]
            m = mention_of(e)
            units.append(Unit(m.text.lower(), m))
            i = e.end
            continue
        w = words[i]
        if w is not None:                   # line breaks inside sentences are not words
            units.append(Unit(w))
        i += 1
    # "BM-MSC transplantation", "infusion of UC-MSCs": the cell is the agent (guidelines:
    # cell therapies are the cell), so a procedure-only THERAPY mention becomes a plain word
    for j, u in enumerate(units):
        m = u.mention
        if m is None or m.type != "THERAPY" or u.low.split()[-1] not in THERAPY_NOUNS:
            continue
        p = j - 3 if j >= 3 and units[j - 1].low == ")" and units[j - 3].low == "(" else j - 1
        prev_cell = p >= 0 and units[p].mention is not None \
            and units[p].mention.type == "CELL_TYPE"     # "BM-MSC (...) transplantation"
        next_cell = j + 2 < len(units) and units[j + 1].low == "of" \
            and units[j + 2].mention is not None and units[j + 2].mention.type == "CELL_TYPE"
        if prev_cell or next_cell:
            units[j] = Unit(u.low.split()[-1])
    mark_triggers(units, lex)
    return units


def mark_triggers(units: list[Unit], lex: TriggerLexicon) -> None:
    """Mark the trigger words of ``lex`` on ``units`` in place (longest match; multi-word
    triggers never cross an entity; a one-word PROCESS entity can be a DIFF/POLAR trigger).

    >>> units = [Unit("mscs", Mention(0, 4, "MSCs", "CELL_TYPE")), Unit("secrete")]
    >>> mark_triggers(units, load_triggers()); units[1].trig.cls
    'SEC'
    """
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
            if t is not None and t.kind == "V" and j > 0 and lows[j - 1] in DETERMINERS:
                # "the decrease in ALT": the noun reading after a determiner
                t = next((x for x in lex.by_first.get(t.words[0], ())
                          if x.words == t.words and x.kind == "N"), t)
            if t is not None:
                u.trig, u.trig_len = t, len(t.words)
                j += len(t.words)
                continue
        j += 1


def units_of(*items: str | Mention, lex: TriggerLexicon | None = None) -> list[Unit]:
    """Units of a sentence given as lowercased words and mentions, triggers marked (default:
    the committed trigger lexicon); a short way to build a sentence for examples and tests.

    >>> [u.low for u in units_of(Mention(0, 4, "MSCs", "CELL_TYPE"), "secrete") if u.trig]
    ['secrete']
    """
    units = [Unit(x.text.lower(), x) if isinstance(x, Mention) else Unit(x) for x in items]
    mark_triggers(units, lex or load_triggers())
    return units
