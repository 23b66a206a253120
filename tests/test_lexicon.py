"""Tests for pipeline.lexicon: normalization, variants, loader, case rules, block list, overrides.

Tiny lexicons here are self-written; the committed table is spot-checked, and with ../shared
present the rebuild must reproduce it byte for byte.
"""
from __future__ import annotations

import gzip
import time
from pathlib import Path

import pytest

from pipeline.errors import LexiconError
from pipeline.lexicon import (DEFAULT_LEXICON, DEFAULT_XREFS, Blocklist, Lexicon, LexiconEntry,
                              default_lexicon, is_case_sensitive, load_xrefs, msc_tissue_forms,
                              normalize_key, normalize_surface, same_concept, term_variants,
                              write_lexicon_tsv)
from pipeline.lexicon.builder import build_lexicon


# --------------------------------------------------------------------------- normalization

def test_normalize_key_greek_dashes_whitespace_case():
    assert normalize_key("TGF‐β1") == "tgf-beta1"
    assert normalize_key("TGF–β1", case_sensitive=True) == "TGF-beta1"
    assert normalize_key("NF-κB") == normalize_key("NF-kappaB")
    assert normalize_key("IFN—γ") == "ifn-gamma"
    assert normalize_key("  liver\u00a0 cirrhosis \n") == "liver cirrhosis"
    assert normalize_key("CD4⁺ T cells") == "cd4+ t cells"
    assert normalize_key("Wharton’s jelly") == "wharton's jelly"
    assert normalize_surface("µg") == "mug"


def test_case_sensitive_rule():
    for t in ("ALT", "MSC", "IL-10", "CXCL12", "TGF-beta1", "p62", "mTOR", "NF-kappaB"):
        assert is_case_sensitive(t), t
    for t in ("liver", "Fever", "ascites", "liver cirrhosis", "CD4+ T cells",
              "transforming growth factor beta1"):
        assert not is_case_sensitive(t), t


# --------------------------------------------------------------------------- variants

def test_greek_variants():
    v = term_variants("TGF-β1")
    assert {"TGF-β1", "TGF-beta1", "TGFβ1", "TGFB1", "TGF-b1", "TGFbeta1", "TGF-beta 1"} <= v
    assert {"NF-kB", "NF-kappaB", "NFkB"} <= term_variants("NF-κB")
    assert "TNF-α" in term_variants("TNF-alpha")
    # no one-letter form outside symbol context
    assert not any("alpha-b " in x for x in term_variants("alpha-beta T cell"))


def test_hyphen_space_variants():
    assert {"IL-10", "IL10", "IL 10"} <= term_variants("IL-10")
    assert "IL-10" in term_variants("IL10")
    assert "interleukin-10" in term_variants("interleukin 10")
    v = term_variants("non-alcoholic fatty liver disease", entity_type="DISEASE")
    assert {"nonalcoholic fatty liver disease", "non alcoholic fatty liver disease"} <= v
    assert "T-cells" in term_variants("T cell", entity_type="CELL_TYPE")
    assert "CD4positive T cell" not in term_variants("CD4-positive T cell",
                                                     entity_type="CELL_TYPE")


def test_plural_and_singular_variants():
    assert "hepatic stellate cells" in term_variants("hepatic stellate cell")
    assert "Kupffer cell" in term_variants("Kupffer cells", entity_type="CELL_TYPE")
    assert "matrix metalloproteinases" in term_variants("matrix metalloproteinase")
    assert "conditioned media" in term_variants("conditioned medium", entity_type="THERAPY")
    assert "hepatocellular carcinomas" in term_variants("hepatocellular carcinoma")
    assert "mesenchymal stem cells" in term_variants("mesenchymal stem cell")
    # no plural of gene symbols or uncountable words
    assert "IL-10s" not in term_variants("IL-10", entity_type="CYTOKINE")
    assert "liver cirrhosiss" not in term_variants("liver cirrhosis", entity_type="DISEASE")


def test_cell_abbreviation_and_marker_variants():
    v = term_variants("NK", entity_type="CELL_TYPE")
    assert {"NK cell", "NK cells"} <= v
    v = term_variants("CD4+ T cell", entity_type="CELL_TYPE")
    assert {"CD4+ T cells", "CD4(+) T cells", "CD4-positive T cells", "CD4+ T-cells"} <= v
    v = term_variants("M2 macrophage", entity_type="CELL_TYPE")
    assert {"M2 macrophages", "M2-macrophages"} <= v
    assert "CD4+CD25+ T cells" in term_variants("CD4+CD25+ T cell", entity_type="CELL_TYPE")


