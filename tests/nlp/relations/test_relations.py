"""Tests of pipeline.nlp.relations: one self-written sentence per construction of the guidelines."""
from __future__ import annotations

import pytest
import spacy
from entity_docs import blank_nlp
from entity_docs import make_doc as entity_doc

from pipeline.model import Mention, Relation
from pipeline.nlp.relations import extract_relations, load_polarity, load_triggers

TYPES = {
    "MSCs": ("CELL_TYPE", "CL:0000134"), "MSC": ("CELL_TYPE", "CL:0000134"), "stromal cells": ("CELL_TYPE", "CL:0000134"),
    "UC-MSCs": ("CELL_TYPE", "CL:0002569"), "HSC activation": ("PROCESS", "LOCAL:hsc_activation"),
    "HGF": ("CYTOKINE", "HGNC:4893"), "IL-10": ("CYTOKINE", "HGNC:5962"),
    "PGE2": ("CYTOKINE", "CHEBI:15551"), "TGF-β1/Smad signalling": ("PROCESS", "LOCAL:tgfb_smad"),
    "T cells": ("CELL_TYPE", "CL:0000084"), "exosomes": ("THERAPY", "LOCAL:exosome"),
    "proliferation": ("PROCESS", "GO:0008283"), "maturation": ("PROCESS", "LOCAL:maturation"),
    "dendritic cells": ("CELL_TYPE", "CL:0000451"), "T": ("CELL_TYPE", "CL:0000084"),
    "B lymphocytes": ("CELL_TYPE", "CL:0000236"), "collagen": ("MOLECULE", "LOCAL:collagen"),
    "macrophages": ("CELL_TYPE", "CL:0000235"), "M1 macrophages": ("CELL_TYPE", "CL:0000863"),
    "M2": ("CELL_TYPE", "CL:0000890"), "ALT": ("OUTCOME", "MESH:D000410"),
    "survival": ("OUTCOME", "MESH:D015996"), "fibrosis": ("DISEASE", "MESH:D005355"),
    "albumin": ("OUTCOME", "LOCAL:albumin"), "bilirubin": ("OUTCOME", "LOCAL:bilirubin"),
    "hepatocyte-like cells": ("CELL_TYPE", "LOCAL:hepatocyte_like_cell"),
    "cirrhosis": ("DISEASE", "MESH:D008103"), "liver injury": ("DISEASE", "MESH:D008107"),
    "regulatory T cells": ("CELL_TYPE", "CL:0000815"), "mTOR": ("MOLECULE", "HGNC:3942"),
    "apoptosis": ("PROCESS", "GO:0006915"), "rapamycin": ("MOLECULE", "CHEBI:9168"),
    "Kupffer cells": ("CELL_TYPE", "CL:0000091"), "TNF-α": ("CYTOKINE", "HGNC:11892"),
    "acute liver failure": ("DISEASE", "MESH:D017114"), "NF-kB": ("MOLECULE", "FPLX:NFkappaB"),
    "TSG-6": ("CYTOKINE", "HGNC:11785"), "inflammation": ("PROCESS", "MESH:D007249"),
    "MMP-9": ("MOLECULE", "HGNC:7176"), "hepatocytes": ("CELL_TYPE", "CL:0000182"),
    "quality of life": ("OUTCOME", "MESH:D011788"), "liver transplantation": ("THERAPY", "MESH:D016031"),
}


@pytest.fixture(scope="module")
def nlp():
    return blank_nlp()


def make_doc(nlp, text: str, names: list[str]):
    """Doc with the listed mention texts as entities, found left to right."""
    return entity_doc(nlp, text, names, TYPES)


def triples(nlp, text: str, *names: str, flags: bool = False) -> set[tuple]:
    rels = extract_relations(make_doc(nlp, text, list(names)))
    if flags:
        return {(r.subject.text, r.predicate, r.object.text, r.negated, r.hedged) for r in rels}
    return {(r.subject.text, r.predicate, r.object.text) for r in rels}


def test_active_voice(nlp) -> None:
    assert triples(nlp, "MSCs suppress HSC activation.", "MSCs", "HSC activation") == {
        ("MSCs", "DECREASES", "HSC activation")}


def test_passive_voice(nlp) -> None:
    assert triples(nlp, "HSC activation was suppressed by MSCs in culture.",
                   "HSC activation", "MSCs") == {("MSCs", "DECREASES", "HSC activation")}


def test_nominalization_with_by_agent(nlp) -> None:
    got = triples(nlp, "We observed inhibition of TGF-β1/Smad signalling by MSCs.",
                  "TGF-β1/Smad signalling", "MSCs")
    assert got == {("MSCs", "DECREASES", "TGF-β1/Smad signalling")}


def test_mediated_nominalization(nlp) -> None:
    got = triples(nlp, "MSC-mediated suppression of T cells was strong.", "MSC", "T cells")
    assert got == {("MSC", "DECREASES", "T cells")}


