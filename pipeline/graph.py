"""The mechanism knowledge graph and its analyst API (:class:`KnowledgeGraph`).

A networkx ``MultiDiGraph`` with one node per concept and one edge per
``(subject, predicate, object)`` statement (edge key = predicate), aggregated over its evidence.

Node attributes: ``name``, ``type``, ``synonyms`` (mention texts seen), ``mention_count``,
``article_count``, ``pmids`` (articles mentioning the concept).
Edge attributes: ``predicate`` (= ``interaction``), ``sign`` (+1/-1, see :data:`SIGNS`),
``belief``, ``evidence_count``, ``article_count``, ``pmids``, ``negated_pmids``, ``first_year``,
``last_year`` (None without years), ``negated_count``, ``hedged_count``, ``species`` and
``study_types`` (tallies: number of articles), ``contradicted`` and ``contradiction``
(``"polarity"``: the same pair is asserted both INCREASES and DECREASES; ``"negation"``: the
statement is both asserted and negated; joined by ``|`` when both).

Sign algebra for mechanism paths: INCREASES = +1, DECREASES = -1, SECRETES = +1 (more cells,
more of what they secrete), DIFFERENTIATES_INTO = +1, TREATS = -1 (an intervention lowers the
disease it treats). The net effect of a path is the product of its signs; paths are ranked by
``product of beliefs / length``. Only edges with asserted (non-negated) evidence are walked.

Concepts can be named by id, canonical name or synonym (case-insensitive); an ambiguous name
raises :class:`AmbiguousConceptError` listing the candidates.

Not supported: evidence-level filters (years, species, study type, disease) on a graph loaded
from an export without evidence; incremental updates of a graph loaded from an export.

Example
-------
>>> from pipeline.model import Concept, Evidence, Statement
>>> msc, tgf = Concept("CL:0000134", "MSC", "CELL_TYPE"), Concept("HGNC:11766", "TGF-β1", "CYTOKINE")
>>> kg = KnowledgeGraph.from_statements([Statement(msc, "DECREASES", tgf,
...                                                [Evidence("1", "MSCs lowered TGF-β1.")])])
>>> kg
KnowledgeGraph(2 concepts, 1 statements, 1 evidence, 1 articles, 0 contradicted)
>>> kg.resolve("tgf-β1")
'HGNC:11766'
"""
from __future__ import annotations

import difflib
import html
import logging
import math
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, Sequence

import networkx as nx

from .assembly import SIGNS, Assembler, ArticleLike, ConceptRecord
from .belief import BeliefScorer, score_statements
from .errors import PipelineError
from .model import Concept, Evidence, Extraction, Statement

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["KnowledgeGraph", "GraphFilter", "MechanismPath", "ConceptLookupError",
           "AmbiguousConceptError", "UnknownConceptError", "statement_edge_attrs", "SIGNS",
           "EVIDENCE_COLUMNS"]

log = logging.getLogger(__name__)

EVIDENCE_COLUMNS = ["pmid", "year", "sentence", "negated", "hedged", "species", "study_type"]
Key = tuple[str, str, str]


class ConceptLookupError(PipelineError, LookupError):
    """A concept name could not be resolved to exactly one node."""


class UnknownConceptError(ConceptLookupError):
    """No node has this id, name or synonym."""


class AmbiguousConceptError(ConceptLookupError):
    """Several nodes share this name or synonym; name one by id."""


@dataclass(frozen=True)
class GraphFilter:
    """Criteria for :meth:`KnowledgeGraph.subgraph` (all optional; None = no constraint).

    ``years``, ``species``, ``study_types`` and ``disease`` select *evidence* (then edges are
    re-aggregated and re-scored); ``min_evidence``/``min_belief`` apply to the re-aggregated
    edges; ``types`` keeps edges whose two ends both have one of the entity types.
    """

    types: frozenset[str] | None = None
    min_evidence: int = 0
    min_belief: float = 0.0
    years: tuple[int | None, int | None] | None = None
    species: frozenset[str] | None = None
    study_types: frozenset[str] | None = None
    disease: str | None = None

    @property
    def evidence_level(self) -> bool:
        """True when a criterion needs the evidence records (years, species, ...)."""
        return any(x is not None for x in (self.years, self.species, self.study_types,
                                           self.disease))

    def keeps(self, ev: Evidence, disease_pmids: set[str] | None) -> bool:
        """Whether one evidence passes the evidence-level criteria."""
        if self.years is not None:
            lo, hi = self.years
            if ev.year is None or (lo is not None and ev.year < lo) or \
                    (hi is not None and ev.year > hi):
                return False
        if self.species is not None and not self.species & set(ev.species):
            return False
        if self.study_types is not None and ev.study_type not in self.study_types:
            return False
        return disease_pmids is None or ev.pmid in disease_pmids


