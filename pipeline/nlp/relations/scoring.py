"""Scores of candidate pairs without their feature strings: the linear model's hot path.

A candidate's score per label is the sum of its features' weight rows; the features are defined
by :meth:`~.model.SentenceTokens.pair_features` (what training sees). Building ~60 strings per
pair and looking each up is most of the model's cost, so here the same sums come from rows
looked up once per distinct *word* (its ``B:``, ``BO:``, ``BF:``, ``L:``, ``HA:``, ... rows
in one record) and once per distinct small combination (types, order, distance, trigger
classes). The rows of the words between a pair are prefix sums over the document's words, so
a pair's between-words part is a difference of two of them. Only ``BS:`` (the words between
when at most six) is still a string per pair. A test checks the sums equal those of the
feature strings on real text.

Example
-------
>>> from .lexicon import load_polarity
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
from .model import (COORD_WORDS, HEDGE_WORDS, NEG_CUES, RelationModel, arg_of, distance_bin,
                    pair_window, sentence_pairs, tokenize)
from .roles import co_object_pairs

__all__ = ["ScoredPair", "Scorer", "model_relations"]

#: Cached word records and combinations are dropped beyond this many (bounded memory).
_CACHE_LIMIT = 1 << 18

#: Per word, the features it names, in the order of a word record (``|F``/``|R``: the order
#: of the pair, subject first or object first).
_WORD_FEATURES = ("B:{}", "BO:{}|F", "BO:{}|R", "BF:{}", "BL:{}", "BFO:{}|F", "BFO:{}|R",
                  "BLO:{}|F", "BLO:{}|R", "L:{}", "R:{}", "L1:{}", "R1:{}", "HA:{}", "HB:{}")
(_B, _BO_F, _BO_R, _BF, _BL, _BFO_F, _BFO_R, _BLO_F, _BLO_R, _L, _R, _L1, _R1, _HA,
 _HB) = range(len(_WORD_FEATURES))


@dataclass(frozen=True, slots=True)
class ScoredPair:
    """An ordered candidate pair of one sentence and whether a negation cue is next to it."""

    subject: Mention
    object: Mention
    sentence: tuple[int, int]
    negated: bool


class Scorer:
    """A :class:`~.model.RelationModel`'s weights, ready to score a document's candidates.

    State: the model's feature index and weight matrix, the trigger words, and caches of
    word records and of small feature combinations (bounded by :data:`_CACHE_LIMIT`).
    """

    def __init__(self, model: RelationModel, triggers: dict[str, str]) -> None:
        self.index, self.weights = model.matrix()
        self.absent = len(self.index)
        self.triggers = triggers
        self._words: dict[str, tuple[int, ...]] = {}
        self._combos: dict[tuple, int] = {}
        self._statics: dict[tuple, list[int]] = {}

    @classmethod
    def of(cls, model: RelationModel, triggers: dict[str, str]) -> "Scorer":
        """The scorer of ``model`` with the trigger words ``triggers``, made once per both."""
        scorer = model.derived.get("scorer")
        if scorer is None or scorer.triggers is not triggers:
            scorer = model.derived["scorer"] = cls(model, triggers)
        return scorer

    def row(self, name: str) -> int:
        """The weight row of a feature (the zero row when the model does not know it)."""
        return self.index.get(name, self.absent)

    def word(self, word: str) -> tuple[int, ...]:
        """The rows of the features ``word`` names (:data:`_WORD_FEATURES`)."""
        rec = self._words.get(word)
        if rec is None:
            if len(self._words) > _CACHE_LIMIT:
                self._words.clear()
            get, absent = self.index.get, self.absent
            rec = self._words[word] = tuple(get(f.format(word), absent) for f in _WORD_FEATURES)
        return rec

    def combo(self, *parts: str) -> int:
        """The row of the feature ``parts[0]:parts[1]|parts[2]|...`` (few distinct ones)."""
        r = self._combos.get(parts)
        if r is None:
            if len(self._combos) > _CACHE_LIMIT:
                self._combos.clear()
            r = self._combos[parts] = self.row(f"{parts[0]}:{'|'.join(parts[1:])}")
        return r

    def statics(self, tp: str, order: str, dist: str, pa: str, pb: str) -> list[int]:
        """Rows of ``BIAS``, ``T:``, ``O:``, ``TO:``, ``D:``, ``DO:``, ``PA:``, ``PB:``,
        ``PAB:`` of a pair."""
        key = (tp, order, dist, pa, pb)
        rows = self._statics.get(key)
        if rows is None:
            if len(self._statics) > _CACHE_LIMIT:
                self._statics.clear()
            rows = self._statics[key] = [
                self.row(n) for n in ("BIAS", f"T:{tp}", f"O:{order}", f"TO:{tp}|{order}",
                                      f"D:{dist}", f"DO:{dist}|{order}", f"PA:{pa}",
                                      f"PB:{pb}", f"PAB:{pa}|{pb}|{order}")]
        return rows

    def score(self, text: str, mentions: Sequence[Mention],
              sentences: Iterable[tuple[int, int]], polarity: Polarity,
              skip: Callable[[Mention, Mention], bool] | None = None
              ) -> tuple[list[ScoredPair], Any]:
        """The candidate pairs of :func:`~.model.candidates` and their summed weights (an
        ``(n, labels)`` array of logits, the sums of their feature strings' rows)."""
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
        row, combo, word, absent = self.row, self.combo, self.word, self.absent
        triggers, index = self.triggers, self.index
        adj, neg = row("ADJ"), row("NEG")
        coord = {"F": row("COORD|F"), "R": row("COORD|R")}
        by = {"F": row("BY|F"), "R": row("BY|R")}
        of = {"F": row("OF|F"), "R": row("OF|R")}
        same = [row(f"SAME:{n}") for n in range(3)]
        count = [row(f"E:{n}") for n in range(4)]
        trn = [absent] + [row(f"TRN:{n}") for n in range(1, 4)]
        for (s0, s1), inside, todo in sentence_pairs(mentions, sentences, skip):
            tokens = tokenize(text, s0, s1)
            starts = [t[0] for t in tokens]
            words = [t[2] for t in tokens]
            classes = [triggers.get(w) for w in words]
            recs = [word(w) for w in words]
            base = len(word_b)
            word_b += [r[_B] for r in recs]
            word_f += [r[_BO_F] for r in recs]
            word_r += [r[_BO_R] for r in recs]
            bigrams += [index.get(f"BB:{w}_{n}", absent) for w, n in zip(words, words[1:])]
            bigrams.append(absent)  # the sentence's last word has no next word
            args = [arg_of(m, polarity) for m in inside]
            heads = [word(a.head) for a in args]
            for a_i, b_i, others in todo:
                a, b = args[a_i], args[b_i]
                fwd = a.start < b.start
                left, right = (a, b) if fwd else (b, a)
                order = "F" if fwd else "R"
                tp = f"{a.type}>{b.type}"
                i, j, k, m = pair_window(tokens, starts, left, right)
                between = words[i:j]
                before = words[max(0, k - 3):k]
                rows += self.statics(tp, order, distance_bin(j - i), a.polarity, b.polarity)
                rows += (heads[a_i][_HA], heads[b_i][_HB])
                if j - i <= 6:
                    rows.append(row(f"BS:{' '.join(between)}|{order}"))
                if j > i:
                    first, last = recs[i], recs[j - 1]
                    rows += (first[_BF], last[_BL], first[_BFO_F if fwd else _BFO_R],
                             last[_BLO_F if fwd else _BLO_R])
                    pol = b.polarity if fwd else a.polarity
                    rows += [combo("TRW", c, order, pol) for c in classes[i:j] if c]
                else:
                    rows.append(adj)
                trig = [c for c in classes[i:j] if c]
                t0 = trig[0] if trig else "NONE"
                rows += (combo("TR", t0), combo("TRT", t0, tp, order))
                other_type = b.type if fwd else a.type
                near = [args[o].type for o in others
                        if args[o].start >= left.end and args[o].end <= right.start]
                rows.append(same[min(near.count(other_type), 2)])
                if trig:
                    rows += (combo("TRL", trig[-1], order), trn[min(len(trig), 3)])
                for n in range(max(0, k - 3), k):
                    rows.append(recs[n][_L])
                    if classes[n]:
                        rows.append(combo("TRL2", classes[n], order))
                for n in range(m, min(m + 3, len(words))):
                    rows.append(recs[n][_R])
                    if classes[n]:
                        rows.append(combo("TRR", classes[n], order))
                if k > 0:
                    rows.append(recs[k - 1][_L1])
                if m < len(words):
                    rows.append(recs[m][_R1])
                negated = not (NEG_CUES.isdisjoint(between) and NEG_CUES.isdisjoint(before))
                if negated:
                    rows.append(neg)
                if not COORD_WORDS.isdisjoint(between):
                    rows.append(coord[order])
                if "by" in between:
                    rows.append(by[order])
                if "of" in between:
                    rows.append(of[order])
                rows.append(count[min(len(near), 3)])
                rows += [combo("EB", t) for t in near[:4]]
                indptr.append(len(rows))
                lo.append(base + i)
                hi.append(base + j)
                forward.append(fwd)
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
        fwd_col = np.asarray(forward)[:, None]
        z += np.where(fwd_col, prefix_f[j_arr] - prefix_f[i_arr],
                      prefix_r[j_arr] - prefix_r[i_arr])
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
