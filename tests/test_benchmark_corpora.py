"""Benchmark corpus adapters on tiny self-written files in the corpora's formats."""
from __future__ import annotations

import json

import pytest

from pipeline.benchmark_corpora import (drop_overlapping, evaluate_benchmark, load_biored,
                                        load_jnlpba, load_ncbi_disease, remap_types,
                                        score_biored_relations)
from pipeline.cli import main
from pipeline.errors import EvaluationError

NCBI = """\
11|t|Wilson disease and liver cirrhosis in dogs.
11|a|Copper overload caused hepatitis.
11\t0\t14\tWilson disease\tSpecificDisease\tD006527
11\t19\t34\tliver cirrhosis\tDiseaseClass\tD008103|D005234
11\t44\t59\tCopper overload\tModifier\tOMIM:215600
11\t67\t76\thepatitis\tSpecificDisease\t D006505

12|t|No disease here.
12|a|Nothing.
"""

BIORED = """\
21|t|TNF worsens colitis.
21|a|Aspirin lowers TNF in mice.
21\t0\t3\tTNF\tGeneOrGeneProduct\t7124
21\t12\t19\tcolitis\tDiseaseOrPhenotypicFeature\tD003092
21\t21\t28\tAspirin\tChemicalEntity\tD001241
21\t36\t39\tTNF\tGeneOrGeneProduct\t7124
21\t43\t47\tmice\tOrganismTaxon\t10090
21\tPositive_Correlation\t7124\tD003092\tNovel
21\tNegative_Correlation\tD001241\t7124\tNovel
21\tAssociation\tD001241\t10090\tNovel

"""

IOB = """\
-DOCSTART-\tO

IL-2\tB-protein
in\tO
T\tB-cell_type
cells\tI-cell_type
.\tO

Jurkat\tB-cell_line
T\tI-cell_line
cells\tI-cell_line
(\tO
human\tO
)\tO
respond\tO
.\tO

-DOCSTART-\tO

Monocytes\tB-cell_type
.\tO
"""


@pytest.fixture()
def corpora(tmp_path):
    for sub, name, text in (("ncbi_disease", "NCBItestset_corpus.txt", NCBI),
                            ("biored", "Test.PubTator", BIORED),
                            ("jnlpba", "iob_test.tsv", IOB)):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / name).write_text(text)
    return tmp_path


def test_ncbi(corpora):
    docs = load_ncbi_disease(corpora)
    assert [d["id"] for d in docs] == ["11", "12"]
    ents = docs[0]["entities"]
    assert [e["concept"] for e in ents] == ["MESH:D006527", "MESH:D008103", "OMIM:215600",
                                            "MESH:D006505"]
    assert all(e["type"] == "DISEASE" for e in ents)
    assert docs[0]["text"].startswith("Wilson disease and liver cirrhosis in dogs.\nCopper")
    assert [e["text"] for e in ents][-1] == "hepatitis"
    assert load_ncbi_disease(corpora, limit=1)[0]["id"] == "11"


def test_ncbi_scoring_with_normalization(corpora):
    gold = load_ncbi_disease(corpora)
    system = [{"id": "11", "entities": [
        {"start": 0, "end": 6, "type": "DISEASE", "concept": "MESH:D006527"},
        {"start": 25, "end": 34, "type": "DISEASE", "concept": "DOID:5082"},
        {"start": 44, "end": 50, "type": "MOLECULE"}], "relations": []}]
    res = evaluate_benchmark("ncbi-disease", gold, system)
    d = res.views["DISEASE"]
    assert (d.lenient["DISEASE"].tp, d.lenient["DISEASE"].fp, d.lenient["DISEASE"].fn) == (2, 0, 2)
    assert res.normalization["exact"] == (0.5, 2)


def test_jnlpba_text_rebuild(corpora):
    docs = load_jnlpba(corpora)
    assert len(docs) == 2
    d = docs[0]
    assert d["text"] == "IL-2 in T cells.\nJurkat T cells (human) respond."
    spans = [(e["text"], e["type"]) for e in d["entities"]]
    assert spans == [("IL-2", "protein"), ("T cells", "CELL_TYPE"),
                     ("Jurkat T cells", "cell_line")]
    assert docs[1]["entities"][0]["type"] == "CELL_TYPE"


def test_jnlpba_cell_line_view(corpora):
    gold = load_jnlpba(corpora)
    t = gold[0]["text"]
    s = [{"id": gold[0]["id"], "relations": [], "entities": [
        {"start": t.index("T cells"), "end": t.index("T cells") + 7, "type": "CELL_TYPE"},
        {"start": t.rindex("T cells"), "end": t.rindex("T cells") + 7, "type": "CELL_TYPE"},
        {"start": 0, "end": 4, "type": "CYTOKINE"}]}]
    assert len(drop_overlapping(s, gold, "cell_line", "CELL_TYPE")[0]["entities"]) == 2
    res = evaluate_benchmark("jnlpba", gold, s)
    plain = res.views["CELL_TYPE"].lenient["CELL_TYPE"]
    assert (plain.tp, plain.fp, plain.fn) == (1, 1, 1)
    ign = res.views["CELL_TYPE (cell lines ignored)"].lenient["CELL_TYPE"]
    assert (ign.tp, ign.fp, ign.fn) == (1, 0, 1)


