"""Sub-token keys: how terms and token texts are compared when matching.

A text is split into letter runs, digit runs and single punctuation marks; hyphens and
spaces are ignored, Greek letters become their names (``TGF-β1`` = ``TGF beta 1`` =
``TGFbeta1``) and plural ``-s`` is stripped (``MSCs`` = ``MSC``). Each sub-token has a
lowercase key (matching) and an exact key (case rules of case-sensitive entries).

>>> [k for k, _ in subtoken_keys("TGF-β1/Smad")]
['tgf', 'beta', '1', '/', 'smad']
"""
from __future__ import annotations

import re
from functools import lru_cache

from ...normalize import GREEK, singular

__all__ = ["SEP", "TYPE_PRIORITY", "subtoken_keys", "token_keys", "relaxed_case_ok", "slug"]

#: Joins the lowercase keys of a term into one dict key.
SEP = "\x1f"

#: Tie-break between types when one span maps to several concepts of equal priority.
TYPE_PRIORITY: dict[str, int] = {
    "CELL_TYPE": 7, "CYTOKINE": 6, "DISEASE": 5, "OUTCOME": 4, "THERAPY": 3, "PROCESS": 2,
    "MOLECULE": 1,
}

_GREEK_TABLE = str.maketrans({k: f" {v} " for k, v in GREEK.items()})
_GREEK_CAMEL = re.compile(r"(?<=[A-Z])(alpha|beta|gamma|delta|kappa)(?=[0-9A-Z]|\b)")
_SUB_RE = re.compile(r"[^\W\d_]+|\d+|[^\w\s-]")


@lru_cache(maxsize=200_000)
def subtoken_keys(text: str) -> tuple[tuple[str, str], ...]:
    """Split ``text`` into ``(lowercase key, exact key)`` pairs used for matching.

    >>> [k for k, _ in subtoken_keys("TGFbeta1")], [e for _, e in subtoken_keys("hMSCs")]
    (['tgf', 'beta', '1'], ['hMSC'])
    """
    if "\n" in text and not text.strip():
        return (("\n", "\n"),)
    if "a" in text and _GREEK_CAMEL.search(text):   # every Greek name has an "a"
        text = _GREEK_CAMEL.sub(r" \1 ", text)
    t = text.translate(_GREEK_TABLE)
    out = []
    for m in _SUB_RE.finditer(t):
        w = m.group()
        if w.isalpha():
            w = singular(w)
        out.append((w.lower(), w))
    return tuple(out)


_TOKEN_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def token_keys(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(lowercase keys, exact keys)`` of one token, memoized.

    >>> token_keys("MSCs"), token_keys("IL-6")
    ((('msc',), ('MSC',)), (('il', '6'), ('IL', '6')))
    """
    got = _TOKEN_KEYS.get(text)
    if got is None:
        if text.isascii() and text.isalpha() and (text.islower() or "a" not in text):
            # one letter run without a camel-case Greek name (all of them contain an "a"):
            # subtoken_keys gives the singular word
            w = singular(text)
            got = ((w.lower(),), (w,))
        else:
            subs = subtoken_keys(text)
            got = (tuple(lo for lo, _ in subs), tuple(ex for _, ex in subs))
        if len(_TOKEN_KEYS) > 500_000:
            _TOKEN_KEYS.clear()
        _TOKEN_KEYS[text] = got
    return got


def relaxed_case_ok(text: str) -> bool:
    """A text form with inner capitals or digits may match a case-sensitive entry; not a
    short one starting in lower case, which is a unit ("mM", "cM", "nM").

    >>> relaxed_case_ok("Tgfb1"), relaxed_case_ok("IL6"), relaxed_case_ok("mM")
    (True, True, False)
    """
    if len(text) <= 3 and text[:1].islower() and text.isalpha():
        return False
    return any(c.isdigit() for c in text) or any(c.isupper() for c in text[1:])


def slug(text: str) -> str:
    """The id part of a ``LOCAL:`` concept named by ``text``.

    >>> slug("MCF-7"), slug("HepG2"), slug("HSC-T6")
    ('mcf_7', 'hepg2', 'hsc_t6')
    """
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
