"""Tests of pipeline.context: species and study type from text, MeSH and publication types."""
from __future__ import annotations

import json

import pytest

from pipeline.context import (document_context, reads_as_review, speculative, species_of,
                              study_type_of)
from pipeline.model import (STUDY_TYPES, Article, DocumentContext, Mention, MeshHeading,
                            Relation)


@pytest.mark.parametrize("text, species", [
    ("Stromal cells lowered serum transaminases in mice given carbon tetrachloride.", ("mouse",)),
    ("Sprague-Dawley rats received cells through the portal vein.", ("rat",)),
    ("Forty patients with cirrhosis were enrolled.", ("human",)),
    ("Porcine and canine livers were perfused.", ("dog", "pig")),
    ("Cells were grown in flasks.", ()),
])
def test_species_from_text(text: str, species: tuple[str, ...]) -> None:
    assert species_of(text) == species


def test_species_from_mesh_headings() -> None:
    art = Article(pmid="1", title="Cells and livers", abstract="No organism named here.",
                  mesh_headings=(MeshHeading("D051381", "Rats"), MeshHeading("D006801", "Humans")))
    assert document_context(art.text, art).species == ("human", "rat")


@pytest.mark.parametrize("text, study_type", [
    ("In this randomized, double-blind, placebo-controlled trial, sixty adults received cells.",
     "rct"),
    ("A phase I open-label study will enrol ten adults with liver failure.", "clinical_trial"),
    ("We retrospectively analyzed records of patients who underwent transplantation.",
     "clinical_study"),
    ("Liver fibrosis was induced in mice and stromal cells were infused.", "animal_model"),
    ("Cultured stellate cell lines were exposed to conditioned medium in vitro.", "in_vitro"),
    ("In this review we summarize how stromal cells act on the injured liver.", "review"),
    ("Stellate cells and hepatocytes talk to each other.", "unknown"),
])
def test_study_type_from_text(text: str, study_type: str) -> None:
    got = study_type_of(text)
    assert got == study_type
    assert got in STUDY_TYPES


def test_publication_types_beat_text() -> None:
    text = "Mice were treated with cells in vitro and in vivo."
    assert study_type_of(text, ["Journal Article", "Randomized Controlled Trial"]) == "rct"
    assert study_type_of(text, ["Review"]) == "review"
    assert study_type_of(text, ["Clinical Trial, Phase II"]) == "clinical_trial"
    assert study_type_of(text) == "animal_model"


def test_document_context_returns_model_record() -> None:
    ctx = document_context("")
    assert ctx == DocumentContext((), "unknown")
    assert DocumentContext.from_json(ctx.to_json()) == ctx


def test_real_trial_texts_are_clinical(shared_dir) -> None:
    """Every ClinicalTrials.gov text is a human study of some clinical kind."""
    path = shared_dir / "corpora" / "real_texts.jsonl"
    rows = [json.loads(line) for line in path.open() if line.strip()]
    trials = [r for r in rows if r["id"].startswith("NCT:")]
    assert trials
    clinical = 0
    for r in trials:
        ctx = document_context(r["text"])
        assert "human" in ctx.species, r["id"]
        clinical += ctx.study_type in ("rct", "clinical_trial", "clinical_study")
    assert clinical >= 0.8 * len(trials)


# ----------------------------------------------------------------------------- reviews

REVIEW_WITHOUT_CUE = (
    "Stromal cell therapy for chronic liver disease.\n"
    "The efficacy of stromal cells has been extensively demonstrated in animal models. "
    "Numerous clinical trials have been initiated in cirrhosis, and a randomized controlled "
    "trial in acute-on-chronic liver failure improved survival. Some studies report "
    "anti-tumour effects, others suggest tumour growth. Future directions include exosomes.")


@pytest.mark.parametrize("text", [
    REVIEW_WITHOUT_CUE,
    "Here we summarize recent advances in cell therapy; randomized controlled trials are few.",
    "This article reviews how stromal cells act in randomized controlled trials of cirrhosis.",
    "A systematic review and meta-analysis of randomized controlled trials of cell therapy.",
])
def test_review_text_without_publication_types_is_a_review_not_an_rct(text: str) -> None:
    assert study_type_of(text) == "review"
    assert document_context(text).study_type == "review"


def test_primary_studies_citing_literature_stay_primary() -> None:
    text = ("Previous studies have shown that stromal cells lower fibrosis; several studies "
            "disagree. In this randomized controlled trial, we enrolled 40 patients.")
    assert study_type_of(text) == "rct"
    assert not reads_as_review(text.lower())
    assert study_type_of("Mice were injected with cells; p < 0.05.") == "animal_model"


def test_publication_type_rct_still_beats_review_text() -> None:
    assert study_type_of(REVIEW_WITHOUT_CUE, ["Randomized Controlled Trial"]) == "rct"


# ----------------------------------------------------------------------------- hedging

