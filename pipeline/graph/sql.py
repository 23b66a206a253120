"""Graph aggregates computed by the database: one GROUP BY over the ``predications`` table.

The in-memory :class:`~pipeline.graph.KnowledgeGraph` aggregates evidence in Python; here the
same per-statement figures come from SQL, so assembly can scale with the database (SQLite or
PostgreSQL) rather than with the memory of one process. A row matches a graph edge's
``evidence_count``, ``article_count``, ``negated_count``, ``first_year``, ``last_year``
and ``hedged_count`` (years from ``articles.year``), plus the mean extraction confidence.

Example
-------
>>> from pipeline.store import Store
>>> with Store("sqlite://") as store:
...     statement_aggregates(store)
[]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, cast, distinct, func, inspect, select

from ..errors import StoreError
from ..store_schema import articles, predications

__all__ = ["StatementAggregate", "statement_aggregates", "statement_aggregates_query"]


@dataclass(frozen=True, slots=True)
class StatementAggregate:
    """One ``(subject id, predicate, object id)`` with the counts of its evidence."""

    subject_id: str
    predicate: str
    object_id: str
    evidence_count: int
    article_count: int
    negated_count: int
    hedged_count: int
    first_year: int | None
    last_year: int | None
    mean_confidence: float

    @property
    def key(self) -> tuple[str, str, str]:
        """``(subject id, predicate, object id)``, as a graph edge's key."""
        return (self.subject_id, self.predicate, self.object_id)


def statement_aggregates_query() -> Any:
    """The SELECT behind :func:`statement_aggregates` (SQLAlchemy Core; ``str()`` shows it)."""
    p = predications
    return (select(p.c.subject_id, p.c.predicate, p.c.object_id,
                   func.count().label("evidence_count"),
                   func.count(distinct(p.c.pmid)).label("article_count"),
                   func.sum(cast(p.c.negated, Integer)).label("negated_count"),
                   func.sum(cast(p.c.hedged, Integer)).label("hedged_count"),
                   func.min(articles.c.year).label("first_year"),
                   func.max(articles.c.year).label("last_year"),
                   func.avg(p.c.confidence).label("mean_confidence"))
            .select_from(p.join(articles, articles.c.pmid == p.c.pmid))
            .group_by(p.c.subject_id, p.c.predicate, p.c.object_id))


def statement_aggregates(store: Any) -> list[StatementAggregate]:
    """Per-statement evidence aggregates of a :class:`~pipeline.store.Store`, sorted by key.

    Raises
    ------
    StoreError
        When the store has no ``predications`` table (made by an older version and opened
        read-only): open it once for writing, e.g. ``Store(url)``, which fills the table.
    """
    with store.engine.connect() as conn:
        if not inspect(conn).has_table("predications"):
            raise StoreError(f"{store!r} has no predications table (an older store opened "
                             "read-only); open it once with Store(url) or run 'mscgraph "
                             "extract', which creates and fills it")
        rows = conn.execute(statement_aggregates_query()).all()
    out = [StatementAggregate(r.subject_id, r.predicate, r.object_id, int(r.evidence_count),
                              int(r.article_count), int(r.negated_count or 0),
                              int(r.hedged_count or 0), r.first_year, r.last_year,
                              float(r.mean_confidence)) for r in rows]
    return sorted(out, key=lambda a: a.key)
