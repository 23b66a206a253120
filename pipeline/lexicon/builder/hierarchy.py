"""The concept hierarchy table (``hierarchy.tsv.gz``): ``(child, parent)`` pairs of lexicon concepts.

Sources: Cell Ontology ``is_a`` (``SubClassOf`` axioms and the genus of ``EquivalentClasses``
intersections, which is how CL states that a bone-marrow MSC is an MSC), MeSH tree numbers (a
descriptor's parent is the descriptor one tree level up, both mapped to their lexicon concept
as the lexicon maps them) and FamPlex ``isa``/``partof`` relations (genes to families, families
to families). Only pairs whose two ends are concepts of the lexicon are kept. HGNC gene groups
are not in the bundled HGNC table (no group column), so FamPlex stands in for them.

>>> _parent_tree("C06.552.630")
'C06.552'
>>> _parent_tree("C06") is None
True
"""
from __future__ import annotations

import csv
import gzip
import re
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ...errors import LexiconError
from ..hierarchy import HierarchyRow, write_hierarchy_tsv
from .hgnc import Genes
from .mesh import MeshIndex

__all__ = ["cl_isa", "mesh_isa", "famplex_isa", "build_hierarchy"]

_CL_SUB = re.compile(r"^SubClassOf\(obo:(CL_\d{7}) obo:(CL_\d{7})\)")
_CL_EQ = re.compile(r"^EquivalentClasses\(obo:(CL_\d{7}) ObjectIntersectionOf\(obo:(CL_\d{7}) ")


def _parent_tree(tree: str) -> str | None:
    head, dot, _ = tree.rpartition(".")
    return head if dot else None


def cl_isa(path: Path) -> Iterator[tuple[str, str, str]]:
    """``(child, parent, "CL")`` from the CL OWL functional syntax file."""
    if not path.exists():
        raise LexiconError(f"{path} not found; pass the shared resources folder")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            m = _CL_SUB.match(line) or _CL_EQ.match(line)
            if m:
                yield m.group(1).replace("_", ":"), m.group(2).replace("_", ":"), "CL"


def mesh_isa(mesh: MeshIndex, gene_type: Callable[[str], str]
             ) -> Iterator[tuple[str, str, str]]:
    """``(child, parent, "MESH")`` from tree numbers, ends mapped as the lexicon maps them."""
    by_tree = {t: ui for ui, trees in mesh.trees.items() for t in trees}
    concept: dict[str, str | None] = {}

    def concept_of(ui: str) -> str | None:
        if ui not in concept:
            cls = mesh.classify(ui, gene_type)
            concept[ui] = cls[1] if cls else None
        return concept[ui]

    for ui in sorted(mesh.trees):
        child = concept_of(ui)
        if child is None:
            continue
        for t in mesh.trees[ui]:
            up = _parent_tree(t)
            parent = concept_of(by_tree[up]) if up in by_tree else None
            if parent is not None:
                yield child, parent, "MESH"


def famplex_isa(relations: Path, genes: Genes) -> Iterator[tuple[str, str, str]]:
    """``(child, parent, "FPLX")`` from FamPlex ``relations.csv`` (``isa`` and ``partof``)."""
    if not relations.exists():
        raise LexiconError(f"{relations} not found; pass the shared resources folder")

    def ident(ns: str, name: str) -> str | None:
        if ns == "FPLX":
            return "FPLX:" + name
        if ns == "HGNC":
            return genes.by_symbol.get(name)
        return None

    with open(relations, encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            if len(row) == 5 and row[2] in ("isa", "partof"):
                c, p = ident(row[0], row[1]), ident(row[3], row[4])
                if c and p:
                    yield c, p, "FPLX"


def build_hierarchy(pairs: Iterable[tuple[str, str, str]], names: dict[str, str],
                    out_path: Path) -> int:
    """Keep the pairs between lexicon concepts (``names``: concept -> name), write, count rows."""
    seen: dict[tuple[str, str], str] = {}
    for child, parent, source in pairs:
        if child != parent and child in names and parent in names:
            seen.setdefault((child, parent), source)
    rows = [HierarchyRow(c, p, s, names[c], names[p]) for (c, p), s in sorted(seen.items())]
    return write_hierarchy_tsv(rows, out_path)