def test_secretion_forms(nlp) -> None:
    assert triples(nlp, "PGE2 secretion by MSCs rose.", "PGE2", "MSCs") == {
        ("MSCs", "SECRETES", "PGE2")}
    assert triples(nlp, "MSCs secrete HGF.", "MSCs", "HGF") == {("MSCs", "SECRETES", "HGF")}
    assert triples(nlp, "HGF was released by MSCs.", "HGF", "MSCs") == {
        ("MSCs", "SECRETES", "HGF")}


def test_derived_products(nlp) -> None:
    got = triples(nlp, "We isolated MSCs-derived exosomes.", "MSCs", "exosomes")
    assert got == {("MSCs", "SECRETES", "exosomes")}


def test_induced_modifier(nlp) -> None:
    got = triples(nlp, "We measured HGF-induced proliferation of hepatocytes.",
                  "HGF", "proliferation", "hepatocytes")
    assert ("HGF", "INCREASES", "proliferation") in got


def test_coordination_on_object_side(nlp) -> None:
    got = triples(nlp, "MSCs inhibit the maturation of dendritic cells and the proliferation "
                  "of T and B lymphocytes.", "MSCs", "maturation", "dendritic cells",
                  "proliferation", "T", "B lymphocytes")
    assert got == {("MSCs", "DECREASES", x) for x in
                   ("maturation", "dendritic cells", "proliferation", "T", "B lymphocytes")}


def test_coordination_on_subject_side(nlp) -> None:
    got = triples(nlp, "HGF and IL-10 reduce collagen.", "HGF", "IL-10", "collagen")
    assert got == {("HGF", "DECREASES", "collagen"), ("IL-10", "DECREASES", "collagen")}


def test_relative_clause(nlp) -> None:
    got = triples(nlp, "MSCs secrete HGF, which suppresses HSC activation.",
                  "MSCs", "HGF", "HSC activation")
    assert got == {("MSCs", "SECRETES", "HGF"), ("HGF", "DECREASES", "HSC activation")}


def test_apposition(nlp) -> None:
    got = triples(nlp, "TSG-6, a protein made by stromal cells, blocks TNF-α release.",
                  "TSG-6", "stromal cells", "TNF-α")
    assert ("TSG-6", "DECREASES", "TNF-α") in got
    assert ("stromal cells", "DECREASES", "TNF-α") not in got


def test_through_via_means(nlp) -> None:
    got = triples(nlp, "MSCs polarize macrophages to M2 partly through PGE2 secretion.",
                  "MSCs", "macrophages", "M2", "PGE2")
    assert got == {("MSCs", "INCREASES", "M2"), ("macrophages", "DIFFERENTIATES_INTO", "M2"),
                   ("MSCs", "SECRETES", "PGE2")}
    got = triples(nlp, "MSCs reduce fibrosis by inhibiting HSC activation.",
                  "MSCs", "fibrosis", "HSC activation")
    assert got == {("MSCs", "DECREASES", "fibrosis"), ("MSCs", "DECREASES", "HSC activation")}
    assert ("HSC activation", "DECREASES", "fibrosis") not in got


def test_polarization(nlp) -> None:
    got = triples(nlp, "UC-MSCs polarized M1 macrophages towards M2 in vitro.",
                  "UC-MSCs", "M1 macrophages", "M2")
    assert got == {("UC-MSCs", "INCREASES", "M2"), ("M1 macrophages", "DIFFERENTIATES_INTO", "M2")}


@pytest.mark.parametrize("text, names, expected", [
    ("UC-MSCs reduced ALT.", ("UC-MSCs", "ALT"), ("UC-MSCs", "DECREASES", "ALT")),
    ("UC-MSCs improved survival.", ("UC-MSCs", "survival"), ("UC-MSCs", "INCREASES", "survival")),
    ("UC-MSCs improved fibrosis.", ("UC-MSCs", "fibrosis"), ("UC-MSCs", "DECREASES", "fibrosis")),
    ("Infusion of UC-MSCs resulted in lower bilirubin.", ("UC-MSCs", "bilirubin"),
     ("UC-MSCs", "DECREASES", "bilirubin")),
])
def test_outcome_sign(nlp, text, names, expected) -> None:
    assert expected in triples(nlp, text, *names)


def test_improvements_in_a_list_follow_each_outcome(nlp) -> None:
    got = triples(nlp, "Patients given UC-MSCs showed improvements in albumin, ALT and "
                  "quality of life.", "UC-MSCs", "albumin", "ALT", "quality of life")
    assert {("UC-MSCs", "INCREASES", "albumin"), ("UC-MSCs", "DECREASES", "ALT"),
            ("UC-MSCs", "INCREASES", "quality of life")} <= got


@pytest.mark.parametrize("text", [
    "MSCs did not reduce ALT.",
    "MSCs failed to reduce ALT.",
    "MSCs had no significant effect on ALT.",
    "Neither MSCs nor placebo reduced ALT.",
])
def test_negation(nlp, text) -> None:
    rels = extract_relations(make_doc(nlp, text, ["MSCs", "ALT"]))
    assert rels and all(r.negated for r in rels)
    assert all(not r.hedged for r in rels)


