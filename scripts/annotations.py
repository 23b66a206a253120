#!/usr/bin/env python3
"""Loader and checker of the relation-training annotations (corpora/annotations/train_relations.jsonl).

The annotation file is stand-off only: it holds offsets, types, concept ids and relations, never
the text. The texts are read from the training splits of three public corpora under ``../shared``
(the directory next to the repository checkout), and every record is verified against the
SHA-256 of its text before use.

  python scripts/annotations.py check            [--shared DIR] [--annotations FILE]
  python scripts/annotations.py stats            [--annotations FILE]
  python scripts/annotations.py export-gold OUT  [--shared DIR] [--annotations FILE]

``export-gold`` writes the gold format of docs/annotation-guidelines (with ``text``, entity
``text`` and relation ``sentence``) so that ``../shared/tools/goldtool.py`` can validate and score
against it. Because that file contains third-party text it refuses to write inside the repository;
write it to /tmp or another local scratch path.

Record format (one JSON object a line)::

  {"id": "biored:12345" | "jnlpba:12345" | "ncbi:12345", "source": "<corpus>/<file>",
   "text_sha256": "...", "entities": [{"start", "end", "type", "concept"}],
   "relations": [{"subject", "predicate", "object", "negated", "hedged", "sentence_start",
                  "sentence_end", "subject_span": [s, e], "object_span": [s, e]}],
   "annotator": "pass1" | "pass1+check"}

Document text is ``title + "\\n" + abstract``; offsets are character offsets into it, end exclusive.

>>> rec = {"id": "x:1", "text_sha256": sha256_text("ab cd"), "entities": [
...     {"start": 0, "end": 2, "type": "MOLECULE", "concept": "LOCAL:a"},
...     {"start": 3, "end": 5, "type": "DISEASE", "concept": "LOCAL:b"}],
...   "relations": [{"subject": "LOCAL:a", "predicate": "INCREASES", "object": "LOCAL:b", "negated": False,
...     "hedged": False, "sentence_start": 0, "sentence_end": 5, "subject_span": [0, 2],
...     "object_span": [3, 5]}]}
>>> check_record(rec, "ab cd")
[]
>>> rec["relations"][0]["object_span"] = [3, 4]
>>> check_record(rec, "ab cd")
['x:1: relation 0 object_span [3, 4] is not an entity']
"""
from __future__ import annotations

import argparse
import collections
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_ANNOTATIONS = REPO / "corpora" / "annotations" / "train_relations.jsonl"
DEFAULT_SHARED = REPO.parent / "shared"

TYPES = {"CELL_TYPE", "CYTOKINE", "MOLECULE", "DISEASE", "OUTCOME", "PROCESS", "THERAPY"}
PREDICATES = {"INCREASES", "DECREASES", "SECRETES", "DIFFERENTIATES_INTO", "TREATS"}
CONCEPT_RE = re.compile(r"^(CL|HGNC|FPLX|CHEBI|MESH|GO|HP|LOCAL):\S+$|^TEXT:.+$")

sys.path.insert(0, str(REPO))
from pipeline.nlp.relations.training import (BIORED_TRAIN, JNLPBA_TRAIN_PREFIX,  # noqa: E402
                                             load_texts,
                                             sha256_text)


def source_of(doc_id: str) -> str:
    corpus, pmid = doc_id.split(":", 1)
    return {"biored": "biored/Train.PubTator",
            "ncbi": "ncbi_disease/NCBItrainset_corpus.txt",
            "jnlpba": f"jnlpba/jnlpba_standoff_train_test.tar.gz:{JNLPBA_TRAIN_PREFIX}{pmid}.txt"}[corpus]


def load_records(path: Path = DEFAULT_ANNOTATIONS) -> list[dict]:
    """The stand-off records (no texts)."""
    from pipeline.nlp.relations.training import load_records as load
    return load(path)


