"""Assembly: extractions -> concepts and merged, belief-scored statements (deterministic).

Every relation of every article becomes an :class:`~pipeline.model.Evidence` (built with
``Evidence.from_relation``, carrying the article's year, species and study type); relations with
the same :meth:`~pipeline.model.Statement.matches_key` ``(subject, predicate, object)`` are merged
into one :class:`~pipeline.model.Statement`, whose belief an injected
:class:`~pipeline.belief.BeliefScorer` sets. Concepts (graph nodes) are counted from
``Extraction.mentions`` (relation arguments missing from the mentions are added), with the most
frequent name and type winning (ties: alphabetical). Evidence from a question (a title such as
``Do MSCs reduce fibrosis?``) or a ``whether`` clause is hedged
(:func:`~pipeline.context.speculative`), whatever the relation rules said.

State is kept per article in an :class:`Assembler`, so re-extracting an article replaces its
previous evidence (:meth:`Assembler.add`) and the result never depends on input order: outputs
are sorted (concepts by id, statements by key, evidence by pmid and offsets).

Not supported: merging of different concept ids that mean the same thing (that is the linker's
job), statement hierarchies, self-loops (dropped, as in the annotation guidelines).

Example
-------
>>> from pipeline.model import Extraction, Mention, Relation
>>> s = Mention(0, 4, "MSCs", "CELL_TYPE", "CL:0000134", "mesenchymal stem cell")
>>> o = Mention(13, 16, "HGF", "CYTOKINE", "HGNC:4893", "HGF")
>>> x = Extraction("1", (s, o), (Relation(s, "SECRETES", o, sentence="MSCs secrete HGF."),))
>>> [st.matches_key() for st in assemble([(ArticleRef("1", 2020), x)])]
[('CL:0000134', 'SECRETES', 'HGNC:4893')]
"""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Iterable, Iterator, Mapping, Protocol, Sequence, runtime_checkable

from .belief import BeliefScorer, score_statements
from .context import speculative
from .model import Concept, Evidence, Extraction, Mention, Statement

__all__ = ["ArticleLike", "ArticleRef", "ArticleState", "ConceptRecord", "Assembler", "assemble",
           "article_state", "concept_of", "merge_evidence", "most_common", "evidence_sort_key", "iter_evidence_rows", "SIGNS"]

log = logging.getLogger(__name__)

#: Sign of each predicate for mechanism paths: TREATS lowers the disease it is applied to.
SIGNS: dict[str, int] = {"INCREASES": 1, "DECREASES": -1, "SECRETES": 1,
                         "DIFFERENTIATES_INTO": 1, "TREATS": -1}


@runtime_checkable
class ArticleLike(Protocol):
    """What assembly needs of the store's ``ArticleInfo``: a PMID and a year."""

    pmid: str
    year: int | None


@dataclass(frozen=True)
class ArticleRef:
    """A minimal :class:`ArticleLike` (for tests and statements without a store)."""

    pmid: str
    year: int | None = None


@dataclass(frozen=True)
class ConceptRecord:
    """A graph node: concept, the texts it was written as, and how often it was mentioned."""

    id: str
    name: str
    type: str
    synonyms: tuple[str, ...] = ()
    mention_count: int = 0
    article_count: int = 0
    pmids: tuple[str, ...] = ()

    @property
    def concept(self) -> Concept:
        """The record as a model :class:`Concept` (id, name, type)."""
        return Concept(self.id, self.name, self.type)


@dataclass
class ArticleState:
    """What one article contributed (replaced wholesale when it is re-extracted)."""

    pmid: str
    #: concept key -> [(text, name, type)] per mention
    mentions: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    #: statement key -> evidence
    evidence: dict[tuple[str, str, str], list[Evidence]] = field(default_factory=dict)


def article_state(article: ArticleLike, extraction: Extraction) -> ArticleState:
    """One article's mentions and evidence by statement key (self-loops dropped)."""
    pmid = str(article.pmid)
    state = ArticleState(pmid)
    seen: set[tuple[int, int, str]] = set()

    def mention(m: Mention) -> None:
        key = (m.start, m.end, m.concept_key)
        if key not in seen:
            seen.add(key)
            state.mentions.setdefault(m.concept_key, []).append(
                (m.text, m.name or m.text, m.type))

    for m in extraction.mentions:
        mention(m)
    for rel in extraction.relations:
        mention(rel.subject)
        mention(rel.object)
        if rel.subject.concept_key == rel.object.concept_key:
            log.debug("pmid %s: dropped self-loop %s", pmid, rel.triple)
            continue
        ev = Evidence.from_relation(rel, pmid, year=article.year, context=extraction.context)
        if not ev.hedged and speculative(rel):
            ev = replace(ev, hedged=True)
        state.evidence.setdefault(rel.triple, []).append(ev)
    return state


def merge_evidence(evidence: Iterable[Evidence]) -> list[Evidence]:
    """A statement's evidence as the graph keeps it: sorted, one per :attr:`source_hash`."""
    uniq: dict[str, Evidence] = {}
    for ev in sorted(evidence, key=evidence_sort_key):
        uniq.setdefault(ev.source_hash, ev)
    return list(uniq.values())


def evidence_sort_key(ev: Evidence) -> tuple:
    """Stable order of evidence: pmid, offsets, argument texts, flags, sentence."""
    return (ev.pmid, ev.sentence_start, ev.sentence_end, ev.subject_text, ev.object_text,
            ev.negated, ev.hedged, ev.sentence)


