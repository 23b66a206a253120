"""Public benchmark corpora as gold-format documents, and how each is scored.

Readers for the annotated corpora under ``resources/corpora/`` of the shared data folder (never
shipped with the package):

* **NCBI-disease** (PubTator-like ``PMID|t|``/``PMID|a|`` lines, then ``PMID<TAB>start<TAB>end
  <TAB>mention<TAB>class<TAB>id``): every mention class (SpecificDisease, DiseaseClass,
  Modifier, CompositeMention) becomes ``DISEASE``; ``D012345`` becomes ``MESH:D012345``,
  ``OMIM:`` ids are kept, a composite ``D1|D2`` (or ``D1+D2``) keeps its first id.
* **JNLPBA** (``iob_test.tsv``: ``token<TAB>BIO-tag``, blank line between sentences,
  ``-DOCSTART-`` between abstracts): ``cell_type`` becomes ``CELL_TYPE``; ``protein``, ``DNA``,
  ``RNA`` and ``cell_line`` mentions are kept under their own lower-case labels so scoring can
  restrict itself to ``CELL_TYPE`` (``types``) and optionally ignore predictions on cell lines.
  The corpus has tokens only, so the text is rebuilt: tokens joined by one space, except no
  space before ``. , ; : ) ] %`` and none after ``( [``; the first sentence (the title) ends
  with a newline, the other sentences are joined by one space. Offsets are those of the rebuilt
  text.
* **BioRED** (PubTator with relation lines ``PMID<TAB>Type<TAB>id1<TAB>id2<TAB>Novel``):
  DiseaseOrPhenotypicFeature -> ``DISEASE``, GeneOrGeneProduct -> ``GENE``, ChemicalEntity ->
  ``CHEMICAL`` (OrganismTaxon, CellLine and SequenceVariant are dropped). Relations stay in
  BioRED's form under ``"pairs"`` and are scored at the entity-id pair level
  (:func:`score_biored_relations`).

Text is ``title + "\\n" + abstract`` everywhere (the project's convention; PubTator offsets
count one separator character, so they hold unchanged).

>>> docs = list(parse_pubtator(["1|t|Liver cirrhosis.", "1|a|Rare.",
...                             "1\\t0\\t15\\tLiver cirrhosis\\tSpecificDisease\\tD008103", ""]))
>>> ncbi_document(docs[0])["entities"][0]["concept"]
'MESH:D008103'
"""
from __future__ import annotations

import logging
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from .config import PROJECT_ROOT
from .errors import EvaluationError
from .evaluation import Counts, Equivalence, Scores, relation_arg, score, entity_key

__all__ = [
    "SHARED_DIR",
    "DEFAULT_CORPORA_DIR",
    "PubtatorDoc",
    "BenchmarkResult",
    "BENCHMARKS",
    "parse_pubtator",
    "ncbi_document",
    "load_ncbi_disease",
    "read_iob",
    "load_jnlpba",
    "biored_document",
    "load_biored",
    "remap_types",
    "drop_overlapping",
    "score_biored_relations",
    "evaluate_benchmark",
]

logger = logging.getLogger(__name__)

#: The shared data folder (``$MSCGRAPH_SHARED``, else ``shared/`` next to the checkout).
SHARED_DIR = Path(os.environ.get("MSCGRAPH_SHARED") or PROJECT_ROOT.parent / "shared")
#: Where the shared data folder keeps the annotated corpora.
DEFAULT_CORPORA_DIR = SHARED_DIR / "resources" / "corpora"

NCBI_FILES = {"test": "ncbi_disease/NCBItestset_corpus.txt",
              "dev": "ncbi_disease/NCBIdevelopset_corpus.txt",
              "train": "ncbi_disease/NCBItrainset_corpus.txt"}
JNLPBA_FILES = {"test": "jnlpba/iob_test.tsv", "dev": "jnlpba/iob_devel.tsv"}
BIORED_FILES = {"test": "biored/Test.PubTator", "dev": "biored/Dev.PubTator",
                "train": "biored/Train.PubTator"}
BIORED_TYPES = {"DiseaseOrPhenotypicFeature": "DISEASE", "GeneOrGeneProduct": "GENE",
                "ChemicalEntity": "CHEMICAL"}
#: Project predicates that count for a BioRED relation type (absent type: any predicate).
BIORED_PREDICATES = {"Positive_Correlation": {"INCREASES"},
                     "Negative_Correlation": {"DECREASES", "TREATS"}}


