"""The relation constructions of issue 11 item 3, each on self-written sentences.

Entities are set by hand (a blank spaCy pipeline with the sentencizer) so each test checks the
relation rules only: loss of function, enumerations, the agent carried across coordination,
possessors of the acted-on process, cells from treated animals, trigger spelling variants,
titles and questions.
"""
from __future__ import annotations

import pytest
import spacy
from entity_docs import blank_nlp, make_doc

from pipeline.nlp.relations import extract_relations
from pipeline.nlp.relations.lexicon import load_triggers, spelling_variants

TYPES = {
    "MSCs": ("CELL_TYPE", "CL:0000134"), "MSC": ("CELL_TYPE", "CL:0000134"),
    "HGF": ("CYTOKINE", "HGNC:4893"), "TSG-6": ("CYTOKINE", "HGNC:11785"),
    "IL-10": ("CYTOKINE", "HGNC:5962"), "IL-6": ("CYTOKINE", "HGNC:6018"),
    "VEGF": ("CYTOKINE", "FPLX:VEGF"), "TNF-α": ("CYTOKINE", "HGNC:11892"),
    "IL-12": ("CYTOKINE", "HGNC:5969"), "IL-1β": ("CYTOKINE", "HGNC:5992"),
    "fibrosis": ("DISEASE", "MESH:D005355"), "liver injury": ("DISEASE", "MESH:D008107"),
    "cirrhosis": ("DISEASE", "MESH:D008103"), "ALT": ("OUTCOME", "MESH:D000410"),
    "survival": ("OUTCOME", "MESH:D015996"), "hepatocyte": ("CELL_TYPE", "CL:0000182"),
    "apoptosis": ("PROCESS", "GO:0006915"), "necrosis": ("PROCESS", "GO:0070265"),
    "T cell": ("CELL_TYPE", "CL:0000084"), "proliferation": ("PROCESS", "GO:0008283"),
    "dendritic cells": ("CELL_TYPE", "CL:0000451"), "MMP-9": ("MOLECULE", "HGNC:7176"),
    "MMP-13": ("MOLECULE", "HGNC:7159"), "collagen": ("MOLECULE", "LOCAL:collagen"),
    "Smad signalling": ("PROCESS", "LOCAL:smad_signalling"),
    "neutralizing antibody": ("MOLECULE", "LOCAL:neutralizing_antibody"),
    "rapamycin": ("MOLECULE", "CHEBI:9168"), "NF-κB": ("MOLECULE", "FPLX:NFkappaB"),
    "PGE2": ("CYTOKINE", "CHEBI:15551"),
    "Splenocytes": ("CELL_TYPE", "CL:2000074"), "Dendritic cells": ("CELL_TYPE", "CL:0000451"),
}


@pytest.fixture(scope="module")
def nlp():
    return blank_nlp()


def rels(nlp, text: str, *names: str) -> set[tuple]:
    """(subject, predicate, object, negated, hedged) of ``text`` with ``names`` as entities."""
    doc = make_doc(nlp, text, names, TYPES)
    return {(r.subject.text, r.predicate, r.object.text, r.negated, r.hedged)
            for r in extract_relations(doc)}


# -- loss of function ------------------------------------------------------------------------

@pytest.mark.parametrize("text,names,expected", [
    ("Knockdown of HGF in MSCs abolished the reduction of fibrosis.",
     ("HGF", "MSCs", "fibrosis"), ("HGF", "DECREASES", "fibrosis")),
    ("Silencing of TSG-6 abrogated the decrease in ALT.",
     ("TSG-6", "ALT"), ("TSG-6", "DECREASES", "ALT")),
    ("Inhibitor of NF-κB lowered IL-6.", ("NF-κB", "IL-6"), ("NF-κB", "INCREASES", "IL-6")),
    ("The HGF siRNA lowered survival.", ("HGF", "survival"), ("HGF", "INCREASES", "survival")),
])
def test_loss_of_function_gives_the_opposite_effect(nlp, text, names, expected) -> None:
    assert expected + (False, False) in rels(nlp, text, *names)


