"""Tests of pipeline.nlp: tokenizer, sentences, matching rules, abbreviations, offsets.

Most tests swap in a tiny self-written lexicon (fast, independent of the generated one); a
few at the end run the committed lexicon.
"""
from __future__ import annotations

import json

import pytest
from spacy.language import Language

from small_lexicon import lexicon_pipeline

from pipeline.nlp import (TermTrie, TrieEntry, build_nlp, doc_mentions,
                          subtoken_keys)

ROWS = [  # term, type, concept, name, case_sensitive, priority
    ("mesenchymal stem cells", "CELL_TYPE", "CL:0000134", "mesenchymal stem cell", False, 100),
    ("MSC", "CELL_TYPE", "CL:0000134", "mesenchymal stem cell", True, 100),
    ("bone marrow-derived MSCs", "CELL_TYPE", "CL:0002540", "BM-MSC", False, 100),
    ("bone marrow mesenchymal stem cells", "CELL_TYPE", "CL:0002540", "BM-MSC", False, 100),
    ("BM-MSC", "CELL_TYPE", "CL:0002540", "BM-MSC", True, 100),
    ("hepatic stellate cell", "CELL_TYPE", "CL:0000632", "hepatic stellate cell", False, 100),
    ("HSC", "CELL_TYPE", "CL:0000632", "hepatic stellate cell", True, 100),
    ("hematopoietic stem cell", "CELL_TYPE", "CL:0000037", "hematopoietic stem cell", False,
     100),
    ("HSC activation", "PROCESS", "LOCAL:hsc_activation", "HSC activation", False, 100),
    ("T lymphocyte", "CELL_TYPE", "CL:0000084", "T cell", False, 100),
    ("B lymphocyte", "CELL_TYPE", "CL:0000236", "B cell", False, 100),
    ("regulatory T cell", "CELL_TYPE", "CL:0000815", "regulatory T cell", False, 100),
    ("Treg", "CELL_TYPE", "CL:0000815", "regulatory T cell", True, 100),
    ("interferon", "CYTOKINE", "FPLX:IFN", "IFN", False, 10),
    ("IFN-γ", "CYTOKINE", "HGNC:5438", "IFNG", True, 100),
    ("IL-10", "CYTOKINE", "HGNC:5962", "IL10", True, 100),
    ("IL33", "CYTOKINE", "HGNC:16028", "IL33", True, 10),
    ("TGF-β1", "CYTOKINE", "HGNC:11766", "TGFB1", True, 100),
    ("Smad signaling pathway", "PROCESS", "LOCAL:smad", "Smad signaling", False, 100),
    ("mTOR", "MOLECULE", "HGNC:3942", "MTOR", True, 100),
    ("exosomes", "THERAPY", "MESH:D055354", "Exosomes", False, 100),
    ("stem cell transplantation", "THERAPY", "MESH:D033581", "SCT", False, 10),
    ("transplantation", "THERAPY", "MESH:D014180", "Transplantation", False, 10),
    ("ALT", "OUTCOME", "MESH:D000410", "Alanine Transaminase", True, 100),
    ("alanine aminotransferase", "OUTCOME", "MESH:D000410", "Alanine Transaminase", False,
     100),
    ("liver fibrosis", "DISEASE", "MESH:D008103", "Liver Cirrhosis", False, 100),
    ("fibrosis", "DISEASE", "MESH:D005355", "Fibrosis", False, 10),
    ("liver", "OUTCOME", "LOCAL:liver", "liver", False, 1),
    ("cirrhosis", "DISEASE", "MESH:D008103", "Liver Cirrhosis", False, 100),
    ("cells", "CELL_TYPE", "CL:0000000", "cell", False, 10),
    ("hepatocyte-like cells", "CELL_TYPE", "LOCAL:hepatocyte_like_cell", "HLC", False, 100),
    ("carbon tetrachloride", "MOLECULE", "CHEBI:27385", "CCl4", False, 100),
]


@pytest.fixture(scope="module")
def nlp() -> Language:
    return lexicon_pipeline(ROWS)


def ents(nlp: Language, text: str) -> list[tuple[str, str, str]]:
    return [(m.text, m.type, m.concept or "") for m in doc_mentions(nlp(text))]


