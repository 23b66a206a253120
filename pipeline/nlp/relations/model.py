"""The learned relation classifier: candidate pairs, sparse features, a linear model.

Rules fire first; this model adds what they miss. A *candidate* is an ordered pair of two
mentions of one sentence whose types the guidelines allow for some predicate. For each
candidate the model scores one of :data:`LABELS` (``NONE`` or a predicate, read as
``subject = first member``) from sparse features of the sentence: the words between and
around the pair, trigger-lexicon classes, negation and hedge cues, order, distance, types,
the polarity of the arguments, coordination and other mentions in between.

The model is multinomial logistic regression trained with AdaGrad on hashed-free string
features (the feature set is small enough to keep by name), stored as a gzip'd JSON file
with a format version (:meth:`RelationModel.to_disk` / :meth:`RelationModel.from_disk`).
Training is deterministic for a given seed and input order.

Example
-------
>>> m = RelationModel.train([(["T:CELL_TYPE>CYTOKINE", "TR:SEC"], "SECRETES"),
...                          (["T:CELL_TYPE>CYTOKINE", "TR:NONE"], "NONE"),
...                          (["T:CELL_TYPE>DISEASE", "TR:NONE"], "TREATS")] * 5)
>>> m.predict(["T:CELL_TYPE>CYTOKINE", "TR:SEC"])[0]
'SECRETES'
"""
from __future__ import annotations

import gzip
import json
import math
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from ...model import Mention
from .lexicon import Polarity, TriggerLexicon

__all__ = ["LABELS", "ALLOWED_TYPES", "FORMAT", "DEFAULT_MODEL_PATH", "RelationModel", "Arg",
           "Candidate", "allowed", "tokenize", "pair_features", "trigger_words", "arg_of",
           "candidates", "sentence_pairs", "SentencePairs", "load_model", "HEDGE_WORDS",
           "NEG_CUES", "COORD_WORDS", "distance_bin", "pair_window"]

#: The committed model, rebuilt by ``mscgraph train relations``.
DEFAULT_MODEL_PATH = Path(__file__).resolve().parents[2] / "data" / "relation_model.json.gz"

#: Version of the file layout written by :meth:`RelationModel.to_disk`.
FORMAT = "mscgraph-relation-model/1"

LABELS = ("NONE", "INCREASES", "DECREASES", "SECRETES", "DIFFERENTIATES_INTO", "TREATS")

_ALL = frozenset({"CELL_TYPE", "CYTOKINE", "MOLECULE", "DISEASE", "OUTCOME", "PROCESS",
                  "THERAPY"})
#: Subject and object types the guidelines allow per predicate.
ALLOWED_TYPES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "INCREASES": (_ALL, _ALL),
    "DECREASES": (_ALL, _ALL),
    "SECRETES": (frozenset({"CELL_TYPE"}),
                 frozenset({"CYTOKINE", "MOLECULE", "THERAPY"})),
    "DIFFERENTIATES_INTO": (frozenset({"CELL_TYPE"}), frozenset({"CELL_TYPE"})),
    "TREATS": (frozenset({"THERAPY", "CELL_TYPE", "MOLECULE", "CYTOKINE"}),
               frozenset({"DISEASE", "OUTCOME"})),
}

_TOKEN_RE = re.compile(r"[A-Za-z\u0370-\u03ff]+|\d+(?:\.\d+)?|[^\w\s]")
_DIGIT_RE = re.compile(r"\d")
NEG_CUES = frozenset({"not", "no", "never", "neither", "nor", "without", "failed", "fail",
                      "unaffected", "unchanged", "nt"})
_HEDGE = frozenset({"may", "might", "could", "potentially", "potential", "possibly",
                    "suggest", "suggests", "suggested", "suggesting", "appears", "appear",
                    "likely", "promising", "hypothesized", "hypothesize", "putative"})
COORD_WORDS = frozenset({"and", "or", ",", "as", "well"})
_DIST = (0, 1, 2, 3, 5, 8, 12, 20)
#: Candidate pairs have at most this many mentions between them, minus one.
MAX_APART = 3


def allowed(subject_type: str, object_type: str) -> bool:
    """Whether some predicate allows this ordered type pair.

    >>> allowed("CELL_TYPE", "CYTOKINE"), allowed("DISEASE", "DISEASE")
    (True, True)
    """
    return any(subject_type in s and object_type in o for s, o in ALLOWED_TYPES.values())