@dataclass
class PubtatorDoc:
    """One PubTator document: title, abstract, mention rows and relation rows."""

    pmid: str
    title: str = ""
    abstract: str = ""
    mentions: list[tuple[int, int, str, str, str]] = field(default_factory=list)
    relations: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Title, newline, abstract (the offsets of the annotations refer to it)."""
        return f"{self.title}\n{self.abstract}"


def _corpus_file(corpora_dir: str | Path | None, table: Mapping[str, str], split: str) -> Path:
    if split not in table:
        raise EvaluationError(f"unknown split {split!r}; expected one of {sorted(table)}")
    path = Path(corpora_dir or DEFAULT_CORPORA_DIR) / table[split]
    if not path.is_file():
        raise EvaluationError(f"{path} not found; pass --corpora-dir pointing at the shared "
                              "resources/corpora folder")
    return path


# --------------------------------------------------------------------------------- PubTator

def parse_pubtator(lines: Iterable[str]) -> Iterator[PubtatorDoc]:
    """Parse PubTator lines into documents (blank lines separate documents)."""
    doc: PubtatorDoc | None = None
    for n, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            if doc is not None:
                yield doc
                doc = None
            continue
        head = line[:40]
        if "|t|" in head or "|a|" in head:
            sep = "|t|" if "|t|" in head else "|a|"
            pmid, body = line.split(sep, 1)
            if doc is None or doc.pmid != pmid:
                if doc is not None:
                    yield doc
                doc = PubtatorDoc(pmid)
            if sep == "|t|":
                doc.title = body
            else:
                doc.abstract = body
            continue
        f = line.split("\t")
        if doc is None or f[0] != doc.pmid:
            raise EvaluationError(f"line {n}: annotation for {f[0]!r} outside its document; "
                                  "expected PubTator (PMID|t|, PMID|a|, then annotation rows)")
        if len(f) >= 6 and f[1].isdigit():
            doc.mentions.append((int(f[1]), int(f[2]), f[3], f[4], f[5].strip()))
        elif len(f) >= 4:
            doc.relations.append((f[1], f[2].strip(), f[3].strip()))
    if doc is not None:
        yield doc


def _read_pubtator(path: Path, limit: int | None) -> list[PubtatorDoc]:
    with open(path, encoding="utf-8") as fh:
        docs = []
        for d in parse_pubtator(fh):
            docs.append(d)
            if limit and len(docs) >= limit:
                break
    return docs


def _mesh_id(raw: str) -> str | None:
    """``D012345`` -> ``MESH:D012345``; ``OMIM:123`` kept; first of ``A|B`` / ``A+B`` / ``A,B``."""
    for sep in ("|", "+", ","):
        raw = raw.split(sep)[0]
    raw = raw.strip()
    if not raw or raw == "-":
        return None
    if ":" in raw:
        return raw
    return "MESH:" + raw if raw[0] in "CD" else raw


def _entity(text: str, start: int, end: int, type_: str, concept: str | None) -> dict[str, Any]:
    if text[start:end] == "":
        raise EvaluationError(f"empty mention span {start}-{end}; the corpus file is damaged")
    d: dict[str, Any] = {"start": start, "end": end, "text": text[start:end], "type": type_}
    if concept:
        d["concept"] = concept
    return d


def ncbi_document(doc: PubtatorDoc) -> dict[str, Any]:
    """An NCBI-disease document in gold format (every mention is ``DISEASE``)."""
    text = doc.text
    ents = [_entity(text, s, e, "DISEASE", _mesh_id(ids)) for s, e, _m, _c, ids in doc.mentions]
    return {"id": doc.pmid, "text": text, "entities": ents, "relations": []}


def load_ncbi_disease(corpora_dir: str | Path | None = None, *, split: str = "test",
                      limit: int | None = None) -> list[dict[str, Any]]:
    """NCBI-disease documents in gold format."""
    path = _corpus_file(corpora_dir, NCBI_FILES, split)
    return [ncbi_document(d) for d in _read_pubtator(path, limit)]


# ------------------------------------------------------------------------------------ BioRED

def _biored_ids(raw: str, type_: str) -> list[str]:
    ids = [i.strip() for i in raw.replace(";", ",").split(",") if i.strip() and i != "-"]
    if type_ == "GENE":
        return ["NCBIGene:" + i for i in ids]
    return [i if ":" in i else "MESH:" + i for i in ids]


def biored_document(doc: PubtatorDoc) -> dict[str, Any]:
    """A BioRED document in gold format plus ``"pairs"``: ``[{"type", "id1", "id2"}]``.

    Each entity carries ``ids`` (all of its BioRED ids, namespaced); relation ids are
    namespaced the same way.
    """
    text = doc.text
    ents, kind = [], {}
    for s, e, _m, label, raw in doc.mentions:
        t = BIORED_TYPES.get(label)
        if t is None:
            continue
        ids = _biored_ids(raw, t)
        for bare in raw.replace(";", ",").split(","):
            kind.update(zip([bare.strip()], _biored_ids(bare, t)))
        x = _entity(text, s, e, t, ids[0] if ids else None)
        x["ids"] = ids
        ents.append(x)
    pairs = [{"type": rtype, "id1": kind[a], "id2": kind[b]}
             for rtype, a, b in doc.relations if a in kind and b in kind]
    return {"id": doc.pmid, "text": text, "entities": ents, "relations": [], "pairs": pairs}


def load_biored(corpora_dir: str | Path | None = None, *, split: str = "test",
                limit: int | None = None) -> list[dict[str, Any]]:
    """BioRED documents in gold format (see :func:`biored_document`)."""
    path = _corpus_file(corpora_dir, BIORED_FILES, split)
    return [biored_document(d) for d in _read_pubtator(path, limit)]


def score_biored_relations(gold: Sequence[Mapping[str, Any]],
                           system: Iterable[Mapping[str, Any]]) -> dict[str, Counts]:
    """Pair-level relation scores between BioRED entity ids.

    A system relation argument stands for the BioRED ids of gold mentions overlapping a system
    mention with the argument's concept (the reference scorer's alignment). System relations
    with an argument that aligns to no BioRED entity are outside BioRED's scope and ignored.
    Pairs are undirected (BioRED's id order carries no direction). ``typed``: Positive_Correlation
    needs INCREASES, Negative_Correlation DECREASES or TREATS, any other type any predicate;
    ``pairs``: the predicate is ignored. Greedy one-to-one, per document.
    """
    by_id = {str(s["id"]): s for s in system}
    out = {"typed": Counts(), "pairs": Counts()}
    for g in gold:
        s = by_id.get(str(g["id"]), {})
        to_gold: dict[str, set[str]] = defaultdict(set)
        for x in s.get("entities", []):
            for e in g["entities"]:
                if x["start"] < e["end"] and e["start"] < x["end"]:
                    to_gold[entity_key(x)].update(e.get("ids", ()))
        cands = set()
        for r in s.get("relations", []):
            if r.get("negated"):
                continue
            a, b = to_gold.get(relation_arg(r["subject"])), to_gold.get(relation_arg(r["object"]))
            if a and b:
                pairs = frozenset(frozenset((x, y)) for x in a for y in b if x != y)
                if pairs:
                    cands.add((r["predicate"], pairs))
        gold_pairs = sorted({(p["type"], *sorted((p["id1"], p["id2"]))) for p in g["pairs"]})
        for name, typed in (("typed", True), ("pairs", False)):
            sys_list = sorted(cands, key=lambda c: (c[0], sorted(map(sorted, c[1]))))
            if not typed:  # one candidate per distinct set of pairs
                sys_list = sorted({c[1] for c in cands}, key=lambda p: sorted(map(sorted, p)))
                sys_list = [("", p) for p in sys_list]
                gp = sorted({("", a, b) for _t, a, b in gold_pairs})
            else:
                gp = gold_pairs
            used: set[int] = set()
            for rtype, a, b in gp:
                ok = BIORED_PREDICATES.get(rtype) if typed else None
                for i, (pred, pairs) in enumerate(sys_list):
                    if i not in used and frozenset((a, b)) in pairs and (not ok or pred in ok):
                        used.add(i)
                        break
            out[name].add((len(used), len(sys_list) - len(used), len(gp) - len(used)))
    return out


# ------------------------------------------------------------------------------------ JNLPBA

_NO_SPACE_BEFORE = {".", ",", ";", ":", ")", "]", "%"}
_NO_SPACE_AFTER = {"(", "["}


def read_iob(lines: Iterable[str]) -> Iterator[list[list[tuple[str, str]]]]:
    """Documents (lists of sentences of ``(token, tag)``) from ``token<TAB>tag`` lines."""
    doc: list[list[tuple[str, str]]] = []
    sent: list[tuple[str, str]] = []
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line.strip():
            if sent:
                doc.append(sent)
                sent = []
            continue
        tok, _, tag = line.partition("\t")
        if tok == "-DOCSTART-":
            if sent:
                doc.append(sent)
                sent = []
            if doc:
                yield doc
            doc = []
            continue
        sent.append((tok, tag.strip() or "O"))
    if sent:
        doc.append(sent)
    if doc:
        yield doc


def iob_document(doc_id: str, sentences: Sequence[Sequence[tuple[str, str]]],
                 type_map: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Rebuild text and entity spans of one IOB document (see the module docstring).

    >>> d = iob_document("x", [[("T", "B-cell_type"), ("cells", "I-cell_type"), ("(", "O"),
    ...                         ("a", "O"), (")", "O"), (".", "O")]])
    >>> d["text"], d["entities"][0]["text"], d["entities"][0]["type"]
    ('T cells (a).', 'T cells', 'CELL_TYPE')
    """
    tmap = type_map if type_map is not None else {"cell_type": "CELL_TYPE"}
    parts: list[str] = []
    pos = 0
    ents: list[dict[str, Any]] = []
    cur: dict[str, Any] | None = None
    for k, sent in enumerate(sentences):
        if k == 1:
            parts.append("\n")
            pos += 1
        elif k > 1:
            parts.append(" ")
            pos += 1
        prev = None
        for tok, tag in sent:
            if prev is not None and tok not in _NO_SPACE_BEFORE and prev not in _NO_SPACE_AFTER:
                parts.append(" ")
                pos += 1
            prefix, _, label = tag.partition("-")
            if cur is not None and (prefix != "I" or label != cur["label"]):
                ents.append(cur)
                cur = None
            if prefix == "B" or (prefix == "I" and cur is None):
                cur = {"start": pos, "end": pos + len(tok), "label": label}
            elif prefix == "I" and cur is not None:
                cur["end"] = pos + len(tok)
            parts.append(tok)
            pos += len(tok)
            prev = tok
        if cur is not None:
            ents.append(cur)
            cur = None
    text = "".join(parts)
    out = [_entity(text, c["start"], c["end"], tmap.get(c["label"], c["label"].lower()), None)
           for c in ents]
    return {"id": doc_id, "text": text, "entities": out, "relations": []}


def load_jnlpba(corpora_dir: str | Path | None = None, *, split: str = "test",
                limit: int | None = None) -> list[dict[str, Any]]:
    """JNLPBA documents in gold format (ids ``JNLPBA:<split>:<n>``; the IOB file has no PMIDs)."""
    path = _corpus_file(corpora_dir, JNLPBA_FILES, split)
    docs = []
    with open(path, encoding="utf-8") as fh:
        for n, sents in enumerate(read_iob(fh)):
            docs.append(iob_document(f"JNLPBA:{split}:{n}", sents))
            if limit and len(docs) >= limit:
                break
    return docs


# ----------------------------------------------------------------------------------- scoring

def remap_types(docs: Iterable[Mapping[str, Any]], mapping: Mapping[str, str | None]
                ) -> list[dict[str, Any]]:
    """Copies of ``docs`` with entity types renamed (types mapped to None or absent dropped)."""
    out = []
    for d in docs:
        ents = [dict(e, type=mapping[e["type"]]) for e in d.get("entities", [])
                if mapping.get(e["type"])]
        out.append(dict(d, entities=ents))
    return out


def drop_overlapping(system: Iterable[Mapping[str, Any]], gold: Iterable[Mapping[str, Any]],
                     ignore_type: str, keep_type: str) -> list[dict[str, Any]]:
    """System docs without mentions that overlap a gold ``ignore_type`` mention but no gold
    ``keep_type`` mention (e.g. CELL_TYPE predictions on JNLPBA cell lines)."""
    gold_by_id = {str(g["id"]): g for g in gold}
    out = []
    for s in system:
        g = gold_by_id.get(str(s["id"]), {"entities": []})

        def hits(x: Mapping[str, Any], t: str) -> bool:
            return any(e["type"] == t and x["start"] < e["end"] and e["start"] < x["end"]
                       for e in g["entities"])
        ents = [x for x in s.get("entities", [])
                if not (hits(x, ignore_type) and not hits(x, keep_type))]
        out.append(dict(s, entities=ents))
    return out


@dataclass
class BenchmarkResult:
    """Scores of one benchmark: named entity views and (BioRED) relation counts."""

    name: str
    docs: int
    views: dict[str, Scores] = field(default_factory=dict)
    recall_only: set[str] = field(default_factory=set)
    relations: dict[str, Counts] = field(default_factory=dict)
    normalization: dict[str, tuple[float, int]] = field(default_factory=dict)
    notes: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (what ``mscgraph eval --json`` prints)."""
        views = {}
        for k, s in self.views.items():
            views[k] = {t: p.as_dict(with_n=True) for t, p in s.by_type().items()}
            views[k]["strict"] = s.entity_strict.as_dict()
            views[k]["recall_only"] = k in self.recall_only
        return {"name": self.name, "docs": self.docs, "entities": views,
                "normalization": {k: {"accuracy": a, "n": n}
                                  for k, (a, n) in self.normalization.items()},
                "relations": {k: c.prf.as_dict(with_n=True) for k, c in self.relations.items()},
                "notes": self.notes}


def _ncbi(gold: Sequence[dict], system: Sequence[dict], eqs: Mapping[str, Equivalence]
          ) -> BenchmarkResult:
    res = BenchmarkResult("ncbi-disease", len(gold), notes=(
        "All NCBI mention classes -> DISEASE; normalization against MeSH/OMIM ids."))
    for label, eq in eqs.items():
        s = score(gold, system, types={"DISEASE"}, equivalence=eq)
        res.views.setdefault("DISEASE", s)
        res.normalization[label] = (s.normalization, s.norm_n)
    return res


def _jnlpba(gold: Sequence[dict], system: Sequence[dict], eqs: Mapping[str, Equivalence]
            ) -> BenchmarkResult:
    res = BenchmarkResult("jnlpba", len(gold), notes=(
        "Scored on CELL_TYPE only (protein/DNA/RNA/cell_line are not project types). "
        "'CELL_TYPE (cell lines ignored)' drops predictions that overlap a gold cell_line "
        "and no gold cell_type."))
    res.views["CELL_TYPE"] = score(gold, system, types={"CELL_TYPE"})
    res.views["CELL_TYPE (cell lines ignored)"] = score(
        gold, drop_overlapping(system, gold, "cell_line", "CELL_TYPE"), types={"CELL_TYPE"})
    return res


def _biored(gold: Sequence[dict], system: Sequence[dict], eqs: Mapping[str, Equivalence]
            ) -> BenchmarkResult:
    res = BenchmarkResult("biored", len(gold), notes=(
        "DISEASE vs DISEASE; GENE (recall only) vs system MOLECULE+CYTOKINE; CHEMICAL (recall "
        "only) vs system MOLECULE; GENE_OR_CHEMICAL merges both against MOLECULE+CYTOKINE "
        "(full P/R/F1). Relations: undirected entity-id pairs, arguments aligned through "
        "mention overlap; Positive_Correlation~INCREASES, Negative_Correlation~DECREASES|TREATS, "
        "other types any predicate."))
    res.views["DISEASE"] = score(gold, system, types={"DISEASE"})
    for name, g_map, s_map in (
            ("GENE", {"GENE": "GENE"}, {"MOLECULE": "GENE", "CYTOKINE": "GENE"}),
            ("CHEMICAL", {"CHEMICAL": "CHEMICAL"}, {"MOLECULE": "CHEMICAL"}),
            ("GENE_OR_CHEMICAL", {"GENE": "GENE_OR_CHEMICAL", "CHEMICAL": "GENE_OR_CHEMICAL"},
             {"MOLECULE": "GENE_OR_CHEMICAL", "CYTOKINE": "GENE_OR_CHEMICAL"})):
        res.views[name] = score(remap_types(gold, g_map), remap_types(system, s_map),
                                types={name}, strict_types={name})
    res.recall_only = {"GENE", "CHEMICAL"}
    res.relations = score_biored_relations(gold, system)
    return res


#: name -> (loader, scorer, whether relations are needed from the extractor)
BENCHMARKS: dict[str, tuple[Callable[..., list[dict]], Callable[..., BenchmarkResult], bool]] = {
    "ncbi-disease": (load_ncbi_disease, _ncbi, False),
    "jnlpba": (load_jnlpba, _jnlpba, False),
    "biored": (load_biored, _biored, True),
}


def evaluate_benchmark(name: str, gold: Sequence[dict], system: Sequence[dict], *,
                       equivalences: Mapping[str, Equivalence] | None = None
                       ) -> BenchmarkResult:
    """Score system output on one benchmark's gold documents.

    ``equivalences``: label -> concept-equality test; each gives one normalization figure
    (NCBI-disease). Default: ``{"exact": exact ids}``.
    """
    if name not in BENCHMARKS:
        raise EvaluationError(f"unknown benchmark {name!r}; expected one of {sorted(BENCHMARKS)}")
    from .evaluation import exact_concept
    eqs = dict(equivalences or {"exact": exact_concept})
    return BENCHMARKS[name][1](gold, system, eqs)
