"""What every resource reader yields (:class:`Candidate`) and the shared term filters."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

__all__ = ["Candidate", "GeneType", "usable_term", "split_list"]


@dataclass(frozen=True)
class Candidate:
    """A term proposed by one source, before variants and filtering."""

    term: str
    type: str
    concept: str
    name: str
    source: str
    priority: int
    approved_symbol: bool = False   # HGNC approved symbol / FamPlex entity name
    alias: bool = False             # gene alias or previous symbol (collision filter applies)
    variants: bool = True           # generate spelling variants
    case_sensitive: bool | None = None  # None: the automatic rule


#: HGNC id -> entity type (``CYTOKINE`` or ``MOLECULE``).
GeneType = Callable[[str], str]

_BAD_TERM = re.compile(r"[\[\]{};=]|\s-|-\s|^\W|\d{5,}")


def usable_term(term: str, *, max_len: int = 70, comma: bool = False) -> bool:
    """Whether a resource term is worth a lexicon row (length, no markup, not just digits).

    >>> usable_term("liver fibrosis"), usable_term("[obsolete] x"), usable_term("12345")
    (True, False, False)
    """
    t = term.strip()
    if len(t) < 2 or len(t) > max_len or _BAD_TERM.search(t) or (", " in t and not comma):
        return False
    if re.fullmatch(r"[\d\W_]+", t):          # pure numbers / punctuation
        return False
    return True


def split_list(field: str) -> list[str]:
    """Items of a comma-separated resource field (quotes and blanks dropped).

    >>> split_list('IL10, "CSIF",  ')
    ['IL10', 'CSIF']
    """
    return [x.strip().strip('"') for x in re.split(r",\s*", field or "") if x.strip()]
