"""Scores of candidate pairs without their feature strings: the linear model's hot path.

A candidate's score per label is the sum of its features' weight rows
(:meth:`~.model.RelationModel.probabilities`). Most of a candidate's features are those of the
words between its two mentions (``B:``, ``BO:``, ``BB:``, ``TRW:``), and neighbouring pairs of
a sentence share most of those words. Here each word's rows are looked up once, summed into
prefix sums over the document's words, and a pair's between-words part is a difference of two
prefix sums; only the pair's few other features (:meth:`~.model.SentenceTokens.pair_parts`)
are looked up by name. The sums are those of the feature strings, in another order
(a test checks the scores agree to 1e-9 on real text).

Example
-------
>>> from .lexicon import load_polarity
>>> from .model import RelationModel
>>> model = RelationModel(weights={"B:secrete": [0.0, 0.0, 0.0, 2.0, 0.0, 0.0]})
>>> ms = [Mention(0, 4, "MSCs", "CELL_TYPE", "CL:0000134"),
...       Mention(13, 16, "HGF", "CYTOKINE", "HGNC:4893")]
>>> scorer = Scorer(model, {"secrete": "SEC"})
>>> pairs, z = scorer.score("MSCs secrete HGF.", ms, [(0, 17)], load_polarity())
>>> [(p.subject.text, p.object.text) for p in pairs], z[:, 3].tolist()
([('MSCs', 'HGF'), ('HGF', 'MSCs')], [2.0, 2.0])
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Collection, Iterable, Sequence

import numpy as np

from ...model import Mention, Relation
from .lexicon import Polarity
from .model import (HEDGE_WORDS, RelationModel, SentenceTokens, arg_of, group_features,
                    sentence_pairs, tokenize)
from .roles import co_object_pairs

__all__ = ["ScoredPair", "Scorer", "model_relations"]

#: Cached word and word-pair rows are dropped beyond this many (bounded memory).
_CACHE_LIMIT = 1 << 18
#: The words between a pair are a cached group up to this many words (they repeat).
_CACHED_BETWEEN = 2


@dataclass(frozen=True, slots=True)
class ScoredPair:
    """An ordered candidate pair of one sentence and whether a negation cue is next to it."""

    subject: Mention
    object: Mention
    sentence: tuple[int, int]
    negated: bool


class Scorer:
    """A :class:`~.model.RelationModel`'s weights, ready to score a document's candidates.

    State: the model's feature index and weight matrix, and caches of the rows of each
    word and feature group seen (bounded by :data:`_CACHE_LIMIT`).
    """

    def __init__(self, model: RelationModel, triggers: dict[str, str]) -> None:
        self.index, self.weights = model.matrix()
        self.absent = len(self.index)
        self.triggers = triggers
        self._words: dict[str, tuple[int, int, int]] = {}
        self._groups: dict[tuple, list[int]] = {}

    @classmethod
    def of(cls, model: RelationModel, triggers: dict[str, str]) -> "Scorer":
        """The scorer of ``model`` with the trigger words ``triggers``, made once per both."""
        scorer = model.derived.get("scorer")
        if scorer is None or scorer.triggers is not triggers:
            scorer = model.derived["scorer"] = cls(model, triggers)
        return scorer

    def group_rows(self, key: tuple) -> list[int]:
        """Rows of the features of a feature group (:func:`~.model.group_features`)."""
        rows = self._groups.get(key)
        if rows is None:
            if len(self._groups) > _CACHE_LIMIT:
                self._groups.clear()
            get, absent = self.index.get, self.absent
            rows = self._groups[key] = [get(name, absent)
                                        for name in group_features(key, self.triggers)]
        return rows

    def row(self, name: str) -> int:
        """The weight row of a feature (the zero row when the model does not know it)."""
        return self.index.get(name, self.absent)

    def word_rows(self, word: str) -> tuple[int, int, int]:
        """Rows of ``B:word``, ``BO:word|F`` and ``BO:word|R``."""
        rows = self._words.get(word)
        if rows is None:
            if len(self._words) > _CACHE_LIMIT:
                self._words.clear()
            get, absent = self.index.get, self.absent
            rows = self._words[word] = (get(f"B:{word}", absent), get(f"BO:{word}|F", absent),
                                        get(f"BO:{word}|R", absent))
        return rows

    def score(self, text: str, mentions: Sequence[Mention],
              sentences: Iterable[tuple[int, int]], polarity: Polarity, skip: Callable[[Mention, Mention], bool] | None = None
              ) -> tuple[list[ScoredPair], Any]:
        """The candidate pairs of :func:`~.model.candidates` and their summed weights
        (an ``(n, labels)`` array of logits, the same sums as their feature strings')."""
        word_b: list[int] = []
        word_f: list[int] = []
        word_r: list[int] = []
        bigrams: list[int] = []
        rows: list[int] = []
        indptr = [0]
        lo: list[int] = []
        hi: list[int] = []
        forward: list[bool] = []
        pairs: list[ScoredPair] = []
        row, group_rows, absent, triggers = self.row, self.group_rows, self.absent, self.triggers
        word_rows, index = self.word_rows, self.index
        for (s0, s1), inside, todo in sentence_pairs(mentions, sentences, skip):
            sentence = SentenceTokens(tokenize(text, s0, s1), self.triggers)
            base = len(word_b)
            words, classes = sentence.words, sentence.classes
            for b, f, r in map(word_rows, words):
                word_b.append(b)
                word_f.append(f)
                word_r.append(r)
            bigrams += [index.get(f"BB:{w}_{n}", absent) for w, n in zip(words, words[1:])]
            bigrams.append(absent)  # the sentence's last word has no next word
            args = [arg_of(m, polarity) for m in inside]
            for a_i, b_i, others in todo:
                groups, i, j, order, pol, negated = sentence.pair_groups(
                    args[a_i], args[b_i], [args[o] for o in others])
                for key in groups[:-1]:
                    rows += group_rows(key)
                between = groups[-1]
                if len(between[1]) <= _CACHED_BETWEEN:
                    rows += group_rows(between)
                else:  # longer runs of words between rarely repeat: not worth a cache entry
                    rows += [row(name) for name in group_features(between, triggers)]
                rows += [row(f"TRW:{classes[k]}|{order}|{pol}") for k in range(i, j)
                         if classes[k]]
                indptr.append(len(rows))
                lo.append(base + i)
                hi.append(base + j)
                forward.append(order == "F")
                pairs.append(ScoredPair(inside[a_i], inside[b_i], (s0, s1), negated))
        w = self.weights
        if not pairs:
            return pairs, np.zeros((0, w.shape[1]))
        z = np.add.reduceat(w[rows], indptr[:-1])  # no pair is empty: each has "BIAS"
        zero = np.zeros((1, w.shape[1]))
        single = w[word_b]
        prefix_f = np.concatenate([zero, np.cumsum(single + w[word_f], axis=0)])
        prefix_r = np.concatenate([zero, np.cumsum(single + w[word_r], axis=0)])
        prefix_bb = np.concatenate([zero, np.cumsum(w[bigrams], axis=0)])
        i_arr, j_arr = np.asarray(lo), np.asarray(hi)
        fwd = np.asarray(forward)[:, None]
        z += np.where(fwd, prefix_f[j_arr] - prefix_f[i_arr], prefix_r[j_arr] - prefix_r[i_arr])
        # the last word between has no BB feature: it would pair it with a word outside
        z += np.where((j_arr > i_arr)[:, None],
                      prefix_bb[np.maximum(j_arr - 1, 0)] - prefix_bb[i_arr], 0.0)
        return pairs, z


def model_relations(text: str, mentions: Sequence[Mention],
                    sentences: Sequence[tuple[int, int]], rules: Sequence[Relation],
                    model: RelationModel, triggers: dict[str, str], polarity: Polarity,
                    denied: Collection[tuple[int, int, str]] = ()) -> list[Relation]:
    """What the model adds to the rules' ``rules``: one relation per sentence and concept pair
    the rules left alone, when the probability that the pair states some relation
    (``1 - P(NONE)``) reaches ``model.threshold``; the predicate is the most probable one.

    Relations carry ``source="model"`` and ``confidence`` = that probability; ``negated`` /
    ``hedged`` come from negation cues next to the pair and hedge words in the sentence.
    ``denied`` holds ``(start, end, role)`` of mentions the rules' grammar rules out as
    subject or object (:mod:`.roles`): the model does not propose those either, nor a
    relation between two objects of one rule subject (:func:`.roles.co_object_pairs`).
    """
    covered = {(r.subject.concept_key, r.object.concept_key) for r in rules}
    covered |= {(b, a) for a, b in covered}   # either direction

    co_objects = co_object_pairs(rules)

    def skip(a: Mention, b: Mention) -> bool:
        return (a.concept_key, b.concept_key) in covered or (
            ((a.start, a.end), (b.start, b.end)) in co_objects) or (
            bool(denied) and ((a.start, a.end, "subject") in denied
                              or (b.start, b.end, "object") in denied))

    pairs, z = Scorer.of(model, triggers).score(text, mentions, sentences, polarity, skip=skip)
    if not pairs:
        return []
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    probs = e / e.sum(axis=1, keepdims=True)
    best: dict[tuple[tuple[int, int], frozenset[str]], tuple[float, ScoredPair, str]] = {}
    for c, row in zip(pairs, probs.tolist()):
        # rounded: pairs with the same features tie whatever order their weights were added in
        p = round(1.0 - row[0], 12)
        if p < model.threshold:
            continue
        label = model.labels[max(range(1, len(row)), key=row.__getitem__)]
        key = frozenset((c.subject.concept_key, c.object.concept_key))
        slot = (c.sentence, key)
        if slot not in best or best[slot][0] < p:
            best[slot] = (p, c, label)
    out = []
    hedged: dict[tuple[int, int], bool] = {}
    for (sent, _), (p, c, label) in sorted(
            best.items(), key=lambda kv: (kv[0][0], kv[1][1].subject.start,
                                          kv[1][1].object.start)):
        if sent not in hedged:
            hedged[sent] = any(t[2] in HEDGE_WORDS for t in tokenize(text, sent[0], sent[1]))
        out.append(Relation(c.subject, label, c.object, c.negated, hedged[sent],
                            text[sent[0]:sent[1]], sent[0], sent[1], "model", round(p, 3)))
    return out
