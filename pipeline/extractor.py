"""The extractor: text or articles in, :class:`~pipeline.model.Extraction` records out.

:class:`Extractor` wraps the spaCy pipeline of :func:`pipeline.nlp.build_nlp` (entities, then
relations) and adds the document context of :func:`pipeline.context.document_context`. Public
through :mod:`pipeline.extract`, which adds the batch path (store in, stored extractions out).

The extractor version is the package version plus a short hash of the extraction code and data
(this module, the lexicon, the NLP components, overrides, triggers), so any change to what
extraction produces makes stored extractions stale and the next ``mscgraph extract`` (or
nightly run) redoes them. The batch path (:mod:`pipeline.extract`: which articles, in which
batches, how failures are kept) is not part of it: changing it redoes nothing.

Example
-------
>>> ex = Extractor()                                        # doctest: +SKIP
>>> ex.extract_text("MSCs secrete HGF.", doc_id="x").relations[0].predicate   # doctest: +SKIP
'SECRETES'
"""
from __future__ import annotations

import gc
import hashlib
import re
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from . import __version__
from .context import document_context
from .model import Article, DocumentContext, Extraction

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

__all__ = ["Extractor", "extractor_version", "get_extractor", "fewer_collections",
           "clean_text"]

_PKG = Path(__file__).resolve().parent
#: Files and packages (every file below them) whose content defines what extraction produces:
#: a new module or data file under them changes the version without a list to keep.
_VERSIONED = ("model.py", "normalize.py", "lexicon", "nlp", "context.py", "extractor.py",
              "data")


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """``<package version>+<hash of extraction code and data>``, e.g. ``0.1.0+1a2b3c4d``."""
    h = hashlib.sha1()
    paths = []
    for name in _VERSIONED:
        p = _PKG / name
        paths += sorted(f for f in p.rglob("*") if f.is_file() and "__pycache__" not in f.parts
                        ) if p.is_dir() else [p]
    for p in paths:
        if p.is_file():
            h.update(p.relative_to(_PKG).as_posix().encode())
            h.update(p.read_bytes())
    return f"{__version__}+{h.hexdigest()[:8]}"


@contextmanager
def fewer_collections(threshold: int = 10_000) -> Iterator[None]:
    """Cheaper garbage collection for a batch run (restored afterwards).

    The objects alive on entry (the pipeline, its lexicon trie and caches: a few hundred
    thousand) are frozen (:func:`gc.freeze`), so full collections stop re-scanning them, and
    young-generation collections run every ``threshold`` allocations instead of 700. Both
    cut the time of a run by about a tenth; memory is unchanged (reference counting still
    frees everything that is not in a cycle).

    >>> with fewer_collections():
    ...     gc.get_threshold()[0] >= 10_000
    True
    """
    old = gc.get_threshold()
    was_frozen = gc.get_freeze_count() > 0
    gc.freeze()
    gc.set_threshold(max(threshold, old[0]), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)
        if not was_frozen:  # a caller's own freeze is theirs to undo
            gc.unfreeze()


_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """``text`` with lone surrogates (not encodable as UTF-8) replaced by U+FFFD.

    One character for one, so every offset into the text stays valid; ``text`` itself (the
    same object) when it has none, which callers may test with ``is``.

    >>> clean_text("IL-6\\ud800 rose") == "IL-6\\ufffd rose"
    True
    """
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


class Extractor:
    """Entities, relations and context for texts and articles.

    Parameters
    ----------
    nlp : spacy.language.Language, optional
        A pipeline from :func:`pipeline.nlp.build_nlp`; built lazily when omitted.
    relations : bool
        Extract relations too (default) or entities only.
    context : bool
        Add the document context (species, design, ...; default); without it the
        extractions carry an empty :class:`~pipeline.model.DocumentContext`.
    batch_size : int
        Batch size for ``nlp.pipe``.

    Batch methods run under :func:`fewer_collections` while they are being consumed.
    """

    def __init__(self, nlp: "Language | None" = None, *, relations: bool = True,
                 context: bool = True, batch_size: int = 64) -> None:
        self._nlp = nlp
        self.relations = relations
        self.context = context
        self.batch_size = batch_size
        self.version = extractor_version()

    @property
    def nlp(self) -> "Language":
        """The spaCy pipeline (built on first use)."""
        if self._nlp is None:
            from .nlp import build_nlp
            self._nlp = build_nlp(relations=self.relations)
        return self._nlp

    def _to_extraction(self, doc: Any, doc_id: str, text: str,
                       article: Article | None) -> Extraction:
        from .nlp import doc_mentions
        mentions = tuple(doc_mentions(doc))
        rels = tuple(doc._.relations or ()) if doc.has_extension("relations") else ()
        ctx = document_context(text, article) if self.context else DocumentContext()
        return Extraction(doc_id, mentions, rels, ctx)

    def extract_text(self, text: str, doc_id: str = "", article: Article | None = None
                     ) -> Extraction:
        """Extract from one text (title, newline, abstract)."""
        text = clean_text(text or "")
        if not text.strip():
            ctx = document_context(text, article) if self.context else DocumentContext()
            return Extraction(doc_id, (), (), ctx)
        return self._to_extraction(self.nlp(text), doc_id, text, article)

    def extract_texts(self, items: Iterable[tuple[str, str]], *, batch_size: int | None = None
                      ) -> Iterator[Extraction]:
        """Extract from ``(doc_id, text)`` pairs, streaming through ``nlp.pipe``."""
        cleaned = ((doc_id, clean_text(text or "")) for doc_id, text in items)
        pairs = ((text, (doc_id, text)) for doc_id, text in cleaned)
        nlp = self.nlp
        with fewer_collections():
            for doc, (doc_id, text) in nlp.pipe(pairs, as_tuples=True,
                                                batch_size=batch_size or self.batch_size):
                yield self._to_extraction(doc, doc_id, text, None)

    def extract_articles(self, articles: Iterable[Article], *, batch_size: int | None = None
                         ) -> Iterator[tuple[Article, Extraction]]:
        """Extract from articles (their :attr:`Article.text`), streaming."""
        cleaned = ((a, clean_text(a.text)) for a in articles)
        pairs = ((text, (a, text)) for a, text in cleaned)
        nlp = self.nlp
        with fewer_collections():
            for doc, (article, text) in nlp.pipe(pairs, as_tuples=True,
                                                 batch_size=batch_size or self.batch_size):
                yield article, self._to_extraction(doc, article.pmid, text, article)


@lru_cache(maxsize=2)
def get_extractor(relations: bool = True) -> Extractor:
    """A process-wide cached :class:`Extractor` (building the pipeline takes a moment)."""
    return Extractor(relations=relations)