# --- keys and tokens --------------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ("TGF-β1", "TGF-beta1"), ("TGF-β1", "TGFbeta1"), ("TGF-β1", "TGF β1"),
    ("MSCs", "MSC"), ("hepatic stellate cells", "Hepatic Stellate Cell"),
    ("bone marrow-derived", "bone marrow derived"), ("therapies", "therapy"),
])
def test_subtoken_keys_equivalences(a: str, b: str) -> None:
    assert [k for k, _ in subtoken_keys(a)] == [k for k, _ in subtoken_keys(b)]


@pytest.mark.parametrize("word", ["fibrosis", "metastasis", "virus", "AIDS"])
def test_subtoken_keys_keep_non_plurals(word: str) -> None:
    assert subtoken_keys(word)[0][1] == word


@pytest.mark.parametrize("text, tokens", [
    ("TGF-β1/Smad", ["TGF", "-", "β1", "/", "Smad"]),
    ("IL-10-producing cells", ["IL-10", "-", "producing", "cells"]),
    ("CD4+CD25+ Tregs", ["CD4+", "CD25+", "Tregs"]),
    ("MSC-EVs", ["MSC", "-", "EVs"]),
    ("interferon (IFN)-γ", ["interferon", "(", "IFN", ")", "-γ"]),
])
def test_tokenizer(nlp: Language, text: str, tokens: list[str]) -> None:
    assert [t.text for t in nlp.make_doc(text)] == tokens


# --- sentences --------------------------------------------------------------------------------

def test_sentences_not_split_at_abbreviations(nlp: Language) -> None:
    text = ("A title without a period\nGrafts (e.g. stromal cells) vs. controls were "
            "compared as in Fig. 2 by Smith et al. Values rose 1.5-fold. The next one starts "
            "here.")
    sents = [s.text.strip() for s in nlp(text).sents]
    assert sents[0] == "A title without a period"
    assert sents[1].startswith("Grafts") and sents[1].endswith("1.5-fold.")
    assert sents[2] == "The next one starts here."


# --- entity rules -----------------------------------------------------------------------------

def test_abbreviation_defined_in_document_propagates(nlp: Language) -> None:
    got = ents(nlp, "Title\nActivated hepatic stellate cells (HSCs) drive scarring. "
                    "Quiescent HSCs do not; those HSCs rest.")
    assert ("Activated hepatic stellate cells", "CELL_TYPE", "CL:0000632") in got
    assert got.count(("HSCs", "CELL_TYPE", "CL:0000632")) == 2
    assert ("Quiescent HSCs", "CELL_TYPE", "CL:0000632") in got     # state word kept


def test_new_short_form_takes_long_form_concept(nlp: Language) -> None:
    got = ents(nlp, "Title\nWe derived hepatocyte-like cells (HLCs). The HLCs stored glycogen.")
    assert got.count(("HLCs", "CELL_TYPE", "LOCAL:hepatocyte_like_cell")) == 2


def test_tissue_specific_definition_of_bare_msc(nlp: Language) -> None:
    got = ents(nlp, "Title\nWe used bone marrow mesenchymal stem cells (MSCs). MSCs homed.")
    assert got.count(("MSCs", "CELL_TYPE", "CL:0002540")) == 2
    plain = ents(nlp, "Title\nWe grafted MSCs into rats.")
    assert plain == [("MSCs", "CELL_TYPE", "CL:0000134")]


def test_hsc_haematopoietic_only_when_text_says_so(nlp: Language) -> None:
    got = ents(nlp, "Title\nHSC activation drives scarring; HSC numbers rose.")
    assert ("HSC activation", "PROCESS", "LOCAL:hsc_activation") in got
    assert ("HSC", "CELL_TYPE", "CL:0000632") in got
    got = ents(nlp, "Title\nAfter a hematopoietic graft, HSC engraftment was measured.")
    assert ("HSC", "CELL_TYPE", "CL:0000037") in got


def test_undefined_short_form_meaning_something_else_is_dropped(nlp: Language) -> None:
    got = ents(nlp, "Title\nWe used the alternative lengthening of telomeres (ALT) assay.")
    assert not any(t == "ALT" for t, _, _ in got)


