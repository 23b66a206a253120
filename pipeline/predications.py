"""The flat ``predications`` table: one row per evidence of the stored extractions.

SQL users (SemMedDB's habit) query relations as rows, not JSON inside ``extractions``. This
module owns those rows: :class:`~pipeline.store.Store` calls :func:`replace_predications` in
the transaction that saves extractions, deletes them with the articles
(:func:`delete_predications`), and :func:`refill_predications` rebuilds them from stored
extractions (the store does that on open when the table is new, and in
:meth:`Store.backfill_predications <pipeline.store.Store.backfill_predications>`).

A row is an evidence as assembly sees it (:class:`~pipeline.model.Evidence`): self-loops are
left out, ``hedged`` also marks a question or a ``whether`` clause
(:func:`~pipeline.hedging.speculative`), and an article's duplicates of one statement (same
:attr:`~pipeline.model.Evidence.source_hash`) are one row, the first in extraction order.
The publication year is ``articles.year`` (join on ``pmid``): one owner per fact.

Example
-------
>>> from pipeline.model import Mention, Relation
>>> s = Mention(0, 4, "MSCs", "CELL_TYPE", "CL:0000134", "mesenchymal stem cell")
>>> o = Mention(13, 16, "HGF", "CYTOKINE", "HGNC:4893", "HGF")
>>> x = Extraction("1", (s, o), (Relation(s, "SECRETES", o, sentence="MSCs secrete HGF."),))
>>> [(r["subject_id"], r["predicate"], r["object_name"]) for r in predication_rows("1", x, "v1")]
[('CL:0000134', 'SECRETES', 'HGF')]
"""
from __future__ import annotations

import json
from dataclasses import replace
from typing import Any, Iterable, Iterator, Sequence

from sqlalchemy import String, Text, delete, insert, select
from sqlalchemy.engine import Connection, Engine

from .hedging import speculative
from .model import Evidence, Extraction, Mention, Relation
from .store_schema import articles, extractions, predications

__all__ = ["predication_rows", "replace_predications", "delete_predications",
           "refill_predications", "iter_evidence", "STREAM_BATCH"]

#: Rows fetched at a time by :func:`iter_evidence`.
STREAM_BATCH = 5000


def _argument(prefix: str, m: Mention) -> dict[str, str]:
    return {f"{prefix}_id": m.concept_key, f"{prefix}_name": m.name or m.text,
            f"{prefix}_type": m.type, f"{prefix}_text": m.text}


def predication_rows(pmid: str, extraction: Extraction,
                     extractor_version: str) -> list[dict[str, Any]]:
    """The ``predications`` rows of one article's extraction (see the module docstring)."""
    species = "|".join(extraction.context.species)
    study_type = extraction.context.study_type
    seen: set[tuple[tuple[str, str, str], str]] = set()
    rows = []
    for n, rel in enumerate(extraction.relations):
        key = rel.triple
        if key[0] == key[2]:
            continue
        evidence = Evidence.from_relation(rel, pmid)
        if not rel.hedged and speculative(rel):
            evidence = replace(evidence, hedged=True)
        dedupe = (key, evidence.source_hash)
        if dedupe in seen:
            continue
        seen.add(dedupe)
        rows.append(_row(pmid, n, rel, extractor_version) | {
            "hedged": evidence.hedged, "species": species, "study_type": study_type})
    return rows


def _row(pmid: str, n: int, rel: Relation, extractor_version: str) -> dict[str, Any]:
    return {"pmid": pmid, "relation_index": n, "sentence": rel.sentence,
            "sentence_start": rel.sentence_start, "sentence_end": rel.sentence_end,
            **_argument("subject", rel.subject), "predicate": rel.predicate,
            **_argument("object", rel.object), "negated": rel.negated,
            "confidence": rel.confidence, "source": rel.source,
            "extractor_version": extractor_version}


def delete_predications(conn: Connection, pmids: Sequence[str]) -> None:
    """Delete the rows of ``pmids`` (inside the caller's transaction)."""
    conn.execute(delete(predications).where(predications.c.pmid.in_(list(pmids))))


def replace_predications(conn: Connection, items: Iterable[tuple[str, Extraction]],
                         extractor_version: str) -> int:
    """Replace the rows of each ``(pmid, extraction)`` (inside the caller's transaction); a
    PMID given twice keeps its last extraction, as ``extractions`` does. Returns the rows written.
    """
    latest = dict(items)
    return _rewrite(conn, list(latest), (r for pmid, x in latest.items()
                                         for r in predication_rows(pmid, x, extractor_version)))


def refill_predications(conn: Connection, pmids: Sequence[str]) -> int:
    """Rewrite the rows of ``pmids`` from their stored extractions; returns the rows written.

    The extractions are read in the caller's write transaction, locked on PostgreSQL, so a
    concurrent save cannot be overwritten with older rows.
    """
    stored = conn.execute(select(extractions.c.pmid, extractions.c.extractor_version,
                                 extractions.c.extraction_json)
                          .where(extractions.c.pmid.in_(list(pmids))).with_for_update()).all()
    return _rewrite(conn, pmids, (r for s in stored for r in predication_rows(
        s.pmid, Extraction.from_json(json.loads(s.extraction_json)), s.extractor_version)))


def _rewrite(conn: Connection, pmids: Sequence[str], rows: Iterable[dict[str, Any]]) -> int:
    delete_predications(conn, pmids)
    rows = list(rows)
    if rows:
        conn.execute(insert(predications), rows)
    return len(rows)


def iter_evidence(engine: Engine, *, batch_size: int = STREAM_BATCH
                  ) -> Iterator[tuple[tuple[str, str, str], Evidence]]:
    """Every evidence of the stored articles as ``(statement key, Evidence)``, from one query
    fetched ``batch_size`` rows at a time.

    Ordered by key, then as :func:`~pipeline.assembly.evidence_sort_key` orders a statement's
    evidence (PMID, offsets, argument texts, flags, sentence), ties in extraction order: a
    caller grouping by key holds one statement at a time, its evidence in the graph's order
    (rows are one per :attr:`~pipeline.model.Evidence.source_hash` already). Text compares by
    code point, as in Python (PostgreSQL sorts with the ``C`` collation).
    """
    c = predications.c
    binary = engine.dialect.name == "postgresql"
    order = [col.collate("C") if binary and isinstance(col.type, (String, Text)) else col
             for col in (c.subject_id, c.predicate, c.object_id, c.pmid, c.sentence_start,
                         c.sentence_end, c.subject_text, c.object_text, c.negated, c.hedged,
                         c.sentence)]
    query = (select(c.subject_id, c.predicate, c.object_id, c.pmid, c.sentence,
                    c.sentence_start, c.sentence_end, c.negated, c.hedged, c.species,
                    c.study_type, c.subject_text, c.object_text, c.confidence)
             .order_by(*order, c.relation_index))
    with engine.connect() as conn:
        # the years by PMID first: cheaper than joining the wide articles rows to every row
        years = dict(conn.execute(select(articles.c.pmid, articles.c.year)).all())
        # positional unpacking: attribute access on each row costs as much as the query
        for (subject, predicate, obj, pmid, sentence, start, end, negated, hedged,
             species, study_type, subject_text, object_text, confidence) in \
                conn.execution_options(yield_per=batch_size).execute(query):
            if pmid not in years:  # not a stored article (rows go with their article)
                continue
            yield (subject, predicate, obj), Evidence(
                pmid, sentence, start, end, bool(negated), bool(hedged), years[pmid],
                tuple(species.split("|")) if species else (), study_type, subject_text,
                object_text, float(confidence))