_ALLOWED_PAIRS = frozenset((s, o) for s in _ALL for o in _ALL if allowed(s, o))


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """``(start, end, lowercased form)`` of the words and symbols of ``text[start:end]``;
    digits become ``0``.

    >>> [t[2] for t in tokenize("MSCs secreted IL-10.")]
    ['mscs', 'secreted', 'il', '-', '00', '.']
    """
    end = len(text) if end is None else end
    out = []
    for m in _TOKEN_RE.finditer(text, start, end):
        w = m.group().lower()
        if w[0].isdigit():
            w = _DIGIT_RE.sub("0", w)
        out.append((m.start(), m.end(), w))
    return out


def distance_bin(n: int) -> str:
    """The distance feature's bin of ``n`` words between a pair.

    >>> distance_bin(4), distance_bin(30)
    ('5', 'far')
    """
    for d in _DIST:
        if n <= d:
            return str(d)
    return "far"


@dataclass(frozen=True, slots=True)
class Arg:
    """What the features need of a mention: its span, type and polarity class."""

    start: int
    end: int
    type: str
    polarity: str = ""   # "bad", "good", "therapy" or ""
    head: str = ""       # lowercased last word


class SentenceTokens:
    """One sentence's tokens, prepared once for the features of all its candidate pairs.

    The words between a pair make most of a candidate's features; each word's are formatted
    once per word order and polarity and reused by every pair it lies between.

    >>> s = SentenceTokens(tokenize("MSCs secrete HGF"), {"secrete": "SEC"})
    >>> "TR:SEC" in s.pair_features(Arg(0, 4, "CELL_TYPE"), Arg(13, 16, "CYTOKINE"), [])
    True
    """

    __slots__ = ("tokens", "triggers", "starts", "words", "classes", "_runs")

    def __init__(self, tokens: Sequence[tuple[int, int, str]], triggers: dict[str, str]) -> None:
        self.tokens = tokens
        self.triggers = triggers
        self.starts = [t[0] for t in tokens]
        self.words = [t[2] for t in tokens]
        self.classes = [triggers.get(w) for w in self.words]
        self._runs: dict[tuple[str, str], list[list[str] | None]] = {}

    def _between(self, i: int, j: int, order: str, pol: str) -> list[str]:
        """The features of the words ``i:j`` between a pair: ``B:``, ``BO:``, ``TRW:`` when a
        trigger, ``BB:`` with the next word but for the last; each word's formatted once."""
        blocks = self._runs.get((order, pol))
        if blocks is None:
            blocks = self._runs[(order, pol)] = [None] * len(self.words)
        words, classes, last = self.words, self.classes, len(self.words) - 1
        for k in range(i, j):
            if blocks[k] is None:
                w = words[k]
                block = [f"B:{w}", f"BO:{w}|{order}"]
                if classes[k]:
                    block.append(f"TRW:{classes[k]}|{order}|{pol}")
                if k < last:
                    block.append(f"BB:{w}_{words[k + 1]}")
                blocks[k] = block
        out = list(chain.from_iterable(blocks[i:j]))
        if j - 1 < last:  # the last word's BB pairs it with a word outside the pair
            out.pop()
        return out

    def pair_features(self, a: Arg, b: Arg, others: Sequence[Arg]) -> list[str]:
        """Sparse features of the ordered candidate ``(a, b)``; ``others`` are the mentions
        between or near the pair."""
        words_all, classes = self.words, self.classes
        fwd = a.start < b.start
        left, right = (a, b) if fwd else (b, a)
        order = "F" if fwd else "R"
        tp = f"{a.type}>{b.type}"
        i, j, k, m = pair_window(self.tokens, self.starts, left, right)
        before = words_all[max(0, k - 3):k]
        after = words_all[m:m + 3]
        words = words_all[i:j]
        dist = distance_bin(len(words))
        f = ["BIAS", f"T:{tp}", f"O:{order}", f"TO:{tp}|{order}", f"D:{dist}",
             f"DO:{dist}|{order}", f"PA:{a.polarity}", f"PB:{b.polarity}",
             f"PAB:{a.polarity}|{b.polarity}|{order}", f"HA:{a.head}", f"HB:{b.head}"]
        if len(words) <= 6:
            f.append(f"BS:{' '.join(words)}|{order}")
        if words:
            f += [f"BF:{words[0]}", f"BL:{words[-1]}", f"BFO:{words[0]}|{order}",
                  f"BLO:{words[-1]}|{order}"]
            f += self._between(i, j, order, b.polarity if fwd else a.polarity)
        else:
            f.append("ADJ")
        trig = [c for c in classes[i:j] if c]
        f.append(f"TR:{trig[0] if trig else 'NONE'}")
        f.append(f"TRT:{trig[0] if trig else 'NONE'}|{tp}|{order}")
        other_type = b.type if fwd else a.type
        inside = [o for o in others if o.start >= left.end and o.end <= right.start]
        f.append(f"SAME:{min(sum(1 for o in inside if o.type == other_type), 2)}")
        if trig:
            f.append(f"TRL:{trig[-1]}|{order}")
            f.append(f"TRN:{min(len(trig), 3)}")
        for n, w in enumerate(before, max(0, k - 3)):
            f.append(f"L:{w}")
            if classes[n]:
                f.append(f"TRL2:{classes[n]}|{order}")
        for n, w in enumerate(after, m):
            f.append(f"R:{w}")
            if classes[n]:
                f.append(f"TRR:{classes[n]}|{order}")
        if before:
            f.append(f"L1:{before[-1]}")
        if after:
            f.append(f"R1:{after[0]}")
        if not (NEG_CUES.isdisjoint(words) and NEG_CUES.isdisjoint(before)):
            f.append("NEG")
        if not COORD_WORDS.isdisjoint(words):
            f.append(f"COORD|{order}")
        if "by" in words:
            f.append(f"BY|{order}")
        if "of" in words:
            f.append(f"OF|{order}")
        f.append(f"E:{min(len(inside), 3)}")
        for o in inside[:4]:
            f.append(f"EB:{o.type}")
        return f


