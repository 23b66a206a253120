"""Fuzzy normalization through scispacy's linker machinery, for mentions the exact trie left
without a concept.

The lexicon becomes a ``scispacy.linking_utils.KnowledgeBase`` (one entity a concept: its
name, its aliases = the lexicon terms of priority >= :data:`MIN_PRIORITY`, its type); the
aliases get scispacy's TF-IDF character 3-gram vectors in an nmslib HNSW index, and
``scispacy.candidate_generation.CandidateGenerator`` proposes concepts for a mention.
:meth:`FuzzyLinker.link` accepts the best candidate of the mention's type only at a cosine
similarity >= :data:`THRESHOLD`.

scispacy's own ``create_tfidf_ann_index`` refuses to run with scipy >= 1.11 (all of Python
3.11), so :func:`build_fuzzy_linker` builds the vectorizer and index the same way (char_wb
3-grams, HNSW over sparse cosine) with smaller construction parameters. The files are a
versioned artefact (:data:`FUZZY_FORMAT` plus the lexicon fingerprint) in the per-user cache,
built once per lexicon version (:func:`load_fuzzy_linker`).

>>> fl = build_fuzzy_linker([("nuclear factor erythroid 2-related factor 2", "MOLECULE",
...                           "HGNC:7782", "NFE2L2", False, 100),
...                          ("Nrf2", "MOLECULE", "HGNC:7782", "NFE2L2", True, 100),
...                          ("infertility", "DISEASE", "MESH:D007246", "Infertility", False,
...                           100)], min_df=1)
>>> fl.link("nuclear factor erythroid 2 related factor", "MOLECULE")
('HGNC:7782', 'NFE2L2')
>>> fl.link("sterile saline", "DISEASE"), fl.link("infertile", "DISEASE")
(None, None)
"""
from __future__ import annotations

import json
import logging
import time
from collections import defaultdict
from pathlib import Path
from typing import Iterable

import joblib
import numpy
from sklearn.feature_extraction.text import TfidfVectorizer

# nmslib logs every registered space and index parameter at INFO, from its import on
logging.getLogger("nmslib").setLevel(logging.WARNING)

import nmslib  # noqa: E402
from scispacy.candidate_generation import CandidateGenerator  # noqa: E402
from scispacy.linking_utils import Entity, KnowledgeBase  # noqa: E402

__all__ = ["FUZZY_FORMAT", "MIN_PRIORITY", "MIN_COVERAGE", "MIN_LENGTH", "THRESHOLD", "FuzzyLinker", "knowledge_base",
           "build_fuzzy_linker", "load_fuzzy_linker"]

log = logging.getLogger(__name__)

#: Bump when the KB selection, vectorizer or index parameters change: old files are rebuilt.
FUZZY_FORMAT = "1"
#: Lexicon rows below this priority (noisy ontology synonyms) are no aliases.
MIN_PRIORITY = 10
#: Lowest TF-IDF cosine similarity of mention and alias that links: word-order and hyphen
#: variants of long names score ~0.97; "effector cell" ~ "effector T cell" 0.958 must not link.
THRESHOLD = 0.96
#: Shortest mention text linked: short symbols and acronyms are the trie's, whose case rules
#: and defined-only acronyms ("LIF", "Ab") a lower-cased similarity would bypass.
MIN_LENGTH = 8
#: Share of a mention's 3-grams the vectorizer must know (see :meth:`FuzzyLinker.known`).
MIN_COVERAGE = 0.95
#: Types a linked concept may have for a mention of a type (gene products are either).
_COMPATIBLE = {"MOLECULE": ("MOLECULE", "CYTOKINE"), "CYTOKINE": ("CYTOKINE", "MOLECULE")}

#: ``(term, type, concept, name, case_sensitive, priority)``, as the trie's rows.
Row = tuple[str, str, str, str, bool, int]


class FuzzyLinker:
    """A scispacy ``CandidateGenerator`` over the lexicon's KB, with a threshold and the
    mention's type as filters (see the module docstring)."""

    def __init__(self, kb: KnowledgeBase, generator: CandidateGenerator,
                 threshold: float = THRESHOLD) -> None:
        self.kb = kb
        self.generator = generator
        self.threshold = threshold
        self._memo: dict[tuple[str, str], tuple[str, str] | None] = {}
        self._analyzer = generator.vectorizer.build_analyzer()

    def known(self, text: str) -> bool:
        """Whether :data:`MIN_COVERAGE` of the 3-grams of ``text`` are in the vectorizer's
        vocabulary: the others do not count in the similarity, so an unknown "neux" would
        score 1.0 against a known "neu"."""
        vocabulary = self.generator.vectorizer.vocabulary_
        grams = self._analyzer(text)
        return bool(grams) and sum(g in vocabulary for g in grams) >= \
            MIN_COVERAGE * len(grams)

    def link(self, text: str, typ: str) -> tuple[str, str] | None:
        """``(concept, name)`` of the best candidate of ``text`` with a type compatible with
        ``typ`` at a similarity >= the threshold, else ``None`` (memoized; texts shorter than
        :data:`MIN_LENGTH` or with unknown 3-grams are not linked)."""
        key = (text.lower(), typ)
        if key not in self._memo:
            self._memo[key] = self.link_many([text], typ)[0]
        return self._memo[key]

    def link_many(self, texts: list[str], typ: str) -> list[tuple[str, str] | None]:
        """:meth:`link` of several texts of one type in one candidate-generator call."""
        ok = _COMPATIBLE.get(typ, (typ,))
        out: list[tuple[str, str] | None] = [None] * len(texts)
        lowered = [t.lower() for t in texts]
        # the candidate generator (TF-IDF + ANN query) is the cost: only for linkable texts
        todo = [i for i, text in enumerate(lowered)
                if len(text) >= MIN_LENGTH and self.known(text)]
        if not todo:
            return out
        for i, cands in zip(todo, self.generator([lowered[i] for i in todo], 5)):
            best = None
            for c in cands:
                ent = self.kb.cui_to_entity[c.concept_id]
                sim = max(c.similarities)
                if sim >= self.threshold and ent.types[0] in ok \
                        and (best is None or sim > best[0]):
                    best = (sim, c.concept_id, ent.canonical_name)
            out[i] = best[1:] if best else None
        return out