@pytest.mark.parametrize("text", [
    "MSCs may reduce ALT.", "MSCs might reduce ALT.", "MSCs could potentially reduce ALT.",
    "These data suggest that MSCs reduce ALT.", "MSCs appear to reduce ALT.",
    "MSCs are thought to reduce ALT.", "MSCs possibly reduce ALT.",
])
def test_hedging(nlp, text) -> None:
    rels = extract_relations(make_doc(nlp, text, ["MSCs", "ALT"]))
    assert [(r.predicate, r.negated, r.hedged) for r in rels] == [("DECREASES", False, True)]


def test_can_alone_is_not_a_hedge(nlp) -> None:
    rels = extract_relations(make_doc(nlp, "MSCs can reduce ALT.", ["MSCs", "ALT"]))
    assert [(r.predicate, r.hedged) for r in rels] == [("DECREASES", False)]


def test_not_only_is_not_negation(nlp) -> None:
    rels = extract_relations(make_doc(nlp, "MSCs not only reduced ALT but also bilirubin.",
                                      ["MSCs", "ALT", "bilirubin"]))
    assert rels and not any(r.negated for r in rels)


def test_anaphora_they_and_these_cells(nlp) -> None:
    text = "MSCs were infused. They inhibit dendritic cells. These cells also secrete HGF."
    got = triples(nlp, text, "MSCs", "dendritic cells", "HGF")
    assert got == {("MSCs", "DECREASES", "dendritic cells"), ("MSCs", "SECRETES", "HGF")}


def test_treats_patterns(nlp) -> None:
    assert triples(nlp, "UC-MSCs for cirrhosis: a phase 2 trial.", "UC-MSCs", "cirrhosis") == {
        ("UC-MSCs", "TREATS", "cirrhosis")}
    assert ("UC-MSCs", "TREATS", "acute liver failure") in triples(
        nlp, "Safety of UC-MSCs in patients with acute liver failure.",
        "UC-MSCs", "acute liver failure")
    assert ("UC-MSCs", "TREATS", "cirrhosis") in triples(
        nlp, "Adults who received UC-MSCs for decompensated cirrhosis were followed.",
        "UC-MSCs", "cirrhosis")
    assert ("liver transplantation", "TREATS", "cirrhosis") in triples(
        nlp, "The only curative treatment for cirrhosis is liver transplantation.",
        "cirrhosis", "liver transplantation")
    assert ("liver transplantation", "TREATS", "cirrhosis") in triples(
        nlp, "We report successful treatment of cirrhosis by liver transplantation.",
        "cirrhosis", "liver transplantation")


def test_loss_of_function_flips_sign(nlp) -> None:
    got = triples(nlp, "Knockdown of HGF reduced proliferation of hepatocytes.",
                  "HGF", "proliferation", "hepatocytes")
    assert ("HGF", "INCREASES", "proliferation") in got
    got = triples(nlp, "Inhibition of mTOR with rapamycin increased apoptosis.",
                  "mTOR", "rapamycin", "apoptosis")
    assert ("mTOR", "DECREASES", "apoptosis") in got
    assert ("rapamycin", "INCREASES", "apoptosis") in got


def test_production_in_cells_inside_an_object(nlp) -> None:
    got = triples(nlp, "Rapamycin prevented the production of HGF and IL-10 in MSCs.",
                  "HGF", "IL-10", "MSCs")
    assert {("MSCs", "SECRETES", "HGF"), ("MSCs", "SECRETES", "IL-10")} <= got


def test_blocking_with_an_inhibitor(nlp) -> None:
    got = triples(nlp, "Blocking mTOR using rapamycin reduced apoptosis.",
                  "mTOR", "rapamycin", "apoptosis")
    assert {("rapamycin", "DECREASES", "mTOR"), ("rapamycin", "DECREASES", "apoptosis"),
            ("mTOR", "INCREASES", "apoptosis")} <= got


def test_coordination_with_a_verb_of_no_direction(nlp) -> None:
    got = triples(nlp, "MSCs modulate T cells function and alleviate liver injury.",
                  "MSCs", "T cells", "liver injury")
    assert got == {("MSCs", "DECREASES", "liver injury")}


def test_agentless_passive_takes_the_exposure(nlp) -> None:
    got = triples(nlp, "ALT was reduced and albumin was increased in MSCs-treated rats.",
                  "ALT", "albumin", "MSCs")
    assert got == {("MSCs", "DECREASES", "ALT"), ("MSCs", "INCREASES", "albumin")}
    assert triples(nlp, "ALT was reduced at week four.", "ALT") == set()


def test_copula_with_a_causal_noun(nlp) -> None:
    got = triples(nlp, "TNF-α is a major contributor to liver injury.", "TNF-α", "liver injury")
    assert got == {("TNF-α", "INCREASES", "liver injury")}


def test_agent_of_a_treatment_noun(nlp) -> None:
    got = triples(nlp, "HGF treatment of hepatocytes increased proliferation.",
                  "HGF", "hepatocytes", "proliferation")
    assert ("HGF", "INCREASES", "proliferation") in got
    assert ("hepatocytes", "INCREASES", "proliferation") not in got


def test_primed_cells_are_the_subject(nlp) -> None:
    got = triples(nlp, "MSCs pretreated with TNF-α reduced ALT.", "MSCs", "TNF-α", "ALT")
    assert got == {("MSCs", "DECREASES", "ALT")}


