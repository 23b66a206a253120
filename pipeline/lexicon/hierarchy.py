"""The concept hierarchy (broader / narrower concepts of the lexicon) and its TSV format.

``pipeline/data/hierarchy.tsv.gz`` (written by ``mscgraph lexicon build``, see
:mod:`pipeline.lexicon.builder.hierarchy`) holds one ``(child, parent)`` pair per line with the
source ontology and both names::

    child  parent  source  child_name  parent_name

>>> h = Hierarchy([HierarchyRow("CL:0002540", "CL:0000134", "CL", "BM-MSC", "MSC"),
...                HierarchyRow("CL:0000134", "CL:0000048", "CL", "MSC", "stem cell")])
>>> h.broader("CL:0002540"), h.narrower("CL:0000048", transitive=True)
(('CL:0000134',), ('CL:0000134', 'CL:0002540'))
"""
from __future__ import annotations

import functools
import gzip
from pathlib import Path
from typing import Iterable, NamedTuple

from ..errors import LexiconError
from .entries import DATA_DIR

__all__ = ["DEFAULT_HIERARCHY", "HierarchyRow", "Hierarchy", "default_hierarchy",
           "write_hierarchy_tsv"]

DEFAULT_HIERARCHY = DATA_DIR / "hierarchy.tsv.gz"
_HEADER = "child\tparent\tsource\tchild_name\tparent_name\n"


class HierarchyRow(NamedTuple):
    """One ``child is_a / part_of parent`` pair."""

    child: str
    parent: str
    source: str
    child_name: str = ""
    parent_name: str = ""


class Hierarchy:
    """Parent and child links between concept ids (a DAG; cycles are tolerated, not followed)."""

    def __init__(self, rows: Iterable[HierarchyRow]) -> None:
        self._parents: dict[str, set[str]] = {}
        self._children: dict[str, set[str]] = {}
        self.names: dict[str, str] = {}
        for r in rows:
            self._parents.setdefault(r.child, set()).add(r.parent)
            self._children.setdefault(r.parent, set()).add(r.child)
            if r.child_name:
                self.names.setdefault(r.child, r.child_name)
            if r.parent_name:
                self.names.setdefault(r.parent, r.parent_name)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Hierarchy":
        """Read a hierarchy table (default: the committed ``hierarchy.tsv.gz``)."""
        path = Path(path) if path is not None else DEFAULT_HIERARCHY
        if not path.exists():
            raise LexiconError(f"{path} not found; run 'mscgraph lexicon build'")
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            next(fh, None)
            return cls(HierarchyRow(*line.rstrip("\n").split("\t")) for line in fh if line.strip())

    def __len__(self) -> int:
        return sum(len(v) for v in self._parents.values())

    def _walk(self, links: dict[str, set[str]], concept: str, transitive: bool
              ) -> tuple[str, ...]:
        found: set[str] = set()
        todo = [concept]
        while todo:
            for nxt in links.get(todo.pop(), ()):
                if nxt not in found and nxt != concept:
                    found.add(nxt)
                    if transitive:
                        todo.append(nxt)
        return tuple(sorted(found))

    def broader(self, concept: str, *, transitive: bool = False) -> tuple[str, ...]:
        """Parent concepts (all ancestors when ``transitive``), sorted."""
        return self._walk(self._parents, concept, transitive)

    def narrower(self, concept: str, *, transitive: bool = False) -> tuple[str, ...]:
        """Child concepts (all descendants when ``transitive``), sorted."""
        return self._walk(self._children, concept, transitive)


@functools.lru_cache(maxsize=1)
def default_hierarchy() -> Hierarchy:
    """The committed hierarchy, loaded once."""
    return Hierarchy.load()


def write_hierarchy_tsv(rows: Iterable[HierarchyRow], out_path: str | Path) -> int:
    """Write rows (sorted by the caller) as gzip TSV with mtime 0; returns the row count."""
    rows = list(rows)
    buf = _HEADER + "".join("\t".join(r) + "\n" for r in rows)
    with open(out_path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                                    compresslevel=9, mtime=0) as gz:
        gz.write(buf.encode("utf-8"))
    return len(rows)
