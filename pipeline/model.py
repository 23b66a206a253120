"""The data model every stage shares: articles, mentions, relations, evidence, statements.

Ingestion produces :class:`Article`; extraction produces :class:`Mention` and
:class:`Relation` (bundled per document in :class:`Extraction`, with the document's
:class:`DocumentContext`); assembly turns relations into :class:`Evidence` attached to
:class:`Statement` objects, which the graph is made of.

Every record is a frozen dataclass with mirrored ``to_json`` / ``from_json`` that produce and
accept plain JSON-able dicts (empty optional fields omitted), so records cross process
boundaries, the SQL store and JSON Lines files unchanged.

Example
-------
>>> m = Mention(start=0, end=4, text="MSCs", type="CELL_TYPE", concept="CL:0000134",
...             name="mesenchymal stem cell")
>>> Mention.from_json(m.to_json()) == m
True
>>> m.concept_key
'CL:0000134'
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Iterable

__all__ = [
    "ENTITY_TYPES",
    "PREDICATES",
    "STUDY_TYPES",
    "AbstractSection",
    "MeshHeading",
    "Article",
    "Mention",
    "Relation",
    "DocumentContext",
    "Extraction",
    "Concept",
    "Evidence",
    "Statement",
    "concept_key",
]

#: Entity types defined by the annotation guidelines.
ENTITY_TYPES: tuple[str, ...] = (
    "CELL_TYPE", "CYTOKINE", "MOLECULE", "DISEASE", "OUTCOME", "PROCESS", "THERAPY",
)
#: Relation predicates defined by the annotation guidelines.
PREDICATES: tuple[str, ...] = (
    "INCREASES", "DECREASES", "SECRETES", "DIFFERENTIATES_INTO", "TREATS",
)
#: Study types a document can be classified as (most specific first).
STUDY_TYPES: tuple[str, ...] = (
    "rct", "clinical_trial", "clinical_study", "animal_model", "in_vitro", "review", "unknown",
)


def concept_key(concept: str | None, text: str) -> str:
    """Return the graph key of a mention: its concept id, or ``TEXT:<lowercased text>``.

    >>> concept_key(None, "Bone Width")
    'TEXT:bone width'
    """
    return concept if concept else "TEXT:" + text.lower()


def _drop_empty(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in (None, "", (), [], {})}


@dataclass(frozen=True, slots=True)
class AbstractSection:
    """One (possibly labelled) section of a structured abstract."""

    text: str
    label: str = ""
    category: str = ""

    def to_json(self) -> dict[str, Any]:
        return _drop_empty({"label": self.label, "category": self.category, "text": self.text})

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "AbstractSection":
        return cls(text=d.get("text", ""), label=d.get("label", ""), category=d.get("category", ""))


@dataclass(frozen=True, slots=True)
class MeshHeading:
    """A MeSH heading: descriptor id and name, major-topic flag, qualifier names."""

    descriptor_id: str
    name: str
    major: bool = False
    qualifiers: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"descriptor_id": self.descriptor_id, "name": self.name, "major": self.major,
                "qualifiers": list(self.qualifiers)}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "MeshHeading":
        return cls(d["descriptor_id"], d["name"], bool(d.get("major", False)),
                   tuple(d.get("qualifiers", ())))


@dataclass(frozen=True, slots=True)
class Article:
    """One PubMed record (or any titled text) as every stage sees it.

    ``abstract`` is the plain abstract; structured abstracts keep their section labels in
    ``sections`` and as ``LABEL: text`` paragraphs in ``abstract``.
    """

    pmid: str
    title: str = ""
    abstract: str = ""
    version: int = 1
    sections: tuple[AbstractSection, ...] = ()
    journal: str = ""
    year: int | None = None
    pub_date: str = ""
    authors: tuple[str, ...] = ()
    doi: str = ""
    pmcid: str = ""
    language: str = ""
    publication_types: tuple[str, ...] = ()
    mesh_headings: tuple[MeshHeading, ...] = ()
    keywords: tuple[str, ...] = ()
    chemicals: tuple[str, ...] = ()
    date_revised: str = ""

    @property
    def text(self) -> str:
        """Title, newline, abstract: the text extraction runs on (the gold-file convention)."""
        if self.abstract:
            return f"{self.title}\n{self.abstract}" if self.title else self.abstract
        return self.title

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "pmid": self.pmid, "version": self.version, "title": self.title,
            "abstract": self.abstract,
            "sections": [s.to_json() for s in self.sections],
            "journal": self.journal, "year": self.year, "pub_date": self.pub_date,
            "authors": list(self.authors), "doi": self.doi, "pmcid": self.pmcid,
            "language": self.language, "publication_types": list(self.publication_types),
            "mesh_headings": [m.to_json() for m in self.mesh_headings],
            "keywords": list(self.keywords), "chemicals": list(self.chemicals),
            "date_revised": self.date_revised,
        }
        return _drop_empty(d) | {"pmid": self.pmid, "version": self.version}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Article":
        return cls(
            pmid=str(d["pmid"]), title=d.get("title", ""), abstract=d.get("abstract", ""),
            version=int(d.get("version", 1)),
            sections=tuple(AbstractSection.from_json(s) for s in d.get("sections", ())),
            journal=d.get("journal", ""), year=d.get("year"), pub_date=d.get("pub_date", ""),
            authors=tuple(d.get("authors", ())), doi=d.get("doi", ""), pmcid=d.get("pmcid", ""),
            language=d.get("language", ""),
            publication_types=tuple(d.get("publication_types", ())),
            mesh_headings=tuple(MeshHeading.from_json(m) for m in d.get("mesh_headings", ())),
            keywords=tuple(d.get("keywords", ())), chemicals=tuple(d.get("chemicals", ())),
            date_revised=d.get("date_revised", ""),
        )


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity mention: character span into the document text, type and concept.

    ``concept`` is a namespaced id (``CL:0000134``, ``HGNC:4893``, ``MESH:D008103``,
    ``LOCAL:meld_score``) or ``None`` when nothing could be normalized; ``name`` is the
    concept's canonical name.
    """

    start: int
    end: int
    text: str
    type: str
    concept: str | None = None
    name: str = ""

    @property
    def concept_key(self) -> str:
        """The concept id, or ``TEXT:<lowercased text>`` when there is none."""
        return concept_key(self.concept, self.text)

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "type": self.type,
                "concept": self.concept, "name": self.name or self.text}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Mention":
        return cls(int(d["start"]), int(d["end"]), d.get("text", ""), d["type"],
                   d.get("concept") or None, d.get("name", ""))


