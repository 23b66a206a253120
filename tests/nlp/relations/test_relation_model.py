"""The learned relation model: features, file format, the component's additions."""
from __future__ import annotations

import gzip
import json

import pytest

from pipeline.model import Mention, Relation
from pipeline.nlp.relations.lexicon import load_polarity, load_triggers
from pipeline.nlp.relations.model import (DEFAULT_MODEL_PATH, FORMAT, RelationModel,
                                          candidates, load_model, trigger_words)
from pipeline.nlp.relations.scoring import model_relations

TRIG = trigger_words(load_triggers())
POL = load_polarity()
TEXT = "MSCs secrete HGF. Kupffer cells and HGF were measured."
MSC = Mention(0, 4, "MSCs", "CELL_TYPE", "CL:0000134", "MSC")
HGF = Mention(13, 16, "HGF", "CYTOKINE", "HGNC:4893", "HGF")
KC = Mention(18, 31, "Kupffer cells", "CELL_TYPE", "CL:0000091", "Kupffer cell")
HGF2 = Mention(36, 39, "HGF", "CYTOKINE", "HGNC:4893", "HGF")
SENTS = [(0, 17), (18, 55)]


def _toy_model() -> RelationModel:
    ex = []
    for c in candidates(TEXT, [MSC, HGF, KC, HGF2], SENTS, TRIG, POL):
        ex.append((c.features, "SECRETES" if (c.subject, c.object) == (MSC, HGF) else "NONE"))
    return RelationModel.train(ex * 3, min_count=1, c=10.0)


def test_candidates_are_ordered_pairs_within_sentences():
    pairs = [(c.subject.text, c.object.text, c.sentence)
             for c in candidates(TEXT, [MSC, HGF, KC, HGF2], SENTS, TRIG, POL)]
    assert pairs == [("MSCs", "HGF", (0, 17)), ("HGF", "MSCs", (0, 17)),
                     ("Kupffer cells", "HGF", (18, 55)), ("HGF", "Kupffer cells", (18, 55))]


def test_model_adds_what_rules_miss_with_source_and_confidence():
    model = _toy_model()
    model.threshold = 0.5
    out = model_relations(TEXT, [MSC, HGF, KC, HGF2], SENTS, [], model, TRIG, POL)
    assert [(r.subject.text, r.predicate, r.object.text, r.source) for r in out] == \
        [("MSCs", "SECRETES", "HGF", "model")]
    assert 0 < out[0].confidence <= 1.0
    assert out[0].sentence == "MSCs secrete HGF."
    # a pair the rules already state is left to them
    rule = Relation(MSC, "SECRETES", HGF, sentence="MSCs secrete HGF.", sentence_end=17)
    assert model_relations(TEXT, [MSC, HGF, KC, HGF2], SENTS, [rule], model, TRIG, POL) == []


def test_file_round_trip_is_byte_stable(tmp_path):
    model = _toy_model()
    a, b = tmp_path / "a.json.gz", tmp_path / "b.json.gz"
    model.to_disk(a)
    RelationModel.from_disk(a).to_disk(b)
    assert a.read_bytes() == b.read_bytes()
    again = _toy_model()
    again.to_disk(b)
    assert a.read_bytes() == b.read_bytes()          # training is deterministic


def test_other_format_is_a_clear_error(tmp_path):
    path = tmp_path / "m.json.gz"
    path.write_bytes(gzip.compress(json.dumps({"format": "something-else/9"}).encode()))
    with pytest.raises(ValueError, match="mscgraph train relations"):
        RelationModel.from_disk(path)


def test_relation_json_keeps_source_and_confidence():
    r = Relation(MSC, "SECRETES", HGF, source="model", confidence=0.71)
    assert Relation.from_json(r.to_json()) == r
    assert Relation.from_json({k: v for k, v in r.to_json().items()
                               if k not in ("source", "confidence")}).source == "rule"