@dataclass(frozen=True)
class MechanismPath:
    """A signed chain of statements between two concepts."""

    nodes: tuple[str, ...]
    names: tuple[str, ...]
    predicates: tuple[str, ...]
    beliefs: tuple[float, ...]

    @property
    def sign(self) -> int:
        """Product of the step signs: +1 or -1."""
        return math.prod(SIGNS[p] for p in self.predicates)

    @property
    def net_effect(self) -> str:
        """``"increases"`` or ``"decreases"`` (from :attr:`sign`)."""
        return "increases" if self.sign > 0 else "decreases"

    @property
    def score(self) -> float:
        """Product of the step beliefs divided by the path length."""
        return math.prod(self.beliefs) / len(self.predicates)

    def __str__(self) -> str:
        parts = [self.names[0]]
        for pred, name in zip(self.predicates, self.names[1:]):
            parts.append(("-> " if SIGNS[pred] > 0 else "-| ") + name)
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form of the path."""
        return {"path": str(self), "net_effect": self.net_effect, "score": round(self.score, 6),
                "length": len(self.predicates), "predicates": list(self.predicates),
                "nodes": list(self.nodes), "beliefs": list(self.beliefs)}


def statement_edge_attrs(st: Statement) -> dict[str, Any]:
    """Aggregate one statement's evidence into edge attributes (before contradictions)."""
    evs = st.evidence
    years = sorted(e.year for e in evs if e.year is not None)
    ctx: dict[str, Evidence] = {}
    for e in evs:
        ctx.setdefault(e.pmid, e)
    negated = [e for e in evs if e.negated]
    return {
        "source": st.subject.id, "target": st.object.id, "predicate": st.predicate,
        "belief": float(st.belief), "evidence_count": len(evs), "article_count": len(ctx),
        "pmids": sorted(ctx), "negated_pmids": sorted({e.pmid for e in negated}),
        "first_year": years[0] if years else None, "last_year": years[-1] if years else None,
        "negated_count": len(negated), "hedged_count": sum(e.hedged for e in evs),
        "species": dict(sorted(Counter(s for e in ctx.values() for s in e.species).items())),
        "study_types": dict(sorted(Counter(e.study_type for e in ctx.values()).items())),
    }


