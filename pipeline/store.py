"""The local SQL store: articles, deletions, ingest runs, high-water marks, extractions (and
the articles the extractor failed on, and their relations as flat rows: :mod:`.predications`),
locks.

SQLAlchemy 2 Core over any URL (SQLite by default, PostgreSQL works: only portable column
types; JSON is stored as text). Every statement uses bound parameters; nothing is built by
formatting values into SQL. SQLite files run in WAL mode with a busy timeout, and write
transactions start with ``BEGIN IMMEDIATE`` so concurrent writers queue instead of failing.

Iterators (:meth:`Store.iter_articles`, :meth:`Store.articles_needing_extraction`,
:meth:`Store.iter_extractions`) page through the table by primary key, each page on a short
connection, so callers may write to the store while iterating. Order is by PMID as a string.

Not supported: schema migrations (tables are created when missing, never altered) and
concurrent upserts of the same PMIDs from several processes without :meth:`Store.lock`.

Example
-------
>>> from pipeline.model import Article
>>> with Store("sqlite://") as store:
...     counts = store.upsert_articles([(Article("1", "MSCs lower ALT."), None)])
...     (counts.inserted, store.count_articles(), store.get_article("1").title)
(1, 1, 'MSCs lower ALT.')
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from sqlalchemy import (and_, bindparam, create_engine, delete, event, func, insert, inspect,
                        or_, select, update)
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from .errors import StoreError
from .liveness import owner_is_dead
from .model import Article, Extraction
from .predications import delete_predications, refill_predications, replace_predications
from .progress import batched
from .store_schema import (INTEGER_MAX, PMID_MAX_LENGTH, RUN_COUNT_FIELDS, RUN_STATUSES,
                           articles, check_article, deleted_articles, extraction_failures,
                           extractions, ingest_runs,
                           locks, metadata, watermarks)

__all__ = [
    "Store",
    "UpsertCounts",
    "ArticleInfo",
    "RunRecord",
    "RUN_STATUSES",
    "metadata",
    "content_hash",
    "check_article",
    "PMID_MAX_LENGTH",
    "INTEGER_MAX",
]

log = logging.getLogger(__name__)

_UPSERT_TRIES = 3
_SECRET_RE = re.compile(r"(api_key=)[^&\s'\"]+", re.IGNORECASE)
#: How long opening a store keeps retrying while another process creates the same one.
_CREATE_PATIENCE = 30.0
#: What losing that race looks like (SQLite; PostgreSQL's catalog).
_CREATE_RACE = re.compile(r"database is locked|already exists|duplicate key", re.IGNORECASE)

# ----------------------------------------------------------------------------- records

@dataclass(frozen=True, slots=True)
class UpsertCounts:
    """What :meth:`Store.upsert_articles` did."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: "UpsertCounts") -> "UpsertCounts":
        return UpsertCounts(self.inserted + other.inserted, self.updated + other.updated,
                            self.unchanged + other.unchanged)


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """The article facts assembly needs next to an extraction."""

    pmid: str
    version: int = 1
    year: int | None = None
    title: str = ""
    publication_types: tuple[str, ...] = ()
    mesh_terms: tuple[str, ...] = ()

    @classmethod
    def from_article(cls, a: Article) -> "ArticleInfo":
        """The metadata of ``a`` that assembly needs."""
        return cls(a.pmid, a.version, a.year, a.title, a.publication_types,
                   tuple(m.name for m in a.mesh_headings))


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One row of ``ingest_runs`` (timestamps are naive UTC)."""

    id: int
    query_name: str
    query_term: str
    window_start: str | None
    window_end: str | None
    started_at: datetime
    finished_at: datetime | None
    status: str
    fetched: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    error: str | None = None


def content_hash(article: Article) -> str:
    """SHA-256 of the article's canonical JSON: equal hashes mean equal content.

    >>> content_hash(Article("1", "t")) == content_hash(Article("1", "t"))
    True
    """
    raw = json.dumps(article.to_json(), sort_keys=True, ensure_ascii=False,
                     separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _dumps(d: dict[str, Any]) -> str:
    return json.dumps(d, ensure_ascii=False, separators=(",", ":"))


def _scrub(text: str | None) -> str | None:
    """Remove anything that looks like an API key from a message before storing it."""
    return None if text is None else _SECRET_RE.sub(r"\1***", text)


# ----------------------------------------------------------------------------- engine

def _make_engine(url: str, echo: bool, create: bool) -> Engine:
    try:
        parsed = make_url(url)
    except Exception as e:  # sqlalchemy raises ArgumentError with the URL in it
        raise StoreError(f"invalid database URL; set MSCGRAPH_DATABASE_URL to an SQLAlchemy "
                         f"URL such as sqlite:///corpora/mscgraph.sqlite ({e})") from e
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, echo=echo, pool_pre_ping=True)
    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if not in_memory:
        path = Path(database).expanduser()
        if not create and not path.is_file():
            raise StoreError(f"no store at {path}: the file does not exist; check "
                             "MSCGRAPH_DATABASE_URL (or --database-url), or create the store "
                             "first with 'mscgraph ingest'")
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, echo=echo, connect_args={"check_same_thread": False},
                           **({"poolclass": StaticPool} if in_memory else {}))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA busy_timeout = 30000")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("sqlite_immediate"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


# ----------------------------------------------------------------------------- store

class Store:
    """The SQL store every stage reads and writes.

    Parameters
    ----------
    url
        SQLAlchemy URL; ``None`` reads ``Settings.from_env().database_url``
        (``MSCGRAPH_DATABASE_URL``, default ``sqlite:///corpora/mscgraph.sqlite``).
        ``"sqlite://"`` is an in-memory store (tests).
    echo
        Log every SQL statement (SQLAlchemy's ``echo``).
    create
        Create the store (the SQLite file, missing tables) if needed. Readers pass ``False``:
        then a store that does not exist is a :class:`StoreError`, so a mistyped URL never
        yields a new empty store.

    Raises
    ------
    StoreError
        When the database cannot be opened, its tables created, or (``create=False``) it
        holds no store.
    """

    def __init__(self, url: str | None = None, *, echo: bool = False,
                 create: bool = True) -> None:
        if url is None:
            from .config import Settings
            url = Settings.from_env().database_url
        self.url = url
        self.engine = _make_engine(url, echo, create)
        try:
            if self._prepare(create):  # a store made before the predications table
                self.backfill_predications()
        except SQLAlchemyError as e:
            self.engine.dispose()
            raise StoreError(f"cannot open the store at {make_url(url).render_as_string()}: "
                             f"{e.__class__.__name__}: {e.orig if hasattr(e, 'orig') else e}; "
                             "check MSCGRAPH_DATABASE_URL and that the server is running"
                             ) from e
        except StoreError:
            self.engine.dispose()
            raise

    def _prepare(self, create: bool) -> bool:
        """Create missing tables (or, with ``create=False``, check they exist); returns whether
        ``predications`` was created next to existing extractions (then it needs a backfill).

        Processes opening a fresh store at once race on table creation (and, on SQLite, WAL
        setup); a loser sees "database is locked", "already exists" or PostgreSQL's duplicate
        key in its catalog, so it waits and looks again instead of failing.
        """
        deadline = time.monotonic() + _CREATE_PATIENCE
        pause = 0.05
        while True:
            try:
                with self.engine.connect() as conn:
                    present = set(inspect(conn).get_table_names())
                if create:
                    metadata.create_all(self.engine)
                    return "extractions" in present and "predications" not in present
                break
            except (OperationalError, IntegrityError, ProgrammingError) as e:
                if not _CREATE_RACE.search(str(e.orig)) or time.monotonic() >= deadline:
                    raise
                time.sleep(pause)
                pause = min(pause * 2, 1.0)
        if "articles" not in present:
            raise StoreError(f"{self!r} holds no mscgraph store (no 'articles' table); check "
                             "MSCGRAPH_DATABASE_URL (or --database-url), or create the store "
                             "first with 'mscgraph ingest'")
        return False

    def __repr__(self) -> str:
        return f"Store({make_url(self.url).render_as_string()!r})"

    def close(self) -> None:
        """Release all connections."""
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction (``BEGIN IMMEDIATE`` on SQLite); rolled back on error."""
        try:
            with self.engine.connect() as conn:
                conn.execution_options(sqlite_immediate=True)
                with conn.begin():
                    yield conn
        except OperationalError as e:
            raise StoreError(f"cannot write to the store {self!r}: {e.orig}; if another "
                             "mscgraph process is writing, wait for it and retry") from e

    # ------------------------------------------------------------------ articles

    def upsert_articles(self, items: Iterable[tuple[Article, str | None]], *,
                        batch_size: int = 500) -> UpsertCounts:
        """Insert or update articles; idempotent, the newest version wins.

        Parameters
        ----------
        items
            ``(article, raw_xml or None)`` pairs, e.g. from :func:`pipeline.medline.parse_pubmed_xml`.
        batch_size
            Articles per transaction. A failure rolls back only the current batch; earlier
            batches stay committed (re-running is safe: upserts are idempotent).

        Raises
        ------
        StoreError
            An article fails :func:`check_article` (nothing of its batch is written).

        Returns
        -------
        UpsertCounts
            A stored article is *unchanged* when the incoming one has a lower PMID version,
            identical content, or the same version with an older ``date_revised``; otherwise it
            is *updated*. A PMID deleted earlier is *inserted* again and its deletion record
            cleared.
        """
        total = UpsertCounts()
        for batch in batched(items, batch_size):
            for article, _ in batch:
                problem = check_article(article)
                if problem:
                    raise StoreError(f"cannot store {problem}; leave the record out "
                                     "(ingestion rejects such records one by one)")
            for attempt in range(1, _UPSERT_TRIES + 1):
                try:
                    with self._write() as conn:
                        counts = self._upsert_batch(conn, batch)
                    break
                except IntegrityError as e:
                    # a concurrent writer inserted one of these PMIDs first (PostgreSQL);
                    # the batch was rolled back, so read the new state and decide again
                    if attempt == _UPSERT_TRIES:
                        raise StoreError(f"could not upsert a batch of {len(batch)} articles "
                                         f"after {attempt} tries (concurrent writers?): "
                                         f"{e.orig}; run ingestion under Store.lock()") from e
                    log.info("upsert batch conflicted with a concurrent writer; retrying")
            total = total + counts
        return total

    def _upsert_batch(self, conn: Connection,
                      batch: list[tuple[Article, str | None]]) -> UpsertCounts:
        pmids = list({a.pmid for a, _ in batch})
        rows = conn.execute(
            select(articles.c.pmid, articles.c.version, articles.c.content_hash,
                   articles.c.date_revised)
            .where(articles.c.pmid.in_(pmids))).all()
        existing: dict[str, tuple[int, str, str]] = {r.pmid: (r.version, r.content_hash,
                                                              r.date_revised) for r in rows}
        new_rows: dict[str, dict[str, Any]] = {}
        changed_rows: dict[str, dict[str, Any]] = {}
        inserted = updated = unchanged = 0
        now = _now()
        for article, raw_xml in batch:
            digest = content_hash(article)
            row = {"pmid": article.pmid, "version": article.version, "title": article.title,
                   "abstract": article.abstract, "year": article.year,
                   "journal": article.journal, "date_revised": article.date_revised,
                   "article_json": _dumps(article.to_json()), "raw_xml": raw_xml,
                   "content_hash": digest, "updated_at": now}
            old = existing.get(article.pmid)
            if old is None:
                new_rows[article.pmid] = row | {"created_at": now}
                inserted += 1
            elif not _supersedes(article.version, digest, article.date_revised, old):
                unchanged += 1
                continue
            elif article.pmid in new_rows:  # the same PMID twice in one batch
                new_rows[article.pmid] = row | {"created_at": now}
                updated += 1
            else:
                changed_rows[article.pmid] = row
                updated += 1
            existing[article.pmid] = (article.version, digest, article.date_revised)
        if new_rows:
            conn.execute(insert(articles), list(new_rows.values()))
            conn.execute(delete(deleted_articles)
                         .where(deleted_articles.c.pmid.in_(list(new_rows))))
        if changed_rows:
            stmt = (update(articles).where(articles.c.pmid == bindparam("b_pmid"))
                    .values({c: bindparam(c) for c in _UPDATE_COLUMNS}))
            conn.execute(stmt, [{"b_pmid": p} | {c: r[c] for c in _UPDATE_COLUMNS}
                                for p, r in changed_rows.items()])
        return UpsertCounts(inserted, updated, unchanged)

    def delete_articles(self, pmids: Iterable[str], *, source: str = "") -> int:
        """Delete articles (and their extractions) and record the deletions.

        Returns the number of stored articles removed; PMIDs not in the store are still
        recorded in ``deleted_articles`` so a later run knows they were withdrawn.
        """
        removed = 0
        for batch in batched(dict.fromkeys(str(p) for p in pmids), 500):
            with self._write() as conn:
                removed += conn.execute(
                    delete(articles).where(articles.c.pmid.in_(batch))).rowcount or 0
                conn.execute(delete(extractions).where(extractions.c.pmid.in_(batch)))
                delete_predications(conn, batch)
                conn.execute(delete(deleted_articles).where(deleted_articles.c.pmid.in_(batch)))
                now = _now()
                conn.execute(insert(deleted_articles),
                             [{"pmid": p, "deleted_at": now, "source": source} for p in batch])
        return removed

    def is_deleted(self, pmid: str) -> bool:
        """Whether ``pmid`` was deleted (and has not reappeared since)."""
        with self.engine.connect() as conn:
            return conn.execute(select(deleted_articles.c.pmid)
                                .where(deleted_articles.c.pmid == pmid)).first() is not None

    def get_article(self, pmid: str) -> Article | None:
        """The stored article, or ``None``."""
        with self.engine.connect() as conn:
            value = conn.execute(select(articles.c.article_json)
                                 .where(articles.c.pmid == str(pmid))).scalar_one_or_none()
        return None if value is None else Article.from_json(json.loads(value))

    def get_raw_xml(self, pmid: str) -> str | None:
        """The stored ``<PubmedArticle>`` XML of ``pmid``, or ``None``."""
        with self.engine.connect() as conn:
            return conn.execute(select(articles.c.raw_xml)
                                .where(articles.c.pmid == str(pmid))).scalar_one_or_none()

    def count_articles(self) -> int:
        """Number of stored articles."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(articles)).scalar_one())

    def iter_articles(self, pmids: Iterable[str] | None = None, *,
                      batch_size: int = 500) -> Iterator[Article]:
        """Stream stored articles ordered by PMID (all, or those in ``pmids`` that exist)."""
        if pmids is not None:
            wanted = sorted(dict.fromkeys(str(p) for p in pmids))
            for batch in batched(wanted, batch_size):
                with self.engine.connect() as conn:
                    rows = conn.execute(select(articles.c.article_json)
                                        .where(articles.c.pmid.in_(batch))
                                        .order_by(articles.c.pmid)).scalars().all()
                yield from (Article.from_json(json.loads(v)) for v in rows)
            return
        query = select(articles.c.pmid, articles.c.article_json)
        for row in self._pages(query, articles.c.pmid, batch_size):
            yield Article.from_json(json.loads(row.article_json))

    def _pages(self, query: Any, key: Any, batch_size: int) -> Iterator[Any]:
        """Keyset pagination over ``query`` ordered by ``key`` (which must be selected)."""
        last: str | None = None
        while True:
            page_query = query.order_by(key).limit(batch_size)
            if last is not None:
                page_query = page_query.where(key > last)
            with self.engine.connect() as conn:
                rows = conn.execute(page_query).all()
            if not rows:
                return
            yield from rows
            last = getattr(rows[-1], key.name)
            if len(rows) < batch_size:
                return

    # ------------------------------------------------------------------ runs

    def start_run(self, query_name: str, query_term: str = "", window_start: str | None = None,
                  window_end: str | None = None) -> int:
        """Record the start of an ingest run; returns its id (status ``running``)."""
        with self._write() as conn:
            result = conn.execute(insert(ingest_runs).values(
                query_name=query_name, query_term=_scrub(query_term) or "",
                window_start=window_start, window_end=window_end, started_at=_now(),
                status="running"))
            return int(result.inserted_primary_key[0])

    def finish_run(self, run_id: int, status: str, *, error: str | None = None,
                   **counts: int) -> None:
        """Close run ``run_id`` with ``status`` (``success``/``failed``/``interrupted``).

        ``counts`` are any of ``fetched, inserted, updated, unchanged, deleted``. ``error`` is
        stored with anything looking like an ``api_key=`` value masked.
        """
        if status not in RUN_STATUSES:
            raise ValueError(f"unknown run status {status!r}; use one of {RUN_STATUSES}")
        self._update_run(run_id, counts, status=status, finished_at=_now(),
                         error=_scrub(error))

    def update_run_counts(self, run_id: int, **counts: int) -> None:
        """Record the counts so far of the running run ``run_id``.

        Called as batches are stored, so a run killed midway still shows what it stored.
        """
        self._update_run(run_id, counts)

    def _update_run(self, run_id: int, counts: dict[str, int], **fields: Any) -> None:
        unknown = set(counts) - set(RUN_COUNT_FIELDS)
        if unknown:
            raise ValueError(f"unknown run counts {sorted(unknown)}; allowed: {RUN_COUNT_FIELDS}")
        with self._write() as conn:
            result = conn.execute(update(ingest_runs).where(ingest_runs.c.id == run_id)
                                  .values(**fields, **{k: int(v) for k, v in counts.items()}))
            if not result.rowcount:
                raise StoreError(f"no ingest run with id {run_id}; start it with start_run()")

    def close_abandoned_runs(self) -> int:
        """Mark runs still ``running`` as ``interrupted``; returns how many.

        Call it while holding the ingest lock (:meth:`lock`): then no run can be going on, and
        a ``running`` row is one whose process was killed before it could close it.
        """
        with self._write() as conn:
            result = conn.execute(update(ingest_runs)
                                  .where(ingest_runs.c.status == "running")
                                  .values(status="interrupted", finished_at=_now(),
                                          error="the process ended without closing the run "
                                                "(killed?); a rerun resumes from the last "
                                                "successful watermark"))
            return int(result.rowcount or 0)

    def iter_runs(self, query_name: str | None = None) -> Iterator[RunRecord]:
        """All runs (optionally of one query), oldest first."""
        query = select(ingest_runs).order_by(ingest_runs.c.id)
        if query_name is not None:
            query = query.where(ingest_runs.c.query_name == query_name)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        yield from (RunRecord(**row._mapping) for row in rows)

    def get_run(self, run_id: int) -> RunRecord | None:
        """Run ``run_id``, or ``None``."""
        with self.engine.connect() as conn:
            row = conn.execute(select(ingest_runs).where(ingest_runs.c.id == run_id)).first()
        return None if row is None else RunRecord(**row._mapping)

    def last_successful_run(self, query_name: str) -> RunRecord | None:
        """The most recent run of ``query_name`` with status ``success``, or ``None``."""
        with self.engine.connect() as conn:
            row = conn.execute(select(ingest_runs)
                               .where(ingest_runs.c.query_name == query_name,
                                      ingest_runs.c.status == "success")
                               .order_by(ingest_runs.c.id.desc()).limit(1)).first()
        return None if row is None else RunRecord(**row._mapping)

    # ------------------------------------------------------------------ watermarks

    def get_watermark(self, query_name: str) -> str | None:
        """The high-water mark of ``query_name`` (an ISO date/time string), or ``None``."""
        with self.engine.connect() as conn:
            return conn.execute(select(watermarks.c.high_water)
                                .where(watermarks.c.query_name == query_name)
                                ).scalar_one_or_none()

    def set_watermark(self, query_name: str, value: str) -> None:
        """Set (or replace) the high-water mark of ``query_name``."""
        with self._write() as conn:
            conn.execute(delete(watermarks).where(watermarks.c.query_name == query_name))
            conn.execute(insert(watermarks).values(query_name=query_name, high_water=str(value),
                                                   updated_at=_now()))

    # ------------------------------------------------------------------ extractions

    def articles_needing_extraction(self, extractor_version: str, *,
                                    limit: int | None = None, batch_size: int = 500,
                                    first: str | None = None, last: str | None = None
                                    ) -> Iterator[Article]:
        """Articles with no extraction, one by another extractor version, or one made before
        the article's content or version changed; ordered by PMID, from ``first`` to ``last``
        (inclusive, either open when None)."""
        e = extractions
        query = (select(articles.c.pmid, articles.c.article_json)
                 .select_from(articles.outerjoin(e, e.c.pmid == articles.c.pmid))
                 .where(or_(e.c.pmid.is_(None), e.c.extractor_version != extractor_version,
                            e.c.content_hash != articles.c.content_hash,
                            e.c.article_version != articles.c.version),
                        *([articles.c.pmid >= first] if first is not None else []),
                        *([articles.c.pmid <= last] if last is not None else [])))
        if limit is not None:
            batch_size = max(1, min(batch_size, limit))
        for n, row in enumerate(self._pages(query, articles.c.pmid, batch_size)):
            if limit is not None and n >= limit:
                return
            yield Article.from_json(json.loads(row.article_json))

    def save_extractions(self, items: Iterable[tuple[Article, Extraction]],
                         extractor_version: str) -> int:
        """Store extractions, replacing any earlier one per PMID, all in one transaction.

        Returns the number saved.
        """
        saved = 0
        with self._write() as conn:
            for batch in batched(items, 500):
                rows = {a.pmid: {"pmid": a.pmid, "article_version": a.version,
                                 "extractor_version": extractor_version,
                                 "content_hash": content_hash(a),
                                 "extraction_json": _dumps(x.to_json()),
                                 "extracted_at": _now()} for a, x in batch}
                conn.execute(delete(extractions).where(extractions.c.pmid.in_(list(rows))))
                conn.execute(delete(extraction_failures)
                             .where(extraction_failures.c.pmid.in_(list(rows))))
                conn.execute(insert(extractions), list(rows.values()))
                replace_predications(conn, ((a.pmid, x) for a, x in batch), extractor_version)
                saved += len(rows)
        return saved

    def backfill_predications(self, *, batch_size: int = 500) -> int:
        """Rewrite ``predications`` from the stored extractions, a page per transaction (done
        on open when the table is new); returns the rows written."""
        written = 0
        with self.lock("predications", timeout=600):
            for page in batched(self._pages(select(extractions.c.pmid), extractions.c.pmid,
                                            batch_size), batch_size):
                with self._write() as conn:
                    written += refill_predications(conn, [r.pmid for r in page])
        return written

    def record_extraction_failures(self, items: Iterable[tuple[Article, str]],
                                   extractor_version: str) -> int:
        """Record ``(article, reason)`` pairs the extractor failed on; returns how many."""
        rows = {a.pmid: {"pmid": a.pmid, "extractor_version": extractor_version,
                         "content_hash": content_hash(a), "reason": _scrub(reason) or "",
                         "failed_at": _now()} for a, reason in items}
        if rows:
            with self._write() as conn:
                conn.execute(delete(extraction_failures)
                             .where(extraction_failures.c.pmid.in_(list(rows))))
                conn.execute(insert(extraction_failures), list(rows.values()))
        return len(rows)

    def extraction_failures(self, extractor_version: str) -> dict[str, str]:
        """``{pmid: reason}`` of stored articles this extractor version failed on, as they
        are now (a revised article is no longer listed)."""
        f = extraction_failures
        query = (select(f.c.pmid, f.c.reason)
                 .select_from(f.join(articles, articles.c.pmid == f.c.pmid))
                 .where(and_(f.c.extractor_version == extractor_version,
                             f.c.content_hash == articles.c.content_hash)))
        with self.engine.connect() as conn:
            return {row.pmid: row.reason for row in conn.execute(query)}

    def get_extraction(self, pmid: str) -> Extraction | None:
        """The stored extraction of ``pmid``, or ``None``."""
        with self.engine.connect() as conn:
            value = conn.execute(select(extractions.c.extraction_json)
                                 .where(extractions.c.pmid == str(pmid))).scalar_one_or_none()
        return None if value is None else Extraction.from_json(json.loads(value))

    def count_extractions(self) -> int:
        """Number of stored extractions."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(extractions)).scalar_one())

    def iter_extractions(self, *, batch_size: int = 500
                         ) -> Iterator[tuple[ArticleInfo, Extraction]]:
        """Stream ``(ArticleInfo, Extraction)`` of every extracted, still stored article,
        ordered by PMID."""
        query = (select(extractions.c.pmid, articles.c.article_json,
                        extractions.c.extraction_json)
                 .select_from(extractions.join(articles,
                                               articles.c.pmid == extractions.c.pmid)))
        for row in self._pages(query, extractions.c.pmid, batch_size):
            info = ArticleInfo.from_article(Article.from_json(json.loads(row.article_json)))
            yield info, Extraction.from_json(json.loads(row.extraction_json))

    # ------------------------------------------------------------------ locks

    @contextmanager
    def lock(self, name: str, *, timeout: float = 0.0, ttl: float = 600.0,
             poll: float = 0.2, force: bool = False) -> Iterator[str]:
        """Hold the named lock exclusively across threads and processes sharing the store.

        Parameters
        ----------
        name
            Lock name (e.g. ``"ingest"``).
        timeout
            Seconds to wait for a lock held by someone else (0: fail at once).
        ttl
            A lock whose heartbeat is older than this many seconds is stale and is broken.
            While held, the heartbeat is refreshed every ``ttl / 3`` seconds.
        force
            Break the lock even if it is held and fresh (after a crash, when you know no run
            is going on).

        Yields
        ------
        str
            The owner id written into the lock row.

        Raises
        ------
        StoreError
            ``another run holds lock X since T; wait or pass --force`` on timeout.
        """
        owner = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:" \
                f"{uuid.uuid4().hex[:8]}"
        deadline = time.monotonic() + timeout
        while not self._try_lock(name, owner, ttl, force):
            if time.monotonic() >= deadline:
                holder = self._lock_holder(name)
                since = holder[1].isoformat(sep=" ", timespec="seconds") + " UTC" \
                    if holder else "?"
                who = holder[0] if holder else "?"
                raise StoreError(f"another run holds lock {name!r} since {since} ({who}); "
                                 "wait or pass --force")
            time.sleep(poll)
        stop = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(name, owner, ttl / 3, stop),
                                name=f"mscgraph-lock-{name}", daemon=True)
        beat.start()
        log.debug("lock %r acquired by %s", name, owner)
        try:
            yield owner
        finally:
            stop.set()
            beat.join()
            with self._write() as conn:
                conn.execute(delete(locks).where(locks.c.name == name, locks.c.owner == owner))
            log.debug("lock %r released by %s", name, owner)

    def _try_lock(self, name: str, owner: str, ttl: float, force: bool) -> bool:
        now = _now()
        try:
            with self._write() as conn:
                held = conn.execute(select(locks.c.owner, locks.c.heartbeat_at)
                                    .where(locks.c.name == name)).first()
                if held is not None:
                    stale = held.heartbeat_at < now - timedelta(seconds=ttl)
                    dead = not stale and owner_is_dead(held.owner)
                    if not (stale or dead or force):
                        return False
                    why = "stale" if stale else ("dead owner's" if dead else "forced")
                    log.warning("breaking %s lock %r held by %s (last heartbeat %s UTC)",
                                why, name, held.owner,
                                held.heartbeat_at.isoformat(sep=" ", timespec="seconds"))
                    conn.execute(delete(locks).where(locks.c.name == name,
                                                     locks.c.owner == held.owner))
                conn.execute(insert(locks).values(name=name, owner=owner, acquired_at=now,
                                                  heartbeat_at=now))
            return True
        except IntegrityError:
            return False  # someone else inserted first (PostgreSQL, READ COMMITTED)

    def _lock_holder(self, name: str) -> tuple[str, datetime] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(locks.c.owner, locks.c.acquired_at)
                               .where(locks.c.name == name)).first()
        return None if row is None else (row.owner, row.acquired_at)

    def _heartbeat(self, name: str, owner: str, every: float, stop: threading.Event) -> None:
        while not stop.wait(every):
            try:
                with self._write() as conn:
                    conn.execute(update(locks).where(and_(locks.c.name == name,
                                                          locks.c.owner == owner))
                                 .values(heartbeat_at=_now()))
            except SQLAlchemyError as e:  # pragma: no cover - logged, retried next beat
                log.warning("could not refresh lock %r: %s", name, e)


_UPDATE_COLUMNS: Sequence[str] = ("version", "title", "abstract", "year", "journal",
                                  "date_revised", "article_json", "raw_xml", "content_hash",
                                  "updated_at")


def _supersedes(version: int, digest: str, date_revised: str,
                old: tuple[int, str, str]) -> bool:
    """Whether an incoming record replaces the stored ``(version, hash, date_revised)``."""
    old_version, old_digest, old_revised = old
    if version != old_version:
        return version > old_version
    if digest == old_digest:
        return False
    return not (date_revised and old_revised and date_revised < old_revised)
