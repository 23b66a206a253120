"""Where a graph reads its evidence sentences on demand: memory or the store's extractions.

A graph built by aggregation (:mod:`.aggregate`) holds counts, not sentences; when a query needs
sentences (evidence tables, exports, paths) it asks its :class:`EvidenceSource` for the articles
behind the statements and re-derives their evidence (:func:`~pipeline.assembly.article_state`,
the same derivation as assembly). :class:`~pipeline.assembly.Assembler` is the in-memory source;
:class:`StoreSource` reads the extractions table by PMID, and lists what changed
(:meth:`StoreSource.stamps`: one stamp per extraction, changing whenever it is re-saved).

Not supported: reading evidence of a store that changed after the graph was last updated from
it (the sentences would be those of the newer extraction).

Example
-------
>>> from pipeline.assembly import Assembler, ArticleRef
>>> from pipeline.model import Extraction
>>> asm = Assembler()
>>> asm.add(ArticleRef("1"), Extraction("1", (), ()))
>>> materialize(asm, {}, [], {})
{}
"""
from __future__ import annotations

import hashlib
import json
from itertools import groupby
from operator import itemgetter
from typing import Any, Iterable, Iterator, Mapping, Protocol

from sqlalchemy import select

from ..assembly import ArticleState, ConceptRecord, article_state, concept_of, merge_evidence
from ..errors import PipelineError
from ..model import Article, Evidence, Extraction, Statement
from ..predications import iter_evidence
from ..store import ArticleInfo
from ..store_schema import articles, extractions
from .aggregate import Key

__all__ = ["EvidenceSource", "StoreSource", "materialize", "stamp_of", "UNPICKLED"]

#: Why a graph unpickled without its store cannot give sentences, and what to do.
UNPICKLED = ("this graph was unpickled without its store; evidence is read from the store: "
             "rebuild it with KnowledgeGraph.from_store")


class EvidenceSource(Protocol):
    """Gives articles' contributions (with evidence) by PMID."""

    def articles(self, pmids: Iterable[str] | None = None) -> Iterator[ArticleState]:
        """The contributions of ``pmids`` that exist (all when None)."""


def stamp_of(text: str) -> int:
    """A stable 64-bit hash of ``text`` (``hash()`` changes between processes).

    >>> stamp_of("a") == stamp_of("a") != stamp_of("b")
    True
    """
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


class StoreSource:
    """Evidence read from a :class:`~pipeline.store.Store`'s extractions, by PMID.

    >>> StoreSource.__name__
    'StoreSource'
    """

    def __init__(self, store: Any, batch_size: int = 500) -> None:
        self.store = store
        self.batch_size = batch_size

    def stamps(self) -> dict[str, int]:
        """``{pmid: stamp}`` of every extraction of a stored article; a stamp (a 64-bit hash,
        small to keep) changes when the extraction is saved again or its article changes."""
        query = (select(extractions.c.pmid, extractions.c.extracted_at,
                        extractions.c.content_hash, articles.c.content_hash.label("ahash"),
                        articles.c.year)
                 .select_from(extractions.join(articles, articles.c.pmid == extractions.c.pmid)))
        with self.store.engine.connect() as conn:
            return {r.pmid: stamp_of(f"{r.extracted_at.isoformat()}|{r.content_hash}|"
                                     f"{r.ahash}|{r.year}") for r in conn.execute(query)}

    def extractions(self, pmids: Iterable[str] | None = None
                    ) -> Iterator[tuple[ArticleInfo, Extraction]]:
        """``(ArticleInfo, Extraction)`` of ``pmids`` (all when None), ordered by PMID."""
        if pmids is None:
            yield from self.store.iter_extractions(batch_size=self.batch_size)
            return
        wanted = sorted(set(map(str, pmids)))
        query = (select(extractions.c.pmid, articles.c.article_json,
                        extractions.c.extraction_json)
                 .select_from(extractions.join(articles, articles.c.pmid == extractions.c.pmid)))
        for i in range(0, len(wanted), self.batch_size):
            batch = wanted[i:i + self.batch_size]
            with self.store.engine.connect() as conn:
                rows = conn.execute(query.where(extractions.c.pmid.in_(batch))
                                    .order_by(extractions.c.pmid)).all()
            for row in rows:
                info = ArticleInfo.from_article(Article.from_json(json.loads(row.article_json)))
                yield info, Extraction.from_json(json.loads(row.extraction_json))

    def articles(self, pmids: Iterable[str] | None = None) -> Iterator[ArticleState]:
        """The contributions of ``pmids`` (all when None), derived from their extractions."""
        for info, extraction in self.extractions(pmids):
            yield article_state(info, extraction)

    def statement_evidence(self) -> Iterator[tuple[Key, list[Evidence]]]:
        """Every statement key (sorted) with its evidence as the graph keeps it (the order
        and one-per-source of :func:`~pipeline.assembly.merge_evidence`, given by the query),
        streamed from the ``predications`` table in one query: one statement is held at a time."""
        if self.store is None:
            raise PipelineError(UNPICKLED)
        for key, group in groupby(iter_evidence(self.store.engine), key=itemgetter(0)):
            yield key, [ev for _key, ev in group]

    def __getstate__(self) -> dict[str, Any]:
        # a pickled graph keeps its counts; a live connection cannot travel with it
        return {"store": None, "batch_size": self.batch_size}


def materialize(source: EvidenceSource, pmids_of: Mapping[Key, Iterable[str]],
                keys: Iterable[Key] | None, nodes: Mapping[str, ConceptRecord],
                beliefs: Mapping[Key, float] | None = None) -> dict[Key, Statement]:
    """Statements (with evidence, sorted by key) of ``keys`` (all in ``pmids_of`` when None).

    ``pmids_of`` gives the articles behind each key; beliefs default to 0.
    """
    if keys is None:
        wanted = set(pmids_of)
        pmids: list[str] | None = None
    else:
        wanted = {k for k in keys if k in pmids_of}
        pmids = sorted({p for k in wanted for p in pmids_of[k]})
    merged: dict[Key, list[Evidence]] = {}
    if wanted:
        if getattr(source, "store", 1) is None:
            raise PipelineError(UNPICKLED)
        for state in source.articles(pmids):
            for k, evs in state.evidence.items():
                if k in wanted:
                    merged.setdefault(k, []).extend(evs)
    beliefs = beliefs or {}
    return {k: Statement(concept_of(nodes, k[0]), k[1], concept_of(nodes, k[2]),
                         merge_evidence(merged[k]), float(beliefs.get(k, 0.0)))
            for k in sorted(merged)}
