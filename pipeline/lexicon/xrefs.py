"""Id equivalences (MeSH <-> GO/HGNC/CL/CHEBI, FamPlex) used to score groundings.

The table ``pipeline/data/xrefs.tsv.gz`` is written by
:func:`pipeline.lexicon.builder.build_xrefs`.
"""
from __future__ import annotations

import functools
import gzip
from collections import defaultdict
from pathlib import Path
from typing import Iterable, Mapping

from ..errors import LexiconError
from .entries import DEFAULT_XREFS

__all__ = ["load_xrefs", "same_concept"]

@functools.lru_cache(maxsize=4)
def _load_xrefs_cached(path: str) -> dict[str, frozenset[str]]:
    eq: dict[str, set[str]] = defaultdict(set)
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        next(fh, None)
        for line in fh:
            a, _, b = line.rstrip("\n").partition("\t")
            a, b = a.upper(), b.upper()
            eq[a].add(b)
            eq[b].add(a)
    return {k: frozenset(v) for k, v in eq.items()}


def load_xrefs(path: str | Path | None = None) -> dict[str, set[str]]:
    """Equivalent ids, keyed and valued in UPPER case like ``goldtool.same_concept``.

    >>> "GO:0006915" in load_xrefs()["MESH:D017209"]      # Apoptosis
    True
    """
    path = Path(path) if path is not None else DEFAULT_XREFS
    if not path.exists():
        raise LexiconError(f"{path} not found; run 'mscgraph lexicon build'")
    return {k: set(v) for k, v in _load_xrefs_cached(str(path)).items()}


def same_concept(a: str | None, b: str | None,
                 xrefs: Mapping[str, Iterable[str]] | None = None) -> bool:
    """Ids equal (case-insensitively) or cross-referenced (one hop), as goldtool scores them."""
    if not a or not b:
        return False
    if a.upper() == b.upper():
        return True
    table = xrefs if xrefs is not None else _load_xrefs_cached(str(DEFAULT_XREFS))
    return b.upper() in table.get(a.upper(), ())
