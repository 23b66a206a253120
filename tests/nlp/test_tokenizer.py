"""The normalizing tokenizer: spaCy's tokens on normal chunks, linear time on long ones."""
from __future__ import annotations

import random

import pytest
import spacy

from pipeline.nlp.tokenizer import MAX_CHUNK, NormalizingTokenizer, base_tokenizer


@pytest.fixture(scope="module")
def pair() -> tuple[NormalizingTokenizer, object]:
    nlp = spacy.blank("en")
    rule = base_tokenizer(nlp)
    return NormalizingTokenizer(nlp.vocab, rule), rule


def test_chunks_up_to_max_chunk_get_spacys_tokens(pair):
    ours, rule = pair
    rnd = random.Random(7)
    pieces = ["(IFN)-γ", "CD4+CD25+", "can't", "e.g.", "((", "'s", ":)", "...", "U.S.", "vs."]
    for _ in range(300):
        chunk = "".join(rnd.choice(pieces + list("([{)]}'\".,;:-aZ9")) for _ in range(12))
        chunk = chunk.replace(" ", "")[:MAX_CHUNK]
        assert ours.words(chunk)[0] == [t.text for t in rule(chunk)], chunk


def test_long_chunk_is_tokenized_in_pieces_covering_it(pair):
    ours, _rule = pair
    chunk = "".join(random.Random(1).choice("([{)]}'\".,") for _ in range(5 * MAX_CHUNK + 3))
    words, spaces = ours.words("x " + chunk + " y")
    assert "".join(words[1:-1]) == chunk and words[0] == "x" and words[-1] == "y"
    assert spaces[0] and not any(spaces[1:-2]) and spaces[-2]