def test_cause_connectives(nlp) -> None:
    got = triples(nlp, "The liver injury caused by TNF-α was severe.", "liver injury", "TNF-α")
    assert got == {("TNF-α", "INCREASES", "liver injury")}
    got = triples(nlp, "In rats, fibrosis results from chronic inflammation.", "fibrosis", "inflammation")
    assert got == set() or ("inflammation", "INCREASES", "fibrosis") in got


def test_chain_gives_steps_and_end_to_end(nlp) -> None:
    got = triples(nlp, "TNF-α activates Kupffer cells, leading to liver injury.",
                  "TNF-α", "Kupffer cells", "liver injury")
    assert {("TNF-α", "INCREASES", "Kupffer cells"), ("TNF-α", "INCREASES", "liver injury"),
            ("Kupffer cells", "INCREASES", "liver injury")} <= got


@pytest.mark.parametrize("text", [
    "MSCs are associated with ALT.", "MSCs regulate T cells.", "MSCs affect T cells.",
    "We examined whether MSCs reduce ALT.",
])
def test_no_direction_no_relation(nlp, text) -> None:
    names = ["MSCs", "T cells"] if "T cells" in text else ["MSCs", "ALT"]
    assert extract_relations(make_doc(nlp, text, names)) == []


def test_self_loops_dropped_and_offsets(nlp) -> None:
    doc = make_doc(nlp, "Intro. MSCs, stromal cells, reduce ALT.", ["MSCs", "stromal cells", "ALT"])
    rels = extract_relations(doc)
    assert rels
    assert all(r.subject.concept_key != r.object.concept_key for r in rels)
    r = rels[0]
    assert r.sentence == "MSCs, stromal cells, reduce ALT."
    assert doc.text[r.sentence_start:r.sentence_end] == r.sentence
    assert doc.text[r.object.start:r.object.end] == "ALT"
    assert Relation.from_json(r.to_json()).triple == r.triple


def test_component_sets_doc_relations(nlp) -> None:
    n = spacy.blank("en")
    n.add_pipe("sentencizer")
    n.add_pipe("mscgraph_relations")
    doc = make_doc(n, "MSCs secrete HGF.", ["MSCs", "HGF"])
    doc = n.get_pipe("mscgraph_relations")(doc)
    assert [r.predicate for r in doc._.relations] == ["SECRETES"]


def test_relations_survive_doc_serialization(nlp) -> None:
    from spacy.tokens import Doc
    n = spacy.blank("en")
    n.add_pipe("sentencizer")
    rel = n.add_pipe("mscgraph_relations")
    doc = rel(make_doc(n, "MSCs secrete HGF.", ["MSCs", "HGF"]))
    back = Doc(n.vocab).from_bytes(doc.to_bytes())
    assert back._.relations == doc._.relations
    assert [r.triple for r in back._.relations] == [("CL:0000134", "SECRETES", "HGNC:4893")]


def test_lexicons_load() -> None:
    lex = load_triggers()
    assert lex.match(["reduced"], 0).cls == "DEC"
    assert lex.match(["leading", "to", "x"], 0).words == ("leading", "to")
    pol = load_polarity()
    assert pol.sign(Mention(0, 8, "survival", "OUTCOME")) == "good"
    assert pol.sign(Mention(0, 9, "cirrhosis", "DISEASE")) == "bad"


def test_mentions_and_sentences_map_to_original_text(nlp) -> None:
    """When the NER stage normalized the text, offsets point into the original."""
    from spacy.tokens import Doc

    from pipeline.nlp.state import DocState
    from pipeline.normalize import normalize_text

    original = "Intro.\u00ad\nMSCs low\u00adered TGF\u2013\u03b21 levels."  # soft hyphens
    norm = normalize_text(original)
    assert norm.text != original
    n = spacy.blank("en")
    n.add_pipe("sentencizer")
    rel = n.add_pipe("mscgraph_relations")
    doc = n(norm.text)
    DocState.of(doc).set_norm(norm)
    i = norm.text.index("MSCs")
    j = norm.text.index("TGF")
    k = norm.text.index(" levels")
    doc.ents = [doc.char_span(i, i + 4, label="CELL_TYPE", kb_id="CL:0000134"),
                doc.char_span(j, k, label="CYTOKINE", kb_id="HGNC:11766")]
    (r,) = rel(doc)._.relations
    assert r.predicate == "DECREASES"
    assert original[r.object.start:r.object.end] == r.object.text == "TGF\u2013\u03b21"
    assert original[r.subject.start:r.subject.end] == r.subject.text == "MSCs"
    assert original[r.sentence_start:r.sentence_end] == r.sentence


# ------------------------------------------------------------------------------------------
# constructions of unseen prose (held-out review, issue 4); sentences written for these tests

