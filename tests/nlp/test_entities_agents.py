"""Entities that relations need, on the committed lexicon: agents against a molecule are not the
molecule, cell lines are not genes, span edges, isoforms (self-written sentences)."""
from __future__ import annotations

import pytest
from spacy.language import Language

from pipeline.nlp import build_nlp, doc_mentions


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build_nlp(relations=False)


def ents(nlp: Language, text: str) -> list[tuple[str, str, str]]:
    return [(m.text, m.type, m.concept or "") for m in doc_mentions(nlp(text))]


@pytest.mark.parametrize("text, agent, concept", [
    ("Mice got an anti-TGF-β antibody daily.", "anti-TGF-β antibody",
     "LOCAL:anti_tgfb_antibody"),
    ("An anti-IL-6R mAb was given.", "anti-IL-6R mAb", "LOCAL:anti_il6r_mab"),
    ("We added a TGF-β inhibitor to the medium.", "TGF-β inhibitor", "LOCAL:tgfb_inhibitor"),
    ("A CXCR4-specific inhibitor blocked homing.", "CXCR4-specific inhibitor",
     "LOCAL:cxcr4_inhibitor"),
    ("An IL-6 antagonist was given.", "IL-6 antagonist", "LOCAL:il6_antagonist"),
])
def test_agent_against_a_molecule_is_not_the_molecule(nlp: Language, text: str, agent: str,
                                                      concept: str) -> None:
    got = ents(nlp, text)
    assert (agent, "MOLECULE", concept) in got
    target = agent.removeprefix("anti-").split(" ")[0].removesuffix("-specific")
    assert all(t != target for t, _, _ in got)


def test_agent_id_follows_the_target_concept(nlp: Language) -> None:
    a = ents(nlp, "A PKC inhibitor was added.")[0][2]
    assert a == ents(nlp, "A protein kinase C inhibitor was added.")[0][2] == "LOCAL:pkc_inhibitor"


def test_named_lexicon_inhibitor_class_stays(nlp: Language) -> None:
    got = ents(nlp, "The mTOR inhibitor rapamycin blocked HSC activation.")
    assert ("mTOR inhibitor", "MOLECULE", "MESH:D000091203") in got
    assert ("rapamycin", "MOLECULE", "CHEBI:9168") in got


def test_cell_lines_are_not_genes(nlp: Language) -> None:
    got = ents(nlp, "Ba/F3 cells and RM-1 cells were cultured. RM-1 grew fast in mice.")
    assert ("Ba/F3 cells", "CELL_TYPE", "LOCAL:ba_f3_cell") in got
    assert ("RM-1", "CELL_TYPE", "LOCAL:rm_1_cell") in got
    assert not [e for e in got if e[1] in ("MOLECULE", "CYTOKINE")]


def test_cells_in_vitro_is_the_cell(nlp: Language) -> None:
    got = ents(nlp, "HepG2 cells in vitro and hepatic stellate cells in vitro were treated.")
    assert [t for t, _, _ in got] == ["HepG2 cells", "hepatic stellate cells"]


def test_suspended_hyphen_is_trimmed(nlp: Language) -> None:
    got = ents(nlp, "CCl4- and TAA-induced fibrosis was studied.")
    assert got[0][:2] == ("CCl4", "MOLECULE")


@pytest.mark.parametrize("text", ["VEGF165", "VEGF-A165", "VEGF189"])
def test_isoforms_are_the_gene(nlp: Language, text: str) -> None:
    assert ents(nlp, f"MSCs secreted {text} in culture.")[1] == (text, "CYTOKINE", "HGNC:12680")


def test_symbol_with_digits_is_no_isoform(nlp: Language) -> None:
    assert ("HEK293", "MOLECULE") not in [e[:2] for e in ents(nlp, "HEK293 were used.")]


@pytest.mark.parametrize("text", ["Ang-2", "Ang2", "angiopoietin-2"])
def test_angiopoietin_2(nlp: Language, text: str) -> None:
    assert (text, "CYTOKINE", "HGNC:485") in ents(nlp, f"Serum {text} rose.")


@pytest.mark.parametrize("text, wrong", [
    ("Sterile saline was injected.", "MESH:D007246"),
    ("TNM staging was recorded.", "HGNC:8117"),
    ("Epididymal fat was weighed.", "MESH:D004823"),
])
def test_known_false_normalizations_are_gone(nlp: Language, text: str, wrong: str) -> None:
    assert all(c != wrong for _, _, c in ents(nlp, text))


def test_atp_binding_cassette_is_one_name(nlp: Language) -> None:
    got = ents(nlp, "ATP-binding cassette sub-family G member 2 was high.")
    assert got[0] == ("ATP-binding cassette", "MOLECULE", "MESH:D018528")


def test_anti_before_an_abbreviation_definition_keeps_the_target(nlp: Language) -> None:
    got = ents(nlp, "Mice got anti-leukemia inhibitory factor (LIF) serum. LIF levels rose.")
    assert ("LIF", "CYTOKINE", "HGNC:6596") in got


@pytest.mark.parametrize("text, gene", [
    ("Gsdmx2 expression rose in HSCs.", "Gsdmx2"),
    ("Foxq9-positive cells expanded.", "Foxq9"),
    ("The NeuX protein was cleaved.", "NeuX"),
])
def test_unknown_gene_symbols_in_molecule_context(nlp: Language, text: str, gene: str) -> None:
    assert (gene, "MOLECULE", "") in ents(nlp, text)


@pytest.mark.parametrize("text", ["NLR levels were high.", "The S555 residue protein site.", "Tyr42 phosphorylation rose.",
                                  "HbA1c levels fell.", "Liver expression was low."])
def test_gene_shape_rule_leaves_non_genes(nlp: Language, text: str) -> None:
    assert not [e for e in ents(nlp, text) if e[1] == "MOLECULE" and not e[2]]


def test_fuzzy_linker_links_long_variants_only() -> None:
    from pipeline.lexicon.fuzzy import build_fuzzy_linker
    fl = build_fuzzy_linker([
        ("nuclear factor erythroid 2-related factor 2", "MOLECULE", "HGNC:7782", "NFE2L2", False,
         100),
        ("LIF", "CYTOKINE", "HGNC:6596", "LIF", True, 100),
        ("effector T cell", "CELL_TYPE", "CL:0000911", "effector T cell", False, 100),
        ("infertility", "DISEASE", "MESH:D007246", "Infertility", False, 100)], min_df=1)
    assert fl.link("nuclear factor erythroid 2 related factor", "MOLECULE")[0] == "HGNC:7782"
    assert fl.link("nuclear factor erythroid 2 related factor", "DISEASE") is None
    assert fl.link("lif", "CYTOKINE") is None            # short: the trie's case rules decide
    assert fl.link("effector cell", "CELL_TYPE") is None
    assert fl.link("sterile saline", "DISEASE") is None
