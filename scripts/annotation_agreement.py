#!/usr/bin/env python3
"""Inter-annotator agreement on relations between two stand-off annotation files.

  python scripts/annotation_agreement.py REFERENCE OTHER [--ids ID ...] [--only-common] [--json]
                                         [--disagreements]

Both files are JSON Lines in the stand-off format of ``corpora/annotations`` (``id``, ``relations``
with ``subject``/``predicate``/``object``/``negated``/``hedged``). Only the relations are compared;
no text is needed.

* Triples: per document, the set of distinct ``(subject, predicate, object)`` triples of each file
  (a triple stated in several sentences counts once, as goldtool scores it). REFERENCE is treated
  as the reference: precision = matched / OTHER's triples, recall = matched / REFERENCE's triples.
  Reported micro-averaged over documents (summed counts) and macro-averaged (mean per-document F1;
  a document where both files have no triple counts as F1 = 1).
* Attributes: over matched triples, agreement on ``negated`` and on ``hedged`` (raw proportion and
  Cohen's kappa). A triple's attribute is true when any of its instances in that file has it.
* By default the documents compared are those present in both files (``--ids`` restricts further).

>>> a = [{"id": "d", "relations": [{"subject": "A", "predicate": "INCREASES", "object": "B",
...        "negated": False, "hedged": True}]}]
>>> b = [{"id": "d", "relations": [{"subject": "A", "predicate": "INCREASES", "object": "B",
...        "negated": False, "hedged": False},
...       {"subject": "A", "predicate": "DECREASES", "object": "C", "negated": False, "hedged": False}]}]
>>> r = agreement(a, b)
>>> (r["micro"]["tp"], r["micro"]["precision"], r["micro"]["recall"])
(1, 0.5, 1.0)
>>> r["attributes"]["hedged"]["agree"], r["attributes"]["negated"]["agree"]
(0, 1)
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def load(path: Path) -> dict[str, dict]:
    recs = {}
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                rec = json.loads(line)
                recs[rec["id"]] = rec
    return recs


def triples(rec: dict) -> dict[tuple, dict]:
    """Distinct triples of one record -> {"negated": any, "hedged": any}."""
    out: dict[tuple, dict] = {}
    for r in rec.get("relations", []):
        key = (r["subject"], r["predicate"], r["object"])
        att = out.setdefault(key, {"negated": False, "hedged": False})
        att["negated"] |= bool(r.get("negated"))
        att["hedged"] |= bool(r.get("hedged"))
    return out


def _prf(tp: int, n_ref: int, n_oth: int) -> dict:
    p = tp / n_oth if n_oth else (1.0 if not n_ref else 0.0)
    r = tp / n_ref if n_ref else (1.0 if not n_oth else 0.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "reference": n_ref, "other": n_oth, "precision": round(p, 4),
            "recall": round(r, 4), "f1": round(f, 4)}


def _kappa(pairs: list[tuple[bool, bool]]) -> float | None:
    n = len(pairs)
    if not n:
        return None
    po = sum(a == b for a, b in pairs) / n
    pa = sum(a for a, _ in pairs) / n
    pb = sum(b for _, b in pairs) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return round((po - pe) / (1 - pe), 4) if pe < 1 else None


def agreement(reference: list[dict] | dict, other: list[dict] | dict, ids=None) -> dict:
    ref = reference if isinstance(reference, dict) else {r["id"]: r for r in reference}
    oth = other if isinstance(other, dict) else {r["id"]: r for r in other}
    doc_ids = [i for i in ref if i in oth and (ids is None or i in ids)]
    tp = n_ref = n_oth = 0
    f1s = []
    pairs = {"negated": [], "hedged": []}
    per_doc = {}
    for i in doc_ids:
        a, b = triples(ref[i]), triples(oth[i])
        common = a.keys() & b.keys()
        tp += len(common)
        n_ref += len(a)
        n_oth += len(b)
        d = _prf(len(common), len(a), len(b))
        f1s.append(d["f1"])
        for att in pairs:
            pairs[att].extend((a[k][att], b[k][att]) for k in common)
        d["only_reference"] = sorted(map(list, a.keys() - b.keys()))
        d["only_other"] = sorted(map(list, b.keys() - a.keys()))
        d["attribute_disagreements"] = sorted(
            [list(k), att, a[k][att], b[k][att]] for k in common for att in pairs if a[k][att] != b[k][att])
        per_doc[i] = d
    attributes = {}
    for att, ps in pairs.items():
        agree = sum(x == y for x, y in ps)
        attributes[att] = {"matched": len(ps), "agree": agree,
                           "proportion": round(agree / len(ps), 4) if ps else None,
                           "kappa": _kappa(ps),
                           "true_in_reference": sum(x for x, _ in ps), "true_in_other": sum(y for _, y in ps)}
    return {"documents": len(doc_ids), "micro": _prf(tp, n_ref, n_oth),
            "macro_f1": round(sum(f1s) / len(f1s), 4) if f1s else None,
            "attributes": attributes, "per_document": per_doc}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("reference", type=Path)
    ap.add_argument("other", type=Path)
    ap.add_argument("--ids", nargs="*", help="compare only these document ids")
    ap.add_argument("--json", action="store_true", help="print the full result as JSON")
    ap.add_argument("--disagreements", action="store_true", help="list the differing triples per document")
    args = ap.parse_args(argv)
    res = agreement(load(args.reference), load(args.other), set(args.ids) if args.ids else None)
    if args.json:
        print(json.dumps(res, indent=1))
        return 0
    m = res["micro"]
    print(f"documents: {res['documents']}")
    print(f"triples: reference {m['reference']}, other {m['other']}, matched {m['tp']}")
    print(f"micro P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}   macro F1 {res['macro_f1']}")
    for att, a in res["attributes"].items():
        print(f"{att}: {a['agree']}/{a['matched']} matched triples agree "
              f"(proportion {a['proportion']}, kappa {a['kappa']}; "
              f"true in reference {a['true_in_reference']}, in other {a['true_in_other']})")
    if args.disagreements:
        for i, d in res["per_document"].items():
            if d["only_reference"] or d["only_other"] or d["attribute_disagreements"]:
                print(f"\n== {i}  P {d['precision']} R {d['recall']} F1 {d['f1']}")
                for t in d["only_reference"]:
                    print("  only reference:", *t)
                for t in d["only_other"]:
                    print("  only other:    ", *t)
                for t in d["attribute_disagreements"]:
                    print("  attribute:     ", *t[0], t[1], "ref", t[2], "other", t[3])
    return 0


if __name__ == "__main__":
    sys.exit(main())