def pair_window(tokens: Sequence[tuple[int, int, str]], starts: Sequence[int], left: Arg,
                right: Arg) -> tuple[int, int, int, int]:
    """Token indexes around a pair (``left`` before ``right``): the words between are
    ``i:j``, the left mention starts at word ``k``, the words after the right one at ``m``.

    >>> toks = tokenize("MSCs secrete HGF")
    >>> pair_window(toks, [t[0] for t in toks], Arg(0, 4, "CELL_TYPE"), Arg(13, 16, "CYTOKINE"))
    (1, 2, 0, 3)
    """
    i = bisect_left(starts, left.end)
    j = bisect_left(starts, right.start)
    while j > i and tokens[j - 1][1] > right.start:
        j -= 1
    return i, j, bisect_left(starts, left.start), bisect_left(starts, right.end)


def pair_features(tokens: Sequence[tuple[int, int, str]], a: Arg, b: Arg,
                  others: Sequence[Arg], triggers: dict[str, str]) -> list[str]:
    """Sparse features of the ordered candidate ``(a, b)`` in a sentence's ``tokens``.

    ``triggers`` maps a lowercased word to its relation class (``INC``, ``DEC``, ``SEC``,
    ...); ``others`` are the mentions between or near the pair. Many pairs of one sentence:
    :meth:`SentenceTokens.pair_features`.

    >>> toks = tokenize("MSCs secrete HGF")
    >>> f = pair_features(toks, Arg(0, 4, "CELL_TYPE"), Arg(13, 16, "CYTOKINE"), [],
    ...                   {"secrete": "SEC"})
    >>> "TR:SEC" in f and "BF:secrete" in f
    True
    """
    return SentenceTokens(tokens, triggers).pair_features(a, b, others)


