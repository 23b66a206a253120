"""The per-document state of the NLP components, and the one Span -> Mention mapper.

Everything the components keep on a Doc lives in ONE ``Doc.user_data`` entry (``"mscgraph"``,
plain data so that Docs serialize), read and written through :class:`DocState`, which the
Doc extension ``doc._.mscgraph`` returns:

- ``norm``: the offset map back to the original text (set by the tokenizer);
- ``entities``: the entity matcher's record of ``doc.ents`` (:class:`Candidate` rows, with
  the canonical names ``Span._.canonical_name`` reads);
- ``words``: the token texts as plain lists (:class:`Words`), a per-run cache that is not
  serializable: the last component that reads it drops it (:meth:`DocState.drop_words`).

Example
-------
>>> import spacy
>>> doc = spacy.blank("en")("MSCs secrete HGF")
>>> state = DocState.of(doc)
>>> state.words.text, state.norm.original
(['MSCs', 'secrete', 'HGF'], 'MSCs secrete HGF')
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spacy.attrs import ORTH, SPACY
from spacy.tokens import Doc, Span

from ..model import Mention
from ..normalize import NormalizedText

__all__ = [
    "STATE_KEY", "Candidate", "Words", "DocState", "register_extensions", "norm_of",
    "original_offsets", "span_to_mention", "doc_mentions",
]

#: The ``Doc.user_data`` key of the state (a dict of plain data, see :class:`DocState`).
STATE_KEY = "mscgraph"


@dataclass(slots=True)
class Candidate:
    """A token span ``[start, end)`` with the concept it stands for."""

    start: int
    end: int
    type: str
    concept: str | None
    name: str
    priority: int
    rule: str = "lexicon"

    def overlaps(self, other: "Candidate") -> bool:
        """Whether the two token spans share a token."""
        return self.start < other.end and other.start < self.end

    def as_row(self) -> list[Any]:
        """The plain-data record kept in the Doc state (inverse: ``Candidate(*row)``)."""
        return [self.start, self.end, self.type, self.concept, self.name, self.priority,
                self.rule]


class Words:
    """Token texts of a doc as plain lists (iterating spaCy tokens is slow)."""

    __slots__ = ("text", "lower", "ws", "_cells")

    def __init__(self, doc: Doc | None, text: list[str] | None = None,
                 ws: list[bool] | None = None) -> None:
        if doc is not None:
            strings = doc.vocab.strings
            arr = doc.to_array([ORTH, SPACY]).tolist() if len(doc) else []
            text = [strings[o] for o, _ in arr]
            ws = [bool(sp) for _, sp in arr]
        self.text: list[str] = text or []
        self.lower = [t.lower() for t in self.text]
        self.ws: list[bool] = ws or []
        self._cells: list[int] | None = None

    def cell_nouns(self) -> list[int]:
        """Indices of the tokens ``cell``/``cells`` (any case), ascending; memoized."""
        if self._cells is None:
            out = []
            lower = self.lower
            for word in ("cell", "cells"):
                i = -1
                try:
                    while True:   # list.index scans in C
                        i = lower.index(word, i + 1)
                        out.append(i)
                except ValueError:
                    pass
            out.sort()
            self._cells = out
        return self._cells

    def span(self, a: int, b: int) -> str:
        """The text of tokens ``[a, b)``."""
        parts = []
        for i in range(a, b):
            parts.append(self.text[i])
            if self.ws[i] and i < b - 1:
                parts.append(" ")
        return "".join(parts)


class DocState:
    """Typed access to the one ``Doc.user_data`` entry of the components (see the module).

    >>> import spacy
    >>> doc = spacy.blank("en")("HSCs")
    >>> DocState.of(doc).entity_rows is None
    True
    """

    __slots__ = ("doc", "data")

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        data = doc.user_data.get(STATE_KEY)
        if data is None:
            data = doc.user_data[STATE_KEY] = {}
        self.data: dict[str, Any] = data

    @classmethod
    def of(cls, doc: Doc) -> "DocState":
        """The state of ``doc`` (also ``doc._.mscgraph``)."""
        return cls(doc)

    # -- normalization -------------------------------------------------------------------
    @property
    def norm(self) -> NormalizedText:
        """The offset map to the original text (identity when the tokenizer set none)."""
        d = self.data.get("norm")
        if not d:
            return NormalizedText(self.doc.text, self.doc.text)
        # the normalized text itself is not needed for mapping (and doc.text is costly)
        return NormalizedText.from_json("", d)

    def set_norm(self, norm: NormalizedText) -> None:
        """Record the tokenizer's normalization (as plain data)."""
        self.data["norm"] = norm.to_json()

    # -- token texts (transient) ---------------------------------------------------------
    @property
    def words(self) -> Words:
        """The token texts (built from the Doc when missing or stale)."""
        w = self.data.get("words")
        if w is None or len(w.text) != len(self.doc):
            w = self.data["words"] = Words(self.doc)
        return w

    def set_words(self, words: Words) -> None:
        """Keep the tokenizer's token texts for the components of this run."""
        self.data["words"] = words

    def drop_words(self) -> None:
        """Forget the token texts (not serializable); the last reader calls this."""
        self.data.pop("words", None)

    # -- entities ------------------------------------------------------------------------
    @property
    def entity_rows(self) -> list[list[Any]] | None:
        """The matcher's record of ``doc.ents`` (:meth:`Candidate.as_row`), or ``None``."""
        return self.data.get("entities")

    def set_entity_rows(self, rows: list[list[Any]]) -> None:
        """Replace the record of ``doc.ents`` (the caller sets ``doc.ents`` to match)."""
        self.data["entities"] = rows

    def candidates(self) -> list[Candidate]:
        """The entities as candidates (from the matcher's record, else ``doc.ents``)."""
        rows = self.entity_rows
        if rows is not None:
            return [Candidate(*c) for c in rows]
        return [Candidate(e.start, e.end, e.label_, e.kb_id_ or None, e.text, 50, "ent")
                for e in self.doc.ents]


