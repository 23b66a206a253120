"""Text normalization before NLP (with an offset map back to the original), and the word
normalizations shared by matching: the one Greek-letter table and :func:`singular`.

PubMed abstracts, trial registry texts and PDF extracts arrive with layout noise that breaks
tokenization and dictionary matching. :func:`normalize_text` repairs it and keeps a compact
map so that every span found in the normalized text can be reported with offsets into the
ORIGINAL text (gold offsets index the original; gold spans may contain ``"\\n"``).

What is normalized
------------------
- PDF-style line breaks: a single newline inside a paragraph becomes a space
  (``"fibrosis\\nresolution"``); a newline after a hyphen is removed (``"BM-\\nMSCs"`` ->
  ``"BM-MSCs"``). The first newline (title / abstract boundary), blank lines, newlines after
  sentence punctuation and before section labels stay hard newlines.
- Unicode dashes and minus signs -> ``-``; exotic spaces (no-break, thin, ...) -> space;
  soft hyphens and zero-width characters are dropped.
- Ligatures (``ﬁ`` -> ``fi``) and odd glyphs: micro sign -> ``μ``, German ``ß`` between a
  symbol and a digit -> ``β``, and the OCR confusion of ``β`` with ``f`` in gene symbols
  (``"TGF-f1"`` -> ``"TGF-β1"``).

Not supported: de-hyphenation of ordinary words split at a line end (``"fibro-\\nsis"`` keeps
its hyphen, since a hyphen may be part of the word), or any change of letter case.

Example
-------
>>> n = normalize_text("Title\\nBM-\\nMSCs and TGF-f1 for a long-awaited fibrosis\\nresolution")
>>> n.text
'Title\\nBM-MSCs and TGF-β1 for a long-awaited fibrosis resolution'
>>> start, end = n.to_original(6, 13)
>>> n.original[start:end]
'BM-\\nMSCs'
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

__all__ = ["NormalizedText", "normalize_text", "CHAR_MAP", "GREEK", "singular"]

#: Greek letters and the names they are matched as (``TGF-β1`` = ``TGF beta 1``): the one table
#: of the project (the lexicon's keys and the matcher's keys both spell letters out with it).
GREEK: dict[str, str] = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu",
    "ξ": "xi", "ο": "omicron", "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma", "τ": "tau",
    "υ": "upsilon", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega", "µ": "mu", "ϒ": "upsilon",
}
GREEK.update({k.upper(): v for k, v in list(GREEK.items()) if k.upper() != k and k != "ς"})


def singular(w: str) -> str:
    """The singular of one letter run as matching sees it (plural ``-s`` stripped).

    >>> singular("MSCs"), singular("therapies"), singular("fibrosis"), singular("IL")
    ('MSC', 'therapy', 'fibrosis', 'IL')
    """
    if len(w) >= 3 and w[-1] == "s" and w[-2].isupper():
        return w[:-1]                                # MSCs, DCs, EVs, hMSCs
    if len(w) >= 4 and w[-1] == "s" and not w.isupper():
        lw = w.lower()
        if lw.endswith("ies") and len(w) > 4:
            return w[:-3] + "y"
        if lw.endswith(("ss", "us", "is")):
            return w
        return w[:-1]
    return w


#: Single characters replaced by a string ("" deletes the character).
CHAR_MAP: dict[str, str] = {
    # dashes, hyphens and minus signs
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\ufe58": "-", "\ufe63": "-", "\uff0d": "-", "\u2043": "-",
    # spaces
    "\u00a0": " ", "\u2000": " ", "\u2001": " ", "\u2002": " ", "\u2003": " ", "\u2004": " ",
    "\u2005": " ", "\u2006": " ", "\u2007": " ", "\u2008": " ", "\u2009": " ", "\u200a": " ",
    "\u202f": " ", "\u205f": " ", "\u3000": " ", "\t": " ", "\r": " ", "\x0b": " ", "\x0c": " ",
    # invisible characters
    "\u00ad": "", "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
    # ligatures
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
    "\ufb05": "st", "\ufb06": "st",
    # glyph look-alikes
    "\u00b5": "\u03bc",   # micro sign -> Greek mu
    "\u03d0": "\u03b2",   # curled beta
    "\u2032": "'", "\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
    "\u2044": "/", "\u2215": "/",
}

_CHAR_CLASS = "[" + re.escape("".join(CHAR_MAP)) + "]"
_SECTION_RE = re.compile(r"[A-Z][A-Z /&-]{2,40}(?::|\n|$)")
_TOKEN_RE = re.compile(
    "(?P<char>" + _CHAR_CLASS + ")"
    # OCR'd beta in gene symbols: "TGF-f1" (f for beta), "TGFß1", "IL-1ß" (sharp s for beta);
    # each branch starts with its character (the look-behind repeats it) so that the regex
    # engine can skip ahead to candidate characters
    + r"|(?P<beta>f(?<=[A-Z]{2}-f)(?=\d\b)|ß(?<=[A-Z0-9-]ß))"
    + r"|(?P<nl>\n)"
)


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """A normalized text and the map from its offsets to those of ``original``.

    ``segments`` is a sorted list of ``(norm_start, orig_start, norm_len, orig_len)``
    covering every replaced stretch; outside those stretches offsets shift by a constant.
    """

    text: str
    original: str
    segments: tuple[tuple[int, int, int, int], ...] = field(default=())
    # the segments' norm_start values, computed once (not per mapped span: that is quadratic)
    _starts: list[int] = field(init=False, repr=False, compare=False, default_factory=list)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", [s[0] for s in self.segments])

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of :attr:`text` to a span of :attr:`original`.

        A span boundary falling inside a replaced stretch extends to cover all of it.
        """
        if not self.segments:
            return start, end
        starts = self._starts
        a = self._map(start, starts, is_end=False)
        if end <= start:
            return a, a
        return a, max(a, self._map(end, starts, is_end=True))

    def _map(self, pos: int, starts: list[int], *, is_end: bool) -> int:
        probe = pos - 1 if is_end and pos > 0 else pos
        i = bisect.bisect_right(starts, probe) - 1
        if i < 0:
            return pos
        n0, o0, nl, ol = self.segments[i]
        if probe < n0 + nl:  # inside a replaced stretch
            return o0 + ol if is_end else o0
        return pos - (n0 + nl) + (o0 + ol)

    def to_json(self) -> dict[str, object]:
        """Plain-data form (for ``Doc.user_data``, which must be msgpack-serializable)."""
        return {"original": self.original, "segments": [list(s) for s in self.segments]}

    @classmethod
    def from_json(cls, text: str, d: dict[str, object]) -> "NormalizedText":
        segs = tuple(tuple(s) for s in d.get("segments", ()))  # type: ignore[union-attr]
        return cls(text, str(d.get("original", text)), segs)  # type: ignore[arg-type]


