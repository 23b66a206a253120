"""Score system output against gold annotations: entities, normalization and relations.

The definitions are those of the project's reference scorer (``goldtool.py score`` in the shared
tools); :func:`score` gives the same figures on the same input, and :meth:`Scores.goldtool_dict`
gives them in the reference scorer's JSON layout.

Gold lines: ``{"id", "text"?, "entities": [{start, end, text, type, concept}],
"relations": [{subject, predicate, object, negated, hedged}]}``. System lines: ``{"id",
"entities": [{start, end, type, concept?}], "relations": [{subject, predicate, object, ...}]}``
where a relation argument is a concept string or an object with ``concept``/``id``.

Definitions
-----------
* **Lenient** entities: one-to-one and greedy, gold mentions in file order. A gold mention takes
  the first unused system mention of the same type with exactly the same span if one comes before
  any later overlapping candidate ends the scan; otherwise the *last* unused overlapping system
  mention of the same type (the reference scorer's order, kept on purpose).
* **Strict** entities: sets of ``(start, end, type)`` per type; only the guideline types (or the
  types given as ``strict_types``) count.
* **Normalization**: among lenient matches whose gold concept is set and not ``LOCAL:``, the share
  whose system concept is the same id (case-insensitive) or, with cross-references on, an id
  that MeSH or FamPlex cross-references to it. The reference scorer's mapping file path does not
  resolve, so its effective behaviour is exact ids only: that is the default here too.
* **Relations**: per document, non-negated ``(subject, predicate, object)`` triples, matched
  greedily one-to-one. A gold concept stands for itself and for every system concept found on a
  system mention overlapping one of its gold mentions (``align``), so relation scores do not
  depend on normalization. ``relation_pairs`` is the same with the predicate ignored (directed
  pairs).
* **Negation/hedging accuracy** (not in the reference scorer): gold relations, negated ones
  included, are matched one-to-one to system relations with the same aligned arguments and
  predicate (flags ignored); the figures are the shares of matches with equal ``negated`` and equal
  ``hedged`` flags.

>>> gold = [{"id": "d1", "text": "MSCs reduce fibrosis.", "relations": [],
...          "entities": [{"start": 0, "end": 4, "text": "MSCs", "type": "CELL_TYPE",
...                        "concept": "CL:0000134"}]}]
>>> system = [{"id": "d1", "relations": [],
...            "entities": [{"start": 0, "end": 3, "type": "CELL_TYPE", "concept": "CL:0000134"}]}]
>>> s = score(gold, system)
>>> s.entity_lenient.f, s.entity_strict.f, s.normalization
(1.0, 0.0, 1.0)
"""
from __future__ import annotations

import gzip
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from .errors import EvaluationError
from .model import ENTITY_TYPES

__all__ = [
    "PRF",
    "Counts",
    "Scores",
    "Equivalence",
    "load_jsonl",
    "attach_texts",
    "entity_key",
    "relation_arg",
    "match_entities",
    "match_relations",
    "score",
    "exact_concept",
    "load_equivalence",
    "run_extractor",
    "scores_to_markdown",
    "SOURCES",
    "relations_by_source",
    "gold_triples",
    "system_triples",
    "model_figures_markdown",
]

logger = logging.getLogger(__name__)

Doc = Mapping[str, Any]
#: Answers "are these two concept ids the same concept?".
Equivalence = Callable[[str | None, str | None], bool]


@dataclass(frozen=True, slots=True)
class PRF:
    """Precision, recall and F1 of one count triple.

    >>> round(PRF.of(Counts(3, 1, 2)).f, 4)
    0.6667
    """

    p: float
    r: float
    f: float
    n: int = 0

    @classmethod
    def of(cls, c: "Counts") -> "PRF":
        """Precision, recall and F1 of ``c`` (0.0 where undefined)."""
        p = c.tp / (c.tp + c.fp) if c.tp + c.fp else 0.0
        r = c.tp / (c.tp + c.fn) if c.tp + c.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return cls(p, r, f, c.tp + c.fn)

    def as_dict(self, with_n: bool = False) -> dict[str, float]:
        """``{"p", "r", "f"}`` (plus the counts with ``with_n``)."""
        d: dict[str, float] = {"p": self.p, "r": self.r, "f": self.f}
        if with_n:
            d["n"] = self.n
        return d