@dataclass(frozen=True, slots=True)
class Relation:
    """A directed, typed statement found in one sentence, between two mentions."""

    subject: Mention
    predicate: str
    object: Mention
    negated: bool = False
    hedged: bool = False
    sentence: str = ""
    sentence_start: int = 0
    sentence_end: int = 0
    #: What found it: ``"rule"`` (the relation rules) or ``"model"`` (the learned classifier).
    source: str = "rule"
    #: How sure the source is, in ``(0, 1]``: rules say 1.0; the model its probability.
    confidence: float = 1.0

    def __post_init__(self) -> None:
        if self.predicate not in PREDICATES:
            raise ValueError(f"unknown predicate {self.predicate!r}; expected one of {PREDICATES}")

    @property
    def triple(self) -> tuple[str, str, str]:
        """``(subject concept key, predicate, object concept key)``."""
        return (self.subject.concept_key, self.predicate, self.object.concept_key)

    def to_json(self) -> dict[str, Any]:
        """Gold-file form: arguments are objects with ``concept``, ``name``, ``type`` and span."""
        def arg(m: Mention) -> dict[str, Any]:
            return {"concept": m.concept_key, "name": m.name or m.text, "type": m.type,
                    "start": m.start, "end": m.end, "text": m.text}
        return {"subject": arg(self.subject), "predicate": self.predicate,
                "object": arg(self.object), "negated": self.negated, "hedged": self.hedged,
                "sentence": self.sentence, "sentence_start": self.sentence_start,
                "sentence_end": self.sentence_end, "source": self.source,
                "confidence": self.confidence}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Relation":
        def arg(a: dict[str, Any]) -> Mention:
            c = a.get("concept")
            return Mention(int(a.get("start", 0)), int(a.get("end", 0)), a.get("text", ""),
                           a.get("type", ""), None if not c or c.startswith("TEXT:") else c,
                           a.get("name", ""))
        return cls(arg(d["subject"]), d["predicate"], arg(d["object"]),
                   bool(d.get("negated", False)), bool(d.get("hedged", False)),
                   d.get("sentence", ""), int(d.get("sentence_start", 0)),
                   int(d.get("sentence_end", 0)), str(d.get("source", "rule")),
                   float(d.get("confidence", 1.0)))


