"""The bundled demo corpus (``corpora/demo``) and the self-written mini gold (``tests/fixtures``).

The demo XML must look like real EFetch output and stay recognisably illustrative; the mini gold
must satisfy the same checks as ``goldtool.py validate`` (re-implemented here, because the tool
lives in ``../shared``) plus the span conventions of the annotation guidelines.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from defusedxml import ElementTree as SafeET

from pipeline.model import ENTITY_TYPES, PREDICATES

REPO = Path(__file__).resolve().parent.parent
DEMO_XML = REPO / "corpora" / "demo" / "demo_pubmed.xml"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI_GOLD = FIXTURES / "mini_gold.jsonl"
MINI_TEXTS = FIXTURES / "mini_texts.jsonl"

N_RECORDS = 40
FIRST_PMID = 90000001
TITLE_PREFIX = "[Illustrative demo]"
JOURNAL = "mscgraph Demo Corpus (illustrative, not real articles)"
#: MeSH descriptors the demo is meant to exercise (UI -> name as in MeSH).
CORE_MESH = {
    "D059630": "Mesenchymal Stem Cells", "D008103": "Liver Cirrhosis",
    "D017114": "Liver Failure, Acute", "D065290": "Acute-On-Chronic Liver Failure",
    "D065626": "Non-alcoholic Fatty Liver Disease", "D006528": "Carcinoma, Hepatocellular",
    "D051379": "Mice", "D051381": "Rats", "D006801": "Humans",
}


def _text(el) -> str:
    return "".join(el.itertext()) if el is not None else ""


@pytest.fixture(scope="module")
def demo_root():
    # defusedxml: the DOCTYPE line is read but never fetched; entity declarations are refused.
    return SafeET.parse(DEMO_XML).getroot()


@pytest.fixture(scope="module")
def articles(demo_root):
    return demo_root.findall("PubmedArticle")


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    return [json.loads(line) for line in MINI_GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def texts() -> list[dict]:
    return [json.loads(line) for line in MINI_TEXTS.read_text(encoding="utf-8").splitlines() if line.strip()]


# --------------------------------------------------------------------------- demo XML


def test_demo_is_a_pubmed_article_set_of_40(demo_root, articles):
    assert demo_root.tag == "PubmedArticleSet"
    assert len(articles) == N_RECORDS


def test_demo_pmids_unique_and_in_the_illustrative_range(articles):
    pmids = [a.find("MedlineCitation/PMID") for a in articles]
    assert all(p.get("Version") == "1" for p in pmids)
    values = [int(p.text) for p in pmids]
    assert values == list(range(FIRST_PMID, FIRST_PMID + N_RECORDS))
    ids = [a.findtext("PubmedData/ArticleIdList/ArticleId[@IdType='pubmed']") for a in articles]
    assert ids == [str(v) for v in values]


def test_demo_titles_and_journal_say_illustrative(articles):
    for a in articles:
        art = a.find("MedlineCitation/Article")
        assert _text(art.find("ArticleTitle")).startswith(TITLE_PREFIX)
        assert art.findtext("Journal/Title") == JOURNAL


def test_demo_years_spread_over_2008_2025(articles):
    years = [int(a.findtext("MedlineCitation/Article/Journal/JournalIssue/PubDate/Year")) for a in articles]
    assert min(years) == 2008 and max(years) == 2025
    assert len(set(years)) >= 15
    assert max(Counter(years).values()) <= 4


def test_demo_publication_types_are_mixed(articles):
    types = Counter(pt.text for a in articles for pt in a.iter("PublicationType"))
    for needed in ("Journal Article", "Review", "Randomized Controlled Trial", "Clinical Trial",
                   "Clinical Trial, Phase II"):
        assert types[needed] >= 1, needed
    assert all(re.fullmatch(r"D\d{6,9}", pt.get("UI")) for a in articles for pt in a.iter("PublicationType"))


def test_demo_mesh_headings_use_descriptor_uis(articles):
    seen: dict[str, str] = {}
    for a in articles:
        headings = a.findall("MedlineCitation/MeshHeadingList/MeshHeading")
        assert headings, a.findtext("MedlineCitation/PMID")
        for h in headings:
            d = h.find("DescriptorName")
            assert re.fullmatch(r"D\d{6,9}", d.get("UI")) and d.get("MajorTopicYN") in ("Y", "N")
            assert all(re.fullmatch(r"Q\d{6}", q.get("UI")) for q in h.findall("QualifierName"))
            seen[d.get("UI")] = d.text
    for ui, name in CORE_MESH.items():
        assert seen.get(ui) == name, ui


def test_demo_abstract_shapes(articles):
    """120-250 words each, one record without abstract, labelled structured abstracts present."""
    missing, structured = [], []
    for a in articles:
        pmid = a.findtext("MedlineCitation/PMID")
        parts = a.findall("MedlineCitation/Article/Abstract/AbstractText")
        if not parts:
            missing.append(pmid)
            continue
        if any(p.get("Label") for p in parts):
            assert all(p.get("Label") and p.get("NlmCategory") for p in parts), pmid
            structured.append(pmid)
        n_words = len(" ".join(_text(p) for p in parts).split())
        assert 120 <= n_words <= 250, (pmid, n_words)
    assert len(missing) == 1
    assert len(structured) >= 1


def test_demo_has_unicode_and_inline_markup(articles):
    abstracts = [a.find("MedlineCitation/Article/Abstract") for a in articles]
    flat = " ".join(_text(x) for x in abstracts if x is not None)
    for s in ("TGF-β1", "NF-κB", "IFN-γ"):
        assert s in flat, s
    tags = {el.tag for x in abstracts if x is not None for el in x.iter()}
    assert {"i", "sup"} <= tags


def test_demo_states_the_hcc_contradiction(articles):
    """One record reports that MSCs increased HCC growth, another that they decreased it."""
    by_pmid = {a.findtext("MedlineCitation/PMID"): _text(a.find("MedlineCitation/Article")) for a in articles}
    assert "increase HCC growth" in by_pmid["90000008"]
    assert "suppress HCC growth" in by_pmid["90000009"]


def test_demo_readme_says_illustrative():
    readme = (DEMO_XML.parent / "README.md").read_text(encoding="utf-8")
    assert "not real" in readme and "illustrative" in readme.lower()


def test_medline_reader_reads_the_demo():
    medline = pytest.importorskip("pipeline.medline")
    arts = medline.read_articles(DEMO_XML)
    assert len(arts) == N_RECORDS
    assert [a.pmid for a in arts] == [str(FIRST_PMID + i) for i in range(N_RECORDS)]
    assert all(a.title.startswith(TITLE_PREFIX) for a in arts)
    assert sum(1 for a in arts if not a.abstract) == 1


# --------------------------------------------------------------------------- mini gold


def test_mini_gold_and_texts_pair_up(gold, texts):
    assert len(gold) == 8
    assert [g["id"] for g in gold] == [t["id"] for t in texts]
    assert len({g["id"] for g in gold}) == len(gold)
    for g, t in zip(gold, texts):
        assert g["text"] == t["text"]
        title, _, abstract = g["text"].partition("\n")
        assert title and abstract and "\n" not in abstract
        assert 3 <= len(re.findall(r"[.!?](?:\s|$)", abstract)) <= 5, g["id"]


def test_mini_gold_entities_valid(gold):
    """What ``goldtool.py validate`` checks, plus non-overlapping spans (guidelines)."""
    for g in gold:
        text = g["text"]
        spans = []
        for e in g["entities"]:
            assert e["type"] in ENTITY_TYPES, (g["id"], e)
            assert 0 <= e["start"] < e["end"] <= len(text)
            assert text[e["start"]:e["end"]] == e["text"], (g["id"], e)
            assert e["text"] == e["text"].strip()
            assert re.fullmatch(r"[A-Za-z]+:\S+", e["concept"]), (g["id"], e)
            spans.append((e["start"], e["end"]))
        spans.sort()
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), g["id"]


def test_mini_gold_relations_valid(gold):
    for g in gold:
        concepts = {e.get("concept") or "TEXT:" + e["text"].lower() for e in g["entities"]}
        assert g["relations"], g["id"]
        for r in g["relations"]:
            assert r["predicate"] in PREDICATES, (g["id"], r)
            assert r["subject"] in concepts and r["object"] in concepts, (g["id"], r)
            assert r["subject"] != r["object"]
            assert isinstance(r["negated"], bool) and isinstance(r["hedged"], bool)
            assert r["sentence"] and r["sentence"] in g["text"], (g["id"], r)


def test_mini_gold_exercises_every_predicate_and_flag(gold):
    rels = [r for g in gold for r in g["relations"]]
    assert {r["predicate"] for r in rels} == set(PREDICATES)
    assert any(r["negated"] for r in rels) and any(r["hedged"] for r in rels)
    assert {e["type"] for g in gold for e in g["entities"]} == set(ENTITY_TYPES)


def test_mini_gold_scores_perfectly_against_itself(gold):
    evaluation = pytest.importorskip("pipeline.evaluation")
    figures = evaluation.score(gold, gold).goldtool_dict()
    assert figures["entity_strict"]["f"] == 1.0
    assert figures["relations"]["f"] == 1.0
    assert figures["counts"]["relations_gold"] > 0


# --------------------------------------------------------------------------- provenance


def _shingles(text: str, k: int = 12) -> set[str]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


@pytest.mark.shared
def test_demo_and_mini_texts_share_no_prose_with_shared_texts(shared_dir):
    """No run of 12+ words may come from the third-party texts in ../shared."""
    corpora = shared_dir / "corpora"
    ref: set[str] = set()
    for line in (corpora / "real_texts.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            ref |= _shingles(json.loads(line)["text"])
    ref |= _shingles((corpora / "seed" / "msc_liver_review_abstract.txt").read_text(encoding="utf-8"))
    demo = re.sub(r"<[^>]+>", " ", DEMO_XML.read_text(encoding="utf-8"))
    assert not _shingles(demo) & ref
    mini = " ".join(t["text"] for t in map(json.loads, MINI_TEXTS.read_text(encoding="utf-8").splitlines()))
    assert not _shingles(mini) & ref