def _newline_replacement(text: str, i: int, first_nl: int) -> str:
    """What the newline at ``text[i]`` becomes: ``"\\n"`` (hard), ``" "`` or ``""``."""
    if i == first_nl:
        return "\n"
    prev = text[i - 1] if i > 0 else "\n"
    nxt = text[i + 1] if i + 1 < len(text) else "\n"
    if prev == "\n" or nxt == "\n":
        return "\n"
    if prev in ".!?:;":
        return "\n"
    if prev == "-" and i >= 2 and text[i - 2].isalnum():
        return ""
    line_start = text.rfind("\n", 0, i) + 1
    if i - line_start < 40:  # a short line: a heading, label or list item
        return "\n"
    if _SECTION_RE.match(text, i + 1):
        return "\n"
    return " "


def normalize_text(text: str) -> NormalizedText:
    """Normalize ``text`` for NLP; see the module docstring for what changes.

    Parameters
    ----------
    text : str
        The original text (title, newline, abstract).

    Returns
    -------
    NormalizedText
        The normalized text with :meth:`NormalizedText.to_original` mapping spans back.

    >>> normalize_text("IL\\u20106").text
    'IL-6'
    """
    if not text:
        return NormalizedText("", text)
    # the title / abstract boundary: the first newline after the first visible character
    # (a text starting with blank lines would otherwise run the title into the abstract)
    lead = len(text) - len(text.lstrip())
    first_nl = text.find("\n", lead)
    out: list[str] = []
    segments: list[tuple[int, int, int, int]] = []
    pos = 0
    npos = 0
    for m in _TOKEN_RE.finditer(text):
        s = m.start()
        if s > pos:
            out.append(text[pos:s])
            npos += s - pos
        kind = m.lastgroup
        if kind == "char":
            rep = CHAR_MAP[m.group()]
        elif kind == "beta":
            rep = "\u03b2"
        else:
            rep = _newline_replacement(text, s, first_nl)
        orig = m.group()
        if rep != orig:
            if len(rep) == len(orig):
                # same length: offsets do not move, no segment needed
                pass
            else:
                segments.append((npos, s, len(rep), len(orig)))
        out.append(rep)
        npos += len(rep)
        pos = m.end()
    out.append(text[pos:])
    return NormalizedText("".join(out), text, tuple(segments))