@dataclass(slots=True)
class Counts:
    """True positives, false positives, false negatives (mutable accumulator)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Counts | tuple[int, int, int]") -> None:
        """Add another tally or a ``(tp, fp, fn)`` tuple in place."""
        tp, fp, fn = (other.tp, other.fp, other.fn) if isinstance(other, Counts) else other
        self.tp += tp
        self.fp += fp
        self.fn += fn

    @property
    def prf(self) -> PRF:
        """Precision, recall and F1 of these counts."""
        return PRF.of(self)


@dataclass
class Scores:
    """All figures of one scoring run (counts kept so runs can be inspected or merged)."""

    docs: int = 0
    missing_docs: int = 0
    lenient: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    strict: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    norm_ok: int = 0
    norm_n: int = 0
    relations: Counts = field(default_factory=Counts)
    pairs: Counts = field(default_factory=Counts)
    flags_n: int = 0
    negated_ok: int = 0
    hedged_ok: int = 0
    xrefs: bool = False

    @staticmethod
    def _total(by_type: Mapping[str, Counts]) -> Counts:
        total = Counts()
        for c in by_type.values():
            total.add(c)
        return total

    @property
    def entity_lenient(self) -> PRF:
        """Micro P/R/F1 over all types, overlap matching."""
        return self._total(self.lenient).prf

    @property
    def entity_strict(self) -> PRF:
        """Micro P/R/F1 over all types, exact-span matching."""
        return self._total(self.strict).prf

    @property
    def normalization(self) -> float:
        """Share of matched entities whose concept is right."""
        return self.norm_ok / self.norm_n if self.norm_n else 0.0

    @property
    def negation_accuracy(self) -> float:
        """Share of matched relations whose ``negated`` flag agrees."""
        return self.negated_ok / self.flags_n if self.flags_n else 0.0

    @property
    def hedging_accuracy(self) -> float:
        """Share of matched relations whose ``hedged`` flag agrees."""
        return self.hedged_ok / self.flags_n if self.flags_n else 0.0

    def by_type(self) -> dict[str, PRF]:
        """Lenient P/R/F1 per type (types seen in gold or system output), sorted."""
        return {t: c.prf for t, c in sorted(self.lenient.items())}

    def strict_by_type(self) -> dict[str, PRF]:
        """Strict P/R/F1 per type, for types with any gold or system mention."""
        return {t: c.prf for t, c in sorted(self.strict.items()) if c.tp + c.fp + c.fn}

    def goldtool_dict(self) -> dict[str, Any]:
        """The figures in the reference scorer's JSON layout (``goldtool.py score --json``)."""
        lenient = self._total(self.lenient)
        return {
            "docs": self.docs, "missing_docs": self.missing_docs,
            "entity_lenient": self.entity_lenient.as_dict(),
            "entity_strict": self.entity_strict.as_dict(),
            "by_type": {t: p.as_dict(with_n=True) for t, p in self.by_type().items()},
            "normalization": self.normalization,
            "relations": self.relations.prf.as_dict(),
            "relation_pairs": self.pairs.prf.as_dict(),
            "counts": {"entities_gold": lenient.tp + lenient.fn,
                       "relations_gold": self.relations.tp + self.relations.fn},
        }

    def to_dict(self) -> dict[str, Any]:
        """:meth:`goldtool_dict` plus strict per type, flag accuracies and raw counts."""
        d = self.goldtool_dict()
        d["strict_by_type"] = {t: p.as_dict(with_n=True)
                               for t, p in self.strict_by_type().items()}
        d["normalization_n"] = self.norm_n
        d["normalization_xrefs"] = self.xrefs
        d["relation_flags"] = {"matched": self.flags_n,
                               "negated_accuracy": self.negation_accuracy,
                               "hedged_accuracy": self.hedging_accuracy}
        d["raw_counts"] = {
            "lenient": {t: [c.tp, c.fp, c.fn] for t, c in sorted(self.lenient.items())},
            "strict": {t: [c.tp, c.fp, c.fn] for t, c in sorted(self.strict.items())},
            "relations": [self.relations.tp, self.relations.fp, self.relations.fn],
            "relation_pairs": [self.pairs.tp, self.pairs.fp, self.pairs.fn],
        }
        return d