def test_case_rules_for_short_forms(nlp: Language) -> None:
    assert ents(nlp, "Title\nSerum ALT fell.") == [("ALT", "OUTCOME", "MESH:D000410")]
    assert ents(nlp, "Title\nWe chose an alt route.") == []
    assert ("mTOR", "MOLECULE", "HGNC:3942") in ents(nlp, "Title\nmTOR and MTOR.")
    assert ("MTOR", "MOLECULE", "HGNC:3942") in ents(nlp, "Title\nmTOR and MTOR.")


def test_interleaved_abbreviation_is_one_span(nlp: Language) -> None:
    got = ents(nlp, "Title\nLevels of interferon (IFN)-γ fell.")
    assert got == [("interferon (IFN)-γ", "CYTOKINE", "HGNC:5438")]


def test_greek_spellings(nlp: Language) -> None:
    got = ents(nlp, "Title\nTGF-beta1, TGFβ1 and TGF-β1 rose; IL-10 too.")
    assert [c for _, _, c in got] == ["HGNC:11766"] * 3 + ["HGNC:5962"]


def test_elliptical_coordination(nlp: Language) -> None:
    got = ents(nlp, "Title\nThey suppress T and B lymphocytes.")
    assert got == [("T", "CELL_TYPE", "CL:0000084"), ("B lymphocytes", "CELL_TYPE",
                                                      "CL:0000236")]


def test_x_derived_y_split_but_names_whole(nlp: Language) -> None:
    got = ents(nlp, "Title\nMSC-derived exosomes and bone marrow-derived MSCs were compared.")
    assert got == [("MSC", "CELL_TYPE", "CL:0000134"),
                   ("exosomes", "THERAPY", "MESH:D055354"),
                   ("bone marrow-derived MSCs", "CELL_TYPE", "CL:0002540")]


def test_cell_therapy_is_the_cell(nlp: Language) -> None:
    got = ents(nlp, "Title\nMSC transplantation improved cirrhosis.")
    assert got == [("MSC", "CELL_TYPE", "CL:0000134"), ("cirrhosis", "DISEASE",
                                                        "MESH:D008103")]


def test_overlap_longest_then_priority(nlp: Language) -> None:
    got = ents(nlp, "Title\nIn liver fibrosis the liver changes.")
    assert got[0] == ("liver fibrosis", "DISEASE", "MESH:D008103")


def test_generic_class_nouns_and_markers(nlp: Language) -> None:
    got = ents(nlp, "Title\nThese cells and CD4+CD25+ Tregs and regulatory T cells.")
    assert ("cells", "CELL_TYPE", "CL:0000000") not in got
    assert ("CD4+CD25+ Tregs", "CELL_TYPE", "CL:0000815") in got


def test_productive_names_and_pathways(nlp: Language) -> None:
    got = ents(nlp, "Title\nIL-33 and CXCL9 and MMP-2 rose; mTOR signalling fell; "
                    "TGF-β1/Smad signaling pathway too.")
    assert ("IL-33", "CYTOKINE", "HGNC:16028") in got          # symbol found in the lexicon
    assert ("CXCL9", "CYTOKINE", "") in got                    # productive, no concept
    assert ("MMP-2", "MOLECULE", "") in got
    assert ("mTOR signalling", "PROCESS", "LOCAL:mtor_signaling") in got
    # a named pathway is one span (guidelines), also when its last member is a lexicon pathway
    assert ("TGF-β1/Smad signaling pathway", "PROCESS", "LOCAL:tgfbeta1_smad_signaling") in got


def test_cell_lines(nlp: Language) -> None:
    got = ents(nlp, "Title\nLX-2 cells were treated. LX-2 proliferated.")
    assert got == [("LX-2 cells", "CELL_TYPE", "LOCAL:lx_2_cell"),
                   ("LX-2", "CELL_TYPE", "LOCAL:lx_2_cell")]


# --- offsets and robustness -------------------------------------------------------------------

def test_offsets_index_the_original_text(nlp: Language) -> None:
    text = ("Grafts\nIn this long sentence we describe cells from bone marrow (BM-\nMSC) and\u00a0"
            "their \ufb01brosis-reducing effect on liver\nfibrosis.")
    ms = doc_mentions(nlp(text))
    for m in ms:
        assert text[m.start:m.end] == m.text
    assert ("BM-\nMSC", "CL:0002540") in [(m.text, m.concept) for m in ms]
    assert ("liver\nfibrosis", "MESH:D008103") in [(m.text, m.concept) for m in ms]


