"""``mscgraph_linker``: document-context disambiguation and fuzzy normalization.

The exact lexicon matching happens in ``mscgraph_entities``; this component revisits the
concepts with the whole document in view (:func:`link_context`), gives mentions the exact
trie left without a concept the lexicon concept scispacy's candidate generator finds above
a similarity threshold (:func:`link_fuzzy`, :mod:`pipeline.lexicon.fuzzy`) and, as the last
reader of the per-run token texts (unless a later component takes them over), drops them from
the Doc state.

>>> import spacy
>>> nlp = spacy.blank("en")
>>> Linker(nlp)(nlp("no entities here")).ents
()
"""
from __future__ import annotations

import re
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from ..lexicon.fuzzy import FuzzyLinker, load_fuzzy_linker
from .entities import set_entities
from .entities.loading import cache_dir, iter_lexicon_rows, lexicon_fingerprint
from .state import DocState, register_extensions

__all__ = ["link_context", "link_fuzzy", "project_fuzzy_linker", "Linker", "make_linker"]

_HAEMATO_RE = re.compile(r"ha?ematopoietic|hematopoiesis|haematopoiesis|bone marrow transplant",
                         re.I)


_LIVER_RE = re.compile(r"liver|hepat|cirrho")


def link_context(doc: Doc) -> None:
    """Context rules over the whole document.

    - HSC means haematopoietic stem cell only when the text says so (else hepatic stellate
      cell, as the guidelines ask for liver papers).
    - A bare "fibrosis" is liver fibrosis (``MESH:D008103``, the guidelines' liver-context id)
      only in a text about the liver; elsewhere ("renal fibrosis ... fibrosis") it is
      ``MESH:D005355`` Fibrosis.
    """
    state = DocState.of(doc)
    rows = state.entity_rows   # the entities as plain data (cheaper than ents)
    if not (rows if rows is not None else doc.ents):
        return
    text = state.norm.original
    lower = text.lower()
    # substring tests first: the case-insensitive regex search costs more
    haemato = "stellate" not in lower and ("ematopoie" in lower or "marrow transplant" in lower) \
        and _HAEMATO_RE.search(text) is not None
    other_organ = "fibros" in lower and not _LIVER_RE.search(lower)
    if not (haemato or other_organ):
        return
    cands = state.candidates()
    w = state.words
    changed = False
    for c in cands:
        if haemato and c.concept == "CL:0000632" \
                and w.span(c.start, c.end).rstrip("s").upper() == "HSC":
            c.concept, c.name, changed = "CL:0000037", "hematopoietic stem cell", True
        elif other_organ and c.concept == "MESH:D008103" \
                and w.span(c.start, c.end).lower() in ("fibrosis", "fibroses"):
            c.concept, c.name, changed = "MESH:D005355", "Fibrosis", True
    if changed:
        set_entities(doc, cands)


@lru_cache(maxsize=1)
def project_fuzzy_linker() -> FuzzyLinker:
    """The project lexicon's fuzzy linker, built once per lexicon version into the user cache
    (about 6 s CPU) and loaded from there afterwards."""
    folder = cache_dir() / f"fuzzy-{lexicon_fingerprint()}"
    return load_fuzzy_linker(folder, iter_lexicon_rows())


def link_fuzzy(doc: Doc, linker: FuzzyLinker) -> None:
    """Give each mention without a concept the one ``linker`` finds for its text and type."""
    state = DocState.of(doc)
    rows = state.entity_rows
    if not rows or all(r[3] for r in rows):
        return
    cands = state.candidates()
    w = state.words
    changed = False
    for c in cands:
        if c.concept is None:
            got = linker.link(w.span(c.start, c.end), c.type)
            if got is not None:
                c.concept, c.name = got
                changed = True
    if changed:
        set_entities(doc, cands)


class Linker:
    """``mscgraph_linker``: context disambiguation and canonical names.

    Ensures every entity has ``ent.kb_id_`` (possibly empty) and ``Span._.canonical_name``.
    """

    def __init__(self, nlp: Language, name: str = "mscgraph_linker", *,
                 context_rules: bool = True, keep_words: bool = False,
                 fuzzy: bool = True) -> None:
        register_extensions()
        self.name = name
        self.context_rules = context_rules
        self.keep_words = keep_words
        self.fuzzy = fuzzy
        self._fuzzy_linker: FuzzyLinker | None = None

    @property
    def fuzzy_linker(self) -> FuzzyLinker:
        """The fuzzy linker (the project lexicon's, loaded on first use; assign another)."""
        if self._fuzzy_linker is None:
            self._fuzzy_linker = project_fuzzy_linker()
        return self._fuzzy_linker

    @fuzzy_linker.setter
    def fuzzy_linker(self, value: FuzzyLinker) -> None:
        self._fuzzy_linker = value

    def __call__(self, doc: Doc) -> Doc:
        if self.context_rules:
            link_context(doc)
        if self.fuzzy:
            link_fuzzy(doc, self.fuzzy_linker)
        if not self.keep_words:  # a per-run cache, not serializable: the last reader drops it
            DocState.of(doc).drop_words()
        return doc


@Language.factory("mscgraph_linker", default_config={"context_rules": True,
                                                      "keep_words": False, "fuzzy": True},
                  assigns=["span._.canonical_name"])
def make_linker(nlp: Language, name: str, context_rules: bool, keep_words: bool,
                fuzzy: bool) -> Linker:
    """Factory of :class:`Linker` (``keep_words``: leave the tokenizer's word list on the Doc
    for a later component, which then removes it; ``fuzzy``: link mentions without a concept
    through :mod:`pipeline.lexicon.fuzzy`)."""
    return Linker(nlp, name, context_rules=context_rules, keep_words=keep_words, fuzzy=fuzzy)
