"""Extraction: text or articles in, :class:`~pipeline.model.Extraction` records out.

:class:`Extractor` (:mod:`pipeline.extractor`, public here) wraps the spaCy pipeline of
:func:`pipeline.nlp.build_nlp` (entities, then relations) and adds the document context of
:func:`pipeline.context.document_context`; this module adds the batch path.

The one batch path -- "extract these articles and save them" -- is :func:`extract_batch`;
:func:`extract_pmids` (a batch named by PMIDs), :func:`extract_span` (the pending articles
between two PMIDs, a batch handed over by reference: see :func:`pending_spans`), their ``_at``
forms for worker processes (given a database URL) and :func:`extract_pending` (everything new
or stale, batch by batch) all go through it, and so do ``mscgraph extract`` and the flows. One
failing article never stops its batch: an article longer than ``max_chars`` is recorded as failed
("too long") without running the pipeline, lone surrogates are replaced by U+FFFD, and a batch
that raises is redone one article at a time, recording the article that fails in the store
(:meth:`~pipeline.store.Store.record_extraction_failures`). Failed articles are skipped by later
runs until they or the extractor change, or until ``retry_failed=True``.

Stored extractions are keyed by :func:`extractor_version`, which hashes what defines their
content (:mod:`pipeline.extractor` and what it runs), not this batch path: a change here
redoes nothing.

Example
-------
>>> ex = Extractor()                                        # doctest: +SKIP
>>> ex.extract_text("MSCs secrete HGF.", doc_id="x").relations[0].predicate   # doctest: +SKIP
'SECRETES'
>>> with Store("sqlite://") as store:                       # doctest: +SKIP
...     extract_pending(store).extracted
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence, TypeVar

from .errors import StoreError
from .extractor import Extractor, clean_text, extractor_version, fewer_collections, get_extractor
from .model import Article, Extraction
from .progress import Progress, batched, tapered

if TYPE_CHECKING:  # pragma: no cover
    from .store import Store

__all__ = ["Extractor", "ExtractReport", "extractor_version", "get_extractor",
           "fewer_collections", "clean_text", "extract_batch", "extract_pmids",
           "extract_pmids_at", "extract_pending", "pending_articles", "pending_spans",
           "extract_span", "extract_span_at", "shared_batches", "Span", "LEAST_SPAN",
           "DEFAULT_MAX_CHARS"]

log = logging.getLogger(__name__)
T = TypeVar("T")


#: Default per-document length cap in characters (spaCy refuses texts over 1,000,000; a
#: PubMed title and abstract rarely exceed 10,000).
DEFAULT_MAX_CHARS = 100_000

#: Threads of one process take turns on the (not thread-safe) spaCy pipeline.
_PIPE_LOCK = threading.Lock()

#: ``(pmid, reason)`` of an article the extractor failed on.
Failure = tuple[str, str]


@dataclass(frozen=True)
class ExtractReport:
    """What an extraction batch or run did; reports of batches add up with ``+``.

    >>> r = ExtractReport(2, 3, 9, "v") + ExtractReport(1, 0, 4, "v", (("7", "too long"),))
    >>> (r.extracted, r.mentions, r.failed)
    (3, 13, (('7', 'too long'),))
    """

    extracted: int = 0
    relations: int = 0
    mentions: int = 0
    extractor_version: str = ""
    failed: tuple[Failure, ...] = ()

    def __add__(self, other: "ExtractReport") -> "ExtractReport":
        return ExtractReport(self.extracted + other.extracted, self.relations + other.relations,
                             self.mentions + other.mentions,
                             self.extractor_version or other.extractor_version,
                             self.failed + other.failed)

    def as_dict(self) -> dict[str, Any]:
        """Counts and ``failed`` as ``[{"pmid", "reason"}]`` (for run summaries)."""
        return {"extracted": self.extracted, "mentions": self.mentions,
                "relations": self.relations,
                "failed": [{"pmid": p, "reason": r} for p, r in self.failed]}


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def _clean_article(article: Article) -> Article:
    """``article`` with lone surrogates replaced in every field (they cannot be stored)."""
    raw = json.dumps(article.to_json(), ensure_ascii=False)
    cleaned = clean_text(raw)
    return article if cleaned is raw else Article.from_json(json.loads(cleaned))


def _extract_isolated(ex: Extractor, articles: list[Article],
                      failed: list[tuple[Article, str]]) -> list[tuple[Article, Extraction]]:
    """Extract ``articles`` in one ``nlp.pipe``; when that raises, one by one, adding the
    articles that fail to ``failed``."""
    with _PIPE_LOCK:
        try:
            return list(ex.extract_articles(articles))
        except Exception as exc:  # some article broke the batch: find it
            log.warning("extraction of a batch of %d articles failed (%s); redoing it one "
                        "article at a time", len(articles), _reason(exc))
        pairs = []
        for article in articles:
            try:
                pairs += ex.extract_articles([article])
            except Exception as exc:
                log.error("extraction of PMID %s failed: %s", article.pmid, _reason(exc))
                failed.append((article, _reason(exc)))
        return pairs


def _save_isolated(store: "Store", pairs: list[tuple[Article, Extraction]], version: str,
                   failed: list[tuple[Article, str]]) -> int:
    """Save ``pairs`` in one transaction; when an article's data breaks it, one by one.

    A :class:`~pipeline.errors.StoreError` (the store itself is unusable) is raised as is.
    """
    try:
        return store.save_extractions(pairs, version)
    except StoreError:
        raise
    except Exception as exc:
        log.warning("saving %d extractions failed (%s); saving them one at a time",
                    len(pairs), _reason(exc))
    saved = 0
    for article, extraction in pairs:
        try:
            saved += store.save_extractions([(article, extraction)], version)
        except StoreError:
            raise
        except Exception as exc:
            failed.append((article, f"cannot save: {_reason(exc)}"))
    return saved


def extract_batch(store: "Store", articles: Iterable[Article],
                  extractor: Extractor | None = None, *,
                  max_chars: int = DEFAULT_MAX_CHARS) -> ExtractReport:
    """Extract ``articles`` and save the extractions: the one batch path.

    No article stops the others: one longer than ``max_chars`` characters is not run through
    the pipeline, one whose extraction or saving raises is set aside; both are recorded in
    the store as failed, with the reason, and listed in the report.

    >>> with Store("sqlite://") as store:                     # doctest: +SKIP
    ...     extract_batch(store, [Article("1", "MSCs lower ALT.")]).extracted
    1
    """
    ex = extractor or get_extractor()
    failed: list[tuple[Article, str]] = []
    todo = []
    for article in map(_clean_article, articles):
        if len(article.text) > max_chars:
            failed.append((article, f"too long: {len(article.text):,} characters > max_chars "
                                    f"{max_chars:,}; raise max_chars (mscgraph extract "
                                    "--max-chars) and retry it (--retry-failed)"))
        else:
            todo.append(article)
    pairs = _extract_isolated(ex, todo, failed) if todo else []
    saved = _save_isolated(store, pairs, ex.version, failed) if pairs else 0
    if failed:
        store.record_extraction_failures(failed, ex.version)
    bad = {a.pmid for a, _r in failed}
    good = [x for a, x in pairs if a.pmid not in bad]
    return ExtractReport(saved, sum(len(x.relations) for x in good),
                         sum(len(x.mentions) for x in good), ex.version,
                         tuple((a.pmid, r) for a, r in failed))


def extract_pmids(store: "Store", pmids: Sequence[str], extractor: Extractor | None = None,
                  *, max_chars: int = DEFAULT_MAX_CHARS) -> ExtractReport:
    """:func:`extract_batch` over the stored articles ``pmids``."""
    return extract_batch(store, store.iter_articles(list(pmids)), extractor,
                         max_chars=max_chars)


def extract_pmids_at(database_url: str, pmids: Sequence[str], *,
                     max_chars: int = DEFAULT_MAX_CHARS) -> ExtractReport:
    """:func:`extract_pmids` on the store at ``database_url`` (for worker processes, which
    get a URL and PMIDs, never article payloads)."""
    from .store import Store
    with Store(database_url) as store:
        return extract_pmids(store, pmids, max_chars=max_chars)


def pending_articles(store: "Store", version: str, *, limit: int | None = None,
                     retry_failed: bool = False, first: str | None = None,
                     last: str | None = None) -> Iterator[Article]:
    """Stored articles whose extraction by ``version`` is missing or stale, by PMID (from
    ``first`` to ``last``, inclusive, when given); those this version failed on are left out
    unless ``retry_failed``."""
    skip = set() if retry_failed else set(store.extraction_failures(version))
    n = 0
    for article in store.articles_needing_extraction(version, first=first, last=last):
        if limit is not None and n >= limit:
            return
        if article.pmid not in skip:
            n += 1
            yield article


#: The smallest span worth a task of its own when workers share the spans: about 0.1 s of
#: extraction, what a task costs on the process and Dask runners (``benchmarks/bench_flow.py``).
LEAST_SPAN = 25

#: A batch by reference: the first and last pending PMID it covers (inclusive).
Span = tuple[str, str]


def pending_spans(store: "Store", version: str, batch_size: int, *, limit: int | None = None,
                  retry_failed: bool = False, workers: int = 1) -> list[Span]:
    """The pending articles as PMID ranges of at most ``batch_size`` articles each.

    A span stays two PMIDs however large the store, so a batch can be handed to a task or a
    worker process by reference (:func:`extract_span` reads its articles from the store).
    For ``workers`` > 1 the last spans are smaller (:func:`~pipeline.progress.tapered`), so
    the workers, each taking the next span when free, finish together (none but the last
    smaller than :data:`LEAST_SPAN` articles, or than ``batch_size`` if that is less).

    >>> with Store("sqlite://") as store:                     # doctest: +SKIP
    ...     pending_spans(store, extractor_version(), 2)
    [('1', '2'), ('3', '3')]
    """
    pmids = (a.pmid for a in pending_articles(store, version, limit=limit,
                                               retry_failed=retry_failed))
    return [(batch[0], batch[-1]) for batch in shared_batches(pmids, batch_size, workers)]


def shared_batches(items: Iterable[T], batch_size: int, workers: int) -> Iterator[list[T]]:
    """``items`` cut as :func:`pending_spans` cuts the pending articles for ``workers``.

    >>> [len(b) for b in shared_batches(range(700), 200, 2)]
    [175, 132, 99, 74, 55, 42, 31, 25, 25, 25, 17]
    """
    least = min(batch_size, max(batch_size // 8, LEAST_SPAN))
    return tapered(items, batch_size, workers, least)


def extract_span(store: "Store", first: str, last: str, extractor: Extractor | None = None,
                 *, max_chars: int = DEFAULT_MAX_CHARS, retry_failed: bool = False
                 ) -> ExtractReport:
    """:func:`extract_batch` over the articles pending between PMIDs ``first`` and ``last``
    (a span of :func:`pending_spans`; articles done in the meantime are skipped)."""
    ex = extractor or get_extractor()
    return extract_batch(store, pending_articles(store, ex.version, retry_failed=retry_failed,
                                                 first=first, last=last),
                         ex, max_chars=max_chars)


def extract_span_at(database_url: str, first: str, last: str, *,
                    max_chars: int = DEFAULT_MAX_CHARS, retry_failed: bool = False
                    ) -> ExtractReport:
    """:func:`extract_span` on the store at ``database_url`` (for worker processes)."""
    from .store import Store
    with Store(database_url) as store:
        return extract_span(store, first, last, max_chars=max_chars, retry_failed=retry_failed)


def extract_pending(store: "Store", extractor: Extractor | None = None, *,
                    batch_size: int = 200, limit: int | None = None, progress: bool = False,
                    on_batch: Callable[[int], None] | None = None, retry_failed: bool = False,
                    max_chars: int = DEFAULT_MAX_CHARS) -> ExtractReport:
    """Extract every stored article whose extraction is missing or stale, committing per batch.

    An interrupted call loses at most the batch in flight; calling again resumes where it
    stopped (done articles are no longer pending).

    Parameters
    ----------
    store : Store
        The local store.
    extractor : Extractor, optional
        Defaults to :func:`get_extractor`.
    batch_size : int
        Articles per committed batch.
    limit : int, optional
        Stop after this many articles.
    progress : bool
        Show a progress bar (rich) on stderr.
    on_batch : callable, optional
        Called with the number of articles done after each committed batch.
    retry_failed : bool
        Also retry articles this extractor version failed on before.
    max_chars : int
        Length cap per article (see :func:`extract_batch`).
    """
    ex = extractor or get_extractor()
    pending = pending_articles(store, ex.version, limit=limit, retry_failed=retry_failed)
    report = ExtractReport(extractor_version=ex.version)
    with Progress("extracting", limit, enabled=progress) as bar:
        for batch in batched(pending, batch_size):
            report += extract_batch(store, batch, ex, max_chars=max_chars)
            bar.advance(len(batch))
            if on_batch:
                on_batch(bar.completed)
    log.info("extracted %d articles (%d mentions, %d relations, %d failed) with extractor %s",
             report.extracted, report.mentions, report.relations, len(report.failed),
             ex.version)
    return report