TYPES.update({
    "CCl4": ("MOLECULE", "CHEBI:27385"), "liver fibrosis": ("DISEASE", "MESH:D008103"),
    "infections": ("OUTCOME", "LOCAL:infection"), "melatonin": ("MOLECULE", "CHEBI:16796"),
    "Melatonin": ("MOLECULE", "CHEBI:16796"), "T cell": ("CELL_TYPE", "CL:0000084"),
    "Exosomes": ("THERAPY", "LOCAL:exosome"), "metformin": ("MOLECULE", "CHEBI:6801"),
    "Metformin": ("MOLECULE", "CHEBI:6801"), "obesity": ("DISEASE", "MESH:D009765"),
    "steatosis": ("OUTCOME", "MESH:D005234"), "tumorigenesis": ("PROCESS", "MESH:D063646"),
    "p53": ("MOLECULE", "HGNC:11998"), "Rapamycin": ("MOLECULE", "CHEBI:9168"),
    "SDF-1": ("CYTOKINE", "HGNC:10672"), "migration": ("PROCESS", "GO:0016477"),
})


def test_induced_modifier_is_not_the_object(nlp) -> None:
    got = triples(nlp, "Pretreated grafts with MSCs attenuated CCl4-induced liver fibrosis.",
                  "MSCs", "CCl4", "liver fibrosis")
    assert ("MSCs", "DECREASES", "liver fibrosis") in got
    assert ("MSCs", "DECREASES", "CCl4") not in got
    assert ("CCl4", "INCREASES", "liver fibrosis") in got
    got = triples(nlp, "Metformin lowered obesity-associated steatosis in old rats.",
                  "Metformin", "obesity", "steatosis")
    assert got == {("Metformin", "DECREASES", "steatosis")}


def test_reduced_relative_needs_its_noun(nlp) -> None:
    # the noun before "triggered by" is no entity: rapamycin is not its object
    got = triples(nlp, "Rapamycin reduced the carcinogenesis triggered by p53 loss.",
                  "Rapamycin", "p53")
    assert ("p53", "INCREASES", "Rapamycin") not in got


def test_negation_does_not_cross_but(nlp) -> None:
    text = ("UC-MSCs were infused weekly. These cells did not significantly improve survival, "
            "but they reduced infections.")
    got = triples(nlp, text, "UC-MSCs", "survival", "infections", flags=True)
    assert ("UC-MSCs", "INCREASES", "survival", True, False) in got
    assert ("UC-MSCs", "DECREASES", "infections", False, False) in got
    assert not any(s == "survival" for s, *_ in got)


def test_could_not_is_negation_not_hedge(nlp) -> None:
    got = triples(nlp, "Rapamycin could not reduce liver fibrosis.", "Rapamycin",
                  "liver fibrosis", flags=True)
    assert got == {("Rapamycin", "DECREASES", "liver fibrosis", True, False)}


def test_examined_if_is_no_statement(nlp) -> None:
    got = triples(nlp, "We examined if rapamycin reduces apoptosis in livers.",
                  "rapamycin", "apoptosis")
    assert got == set()


def test_adverb_in_ly_before_adjectival_participle(nlp) -> None:
    # "accompanied by drastically enhanced X": no clause of its own, no direction
    got = triples(nlp, "Rapamycin reduced survival and was accompanied by drastically "
                  "enhanced apoptosis.", "Rapamycin", "survival", "apoptosis")
    assert got == {("Rapamycin", "DECREASES", "survival")}


def test_anaphora_for_non_cell_agents(nlp) -> None:
    got = triples(nlp, "Exosomes lowered ALT. They also inhibited HSC activation.",
                  "Exosomes", "ALT", "HSC activation")
    assert ("Exosomes", "DECREASES", "HSC activation") in got
    got = triples(nlp, "Rapamycin and metformin lowered ALT in rats. These drugs also "
                  "inhibited apoptosis.", "Rapamycin", "metformin", "ALT", "apoptosis")
    assert ("Rapamycin", "DECREASES", "apoptosis") in got


def test_without_gerund_takes_the_governing_subject(nlp) -> None:
    got = triples(nlp, "Melatonin reduced liver injury without inducing apoptosis.",
                  "Melatonin", "liver injury", "apoptosis", flags=True)
    assert ("Melatonin", "INCREASES", "apoptosis", True, False) in got
    assert not any(s == "liver injury" for s, *_ in got)


def test_via_participle_takes_the_governing_subject(nlp) -> None:
    got = triples(nlp, "Metformin attenuated liver injury, presumably via decreased T cell "
                  "activation.", "Metformin", "liver injury", "T cell")
    assert ("Metformin", "DECREASES", "T cell") in got
    assert ("liver injury", "DECREASES", "T cell") not in got
    assert ("Metformin", "INCREASES", "T cell") not in got


TYPES.update({
    "acetaminophen": ("MOLECULE", "CHEBI:46195"), "liver biopsy": ("THERAPY", "LOCAL:biopsy"),
    "OSM": ("CYTOKINE", "HGNC:8506"), "TSG6": ("CYTOKINE", "HGNC:11785"),
})


def test_temporal_phrase_entity_is_no_subject(nlp) -> None:
    got = triples(nlp, "MSCs given 12 h after acetaminophen did not reduce liver injury.",
                  "MSCs", "acetaminophen", "liver injury", flags=True)
    assert got == {("MSCs", "DECREASES", "liver injury", True, False)}


