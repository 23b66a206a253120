"""scripts/annotation_agreement.py: triple P/R/F1 and attribute agreement between two stand-off files."""
import doctest
import importlib.util
import json
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "annotation_agreement.py"
spec = importlib.util.spec_from_file_location("annotation_agreement", SCRIPT)
aa = importlib.util.module_from_spec(spec)
spec.loader.exec_module(aa)


def rel(s, p, o, neg=False, hed=False):
    return {"subject": s, "predicate": p, "object": o, "negated": neg, "hedged": hed}


def test_doctests():
    assert doctest.testmod(aa).failed == 0


def test_agreement_dedupes_and_restricts_to_common_documents(tmp_path):
    ref = [{"id": "a", "relations": [rel("X", "INCREASES", "Y"), rel("X", "INCREASES", "Y", neg=True)]},
           {"id": "b", "relations": []},
           {"id": "only_ref", "relations": [rel("P", "DECREASES", "Q")]}]
    oth = [{"id": "a", "relations": [rel("X", "INCREASES", "Y", neg=True)]},
           {"id": "b", "relations": []}]
    r = aa.agreement(ref, oth)
    assert r["documents"] == 2
    assert (r["micro"]["tp"], r["micro"]["precision"], r["micro"]["recall"]) == (1, 1.0, 1.0)
    assert r["macro_f1"] == 1.0
    assert r["attributes"]["negated"]["agree"] == 1
    p1, p2 = tmp_path / "r.jsonl", tmp_path / "o.jsonl"
    p1.write_text("".join(json.dumps(x) + "\n" for x in ref))
    p2.write_text("".join(json.dumps(x) + "\n" for x in oth))
    assert aa.main([str(p1), str(p2), "--disagreements"]) == 0
