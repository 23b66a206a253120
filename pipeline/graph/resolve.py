"""Concept names -> node ids (id, canonical name or synonym; case-insensitive).

A name shared by several concepts resolves to the most general one when all the others are
its narrower terms (``is_narrower``); otherwise it is ambiguous.

>>> from pipeline.assembly import ConceptRecord
>>> r = ConceptResolver({"HGNC:11766": ConceptRecord("HGNC:11766", "TGFB1", "CYTOKINE",
...                                                  ("TGF-β1",))})
>>> r.resolve("tgf-β1"), r.resolve("TGFB1")
('HGNC:11766', 'HGNC:11766')
"""
from __future__ import annotations

import difflib
from typing import Callable, Mapping

from ..assembly import ConceptRecord
from ..errors import PipelineError

__all__ = ["ConceptResolver", "ConceptLookupError", "UnknownConceptError",
           "AmbiguousConceptError"]


class ConceptLookupError(PipelineError, LookupError):
    """A concept name could not be resolved to exactly one node."""


class UnknownConceptError(ConceptLookupError):
    """No node has this id, name or synonym."""


class AmbiguousConceptError(ConceptLookupError):
    """Several nodes share this name or synonym; name one by id."""


class ConceptResolver:
    """An index of node ids, names and synonyms (lower-cased) over the graph's node records."""

    def __init__(self, nodes: Mapping[str, ConceptRecord],
                 is_narrower: Callable[[str, str], bool] | None = None) -> None:
        self._nodes = nodes
        self._is_narrower = is_narrower or (lambda a, b: False)
        self._index: dict[str, dict[str, set[str]]] = {"id": {}, "name": {}, "synonym": {}}
        for n, rec in nodes.items():
            self._index["id"].setdefault(n.lower(), set()).add(n)
            self._index["name"].setdefault(str(rec.name).lower(), set()).add(n)
            for syn in rec.synonyms:
                self._index["synonym"].setdefault(syn.lower(), set()).add(n)

    def resolve(self, name: str) -> str:
        """Concept id for an id, canonical name or synonym (case-insensitive).

        Raises
        ------
        UnknownConceptError
            Nothing matches (close names are suggested).
        AmbiguousConceptError
            Several concepts match and none is broader than all the others; the message
            lists them by id, name and type.
        """
        if name in self._nodes:
            return name
        idx = self._index
        key = name.strip().lower()
        for table in ("id", "name", "synonym"):
            hits = idx[table].get(key)
            if hits and len(hits) == 1:
                return next(iter(hits))
            if hits:
                top = [h for h in hits if all(o == h or self._is_narrower(o, h) for o in hits)]
                if len(top) == 1:
                    return top[0]
                cands = ", ".join(f"{c} ({self._nodes[c].name}, {self._nodes[c].type})"
                                  for c in sorted(hits))
                raise AmbiguousConceptError(f"{name!r} names several concepts: {cands}; "
                                            f"pass one of these ids instead")
        close = difflib.get_close_matches(key, list(idx["name"]) + list(idx["synonym"]), n=5)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise UnknownConceptError(f"no concept with id, name or synonym {name!r}{hint}")