def test_treats_through_an_induced_modifier(nlp) -> None:
    got = triples(nlp, "MSCs in acetaminophen-induced acute liver failure",
                  "MSCs", "acetaminophen", "acute liver failure")
    assert ("MSCs", "TREATS", "acute liver failure") in got
    assert ("acetaminophen", "INCREASES", "acute liver failure") in got


def test_object_before_a_verb_starts_a_new_clause(nlp) -> None:
    got = triples(nlp, "MSCs aggravated CCl4-induced liver fibrosis and rapamycin prevented "
                  "apoptosis.", "MSCs", "CCl4", "liver fibrosis", "rapamycin", "apoptosis")
    assert ("MSCs", "INCREASES", "rapamycin") not in got
    assert ("rapamycin", "DECREASES", "apoptosis") in got
    assert ("MSCs", "INCREASES", "liver fibrosis") in got


def test_coordinated_nominals_keep_their_own_sign(nlp) -> None:
    got = triples(nlp, "Metformin lowered ALT through downregulation of mTOR and upregulation "
                  "of p53.", "Metformin", "ALT", "mTOR", "p53")
    assert ("Metformin", "DECREASES", "mTOR") in got
    assert ("Metformin", "INCREASES", "p53") in got


def test_diagnostic_procedure_treats_nothing(nlp) -> None:
    got = triples(nlp, "A liver biopsy for cirrhosis was taken.", "liver biopsy", "cirrhosis")
    assert got == set()


def test_result_statements_of_study_groups(nlp) -> None:
    got = triples(nlp, "MSC-treated mice showed lower ALT and higher albumin.",
                  "MSC", "ALT", "albumin")
    assert got == {("MSC", "DECREASES", "ALT"), ("MSC", "INCREASES", "albumin")}
    got = triples(nlp, "ALT was significantly lower in the MSC group than in controls.",
                  "ALT", "MSC")
    assert got == {("MSC", "DECREASES", "ALT")}


def test_effect_of_cells_is_no_object(nlp) -> None:
    got = triples(nlp, "Knockdown of TSG6 abolished the anti-inflammatory effect of MSCs.",
                  "TSG6", "MSCs")
    assert ("TSG6", "INCREASES", "MSCs") not in got


def test_inducers_of_differentiation_increase_the_product(nlp) -> None:
    got = triples(nlp, "HGF and OSM induced MSCs to differentiate into hepatocyte-like cells.",
                  "HGF", "OSM", "MSCs", "hepatocyte-like cells")
    assert got == {("HGF", "INCREASES", "hepatocyte-like cells"),
                   ("OSM", "INCREASES", "hepatocyte-like cells"),
                   ("MSCs", "DIFFERENTIATES_INTO", "hepatocyte-like cells")}


def test_setting_through_an_induced_modifier(nlp) -> None:
    got = triples(nlp, "In rats with CCl4-induced liver fibrosis, MSCs lowered ALT.",
                  "CCl4", "liver fibrosis", "MSCs", "ALT")
    assert ("MSCs", "TREATS", "liver fibrosis") in got
    assert ("MSCs", "DECREASES", "ALT") in got


TYPES.update({
    "cyclin B1": ("MOLECULE", "HGNC:1579"), "CenpH": ("MOLECULE", "HGNC:17268"),
    "MPF": ("MOLECULE", "LOCAL:mpf"), "SOD": ("MOLECULE", "LOCAL:sod"),
    "GST": ("MOLECULE", "LOCAL:gst"), "VCAM-1": ("MOLECULE", "HGNC:12663"),
    "atropine": ("MOLECULE", "CHEBI:16684"), "diazepam": ("MOLECULE", "CHEBI:49575"),
    "poisoning": ("DISEASE", "MESH:D011041"), "androgen": ("MOLECULE", "CHEBI:50113"),
    "anemia": ("DISEASE", "MESH:D000740"), "hemoglobin": ("OUTCOME", "LOCAL:hemoglobin"),
})


def test_chain_step_sign_follows_both_steps(nlp) -> None:
    got = triples(nlp, "Loss of CenpH decreased cyclin B1, leading to attenuation of MPF.",
                  "CenpH", "cyclin B1", "MPF")
    assert ("cyclin B1", "INCREASES", "MPF") in got
    got = triples(nlp, "Rapamycin reduced mTOR, thereby increasing apoptosis.",
                  "Rapamycin", "mTOR", "apoptosis")
    assert ("mTOR", "DECREASES", "apoptosis") in got
    assert ("Rapamycin", "INCREASES", "apoptosis") in got


def test_protect_from_keeps_the_object(nlp) -> None:
    got = triples(nlp, "CenpH protects cyclin B1 from degradation.", "CenpH", "cyclin B1")
    assert got == {("CenpH", "INCREASES", "cyclin B1")}


def test_list_of_adjectival_participles(nlp) -> None:
    got = triples(nlp, "Livers showed more injury, but decreased SOD and GST, increased "
                  "VCAM-1 and worse histology.", "SOD", "GST", "VCAM-1")
    assert not any(s in ("SOD", "GST") for s, _p, _o in got)


def test_combination_partners_are_both_agents(nlp) -> None:
    got = triples(nlp, "In rats, diazepam in combination with atropine prevented poisoning.",
                  "diazepam", "atropine", "poisoning")
    assert ("diazepam", "DECREASES", "poisoning") in got
    assert ("atropine", "DECREASES", "poisoning") in got


