"""``mscgraph_abbreviations``: abbreviation definitions resolved inside a document.

Added by :func:`pipeline.nlp.build_nlp` after ``mscgraph_entities``, it finds definitions
such as ``hepatic stellate cells (HSCs)`` (:mod:`.definitions`, plus
:func:`fallback_definitions`: ``ataxia-telangiectasia (A-T)``-like forms right after an
entity with the same first letter) and gives every occurrence of a defined short form its
long form's type and concept.

Not supported: short forms longer than ``max_short_len`` characters in the resolution step.

Example
-------
>>> import spacy
>>> nlp = spacy.blank("en")
>>> doc = AbbreviationResolver(nlp)(nlp("hepatic stellate cells (HSCs) grew"))
>>> [(s.text, s._.long_form.text) for s in doc._.abbreviations]
[('HSCs', 'hepatic stellate cells')]
"""
from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span

from .definitions import Definition, find_definitions, parenthesis_spans
from .entities import resolve_overlaps, set_entities, subtoken_keys
from .state import Candidate, DocState
from .wordlists import DISEASE_HEADS, FUNCTION_WORDS, NOT_DISEASE

__all__ = [
    "fallback_definitions", "resolve_definitions", "resolve_abbreviations",
    "AbbreviationResolver", "make_abbreviations",
]


# ---------------------------------------------------------------------------------------------
# fallback definitions

def fallback_definitions(doc: Doc, spans: list[tuple[int, int]], have: set[int],
                         acronyms: Mapping[str, Sequence[Any]] | None = None
                         ) -> list[Definition]:
    """``ataxia-telangiectasia (A-T)``: a one-word short form right after an entity that
    starts with the same letter (forms the short-form filter rejects, e.g. with 1-letter
    parts), or that ``acronyms`` (short form -> lexicon entries with a ``concept``: the
    lexicon's ambiguous acronyms) lists for the entity's concept, or that are the entity's
    initials in another order: ``myotonic dystrophy (DM)``. ``have``: short-form starts
    already defined."""
    w = DocState.of(doc).words
    ends: dict[int, Candidate] | None = None
    out: list[Definition] = []
    for s, e in spans:
        if s in have or e - s > 3 or s < 2:
            continue
        short = w.span(s, e)
        if " " in short or not 2 <= len(short) <= 10 or not any(ch.isupper() for ch in short):
            continue
        if ends is None:
            ends = {c.end: c for c in DocState.of(doc).candidates()}
        ent = ends.get(s - 1)
        if ent is None:
            continue
        if w.text[ent.start][:1].lower() != short[:1].lower() and not (
                acronyms and ent.concept and
                any(x.concept == ent.concept for x in acronyms.get(short, ()))) \
                and not _permuted_initials(short, w.text[ent.start:ent.end]):
            continue
        out.append((s, e, ent.start, ent.end))
    return out


def _permuted_initials(short: str, long_words: Sequence[str]) -> bool:
    """Whether an all-capital short form is the initials of the long form's last words in
    another order, as in acronyms of Latin names: ``DM`` for *(congenital) myotonic
    dystrophy* (dystrophia myotonica).

    >>> _permuted_initials("DM", ["congenital", "myotonic", "dystrophy"])
    True
    >>> _permuted_initials("MD", ["muscular", "dystrophy", "type", "2"])
    False
    """
    n = len(short)
    if not (short.isalpha() and short.isupper() and 2 <= n <= 6) or len(long_words) < n:
        return False
    tail = long_words[-n:]
    return all(t[:1].isalpha() for t in tail) and \
        sorted(t[0].upper() for t in tail) == sorted(short)


# ---------------------------------------------------------------------------------------------
# resolution

def resolve_abbreviations(doc: Doc, pairs: list[tuple[Span, Span]], *,
                          drop_undefined: bool = True, max_short_len: int = 8
                          ) -> list[Candidate]:
    """Give each defined short form its long form's concept throughout the document.

    Parameters
    ----------
    doc : Doc
        A document with ``doc.ents`` set.
    pairs : list of (short, long) spans
        The definitions (``hepatic stellate cells (HSCs)`` -> ``(HSCs, hepatic stellate
        cells)``); pairs with ``long`` = ``None`` are ignored.
    drop_undefined : bool
        When a short form is defined by a long form that is not an entity, remove lexicon
        entities on that short form (it means something else in this document).

    Returns
    -------
    list of Candidate
        The new entity candidates of the document.
    """
    defs = [(s.start, s.end, lf.start, lf.end) for s, lf in pairs if lf is not None]
    return resolve_definitions(doc, defs, drop_undefined=drop_undefined,
                               max_short_len=max_short_len)


