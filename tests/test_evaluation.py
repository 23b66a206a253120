"""Scorer tests: hand-computed examples, CLI smoke test, agreement with the reference scorer."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.errors import EvaluationError
from pipeline.evaluation import (attach_texts, load_equivalence, match_entities,
                                 match_relations, score, scores_to_markdown)

# Self-written texts (no third-party prose).
TEXT1 = "Bone marrow MSCs lowered serum ALT and reduced liver fibrosis in rats."
TEXT2 = "Adipose stromal cells secrete HGF, which may not reduce hepatocyte apoptosis."


def ent(text: str, frag: str, type_: str, concept: str | None = None, nth: int = 0) -> dict:
    start = -1
    for _ in range(nth + 1):
        start = text.index(frag, start + 1)
    d = {"start": start, "end": start + len(frag), "text": frag, "type": type_}
    if concept:
        d["concept"] = concept
    return d


def rel(s: str, p: str, o: str, negated: bool = False, hedged: bool = False) -> dict:
    return {"subject": s, "predicate": p, "object": o, "negated": negated, "hedged": hedged}


GOLD = [
    {"id": "d1", "text": TEXT1,
     "entities": [ent(TEXT1, "Bone marrow MSCs", "CELL_TYPE", "CL:0002540"),
                  ent(TEXT1, "serum ALT", "OUTCOME", "LOCAL:alt"),
                  ent(TEXT1, "liver fibrosis", "DISEASE", "MESH:D008103")],
     "relations": [rel("CL:0002540", "DECREASES", "LOCAL:alt"),
                   rel("CL:0002540", "TREATS", "MESH:D008103")]},
    {"id": "d2", "text": TEXT2,
     "entities": [ent(TEXT2, "Adipose stromal cells", "CELL_TYPE", "CL:0002570"),
                  ent(TEXT2, "HGF", "CYTOKINE", "HGNC:4893"),
                  ent(TEXT2, "hepatocyte apoptosis", "PROCESS", "GO:0097284")],
     "relations": [rel("CL:0002570", "SECRETES", "HGNC:4893"),
                   rel("HGNC:4893", "DECREASES", "GO:0097284", negated=True, hedged=True)]},
    {"id": "d3", "text": "No entities here.", "entities": [], "relations": []},
]

SYSTEM = [
    {"id": "d1",
     "entities": [ent(TEXT1, "MSCs", "CELL_TYPE", "CL:0000134"),           # lenient only
                  ent(TEXT1, "serum ALT", "OUTCOME", "LOCAL:alt"),         # strict, LOCAL
                  ent(TEXT1, "liver fibrosis", "DISEASE", "mesh:d008103"),  # case-insensitive id
                  ent(TEXT1, "rats", "THERAPY")],                          # false positive
     "relations": [
         {"subject": {"concept": "CL:0000134"}, "predicate": "DECREASES",
          "object": {"concept": "LOCAL:alt"}},
         {"subject": "CL:0000134", "predicate": "DECREASES", "object": "MESH:D008103"}]},
    {"id": "d2",
     "entities": [ent(TEXT2, "stromal cells", "CELL_TYPE", "CL:0000499"),
                  ent(TEXT2, "HGF", "MOLECULE", "HGNC:4893"),               # wrong type
                  ent(TEXT2, "hepatocyte apoptosis", "PROCESS", "GO:0006915")],
     "relations": [{"subject": "CL:0000499", "predicate": "SECRETES", "object": "HGNC:4893"},
                   {"subject": "HGNC:4893", "predicate": "DECREASES", "object": "GO:0006915",
                    "negated": True, "hedged": False}]},
]


def test_hand_computed_scores():
    s = score(GOLD, SYSTEM)
    bt = s.by_type()
    # CELL_TYPE: 2 gold, both overlapped (lenient) -> P=R=1; strict 0 of 2.
    assert (bt["CELL_TYPE"].p, bt["CELL_TYPE"].r, bt["CELL_TYPE"].n) == (1.0, 1.0, 2)
    assert s.strict["CELL_TYPE"].tp == 0 and s.strict["CELL_TYPE"].fn == 2
    # CYTOKINE missed (system said MOLECULE), MOLECULE and THERAPY are false positives.
    assert bt["CYTOKINE"].r == 0.0 and s.lenient["MOLECULE"].fp == 1
    assert s.lenient["THERAPY"].fp == 1
    # lenient totals: tp 5 (2 cell, ALT, fibrosis, apoptosis), fp 2, fn 1
    assert (sum(c.tp for c in s.lenient.values()), sum(c.fp for c in s.lenient.values()),
            sum(c.fn for c in s.lenient.values())) == (5, 2, 1)
    # strict: tp 3 (ALT, fibrosis, apoptosis), fp 4, fn 3
    assert s.entity_strict.p == pytest.approx(3 / 7)
    assert s.entity_strict.r == pytest.approx(3 / 6)
    # normalization: LOCAL excluded -> 4 counted (2 cells wrong, fibrosis ok, apoptosis wrong)
    assert (s.norm_n, s.norm_ok) == (4, 1)
    # relations: d1 DECREASES alt matched through the MSCs mention; TREATS missed; the system's
    # DECREASES fibrosis is a false positive; d2 SECRETES matched, negated ones excluded.
    assert (s.relations.tp, s.relations.fp, s.relations.fn) == (2, 1, 1)
    # pairs ignore the predicate: cell->fibrosis now matches TREATS.
    assert (s.pairs.tp, s.pairs.fp, s.pairs.fn) == (3, 0, 0)
    # flags: matched relations incl. negated: d1 1, d2 2; hedged differs on the negated one.
    assert s.flags_n == 3 and s.negation_accuracy == 1.0
    assert s.hedging_accuracy == pytest.approx(2 / 3)
    assert s.missing_docs == 1 and s.docs == 3


def test_types_filter_and_xrefs(tmp_path):
    s = score(GOLD, SYSTEM, types={"CELL_TYPE"})
    assert list(s.by_type()) == ["CELL_TYPE"]
    assert s.entity_strict.r == 0.0
    xref = tmp_path / "x.tsv"
    xref.write_text("CL:0000134\tCL:0002540\n")
    s2 = score(GOLD, SYSTEM, types={"CELL_TYPE"}, equivalence=load_equivalence(True, path=xref))
    assert (s2.norm_n, s2.norm_ok) == (2, 1) and s2.xrefs


def test_greedy_overlap_prefers_exact_then_last_overlap():
    g = [{"start": 0, "end": 10, "type": "DISEASE"}, {"start": 12, "end": 20, "type": "DISEASE"}]
    s = [{"start": 2, "end": 5, "type": "DISEASE"}, {"start": 0, "end": 10, "type": "DISEASE"},
         {"start": 8, "end": 14, "type": "DISEASE"}]
    # exact span wins for the first gold; the second takes the remaining overlapping one
    assert match_entities(g, s) == [1, 2]
    s2 = [{"start": 2, "end": 5, "type": "DISEASE"}, {"start": 8, "end": 14, "type": "DISEASE"}]
    # no exact: the last overlapping candidate is taken, leaving nothing for the second gold
    assert match_entities(g, s2) == [1, None]
    assert match_entities(g, [{"start": 0, "end": 10, "type": "PROCESS"}]) == [None, None]


def test_relation_alignment_through_mentions():
    align = {"G1": {"G1", "S1"}, "G2": {"G2", "S2"}}
    assert match_relations({("G1", "INCREASES", "G2")}, {("S1", "INCREASES", "S2")}, align) \
        == (1, 0, 0)
    assert match_relations({("G1", "INCREASES", "G2")}, {("S2", "INCREASES", "S1")}, align) \
        == (0, 1, 1)
    assert match_relations({("G1", "INCREASES", "G2")}, {("S1", "DECREASES", "S2")}, align,
                           with_predicate=False) == (1, 0, 0)


def test_attach_texts(tmp_path):
    texts = tmp_path / "t.jsonl"
    texts.write_text(json.dumps({"id": "a", "text": "x"}) + "\n")
    assert attach_texts([{"id": "a"}], texts)[0]["text"] == "x"
    with pytest.raises(EvaluationError):
        attach_texts([{"id": "b"}], texts)


def test_markdown_mentions_types():
    md = scores_to_markdown("hand", score(GOLD, SYSTEM))
    assert "| CELL_TYPE | 2 |" in md and "Negation accuracy" in md


def _write(tmp_path: Path) -> tuple[Path, Path]:
    g, s = tmp_path / "gold.jsonl", tmp_path / "sys.jsonl"
    g.write_text("".join(json.dumps(d) + "\n" for d in GOLD))
    s.write_text("".join(json.dumps(d) + "\n" for d in SYSTEM))
    return g, s


def test_cli_smoke(tmp_path, capsys):
    g, s = _write(tmp_path)
    assert main(["eval", "all", "--gold", str(g), "--system", str(s), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["counts"] == {"entities_gold": 6, "relations_gold": 3}
    assert main(["eval", "ner", "--gold", str(g), "--system", str(s),
                 "--report", str(tmp_path / "rep")]) == 0
    assert "CELL_TYPE" in capsys.readouterr().out
    assert (tmp_path / "rep" / "eval_ner.md").exists()
    assert main(["eval", "relations", "--gold", str(g), "--system", str(tmp_path / "nope")]) == 1


def test_eval_relations_reports_sources_and_the_model(tmp_path, capsys):
    g, s = _write(tmp_path)
    rows = [json.loads(x) for x in s.read_text().splitlines()]
    for d in rows:   # mark one system relation as the model's
        for r in d.get("relations", [])[:1]:
            r["source"] = "model"
    s.write_text("".join(json.dumps(d) + "\n" for d in rows))
    assert main(["eval", "relations", "--gold", str(g), "--system", str(s), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    src = out["relations_by_source"]
    assert list(src) == ["rule", "model", "rule + model"]
    assert src["rule + model"]["f"] == pytest.approx(out["relations"]["f"], abs=1e-3)
    assert src["rule"]["n"] == src["model"]["n"] == src["rule + model"]["n"]
    assert "cv" in out["model"]
    assert main(["eval", "relations", "--gold", str(g), "--system", str(s),
                 "--report", str(tmp_path / "rep")]) == 0
    md = (tmp_path / "rep" / "eval_relations.md").read_text()
    assert "| relations by source |" in md and "| model |" in md


def _goldtool(shared: Path, *args: str) -> dict:
    tool = shared / "tools" / "goldtool.py"
    if not tool.exists():
        pytest.skip("goldtool.py not in ../shared/tools")
    res = subprocess.run([sys.executable, str(tool), "score", *args, "--json"],
                         capture_output=True, text=True, check=True, timeout=120)
    return json.loads(res.stdout)


def _ours(*args: str, capsys) -> dict:
    capsys.readouterr()
    assert main(["eval", "all", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _assert_same(ref: dict, ours: dict) -> None:
    assert {k: ours[k] for k in ref} == ref


@pytest.mark.shared
@pytest.mark.parametrize("types", [None, "CELL_TYPE,DISEASE"])
def test_agrees_with_goldtool_hand_made(shared_dir, tmp_path, capsys, types):
    g, s = _write(tmp_path)
    extra = ["--types", types] if types else []
    _assert_same(_goldtool(shared_dir, str(g), str(s), *extra),
                 _ours("--gold", str(g), "--system", str(s), *extra, capsys=capsys))


@pytest.mark.shared
def test_agrees_with_goldtool_on_perturbed_dev_gold(shared_dir, tmp_path, capsys):
    """The dev gold against a shifted/retyped copy of itself exercises every code path."""
    gold_path = shared_dir / "corpora" / "gold" / "dev.jsonl"
    gold = [json.loads(line) for line in gold_path.open()]
    system = []
    for k, d in enumerate(gold):
        ents = []
        for i, e in enumerate(d["entities"]):
            x = dict(e)
            if i % 3 == 0:
                x["end"] = max(x["start"] + 1, x["end"] - 2)
            if i % 7 == 0:
                x["type"] = "MOLECULE" if x["type"] != "MOLECULE" else "PROCESS"
            if i % 5 == 0:
                x["concept"] = None
            ents.append(x)
        rels = [dict(r) for j, r in enumerate(d["relations"]) if (j + k) % 4]
        for r in rels[::3]:
            r["predicate"] = "INCREASES"
        system.append({"id": d["id"], "entities": ents, "relations": rels})
    s = tmp_path / "sys.jsonl"
    s.write_text("".join(json.dumps(d) + "\n" for d in system[:-1]))
    _assert_same(_goldtool(shared_dir, str(gold_path), str(s)),
                 _ours("--gold", str(gold_path), "--system", str(s), capsys=capsys))


@pytest.mark.shared
@pytest.mark.slow
def test_agrees_with_goldtool_on_real_extractor(shared_dir, tmp_path, capsys):
    pytest.importorskip("pipeline.nlp")
    from pipeline.evaluation import load_jsonl, run_extractor
    gold_path = shared_dir / "corpora" / "gold" / "dev.jsonl"
    gold = load_jsonl(gold_path)[:4]
    g = tmp_path / "gold.jsonl"
    g.write_text("".join(json.dumps(d) + "\n" for d in gold))
    s = tmp_path / "sys.jsonl"
    s.write_text("".join(json.dumps(d) + "\n" for d in run_extractor(gold)))
    _assert_same(_goldtool(shared_dir, str(g), str(s)),
                 _ours("--gold", str(g), "--system", str(s), capsys=capsys))
