"""Scopes answers as the left scans it replaced did (reference implementations below), on
random sentences built from the cue words, and stays linear on a long sentence."""
from __future__ import annotations

import random
import time

from pipeline.model import Mention
from pipeline.nlp.relations.scopes import Scopes
from pipeline.nlp.relations.units import Unit
from pipeline.nlp.relations.words import BLOCK, CLAUSE, HEDGE, NEG

# reference: the per-call scans (quadratic over a sentence)


def clause_start(units: list[Unit], t: int) -> int:
    j = t - 1
    while j >= 0:
        u = units[j]
        if not u.is_ent and (u.low in CLAUSE or u.low == "."):
            return j + 1
        if not u.is_ent and u.low == "that" and j > 0 and not units[j - 1].is_ent:
            return j + 1
        j -= 1
    return 0


def scope_start(units: list[Unit], t: int) -> int:
    for j in range(t - 1, -1, -1):
        if not units[j].is_ent and units[j].low in (";", "while", "whereas", "although",
                                                      "whilst", "however"):
            return j + 1
    return 0


def negation_start(units: list[Unit], lo: int, t: int) -> int:
    for j in range(t - 1, lo - 1, -1):
        if not units[j].is_ent and units[j].low in ("but", "yet", "instead", "rather"):
            if units[j].low == "but" and j + 1 < len(units) and units[j + 1].low == "also":
                continue
            return j + 1
    return lo


def scope_flags(units: list[Unit], lo: int, hi: int) -> tuple[bool, bool, bool]:
    neg = hedge = block = aim = aim_block = False
    for j in range(max(lo, 0), hi):
        u = units[j]
        if u.is_ent:
            continue
        w = u.low
        if w in NEG:
            nxt = units[j + 1].low if j + 1 < len(units) else ""
            if not (w == "not" and nxt == "only") and not (
                    w in ("absence", "lack") and nxt == "of"):
                neg = True
        if w in HEDGE and not (w in ("could", "would") and j + 1 < len(units)
                                and units[j + 1].low in ("not", "n't")):
            hedge = True
        if w == "whether" or (w in BLOCK and j > 0 and units[j - 1].low == "to") or (
                w == "if" and j > 0 and units[j - 1].low in BLOCK):
            block = True
        elif w in BLOCK and j > 0 and units[j - 1].low == "we":
            aim = True
        elif aim and w in ("ability", "capacity", "potential", "efficacy"):
            aim_block = True
        elif aim and w in ("that", "found", "showed", "revealed", "demonstrated", "and"):
            aim_block = aim = False
    return neg, hedge, block or aim_block


WORDS = sorted({"that", ".", "but", "also", "yet", "only", "not", "lack", "of", "could", "n't",
                "would", "whether", "to", "if", "we", "ability", "efficacy", "found", "and",
                "x", "y", "reduced"} | set(list(CLAUSE)[:4]) | {"investigate", "evaluated",
                "examined", "may", "suggest", "no", ";", "while", "however", "instead"})


def random_units(rng: random.Random, n: int) -> list[Unit]:
    out = []
    for i in range(n):
        if rng.random() < 0.15:
            w = rng.choice(WORDS)       # an entity whose text looks like a cue word
            out.append(Unit(w, Mention(i, i + 1, w, "MOLECULE")))
        else:
            out.append(Unit(rng.choice(WORDS)))
    return out


def test_scopes_match_the_reference_scans() -> None:
    rng = random.Random(7)
    for _ in range(300):
        units = random_units(rng, rng.randint(0, 30))
        sc = Scopes(units)
        n = len(units)
        for t in range(n + 1):
            assert sc.clause_start(t) == clause_start(units, t)
            assert sc.scope_start(t) == scope_start(units, t)
            for lo in range(-1, n + 2):
                assert sc.flags(lo, t) == scope_flags(units, lo, t), (lo, t)
                if lo >= 0:     # a scope start, never negative
                    assert sc.negation_start(lo, t) == negation_start(units, lo, t)


def test_scopes_are_linear_on_a_long_sentence() -> None:
    units = random_units(random.Random(1), 200_000)
    t0 = time.perf_counter()
    sc = Scopes(units)
    answers = [sc.flags(sc.clause_start(t), t) for t in range(0, len(units), 7)]
    assert len(answers) > 20_000
    assert time.perf_counter() - t0 < 10     # the scans took minutes