def test_msc_tissue_forms():
    v = term_variants("BM-MSCs")
    assert {"BM-MSC", "BM-MSCs", "BMSCs", "BMMSCs", "hBM-MSCs", "BM MSCs"} <= v
    assert {"hUC-MSCs", "UCMSCs", "UC-MSC"} <= term_variants("UC-MSC")
    assert {"ADSCs", "AD-MSCs"} <= term_variants("AD-MSCs")
    assert {"WJ-MSCs", "hWJ-MSCs"} <= term_variants("WJ-MSC")
    assert "UCSC" not in msc_tissue_forms("UC")


# --------------------------------------------------------------------------- loader

def _entries() -> list[LexiconEntry]:
    rows = [
        ("MSC", "MOLECULE", "HGNC:7321", "MSC", "HGNC", True, 10),
        ("MSC", "CELL_TYPE", "CL:0000134", "mesenchymal stem cell", "CL", True, 6),
        ("mesenchymal stem cell", "CELL_TYPE", "CL:0000134", "mesenchymal stem cell", "CL",
         False, 10),
        ("ALT", "MOLECULE", "HGNC:4552", "GPT", "HGNC", True, 6),
        ("ALT", "OUTCOME", "MESH:D000410", "Alanine Transaminase", "MESH", True, 9),
        ("HSC", "CELL_TYPE", "CL:0000037", "hematopoietic stem cell", "CL", True, 10),
        ("TGF-beta1", "CYTOKINE", "HGNC:11766", "TGFB1", "HGNC", True, 9),
        ("liver cirrhosis", "DISEASE", "MESH:D008103", "Liver Cirrhosis", "MESH", False, 10),
        ("fibrosis", "DISEASE", "MESH:D005355", "Fibrosis", "MESH", False, 9),
        ("fibrosis", "DISEASE", "MESH:D008103", "Liver Cirrhosis", "curated", False, 50),
    ]
    return [LexiconEntry(*r) for r in rows]


@pytest.fixture()
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "lex.tsv.gz"
    entries = sorted(_entries(), key=lambda e: (e.term.lower(), e.term, e.type, e.concept))
    assert write_lexicon_tsv(entries, path) == len(entries)
    return path


def test_roundtrip_tiny_tsv(tiny: Path):
    lex = Lexicon.load(tiny, overrides=False, blocklist=False)
    assert len(lex) == len(_entries())
    assert sorted(lex.entries, key=repr) == sorted(_entries(), key=repr)
    assert [e.concept for e in lex.lookup("Liver Cirrhosis")] == ["MESH:D008103"]
    assert lex.concept_name("HGNC:11766") == "TGFB1"
    assert lex.concept_type("MESH:D000410") == "OUTCOME"
    assert lex.concept_name("nope:1") is None
    assert "TGF-beta1" in lex.keys(case_sensitive=True)


def test_write_is_deterministic(tiny: Path, tmp_path: Path):
    again = tmp_path / "again.tsv.gz"
    write_lexicon_tsv(sorted(_entries(), key=lambda e: (e.term.lower(), e.term, e.type,
                                                        e.concept)), again)
    assert again.read_bytes() == tiny.read_bytes()
    with gzip.open(again, "rt", encoding="utf-8") as fh:
        assert fh.readline().rstrip("\n").split("\t") == [
            "term", "type", "concept", "name", "source", "case_sensitive", "priority"]


def test_unsorted_file_still_indexed(tmp_path: Path):
    path = tmp_path / "unsorted.tsv"
    write_lexicon_tsv(list(reversed(_entries())), path)
    lex = Lexicon.load(path, overrides=False, blocklist=False)
    assert {e.concept for e in lex.lookup("fibrosis")} == {"MESH:D005355", "MESH:D008103"}


def test_case_rules(tiny: Path):
    lex = Lexicon.load(tiny, overrides=False, blocklist=False)
    assert {e.concept for e in lex.lookup("ALT")} == {"HGNC:4552", "MESH:D000410"}
    assert lex.lookup("alt") == [] and lex.lookup("Alt") == []
    assert [e.concept for e in lex.lookup("TGF‐β1")] == ["HGNC:11766"]
    assert lex.lookup("tgf-beta1") == []
    assert lex.lookup("LIVER  CIRRHOSIS")[0].concept == "MESH:D008103"


