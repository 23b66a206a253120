"""``mscgraph_sentences``: rule-based sentence starts.

Not after e.g., vs., i.e., Fig., et al. (``sentence_abbreviations`` in
``pipeline/data/words.toml``), initials or decimals; always at hard newlines.

Example
-------
>>> import spacy
>>> doc = set_sentence_starts(spacy.blank("en")("Cells grew, e.g. HSCs. They died."))
>>> [s.text for s in doc.sents]
['Cells grew, e.g. HSCs.', 'They died.']
"""
from __future__ import annotations

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from .state import DocState
from .wordlists import SENTENCE_ABBREVIATIONS

__all__ = ["set_sentence_starts", "SentenceSplitter", "make_sentences"]

_SENT_MARKS = frozenset({".", "!", "?", "..."})


def set_sentence_starts(doc: Doc) -> Doc:
    """Rule-based sentence starts.

    A sentence starts at the first token, after a hard newline, and after ``.``/``!``/``?``
    followed by a capital, digit or bracket, unless the period closes an abbreviation
    (e.g., i.e., vs., Fig., et al.) or an initial.
    """
    n = len(doc)
    if not n:
        return doc
    w = DocState.of(doc).words
    text, ws = w.text, w.ws
    starts = [False] * n
    starts[0] = True
    marks = _SENT_MARKS
    # only marks and whitespace tokens can start a sentence after them
    for i in [k for k, t in enumerate(text) if t in marks or t.isspace()]:
        t = text[i]
        if t not in marks:
            if "\n" in t and i + 1 < n:
                starts[i + 1] = True
        elif i + 1 < n:
            j = i + 1
            while j < n and text[j] in ('"', "'", ")", "]") and not ws[j - 1]:
                j += 1
            if j < n and text[j].isspace():
                j += 1
            if j < n and (ws[i] or ws[j - 1] or text[j - 1].isspace()):
                nxt = text[j]
                prev = w.lower[i - 1] if i > 0 else ""
                # an initial is one Latin letter on its own ("J. Smith"); not the Greek
                # letter or suffix letter of a name ("TNF-α. WJ-MSCs", "IFN-γ. The")
                abbrev = t == "." and (prev.rstrip(".") in SENTENCE_ABBREVIATIONS
                                       or (len(prev) == 1 and prev.isascii() and prev.isalpha()
                                           and not (i > 1 and text[i - 2] == "-"
                                                    and not ws[i - 2])))
                if not abbrev and (nxt[:1].isupper() or nxt[:1].isdigit()
                                   or nxt[:1] in "([\"'"):
                    starts[j] = True
    # SENT_START is 1 (start) or -1 (not a start), as uint64
    arr = numpy.full((n, 1), numpy.iinfo(numpy.uint64).max, dtype=numpy.uint64)
    arr[[i for i, x in enumerate(starts) if x], 0] = 1
    doc.from_array([SENT_START], arr)
    return doc


class SentenceSplitter:
    """``mscgraph_sentences``: sets ``Token.is_sent_start`` (see :func:`set_sentence_starts`)."""

    def __init__(self, nlp: Language, name: str = "mscgraph_sentences") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        return set_sentence_starts(doc)


@Language.factory("mscgraph_sentences", default_config={}, assigns=["token.is_sent_start"])
def make_sentences(nlp: Language, name: str) -> SentenceSplitter:
    """Factory of :class:`SentenceSplitter`."""
    return SentenceSplitter(nlp, name)