def test_empty_and_whitespace_text(nlp: Language) -> None:
    assert doc_mentions(nlp("")) == []
    assert doc_mentions(nlp(" \n ")) == []


def test_very_long_text(nlp: Language) -> None:
    unit = "Title\nMSC transplantation reduced liver fibrosis and serum ALT (p < 0.05). "
    text = unit * (100_000 // len(unit) + 1)
    ms = doc_mentions(nlp(text))
    assert len(text) >= 100_000
    assert len(ms) > 1000 and all(text[m.start:m.end] == m.text for m in ms)


def test_trie_lookup_and_disk_round_trip(tmp_path) -> None:
    t = TermTrie()
    t.add("Kupffer cells", TrieEntry("CELL_TYPE", "CL:0000091", "Kupffer cell", 100))
    t.to_disk(tmp_path / "trie.msgpack")
    t2 = TermTrie.from_disk(tmp_path / "trie.msgpack")
    assert t2.lookup("kupffer cell")[0].concept == "CL:0000091"
    assert t2.size == 1


def test_components_are_registered_factories() -> None:
    for name in ("mscgraph_sentences", "mscgraph_entities", "mscgraph_abbreviations",
                 "mscgraph_linker"):
        assert name in Language.factories
        assert Language.get_factory_meta(name).default_config is not None


# --- the committed lexicon --------------------------------------------------------------------

@pytest.fixture(scope="module")
def full_nlp() -> Language:
    return build_nlp(relations=False)


@pytest.mark.parametrize("text, concept", [
    ("Kupffer cells", "CL:0000091"), ("IL-10", "HGNC:5962"), ("TGF-β1", "HGNC:11766"),
    ("liver cirrhosis", "MESH:D008103"), ("NAFLD", "MESH:D065626"),
    ("hepatic stellate cells", "CL:0000632"), ("UC-MSCs", "CL:0002569"),
])
def test_committed_lexicon_spot_checks(full_nlp: Language, text: str, concept: str) -> None:
    ms = doc_mentions(full_nlp(f"Title\nWe studied {text} here."))
    assert (text, concept) in [(m.text, m.concept) for m in ms]


def test_msc_is_not_the_musculin_gene(full_nlp: Language) -> None:
    ms = doc_mentions(full_nlp("Title\nMSC secrete HGF."))
    assert [(m.text, m.type) for m in ms][0] == ("MSC", "CELL_TYPE")


@pytest.mark.shared
def test_development_gold_f1(full_nlp: Language, shared_dir) -> None:
    """Lenient entity F1 and normalization on the development gold (reference scorer)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("goldtool", shared_dir / "tools" /
                                                  "goldtool.py")
    goldtool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(goldtool)  # type: ignore[union-attr]
    gold = [json.loads(x) for x in open(shared_dir / "corpora" / "gold" / "dev.jsonl")]
    system = [{"id": g["id"], "entities": [m.to_json() for m in doc_mentions(full_nlp(g["text"]))],
               "relations": []} for g in gold]
    res = goldtool.score(gold, system)
    assert res["entity_lenient"]["f"] >= 0.85
    assert res["normalization"] >= 0.85


def test_serializable_docs_round_trip() -> None:
    from spacy.tokens import Doc
    pipe = lexicon_pipeline(ROWS, serializable=True)
    doc = pipe("Title\nHepatic stellate cells (HSCs) and BM-\nMSC grafts in a long line here.")
    back = Doc(pipe.vocab).from_bytes(doc.to_bytes())
    assert doc_mentions(back) == doc_mentions(doc)
    assert doc._.abbreviations[0]["short_text"] == "HSCs"


# --- tokenizer chunk memo and lazy trie entries (speed work; outputs must not change) -------

_TOKENIZER_CASES = [
    "Bone marrow-derived MSCs (BM-MSCs) reduced CCl4-induced fibrosis, e.g. via IL-10.",
    "CD4+CD25+ Tregs  rose;TNF-α fell (p < 0.05).\nRESULTS: two  spaces and\n\na gap",
    " leading space, trailing space ",
    "an odd ( :)x string and ' ''quoted'' text with =) faces",
    "i.e. Fig. 2 vs. Fig. 3 at 10a.m. and 5 p.m. :( ",
]


@pytest.mark.parametrize("text", _TOKENIZER_CASES)
def test_chunk_memo_tokens_equal_spacy_rule_tokenizer(nlp: Language, text: str) -> None:
    rule = nlp.tokenizer.tokenizer
    expected = ([t.text for t in rule(text)], [bool(t.whitespace_) for t in rule(text)])
    assert nlp.tokenizer.words(text) == expected      # cold
    assert nlp.tokenizer.words(text) == expected      # memoized chunks


def test_trie_file_round_trip_keeps_entries() -> None:
    t = TermTrie()
    t.add("hepatic stellate cells", TrieEntry("CELL_TYPE", "CL:0000632", "hepatic stellate cell",
                                              100))
    t.add("HSC", TrieEntry("CELL_TYPE", "CL:0000632", "hepatic stellate cell", 90, ("HSC",)))
    back = TermTrie.from_bytes(t.to_bytes())
    assert back.lookup("HSCs") == t.lookup("HSCs")
    assert list(back.entries) == list(t.entries) and len(back.entries) == 2
    back.add("stellate cell", TrieEntry("CELL_TYPE", "CL:0000632", "hepatic stellate cell", 50))
    assert back.entries[2].priority == 50


def test_trie_file_of_another_format_version_is_refused() -> None:
    import srsly
    with pytest.raises(ValueError, match="rebuild"):
        TermTrie.from_bytes(srsly.msgpack_dumps({"format": "0"}))


_CHUNKS = ["fibrosis", "fibrosis.", "HSCs.", "aB.", "A.", "a.", "(MSCs)", "(IL", "10,", "2024)",
           "e.g.", "(e.g.", "vs.", "Dr.", "(Dr.", "al.", "cannot,", "gonna", "(gonna)", "10mg",
           "10a.m.", "p.m.", "Fig.", "www.example.org", "co.", "US$", "(:", ":)", "IL-10;",
           "CD4+CD25+", "TNF-α,", "it's", "(i.e.", "Inc.", "Jan.", "No.", "ml.", "10.", "x)",
           "http://a.bc", "ok:", "(ok", "(", ")", ".", "St.", "Mt.", "Miss.", "A", "e"]


@pytest.mark.parametrize("chunk", _CHUNKS)
def test_affix_port_and_fast_path_equal_spacy(nlp: Language, chunk: str) -> None:
    tok = nlp.tokenizer
    tok._bridge_pairs()
    assert tok._simple_ok
    expected = tuple(t.text for t in tok.tokenizer(chunk))
    for got in (tok._affix_words(chunk), tok._port_words(chunk)):
        assert got is None or got == expected


def test_chunk_tokens_equal_spacy_on_shared_corpus(nlp: Language, shared_dir) -> None:
    import re
    path = shared_dir / "corpora" / "real_texts.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    tok = nlp.tokenizer
    tok._bridge_pairs()
    chunks = {c for line in path.open(encoding="utf-8") if line.strip()
              for c in re.findall(r"\S+", json.loads(line).get("text", ""))}
    for c in sorted(chunks):
        got = tok._affix_words(c)
        assert got is None or got == tuple(t.text for t in tok.tokenizer(c)), c


@pytest.mark.parametrize("text", ["fibrosis", "MSCs", "hMSCs", "TGFbeta", "NFkappaB", "Alpha",
                                  "bodies", "glass", "A", "Tregs", "IL", "mTOR", "DCs", "ies"])
def test_token_key_shortcut_equals_subtoken_keys(text: str) -> None:
    from pipeline.nlp.entities.keys import token_keys
    subs = subtoken_keys(text)
    assert token_keys(text) == (tuple(lo for lo, _ in subs), tuple(ex for _, ex in subs))


# --- held-out error classes (issue 3); self-written sentences, committed lexicon ---------------

def _full(full_nlp: Language, text: str) -> list[tuple[str, str, str | None]]:
    return [(m.text, m.type, m.concept) for m in doc_mentions(full_nlp(text))]


def test_sentence_split_after_greek_letter_before_abbreviation(full_nlp: Language) -> None:
    doc = full_nlp("Cells lowered TNF-α. WJ-MSCs were given later. A. Jones agreed.")
    assert [s.text for s in doc.sents] == ["Cells lowered TNF-α.", "WJ-MSCs were given later.",
                                          "A. Jones agreed."]


def test_title_after_leading_newline_is_its_own_sentence(full_nlp: Language) -> None:
    doc = full_nlp("\nStromal Cells For Chronic Liver Scarring In Adults\nThe trial gives cells.")
    assert any(s.text.strip() == "The trial gives cells." for s in doc.sents)


def test_capitalised_sentence_initial_products(full_nlp: Language) -> None:
    got = _full(full_nlp, "Title\nExosomes derived from MSCs helped. Conditioned medium from "
                          "MSCs helped too.")
    assert ("Exosomes", "THERAPY", "MESH:D055354") in got
    assert ("Conditioned medium", "THERAPY", "MESH:D017077") in got


@pytest.mark.parametrize("text,absent", [
    ("Title\nWe saw gene deletion after intravenous infusion and two injections.",
     ["gene deletion", "intravenous infusion", "injections"]),
    ("Title\nThe maximum tolerated dose of small interfering RNA and an antibody was set.",
     ["maximum tolerated dose", "small interfering RNA", "antibody"]),
    ("Title\nA liver biopsy and a laparoscopy were done first.", ["liver biopsy", "biopsy",
                                                                  "laparoscopy"]),
    ("Title\nKD of the gene in BM cells of the left lobe.", ["KD", "BM cells", "lobe"]),
    ("Title\nP62 has a tumor suppressor role here.", ["tumor"]),
])
def test_generic_nouns_and_diagnostics_are_not_entities(full_nlp: Language, text: str,
                                                        absent: list[str]) -> None:
    got = {t for t, _, _ in _full(full_nlp, text)}
    assert not got & set(absent), got


def test_viral_protein_and_inducible_factor_are_molecules(full_nlp: Language) -> None:
    got = _full(full_nlp, "Title\nHepatitis B virus X protein and hypoxia-inducible factor-1α "
                          "(HIF-1α) rose; HIF-1α stayed.")
    assert ("Hepatitis B virus X protein", "MOLECULE", None) in got
    assert all(t != "DISEASE" for _, t, _ in got)
    assert all(c != "MESH:D000860" for _, _, c in got)   # not hypoxia
    assert ("HIF-1α", "MOLECULE", "HGNC:4910") in got


def test_product_suffix_cell_lines_and_tumour_measures(full_nlp: Language) -> None:
    got = _full(full_nlp, "Title\nUC-MSC-Ex lowered HSC-T6 cells, HepG2 proliferation and "
                          "tumour volume.")
    assert ("UC-MSC", "CELL_TYPE", "CL:0002569") in got
    assert ("Ex", "THERAPY", "MESH:D055354") in got
    assert ("HSC-T6 cells", "CELL_TYPE", "LOCAL:hsc_t6_cell") in got
    assert ("HepG2", "CELL_TYPE", "LOCAL:hepg2_cell") in got
    assert ("proliferation", "PROCESS", "GO:0008283") in got
    assert ("tumour volume", "OUTCOME", "LOCAL:tumor_volume") in got


def test_match_trie_memoized_choices_keep_case_rules() -> None:
    import spacy
    from spacy.tokens import Doc

    from pipeline.nlp.entities import match_trie
    t = TermTrie()
    t.add("stem cell", TrieEntry("CELL_TYPE", "X:1", "stem cell", 10))
    t.add("NO synthase", TrieEntry("MOLECULE", "X:2", "NO synthase", 10, ("NO", "synthase")))
    t.add("NO", TrieEntry("MOLECULE", "X:3", "nitric oxide", 10, ("NO",)))
    vocab = spacy.blank("en").vocab

    def spans(words: list[str]) -> list[tuple[int, int, str | None]]:
        return [(c.start, c.end, c.concept) for c in match_trie(Doc(vocab, words=words), t)]

    for _ in range(2):  # the second round reads the memoized choices
        assert spans(["Stem", "cells", "and", "NO", "synthase"]) == [
            (0, 2, "X:1"), (3, 4, "X:3"), (3, 5, "X:2")]
        assert spans(["stem", "cell", "no", "synthase"]) == [(0, 2, "X:1")]


def test_match_trie_skips_function_word_starts_unless_a_kept_term_needs_them() -> None:
    import spacy
    from spacy.tokens import Doc

    from pipeline.nlp.entities import match_trie
    t = TermTrie()
    t.add("in situ hybridization", TrieEntry("PROCESS", "X:1", "in situ hybridization", 10))
    t.add("at risk", TrieEntry("OUTCOME", "X:2", "at risk", 100))
    assert t.kept_function_word_walks() == frozenset({"at"})
    vocab = spacy.blank("en").vocab
    words = ["in", "situ", "hybridization", "at", "risk"]
    got = [(c.start, c.end) for c in match_trie(Doc(vocab, words=words), t)]
    # a priority-10 match from "in" would be dropped as generic; the priority-100 one stays
    assert got == [(3, 5)]


def _found(nlp: Language, text: str) -> list[tuple[str, str, str | None]]:
    return [(m.text, m.type, m.concept) for m in doc_mentions(nlp(text))]


def test_ambiguous_acronyms_need_the_document_to_name_their_concept(full_nlp) -> None:
    # written for this test: RA and PMA are ontology synonyms of several things
    lab = "Monocytes were primed with PMA, then cultured with RA for two days."
    assert _found(full_nlp, lab) == [("Monocytes", "CELL_TYPE", "CL:0000576")]
    clinic = "Rheumatoid arthritis flares were rarer. RA activity fell after MSC infusion."
    got = _found(full_nlp, clinic)
    assert ("RA", "DISEASE", "MESH:D001172") in got
    assert ("MSC", "CELL_TYPE", "CL:0000134") in got


def test_latin_order_acronym_is_a_definition(full_nlp) -> None:
    text = "Congenital myotonic dystrophy (DM) is rare. In DM, muscle weakness starts early."
    got = _found(full_nlp, text)
    dm = [c for t, _, c in got if t == "DM"]
    assert len(dm) == 2 and set(dm) == {got[0][2]}


def test_curated_short_forms_win_over_gene_aliases(full_nlp) -> None:
    got = _found(full_nlp, "The Th1/Th2 balance shifted in SCID mice with AML.")
    assert ("Th1", "CELL_TYPE", "CL:0000545") in got and ("Th2", "CELL_TYPE", "CL:0000546") in got
    assert ("AML", "DISEASE", "MESH:D015470") in got


def test_marker_defined_cells(full_nlp) -> None:
    got = _found(full_nlp, "Sorted CD34+ cells and CD4+CD25+ cells were counted.")
    assert ("CD34+ cells", "CELL_TYPE", "LOCAL:cd34_positive_cell") in got
    assert ("CD4+CD25+ cells", "CELL_TYPE", "LOCAL:cd4_positive_cd25_positive_cell") in got


def test_units_and_ordinary_phrases_are_not_entities(full_nlp) -> None:
    got = _found(full_nlp, "After treatment with MSC-CM, cells in 5 mM glucose were 2 cM apart.")
    assert ("MSC-CM", "THERAPY", "MESH:D017077") in got        # conditioned medium
    assert [t for t, _, _ in got if t in ("After treatment", "mM", "cM")] == []


def test_fibrosis_outside_the_liver_and_abbreviated_cell_therapies(full_nlp) -> None:
    kidney = _found(full_nlp, "Stromal cells attenuated renal fibrosis. Fibrosis fell.")
    assert ("renal fibrosis", "DISEASE", "MESH:D007674") in kidney
    assert ("Fibrosis", "DISEASE", "MESH:D005355") in kidney
    liver = _found(full_nlp, "Stromal cells attenuated hepatic fibrosis. Fibrosis fell.")
    assert ("Fibrosis", "DISEASE", "MESH:D008103") in liver
    got = _found(full_nlp, "Mesenchymal stem cell (MSC) transplantation was safe.")
    assert [t for t, typ, _ in got if typ == "THERAPY"] == []   # the cell only (guidelines)