def resolve_definitions(doc: Doc, pairs: list[Definition], *, drop_undefined: bool = True,
                        max_short_len: int = 8) -> list[Candidate]:
    """:func:`resolve_abbreviations` on token-index definitions (no spans needed)."""
    cands = DocState.of(doc).candidates()
    by_end: dict[int, Candidate] = {}
    for c in cands:
        by_end[c.end] = c
    w = DocState.of(doc).words
    words = w.text
    defs: dict[tuple[str, ...], Candidate | None] = {}
    for s0, s1, l0, l1 in pairs:
        st = w.span(s0, s1)
        if len(st) > max_short_len:
            continue
        if len(st) >= len(w.span(l0, l1)) or not any(ch.isupper() or ch.isdigit() for ch in st):
            continue  # "miR-126 (MSC ...)", "(mice)": not a definition
        key = tuple(e for t in words[s0:s1] for _, e in subtoken_keys(t))
        if key in defs and defs[key] is not None:
            continue
        e = by_end.get(l1)
        if e is not None and e.start < l1 and e.end > l0 and not (e.start <= s0 and s1 <= e.end):
            defs[key] = e
            continue
        disease = _unknown_disease(doc, l0, l1, cands)
        if disease is not None:
            cands.append(disease)
            by_end[disease.end] = disease
            defs[key] = disease
        elif key not in defs:
            defs[key] = None
    if not defs:
        return cands
    n = len(doc)
    new: list[Candidate] = []
    drop: list[tuple[int, int]] = []
    tok_keys: list[tuple[str, ...] | None] = [None] * n

    def keys_at(j: int) -> tuple[str, ...]:
        k = tok_keys[j]
        if k is None:
            k = tok_keys[j] = tuple(x for _, x in subtoken_keys(words[j]))
        return k

    firsts = {k[0] for k in defs if k}
    first_chars = {k[0][:1] for k in firsts}
    for i in [i for i, t in enumerate(words) if t[:1] in first_chars]:
        if not keys_at(i) or keys_at(i)[0] not in firsts:
            continue
        for key, e in defs.items():
            got: tuple[str, ...] = ()
            j = i
            while j < n and len(got) < len(key):
                got += keys_at(j)
                j += 1
            if got != key:
                continue
            ln = j - i
            if e is None:
                if drop_undefined:
                    drop.append((i, i + ln))
                continue
            new.append(Candidate(i, i + ln, e.type, e.concept, e.name, e.priority, "abbrev"))
    if drop:
        dropped = set(drop)
        cands = [c for c in cands if (c.start, c.end) not in dropped]
    # token masks: which tokens the new candidates / the kept entities cover
    in_new = bytearray(n)
    for x in new:
        in_new[x.start:x.end] = b"\x01" * (x.end - x.start)
    covering: dict[int, list[Candidate]] = {}   # token -> the new candidates on it
    for x in new:
        for t in range(x.start, x.end):
            covering.setdefault(t, []).append(x)
    keep = []
    for c in cands:
        if in_new.find(1, c.start, c.end) < 0:
            keep.append(c)
            continue
        inside = [x for t in range(c.start, c.end) for x in covering.get(t, ())]
        if inside and not any(c.start < x.start or x.end < c.end for x in inside):
            continue  # replaced by the document's definition
        keep.append(c)  # (a longer entity containing the short form stays)
    in_keep = bytearray(n)
    for c in keep:
        in_keep[c.start:c.end] = b"\x01" * (c.end - c.start)
    for x in new:
        if in_keep.find(1, x.start, x.end) < 0:
            keep.append(x)
    keep.sort(key=lambda c: c.start)
    return keep


_DISEASE_SUFFIX_RE = re.compile(r"(itis|oma|emia|aemia|pathy|plasia|trophy|osis)$")


def _unknown_disease(doc: Doc, start: int, end: int, cands: list[Candidate]
                     ) -> Candidate | None:
    """A defined long form the lexicon lacks, named like a disease: ``Norrie disease (ND)``.

    The span is the long form without leading function words; it must not overlap another
    entity. Returns a DISEASE candidate without a concept id, or ``None``.
    """
    w = DocState.of(doc).words
    while start < end and (w.lower[start] in FUNCTION_WORDS or not w.text[start][:1].isalnum()):
        start += 1
    if end - start < 1 or end - start > 6:
        return None
    head = subtoken_keys(w.text[end - 1])
    last = head[-1][0] if head else ""
    if last in NOT_DISEASE or not (last in DISEASE_HEADS or _DISEASE_SUFFIX_RE.search(last)):
        return None
    if any(c.start < end and start < c.end for c in cands):
        return None
    text = w.span(start, end)
    return Candidate(start, end, "DISEASE", None, text, 20, "abbrev_long")