# --------------------------------------------------------------------------------------- input

def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Read a JSON Lines file (blank lines skipped); errors name the file and line."""
    out = []
    try:
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        out.append(json.loads(line))
                    except json.JSONDecodeError as exc:
                        raise EvaluationError(f"{path}:{n}: not valid JSON ({exc.msg}); "
                                              "expected one JSON object per line") from exc
    except FileNotFoundError as exc:
        raise EvaluationError(f"{path} does not exist; pass an existing JSON Lines file") from exc
    return out


def attach_texts(gold: list[dict[str, Any]], texts: str | Path | None) -> list[dict[str, Any]]:
    """Give gold lines without ``text`` the text of the same id from a ``texts`` JSONL file."""
    if not texts:
        return gold
    by_id = {str(r["id"]): r["text"] for r in load_jsonl(texts)}
    for g in gold:
        if "text" not in g:
            if str(g["id"]) not in by_id:
                raise EvaluationError(f"gold document {g['id']!r} has no text and is not in "
                                      f"{texts}; pass the texts file it was annotated on")
            g["text"] = by_id[str(g["id"])]
    return gold


# ------------------------------------------------------------------------------------ matching

def entity_key(e: Mapping[str, Any]) -> str:
    """Concept key of a mention dict: its concept, or ``TEXT:<lowercased text or name>``."""
    return e.get("concept") or "TEXT:" + (e.get("text") or e.get("name") or "").lower()


def relation_arg(x: Any) -> str:
    """Concept key of a relation argument (a string, or an object with concept/id/text/name)."""
    if isinstance(x, Mapping):
        return x.get("concept") or x.get("id") or entity_key(x)
    return x


def _overlaps(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def match_entities(gold: Sequence[Mapping[str, Any]],
                   system: Sequence[Mapping[str, Any]]) -> list[int | None]:
    """Greedy lenient matching: for each gold mention, the index of its system mention or None.

    Same type and overlapping spans; an exact span match ends the scan, otherwise the last
    unused overlapping candidate wins.

    >>> g = [{"start": 0, "end": 10, "type": "DISEASE"}]
    >>> s = [{"start": 0, "end": 3, "type": "DISEASE"}, {"start": 4, "end": 10, "type": "DISEASE"}]
    >>> match_entities(g, s)
    [1]
    """
    used: set[int] = set()
    out: list[int | None] = []
    for e in gold:
        hit = None
        for i, x in enumerate(system):
            if i in used or x["type"] != e["type"] or not _overlaps(x, e):
                continue
            hit = i
            if x["start"] == e["start"] and x["end"] == e["end"]:
                break
        if hit is not None:
            used.add(hit)
        out.append(hit)
    return out


def match_relations(gold: Iterable[tuple[str, str, str]], system: Iterable[tuple[str, str, str]],
                    align: Mapping[str, set[str]], *, with_predicate: bool = True
                    ) -> tuple[int, int, int]:
    """Greedy one-to-one matching of relation triples through ``align``; ``(tp, fp, fn)``.

    >>> match_relations({("A", "TREATS", "B")}, {("a", "TREATS", "B"), ("X", "TREATS", "Y")},
    ...                 {"A": {"A", "a"}})
    (1, 1, 0)
    """
    g = sorted({(a, p if with_predicate else "", c) for a, p, c in gold})
    s = sorted({(a, p if with_predicate else "", c) for a, p, c in system})
    used: set[int] = set()
    for a, p, c in g:
        for i, (sa, sp, sc) in enumerate(s):
            if i not in used and sp == p and sa in align.get(a, {a}) \
                    and sc in align.get(c, {c}):
                used.add(i)
                break
    tp = len(used)
    return tp, len(s) - tp, len(g) - tp


def _match_flags(gold: Iterable[Mapping[str, Any]], system: Iterable[Mapping[str, Any]],
                 align: Mapping[str, set[str]]) -> tuple[int, int, int]:
    """``(matched, equal negated, equal hedged)`` over all relations, negated ones included."""
    def key(r: Mapping[str, Any]) -> tuple[str, str, str, bool, bool]:
        return (relation_arg(r["subject"]), r["predicate"], relation_arg(r["object"]),
                bool(r.get("negated")), bool(r.get("hedged")))
    g = sorted({key(r) for r in gold})
    s = sorted({key(r) for r in system})
    used: set[int] = set()
    n = neg = hed = 0
    for a, p, c, gn, gh in g:
        for i, (sa, sp, sc, sn, sh) in enumerate(s):
            if i not in used and sp == p and sa in align.get(a, {a}) \
                    and sc in align.get(c, {c}):
                used.add(i)
                n += 1
                neg += gn == sn
                hed += gh == sh
                break
    return n, neg, hed


def _align(gold_entities: Iterable[Mapping[str, Any]],
           system_entities: Sequence[Mapping[str, Any]]) -> dict[str, set[str]]:
    """Gold concept -> itself plus the concepts of system mentions overlapping its mentions."""
    align: dict[str, set[str]] = defaultdict(set)
    for e in gold_entities:
        gc = entity_key(e)
        align[gc].add(gc)
        for x in system_entities:
            if _overlaps(x, e):
                align[gc].add(entity_key(x))
    return align


# ------------------------------------------------------------------------------ normalization

def exact_concept(a: str | None, b: str | None) -> bool:
    """Ids are equal ignoring case (empty ids never match)."""
    return bool(a and b and a.upper() == b.upper())


def load_equivalence(xrefs: bool = False, *, path: str | Path | None = None) -> Equivalence:
    """The concept-equality test used for normalization accuracy.

    Parameters
    ----------
    xrefs
        ``False`` (default): exact ids only, the reference scorer's effective behaviour.
        ``True``: ids cross-referenced by MeSH or FamPlex count as equal, read from
        ``path`` or from the lexicon's generated table (``pipeline.lexicon.load_xrefs()``).
    path
        A TSV(.gz) file of ``id<TAB>id`` pairs (more columns are ignored).
    """
    if not xrefs:
        return exact_concept
    table: dict[str, set[str]] = defaultdict(set)
    for a, b in _xref_pairs(path):
        a, b = a.upper(), b.upper()
        table[a].add(b)
        table[b].add(a)
    if not table:
        logger.warning("no cross-references loaded; normalization counts exact ids only")

    def same(a: str | None, b: str | None) -> bool:
        return exact_concept(a, b) or bool(a and b and b.upper() in table.get(a.upper(), ()))
    return same


def _xref_pairs(path: str | Path | None) -> Iterator[tuple[str, str]]:
    if path is not None:
        opener = gzip.open if str(path).endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
            for line in fh:
                f = line.rstrip("\n").split("\t")
                if len(f) >= 2 and f[0] and f[1] and f[0] != "id1" and not line.startswith("#"):
                    yield f[0], f[1]
        return
    from .lexicon import load_xrefs
    data = load_xrefs()
    if isinstance(data, Mapping):
        for a, others in data.items():
            for b in ([others] if isinstance(others, str) else others):
                yield a, b
    else:
        for row in data:
            yield row[0], row[1]


# -------------------------------------------------------------------------------------- score

def score(gold: Sequence[Doc], system: Iterable[Doc], *, types: Iterable[str] | None = None,
          equivalence: Equivalence | None = None,
          strict_types: Iterable[str] | None = None) -> Scores:
    """Score system documents against gold documents (see the module docstring).

    Parameters
    ----------
    gold, system
        Gold and system lines (dicts); system documents absent from gold are ignored, gold
        documents absent from the system output count as empty (``missing_docs``).
    types
        Restrict entity scoring (not relations) to these types.
    equivalence
        Concept-equality test for normalization (default: exact ids, see
        :func:`load_equivalence`).
    strict_types
        Types counted by the strict figure (default: the guideline types).
    """
    same = equivalence or exact_concept
    keep = set(types) if types else None
    strict_set = set(strict_types) if strict_types else set(ENTITY_TYPES)
    by_id = {str(s["id"]): s for s in system}
    out = Scores(xrefs=equivalence not in (None, exact_concept))
    for g in gold:
        out.docs += 1
        s = by_id.get(str(g["id"]))
        if s is None:
            out.missing_docs += 1
            s = {"entities": [], "relations": []}
        s_all = s.get("entities", [])
        ge = [e for e in g["entities"] if keep is None or e["type"] in keep]
        se = [x for x in s_all if keep is None or x["type"] in keep]
        hits = match_entities(ge, se)
        for e, hit in zip(ge, hits):
            c = out.lenient[e["type"]]
            if hit is None:
                c.fn += 1
                continue
            c.tp += 1
            gc = e.get("concept")
            if gc and not gc.startswith("LOCAL:"):
                out.norm_n += 1
                out.norm_ok += bool(same(se[hit].get("concept"), gc))
        used = {h for h in hits if h is not None}
        for i, x in enumerate(se):
            if i not in used:
                out.lenient[x["type"]].fp += 1
        gs = {(e["start"], e["end"], e["type"]) for e in ge if e["type"] in strict_set}
        ss = {(x["start"], x["end"], x["type"]) for x in se if x["type"] in strict_set}
        for t in sorted({k[2] for k in gs | ss}):
            a = {k for k in gs if k[2] == t}
            b = {k for k in ss if k[2] == t}
            out.strict[t].add((len(a & b), len(b - a), len(a - b)))
        align = _align(g["entities"], s_all)
        g_rel = g.get("relations", [])
        s_rel = s.get("relations", [])
        gr, sr = gold_triples(g_rel), system_triples(s_rel)
        out.relations.add(match_relations(gr, sr, align, with_predicate=True))
        out.pairs.add(match_relations(gr, sr, align, with_predicate=False))
        n, neg, hed = _match_flags(g_rel, s_rel, align)
        out.flags_n += n
        out.negated_ok += neg
        out.hedged_ok += hed
    return out


#: Relation sources of :func:`relations_by_source`, in table order.
SOURCES = ("rule", "model", "rule + model")


def gold_triples(relations: Iterable[Mapping[str, Any]]) -> set[tuple[str, str, str]]:
    """The non-negated ``(subject, predicate, object)`` of gold relations."""
    return {(r["subject"], r["predicate"], r["object"]) for r in relations
            if not r.get("negated")}


def system_triples(relations: Iterable[Mapping[str, Any]],
                   sources: Iterable[str] | None = None) -> set[tuple[str, str, str]]:
    """The non-negated triples of system relations (only those of ``sources`` when given;
    a relation without ``source`` is a rule's)."""
    keep = None if sources is None else set(sources)
    return {(relation_arg(r["subject"]), r["predicate"], relation_arg(r["object"]))
            for r in relations if not r.get("negated")
            and (keep is None or r.get("source", "rule") in keep)}


def relations_by_source(gold: Sequence[Doc], system: Sequence[Doc]) -> dict[str, Counts]:
    """Relation ``(s, p, o)`` counts of the rules alone, the model alone and both together,
    matched as :func:`score` matches them.

    Precision per source says how far each can be trusted; recall per source how much of the
    gold each finds (the model only adds what the rules miss, so the recalls add up).

    >>> g = [{"id": "1", "entities": [], "relations": [
    ...     {"subject": "A", "predicate": "TREATS", "object": "B"}]}]
    >>> s = [{"id": "1", "entities": [], "relations": [
    ...     {"subject": "A", "predicate": "TREATS", "object": "B", "source": "model"}]}]
    >>> {k: (c.tp, c.fp, c.fn) for k, c in relations_by_source(g, s).items()}
    {'rule': (0, 0, 1), 'model': (1, 0, 0), 'rule + model': (1, 0, 0)}
    """
    by_id = {str(d["id"]): d for d in system}
    out = {src: Counts() for src in SOURCES}
    for g in gold:
        d = by_id.get(str(g["id"]), {})
        align = _align(g["entities"], d.get("entities", []))
        gr = gold_triples(g.get("relations", []))
        for src, c in out.items():
            c.add(match_relations(gr, system_triples(d.get("relations", []), src.split(" + ")),
                                  align, with_predicate=True))
    return out


# --------------------------------------------------------------------------------- extraction

def run_extractor(docs: Sequence[Doc], *, progress: bool = False, relations: bool = True,
                  extractor: Any = None) -> list[dict[str, Any]]:
    """Run the project's extractor over gold-format documents (each needs ``text``).

    Returns system lines ``{"id", "entities", "relations"}``. Without ``extractor`` a
    ``pipeline.extract.Extractor(relations=relations)`` is built (``relations=False``: NER only).
    """
    missing = [d["id"] for d in docs if "text" not in d]
    if missing:
        raise EvaluationError(f"{len(missing)} gold documents have no text (first: "
                              f"{missing[0]!r}); pass --texts FILE or --system FILE")
    if extractor is None:
        from .extract import Extractor
        extractor = Extractor(relations=relations)
    items = ((str(d["id"]), d["text"]) for d in docs)
    results = (e.to_json() for e in extractor.extract_texts(items))
    if not progress:
        return list(results)
    from rich.console import Console
    from rich.progress import track
    return list(track(results, total=len(docs), description="extracting", transient=True,
                      console=Console(stderr=True)))


# ----------------------------------------------------------------------------------- markdown

def scores_to_markdown(title: str, s: Scores, *, entities: bool = True,
                       relations: bool = True) -> str:
    """A markdown section with the per-type table, normalization and relation figures."""
    f3 = "{:.3f}".format
    lines = [f"### {title}", "", f"Documents: {s.docs} (missing in system output: "
             f"{s.missing_docs})", ""]
    if entities:
        strict = s.strict_by_type()
        lines += ["| type | n | lenient P | lenient R | lenient F1 | strict P | strict R | "
                  "strict F1 |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for t, p in s.by_type().items():
            q = strict.get(t)
            sp = " | ".join(f3(v) for v in (q.p, q.r, q.f)) if q else "- | - | -"
            lines.append(f"| {t} | {p.n} | {f3(p.p)} | {f3(p.r)} | {f3(p.f)} | {sp} |")
        le, st = s.entity_lenient, s.entity_strict
        lines.append(f"| **all** | {le.n} | {f3(le.p)} | {f3(le.r)} | {f3(le.f)} | "
                     f"{f3(st.p)} | {f3(st.r)} | {f3(st.f)} |")
        lines += ["", f"Normalization accuracy: {f3(s.normalization)} over {s.norm_n} matched "
                  f"mentions ({'with' if s.xrefs else 'without'} cross-references)", ""]
    if relations:
        r, pr = s.relations.prf, s.pairs.prf
        lines += ["| relations | n gold | P | R | F1 |", "|---|---:|---:|---:|---:|",
                  f"| (s, p, o) | {r.n} | {f3(r.p)} | {f3(r.r)} | {f3(r.f)} |",
                  f"| directed pairs | {pr.n} | {f3(pr.p)} | {f3(pr.r)} | {f3(pr.f)} |", "",
                  f"Negation accuracy {f3(s.negation_accuracy)}, hedging accuracy "
                  f"{f3(s.hedging_accuracy)} over {s.flags_n} matched relations.", ""]
    return "\n".join(lines)


def model_figures_markdown(meta: Mapping[str, Any]) -> str:
    """The learned model's cross-validated figures and learning curve (from its metadata).

    >>> print(model_figures_markdown({"documents": 10, "threshold": 0.5, "cv": {
    ...     "rules only": {"p": 0.5, "r": 0.25, "f1": 0.333}}}).splitlines()[0])
    ### Learned relation model (cross-validated over 10 training documents)
    """
    f3 = "{:.3f}".format
    lines = [f"### Learned relation model (cross-validated over {meta.get('documents', '?')} "
             "training documents)", "",
             "Document-level k-fold cross-validation of rules + model at each probability "
             "threshold (training documents: the project's annotations and the development "
             "gold; these are not held-out figures).", "",
             "| setting | P | R | F1 |", "|---|---:|---:|---:|"]
    for name, v in dict(meta.get("cv", {})).items():
        lines.append(f"| {name} | {f3(v['p'])} | {f3(v['r'])} | {f3(v['f1'])} |")
    curve = list(meta.get("learning_curve", ()))
    if curve:
        lines += ["", "Learning curve (training documents per fold, cross-validated at the "
                  "chosen threshold):", "", "| training documents | P | R | F1 |",
                  "|---:|---:|---:|---:|"]
        lines += [f"| {row['training_documents']} | {f3(row['p'])} | {f3(row['r'])} | "
                  f"{f3(row['f1'])} |" for row in curve]
    return "\n".join(lines + [""])