def test_biored(corpora):
    (doc,) = load_biored(corpora)
    assert [e["type"] for e in doc["entities"]] == ["GENE", "DISEASE", "CHEMICAL", "GENE"]
    assert doc["entities"][0]["concept"] == "NCBIGene:7124"
    # the OrganismTaxon relation is dropped with its entity
    assert doc["pairs"] == [
        {"type": "Positive_Correlation", "id1": "NCBIGene:7124", "id2": "MESH:D003092"},
        {"type": "Negative_Correlation", "id1": "MESH:D001241", "id2": "NCBIGene:7124"}]
    t = doc["text"]

    def m(frag, typ, concept, nth=0):
        start = t.index(frag) if not nth else t.rindex(frag)
        return {"start": start, "end": start + len(frag), "type": typ, "concept": concept}
    system = [{"id": "21", "entities": [
        m("TNF", "CYTOKINE", "HGNC:11892"), m("colitis", "DISEASE", "MESH:D003092"),
        m("Aspirin", "MOLECULE", "CHEBI:15365"), m("TNF", "CYTOKINE", "HGNC:11892", 1),
        m("mice", "MOLECULE", "X:1")],
        "relations": [
            # reversed direction still matches (pairs are undirected)
            {"subject": "MESH:D003092", "predicate": "INCREASES", "object": "HGNC:11892"},
            # wrong predicate for Negative_Correlation: counts only at pair level
            {"subject": "CHEBI:15365", "predicate": "INCREASES", "object": "HGNC:11892"},
            # argument outside BioRED's entities: ignored
            {"subject": "X:1", "predicate": "INCREASES", "object": "HGNC:11892"}]}]
    rel = score_biored_relations([doc], system)
    assert (rel["typed"].tp, rel["typed"].fp, rel["typed"].fn) == (1, 1, 1)
    assert (rel["pairs"].tp, rel["pairs"].fp, rel["pairs"].fn) == (2, 0, 0)
    res = evaluate_benchmark("biored", [doc], system)
    assert res.views["GENE"].entity_lenient.r == 1.0
    assert res.views["CHEMICAL"].entity_lenient.r == 1.0
    merged = res.views["GENE_OR_CHEMICAL"].lenient["GENE_OR_CHEMICAL"]
    assert (merged.tp, merged.fp, merged.fn) == (3, 1, 0)
    assert res.to_dict()["entities"]["GENE"]["recall_only"] is True


def test_remap_types_drops_unmapped():
    docs = [{"id": "a", "entities": [{"type": "X"}, {"type": "Y"}]}]
    assert remap_types(docs, {"X": "Z"})[0]["entities"] == [{"type": "Z"}]


def test_errors(tmp_path):
    with pytest.raises(EvaluationError, match="corpora-dir"):
        load_ncbi_disease(tmp_path)
    with pytest.raises(EvaluationError, match="split"):
        load_biored(tmp_path, split="nope")
    with pytest.raises(EvaluationError, match="unknown benchmark"):
        evaluate_benchmark("nope", [], [])


def test_cli_benchmark_with_system_file(corpora, tmp_path, capsys):
    sys_path = tmp_path / "sys.jsonl"
    sys_path.write_text(json.dumps({"id": "11", "entities": [
        {"start": 0, "end": 14, "type": "DISEASE", "concept": "MESH:D006527"}]}) + "\n")
    assert main(["eval", "ncbi-disease", "--corpora-dir", str(corpora), "--system",
                 str(sys_path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["entities"]["DISEASE"]["DISEASE"]["p"] == 1.0
    assert out["normalization"]["exact"] == {"accuracy": 1.0, "n": 1}


@pytest.mark.shared
def test_real_corpora_offsets(shared_dir):
    corpora = shared_dir / "resources" / "corpora"
    for loader in (load_ncbi_disease, load_biored, load_jnlpba):
        docs = loader(corpora, limit=20)
        assert len(docs) == 20
        assert all(d["text"][e["start"]:e["end"]] == e["text"]
                   for d in docs for e in d["entities"])


def test_report_with_stub_extractor(corpora, tmp_path, monkeypatch):
    """``eval report`` over a gold file and the three corpora, extractor stubbed out."""
    import pipeline.evaluation as ev

    def fake(docs, **kw):
        return [{"id": d["id"], "entities": d["entities"][:1], "relations": []} for d in docs]
    monkeypatch.setattr(ev, "run_extractor", fake)
    gold = tmp_path / "g.jsonl"
    gold.write_text(json.dumps({"id": "a", "text": "HGF helps.", "relations": [], "entities": [
        {"start": 0, "end": 3, "text": "HGF", "type": "CYTOKINE", "concept": "HGNC:4893"}]}) + "\n")
    out = tmp_path / "res"
    assert main(["eval", "report", "--out", str(out), "--gold", str(gold),
                 "--corpora-dir", str(corpora)]) == 0
    data = json.loads((out / "quality.json").read_text())
    assert set(data["benchmarks"]) == {"ncbi-disease", "jnlpba", "biored"}
    assert data["gold"][str(gold)]["entity_lenient"]["f"] == 1.0
    md = (out / "quality.md").read_text()
    assert "GENE_OR_CHEMICAL" in md and "CELL_TYPE (cell lines ignored)" in md
