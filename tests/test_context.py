"""Tests of pipeline.context: species and study type from text, MeSH and publication types."""
from __future__ import annotations

import json

import pytest

from pipeline.context import document_context, species_of, study_type_of
from pipeline.model import STUDY_TYPES, Article, DocumentContext, MeshHeading


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