def test_priority_orders_results(tiny: Path):
    lex = Lexicon.load(tiny, overrides=False, blocklist=False)
    assert [e.concept for e in lex.lookup("fibrosis")] == ["MESH:D008103", "MESH:D005355"]
    assert lex.lookup("ALT")[0].concept == "MESH:D000410"


def test_blocklist(tiny: Path, tmp_path: Path):
    bl = tmp_path / "block.tsv"
    bl.write_text("term\tconcept\treason\nMSC\tHGNC:\tcell, not musculin\n"
                  "ALT\tHGNC:4552\toutcome\nfibrosis\t*\ttest\nthe\t*\tstopword\n",
                  encoding="utf-8")
    lex = Lexicon.load(tiny, overrides=False, blocklist=bl)
    assert [e.concept for e in lex.lookup("MSC")] == ["CL:0000134"]
    assert [e.concept for e in lex.lookup("ALT")] == ["MESH:D000410"]
    # curated rows are exempt from the block list
    assert [e.concept for e in lex.lookup("fibrosis")] == ["MESH:D008103"]
    b = Blocklist.load(bl)
    assert b.blocks("The", "MESH:D1") and not b.blocks("liver", "MESH:D1")


def test_overrides_win_and_get_variants(tiny: Path, tmp_path: Path):
    ov = tmp_path / "overrides.tsv"
    ov.write_text("term\ttype\tconcept\tname\tsource\tcase_sensitive\tpriority\n"
                  "# comment\n"
                  "HSC\tCELL_TYPE\tCL:0000632\thepatic stellate cell\t\t\t\n",
                  encoding="utf-8")
    lex = Lexicon.load(tiny, overrides=ov, blocklist=False)
    hits = lex.lookup("HSC")
    assert [e.concept for e in hits] == ["CL:0000632", "CL:0000037"]
    assert hits[0].priority == 100 and hits[0].source == "override"
    assert lex.lookup("HSCs")[0].concept == "CL:0000632"          # generated variant
    assert lex.lookup("hsc") == []                                  # case rule kept


