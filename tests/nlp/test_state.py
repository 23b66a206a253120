"""Tests of pipeline.nlp.state: the one per-document state and the Span -> Mention mapper."""
from __future__ import annotations

import spacy
from spacy.tokens import Doc, Span

from pipeline.nlp.state import Candidate, DocState, doc_mentions, register_extensions
from pipeline.normalize import normalize_text


def test_state_is_one_plain_data_entry_that_round_trips() -> None:
    register_extensions()
    nlp = spacy.blank("en")
    norm = normalize_text("Title\nBM-\nMSCs grew")
    doc = nlp(norm.text)
    state = doc._.mscgraph
    state.set_norm(norm)
    assert state.words.text == ["Title", "\n", "BM", "-", "MSCs", "grew"]
    state.set_entity_rows([Candidate(2, 5, "CELL_TYPE", "CL:1", "BM-MSC", 100).as_row()])
    doc.ents = [Span(doc, 2, 5, label="CELL_TYPE", kb_id="CL:1")]
    state.drop_words()
    assert set(doc.user_data) == {"mscgraph"}
    back = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    (m,) = doc_mentions(back)
    assert (m.text, m.name) == ("BM-\nMSCs", "BM-MSC")
    assert DocState.of(back).candidates()[0].concept == "CL:1"


def test_words_are_rebuilt_when_stale() -> None:
    doc = spacy.blank("en")("a b")
    state = DocState.of(doc)
    w = state.words
    assert state.words is w
    with doc.retokenize() as r:
        r.merge(doc[0:2])
    assert state.words.text == ["a b"]