def check_record(rec: dict, text: str | None) -> list[str]:
    """All problems of one record (empty list when it is consistent with its text)."""
    rid = rec.get("id", "?")
    errs: list[str] = []
    if text is None:
        return [f"{rid}: no text found in the training splits"]
    if rec.get("text_sha256") != sha256_text(text):
        return [f"{rid}: text_sha256 does not match the source text"]
    n = len(text)
    spans = {}
    ents = sorted(rec.get("entities", []), key=lambda e: (e["start"], e["end"]))
    for e in ents:
        s, t = e["start"], e["end"]
        if not (0 <= s < t <= n):
            errs.append(f"{rid}: entity span [{s}, {t}] outside the text")
            continue
        if text[s:t] != text[s:t].strip():
            errs.append(f"{rid}: entity span [{s}, {t}] has leading/trailing whitespace")
        if e.get("type") not in TYPES:
            errs.append(f"{rid}: entity [{s}, {t}] has bad type {e.get('type')!r}")
        if not CONCEPT_RE.match(e.get("concept") or ""):
            errs.append(f"{rid}: entity [{s}, {t}] has bad concept {e.get('concept')!r}")
        spans[(s, t)] = e
    for a, b in zip(ents, ents[1:]):
        if b["start"] < a["end"]:
            errs.append(f"{rid}: entities [{a['start']}, {a['end']}] and [{b['start']}, {b['end']}] overlap")
    for i, r in enumerate(rec.get("relations", [])):
        if r.get("predicate") not in PREDICATES:
            errs.append(f"{rid}: relation {i} has bad predicate {r.get('predicate')!r}")
        if not isinstance(r.get("negated"), bool) or not isinstance(r.get("hedged"), bool):
            errs.append(f"{rid}: relation {i} negated/hedged must be booleans")
        if r.get("subject") == r.get("object"):
            errs.append(f"{rid}: relation {i} is a self-loop")
        ss, se = r.get("sentence_start", -1), r.get("sentence_end", -1)
        if not (0 <= ss < se <= n):
            errs.append(f"{rid}: relation {i} sentence span [{ss}, {se}] outside the text")
        for role in ("subject", "object"):
            span = tuple(r.get(f"{role}_span") or ())
            ent = spans.get(span)
            if ent is None:
                errs.append(f"{rid}: relation {i} {role}_span {list(span)} is not an entity")
                continue
            if ent["concept"] != r.get(role):
                errs.append(f"{rid}: relation {i} {role} {r.get(role)!r} differs from the concept "
                            f"{ent['concept']!r} of its span")
            if not (ss <= span[0] and span[1] <= se):
                errs.append(f"{rid}: relation {i} {role}_span {list(span)} outside its sentence span")
    return errs


def check(records: list[dict], texts: dict[str, str]) -> list[str]:
    errs = []
    seen = set()
    for rec in records:
        if rec["id"] in seen:
            errs.append(f"{rec['id']}: duplicate record")
        seen.add(rec["id"])
        errs.extend(check_record(rec, texts.get(rec["id"])))
    return errs


def to_gold(rec: dict, text: str) -> dict:
    """One record in the gold format of the guidelines (with text; for local use only)."""
    return {
        "id": rec["id"],
        "text": text,
        "entities": [{"start": e["start"], "end": e["end"], "text": text[e["start"]:e["end"]],
                      "type": e["type"], "concept": e["concept"]} for e in rec["entities"]],
        "relations": [{"subject": r["subject"], "predicate": r["predicate"], "object": r["object"],
                       "negated": r["negated"], "hedged": r["hedged"],
                       "sentence": text[r["sentence_start"]:r["sentence_end"]]}
                      for r in rec["relations"]],
    }


def export_gold(records: list[dict], texts: dict[str, str], out: Path) -> int:
    out = Path(out).resolve()
    if REPO == out or REPO in out.parents:
        raise SystemExit(f"refusing to write texts inside the repository: {out}")
    errs = check(records, texts)
    if errs:
        raise SystemExit("annotations do not check out:\n" + "\n".join(errs[:20]))
    with open(out, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(to_gold(rec, texts[rec["id"]]), ensure_ascii=False) + "\n")
    return len(records)


def stats(records: list[dict]) -> dict:
    preds = collections.Counter(r["predicate"] for rec in records for r in rec["relations"])
    types = collections.Counter(e["type"] for rec in records for e in rec["entities"])
    return {
        "documents": len(records),
        "documents_by_corpus": dict(collections.Counter(rec["id"].split(":")[0] for rec in records)),
        "entities": sum(len(rec["entities"]) for rec in records),
        "entities_by_type": dict(sorted(types.items())),
        "relations": sum(len(rec["relations"]) for rec in records),
        "relations_by_predicate": dict(sorted(preds.items())),
        "negated": sum(r["negated"] for rec in records for r in rec["relations"]),
        "hedged": sum(r["hedged"] for rec in records for r in rec["relations"]),
        "distinct_triples": sum(len({(r["subject"], r["predicate"], r["object"]) for r in rec["relations"]})
                                for rec in records),
        "annotator": dict(collections.Counter(rec.get("annotator") for rec in records)),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("command", choices=["check", "stats", "export-gold"])
    ap.add_argument("out", nargs="?", help="output path for export-gold (outside the repository)")
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--annotations", type=Path, default=DEFAULT_ANNOTATIONS)
    args = ap.parse_args(argv)
    records = load_records(args.annotations)
    if args.command == "stats":
        print(json.dumps(stats(records), indent=2))
        return 0
    texts = load_texts(args.shared, {r["id"] for r in records})
    if args.command == "check":
        errs = check(records, texts)
        for e in errs:
            print(e)
        print(f"{len(records)} records, {len(errs)} problems")
        return 1 if errs else 0
    if not args.out:
        ap.error("export-gold needs an output path")
    n = export_gold(records, texts, Path(args.out))
    print(f"wrote {n} gold records to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
