"""The store's tables, and what a value must be to fit them on every backend.

SQLAlchemy Core tables shared by SQLite and PostgreSQL (portable column types only; JSON is
text). :func:`check_article` tells ahead of any write whether an article fits, so both
backends give the same clear answer instead of SQLite's ``OverflowError`` or PostgreSQL's
``DataError``. :mod:`pipeline.store` re-exports everything here.

>>> sorted(metadata.tables)  # doctest: +NORMALIZE_WHITESPACE
['articles', 'deleted_articles', 'extraction_failures', 'extractions', 'ingest_runs', 'locks',
 'predications', 'watermarks']
"""
from __future__ import annotations

from sqlalchemy import (Boolean, Column, DateTime, Float, Index, Integer, MetaData, String, Table,
                        Text)

from .model import Article

__all__ = ["metadata", "articles", "deleted_articles", "ingest_runs", "watermarks",
           "extractions", "extraction_failures", "locks", "predications", "RUN_STATUSES", "RUN_COUNT_FIELDS", "PMID_MAX_LENGTH",
           "INTEGER_MAX", "check_article"]

#: Longest PMID the ``articles`` table holds (``String(32)``).
PMID_MAX_LENGTH = 32
#: Largest value of an ``Integer`` column on every backend (PostgreSQL's ``integer``).
INTEGER_MAX = 2**31 - 1
#: Allowed ``ingest_runs.status`` values (``running`` is set by :meth:`Store.start_run`).
RUN_STATUSES: tuple[str, ...] = ("running", "success", "failed", "interrupted")
#: The counts each ingest run records.
RUN_COUNT_FIELDS: tuple[str, ...] = ("fetched", "inserted", "updated", "unchanged", "deleted")

metadata = MetaData()

articles = Table(
    "articles", metadata,
    Column("pmid", String(PMID_MAX_LENGTH), primary_key=True),
    Column("version", Integer, nullable=False, default=1),
    Column("title", Text, nullable=False, default=""),
    Column("abstract", Text, nullable=False, default=""),
    Column("year", Integer, nullable=True),
    Column("journal", Text, nullable=False, default=""),
    Column("date_revised", String(10), nullable=False, default=""),
    Column("article_json", Text, nullable=False),
    Column("raw_xml", Text, nullable=True),
    Column("content_hash", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)
deleted_articles = Table(
    "deleted_articles", metadata,
    Column("pmid", String(PMID_MAX_LENGTH), primary_key=True),
    Column("deleted_at", DateTime, nullable=False),
    Column("source", Text, nullable=False, default=""),
)
ingest_runs = Table(
    "ingest_runs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("query_name", String(200), nullable=False, default=""),
    Column("query_term", Text, nullable=False, default=""),
    Column("window_start", String(32), nullable=True),
    Column("window_end", String(32), nullable=True),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime, nullable=True),
    Column("status", String(20), nullable=False),
    *(Column(name, Integer, nullable=False, default=0) for name in RUN_COUNT_FIELDS),
    Column("error", Text, nullable=True),
)
watermarks = Table(
    "watermarks", metadata,
    Column("query_name", String(200), primary_key=True),
    Column("high_water", String(32), nullable=False),
    Column("updated_at", DateTime, nullable=False),
)
extractions = Table(
    "extractions", metadata,
    Column("pmid", String(PMID_MAX_LENGTH), primary_key=True),
    Column("article_version", Integer, nullable=False),
    Column("extractor_version", String(64), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("extraction_json", Text, nullable=False),
    Column("extracted_at", DateTime, nullable=False),
)
#: Articles the extractor failed on (too long, or an error), so batches skip them until the
#: article or the extractor changes, or ``mscgraph extract --retry-failed``.
extraction_failures = Table(
    "extraction_failures", metadata,
    Column("pmid", String(32), primary_key=True),
    Column("extractor_version", String(64), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("failed_at", DateTime, nullable=False),
)


def _argument_columns(arg: str) -> list[Column]:
    """Concept id (or ``TEXT:`` key), canonical name, entity type and mention text of ``arg``."""
    return [Column(f"{arg}_{field}", Text, nullable=False, default="")
            for field in ("id", "name", "type", "text")]


#: One row per evidence of the stored extractions, flat for SQL users (SemMedDB's habit);
#: :mod:`pipeline.predications` owns its rows and keeps them in step with ``extractions``.
predications = Table(
    "predications", metadata,
    Column("pmid", String(PMID_MAX_LENGTH), primary_key=True),
    #: Position of the relation in the extraction (rows of one article in extraction order).
    Column("relation_index", Integer, primary_key=True, autoincrement=False),
    Column("sentence", Text, nullable=False, default=""),
    Column("sentence_start", Integer, nullable=False, default=0),
    Column("sentence_end", Integer, nullable=False, default=0),
    *_argument_columns("subject"),
    Column("predicate", String(32), nullable=False),
    *_argument_columns("object"),
    Column("negated", Boolean, nullable=False, default=False),
    Column("hedged", Boolean, nullable=False, default=False),
    #: Species of the article, sorted and joined by ``|`` (empty when none was found).
    Column("species", Text, nullable=False, default=""),
    Column("study_type", String(32), nullable=False, default="unknown"),
    Column("confidence", Float, nullable=False, default=1.0),
    #: What found the relation: ``rule`` or ``model``.
    Column("source", String(16), nullable=False, default="rule"),
    Column("extractor_version", String(64), nullable=False),
    # the primary key serves lookups by pmid
    Index("ix_predications_subject_id", "subject_id"),
    Index("ix_predications_object_id", "object_id"),
    Index("ix_predications_predicate", "predicate"),
)
locks = Table(
    "locks", metadata,
    Column("name", String(200), primary_key=True),
    Column("owner", String(200), nullable=False),
    Column("acquired_at", DateTime, nullable=False),
    Column("heartbeat_at", DateTime, nullable=False),
)




def check_article(article: Article) -> str | None:
    """Why ``article`` cannot be stored on every supported backend, or ``None`` if it can.

    SQLite refuses integers beyond 64 bits and PostgreSQL beyond 32 bits or strings longer
    than their column; checking first gives the same clear answer on both.

    >>> check_article(Article("1", "t")) is None
    True
    >>> check_article(Article("1", "t", version=2**40))
    'PMID 1: Version 1099511627776 is out of range (1 to 2147483647)'
    """
    if not article.pmid or len(article.pmid) > PMID_MAX_LENGTH:
        return (f"PMID {article.pmid[:40]!r} is empty or longer than {PMID_MAX_LENGTH} "
                "characters")
    if not 1 <= article.version <= INTEGER_MAX:
        return f"PMID {article.pmid}: Version {article.version} is out of range (1 to {INTEGER_MAX})"
    if article.year is not None and not 0 <= article.year <= INTEGER_MAX:
        return f"PMID {article.pmid}: year {article.year} is out of range (0 to {INTEGER_MAX})"
    if len(article.date_revised) > 10:
        return f"PMID {article.pmid}: DateRevised {article.date_revised[:20]!r} is not a date"
    return None