def _finish_edges(edges: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sort edges, add ``interaction``/``sign`` and mark contradictions."""
    out = sorted((dict(e) for e in edges), key=lambda e: (e["source"], e["predicate"],
                                                          e["target"]))
    asserted: dict[tuple[str, str], set[str]] = {}
    for e in out:
        if e["evidence_count"] > e["negated_count"]:
            asserted.setdefault((e["source"], e["target"]), set()).add(e["predicate"])
    for e in out:
        e["interaction"] = e["predicate"]
        e["sign"] = SIGNS[e["predicate"]]
        kinds = []
        preds = asserted.get((e["source"], e["target"]), set())
        if e["predicate"] in ("INCREASES", "DECREASES") and {"INCREASES", "DECREASES"} <= preds:
            kinds.append("polarity")
        if 0 < e["negated_count"] < e["evidence_count"]:
            kinds.append("negation")
        e["contradicted"] = bool(kinds)
        e["contradiction"] = "|".join(sorted(kinds))
    return out


class KnowledgeGraph:
    """Mechanism graph with analyst queries (build with the ``from_*`` class methods).

    Parameters
    ----------
    concepts : mapping of id -> ConceptRecord
    edges : sequence of edge attribute dicts (``source``, ``target``, ``predicate``, ...)
    statements : mapping of key -> Statement, optional
        The statements with their evidence; None when loaded from an export without evidence.
    scorer : BeliefScorer, optional
        Used to re-score after evidence-level filtering and updates.
    """

    def __init__(self, concepts: Mapping[str, ConceptRecord], edges: Sequence[dict[str, Any]],
                 statements: Mapping[Key, Statement] | None = None, *,
                 scorer: BeliefScorer | None = None, _assembler: Assembler | None = None) -> None:
        self.scorer = scorer
        self._assembler = _assembler
        self._set(concepts, edges, statements)

    def _set(self, concepts: Mapping[str, ConceptRecord], edges: Sequence[dict[str, Any]],
             statements: Mapping[Key, Statement] | None) -> None:
        self._concepts = {k: concepts[k] for k in sorted(concepts)}
        self._statements = dict(sorted(statements.items())) if statements is not None else None
        g = nx.MultiDiGraph(name="mscgraph")
        for c in self._concepts.values():
            g.add_node(c.id, name=c.name, type=c.type, synonyms=list(c.synonyms),
                       mention_count=c.mention_count, article_count=c.article_count,
                       pmids=list(c.pmids))
        for e in _finish_edges(edges):
            for end in (e["source"], e["target"]):
                if end not in g:
                    g.add_node(end, name=end, type="", synonyms=[], mention_count=0,
                               article_count=0, pmids=[])
            attrs = {k: v for k, v in e.items() if k not in ("source", "target")}
            g.add_edge(e["source"], e["target"], key=e["predicate"], **attrs)
        self._g = g
        self._index: dict[str, dict[str, set[str]]] | None = None

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_extractions(cls, items: Iterable[tuple[ArticleLike, Extraction]], *,
                         scorer: BeliefScorer | None = None) -> "KnowledgeGraph":
        """Assemble from ``(article, extraction)`` pairs (e.g. ``store.iter_extractions()``)."""
        asm = Assembler(scorer)
        n = 0
        for article, extraction in items:
            asm.add(article, extraction)
            n += 1
            if n % 10000 == 0:
                log.info("read %d extractions", n)
        log.info("assembling graph from %d extractions", n)
        return cls._from_assembler(asm, scorer)

    @classmethod
    def from_store(cls, store: Any, *, scorer: BeliefScorer | None = None) -> "KnowledgeGraph":
        """Build from a :class:`pipeline.store.Store` (anything with ``iter_extractions()``)."""
        return cls.from_extractions(store.iter_extractions(), scorer=scorer)

    @classmethod
    def from_statements(cls, statements: Iterable[Statement], *,
                        scorer: BeliefScorer | None = None) -> "KnowledgeGraph":
        """Build from statements (merged by key and re-scored; arguments count as mentions)."""
        asm = Assembler(scorer)
        for st in statements:
            asm.add_statement(st)
        return cls._from_assembler(asm, scorer)

    @classmethod
    def from_graphml(cls, path: Any) -> "KnowledgeGraph":
        """Load a graph written by :func:`pipeline.exports.write_graphml` (no evidence)."""
        from .exports import read_graphml
        return read_graphml(path)

    @classmethod
    def from_cyjs(cls, source: Any) -> "KnowledgeGraph":
        """Load a Cytoscape.js JSON file or dict written by :func:`pipeline.exports.write_cyjs`."""
        from .exports import read_cyjs
        return read_cyjs(source)

    @classmethod
    def _from_assembler(cls, asm: Assembler, scorer: BeliefScorer | None) -> "KnowledgeGraph":
        concepts = asm.concepts()
        stmts = asm.statements(concepts)
        return cls(concepts, [statement_edge_attrs(s) for s in stmts],
                   {s.matches_key(): s for s in stmts}, scorer=scorer, _assembler=asm)

    # ------------------------------------------------------------------ updates
    def update(self, items: Iterable[tuple[ArticleLike, Extraction]]) -> int:
        """Add new or re-extracted articles (replacing their previous evidence) in place.

        Gives the same graph as a full rebuild over the union. Returns the articles added.
        """
        asm = self._require_assembler()
        n = 0
        for article, extraction in items:
            asm.add(article, extraction)
            n += 1
        self._rebuild()
        log.info("updated graph with %d extractions", n)
        return n

    def remove_articles(self, pmids: Iterable[str]) -> int:
        """Drop articles' evidence and mentions (e.g. deleted citations) in place."""
        n = self._require_assembler().remove(pmids)
        self._rebuild()
        return n

    def _require_assembler(self) -> Assembler:
        if self._assembler is None:
            raise PipelineError("this graph was loaded from an export or is a filtered view; "
                                "incremental updates need a graph built from the store or "
                                "from extractions (KnowledgeGraph.from_store)")
        return self._assembler

    def _rebuild(self) -> None:
        asm = self._require_assembler()
        concepts = asm.concepts()
        stmts = asm.statements(concepts)
        self._set(concepts, [statement_edge_attrs(s) for s in stmts],
                  {s.matches_key(): s for s in stmts})

    # ------------------------------------------------------------------ basic views
    @property
    def has_evidence(self) -> bool:
        """Whether statements carry their evidence (False for an export without evidence)."""
        return self._statements is not None

    def to_networkx(self) -> nx.MultiDiGraph:
        """A copy of the underlying ``MultiDiGraph`` (native list/dict attribute values)."""
        return self._g.copy()

    @property
    def concepts(self) -> dict[str, ConceptRecord]:
        """Concept records by id (a copy)."""
        return dict(self._concepts)

    def statements(self) -> list[Statement]:
        """Statements sorted by key (without evidence when loaded from a plain export)."""
        if self._statements is not None:
            return list(self._statements.values())
        out = []
        for u, v, d in self.edges():
            out.append(Statement(self._concept(u), d["predicate"], self._concept(v),
                                 belief=float(d["belief"])))
        return out

    def edges(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """``(source, target, attributes)`` in stable order."""
        for u, v, _k, d in self._g.edges(keys=True, data=True):
            yield u, v, d

    def _concept(self, cid: str) -> Concept:
        d = self._g.nodes[cid]
        return Concept(cid, d.get("name", cid), d.get("type", ""))

    def summary(self) -> dict[str, Any]:
        """Counts for a quick look (also shown by ``repr`` and in Jupyter)."""
        edges = [d for _u, _v, d in self.edges()]
        years = [y for d in edges for y in (d.get("first_year"), d.get("last_year")) if y]
        pmids = {p for d in edges for p in d.get("pmids", ())}
        return {"concepts": self._g.number_of_nodes(), "statements": len(edges),
                "evidence": sum(d.get("evidence_count", 0) for d in edges),
                "articles": len(pmids), "contradicted": sum(bool(d.get("contradicted"))
                                                             for d in edges),
                "years": (min(years), max(years)) if years else None,
                "types": dict(sorted(Counter(d.get("type", "") for _n, d in
                                             self._g.nodes(data=True)).items()))}

    def __repr__(self) -> str:
        s = self.summary()
        return (f"KnowledgeGraph({s['concepts']} concepts, {s['statements']} statements, "
                f"{s['evidence']} evidence, {s['articles']} articles, "
                f"{s['contradicted']} contradicted)")

    def _repr_html_(self) -> str:
        s = self.summary()
        rows = "".join(f"<tr><th style='text-align:left'>{html.escape(str(k))}</th>"
                       f"<td style='text-align:left'>{html.escape(str(v))}</td></tr>"
                       for k, v in s.items())
        return f"<b>KnowledgeGraph</b><table>{rows}</table>"

    # ------------------------------------------------------------------ resolver
    def resolve(self, name: str) -> str:
        """Concept id for an id, canonical name or synonym (case-insensitive).

        Raises
        ------
        UnknownConceptError
            Nothing matches (close names are suggested).
        AmbiguousConceptError
            Several concepts match; the message lists them by id, name and type.
        """
        if name in self._g:
            return name
        idx = self._resolver_index()
        key = name.strip().lower()
        for table in ("id", "name", "synonym"):
            hits = idx[table].get(key)
            if hits and len(hits) == 1:
                return next(iter(hits))
            if hits:
                cands = ", ".join(f"{c} ({self._g.nodes[c]['name']}, {self._g.nodes[c]['type']})"
                                  for c in sorted(hits))
                raise AmbiguousConceptError(f"{name!r} names several concepts: {cands}; "
                                            f"pass one of these ids instead")
        close = difflib.get_close_matches(key, list(idx["name"]) + list(idx["synonym"]), n=5)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise UnknownConceptError(f"no concept with id, name or synonym {name!r}{hint}")

    def _resolver_index(self) -> dict[str, dict[str, set[str]]]:
        if self._index is None:
            idx: dict[str, dict[str, set[str]]] = {"id": {}, "name": {}, "synonym": {}}
            for n, d in self._g.nodes(data=True):
                idx["id"].setdefault(n.lower(), set()).add(n)
                idx["name"].setdefault(str(d.get("name", "")).lower(), set()).add(n)
                for syn in d.get("synonyms", ()):
                    idx["synonym"].setdefault(syn.lower(), set()).add(n)
            self._index = idx
        return self._index

    # ------------------------------------------------------------------ analyst queries
    def entities(self, type: str | None = None) -> "pd.DataFrame":
        """Concepts (optionally of one entity type), most-mentioned first."""
        import pandas as pd
        rows = [{"id": n, "name": d["name"], "type": d["type"],
                 "mention_count": d["mention_count"], "article_count": d["article_count"],
                 "degree": self._g.degree(n), "synonyms": "|".join(d["synonyms"])}
                for n, d in self._g.nodes(data=True) if type is None or d["type"] == type]
        rows.sort(key=lambda r: (-r["article_count"], -r["mention_count"], r["id"]))
        return pd.DataFrame(rows, columns=["id", "name", "type", "mention_count",
                                           "article_count", "degree", "synonyms"])

    def neighbours(self, concept: str, *, predicate: str | Iterable[str] | None = None,
                   direction: str = "out") -> "pd.DataFrame":
        """Statements linking ``concept`` to its neighbours.

        Parameters
        ----------
        direction : {"out", "in", "both"}
            ``out``: concept is the subject; ``in``: the object.
        """
        import pandas as pd
        if direction not in ("out", "in", "both"):
            raise ValueError(f"direction must be 'out', 'in' or 'both', got {direction!r}")
        cid = self.resolve(concept)
        preds = {predicate} if isinstance(predicate, str) else \
            (set(predicate) if predicate is not None else None)
        rows = []
        if direction in ("out", "both"):
            for _u, v, d in self._g.out_edges(cid, data=True):
                rows.append(("out", v, d))
        if direction in ("in", "both"):
            for u, _v, d in self._g.in_edges(cid, data=True):
                rows.append(("in", u, d))
        out = [{"direction": dr, "predicate": d["predicate"], "neighbour": n,
                "name": self._g.nodes[n]["name"], "type": self._g.nodes[n]["type"],
                "belief": d["belief"], "evidence_count": d["evidence_count"],
                "contradicted": d["contradicted"]}
               for dr, n, d in rows if preds is None or d["predicate"] in preds]
        out.sort(key=lambda r: (-r["belief"], r["direction"], r["predicate"], r["neighbour"]))
        return pd.DataFrame(out, columns=["direction", "predicate", "neighbour", "name", "type",
                                          "belief", "evidence_count", "contradicted"])

    def evidence(self, subject: str, object: str, predicate: str | None = None) -> "pd.DataFrame":
        """Evidence sentences for the edge(s) ``subject -> object`` (all predicates if None).

        Columns: ``predicate`` + :data:`EVIDENCE_COLUMNS` (species joined by ``|``).
        """
        import pandas as pd
        if self._statements is None:
            raise PipelineError("this graph has no evidence sentences (loaded from GraphML or a "
                                "cyjs without evidence); load it from the store or write the "
                                "cyjs with include_evidence=True")
        s, o = self.resolve(subject), self.resolve(object)
        rows = []
        for (ks, kp, ko), st in self._statements.items():
            if ks == s and ko == o and (predicate is None or kp == predicate):
                rows += [{"predicate": kp, "pmid": e.pmid, "year": e.year,
                          "sentence": e.sentence, "negated": e.negated, "hedged": e.hedged,
                          "species": "|".join(e.species), "study_type": e.study_type}
                         for e in st.evidence]
        return pd.DataFrame(rows, columns=["predicate"] + EVIDENCE_COLUMNS)

    def paths(self, source: str, target: str, *, max_length: int = 4, min_belief: float = 0.0,
              predicates: Iterable[str] | None = None, limit: int | None = 20
              ) -> list[MechanismPath]:
        """Signed mechanism paths ``source -> ... -> target``, best first.

        Parameters
        ----------
        max_length : int
            Most edges in a path.
        min_belief : float
            Skip edges with a lower belief.
        predicates : iterable of str, optional
            Only walk these predicates.
        limit : int or None
            Keep the best ``limit`` paths (ranked by product of beliefs / length).
        """
        if max_length < 1:
            raise ValueError("max_length must be >= 1")
        src, dst = self.resolve(source), self.resolve(target)
        allowed = set(predicates) if predicates is not None else None
        g = self._g

        def usable(d: Mapping[str, Any]) -> bool:
            return (d["evidence_count"] > d["negated_count"] and d["belief"] >= min_belief
                    and (allowed is None or d["predicate"] in allowed))

        dist = nx.single_source_shortest_path_length(g.reverse(copy=False), dst,
                                                     cutoff=max_length)
        found: list[MechanismPath] = []

        def walk(node: str, nodes: list[str], preds: list[str], beliefs: list[float]) -> None:
            if node == dst and preds:
                found.append(MechanismPath(tuple(nodes),
                                           tuple(g.nodes[n]["name"] for n in nodes),
                                           tuple(preds), tuple(beliefs)))
                return
            left = max_length - len(preds)
            for _u, v, d in g.out_edges(node, data=True):
                if v in nodes or dist.get(v, math.inf) > left - 1 or not usable(d):
                    continue
                walk(v, nodes + [v], preds + [d["predicate"]], beliefs + [d["belief"]])

        if src in dist:
            walk(src, [src], [], [])
        found.sort(key=lambda p: (-p.score, len(p.predicates), p.nodes, p.predicates))
        return found[:limit] if limit is not None else found

    def contradictions(self) -> "pd.DataFrame":
        """Contradicted statements: polarity conflicts (one row per pair) and asserted+negated."""
        import pandas as pd
        rows = []
        for u, v, d in self.edges():
            if "polarity" in d["contradiction"] and d["predicate"] == "INCREASES":
                dec = self._g.edges[u, v, "DECREASES"]
                rows.append({"kind": "polarity", "subject": u, "object": v,
                             "statement": f"{self._name(u)} INCREASES/DECREASES {self._name(v)}",
                             "pmids_for": "|".join(d["pmids"]),
                             "pmids_against": "|".join(dec["pmids"]),
                             "belief_for": d["belief"], "belief_against": dec["belief"]})
            if "negation" in d["contradiction"]:
                rows.append({"kind": "negation", "subject": u, "object": v,
                             "statement": f"{self._name(u)} {d['predicate']} {self._name(v)}",
                             "pmids_for": "|".join(d["pmids"]),
                             "pmids_against": "|".join(d["negated_pmids"]),
                             "belief_for": d["belief"], "belief_against": None})
        return pd.DataFrame(rows, columns=["kind", "subject", "object", "statement", "pmids_for",
                                           "pmids_against", "belief_for", "belief_against"])

    def _name(self, cid: str) -> str:
        return str(self._g.nodes[cid].get("name", cid))

    # ------------------------------------------------------------------ filters
    def subgraph(self, filters: GraphFilter | None = None, **criteria: Any) -> "KnowledgeGraph":
        """A filtered copy (criteria as a :class:`GraphFilter` or as its keyword fields).

        Nodes of the result are the ends of the kept edges (their mention counts stay those
        of the whole corpus); without any criteria the result is a full copy.
        """
        f = filters or GraphFilter(**{k: (frozenset(v) if k in ("types", "species",
                                                                  "study_types") and v is not None
                                          and not isinstance(v, frozenset) else v)
                                      for k, v in criteria.items()})
        if f == GraphFilter():
            return KnowledgeGraph(self._concepts, [dict(d, source=u, target=v)
                                                   for u, v, d in self.edges()],
                                  self._statements, scorer=self.scorer)
        if f.evidence_level:
            if self._statements is None:
                raise PipelineError("years/species/study_types/disease filters need evidence; "
                                    "this graph was loaded from an export without it")
            disease_pmids = set(self._g.nodes[self.resolve(f.disease)]["pmids"]) \
                if f.disease else None
            stmts = []
            for st in self._statements.values():
                evs = [e for e in st.evidence if f.keeps(e, disease_pmids)]
                if evs:
                    stmts.append(Statement(st.subject, st.predicate, st.object, evs))
            score_statements(stmts, self.scorer)
            edges = [statement_edge_attrs(s) for s in stmts]
            statements: dict[Key, Statement] | None = {s.matches_key(): s for s in stmts}
        else:
            edges = [dict(d, source=u, target=v) for u, v, d in self.edges()]
            statements = self._statements
        types = self._g.nodes
        kept = [e for e in edges
                if e["evidence_count"] >= f.min_evidence and e["belief"] >= f.min_belief
                and (f.types is None or (types[e["source"]]["type"] in f.types
                                         and types[e["target"]]["type"] in f.types))]
        keys = {(e["source"], e["predicate"], e["target"]) for e in kept}
        ends = {n for e in kept for n in (e["source"], e["target"])}
        concepts = {n: self._record(n) for n in ends}
        stmts_kept = {k: s for k, s in statements.items() if k in keys} \
            if statements is not None else None
        return KnowledgeGraph(concepts, kept, stmts_kept, scorer=self.scorer)

    def _record(self, n: str) -> ConceptRecord:
        if n in self._concepts:
            return self._concepts[n]
        d = self._g.nodes[n]
        return ConceptRecord(n, d["name"], d["type"], tuple(d["synonyms"]), d["mention_count"],
                             d["article_count"], tuple(d["pmids"]))
