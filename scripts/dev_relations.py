#!/usr/bin/env python
"""Score relation extraction on GOLD entities (no NER needed).

Builds one spaCy Doc per gold document (blank English + sentencizer, gold entities as
``doc.ents``), runs :func:`pipeline.nlp.relations.extract_relations`, writes a system JSON Lines
file and scores it with ``../shared/tools/goldtool.py``.

    python scripts/dev_relations.py [--gold ../shared/corpora/gold/dev.jsonl] [--out sys.jsonl]
                                    [--errors]   # list missed / spurious triples per sentence
                                    [--ner]      # end-to-end: entities from pipeline.nlp.build_nlp
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from pipeline.model import Relation

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def gold_doc(nlp: Language, g: dict[str, Any]) -> Doc:
    """Doc of a gold record with its entities (overlaps dropped, spans expanded to tokens)."""
    doc = nlp.make_doc(g["text"])
    nl = g["text"].find("\n")          # title / abstract boundary is a sentence boundary
    for tok in doc:
        tok.is_sent_start = True if tok.i == 0 else (
            True if nl >= 0 and tok.idx > nl and doc[tok.i - 1].idx <= nl else None)
    doc = nlp.get_pipe("sentencizer")(doc)
    spans, taken = [], set()
    for e in sorted(g["entities"], key=lambda e: (e["start"], -e["end"])):
        sp = doc.char_span(e["start"], e["end"], label=e["type"],
                           kb_id=e.get("concept") or "", alignment_mode="expand")
        if sp is None or any(i in taken for i in range(sp.start, sp.end)):
            continue
        taken.update(range(sp.start, sp.end))
        spans.append(sp)
    doc.ents = spans
    return doc


def main(argv: list[str] | None = None) -> int:
    """Score relations on gold entities (or end to end with ``--ner``); goldtool's exit code."""
    import spacy

    from pipeline.evaluation import load_jsonl
    from pipeline.model import Mention
    from pipeline.nlp.relations import extract_relations

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", default=str(SHARED / "corpora/gold/dev.jsonl"))
    ap.add_argument("--out", default="/tmp/mscgraph_dev_relations.jsonl")
    ap.add_argument("--errors", action="store_true")
    ap.add_argument("--ner", action="store_true", help="score end to end with build_nlp()")
    a = ap.parse_args(argv)
    if a.ner:
        return end_to_end(a)
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    gold = load_jsonl(a.gold)
    t0 = time.process_time()
    docs = [gold_doc(nlp, g) for g in gold]
    t1 = time.process_time()
    lines = []
    for g, doc in zip(gold, docs):
        names = {e.get("concept") or "TEXT:" + e["text"].lower(): e["text"] for e in g["entities"]}

        def mention_of(span, names=names):
            return Mention(span.start_char, span.end_char, span.text, span.label_,
                           span.kb_id_ or None, names.get(span.kb_id_, span.text))
        rels = extract_relations(doc, mention_of=mention_of)
        lines.append({"id": g["id"], "entities": [
            {"start": e["start"], "end": e["end"], "type": e["type"], "concept": e.get("concept"),
             "text": e["text"]} for e in g["entities"]],
            "relations": [r.to_json() for r in rels]})
        if a.errors:
            show_errors(g, rels)
    t2 = time.process_time()
    print(f"{len(gold)} docs; relations {t2 - t1:.3f}s ({len(gold) / max(t2 - t1, 1e-9):.0f} docs/s), "
          f"docs built in {t1 - t0:.3f}s")
    return write_and_score(a, lines)


def write_and_score(a: argparse.Namespace, lines: list[dict[str, Any]]) -> int:
    """Write the system records to ``a.out`` and score them against ``a.gold`` with goldtool."""
    Path(a.out).write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    tool = SHARED / "tools/goldtool.py"
    return subprocess.call([sys.executable, str(tool), "score", a.gold, a.out])


def end_to_end(a: argparse.Namespace) -> int:
    """Run the full pipeline (NER + relations) on the gold texts and score it."""
    from pipeline.evaluation import load_jsonl
    from pipeline.nlp import build_nlp, doc_mentions

    gold = load_jsonl(a.gold)
    nlp = build_nlp(relations=True)
    texts = [g["text"] for g in gold]
    list(nlp.pipe(texts[:2]))                       # warm up caches
    t0 = time.process_time()
    docs = list(nlp.pipe(texts))
    dt = time.process_time() - t0
    lines = []
    for g, doc in zip(gold, docs):
        rels = doc._.relations or []
        lines.append({"id": g["id"], "entities": [m.to_json() for m in doc_mentions(doc)],
                      "relations": [r.to_json() for r in rels]})
        if a.errors:
            show_errors(g, rels)
    print(f"{len(gold)} docs end to end in {dt:.3f}s CPU ({len(gold) / dt:.0f} docs/s)")
    return write_and_score(a, lines)


def show_errors(g: dict[str, Any], rels: Sequence[Relation]) -> None:
    """Print the missed (gold, not found) and spurious triples of one document by sentence."""
    name = {}
    for e in g["entities"]:
        name.setdefault(e.get("concept") or "TEXT:" + e["text"].lower(), e["text"].replace("\n", " "))
    gold = {(r["subject"], r["predicate"], r["object"]) for r in g["relations"] if not r.get("negated")}
    sys_ = {r.triple for r in rels if not r.negated}
    by_sent: dict[str, list[str]] = {}
    for r in g["relations"]:
        t = (r["subject"], r["predicate"], r["object"])
        if t in gold and t not in sys_:
            by_sent.setdefault(r.get("sentence", "").replace("\n", " "), []).append(
                f"  - MISS {name.get(t[0], t[0])} {t[1]} {name.get(t[2], t[2])}")
    for r in rels:
        if not r.negated and r.triple not in gold:
            by_sent.setdefault(r.sentence.replace("\n", " "), []).append(
                f"  + FP   {r.subject.text} {r.predicate} {r.object.text}"
                + (" [hedged]" if r.hedged else ""))
    for s, items in by_sent.items():
        print(f"# {g['id']}: {s}")
        print("\n".join(items))


if __name__ == "__main__":
    sys.exit(main())
