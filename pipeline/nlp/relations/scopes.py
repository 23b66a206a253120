"""Clause, hedge and negation scopes of a sentence, answered from prefix tables.

The rules ask, for many triggers of a sentence, where the clause of a position starts, where its
hedge scope (the sentence cut at strong breaks) and its negation scope (cut after a contrastive
``but``) start, and whether a range holds a negation, hedge or blocking cue (``whether``, ``to
investigate``, a study aim ``we evaluated the ability of X``). A question (``Do MSCs reduce
fibrosis?``, a common title form) hedges all it states. Scanning left from each trigger
made a long sentence quadratic; :class:`Scopes` reads the units once and answers each question
in constant time.

Example
-------
>>> from pipeline.model import Mention
>>> sc = Scopes([Unit("mscs", Mention(0, 4, "MSCs", "CELL_TYPE")), Unit("may"), Unit("not"),
...              Unit(";"), Unit("they")])
>>> sc.flags(0, 3), sc.clause_start(5), sc.scope_start(2)
((True, True, False), 4, 0)
"""
from __future__ import annotations

from .units import Unit
from .words import BLOCK, CLAUSE, HEDGE, NEG

__all__ = ["Scopes"]

_STRONG_BREAKS = frozenset((";", "while", "whereas", "although", "whilst", "however"))
_CONTRASTS = frozenset(("but", "yet", "instead", "rather"))
_AIM_OBJECTS = frozenset(("ability", "capacity", "potential", "efficacy"))
_AIM_RESULTS = frozenset(("that", "found", "showed", "revealed", "demonstrated", "and"))


class Scopes:
    """Scope starts and cue counts over the units of one sentence (built in one pass).

    Tables have one entry per position ``0..len(units)``: ``_clause[t]``/``_scope[t]`` is the
    start of the clause/hedge scope of ``t``, ``_contrast[t]`` the last contrastive word before
    ``t`` (-1: none), ``_neg``/``_hedge``/``_block`` count cues before ``t``, and
    ``_aim``/``_aim_object``/``_aim_result`` are the last study-aim verb (``we evaluated``), aim
    object (``ability``) and stated-result word (``found``, ``and``) before ``t``.
    """

    __slots__ = ("_clause", "_scope", "_contrast", "_neg", "_hedge", "_block", "_aim",
                 "_aim_object", "_aim_result", "question")

    def __init__(self, units: list[Unit]) -> None:
        n = len(units)
        clause, scope, contrast = [0] * (n + 1), [0] * (n + 1), [-1] * (n + 1)
        neg, hedge, block = [0] * (n + 1), [0] * (n + 1), [0] * (n + 1)
        aim, aim_object, aim_result = [-1] * (n + 1), [-1] * (n + 1), [-1] * (n + 1)
        c = s = 0
        k = a = ao = ar = -1
        ng = hg = bl = 0
        for j, u in enumerate(units):
            if not u.is_ent:
                w = u.low
                prev = units[j - 1] if j > 0 else None
                nxt = units[j + 1].low if j + 1 < n else ""
                if w in CLAUSE or w == "." or (w == "that" and prev is not None
                                               and not prev.is_ent):
                    c = j + 1
                if w in _STRONG_BREAKS:
                    s = j + 1
                if w in _CONTRASTS and not (w == "but" and nxt == "also"):
                    k = j           # "not only A but also B" does not cut
                if w in NEG and not (w == "not" and nxt == "only") and not (
                        w in ("absence", "lack") and nxt == "of"):   # loss of function
                    ng += 1
                if w in HEDGE and not (w in ("could", "would") and nxt in ("not", "n't")):
                    hg += 1         # "could not suppress" is a failure, not a hedge
                pw = prev.low if prev is not None else None
                if w == "whether" or (w in BLOCK and pw == "to") or (w == "if" and pw in BLOCK):
                    bl += 1
                elif w in BLOCK and pw == "we":
                    a = j           # "we evaluated the ability of X to ...": a study aim
                elif w in _AIM_OBJECTS:
                    ao = j
                elif w in _AIM_RESULTS:
                    ar = j          # "we examined X and found that ...": a stated result
            clause[j + 1], scope[j + 1], contrast[j + 1] = c, s, k
            neg[j + 1], hedge[j + 1], block[j + 1] = ng, hg, bl
            aim[j + 1], aim_object[j + 1], aim_result[j + 1] = a, ao, ar
        self._clause, self._scope, self._contrast = clause, scope, contrast
        self._neg, self._hedge, self._block = neg, hedge, block
        self._aim, self._aim_object, self._aim_result = aim, aim_object, aim_result
        #: The sentence asks (ends with ``?``): what it states is hedged.
        self.question = n > 0 and not units[-1].is_ent and units[-1].low == "?"

    def clause_start(self, t: int) -> int:
        """Start of the clause of ``t``: after the last clause break (``;``, ``while``,
        ``which``, ``.``, a ``that`` after a word) before it, else 0."""
        return self._clause[t] if t > 0 else 0

    def scope_start(self, t: int) -> int:
        """Start of the hedge scope of ``t``: the sentence, cut at strong clause breaks only."""
        return self._scope[t] if t > 0 else 0

    def negation_start(self, lo: int, t: int) -> int:
        """Start of the negation scope of ``t`` in the clause starting at ``lo``: cut after a
        contrastive ``but`` / ``yet`` (``did not improve A, but they reduced B``)."""
        k = self._contrast[t] if t > 0 else -1
        return k + 1 if k >= lo else lo

    def flags(self, lo: int, hi: int) -> tuple[bool, bool, bool]:
        """(negated, hedged, blocked) cues among units ``lo..hi-1``.

        Blocked: a ``whether``/``to investigate`` cue, or a study aim (``we evaluated``) followed
        by an aim object (``ability``) with no stated result (``found``, ``and``) after the aim.
        """
        lo = max(lo, 0)
        if hi <= lo:
            return False, False, False
        ao = self._aim_object[hi]
        a = self._aim[ao] if ao >= 0 else -1
        aim_block = a >= lo and a > self._aim_result[hi]
        return (self._neg[hi] > self._neg[lo],
                self.question or self._hedge[hi] > self._hedge[lo],
                self._block[hi] > self._block[lo] or aim_block)