def test_lack_of_is_loss_of_function(nlp) -> None:
    got = triples(nlp, "The anemia caused by lack of androgen was mild.", "anemia", "androgen")
    assert got == {("androgen", "DECREASES", "anemia")}


def test_as_a_result_of_is_no_object_link(nlp) -> None:
    got = triples(nlp, "The hemoglobin levels decrease as a result of hemolysis, and this anemia "
                  "is mild.", "hemoglobin", "anemia")
    assert ("hemoglobin", "DECREASES", "anemia") not in got


def test_study_aim_ability_is_no_statement(nlp) -> None:
    got = triples(nlp, "We evaluated the ability of rapamycin to attenuate apoptosis.",
                  "rapamycin", "apoptosis")
    assert got == set()


TYPES.update({
    "IDO": ("CYTOKINE", "HGNC:6059"), "tryptophan": ("MOLECULE", "CHEBI:27897"),
    "hepatitis B": ("DISEASE", "MESH:D006509"), "UC-MSCs2": ("CELL_TYPE", "CL:0002569"),
    "HSC-T6 cells": ("CELL_TYPE", "LOCAL:hsc_t6"), "liposomes": ("THERAPY", "LOCAL:liposome"),
})


def test_product_derived_from_cells_is_the_subject(nlp) -> None:
    got = triples(nlp, "Exosomes derived from MSCs alleviate liver fibrosis.",
                  "Exosomes", "MSCs", "liver fibrosis")
    assert ("Exosomes", "DECREASES", "liver fibrosis") in got
    assert ("MSCs", "DECREASES", "liver fibrosis") not in got


def test_benefit_of_cells_is_no_object(nlp) -> None:
    got = triples(nlp, "Depletion of macrophages with liposomes abolished the benefit of MSCs.",
                  "macrophages", "liposomes", "MSCs")
    assert not any(o == "MSCs" for _s, _p, o in got)


def test_new_clause_subject_after_a_modifier_phrase(nlp) -> None:
    got = triples(nlp, "MSCs suppressed T cells, and the IDO inhibitor tryptophan restored "
                  "proliferation.", "MSCs", "T cells", "IDO", "tryptophan", "proliferation")
    assert ("MSCs", "DECREASES", "IDO") not in got
    assert ("MSCs", "DECREASES", "tryptophan") not in got
    assert ("MSCs", "DECREASES", "T cells") in got


def test_introductory_phrase_is_no_subject(nlp) -> None:
    got = triples(nlp, "In livers and in cultured HSC-T6 cells, exosomes inhibited apoptosis.",
                  "HSC-T6 cells", "exosomes", "apoptosis")
    assert got == {("exosomes", "DECREASES", "apoptosis")}


def test_pronoun_after_and_is_the_sentence_subject(nlp) -> None:
    got = triples(nlp, "Rapamycin reduced ALT, as shown by collagen staining, and it lowered "
                  "apoptosis.", "Rapamycin", "ALT", "collagen", "apoptosis")
    assert ("Rapamycin", "DECREASES", "apoptosis") in got
    assert ("collagen", "DECREASES", "apoptosis") not in got


def test_cause_modifier_of_a_disease_is_not_treated(nlp) -> None:
    got = triples(nlp, "MSCs for hepatitis B-related cirrhosis: a trial", "MSCs",
                  "hepatitis B", "cirrhosis")
    assert ("MSCs", "TREATS", "cirrhosis") in got
    assert ("MSCs", "TREATS", "hepatitis B") not in got


def test_free_of_ends_the_objects(nlp) -> None:
    got = triples(nlp, "Rapamycin prolonged survival free of liver transplantation.",
                  "Rapamycin", "survival", "liver transplantation")
    assert ("Rapamycin", "INCREASES", "liver transplantation") not in got


def test_loss_of_function_over_an_adjective(nlp) -> None:
    got = triples(nlp, "Inhibition of hepatic mTOR in mice increased apoptosis.", "mTOR",
                  "apoptosis")
    assert got == {("mTOR", "DECREASES", "apoptosis")}


def test_coordinated_verb_after_a_means_phrase(nlp) -> None:
    got = triples(nlp, "MSCs promote apoptosis through TNF-α, and increase inflammation.",
                  "MSCs", "apoptosis", "TNF-α", "inflammation")
    assert ("MSCs", "INCREASES", "inflammation") in got
    assert ("TNF-α", "INCREASES", "inflammation") not in got


def test_screened_for_is_no_treatment(nlp) -> None:
    got = triples(nlp, "Patients receiving MSCs should be screened for cirrhosis.",
                  "MSCs", "cirrhosis")
    assert ("MSCs", "TREATS", "cirrhosis") not in got


def test_loss_of_function_nominal_subject_with_a_past_verb(nlp) -> None:
    got = triples(nlp, "Inhibition of mTOR increased apoptosis.", "mTOR", "apoptosis")
    assert got == {("mTOR", "DECREASES", "apoptosis")}
    got = triples(nlp, "Knockdown of TSG6 in MSCs abolished the decrease in ALT.",
                  "TSG6", "MSCs", "ALT")
    assert ("TSG6", "DECREASES", "ALT") in got


