"""Argument roles the sentence's grammar rules out, shared by the rules and the learned model.

The rules read some constructions as *not* stating a relation for a mention in one role: the
cell before a process names whose process it is ("reduced hepatocyte apoptosis" acts on
apoptosis, not on hepatocytes), and the treatment of the animals some cells come from is not
what those cells do ("DCs from MSC-treated mice secreted less IL-12"). The learned model only
sees word features, so without this it re-adds exactly those pairs; :func:`denied_roles` lists
them so the model leaves them alone too.

Likewise two objects of one rule subject in a sentence are not related to each other: the
guidelines turn "X reduces Y by upregulating Z" into (X, Y) and (X, Z), never (Z, Y), and
coordinated objects ("increased IL-10 and decreased TNF-α") state nothing about each other
(:func:`co_object_pairs`).

>>> from pipeline.model import Mention as M
>>> from pipeline.nlp.relations.units import Unit
>>> hep = M(13, 23, "hepatocyte", "CELL_TYPE", "CL:0000182", "hepatocyte")
>>> apo = M(24, 33, "apoptosis", "PROCESS", "GO:0006915", "apoptotic process")
>>> sorted(denied_roles([Unit("mscs"), Unit("reduced"), Unit("hepatocyte", hep),
...                      Unit("apoptosis", apo)]))
[(13, 23, 'object')]
"""
from __future__ import annotations

from typing import Iterable, Sequence

from ...model import Relation

from .subjects import source_treatment
from .units import Unit
from .words import CELL_CARRY

__all__ = ["Role", "DENIED_KEY", "denied_roles", "co_object_pairs"]

#: ``Doc.user_data`` key where the component leaves a document's denied roles (for training).
DENIED_KEY = "mscgraph_denied_roles"

#: ``(start, end, "subject" | "object")`` of a mention in the original text.
Role = tuple[int, int, str]


def denied_roles(units: Sequence[Unit]) -> set[Role]:
    """Mentions of the sentence that cannot take a role (see the module docstring)."""
    u = list(units)
    out: set[Role] = set()
    for k, x in enumerate(u):
        m = x.mention
        if m is None:
            continue
        nxt = u[k + 1].mention if k + 1 < len(u) else None
        if m.type == "CELL_TYPE" and nxt is not None and nxt.type == "PROCESS" \
                and not any(w in nxt.text.lower() for w in CELL_CARRY):
            out.add((m.start, m.end, "object"))           # possessor of the process
        if source_treatment(u, k) is not None:
            out.add((m.start, m.end, "subject"))          # treatment of the source animals
    return out


def co_object_pairs(rules: Iterable[Relation]) -> set[tuple[tuple[int, int], tuple[int, int]]]:
    """Span pairs (both orders) of mentions that are objects of one subject in one sentence.

    >>> from pipeline.model import Mention as M
    >>> x, y, z = (M(0, 4, "MSCs", "CELL_TYPE", "CL:1"), M(14, 22, "fibrosis", "DISEASE", "D:1"),
    ...            M(42, 47, "MMP-9", "MOLECULE", "H:1"))
    >>> sorted(co_object_pairs([Relation(x, "DECREASES", y), Relation(x, "INCREASES", z)]))
    [((14, 22), (42, 47)), ((42, 47), (14, 22))]
    """
    groups: dict[tuple[int, int, int], set[tuple[int, int]]] = {}
    for r in rules:
        key = (r.sentence_start, r.subject.start, r.subject.end)
        groups.setdefault(key, set()).add((r.object.start, r.object.end))
    out: set[tuple[tuple[int, int], tuple[int, int]]] = set()
    for objs in groups.values():
        out.update((a, b) for a in objs for b in objs if a != b)
    return out