@dataclass
class RelationModel:
    """Multinomial logistic regression over named sparse features.

    ``weights[feature]`` is one weight per label of :data:`LABELS`.
    """

    weights: dict[str, list[float]] = field(default_factory=dict)
    threshold: float = 0.5
    labels: tuple[str, ...] = LABELS
    meta: dict[str, object] = field(default_factory=dict)
    _matrix: Any = field(default=None, repr=False, compare=False)
    _index: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    #: Structures derived from the weights on first use by their owners (the scorer).
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def scores(self, features: Iterable[str]) -> list[float]:
        """Probabilities per label."""
        z = [0.0] * len(self.labels)
        for name in features:
            w = self.weights.get(name)
            if w is not None:
                for i, x in enumerate(w):
                    z[i] += x
        top = max(z)
        exp = [math.exp(x - top) for x in z]
        total = sum(exp)
        return [x / total for x in exp]

    def predict(self, features: Iterable[str]) -> tuple[str, float]:
        """The best label and its probability."""
        p = self.scores(features)
        i = max(range(len(p)), key=p.__getitem__)
        return self.labels[i], p[i]

    def matrix(self) -> tuple[dict[str, int], "Any"]:
        """The feature -> row index and the ``(features + 1, labels)`` weight array whose last
        row, zeros, stands for the features the model does not know (adding 0.0 leaves every
        sum as it was); built on first use, and by :meth:`from_disk`. What
        :class:`~.scoring.Scorer` adds up."""
        import numpy as np

        if self._matrix is None:
            names = sorted(self.weights)
            self._index = {f: i for i, f in enumerate(names)}
            self._matrix = np.array([self.weights[f] for f in names] + [[0.0] * len(self.labels)],
                                    dtype=np.float64)
        return self._index, self._matrix

    @classmethod
    def train(cls, examples: Sequence[tuple[list[str], str]], *, c: float = 1.0,
              min_count: int = 2, sample_weight: Sequence[float] | None = None
              ) -> "RelationModel":
        """Fit on ``(features, label)`` examples (scikit-learn's L2 logistic regression, L-BFGS:
        deterministic); features seen fewer than ``min_count`` times are dropped."""
        import numpy as np
        from scipy.sparse import csr_matrix
        from sklearn.linear_model import LogisticRegression

        counts: dict[str, int] = {}
        for feats, _ in examples:
            for name in set(feats):
                counts[name] = counts.get(name, 0) + 1
        vocab = sorted(f for f, n in counts.items() if n >= min_count and f != "BIAS")
        index = {f: i for i, f in enumerate(vocab)}
        rows, cols = [], []
        for r, (feats, _) in enumerate(examples):
            for j in sorted({index[f] for f in feats if f in index}):
                rows.append(r)
                cols.append(j)
        x = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(examples), len(vocab)))
        y = np.array([LABELS.index(label) for _, label in examples])
        clf = LogisticRegression(C=c, max_iter=2000, tol=1e-5)
        clf.fit(x, y, sample_weight=None if sample_weight is None else np.asarray(sample_weight))
        k = len(LABELS)
        full = np.zeros((k, len(vocab)))
        bias = np.zeros(k)
        if len(clf.classes_) == 2:   # binary: one row of weights, for the second class
            full[clf.classes_[1]] = clf.coef_[0]
            bias[clf.classes_[1]] = clf.intercept_[0]
        else:
            for row, label in enumerate(clf.classes_):
                full[label] = clf.coef_[row]
                bias[label] = clf.intercept_[row]
        absent = [i for i in range(k) if i not in set(clf.classes_)]
        bias[absent] = -30.0  # a label never seen in training is never predicted
        weights = {"BIAS": [round(float(b), 5) for b in bias]}
        for j, name in enumerate(vocab):
            col = full[:, j]
            if np.abs(col).max() >= 1e-4:
                weights[name] = [round(float(v), 5) for v in col]
        return cls(weights=weights, meta={"examples": len(examples), "features": len(weights),
                                          "c": c, "min_count": min_count})

    def to_disk(self, path: str | Path) -> None:
        """Write the model as gzip'd JSON with :data:`FORMAT` inside (sorted, reproducible)."""
        data = {"format": FORMAT, "labels": list(self.labels), "threshold": self.threshold,
                "meta": self.meta, "weights": dict(sorted(self.weights.items()))}
        raw = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
        with open(path, "wb") as fh, gzip.GzipFile(filename="", fileobj=fh, mode="wb", mtime=0) as gz:
            gz.write(raw)

    @classmethod
    def from_disk(cls, path: str | Path) -> "RelationModel":
        """Read a model written by :meth:`to_disk`; a different format is a clear error."""
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
        if data.get("format") != FORMAT:
            raise ValueError(f"{path}: relation model format {data.get('format')!r}, expected "
                             f"{FORMAT!r}; rebuild it with `mscgraph train relations`")
        model = cls(weights=data["weights"], threshold=float(data["threshold"]),
                    labels=tuple(data["labels"]), meta=data.get("meta", {}))
        model.matrix()  # at load time rather than on the first document
        return model


# ------------------------------------------------------------------------------ candidates

def trigger_words(lex: TriggerLexicon) -> dict[str, str]:
    """One relation class per single-word trigger form (``LOF`` for loss-of-function words).

    >>> from .lexicon import load_triggers
    >>> trigger_words(load_triggers())["secrete"]
    'SEC'
    """
    out: dict[str, str] = {}
    for trigs in lex.by_first.values():
        for t in trigs:
            if len(t.words) == 1:
                out.setdefault(t.words[0], t.cls)
    for w in lex.lof:
        out.setdefault(w, "LOF")
    return out