def test_intransitive_results_in_a_group(nlp) -> None:
    text = "Total bilirubin decreased and albumin increased in the MSC group."
    doc = make_doc(nlp, text, ["albumin", "MSC"])
    got = {(r.subject.text, r.predicate, r.object.text) for r in extract_relations(doc)}
    assert got == {("MSC", "INCREASES", "albumin")}


def test_but_then_a_coordinated_past_verb(nlp) -> None:
    got = triples(nlp, "Deletion of p53 reversed apoptosis, but unexpectedly promoted "
                  "tumorigenesis.", "p53", "apoptosis", "tumorigenesis")
    assert got == {("p53", "INCREASES", "apoptosis"), ("p53", "DECREASES", "tumorigenesis")}


def test_absence_of_is_no_negation(nlp) -> None:
    got = triples(nlp, "Absence of p53 induced apoptosis.", "p53", "apoptosis", flags=True)
    assert got == {("p53", "DECREASES", "apoptosis", False, False)}


def test_chain_with_smaller_objects(nlp) -> None:
    got = triples(nlp, "MSCs suppress mTOR, leading to smaller tumorigenesis.",
                  "MSCs", "mTOR", "tumorigenesis")
    assert ("mTOR", "INCREASES", "tumorigenesis") in got
    assert ("MSCs", "DECREASES", "tumorigenesis") in got


def test_modifier_entities_are_no_subjects(nlp) -> None:
    got = triples(nlp, "In mice with bile duct CCl4-induced fibrosis, both preparations reduced "
                  "ALT.", "CCl4", "fibrosis", "ALT")
    assert got == {("CCl4", "INCREASES", "fibrosis")}
    got = triples(nlp, "Rapamycin inhibited mTOR-related genes.", "Rapamycin", "mTOR")
    assert got == {("Rapamycin", "DECREASES", "mTOR")}


def test_hyphen_inside_the_agent_span(nlp) -> None:
    TYPES["CCl4-"] = ("MOLECULE", "CHEBI:27385")
    got = triples(nlp, "mTOR aggravates CCl4- induced liver fibrosis.", "mTOR", "CCl4-",
                  "liver fibrosis")
    assert got == {("mTOR", "INCREASES", "liver fibrosis"),
                   ("CCl4-", "INCREASES", "liver fibrosis")}


def test_cell_loss_process_lowers_its_cell(nlp) -> None:
    """"induce apoptosis of C" raises apoptosis and lowers C; inhibiting it raises C."""
    got = triples(nlp, "MSCs induce apoptosis of Kupffer cells.", "MSCs", "apoptosis",
                  "Kupffer cells")
    assert got == {("MSCs", "INCREASES", "apoptosis"), ("MSCs", "DECREASES", "Kupffer cells")}
    got = triples(nlp, "MSCs inhibited apoptosis of hepatocytes.", "MSCs", "apoptosis",
                  "hepatocytes")
    assert got == {("MSCs", "DECREASES", "apoptosis"), ("MSCs", "INCREASES", "hepatocytes")}
    got = triples(nlp, "MSCs promoted proliferation of hepatocytes.", "MSCs", "proliferation",
                  "hepatocytes")
    assert ("MSCs", "INCREASES", "hepatocytes") in got


def _triples(text: str) -> set[tuple[str, str, str]]:
    from pipeline.extract import get_extractor
    ex = get_extractor()
    return {(r.subject.text, r.predicate, r.object.text)
            for r in ex.extract_text(text, "t").relations}


def test_inhibition_mediated_by_an_agent_keeps_its_sign() -> None:
    got = _triples("The inhibition of stellate cell activation mediated by MSC-derived "
                   "exosomes lowered fibrosis.")
    assert ("exosomes", "DECREASES", "stellate cell activation") in got
    assert ("exosomes", "INCREASES", "stellate cell activation") not in got


def test_passive_verb_acts_on_the_head_before_a_reduced_relative() -> None:
    got = _triples("Fibrosis induced by CCl4 was reduced by MSCs.")
    assert ("MSCs", "DECREASES", "Fibrosis") in got
    assert ("MSCs", "DECREASES", "CCl4") not in got


def test_protective_effect_of_x_against_y() -> None:
    got = _triples("We studied the protective effect of MSCs against acute liver failure.")
    assert got == {("MSCs", "DECREASES", "acute liver failure")}   # no TREATS besides
    got = _triples("The protective effects of BM-MSCs on hepatocytes were clear.")
    assert ("BM-MSCs", "INCREASES", "hepatocytes") in got


def test_loss_of_function_agent_of_a_nominal_flips_the_sign() -> None:
    got = _triples("The activation of mTORC1 by the deletion of TSC1 was shown.")
    assert ("TSC1", "DECREASES", "mTORC1") in got


def test_drug_class_compounds_state_nothing() -> None:
    assert _triples("Patients received lipid-lowering drugs such as statins.") == set()
    assert ("Rapamycin", "DECREASES", "mTOR") in _triples("Rapamycin, inhibiting mTOR, "
                                                          "reduced fibrosis.")