@pytest.mark.skipif(not DEFAULT_MODEL_PATH.is_file(), reason="no committed relation model")
def test_committed_model_loads_and_the_component_marks_sources():
    from pipeline.extract import Extractor
    model = load_model()
    assert model is not None and 0 < model.threshold < 1
    assert model.meta["cv"]
    curve = model.meta["learning_curve"]     # `mscgraph eval relations` prints it
    assert [r["training_documents"] for r in curve] == sorted(r["training_documents"]
                                                             for r in curve)
    assert all(0 <= r["f1"] <= 1 for r in curve)
    ex = Extractor(context=False).extract_text(
        "Mesenchymal stem cells (MSCs) reduced liver fibrosis. MSCs secrete HGF.")
    assert ex.relations and {r.source for r in ex.relations} <= {"rule", "model"}
    assert all(0 < r.confidence <= 1 for r in ex.relations)


@pytest.mark.skipif(not DEFAULT_MODEL_PATH.is_file(), reason="no committed relation model")
@pytest.mark.parametrize("text, banned", [
    ("Dendritic cells from MSC-treated mice secreted less IL-12.", ("MSC", None)),
    ("MSCs reduced hepatocyte apoptosis in fibrotic livers.", (None, "hepatocyte")),
])
def test_model_respects_the_roles_the_rules_deny(text, banned):
    """What a construction rules out (the source animals' treatment as agent, the possessor cell
    of a process as object), the model does not add back."""
    from pipeline.extract import Extractor
    subj, obj = banned
    rels = Extractor(context=False).extract_text(text).relations
    assert rels, "the rules still find the stated relation"
    assert not [r for r in rels if (subj and r.subject.text == subj)
                or (obj and r.object.text == obj)]


def test_denied_roles_skip_model_candidates():
    model = _toy_model()
    model.threshold = 0.5
    denied = {(MSC.start, MSC.end, "subject")}
    assert model_relations(TEXT, [MSC, HGF, KC, HGF2], SENTS, [], model, TRIG, POL,
                           denied=denied) == []


@pytest.mark.skipif(not DEFAULT_MODEL_PATH.is_file(), reason="no committed relation model")
def test_model_adds_no_relation_between_two_objects_of_one_rule_subject():
    """"X reduces Y by upregulating Z" is (X, Y) and (X, Z), never (Z, Y) (guidelines)."""
    from pipeline.extract import Extractor
    rels = Extractor(context=False).extract_text(
        "Transplanted MSCs attenuated liver fibrosis in rats by upregulating MMP-9 and "
        "MMP-13.").relations
    pairs = {(r.subject.text, r.object.text) for r in rels}
    assert ("MSCs", "liver fibrosis") in pairs and ("MSCs", "MMP-9") in pairs
    assert not {("MMP-9", "liver fibrosis"), ("MMP-13", "liver fibrosis"),
                ("MMP-9", "MMP-13")} & pairs


def test_scorer_sums_equal_the_feature_strings_on_real_text() -> None:
    """The scorer's prefix sums and feature groups give every candidate of the demo corpus the
    logits of its feature strings (the definition, used in training)."""
    import numpy as np

    from pipeline.config import PROJECT_ROOT
    from pipeline.medline import read_articles
    from pipeline.nlp.relations.training import analyse
    from pipeline.nlp.relations.scoring import Scorer

    model = load_model()
    if model is None:
        pytest.skip("no committed relation model")
    articles = read_articles(PROJECT_ROOT / "corpora" / "demo" / "demo_pubmed.xml")[:40]
    docs = analyse([{"text": a.text} for a in articles])
    scorer, checked = Scorer(model, TRIG), 0
    for t in docs:
        text = t.doc["text"]
        found = list(candidates(text, t.mentions, t.sentences, TRIG, POL))
        pairs, z = scorer.score(text, t.mentions, t.sentences, POL)
        assert [(p.subject, p.object, p.sentence, p.negated) for p in pairs] == [
            (c.subject, c.object, c.sentence, "NEG" in c.features) for c in found]
        if found:
            index, w = model.matrix()
            expected = np.array([sum((w[index[f]] for f in c.features if f in index),
                                     np.zeros(w.shape[1])) for c in found])
            np.testing.assert_allclose(z, expected, atol=1e-9)
            checked += len(found)
    assert checked > 500