def most_common(counter: Mapping[str, int]) -> str:
    """The most frequent value (ties: the smallest); "" for an empty counter.

    >>> most_common(Counter({"b": 2, "a": 2, "c": 1}))
    'a'
    """
    return min(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0] if counter else ""


class Assembler:
    """Per-article accumulator of mentions and evidence; outputs are derived, sorted views.

    Parameters
    ----------
    scorer : BeliefScorer, optional
        Sets ``Statement.belief``; default :class:`~pipeline.belief.DefaultBeliefScorer`.
    """

    def __init__(self, scorer: BeliefScorer | None = None) -> None:
        self.scorer = scorer
        self._articles: dict[str, ArticleState] = {}

    def __len__(self) -> int:
        return len(self._articles)

    @property
    def pmids(self) -> list[str]:
        """The PMIDs seen so far, sorted."""
        return sorted(self._articles)

    def add(self, article: ArticleLike, extraction: Extraction) -> None:
        """Add (or replace) one article's extraction."""
        state = article_state(article, extraction)
        if state.pmid in self._articles:
            log.debug("pmid %s: replacing previous extraction", state.pmid)
        self._articles[state.pmid] = state

    def article(self, pmid: str) -> ArticleState | None:
        """What article ``pmid`` contributed, or None."""
        return self._articles.get(str(pmid))

    def articles(self, pmids: Iterable[str] | None = None) -> Iterator[ArticleState]:
        """The contributions of ``pmids`` that are present (all when None)."""
        if pmids is None:
            yield from self._articles.values()
            return
        for p in pmids:
            if (state := self._articles.get(str(p))) is not None:
                yield state

    def add_statement(self, statement: Statement) -> None:
        """Add a ready-made statement's evidence (its arguments count as mentions)."""
        key = statement.matches_key()
        for ev in statement.evidence:
            state = self._articles.setdefault(ev.pmid, ArticleState(ev.pmid))
            state.evidence.setdefault(key, []).append(ev)
            for c, text in ((statement.subject, ev.subject_text),
                            (statement.object, ev.object_text)):
                state.mentions.setdefault(c.id, []).append((text or c.name, c.name, c.type))

    def remove(self, pmids: Iterable[str]) -> int:
        """Drop articles (e.g. deleted citations); returns how many were present."""
        return sum(self._articles.pop(str(p), None) is not None for p in pmids)

    def concepts(self) -> dict[str, ConceptRecord]:
        """Concept table sorted by id."""
        texts: dict[str, Counter] = {}
        names: dict[str, Counter] = {}
        types: dict[str, Counter] = {}
        pmids: dict[str, set[str]] = {}
        for pmid, state in self._articles.items():
            for key, ms in state.mentions.items():
                pmids.setdefault(key, set()).add(pmid)
                for text, name, typ in ms:
                    texts.setdefault(key, Counter())[text] += 1
                    names.setdefault(key, Counter())[name] += 1
                    types.setdefault(key, Counter())[typ] += 1
        return {key: ConceptRecord(
                    id=key, name=most_common(names[key]) or key,
                    type=most_common(types[key]),
                    synonyms=tuple(sorted(t for t in texts[key] if t)),
                    mention_count=sum(texts[key].values()), article_count=len(pmids[key]),
                    pmids=tuple(sorted(pmids[key])))
                for key in sorted(texts)}

    def statements(self, concepts: dict[str, ConceptRecord] | None = None) -> list[Statement]:
        """Merged statements sorted by key, evidence sorted and deduplicated, belief scored."""
        concepts = concepts if concepts is not None else self.concepts()
        merged: dict[tuple[str, str, str], list[Evidence]] = {}
        for state in self._articles.values():
            for key, evs in state.evidence.items():
                merged.setdefault(key, []).extend(evs)
        out = []
        for key in sorted(merged):
            subj, pred, obj = key
            out.append(Statement(concept_of(concepts, subj), pred, concept_of(concepts, obj),
                                 merge_evidence(merged[key])))
        score_statements(out, self.scorer)
        return out


def concept_of(concepts: Mapping[str, ConceptRecord], key: str) -> Concept:
    """The concept of ``key`` (a bare one named by its id when there is no record)."""
    rec = concepts.get(key)
    return rec.concept if rec else Concept(key, key, "")


def assemble(items: Iterable[tuple[ArticleLike, Extraction]], *,
             scorer: BeliefScorer | None = None) -> list[Statement]:
    """Merge extractions into belief-scored statements (sorted by ``matches_key``).

    Parameters
    ----------
    items : iterable of (article, extraction)
        E.g. ``store.iter_extractions()``; a later item for the same PMID replaces earlier ones.
    scorer : BeliefScorer, optional
        Belief model; default :class:`~pipeline.belief.DefaultBeliefScorer`.
    """
    asm = Assembler(scorer)
    for article, extraction in items:
        asm.add(article, extraction)
    return asm.statements()


def iter_evidence_rows(statements: Sequence[Statement]) -> Iterator[dict]:
    """Flat rows (one per evidence) for tables."""
    for st in statements:
        for ev in st.evidence:
            yield {"source": st.subject.id, "interaction": st.predicate, "target": st.object.id,
                   "pmid": ev.pmid, "year": ev.year, "sentence": ev.sentence,
                   "negated": ev.negated, "hedged": ev.hedged,
                   "species": "|".join(ev.species), "study_type": ev.study_type}
