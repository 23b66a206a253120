"""Training data and training of the learned relation model (``mscgraph train relations``).

Training documents (all read from ``../shared``; nothing third-party is in the repository):

* the project's own annotations, ``corpora/annotations/train_relations.jsonl``: stand-off
  records over real abstracts of the public corpora's *training* splits (BioRED, JNLPBA,
  NCBI-disease), joined here with their texts and checked against the SHA-256 of each text;
* the development gold, ``corpora/gold/dev.jsonl`` (used for training and cross-validation
  only; never reported as held-out).

Every document runs through the rules-only pipeline; each ordered candidate pair
(:func:`~.model.candidates`) is labelled with the gold predicate when the pair's mentions
overlap gold arguments of a relation stated in that sentence (gold arguments: the relation's own
spans plus every gold mention of the same concept in the sentence), else ``NONE``. The
probability threshold is chosen by document-level cross-validation of rules + model, maximizing
the micro F1 of ``(subject, predicate, object)`` per document; the final model is fitted on all
documents. Same inputs, same file: training is deterministic.

Example (needs ../shared)::

    from pipeline.nlp.relations.training import train_relation_model
    report = train_relation_model("../shared", "pipeline/data/relation_model.json.gz")
"""
from __future__ import annotations

import hashlib
import json
import random
import re
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from ...errors import ConfigError
from ...model import Mention, Relation, concept_key
from .lexicon import load_polarity, load_triggers
from .model import LABELS, Candidate, RelationModel, candidates, trigger_words
from .scoring import model_relations
from .roles import DENIED_KEY, co_object_pairs

__all__ = ["REPO", "ANNOTATIONS_DIR", "DEFAULT_ANNOTATIONS", "TrainingDoc", "TrainReport", "sha256_text",
           "load_texts", "load_records", "load_annotated", "load_dev_gold", "label_of",
           "gold_spans", "analyse", "cross_validate", "train_relation_model",
           "CURVE_FRACTIONS"]

REPO = Path(__file__).resolve().parents[3]
ANNOTATIONS_DIR = REPO / "corpora" / "annotations"
DEFAULT_ANNOTATIONS = ANNOTATIONS_DIR / "train_relations.jsonl"
#: Training splits only (never the Dev/Test splits).
BIORED_TRAIN = "resources/corpora/biored/Train.PubTator"
NCBI_TRAIN = "resources/corpora/ncbi_disease/NCBItrainset_corpus.txt"
JNLPBA_TAR = "resources/corpora/jnlpba/jnlpba_standoff_train_test.tar.gz"
JNLPBA_TRAIN_PREFIX = "jnlpba/standoff/train/"
DEV_GOLD = "corpora/gold/dev.jsonl"
THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
#: Shares of each fold's training documents for the learning curve.
CURVE_FRACTIONS = (0.25, 0.5, 0.75, 1.0)