def test_antibody_named_after_its_target_is_a_loss_of_that_target(nlp) -> None:
    got = rels(nlp, "An HGF neutralizing antibody abolished the decrease of ALT caused by MSCs.",
               "HGF", "neutralizing antibody", "ALT", "MSCs")
    assert ("HGF", "DECREASES", "ALT", False, False) in got
    assert ("MSCs", "DECREASES", "ALT", False, False) in got       # the decrease it caused
    assert not {r for r in got if r[0] == "neutralizing antibody"}


def test_loss_of_a_good_effect_composes_with_the_effect(nlp) -> None:
    got = rels(nlp, "Knockout of IL-10 attenuated the protective effect of MSCs on liver injury.",
               "IL-10", "MSCs", "liver injury")
    assert ("IL-10", "DECREASES", "liver injury", False, False) in got
    got = rels(nlp, "The HGF siRNA reduced the therapeutic effect of MSCs on fibrosis.",
               "HGF", "MSCs", "fibrosis")
    assert ("HGF", "DECREASES", "fibrosis", False, False) in got


def test_a_reversed_decrease_is_an_increase(nlp) -> None:
    got = rels(nlp, "The reduction of ALT was reversed by rapamycin.", "ALT", "rapamycin")
    assert got == {("rapamycin", "INCREASES", "ALT", False, False)}


def test_effect_of_cells_is_no_passive_object(nlp) -> None:
    assert rels(nlp, "The beneficial effect of MSCs was abolished by HGF knockdown.",
                "MSCs", "HGF") == set()


@pytest.mark.parametrize("text,names", [
    ("MSCs lacking TSG-6 did not attenuate fibrosis.", ("MSCs", "TSG-6", "fibrosis")),
    ("MSCs with TSG-6 knockdown failed to reduce fibrosis.", ("MSCs", "TSG-6", "fibrosis")),
    ("MSCs transfected with TSG-6 siRNA did not reduce fibrosis.",
     ("MSCs", "TSG-6", "fibrosis")),
])
def test_failure_of_a_therapy_without_x_says_what_x_does(nlp, text, names) -> None:
    assert rels(nlp, text, *names) == {("TSG-6", "DECREASES", "fibrosis", False, False)}


def test_loss_of_function_without_a_therapy_keeps_the_negation(nlp) -> None:
    got = rels(nlp, "Knockdown of HGF did not reduce ALT.", "HGF", "ALT")
    assert got == {("HGF", "INCREASES", "ALT", True, False)}


# -- enumerations ----------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "MSCs secrete factors such as HGF, IL-6 and VEGF.",
    "MSCs secrete several factors, including HGF, IL-6 and VEGF.",
    "MSCs secrete HGF, IL-6 and VEGF.",
    "MSCs secrete paracrine factors (e.g. HGF, IL-6 and VEGF).",
])
def test_enumerations_give_one_relation_per_member(nlp, text) -> None:
    assert rels(nlp, text, "MSCs", "HGF", "IL-6", "VEGF") == {
        ("MSCs", "SECRETES", m, False, False) for m in ("HGF", "IL-6", "VEGF")}


# -- agent across coordination ---------------------------------------------------------------

def test_agent_carried_across_coordination(nlp) -> None:
    got = rels(nlp, "MSCs raised MMP-9 and MMP-13 and inhibited Smad signalling.",
               "MSCs", "MMP-9", "MMP-13", "Smad signalling")
    assert got == {("MSCs", "INCREASES", "MMP-9", False, False),
                   ("MSCs", "INCREASES", "MMP-13", False, False),
                   ("MSCs", "DECREASES", "Smad signalling", False, False)}


def test_agent_carried_past_a_closed_relative_clause(nlp) -> None:
    got = rels(nlp, "MSCs raised MMP-9, which degrades collagen, and inhibited Smad signalling.",
               "MSCs", "MMP-9", "collagen", "Smad signalling")
    assert ("MSCs", "DECREASES", "Smad signalling", False, False) in got
    assert ("MMP-9", "DECREASES", "collagen", False, False) in got
    assert not {r for r in got if r[0] == "MMP-9" and r[2] == "Smad signalling"}


