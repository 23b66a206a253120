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

Sign algebra for mechanism paths (:mod:`.paths`): INCREASES = +1, DECREASES = -1,
SECRETES = +1 (more cells, more of what they secrete), DIFFERENTIATES_INTO = +1, TREATS = -1
(an intervention lowers the disease it treats). The net effect of a path is the product of its
signs; paths are ranked by ``product of beliefs / length``. Only edges with asserted
(non-negated) evidence are walked.

Concepts can be named by id, canonical name or synonym (case-insensitive); an ambiguous name
raises :class:`AmbiguousConceptError` listing the candidates.

State: a graph built from the store or from extractions holds per-article counts
(:mod:`.aggregate`; updates, :mod:`.updates`, add, replace or remove an article exactly and
re-score only the statements it touches) and reads evidence sentences on demand from its source
(:mod:`.sources`: memory or the store; :mod:`.state` saves the counts between runs); whole-graph
readers (exports) stream them statement by statement (:meth:`KnowledgeGraph.iter_statements`:
from the store's ``predications`` table, never all sentences at once); one loaded from an export
holds its statements, if any. Concept records and edge attributes by key are derived from those;
the networkx view (:meth:`KnowledgeGraph.to_networkx`) is built from them on first use,
cached and frozen. Readers and writers of files live in :mod:`pipeline.exports` (they go
through that view and :meth:`KnowledgeGraph.from_networkx`); this package never imports them.

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

import functools
import html
import logging
from collections import Counter
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence

import networkx as nx

from ..assembly import (SIGNS, Assembler, ArticleLike, ConceptRecord, concept_of,
                        evidence_sort_key)
from ..belief import BeliefScorer, score_statements
from .aggregate import GraphAggregate
from .sources import EvidenceSource, StoreSource, materialize
from ..errors import PipelineError
from ..model import Evidence, Extraction, Statement
from .edges import Key, edge_table, finish_edges, statement_edge_attrs
from ..lexicon.hierarchy import Hierarchy, default_hierarchy
from .contradictions import CONTRADICTION_COLUMNS, contradiction_rows
from .filters import GraphFilter, InvalidFilterError, normalize_predicates
from .mediators import MEDIATOR_COLUMNS, MEDIATOR_TYPES, co_stated_paths, mediator_rows
from .paths import MECHANISTIC, ArticleContext, MechanismPath, mechanism_paths
from .updates import IncrementalUpdates
from .resolve import (AmbiguousConceptError, ConceptLookupError, ConceptResolver,
                      UnknownConceptError)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = ["KnowledgeGraph", "GraphFilter", "MechanismPath", "ConceptLookupError",
           "InvalidFilterError", "MEDIATOR_COLUMNS", "CONTRADICTION_COLUMNS",
           "AmbiguousConceptError", "UnknownConceptError", "statement_edge_attrs", "SIGNS",
           "EVIDENCE_COLUMNS"]

log = logging.getLogger(__name__)

EVIDENCE_COLUMNS = ["pmid", "year", "sentence", "negated", "hedged", "species", "study_type"]


class KnowledgeGraph(IncrementalUpdates):
    """Mechanism graph with analyst queries (build with the ``from_*`` class methods).

    Parameters
    ----------
    concepts : mapping of id -> ConceptRecord
    edges : sequence of edge attribute dicts (``source``, ``target``, ``predicate``, ...)
    statements : mapping of key -> Statement, optional
        The statements with their evidence; None when loaded from an export without evidence.
    scorer : BeliefScorer, optional
        Used to re-score after evidence-level filtering and updates.
    hierarchy : Hierarchy, optional
        Broader / narrower concepts (default: the committed ``hierarchy.tsv.gz``).
    """

    def __init__(self, concepts: Mapping[str, ConceptRecord], edges: Sequence[dict[str, Any]],
                 statements: Mapping[Key, Statement] | None = None, *,
                 scorer: BeliefScorer | None = None, hierarchy: Hierarchy | None = None,
                 aggregate: GraphAggregate | None = None,
                 source: EvidenceSource | None = None) -> None:
        self.scorer = scorer
        self._hierarchy = hierarchy
        #: the counts behind nodes and edges (None: a view or an export, no updates)
        self._agg = aggregate
        #: where sentences are read from when the statements are not held
        self._source = source
        self._lookup: Callable[[Iterable[Key] | None], dict[Key, Statement]] | None = None
        self._set(concepts, edges, statements)

    def _set(self, concepts: Mapping[str, ConceptRecord], edges: Sequence[dict[str, Any]],
             statements: Mapping[Key, Statement] | None) -> None:
        """Replace the state; the cached view and resolver are rebuilt on next use."""
        self._concepts = {k: concepts[k] for k in sorted(concepts)}
        self._statements = dict(sorted(statements.items())) if statements is not None else None
        if self._statements is not None:
            self._lookup = self._held
        elif self._agg is not None and self._source is not None:
            self._lookup = self._materialize
        finished = finish_edges(edges)
        # nodes in view order: the concepts, then edge ends without a record (placeholders)
        nodes = {c.id: c for c in self._concepts.values()}
        for e in finished:
            for end in (e["source"], e["target"]):
                if end not in nodes:
                    nodes[end] = ConceptRecord(end, end, "")
        self._nodes: dict[str, ConceptRecord] = nodes
        self._edges: dict[Key, dict[str, Any]] = edge_table(nodes, finished)
        self._view: nx.MultiDiGraph | None = None
        self._resolver: ConceptResolver | None = None
        self._ancestors: dict[str, frozenset[str]] = {}
        self._contexts: dict[str, ArticleContext] | None = None
        self._all_evidence: dict[Key, Statement] | None = None
        self._evidence_map: pd.DataFrame | None = None

    def __getstate__(self) -> dict[str, Any]:
        # the caches are rebuilt on demand; pickling them would double the payload
        return {**self.__dict__, "_view": None, "_resolver": None, "_ancestors": {},
                "_contexts": None, "_all_evidence": None, "_evidence_map": None}

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_extractions(cls, items: Iterable[tuple[ArticleLike, Extraction]], *,
                         scorer: BeliefScorer | None = None) -> "KnowledgeGraph":
        """Assemble from ``(article, extraction)`` pairs (e.g. ``store.iter_extractions()``);
        the evidence stays in memory."""
        asm = Assembler(scorer)
        n = 0
        for article, extraction in items:
            asm.add(article, extraction)
            n += 1
            if n % 10000 == 0:
                log.info("read %d extractions", n)
        log.info("assembling graph from %d extractions", n)
        return cls.from_source(asm, scorer=scorer)

    @classmethod
    def from_statements(cls, statements: Iterable[Statement], *,
                        scorer: BeliefScorer | None = None) -> "KnowledgeGraph":
        """Build from statements (merged by key and re-scored; arguments count as mentions)."""
        asm = Assembler(scorer)
        for st in statements:
            asm.add_statement(st)
        return cls.from_source(asm, scorer=scorer)

    @classmethod
    def from_networkx(cls, g: nx.MultiDiGraph, *,
                      evidence: Mapping[Key, Sequence[Evidence]] | None = None
                      ) -> "KnowledgeGraph":
        """Inverse of :meth:`to_networkx` (the reader side of every export format).

        Nodes carry the concept attributes (missing ones default to empty), edges the
        statement attributes with ``predicate``; beliefs are kept, not re-scored. With
        ``evidence`` (by key; sorted here) the graph has statements with evidence, else none.

        >>> from pipeline.model import Concept
        >>> kg = KnowledgeGraph.from_statements([Statement(Concept("A", "a", "CELL_TYPE"),
        ...     "SECRETES", Concept("B", "b", "CYTOKINE"), [Evidence("1", "s")])])
        >>> KnowledgeGraph.from_networkx(kg.to_networkx()).summary() == kg.summary()
        True
        """
        concepts = {n: ConceptRecord(n, str(d.get("name", n)), str(d.get("type", "")),
                                     tuple(d.get("synonyms", ())), int(d.get("mention_count", 0)),
                                     int(d.get("article_count", 0)), tuple(d.get("pmids", ())))
                    for n, d in g.nodes(data=True)}
        edges = [dict(d, source=u, target=v) for u, v, d in g.edges(data=True)]
        statements = None
        if evidence is not None:
            statements = {}
            for e in edges:
                key = (e["source"], e["predicate"], e["target"])
                statements[key] = Statement(
                    concepts[e["source"]].concept, e["predicate"], concepts[e["target"]].concept,
                    sorted(evidence.get(key, []), key=evidence_sort_key), float(e["belief"]))
        return cls(concepts, edges, statements)

    def _held(self, keys: Iterable[Key] | None = None) -> dict[Key, Statement]:
        return self._held_from(self._statements or {}, keys)

    @staticmethod
    def _held_from(held: Mapping[Key, Statement], keys: Iterable[Key] | None
                   ) -> dict[Key, Statement]:
        return dict(held) if keys is None else {k: held[k] for k in sorted(set(keys))
                                                if k in held}

    def _materialize(self, keys: Iterable[Key] | None = None) -> dict[Key, Statement]:
        if self._all_evidence is not None:
            return self._held_from(self._all_evidence, keys)
        agg, source = self._require_aggregate()
        got = materialize(source, agg.statements, keys, self._nodes,
                          {k: d["belief"] for k, d in self._edges.items()})
        if keys is None:  # exports ask for everything several times in a row
            self._all_evidence = got
        return got

    def drop_evidence(self) -> None:
        """Forget the sentences read for a whole-graph query (exports, contradictions), kept
        until the next update so that a run of exports reads the store once."""
        self._all_evidence = None

    # ------------------------------------------------------------------ basic views
    @property
    def has_evidence(self) -> bool:
        """Whether statements carry their evidence (False for an export without evidence)."""
        return self._lookup is not None

    def to_networkx(self) -> nx.MultiDiGraph:
        """The graph as a frozen ``MultiDiGraph`` (built once, then cached; no copy per call).

        Node ids are concept ids, edge keys predicates; attribute values are native lists and
        dicts. Treat it as read-only (``.copy()`` gives a graph you may change): updates of
        this graph replace the view rather than change it.
        """
        if self._view is None:
            g = nx.MultiDiGraph(name="mscgraph")
            for c in self._nodes.values():
                g.add_node(c.id, name=c.name, type=c.type, synonyms=list(c.synonyms),
                           mention_count=c.mention_count, article_count=c.article_count,
                           pmids=list(c.pmids), parent=self._parent(c.id))
            for (u, p, v), d in self._edges.items():
                g.add_edge(u, v, key=p, **d)
            self._view = nx.freeze(g)
        return self._view

    @property
    def concepts(self) -> dict[str, ConceptRecord]:
        """Concept records by id (a copy)."""
        return dict(self._concepts)

    def statements(self) -> list[Statement]:
        """Statements sorted by key (without evidence when loaded from a plain export)."""
        if self._lookup is not None:
            return list(self._lookup(None).values())
        return [Statement(self._nodes[u].concept, d["predicate"], self._nodes[v].concept,
                          belief=float(d["belief"])) for u, v, d in self.edges()]

    def iter_statements(self) -> Iterator[Statement]:
        """The statements of :meth:`statements`, one at a time: a graph over a store streams
        them from its ``predications`` table, never holding every sentence at once."""
        if not (isinstance(self._source, StoreSource) and self._all_evidence is None):
            yield from self.statements()
            return
        for key, evidence in self._source.statement_evidence():
            d = self._edges.get(key)
            if d is not None:
                yield Statement(concept_of(self._nodes, key[0]), key[1],
                                concept_of(self._nodes, key[2]), evidence, float(d["belief"]))

    def evidence_from(self, pmids_of: Mapping[Key, Iterable[str]]) -> dict[Key, list[Evidence]]:
        """The evidence of each statement key from the given articles only; a graph over
        aggregates reads just those articles.

        >>> from pipeline.model import Concept
        >>> key = ("A", "SECRETES", "B")
        >>> kg = KnowledgeGraph.from_statements([Statement(Concept("A", "a", "CELL_TYPE"),
        ...     "SECRETES", Concept("B", "b", "CYTOKINE"),
        ...     [Evidence("1", "s"), Evidence("2", "t")])])
        >>> [e.pmid for e in kg.evidence_from({key: ["2"]})[key]]
        ['2']
        """
        wanted = {k: set(map(str, p)) for k, p in pmids_of.items() if k in self._edges}
        if self._agg is not None and self._source is not None and self._statements is None \
                and self._all_evidence is None:
            got = materialize(self._source, wanted, list(wanted), self._nodes)
        else:
            got = self._evidence(list(wanted))
        return {k: [e for e in st.evidence if e.pmid in wanted[k]] for k, st in got.items()}

    def edges(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """``(source, target, attributes)`` in stable order (that of :meth:`to_networkx`)."""
        for (u, _p, v), d in self._edges.items():
            yield u, v, d

    def summary(self) -> dict[str, Any]:
        """Counts for a quick look (also shown by ``repr`` and in Jupyter)."""
        edges = list(self._edges.values())
        years = [y for d in edges for y in (d.get("first_year"), d.get("last_year")) if y]
        pmids = {p for d in edges for p in d.get("pmids", ())}
        return {"concepts": len(self._nodes), "statements": len(edges),
                "evidence": sum(d.get("evidence_count", 0) for d in edges),
                "articles": len(pmids), "contradicted": sum(bool(d.get("contradicted"))
                                                             for d in edges),
                "years": (min(years), max(years)) if years else None,
                "types": dict(sorted(Counter(c.type for c in self._nodes.values()).items()))}

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

        Raises :class:`UnknownConceptError` (with close names) or
        :class:`AmbiguousConceptError` (listing the candidates), see
        :meth:`ConceptResolver.resolve <pipeline.graph.resolve.ConceptResolver.resolve>`.
        """
        if self._resolver is None:
            self._resolver = ConceptResolver(self._nodes, self.is_narrower)
        return self._resolver.resolve(name)

    # ------------------------------------------------------------------ hierarchy
    @property
    def hierarchy(self) -> Hierarchy:
        """The concept hierarchy the queries use (loaded on first use)."""
        if self._hierarchy is None:
            self._hierarchy = default_hierarchy()
        return self._hierarchy

    def is_narrower(self, a: str, b: str) -> bool:
        """Whether concept id ``a`` is (transitively) narrower than ``b``."""
        if a not in self._ancestors:
            self._ancestors[a] = frozenset(self.hierarchy.broader(a, transitive=True))
        return b in self._ancestors[a]

    def _parent(self, cid: str) -> str:
        """The first direct broader concept that is a node of the graph ("" when none)."""
        return next((p for p in self.hierarchy.broader(cid) if p in self._nodes), "")

    def _related(self, cid: str, direction: str, transitive: bool) -> "pd.DataFrame":
        import pandas as pd
        h = self.hierarchy
        c = cid if cid in h.names and cid not in self._nodes else self.resolve(cid)
        ids = h.broader(c, transitive=transitive) if direction == "broader" else \
            h.narrower(c, transitive=transitive)
        rows = [{"name": self._nodes[i].name if i in self._nodes else h.names.get(i, i),
                 "concept": i, "type": self._nodes[i].type if i in self._nodes else "",
                 "in_graph": i in self._nodes} for i in ids]
        rows.sort(key=lambda r: (not r["in_graph"], str(r["name"]).lower(), r["concept"]))
        return pd.DataFrame(rows, columns=["name", "concept", "type", "in_graph"])

    def broader(self, concept: str, *, transitive: bool = False) -> "pd.DataFrame":
        """Broader concepts (all ancestors when ``transitive``): name, concept, type, in_graph.

        >>> kg = KnowledgeGraph({}, [])
        >>> list(kg.broader("CL:0002540")["name"])
        ['mesenchymal stem cell']
        """
        return self._related(concept, "broader", transitive)

    def narrower(self, concept: str, *, transitive: bool = False) -> "pd.DataFrame":
        """Narrower concepts (all descendants when ``transitive``); columns as :meth:`broader`."""
        return self._related(concept, "narrower", transitive)

    def scope(self, concept: str, *, include_narrower: bool = True) -> list[str]:
        """The graph's node ids a query on ``concept`` covers: it and its narrower terms.

        The named concept first, then its narrower terms that are nodes of the graph.
        """
        cid = self.resolve(concept)
        if not include_narrower:
            return [cid]
        return [cid] + [n for n in self.hierarchy.narrower(cid, transitive=True)
                        if n in self._nodes]

    # ------------------------------------------------------------------ analyst queries
    def entities(self, type: str | None = None) -> "pd.DataFrame":
        """Concepts (optionally of one entity type), most-mentioned first."""
        import pandas as pd
        g = self.to_networkx()
        rows = [{"id": n, "name": d["name"], "type": d["type"],
                 "mention_count": d["mention_count"], "article_count": d["article_count"],
                 "degree": g.degree(n), "synonyms": "|".join(d["synonyms"])}
                for n, d in g.nodes(data=True) if type is None or d["type"] == type]
        rows.sort(key=lambda r: (-r["article_count"], -r["mention_count"], r["id"]))
        return pd.DataFrame(rows, columns=["id", "name", "type", "mention_count",
                                           "article_count", "degree", "synonyms"])

    def neighbours(self, concept: str, *, predicate: str | Iterable[str] | None = None,
                   direction: str = "both", include_narrower: bool = True) -> "pd.DataFrame":
        """Statements linking ``concept`` (and its narrower terms) to their neighbours.

        Parameters
        ----------
        predicate : str or iterable of str, optional
            Only these predicates (case-insensitive; an unknown one raises).
        direction : {"both", "out", "in"}
            ``out``: concept is the subject; ``in``: the object.
        include_narrower : bool
            Also the statements of the concept's narrower terms (column ``via`` names them).
        """
        import pandas as pd
        if direction not in ("out", "in", "both"):
            raise InvalidFilterError(f"direction must be 'out', 'in' or 'both', "
                                     f"got {direction!r}")
        members = self.scope(concept, include_narrower=include_narrower)
        preds = normalize_predicates(predicate)
        g = self.to_networkx()
        rows = []
        for m in members:
            if direction in ("out", "both"):
                rows += [("out", m, v, d) for _u, v, d in g.out_edges(m, data=True)]
            if direction in ("in", "both"):
                rows += [("in", m, u, d) for u, _v, d in g.in_edges(m, data=True)]
        out = [{"direction": dr, "predicate": d["predicate"], "name": self._nodes[n].name,
                "type": self._nodes[n].type, "belief": d["belief"],
                "evidence_count": d["evidence_count"], "contradicted": d["contradicted"],
                "via": self._name(m) if m != members[0] else "", "neighbour": n}
               for dr, m, n, d in rows if preds is None or d["predicate"] in preds]
        out.sort(key=lambda r: (-r["belief"], r["direction"], r["predicate"], r["neighbour"],
                                r["via"]))
        return pd.DataFrame(out, columns=["direction", "predicate", "name", "type", "belief",
                                          "evidence_count", "contradicted", "via",
                                          "neighbour"])

    def _evidence(self, keys: Iterable[Key] | None = None) -> dict[Key, Statement]:
        """Statements with their sentences (of ``keys``, all when None), read on demand."""
        if self._lookup is None:
            raise PipelineError("this graph has no evidence sentences (loaded from GraphML or a "
                                "cyjs without evidence); load it from the store or write the "
                                "cyjs with include_evidence=True")
        return self._lookup(keys)

    def evidence(self, subject: str, object: str, predicate: str | None = None, *,
                 include_narrower: bool = True) -> "pd.DataFrame":
        """Evidence sentences for ``subject -> object`` (all predicates if None).

        With ``include_narrower`` the statements of their narrower terms count too. Columns:
        ``subject``, ``object`` (names), ``predicate`` + :data:`EVIDENCE_COLUMNS` (species
        joined by ``|``).
        """
        import pandas as pd
        ss = set(self.scope(subject, include_narrower=include_narrower))
        os_ = set(self.scope(object, include_narrower=include_narrower))
        preds = normalize_predicates(predicate)
        statements = self._evidence([k for k in self._edges if k[0] in ss and k[2] in os_
                                     and (preds is None or k[1] in preds)])
        rows = []
        for (ks, kp, ko), st in statements.items():
            if ks in ss and ko in os_ and (preds is None or kp in preds):
                rows += [{"subject": self._name(ks), "object": self._name(ko), "predicate": kp,
                          "pmid": e.pmid, "year": e.year, "sentence": e.sentence,
                          "negated": e.negated, "hedged": e.hedged,
                          "species": "|".join(e.species), "study_type": e.study_type}
                         for e in st.evidence]
        return pd.DataFrame(rows, columns=["subject", "object", "predicate"] + EVIDENCE_COLUMNS)

    # ------------------------------------------------------------------ mechanisms
    def article_contexts(self) -> dict[str, ArticleContext]:
        """Species and disease context by PMID (see :class:`~pipeline.graph.paths.ArticleContext`)."""
        if self._contexts is None:
            species: dict[str, set[str]] = {}
            if self._agg is not None:  # an article's sentences share its species
                for parts in self._agg.statements.values():
                    for p, c in parts.items():
                        species.setdefault(p, set()).update(c.species)
            elif self._lookup is not None:
                for st in self._lookup(None).values():
                    for e in st.evidence:
                        species.setdefault(e.pmid, set()).update(e.species)
            h = self.hierarchy
            diseases: dict[str, list[frozenset[str]]] = {}
            for c in self._nodes.values():
                if c.type == "DISEASE":
                    up = h.broader(c.id)
                    near = frozenset({c.id, *up, *(g for u in up for g in h.broader(u))})
                    for p in c.pmids:
                        diseases.setdefault(p, []).append(near)
            self._contexts = {p: ArticleContext(frozenset(species.get(p, ())),
                                                tuple(diseases.get(p, ())))
                              for p in set(species) | set(diseases)}
        return self._contexts

    def _steps(self) -> dict[Key, tuple[str, ...]]:
        """Asserted (non-negated) PMIDs of each edge."""
        if self._agg is not None:
            return {k: tuple(sorted(p for p, c in self._agg.statements[k].items()
                                    if c.evidence > c.negated)) for k in self._edges}
        if self._lookup is not None:
            return {k: tuple(sorted({e.pmid for e in st.evidence if not e.negated}))
                    for k, st in self._lookup(None).items()}
        return {k: tuple(p for p in d["pmids"] if p not in d["negated_pmids"]) or
                tuple(d["pmids"]) for k, d in self._edges.items()
                if d["evidence_count"] > d["negated_count"]}

    def _with_sentences(self, path: MechanismPath) -> MechanismPath:
        import dataclasses
        if self._lookup is None:
            return path
        keys = [(path.nodes[i], p, path.nodes[i + 1]) for i, p in enumerate(path.predicates)]
        held = self._lookup(keys)
        sents = []
        for i, key in enumerate(keys):
            st = held[key]
            first = {}
            for e in st.evidence:
                if not e.negated and e.pmid in path.pmids[i]:
                    first.setdefault(e.pmid, e.sentence)
            sents.append(tuple(sorted(first.items())))
        return dataclasses.replace(path, sentences=tuple(sents))

    def paths(self, source: str, target: str, *, max_length: int = 4, min_belief: float = 0.0,
              predicates: Iterable[str] | None = None, limit: int | None = 20,
              include_narrower: bool = True, same_context: bool = True
              ) -> list[MechanismPath]:
        """Signed mechanism paths ``source -> ... -> target``, best first (predicates shown).

        Parameters
        ----------
        max_length : int
            Most edges in a path.
        min_belief : float
            Skip edges with a lower belief.
        predicates : iterable of str, optional
            Only walk these predicates (case-insensitive).
        limit : int or None
            Keep the best ``limit`` paths (ranked by product of beliefs / length, times the
            context coherence factor, see :mod:`pipeline.graph.paths`).
        include_narrower : bool
            Paths may start at a narrower term of ``source`` and end at one of ``target``.
        same_context : bool
            Chain only through evidence whose article context (species, diseases) agrees;
            False walks across unrelated articles too, with a score penalty.
        """
        if max_length < 1:
            raise InvalidFilterError("max_length must be >= 1")
        found = mechanism_paths(
            self.to_networkx(), self._steps(), self.scope(source, include_narrower=include_narrower),
            self.scope(target, include_narrower=include_narrower), max_length=max_length,
            min_belief=min_belief, predicates=normalize_predicates(predicates), limit=limit,
            contexts=self.article_contexts(), same_context=same_context)
        return [self._with_sentences(p) for p in found]

    def mediators(self, source: str, target: str, *, max_length: int = 4,
                  include_narrower: bool = True, same_context: bool = True) -> "pd.DataFrame":
        """Intermediate concepts through which ``source`` acts on ``target``, best first.

        Walks signed mechanistic steps only (INCREASES, DECREASES, SECRETES,
        DIFFERENTIATES_INTO; not TREATS) through cell types, cytokines, molecules, processes
        and outcomes (never a disease, the source, the target or their narrower terms), with
        the context rules of :meth:`paths`. Columns :data:`MEDIATOR_COLUMNS`: ``net_effect``
        is the mediator's own effect on the target (+1/-1), ``paths`` its
        :class:`MechanismPath` objects (``print(p.explain())`` shows sentences and PMIDs),
        ``articles`` the PMIDs behind them, ``score`` the sum of their path scores.
        """
        import pandas as pd
        if max_length < 2:
            raise InvalidFilterError("max_length must be >= 2 (a mediator needs two steps)")
        found = mechanism_paths(
            self.to_networkx(), self._steps(), self.scope(source, include_narrower=include_narrower),
            self.scope(target, include_narrower=include_narrower), max_length=max_length,
            predicates=MECHANISTIC, limit=None, contexts=self.article_contexts(),
            same_context=same_context, intermediate_types=MEDIATOR_TYPES)
        types = {n: c.type for n, c in self._nodes.items()}
        chains = [self._with_sentences(p) for p in found if len(p.predicates) > 1]
        sources = self.scope(source, include_narrower=include_narrower)
        held = self._evidence([k for k in self._edges if k[0] in set(sources)]) \
            if self.has_evidence else {}
        implied = co_stated_paths(held, sources,
                                  self.scope(target, include_narrower=include_narrower), types,
                                  MECHANISTIC)
        rows = mediator_rows(chains + implied, types)
        return pd.DataFrame(rows, columns=MEDIATOR_COLUMNS)

    def mediator_paths(self, source: str, target: str, mediator: str, **kwargs: Any
                       ) -> list[MechanismPath]:
        """The paths of one mediator of :meth:`mediators` (same keyword arguments)."""
        table = self.mediators(source, target, **kwargs)
        row = table[table["concept"] == self.resolve(mediator)]
        return list(row.iloc[0]["paths"]) if len(row) else []

    def contradictions(self) -> "pd.DataFrame":
        """Opposite claims across the concept hierarchy, with both sides' evidence and context.

        ``polarity``: INCREASES against DECREASES/TREATS between the same or narrower
        concepts, from different articles; ``negation``: a statement asserted and negated.
        Columns :data:`CONTRADICTION_COLUMNS` (names, PMIDs, sentences, species, study types).
        """
        import pandas as pd
        if self._lookup is not None:
            evidence = {k: st.evidence for k, st in self._lookup(None).items()}
        else:
            evidence = {k: [Evidence(p, "") for p in d["pmids"]] for k, d in self._edges.items()}
        rows = contradiction_rows(evidence, {n: str(c.name) for n, c in self._nodes.items()},
                                  self.is_narrower,
                                  {k: float(d["belief"]) for k, d in self._edges.items()})
        return pd.DataFrame(rows, columns=CONTRADICTION_COLUMNS)

    def evidence_map(self, **kwargs: Any) -> "pd.DataFrame":
        """Disease × mechanism table: articles, net direction, best study type, belief
        (:func:`~pipeline.graph.evidence_map.evidence_map`; same keyword arguments). The
        default table is kept until the next update (the exports ask for it twice)."""
        from .evidence_map import evidence_map
        if kwargs:
            return evidence_map(self, **kwargs)
        if self._evidence_map is None:
            self._evidence_map = evidence_map(self)
        return self._evidence_map.copy()

    def plot(self, concept: str, depth: int = 1, **kwargs: Any) -> "Axes":
        """Draw the neighbourhood of ``concept`` with matplotlib and return the Axes
        (:func:`~pipeline.graph.plot.plot_neighbourhood`; same keyword arguments: ``ax``,
        ``max_nodes``, ``min_belief``, ``predicate``, ``edge_labels``, ...)."""
        from .plot import plot_neighbourhood
        return plot_neighbourhood(self, concept, depth, **kwargs)

    def _name(self, cid: str) -> str:
        return str(self._nodes[cid].name)

    # ------------------------------------------------------------------ filters
    def subgraph(self, filters: GraphFilter | None = None, **criteria: Any) -> "KnowledgeGraph":
        """A filtered copy (criteria as a :class:`GraphFilter` or as its keyword fields).

        Nodes of the result are the ends of the kept edges (their mention counts stay those
        of the whole corpus); without any criteria the result is a full copy.
        """
        f = filters or GraphFilter(**criteria)
        if f == GraphFilter():
            return self._view_of(self._concepts, [dict(d, source=u, target=v)
                                                  for u, v, d in self.edges()])
        if f.evidence_level:
            if self._lookup is None:
                raise PipelineError("years/species/study_types/disease filters need evidence; "
                                    "this graph was loaded from an export without it")
            disease_pmids = {p for d in self.scope(f.disease) for p in self._nodes[d].pmids} \
                if f.disease else None
            stmts = []
            for st in self._lookup(None).values():
                evs = [e for e in st.evidence if f.keeps(e, disease_pmids)]
                if evs:
                    stmts.append(Statement(st.subject, st.predicate, st.object, evs))
            score_statements(stmts, self.scorer)
            edges = [statement_edge_attrs(s) for s in stmts]
            statements: dict[Key, Statement] | None = {s.matches_key(): s for s in stmts}
        else:
            edges = [dict(d, source=u, target=v) for u, v, d in self.edges()]
            statements = None
        nodes = self._nodes
        kept = [e for e in edges
                if e["evidence_count"] >= f.min_evidence and e["belief"] >= f.min_belief
                and (f.types is None or (nodes[e["source"]].type in f.types
                                         and nodes[e["target"]].type in f.types))]
        keys = {(e["source"], e["predicate"], e["target"]) for e in kept}
        ends = {n for e in kept for n in (e["source"], e["target"])}
        concepts = {n: self._nodes[n] for n in ends}
        if statements is None:
            return self._view_of(concepts, kept)
        return KnowledgeGraph(concepts, kept, {k: s for k, s in statements.items() if k in keys},
                              scorer=self.scorer, hierarchy=self._hierarchy)

    def _view_of(self, concepts: Mapping[str, ConceptRecord],
                 edges: Sequence[dict[str, Any]]) -> "KnowledgeGraph":
        """A read-only graph of some of this graph's edges, reading evidence through it."""
        view = KnowledgeGraph(concepts, edges, scorer=self.scorer, hierarchy=self._hierarchy)
        if self._lookup is not None:
            view._lookup = functools.partial(restricted_evidence, self,
                                             frozenset(view._edges))
        return view


def restricted_evidence(kg: KnowledgeGraph, allowed: frozenset[Key],
                        keys: Iterable[Key] | None) -> dict[Key, Statement]:
    """``kg``'s statements with evidence among ``allowed`` (of ``keys``, all when None)."""
    return kg._evidence(allowed if keys is None else [k for k in keys if k in allowed])
