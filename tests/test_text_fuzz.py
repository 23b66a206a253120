"""Fuzzed and adversarial texts through the whole extractor: it returns, offsets stay inside.

A few hundred generated texts run in CI; set ``MSCGRAPH_FUZZ_N`` for more (a local run of
20,000 or more before a release), and ``MSCGRAPH_FUZZ_SEED`` to replay one. The slowest time
per 100 KB is printed (``pytest -s``).
"""
from __future__ import annotations

import os
import random
import time

import pytest

from pipeline.extract import Extractor, clean_text

FUZZ_N = int(os.environ.get("MSCGRAPH_FUZZ_N", "300"))
SEED = int(os.environ.get("MSCGRAPH_FUZZ_SEED", "15"))

SEEDS = [
    "Mesenchymal stem cells\nHuman bone marrow MSCs (BM-MSCs) reduced CCl4-induced liver "
    "fibrosis in mice by secreting HGF and IL-10, and suppressed TGF-β1/Smad signaling.",
    "Exosomes from umbilical cord MSCs\nUC-MSC-derived exosomes inhibited hepatocyte "
    "apoptosis (p < 0.05) and lowered serum ALT/AST; CD4+CD25+ Tregs increased.",
    "A randomized controlled trial\nIn 40 patients with decompensated cirrhosis, MSC infusion "
    "improved MELD scores at 24 weeks [n = 20 vs. 20], e.g. 12.3 ± 2.1 vs. 15.8 ± 3.0.",
]
#: characters that drive the affix loop (brackets, quotes, punctuation) or unusual code paths
NASTY = ("([{)]}<>'\"`.,;:!?-–—+*/\\=_|~^%&#@$…‘’“”«»§°±×÷µ·"
         "\u00ad\u200b\u200d\u2028\ufeff\ufffd"
         "\t\r\n\x00\x0b\x0c\x1f\x7f\ud800\udfff\U0001f600\u0301\u0663²")


def _run(rnd: random.Random, n: int) -> str:
    kind = rnd.randrange(5)
    if kind == 0:
        return rnd.choice(NASTY) * n
    if kind == 1:
        return "".join(rnd.choice(NASTY) for _ in range(n))
    if kind == 2:
        return "".join(rnd.choice("([{)]}'\".,-") for _ in range(n))
    if kind == 3:
        return "".join(rnd.choice("aZ09-([.,)]'") for _ in range(n))
    return rnd.choice(["CD4+", "IL-6", "(IFN)-γ", "e.g.", "vs.", "can't", ":)", "p<0.05"]) * (
        n // 4 + 1)


def fuzz_text(rnd: random.Random, big: bool = False) -> str:
    """One mutated or adversarial text; ``big`` ones run to about 100 KB."""
    text = rnd.choice(SEEDS)
    for _ in range(rnd.randrange(1, 6)):
        at = rnd.randrange(len(text) + 1)
        op = rnd.randrange(5)
        if op == 0:    # insert a run
            text = text[:at] + _run(rnd, rnd.choice([1, 3, 20, 300]) if not big else
                                    rnd.choice([20_000, 100_000])) + text[at:]
        elif op == 1:  # delete
            text = text[:at] + text[at + rnd.randrange(1, 30):]
        elif op == 2:  # replace a character
            text = text[:at] + rnd.choice(NASTY) + text[at + 1:]
        elif op == 3:  # duplicate a slice
            text = text[:at] + text[at:at + rnd.randrange(1, 80)] * rnd.randrange(2, 6) + text[at:]
        else:          # remove the spaces of a slice
            text = text[:at] + text[at:at + 200].replace(" ", "") + text[at + 200:]
    return text


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def _check(extractor: Extractor, text: str) -> None:
    ex = extractor.extract_text(text, "f")
    clean = clean_text(text)
    for m in ex.mentions:
        assert 0 <= m.start < m.end <= len(clean), (m, len(clean))
        assert clean[m.start:m.end] == m.text


def test_fuzzed_texts_extract_with_offsets_inside(extractor):
    rnd = random.Random(SEED)
    slowest = 0.0
    for i in range(FUZZ_N):
        text = fuzz_text(rnd, big=i % 100 == 99)
        t = time.perf_counter()
        try:
            _check(extractor, text)
        except Exception as exc:  # name the input that broke it, for replay
            raise AssertionError(f"text {i} (seed {SEED}, {len(text)} chars): {exc!r}") from exc
        if len(text) > 10_000:
            slowest = max(slowest, (time.perf_counter() - t) * 100_000 / len(text))
    print(f"{FUZZ_N} fuzzed texts; slowest {slowest:.2f} s per 100 KB")


def test_fuzzed_batches_extract(extractor):
    rnd = random.Random(SEED + 1)
    items = [(str(i), fuzz_text(rnd)) for i in range(40)]
    got = list(extractor.extract_texts(items))
    assert [e.doc_id for e in got] == [i for i, _t in items]


def _random(chars: str, n: int, seed: int) -> str:
    rnd = random.Random(seed)
    return "".join(rnd.choice(chars) for _ in range(n))


@pytest.mark.parametrize("text", [
    "(" * 100_000, "[" * 100_000, ")" * 100_000, "([{" * 33_333, "-" * 100_000,
    "!?.,;:" * 16_666, "a" * 100_000,
    _random("([{)]}'\".,", 100_000, 3), _random("([{)]}!?.,;:'\"-+*/=<>%&#@", 100_000, 4),
    " ".join(_random("([{)]}'\".,", 128, k) for k in range(780)),
    "(IFN)-γ" * 14_000, "IL-6 \u00ad" * 16_000, "TNF (tumor necrosis factor) " * 3_500,
], ids=["open", "square", "close", "mixed", "hyphens", "punct", "word", "random", "random-punct",
         "chunks", "abbreviations", "soft-hyphens", "definitions"])
def test_adversarial_100kb_is_fast(extractor, text):
    t = time.perf_counter()
    _check(extractor, text)
    assert time.perf_counter() - t < 10, "over 10 s per 100 KB: a quadratic path is back"
