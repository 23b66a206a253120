"""Cell Ontology labels and synonyms (read line by line from the OWL functional syntax)."""
from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Iterator

from ...errors import LexiconError
from ..entries import PRIORITY_EXACT, PRIORITY_LABEL, PRIORITY_RELATED, PRIORITY_WEAK
from .candidates import Candidate, usable_term

__all__ = ["read_cl"]

_CL_ANN = re.compile(r'^AnnotationAssertion\((.*?)(rdfs:label|oboInOwl:has(Exact|Related|Narrow|'
                     r'Broad)?Synonym|owl:deprecated) obo:(CL_\d{7}) "((?:[^"\\]|\\.)*)"')


def read_cl(path: Path) -> tuple[dict[str, str], list[tuple[str, str]], Iterator[Candidate]]:
    """CL labels, exact synonyms ``(text, id)`` and a generator of label/synonym candidates."""
    if not path.exists():
        raise LexiconError(f"{path} not found; pass the shared resources folder")
    labels: dict[str, str] = {}
    syns: list[tuple[str, str, str, bool]] = []
    deprecated: set[str] = set()
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("AnnotationAssertion("):
                continue
            m = _CL_ANN.match(line)
            if not m:
                continue
            ann, prop, scope, cid, text = m.groups()
            cid = cid.replace("_", ":")
            text = text.replace('\\"', '"')
            if prop == "owl:deprecated":
                deprecated.add(cid)
            elif prop == "rdfs:label":
                labels[cid] = text
            else:
                syns.append((cid, text, scope or "", "OMO_0003000" in ann))
    labels = {c: t for c, t in labels.items()
              if c not in deprecated and not t.lower().startswith("obsolete")}
    exact = sorted((t, c) for c, t, scope, _ in syns if scope == "Exact" and c in labels)

    def gen() -> Iterator[Candidate]:
        for cid in sorted(labels):
            yield Candidate(labels[cid], "CELL_TYPE", cid, labels[cid], "CL", PRIORITY_LABEL)
        for cid, text, scope, abbrev in sorted(syns):
            if cid not in labels or scope == "Broad" or not usable_term(text, max_len=90):
                continue
            prio = {"Exact": PRIORITY_EXACT, "Narrow": PRIORITY_WEAK}.get(scope, PRIORITY_RELATED)
            yield Candidate(text, "CELL_TYPE", cid, labels[cid], "CL", prio)
    return labels, exact, gen()
