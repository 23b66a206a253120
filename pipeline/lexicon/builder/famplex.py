"""FamPlex families and its grounding map (genes, families, ChEBI and MeSH groundings)."""
from __future__ import annotations

import csv
from pathlib import Path

from ...errors import LexiconError
from ..entries import PRIORITY_CURATED_LIST, PRIORITY_LABEL, PRIORITY_RELATED
from .candidates import Candidate, GeneType, usable_term
from .hgnc import Genes
from .mesh import MeshIndex

__all__ = ["CYTOKINE_FAMILIES", "read_famplex"]

#: FamPlex families typed CYTOKINE (all others MOLECULE)
CYTOKINE_FAMILIES = frozenset({
    "TGFB", "VEGF", "FGF", "PDGF", "PDGF_AA", "PDGF_AB", "PDGF_BB", "PDGF_CC", "PDGF_DD", "IL1",
    "IL12", "IL23", "IFNA", "IFNB", "Interferon", "TNF", "CCL", "Chemokine", "CXCL_ELR_negative",
    "CXCL_ELR_positive", "BMP", "EGFR_ligand", "IGF", "Wnt", "Wnt5", "Activin", "Inhibin",
    "Interleukin", "CSF"})


def read_famplex(fam_dir: Path, genes: Genes, gene_type: GeneType, mesh: MeshIndex) \
        -> tuple[set[str], list[Candidate]]:
    """FamPlex entity names and grounding-map candidates (families, genes, ChEBI, MeSH)."""
    ent_path = fam_dir / "entities.csv"
    gm_path = fam_dir / "grounding_map.csv"
    for p in (ent_path, gm_path):
        if not p.exists():
            raise LexiconError(f"{p} not found; pass the shared resources folder")
    entities = {line.strip() for line in ent_path.read_text(encoding="utf-8").splitlines()
                if line.strip()}
    out: list[Candidate] = []

    def fam_type(name: str) -> str:
        return "CYTOKINE" if name in CYTOKINE_FAMILIES else "MOLECULE"

    for e in sorted(entities):
        if "_" not in e and len(e) >= 3:
            # a family spelled like a gene symbol (INSR, TAC) ranks below the gene
            prio = PRIORITY_RELATED if e.upper() in genes.by_symbol else PRIORITY_LABEL
            out.append(Candidate(e, fam_type(e), "FPLX:" + e, e, "FPLX", prio,
                                 approved_symbol=True))
    with open(gm_path, encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            if len(row) < 3 or not row[0].strip() or not row[1]:
                continue
            text, db, gid = row[0].strip(), row[1], row[2]
            if db == "FPLX" and gid in entities:
                concept, etype, name = "FPLX:" + gid, fam_type(gid), gid
            elif db == "HGNC" and gid in genes.by_symbol:
                concept = genes.by_symbol[gid]
                etype, name = gene_type(concept), gid
            elif db == "UP" and gid in genes.by_uniprot:
                concept = genes.by_uniprot[gid]
                etype, name = gene_type(concept), genes.symbol[concept]
            elif db == "CHEBI":
                concept, etype = gid, "MOLECULE"
                name = mesh.target_name.get(gid, text)
            elif db == "MESH" and gid in mesh.name:
                cls = mesh.classify(gid, lambda h: gene_type(h))
                if cls is None:
                    continue
                etype, concept = cls
                name = genes.symbol.get(concept) or mesh.name[gid]
            else:
                continue
            if usable_term(text, max_len=60):
                out.append(Candidate(text, etype, concept, name, "FPLX", PRIORITY_CURATED_LIST))
    return entities, out
