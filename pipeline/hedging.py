"""Whether a relation is only asked about, not claimed: a question or a ``whether`` clause.

Assembly records such evidence as hedged whatever the relation rules said, and so does the
``predications`` table (:mod:`pipeline.predications`); this module sits below both (it needs
only the model), and :mod:`pipeline.context` re-exports :func:`speculative`.
"""
from __future__ import annotations

import re

from .model import Relation

__all__ = ["speculative"]

_RE_WHETHER = re.compile(r"\bwhether\b", re.IGNORECASE)
_RE_NOT_OPEN = re.compile(r"\b(?:regardless|irrespective|independent(?:ly)?) of\s+$", re.IGNORECASE)
_CLAUSE_BREAKS = (";", ":", ". ", ", but ", ", and ", ", while ", ", whereas ")


def speculative(relation: Relation) -> bool:
    """Whether a relation is only asked about: its sentence is a question (a title such as
    ``Do MSCs reduce fibrosis?``) or both its arguments follow a ``whether`` in one clause.

    The relation rules block a relation whose trigger sits in a ``whether`` clause; this catches
    what they let through, and assembly records such evidence as hedged.

    >>> from pipeline.model import Mention
    >>> s, o = Mention(3, 7, "MSCs", "CELL_TYPE"), Mention(15, 23, "fibrosis", "DISEASE")
    >>> speculative(Relation(s, "DECREASES", o, sentence="Do MSCs reduce fibrosis?"))
    True
    >>> speculative(Relation(s, "DECREASES", o, sentence="So MSCs reduce fibrosis."))
    False
    """
    sentence = relation.sentence.rstrip()
    if sentence.endswith("?"):
        return True
    first = min(relation.subject.start, relation.object.start) - relation.sentence_start
    last = max(relation.subject.end, relation.object.end) - relation.sentence_start
    if not 0 <= first <= last <= len(sentence):
        return False
    for m in _RE_WHETHER.finditer(sentence, 0, first):
        if _RE_NOT_OPEN.search(sentence, 0, m.start()):
            continue
        clause = sentence[m.end():last].lower()
        if not any(b in clause for b in _CLAUSE_BREAKS):
            return True
    return False