def knowledge_base(rows: Iterable[Row], min_priority: int = MIN_PRIORITY) -> KnowledgeBase:
    """A scispacy KB of the lexicon's concepts (``LOCAL:`` ones and noisy synonyms left out)."""
    aliases: dict[str, set[str]] = defaultdict(set)
    names: dict[str, tuple[str, str]] = {}
    for term, typ, concept, name, _cs, prio in rows:
        if prio < min_priority or not concept or concept.startswith("LOCAL:"):
            continue
        aliases[concept].add(term.lower())
        names.setdefault(concept, (name, typ))
    return KnowledgeBase([Entity(concept_id=c, canonical_name=names[c][0],
                                 aliases=sorted(a - {names[c][0].lower()}),
                                 types=[names[c][1]]) for c, a in sorted(aliases.items())])


def _generator(kb: KnowledgeBase, vectorizer: TfidfVectorizer, index: nmslib.dist.FloatIndex,
               aliases: list[str]) -> CandidateGenerator:
    return CandidateGenerator(ann_index=index, tfidf_vectorizer=vectorizer,
                              ann_concept_aliases_list=aliases, kb=kb)


def _new_index() -> nmslib.dist.FloatIndex:
    return nmslib.init(method="hnsw", space="cosinesimil_sparse",
                       data_type=nmslib.DataType.SPARSE_VECTOR)


def build_fuzzy_linker(rows: Iterable[Row], out_dir: str | Path | None = None, *,
                       min_df: int = 2) -> FuzzyLinker:
    """Build the KB, vectorizer and index from lexicon rows; write them to ``out_dir``."""
    t0 = time.process_time()
    kb = knowledge_base(rows)
    aliases = sorted(kb.alias_to_cuis)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3), min_df=min_df,
                                 dtype=numpy.float32)
    vectors = vectorizer.fit_transform(aliases)
    keep = numpy.asarray(vectors.sum(axis=1) != 0).reshape(-1)   # nmslib fails on empty rows
    aliases = [a for a, k in zip(aliases, keep) if k]
    index = _new_index()
    index.addDataPointBatch(vectors[keep])
    index.createIndex({"M": 16, "indexThreadQty": 1, "efConstruction": 100, "post": 0},
                      print_progress=False)
    index.setQueryTimeParams({"efSearch": 100})
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        joblib.dump(vectorizer, out / "tfidf.joblib")
        index.saveIndex(str(out / "index.bin"), save_data=True)
        (out / "aliases.json").write_text(json.dumps(aliases), encoding="utf-8")
        (out / "kb.jsonl").write_text("".join(
            json.dumps(e._asdict()) + "\n" for e in kb.cui_to_entity.values()), "utf-8")
        (out / "FORMAT").write_text(FUZZY_FORMAT, encoding="utf-8")
    log.info("fuzzy linker: %d concepts, %d aliases built in %.1f s CPU", len(kb.cui_to_entity),
             len(aliases), time.process_time() - t0)
    return FuzzyLinker(kb, _generator(kb, vectorizer, index, aliases))


def load_fuzzy_linker(folder: str | Path, rows: Iterable[Row] | None = None) -> FuzzyLinker:
    """The linker written to ``folder``; built from ``rows`` (and written) when the folder
    holds none of this :data:`FUZZY_FORMAT`.

    Raises
    ------
    FileNotFoundError
        When there are no files and no ``rows`` to build them from.
    """
    folder = Path(folder)
    fmt = folder / "FORMAT"
    if not (fmt.is_file() and fmt.read_text(encoding="utf-8") == FUZZY_FORMAT):
        if rows is None:
            raise FileNotFoundError(f"no fuzzy linker in {folder}: pass the lexicon rows to "
                                    f"build one")
        return build_fuzzy_linker(rows, folder)
    kb = KnowledgeBase([Entity(**json.loads(line)) for line in
                        (folder / "kb.jsonl").read_text(encoding="utf-8").splitlines()])
    index = _new_index()
    index.loadIndex(str(folder / "index.bin"), load_data=True)
    index.setQueryTimeParams({"efSearch": 100})
    aliases = json.loads((folder / "aliases.json").read_text(encoding="utf-8"))
    return FuzzyLinker(kb, _generator(kb, joblib.load(folder / "tfidf.joblib"), index, aliases))