def _non_overlapping(cands: list[Candidate]) -> bool:
    """Sorted by start, non-empty and disjoint (then :func:`resolve_overlaps` keeps all)."""
    prev = -1
    for c in cands:
        if c.start < prev or c.end <= c.start:
            return False
        prev = c.end
    return True


# ---------------------------------------------------------------------------------------------
# component

class AbbreviationResolver:
    """``mscgraph_abbreviations``: abbreviation detection + in-document resolution.

    Sets ``Doc._.abbreviations`` (the defining short-form spans, each with
    ``Span._.long_form``; plain dicts with ``make_serializable``) and rewrites ``doc.ents`` so
    every occurrence of a defined short form carries its long form's type and concept (see
    :func:`resolve_abbreviations`).

    Parameters
    ----------
    drop_undefined : bool
        Remove lexicon entities on short forms whose long form is not an entity.
    max_short_len : int
        Longer short forms are not resolved (they stay in ``Doc._.abbreviations``).
    make_serializable : bool
        Plain-data abbreviations (scispacy's form), needed for ``nlp.pipe(n_process>1)``.
    """

    def __init__(self, nlp: Language, name: str = "mscgraph_abbreviations", *,
                 drop_undefined: bool = True, max_short_len: int = 8,
                 make_serializable: bool = False) -> None:
        Doc.set_extension("abbreviations", default=[], force=True)
        Span.set_extension("long_form", default=None, force=True)
        self.name = name
        self.drop_undefined = drop_undefined
        self.max_short_len = max_short_len
        self.make_serializable = make_serializable
        self._nlp = nlp

    @property
    def acronyms(self) -> Mapping[str, Sequence[Any]]:
        """The entity matcher's ambiguous acronyms (:attr:`pipeline.nlp.entities.TermTrie.acronyms`);
        empty without a ``mscgraph_entities`` component. Read on each call, so a trie
        assigned to the matcher later is used."""
        try:
            trie = self._nlp.get_pipe("mscgraph_entities").trie
        except (KeyError, AttributeError):
            return {}
        return getattr(trie, "acronyms", None) or {}

    def __call__(self, doc: Doc) -> Doc:
        w = DocState.of(doc).words
        pairs: list[Definition] = []
        if "(" in w.text:
            spans = parenthesis_spans(w.text)
            pairs = find_definitions(w.text, w.ws, spans)
            pairs += fallback_definitions(doc, spans, {p[0] for p in pairs}, self.acronyms)
        if pairs:
            cands = resolve_definitions(doc, pairs, drop_undefined=self.drop_undefined,
                                        max_short_len=self.max_short_len)
            if not _non_overlapping(cands):
                cands = resolve_overlaps(cands)
            if [c.as_row() for c in cands] != DocState.of(doc).entity_rows:
                set_entities(doc, cands)
        self.set_annotations(doc, pairs)
        return doc

    def set_annotations(self, doc: Doc, pairs: list[Definition]) -> None:
        """``Doc._.abbreviations`` and ``Span._.long_form`` of the definitions."""
        shorts = []
        for s0, s1, l0, l1 in pairs:
            short = doc[s0:s1]
            long = doc[l0:l1]
            short._.long_form = long.text if self.make_serializable else long
            shorts.append((short, long))
        if self.make_serializable:
            doc._.abbreviations = [
                {"short_text": s.text, "short_start": s.start, "short_end": s.end,
                 "long_text": lf.text, "long_start": lf.start, "long_end": lf.end}
                for s, lf in shorts]
        else:
            doc._.abbreviations = [s for s, _ in shorts]


@Language.factory("mscgraph_abbreviations",
                  default_config={"drop_undefined": True, "max_short_len": 8,
                                  "make_serializable": False},
                  assigns=["doc._.abbreviations", "doc.ents"])
def make_abbreviations(nlp: Language, name: str, drop_undefined: bool,
                       max_short_len: int, make_serializable: bool) -> AbbreviationResolver:
    """Factory of :class:`AbbreviationResolver` (``make_serializable``: plain-data
    abbreviations, needed for ``nlp.pipe(n_process>1)``)."""
    return AbbreviationResolver(nlp, name, drop_undefined=drop_undefined,
                                max_short_len=max_short_len,
                                make_serializable=make_serializable)