def sha256_text(text: str) -> str:
    """SHA-256 of a text's UTF-8 bytes (how annotations pin their text)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _pubtator_texts(path: Path, prefix: str) -> dict[str, str]:
    parts: dict[str, dict[str, str]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            m = re.match(r"^(\d+)\|([ta])\|(.*)$", line.rstrip("\n"))
            if m:
                parts.setdefault(m.group(1), {})[m.group(2)] = m.group(3)
    return {f"{prefix}:{pmid}": d.get("t", "") + "\n" + d.get("a", "")
            for pmid, d in parts.items()}


def _jnlpba_texts(path: Path, wanted: set[str] | None = None) -> dict[str, str]:
    out = {}
    with tarfile.open(path) as tf:
        for member in tf.getmembers():
            name = member.name
            if not (name.startswith(JNLPBA_TRAIN_PREFIX) and name.endswith(".txt")):
                continue
            doc_id = "jnlpba:" + name[len(JNLPBA_TRAIN_PREFIX):-4]
            if wanted is not None and doc_id not in wanted:
                continue
            raw = tf.extractfile(member).read().decode("utf-8")  # type: ignore[union-attr]
            title, _, rest = raw.partition("\n")
            out[doc_id] = title + "\n" + rest.rstrip("\n")
    return out


def load_texts(shared: str | Path, ids: set[str] | None = None) -> dict[str, str]:
    """Texts of the training splits in ``shared``, keyed by record id (``corpus:PMID``)."""
    shared = Path(shared)
    want = {i.split(":", 1)[0] for i in ids} if ids is not None else {"biored", "ncbi", "jnlpba"}
    texts: dict[str, str] = {}
    if "biored" in want:
        texts.update(_pubtator_texts(shared / BIORED_TRAIN, "biored"))
    if "ncbi" in want:
        texts.update(_pubtator_texts(shared / NCBI_TRAIN, "ncbi"))
    if "jnlpba" in want:
        texts.update(_jnlpba_texts(shared / JNLPBA_TAR, ids))
    return texts


def load_records(path: str | Path = ANNOTATIONS_DIR) -> list[dict[str, Any]]:
    """The stand-off annotation records (no texts) of a file, or of every
    ``train_relations*.jsonl`` in a folder (default: ``corpora/annotations/``)."""
    path = Path(path)
    files = sorted(path.glob("train_relations*.jsonl")) if path.is_dir() else [path]
    out = []
    for f in files:
        with open(f, encoding="utf-8") as fh:
            out += [json.loads(line) for line in fh if line.strip()]
    return out


def load_annotated(shared: str | Path, path: str | Path = ANNOTATIONS_DIR
                   ) -> list[dict[str, Any]]:
    """Annotation records joined with their texts (guideline gold format plus spans)."""
    records = load_records(path)
    texts = load_texts(shared, {r["id"] for r in records})
    out = []
    for r in records:
        text = texts.get(r["id"])
        if text is None or sha256_text(text) != r["text_sha256"]:
            raise ConfigError(f"{r['id']}: its text in {shared} is missing or differs from the "
                              "annotated one (text_sha256); check --shared")
        d = dict(r, text=text)
        d["entities"] = [dict(e, text=text[e["start"]:e["end"]]) for e in r["entities"]]
        out.append(d)
    return out


def load_dev_gold(shared: str | Path) -> list[dict[str, Any]]:
    """The development gold (training and cross-validation only)."""
    with open(Path(shared) / DEV_GOLD, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


# ------------------------------------------------------------------------------ labelling

Span = tuple[int, int]


def gold_spans(doc: dict[str, Any]) -> dict[tuple[Span, Span], str]:
    """``{(subject span, object span): predicate}`` of a gold document.

    >>> doc = {"text": "A lowers B.", "entities": [
    ...     {"start": 0, "end": 1, "text": "A", "concept": "X:a"},
    ...     {"start": 9, "end": 10, "text": "B", "concept": "X:b"}],
    ...  "relations": [{"subject": "X:a", "predicate": "DECREASES", "object": "X:b",
    ...                 "sentence": "A lowers B."}]}
    >>> gold_spans(doc)
    {((0, 1), (9, 10)): 'DECREASES'}
    """
    text, ents = doc["text"], doc.get("entities", [])
    out: dict[tuple[Span, Span], str] = {}
    for r in doc.get("relations", []):
        if "sentence_start" in r:
            s0, s1 = r["sentence_start"], r["sentence_end"]
        else:
            k = text.find(r.get("sentence") or "\0")
            if k < 0:
                continue
            s0, s1 = k, k + len(r["sentence"])

        def spans(concept: str) -> set[Span]:
            return {(e["start"], e["end"]) for e in ents if s0 <= e["start"] and e["end"] <= s1
                    and concept_key(e.get("concept"), e.get("text", "")) == concept}
        subj, obj = spans(r["subject"]), spans(r["object"])
        if "subject_span" in r:
            subj.add(tuple(r["subject_span"]))  # type: ignore[arg-type]
            obj.add(tuple(r["object_span"]))    # type: ignore[arg-type]
        for a in sorted(subj):
            for b in sorted(obj):
                out[(a, b)] = r["predicate"]
    return out


def _overlaps(m: Mention, span: Span) -> bool:
    return m.start < span[1] and span[0] < m.end


def label_of(c: Candidate, gold: dict[tuple[Span, Span], str]) -> str:
    """The gold predicate of a candidate pair, or ``NONE``."""
    for (sa, sb), pred in gold.items():
        if _overlaps(c.subject, sa) and _overlaps(c.object, sb):
            return pred
    return "NONE"


# ------------------------------------------------------------------------------ training

@dataclass(frozen=True)
class TrainingDoc:
    """A gold document as the rules-only pipeline sees it."""

    doc: dict[str, Any]
    mentions: list[Mention]
    rules: list[Relation]
    sentences: list[Span]
    #: Argument roles the rules' grammar rules out (:mod:`.roles`).
    denied: frozenset[tuple[int, int, str]] = frozenset()


@dataclass(frozen=True)
class TrainReport:
    """What :func:`train_relation_model` did and measured (cross-validated)."""

    documents: int
    examples: int
    positives: int
    threshold: float
    cv: dict[str, dict[str, float]]
    path: str
    #: Cross-validated F1 against training size at the chosen threshold.
    learning_curve: list[dict[str, float]] = field(default_factory=list)


def analyse(docs: Sequence[dict[str, Any]], progress: Callable[[int], None] | None = None
            ) -> list[TrainingDoc]:
    """Run the rules-only pipeline over gold documents."""
    from ..state import DocState, doc_mentions
    from .. import build_nlp

    nlp = build_nlp(relations=True)
    nlp.get_pipe("mscgraph_relations").model = None
    out = []
    for doc, d in zip(nlp.pipe(d["text"] for d in docs), docs):
        norm = DocState.of(doc).norm
        sents = [norm.to_original(s.start_char, s.end_char) for s in doc.sents]
        denied = frozenset(tuple(r) for r in doc.user_data.get(DENIED_KEY, ()))
        out.append(TrainingDoc(d, doc_mentions(doc), list(doc._.relations or ()), sents,
                               denied))
        if progress:
            progress(len(out))
    return out


def _examples(t: TrainingDoc, triggers: dict[str, str], polarity: Any
              ) -> list[tuple[list[str], str]]:
    gold = gold_spans(t.doc)
    co_objects = co_object_pairs(t.rules)
    return [(c.features, label_of(c, gold))
            for c in candidates(t.doc["text"], t.mentions, t.sentences, triggers, polarity,
                                skip=lambda a, b: (a.start, a.end, "subject") in t.denied
                                or (b.start, b.end, "object") in t.denied
                                or ((a.start, a.end), (b.start, b.end)) in co_objects)]


def _triples(rels: Iterable[Relation]) -> set[tuple[str, str, str]]:
    return {r.triple for r in rels if r.subject.concept_key != r.object.concept_key}


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"p": round(p, 3), "r": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r
            else 0.0, "tp": tp, "fp": fp, "fn": fn}


def cross_validate(seen: Sequence[TrainingDoc], examples: Sequence[list[tuple[list[str], str]]],
                   gold: Sequence[set[tuple[str, str, str]]], *, folds: int,
                   thresholds: Sequence[float], c: float, triggers: dict[str, str],
                   polarity: Any, fraction: float = 1.0,
                   say: Callable[[str], None] = lambda msg: None) -> dict[float, list[int]]:
    """Document-level k-fold ``[tp, fp, fn]`` of rules + model per threshold (> 1: rules only).

    ``fraction`` trains each fold on that share of its training documents, drawn with a fixed
    seed so the curve is reproducible and mixes the sources: the learning curve.
    """
    counts = {th: [0, 0, 0] for th in thresholds}
    for k in range(folds):
        say(f"cross-validation fold {k + 1}/{folds}")
        train_docs = [ex for i, ex in enumerate(examples) if i % folds != k]
        if fraction < 1.0:
            random.Random(k).shuffle(train_docs)
            train_docs = train_docs[:max(1, round(len(train_docs) * fraction))]
        model = RelationModel.train([e for ex in train_docs for e in ex], c=c)
        for i, t in enumerate(seen):
            if i % folds != k:
                continue
            for th in counts:
                model.threshold = th
                rels = t.rules + model_relations(t.doc["text"], t.mentions, t.sentences, t.rules,
                                                 model, triggers, polarity, denied=t.denied)
                sys_ = _triples(rels)
                counts[th][0] += len(sys_ & gold[i])
                counts[th][1] += len(sys_ - gold[i])
                counts[th][2] += len(gold[i] - sys_)
    return counts


def train_relation_model(shared: str | Path, out: str | Path, *, folds: int = 5, c: float = 1.0,
                         annotations: str | Path = ANNOTATIONS_DIR,
                         progress: Callable[[str], None] | None = None) -> TrainReport:
    """Train, cross-validate the threshold, fit on everything and write the model to ``out``."""
    say = progress or (lambda msg: None)
    docs = load_annotated(shared, annotations) + load_dev_gold(shared)
    say(f"{len(docs)} training documents; running the rules")
    seen = analyse(docs)
    triggers, polarity = trigger_words(load_triggers()), load_polarity()
    examples = [_examples(t, triggers, polarity) for t in seen]
    gold = [{(r["subject"], r["predicate"], r["object"]) for r in t.doc["relations"]
             if r["subject"] != r["object"]} for t in seen]
    counts = cross_validate(seen, examples, gold, folds=folds, thresholds=(1.01, *THRESHOLDS),
                            c=c, triggers=triggers, polarity=polarity, say=say)
    cv = {("rules only" if th > 1 else f"rules+model@{th}"): _prf(*n) for th, n in counts.items()}
    # On an F1 tie the lower threshold: recall is what held-out text lacks most.
    best = max(THRESHOLDS, key=lambda th: (cv[f"rules+model@{th}"]["f1"], -th))
    say(f"threshold {best}; learning curve")
    per_fold = len(docs) - len(docs) // folds
    curve = [{"training_documents": round(per_fold * frac)} | _prf(*(
        counts[best] if frac == 1.0 else cross_validate(
            seen, examples, gold, folds=folds, thresholds=(best,), c=c, triggers=triggers,
            polarity=polarity, fraction=frac)[best])) for frac in CURVE_FRACTIONS]
    say(f"threshold {best}; fitting on all documents")
    everything = [e for ex in examples for e in ex]
    model = RelationModel.train(everything, c=c)
    model.threshold = best
    model.meta.update({"documents": len(docs), "labels": list(LABELS), "cv": cv,
                       "learning_curve": curve,
                       "training": ["corpora/annotations/train_relations*.jsonl", DEV_GOLD]})
    model.to_disk(out)
    return TrainReport(len(docs), len(everything), sum(1 for _, y in everything if y != "NONE"),
                       best, cv, str(out), curve)