def arg_of(m: Mention, polarity: Polarity) -> Arg:
    """The feature view of a mention.

    >>> from .lexicon import load_polarity
    >>> arg_of(Mention(0, 3, "ALT", "OUTCOME"), load_polarity()).polarity
    'bad'
    """
    pol = polarity.sign(m) or ("therapy" if polarity.is_therapy(m) else "")
    words = m.text.lower().split()
    return Arg(m.start, m.end, m.type, pol, words[-1] if words else "")


@dataclass(frozen=True, slots=True)
class Candidate:
    """An ordered pair of mentions of one sentence and its features."""

    subject: Mention
    object: Mention
    sentence: tuple[int, int]
    features: list[str]


def candidates(text: str, mentions: Sequence[Mention], sentences: Iterable[tuple[int, int]],
               triggers: dict[str, str], polarity: Polarity,
               skip: Callable[[Mention, Mention], bool] | None = None) -> Iterator[Candidate]:
    """Ordered candidate pairs of every sentence (original-text offsets) with their features.

    Pairs need two concepts, disjoint spans and a type pair some predicate allows; ``skip``
    drops pairs before their features are computed.

    >>> from .lexicon import load_polarity
    >>> ms = [Mention(0, 4, "MSCs", "CELL_TYPE", "CL:0000134"),
    ...       Mention(13, 16, "HGF", "CYTOKINE", "HGNC:4893")]
    >>> [(c.subject.text, c.object.text) for c in candidates("MSCs secrete HGF.", ms,
    ...   [(0, 17)], {"secrete": "SEC"}, load_polarity())]
    [('MSCs', 'HGF'), ('HGF', 'MSCs')]
    """
    for sent, inside, todo in sentence_pairs(mentions, sentences, skip):
        sentence = SentenceTokens(tokenize(text, sent[0], sent[1]), triggers)
        args = [arg_of(m, polarity) for m in inside]
        for a_i, b_i, others in todo:
            yield Candidate(inside[a_i], inside[b_i], sent, sentence.pair_features(
                args[a_i], args[b_i], [args[o] for o in others]))


#: One sentence's candidates: its span, its mentions in order and, per pair, the indexes of
#: subject, object and the mentions between or next to them.
SentencePairs = tuple[tuple[int, int], list[Mention], list[tuple[int, int, list[int]]]]


def sentence_pairs(mentions: Sequence[Mention], sentences: Iterable[tuple[int, int]],
                   skip: Callable[[Mention, Mention], bool] | None = None
                   ) -> Iterator[SentencePairs]:
    """The candidate pairs of each sentence that has some (see :func:`candidates`).

    >>> ms = [Mention(0, 4, "MSCs", "CELL_TYPE", "CL:0000134"),
    ...       Mention(13, 16, "HGF", "CYTOKINE", "HGNC:4893")]
    >>> [(span, pairs) for span, _, pairs in sentence_pairs(ms, [(0, 17)])]
    [((0, 17), [(0, 1, []), (1, 0, [])])]
    """
    ordered = sorted(mentions, key=lambda m: (m.start, m.end))
    i = 0
    for s0, s1 in sentences:
        while i < len(ordered) and ordered[i].start < s0:
            i += 1
        inside = []
        j = i
        while j < len(ordered) and ordered[j].end <= s1:
            inside.append(ordered[j])
            j += 1
        if len(inside) < 2:
            continue
        n = len(inside)
        keys = [m.concept_key for m in inside]
        todo = []
        for a_i, a in enumerate(inside):
            # pairs at most MAX_APART mentions apart: linear in the sentence's mentions
            for b_i in range(max(0, a_i - MAX_APART), min(n, a_i + MAX_APART + 1)):
                b = inside[b_i]
                if (a_i == b_i or keys[a_i] == keys[b_i]
                        or (a.type, b.type) not in _ALLOWED_PAIRS):
                    continue
                if not (a.end <= b.start or b.end <= a.start) or (skip and skip(a, b)):
                    continue
                lo, hi = min(a_i, b_i), max(a_i, b_i)
                todo.append((a_i, b_i, [*range(max(0, lo - 1), lo), *range(lo + 1, hi),
                                        *range(hi + 1, min(n, hi + 2))]))
        if todo:
            yield (s0, s1), inside, todo


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> RelationModel | None:
    """The relation model at ``path`` (default: the committed one; ``None`` when absent)."""
    p = Path(path) if path else DEFAULT_MODEL_PATH
    if not path and not p.is_file():
        return None
    return RelationModel.from_disk(p)


#: Words that hedge every relation the model finds in their sentence.
HEDGE_WORDS = _HEDGE | {"whether"}
