"""The lexicon's matching key: Greek letters spelled out, dashes unified, case rule.

See :mod:`pipeline.lexicon` for the full normalization contract shared with the NER matcher.

>>> normalize_key("TGF‐β1  signalling")
'tgf-beta1 signalling'
"""
from __future__ import annotations

import re

from ..normalize import GREEK

__all__ = ["normalize_surface", "normalize_key", "is_case_sensitive", "GREEK_NAMES"]

#: spelled Greek name -> (Greek letter, Latin one-letter abbreviation used in symbols)
GREEK_NAMES = {"alpha": ("α", "a"), "beta": ("β", "b"), "gamma": ("γ", "g"),
                "delta": ("δ", "d"), "kappa": ("κ", "k"), "epsilon": ("ε", "e")}
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d\u00ad"
_TRANSLATE = str.maketrans({**{c: "-" for c in _DASHES}, **GREEK,
                            "\u207a": "+", "\u2019": "'", "\u2018": "'", "\u02bc": "'",
                            "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2002": " ",
                            "\u2003": " ", "\u200b": ""})
_WS = re.compile(r"\s+")


def normalize_surface(text: str) -> str:
    """Greek letters spelled out, dashes unified, whitespace collapsed; case kept.

    >>> normalize_surface("NF‑κB  p65 ")
    'NF-kappaB p65'
    """
    if not text.isascii():
        text = text.translate(_TRANSLATE)
    if "  " in text or "\t" in text or "\n" in text or text[:1].isspace() or text[-1:].isspace():
        text = _WS.sub(" ", text).strip()
    return text


def normalize_key(text: str, case_sensitive: bool = False) -> str:
    """The matching key shared by the lexicon and the NER matcher.

    Parameters
    ----------
    text : str
        A term or a candidate span of text.
    case_sensitive : bool
        Keep case (for entries flagged ``case_sensitive``); otherwise lower-case.

    Returns
    -------
    str
        ``normalize_surface(text)``, lower-cased unless ``case_sensitive``.

    Examples
    --------
    >>> normalize_key("IL–10"), normalize_key("IL–10", case_sensitive=True)
    ('il-10', 'IL-10')
    """
    text = normalize_surface(text)
    return text if case_sensitive else text.lower()


_SYMBOLISH = re.compile(r"(?:\S[A-Z]|[0-9])")


def is_case_sensitive(term: str) -> bool:
    """Whether a term is a symbol/abbreviation that must match case exactly.

    Symbol-like means: an uppercase letter after the first character of a word, or a digit.
    Such a term is case-sensitive when it is short (at most 5 characters) or a single token
    (``TGF-beta1``, ``CXCL12``); multi-word phrases and ordinary words are not.

    >>> [is_case_sensitive(t) for t in ("ALT", "IL-10", "CXCL12", "Fever", "CD4+ T cells")]
    [True, True, True, False, False]
    """
    term = term.strip()
    if not _SYMBOLISH.search(term):
        return False
    return len(term) <= 5 or " " not in term