@dataclass(frozen=True, slots=True)
class DocumentContext:
    """Document-level context carried onto every statement from that document.

    ``species``: sorted tuple of ``human``/``mouse``/``rat``/... ; ``study_type``: one of
    :data:`STUDY_TYPES`.
    """

    species: tuple[str, ...] = ()
    study_type: str = "unknown"

    def to_json(self) -> dict[str, Any]:
        return {"species": list(self.species), "study_type": self.study_type}

    @classmethod
    def from_json(cls, d: dict[str, Any] | None) -> "DocumentContext":
        d = d or {}
        return cls(tuple(d.get("species", ())), d.get("study_type", "unknown"))


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extraction found in one document."""

    doc_id: str
    mentions: tuple[Mention, ...] = ()
    relations: tuple[Relation, ...] = ()
    context: DocumentContext = field(default_factory=DocumentContext)

    def to_json(self) -> dict[str, Any]:
        """The annotate/gold output line: ``{"id", "entities", "relations", "context"}``."""
        return {"id": self.doc_id, "entities": [m.to_json() for m in self.mentions],
                "relations": [r.to_json() for r in self.relations],
                "context": self.context.to_json()}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Extraction":
        return cls(str(d["id"]), tuple(Mention.from_json(m) for m in d.get("entities", ())),
                   tuple(Relation.from_json(r) for r in d.get("relations", ())),
                   DocumentContext.from_json(d.get("context")))


@dataclass(frozen=True, slots=True)
class Concept:
    """A graph node: concept id (or ``TEXT:`` key), canonical name and entity type."""

    id: str
    name: str
    type: str

    @classmethod
    def from_mention(cls, m: Mention) -> "Concept":
        return cls(m.concept_key, m.name or m.text, m.type)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "type": self.type}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Concept":
        return cls(d["id"], d.get("name", d["id"]), d.get("type", ""))


@dataclass(frozen=True, slots=True)
class Evidence:
    """One sentence of one article supporting (or negating) a statement."""

    pmid: str
    sentence: str
    sentence_start: int = 0
    sentence_end: int = 0
    negated: bool = False
    hedged: bool = False
    year: int | None = None
    species: tuple[str, ...] = ()
    study_type: str = "unknown"
    subject_text: str = ""
    object_text: str = ""
    #: The extraction's confidence (:attr:`Relation.confidence`; 1.0 for the rules).
    confidence: float = 1.0

    @property
    def source_hash(self) -> str:
        """Stable hash of where this evidence comes from (dedupe key for evidence)."""
        raw = f"{self.pmid}|{self.sentence_start}|{self.sentence_end}|{self.subject_text}|" \
              f"{self.object_text}|{self.negated}|{self.hedged}"
        return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]

    def to_json(self) -> dict[str, Any]:
        d = {"pmid": self.pmid, "sentence": self.sentence, "sentence_start": self.sentence_start,
             "sentence_end": self.sentence_end, "negated": self.negated, "hedged": self.hedged,
             "year": self.year, "species": list(self.species), "study_type": self.study_type,
             "subject_text": self.subject_text, "object_text": self.object_text}
        if self.confidence != 1.0:
            d["confidence"] = self.confidence
        return _drop_empty(d) | {"pmid": self.pmid, "negated": self.negated, "hedged": self.hedged}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Evidence":
        return cls(str(d["pmid"]), d.get("sentence", ""), int(d.get("sentence_start", 0)),
                   int(d.get("sentence_end", 0)), bool(d.get("negated", False)),
                   bool(d.get("hedged", False)), d.get("year"), tuple(d.get("species", ())),
                   d.get("study_type", "unknown"), d.get("subject_text", ""),
                   d.get("object_text", ""), float(d.get("confidence", 1.0)))

    @classmethod
    def from_relation(cls, relation: Relation, pmid: str, *, year: int | None = None,
                      context: DocumentContext | None = None) -> "Evidence":
        """Build the evidence record of one extracted relation."""
        ctx = context or DocumentContext()
        return cls(pmid=pmid, sentence=relation.sentence,
                   sentence_start=relation.sentence_start, sentence_end=relation.sentence_end,
                   negated=relation.negated, hedged=relation.hedged, year=year,
                   species=ctx.species, study_type=ctx.study_type,
                   subject_text=relation.subject.text, object_text=relation.object.text,
                   confidence=relation.confidence)


@dataclass(slots=True)
class Statement:
    """An assembled ``(subject, predicate, object)`` with all its evidence and a belief score.

    Two statements with the same :meth:`matches_key` are the same claim and get merged.
    """

    subject: Concept
    predicate: str
    object: Concept
    evidence: list[Evidence] = field(default_factory=list)
    belief: float = 0.0

    def __post_init__(self) -> None:
        if self.predicate not in PREDICATES:
            raise ValueError(f"unknown predicate {self.predicate!r}; expected one of {PREDICATES}")
        if not all(isinstance(e, Evidence) for e in self.evidence):
            raise ValueError("Statement.evidence must hold Evidence objects")

    def matches_key(self) -> tuple[str, str, str]:
        """Content key: statements with equal keys are duplicates to merge."""
        return (self.subject.id, self.predicate, self.object.id)

    def get_hash(self, shallow: bool = True) -> str:
        """Hash of the content (``shallow``) or of content and evidence."""
        raw = "|".join(self.matches_key())
        if not shallow:
            raw += "|" + ",".join(sorted(e.source_hash for e in self.evidence))
        return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]

    @property
    def pmids(self) -> list[str]:
        """Distinct PMIDs of the evidence, sorted."""
        return sorted({e.pmid for e in self.evidence})

    def to_json(self) -> dict[str, Any]:
        return {"subject": self.subject.to_json(), "predicate": self.predicate,
                "object": self.object.to_json(), "belief": self.belief,
                "evidence": [e.to_json() for e in self.evidence]}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Statement":
        return cls(Concept.from_json(d["subject"]), d["predicate"], Concept.from_json(d["object"]),
                   [Evidence.from_json(e) for e in d.get("evidence", ())],
                   float(d.get("belief", 0.0)))


def dumps_jsonl(records: Iterable[Any]) -> str:
    """Serialize records with ``to_json`` as JSON Lines (helper for files and tests)."""
    return "".join(json.dumps(r.to_json(), ensure_ascii=False) + "\n" for r in records)