def canonical_name(span: Span) -> str | None:
    """Getter of ``Span._.canonical_name``: the name the matcher gave this span."""
    for c in DocState.of(span.doc).entity_rows or ():
        if c[0] == span.start and c[1] == span.end:
            return c[4]
    return None


def register_extensions() -> None:
    """``doc._.mscgraph`` (:class:`DocState`) and ``Span._.canonical_name``."""
    Doc.set_extension(STATE_KEY, getter=DocState.of, force=True)
    Span.set_extension("canonical_name", getter=canonical_name, force=True)


def norm_of(doc: Doc) -> NormalizedText:
    """The offset map of ``doc`` to its original text (:attr:`DocState.norm`)."""
    return DocState.of(doc).norm


def original_offsets(doc: Doc, start_char: int, end_char: int, *,
                     norm: NormalizedText | None = None) -> tuple[int, int, str]:
    """Map a character span of ``doc.text`` to ``(start, end, text)`` in the original text."""
    norm = norm or norm_of(doc)
    a, b = norm.to_original(start_char, end_char)
    return a, b, norm.original[a:b]


def _trim(a: int, b: int, text: str) -> tuple[int, int, str]:
    """Drop hyphens and slashes left at the edges by tokenization (``CCl4-``)."""
    if len(text) > 1 and (text[-1] in "-/" or text[0] in "-/"):
        stripped = text.rstrip("-/")
        b -= len(text) - len(stripped)
        text = stripped.lstrip("-/")
        a = b - len(text)
    return a, b, text


def span_to_mention(doc: Doc, span: Span, *, norm: NormalizedText | None = None) -> Mention:
    """The :class:`~pipeline.model.Mention` of an entity span, offsets into the original.

    Hyphens and slashes left at the edges by tokenization (``CCl4-``) are trimmed.
    """
    a, b, text = _trim(*original_offsets(doc, span.start_char, span.end_char, norm=norm))
    name = (span._.canonical_name if Span.has_extension("canonical_name") else None) or text
    return Mention(a, b, text, span.label_, span.kb_id_ or None, name)


def doc_mentions(doc: Doc) -> list[Mention]:
    """Every entity of ``doc`` as a :class:`~pipeline.model.Mention` (original offsets).

    Canonical names come from the matcher's record in one pass (the ``Span._`` getter
    scans it per span); entities set by other code fall back to :func:`span_to_mention`.
    """
    state = DocState.of(doc)
    norm = state.norm
    rows = state.entity_rows
    if not rows:
        return [span_to_mention(doc, e, norm=norm) for e in doc.ents]
    names = {(r[0], r[1], r[2]): r[4] for r in rows}
    original = norm.original
    plain = not norm.segments
    out = []
    for e in doc.ents:
        label = e.label_
        name = names.get((e.start, e.end, label))
        if name is None:
            out.append(span_to_mention(doc, e, norm=norm))
            continue
        a, b = e.start_char, e.end_char
        if not plain:
            a, b = norm.to_original(a, b)
        a, b, text = _trim(a, b, original[a:b])
        out.append(Mention(a, b, text, label, e.kb_id_ or None, name or text))
    return out