def _rel(sentence: str, subj: str, obj: str, offset: int = 0) -> Relation:
    s0, o0 = sentence.index(subj), sentence.index(obj)
    return Relation(Mention(offset + s0, offset + s0 + len(subj), subj, "CELL_TYPE"), "DECREASES",
                    Mention(offset + o0, offset + o0 + len(obj), obj, "DISEASE"),
                    sentence=sentence, sentence_start=offset,
                    sentence_end=offset + len(sentence))


@pytest.mark.parametrize("sentence, subj, obj, expected", [
    ("Do MSCs reduce liver fibrosis?\n", "MSCs", "liver fibrosis", True),
    ("We asked whether MSCs reduce liver fibrosis in rats.", "MSCs", "liver fibrosis", True),
    ("MSCs reduce liver fibrosis.", "MSCs", "liver fibrosis", False),
    ("MSCs reduced fibrosis, but whether HGF mediates this is unknown.", "MSCs", "fibrosis",
     False),
    ("We tested whether HGF matters; MSCs reduced fibrosis.", "MSCs", "fibrosis", False),
    ("Regardless of whether MSCs were fresh, they reduced fibrosis.", "MSCs", "fibrosis", False),
])
def test_speculative_questions_and_whether_clauses(sentence: str, subj: str, obj: str,
                                                   expected: bool) -> None:
    assert speculative(_rel(sentence, subj, obj)) is expected
    assert speculative(_rel(sentence, subj, obj, offset=500)) is expected


def test_question_title_evidence_is_hedged_and_believed_less() -> None:
    from pipeline.assembly import ArticleRef, assemble
    from pipeline.model import Extraction

    title = _rel("Do MSCs reduce liver fibrosis?", "MSCs", "liver fibrosis")
    fact = _rel("MSCs reduce liver fibrosis.", "MSCs", "liver fibrosis", offset=31)
    ctx = DocumentContext(("rat",), "animal_model")
    asked, = assemble([(ArticleRef("1"), Extraction("1", (), (title,), ctx))])
    stated, = assemble([(ArticleRef("1"), Extraction("1", (), (fact,), ctx))])
    assert [e.hedged for e in asked.evidence] == [True]
    assert [e.hedged for e in stated.evidence] == [False]
    assert asked.belief < stated.belief


def test_review_abstract_end_to_end_is_not_believed_like_an_rct() -> None:
    from pipeline.assembly import ArticleRef, assemble
    from pipeline.extract import get_extractor

    text = ("Mesenchymal stem cells in liver disease.\nThe benefit of mesenchymal stem cells "
            "has been extensively demonstrated in animal models. Numerous clinical trials have "
            "been initiated. A randomized controlled trial showed that mesenchymal stem cells "
            "reduced liver fibrosis. Future directions include exosomes.")
    ex = get_extractor().extract_text(text, "9")
    assert ex.context.study_type == "review"
    statements = assemble([(ArticleRef("9"), ex)])
    assert statements and all(e.study_type == "review" for s in statements for e in s.evidence)
    assert max(s.belief for s in statements) < 0.9


@pytest.mark.parametrize("text, study_type", [
    # one phrase per alternative of the review, trial, RCT and clinical cues: each must pass
    # the substring test ("needles") that runs before the pattern
    *[(f"Liver. {p} of cells.", "review") for p in (
        "this review", "a mini-review", "we summarize", "herein, we discuss", "we highlight",
        "this article outlines", "this paper provides an overview", "here we review",
        "a meta-analysis", "a review of the literature", "an overview of current")],
    *[(f"Liver. {p} of cells.", "clinical_trial") for p in (
        "clinical trials", "phase ii", "phase 2/3", "open-label", "single-arm", "the trial",
        "nct01234567", "enrolled", "will be included", "primary outcome", "primary endpoint",
        "safety and efficacy", "efficacy and safety", "will undergo")],
    *[(f"Liver. {p} of cells.", "rct") for p in (
        "randomised, double, blind trial", "randomized controlled", "placebo-controlled",
        "double-blind")],
    *[(f"Liver. {p} and patients.", "clinical_study") for p in (
        "retrospectively", "prospective", "cohort", "case series", "case report",
        "patients were", "we analysed", "we recruited", "cross-sectional")],
    *[(f"Liver. {p} cells.", "in_vitro") for p in (
        "in vitro", "in-vitro", "cell lines", "cultured", "coculture", "co-cultured",
        "conditioned media", "transwell")],
])
def test_study_type_cue_alternatives(text: str, study_type: str) -> None:
    assert study_type_of(text) == study_type


@pytest.mark.parametrize("text, species", [
    ("minipigs", ("pig",)), ("swine", ("pig",)), ("dogs", ("dog",)), ("macaques", ("monkey",)),
    ("non-human primates", ("human", "monkey")), ("nonhuman primate", ("monkey",)),
    ("ovine", ("sheep",)), ("sheep", ("sheep",)),
])
def test_species_cue_alternatives(text: str, species: tuple[str, ...]) -> None:
    assert species_of(f"Livers of {text} were studied.") == species
