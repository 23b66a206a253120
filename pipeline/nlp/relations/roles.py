"""Argument roles the sentence's grammar rules out, shared by the rules and the learned model.

The rules read some constructions as *not* stating a relation for a mention in one role: the
cell before a process names whose process it is ("reduced hepatocyte apoptosis" acts on
apoptosis, not on hepatocytes), and the treatment of the animals some cells come from is not
what those cells do ("DCs from MSC-treated mice secreted less IL-12"). The learned model only
sees word features, so without this it re-adds exactly those pairs; :func:`denied_roles` lists
them so the model leaves them alone too.

>>> from pipeline.model import Mention as M
>>> from pipeline.nlp.relations.units import Unit
>>> hep = M(13, 23, "hepatocyte", "CELL_TYPE", "CL:0000182", "hepatocyte")
>>> apo = M(24, 33, "apoptosis", "PROCESS", "GO:0006915", "apoptotic process")
>>> sorted(denied_roles([Unit("mscs"), Unit("reduced"), Unit("hepatocyte", hep),
...                      Unit("apoptosis", apo)]))
[(13, 23, 'object')]
"""
from __future__ import annotations

from typing import Sequence

from .subjects import source_treatment
from .units import Unit
from .words import CELL_CARRY

__all__ = ["Role", "DENIED_KEY", "denied_roles"]

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
