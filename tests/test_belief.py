"""Belief model: priors, monotonicity, negation, hedging, early failure, injection."""
from __future__ import annotations

import json

import pytest

from pipeline.assembly import assemble
from pipeline.belief import (BeliefScorer, DefaultBeliefScorer, MissingPriorError, load_priors,
                             score_statements)
from pipeline.errors import ConfigError
from pipeline.model import STUDY_TYPES, Concept, Evidence, Statement

from test_assembly import corpus

A, B = Concept("A", "a", "CELL_TYPE"), Concept("B", "b", "CYTOKINE")


def stmt(*evidence: Evidence) -> Statement:
    return Statement(A, "INCREASES", B, list(evidence))


def ev(pmid: str, study: str = "animal_model", **kw) -> Evidence:
    return Evidence(pmid, f"sentence {pmid} {kw}", study_type=study, **kw)


def test_committed_priors_cover_every_study_type_and_are_ordered():
    priors = load_priors()
    assert set(STUDY_TYPES) <= set(priors)
    assert priors["rct"][0] < priors["animal_model"][0] < priors["in_vitro"][0]
    assert all(hedged > asserted for asserted, hedged in priors.values())


def test_belief_rises_with_independent_articles_only():
    s = DefaultBeliefScorer()
    beliefs = [s.score_statement(stmt(*[ev(str(i)) for i in range(n)])) for n in (1, 2, 3, 4)]
    assert beliefs == sorted(beliefs) and len(set(beliefs)) == 4
    assert all(0 < b < 1 for b in beliefs)
    same_article = stmt(ev("1"), Evidence("1", "another sentence", sentence_start=9,
                                          study_type="animal_model"))
    assert s.score_statement(same_article) == beliefs[0]


def test_negation_and_hedging_lower_belief():
    s = DefaultBeliefScorer()
    base = s.score_statement(stmt(ev("1"), ev("2")))
    assert s.score_statement(stmt(ev("1"), ev("2"), ev("3", negated=True))) < base
    assert s.score_statement(stmt(ev("1"), ev("2", hedged=True))) < base
    assert s.score_statement(stmt(ev("1", negated=True))) == 0.0
    assert s.score_statement(stmt()) == 0.0


def test_study_type_matters():
    s = DefaultBeliefScorer()
    assert s.score_statement(stmt(ev("1", "rct"))) > s.score_statement(stmt(ev("1", "in_vitro")))


def test_missing_prior_fails_before_any_scoring():
    s = DefaultBeliefScorer({"rct": (0.1, 0.2)})
    ok, bad = stmt(ev("1", "rct")), stmt(ev("2", "in_vitro"))
    with pytest.raises(MissingPriorError, match="in_vitro"):
        score_statements([ok, bad], s)
    assert ok.belief == 0.0  # nothing was scored
    with pytest.raises(MissingPriorError):
        s.score_statement(bad)


@pytest.mark.parametrize("table", [{"rct": {"asserted": 1.5, "hedged": 0.2}},
                                   {"rct": "high"}, {"rct": {"asserted": 0.1}}])
def test_invalid_priors_rejected(table):
    with pytest.raises(ConfigError):
        DefaultBeliefScorer(table)


def test_priors_from_json_file(tmp_path):
    p = tmp_path / "p.json"
    p.write_text(json.dumps({"error": {"rct": {"asserted": 0.5, "hedged": 0.6}}}))
    assert DefaultBeliefScorer.from_json(p).score_statement(stmt(ev("1", "rct"))) == 0.5
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(ConfigError, match="cannot read belief priors"):
        load_priors(tmp_path / "bad.json")


def test_scorer_is_injected():
    class Half:
        def check_prior_probs(self, statements):
            pass

        def score_statement(self, statement):
            return 0.5

    assert isinstance(DefaultBeliefScorer(), BeliefScorer) and isinstance(Half(), BeliefScorer)
    assert {s.belief for s in assemble(corpus(), scorer=Half())} == {0.5}