def test_errors(tmp_path: Path, tiny: Path):
    with pytest.raises(LexiconError, match="not found"):
        Lexicon.load(tmp_path / "missing.tsv.gz")
    bad = tmp_path / "bad.tsv"
    bad.write_text("term\ttype\tconcept\nfoo\tGENE\tX:1\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="unknown type"):
        Lexicon.load(tiny, overrides=bad)
    junk = tmp_path / "junk.tsv"
    junk.write_text("no header\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="header"):
        Lexicon.load(junk)
    with pytest.raises(LexiconError, match="not found"):
        build_lexicon(tmp_path / "nowhere", tmp_path / "out.tsv.gz")


def test_xrefs_tiny(tmp_path: Path):
    path = tmp_path / "x.tsv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("id1\tid2\nMESH:D015232\tCHEBI:15551\n")
    x = load_xrefs(path)
    assert x["CHEBI:15551"] == {"MESH:D015232"}
    assert same_concept("mesh:d015232", "CHEBI:15551", x)
    assert not same_concept("MESH:D015232", "CHEBI:1", x) and not same_concept(None, "a", x)


# --------------------------------------------------------------------------- committed table

SPOT = {
    "hepatic stellate cell": "CL:0000632", "hepatic stellate cells": "CL:0000632",
    "Kupffer cell": "CL:0000091", "Kupffer cells": "CL:0000091",
    "IL-10": "HGNC:5962", "interleukin-10": "HGNC:5962",
    "TGF-β1": "HGNC:11766", "TGF-beta1": "HGNC:11766", "TGFβ1": "HGNC:11766",
    "TGF-b1": "HGNC:11766", "TGFB1": "HGNC:11766",
    "liver cirrhosis": "MESH:D008103", "NAFLD": "MESH:D065626",
    "non-alcoholic fatty liver disease": "MESH:D065626", "acetaminophen": "CHEBI:46195",
    "MSCs": "CL:0000134", "BMSCs": "CL:0002540", "BM-MSCs": "CL:0002540",
    "hUC-MSCs": "CL:0002569", "UC-MSCs": "CL:0002569", "ADSCs": "CL:0002570",
    "AD-MSCs": "CL:0002570", "WJ-MSCs": "CL:0002568", "M1 macrophages": "CL:0000863",
    "M2 macrophages": "CL:0000890", "CD4+ T cells": "CL:0000624", "ALT": "MESH:D000410",
    "HGF": "HGNC:4893", "CCl4": "CHEBI:27385", "rapamycin": "CHEBI:9168",
    "apoptosis": "GO:0006915", "liver transplantation": "MESH:D016031",
    "exosomes": "MESH:D055354", "survival": "MESH:D015996", "NF-κB": "FPLX:NFkappaB",
}


@pytest.fixture(scope="module")
def committed() -> Lexicon:
    return Lexicon.load()


@pytest.mark.parametrize("term,concept", sorted(SPOT.items()))
def test_committed_spot_checks(committed: Lexicon, term: str, concept: str):
    hits = committed.lookup(term)
    assert hits, term
    assert hits[0].concept == concept, (term, [(e.concept, e.priority) for e in hits[:4]])


def test_committed_block_list_applied(committed: Lexicon):
    assert not any(e.concept.startswith("HGNC:") for e in committed.lookup("MSC"))
    assert not any(e.concept.startswith("HGNC:") for e in committed.lookup("ALT"))
    assert not any(e.concept.startswith("HGNC:") for e in committed.lookup("HCC"))
    assert "HGNC:6018" not in {e.concept for e in committed.lookup("HGF")}   # not IL6
    assert committed.lookup("the") == [] and committed.lookup("cells") == []


def test_committed_load_time_and_cache():
    best = min(_timed_load() for _ in range(2))
    assert best < 1.5, f"loading the lexicon took {best:.2f} s"
    assert default_lexicon() is default_lexicon()


def _timed_load() -> float:
    t0 = time.perf_counter()
    Lexicon.load()
    return time.perf_counter() - t0


def test_committed_xrefs():
    x = load_xrefs()
    assert "DOID:5082" in x["MESH:D008103"]
    assert same_concept("MESH:D017209", "GO:0006915", x)


def test_committed_size():
    assert DEFAULT_LEXICON.stat().st_size < 8_000_000
    assert DEFAULT_XREFS.stat().st_size < 1_000_000


# --------------------------------------------------------------------------- rebuild (../shared)

@pytest.mark.shared
@pytest.mark.slow
def test_rebuild_reproduces_committed_files(shared_dir: Path, tmp_path: Path):
    out, xout = tmp_path / "lexicon.tsv.gz", tmp_path / "xrefs.tsv.gz"
    stats = build_lexicon(shared_dir / "resources", out, xrefs_out=xout)
    assert stats.rows > 100_000 and not stats.warnings
    assert out.read_bytes() == DEFAULT_LEXICON.read_bytes(), \
        "committed lexicon is stale: run 'mscgraph lexicon build --resources ../shared/resources'"
    assert xout.read_bytes() == DEFAULT_XREFS.read_bytes()
    lex = Lexicon.load(out, overrides=False)
    for term, concept in (("hepatic stellate cell", "CL:0000632"), ("Kupffer cell", "CL:0000091"),
                          ("IL-10", "HGNC:5962"), ("TGF-β1", "HGNC:11766"),
                          ("liver cirrhosis", "MESH:D008103"), ("NAFLD", "MESH:D065626"),
                          ("acetaminophen", "CHEBI:46195")):
        assert lex.lookup(term)[0].concept == concept, term


def test_curated_ids_name_the_concept_they_claim() -> None:
    """A curated or override row's name must be a name of its id in the generated lexicon
    (catches typos such as conditioned medium -> D018153, which is Czech Republic)."""
    import csv
    import difflib
    from collections import defaultdict

    from pipeline.lexicon import DATA_DIR, normalize_key
    lex = Lexicon.load(overrides=False)
    names: dict[str, set[str]] = defaultdict(set)
    for r in lex.iter_rows():
        names[r[2]].update((normalize_key(r[0]), normalize_key(r[3])))
    wrong = []
    for path in (DATA_DIR / "curated.tsv", DATA_DIR / "overrides.tsv"):
        with path.open(encoding="utf-8") as fh:
            for row in csv.reader(fh, delimiter="\t"):
                if len(row) < 4 or row[0] in ("", "term") or row[0].startswith("#"):
                    continue
                concept, name = row[2], normalize_key(row[3])
                known = names.get(concept)
                if not known or name in known:
                    continue
                canon = normalize_key(lex.concept_name(concept) or "")
                if difflib.SequenceMatcher(None, canon, name).ratio() < 0.5 \
                        and name not in canon and canon not in name:
                    wrong.append((path.name, row[0], concept, row[3], canon))
    assert not wrong, wrong