# -- possessor of the acted-on process -------------------------------------------------------

def test_cell_naming_whose_process_is_acted_on_is_no_object(nlp) -> None:
    assert rels(nlp, "MSCs reduced hepatocyte apoptosis.", "MSCs", "hepatocyte",
                "apoptosis") == {("MSCs", "DECREASES", "apoptosis", False, False)}
    assert rels(nlp, "MSCs lessened hepatocyte necrosis.", "MSCs", "hepatocyte",
                "necrosis") == {("MSCs", "DECREASES", "necrosis", False, False)}


def test_processes_that_change_the_cells_keep_the_cell(nlp) -> None:
    assert rels(nlp, "MSCs inhibited T cell proliferation.", "MSCs", "T cell",
                "proliferation") == {("MSCs", "DECREASES", "T cell", False, False),
                                     ("MSCs", "DECREASES", "proliferation", False, False)}


# -- cells from treated animals --------------------------------------------------------------

@pytest.mark.parametrize("text,names,cell", [
    ("Dendritic cells from MSC-treated mice secreted IL-12.",
     ("Dendritic cells", "MSC", "IL-12"), "Dendritic cells"),
    ("Splenocytes isolated from mice treated with MSCs secreted IL-12.",
     ("Splenocytes", "MSCs", "IL-12"), "Splenocytes"),
])
def test_cells_from_treated_animals_are_not_the_therapy(nlp, text, names, cell) -> None:
    got = rels(nlp, text, *names)
    assert not {r for r in got if r[0].startswith("MSC")}
    assert (cell, "SECRETES", "IL-12", False, False) in got


def test_stimulus_the_cells_answer_is_the_agent(nlp) -> None:
    got = rels(nlp, "In response to IL-1β, MSCs raised PGE2 and secreted HGF.",
               "IL-1β", "MSCs", "PGE2", "HGF")
    assert ("IL-1β", "INCREASES", "PGE2", False, False) in got
    assert ("MSCs", "INCREASES", "PGE2", False, False) not in got


# -- trigger variants ------------------------------------------------------------------------

def test_spelling_variants_of_triggers() -> None:
    assert ("up", "-", "regulated") in spelling_variants(("upregulated",))
    assert ("down", "regulated") in spelling_variants(("down-regulated",))
    lex = load_triggers()
    for words, cls in [(["secret"], "SEC"), (["up", "-", "regulated"], "INC"),
                       (["up", "regulates"], "INC"), (["down", "-", "regulated"], "DEC"),
                       (["supressed"], "DEC"), (["attenuated"], "DEC"),
                       (["ameliorates"], "DEC")]:
        t = lex.match(words, 0)
        assert t is not None and t.cls == cls and len(t.words) == len(words), words


@pytest.mark.parametrize("text", ["MSCs secret HGF.", "MSCs up-regulated HGF.",
                                  "MSCs up regulated HGF."])
def test_variant_triggers_in_sentences(nlp, text) -> None:
    pred = "SECRETES" if "secret" in text else "INCREASES"
    assert rels(nlp, text, "MSCs", "HGF") == {("MSCs", pred, "HGF", False, False)}


# -- titles, questions, whether ---------------------------------------------------------------

def test_question_is_hedged(nlp) -> None:
    assert rels(nlp, "Do MSCs reduce fibrosis?", "MSCs", "fibrosis") == {
        ("MSCs", "DECREASES", "fibrosis", False, True)}


def test_whether_clause_states_nothing(nlp) -> None:
    assert rels(nlp, "We asked whether MSCs reduce fibrosis.", "MSCs", "fibrosis") == set()


def test_title_without_full_stop_is_its_own_sentence() -> None:
    from pipeline.nlp.sentences import set_sentence_starts
    doc = set_sentence_starts(spacy.blank("en")(
        "MSC infusion for decompensated cirrhosis\nThis trial tests MSCs. They are safe."))
    assert [s.text.strip() for s in doc.sents] == [
        "MSC infusion for decompensated cirrhosis", "This trial tests MSCs.", "They are safe."]
