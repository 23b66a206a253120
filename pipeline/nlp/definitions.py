"""Abbreviation definitions (Schwartz & Hearst, 2003) found on plain token strings.

The algorithm of scispacy's ``AbbreviationDetector`` (the short form's characters matched
right to left inside the long form, the first one at a word start), reimplemented on token
strings so that no ``Span`` is built until a definition is final. Its output is identical to
scispacy's ``filter_matches`` + ``find_abbreviation`` on the same tokens
(``tests/nlp/test_abbreviations.py`` checks this):

* candidates are the tokens inside ``( ... )`` (at most 8, innermost, first closing bracket);
  nothing to do when a document has no ``(`` token;
* ``long form (SF)`` (1-3 tokens inside): the short form must pass :func:`short_form_ok`, the
  long form is searched in the ``min(n + 5, 2n)`` tokens before the bracket (``n`` = the short
  form's characters);
* ``SF (long form)`` (4-8 tokens inside): the short form is the token before the bracket;
* a short or long text already defined earlier in the document is not defined again.

Not supported: definitions without brackets, nested brackets.

Example
-------
>>> words = ["hepatic", "stellate", "cells", "(", "HSCs", ")", "proliferate"]
>>> find_definitions(words, [True, True, True, False, False, True, False])
[(4, 5, 0, 3)]
"""
from __future__ import annotations

from typing import Sequence

__all__ = ["Definition", "parenthesis_spans", "short_form_ok", "long_form_start",
           "find_definitions"]

#: ``(short_start, short_end, long_start, long_end)``: token indices of one definition.
Definition = tuple[int, int, int, int]


def _text(words: Sequence[str], ws: Sequence[bool], a: int, b: int) -> str:
    """The text of tokens ``[a, b)`` as ``Span.text`` gives it (no trailing space)."""
    if b - a == 1:
        return words[a]
    out = "".join([w + " " if s else w for w, s in zip(words[a:b], ws[a:b])])
    return out[:-1] if b > a and ws[b - 1] else out


def parenthesis_spans(words: Sequence[str], max_len: int = 8) -> list[tuple[int, int]]:
    """``(start, end)`` of the tokens inside each ``( ... )`` of at most ``max_len`` tokens.

    The innermost bracket up to the first closing one, as scispacy's candidate matcher.

    >>> parenthesis_spans(["a", "(", "b", ")", "(", ")"])
    [(2, 3)]
    """
    out = []
    n = len(words)
    i = -1
    index = words.index if isinstance(words, list) else list(words).index
    while True:
        try:
            i = index("(", i + 1)
        except ValueError:
            return out
        for j in range(i + 1, min(n, i + max_len + 2)):
            t = words[j]
            if t == "(":
                break
            if t == ")":
                if j > i + 1:
                    out.append((i + 1, j))
                break


def short_form_ok(words: Sequence[str], text: str) -> bool:
    """scispacy's short-form filter: every token 2-9 characters, at least half of the text
    alphabetic, and the first character a letter.

    >>> short_form_ok(["HSCs"], "HSCs"), short_form_ok(["5-FU"], "5-FU")
    (True, False)
    """
    for w in words:
        if not 2 <= len(w) < 10:
            return False
    if sum(map(str.isalpha, text)) / len(text) < 0.5:
        return False
    return text[0].isalpha()


def long_form_start(long_words: Sequence[str], long_ws: Sequence[bool],
                    short_words: Sequence[str]) -> int | None:
    """Where the long form starts among ``long_words`` (an index), or ``None`` without a match.

    Schwartz & Hearst on the texts joined with single spaces: each alphanumeric character of
    the short form, right to left, must occur in order in the long form (case-insensitive),
    the first one at the start of a word. The character position is mapped back to a token
    with the tokens' real whitespace, as scispacy does (``0`` when it maps past the end).

    >>> long_form_start(["in", "hepatic", "stellate", "cells"], [True] * 3 + [False], ["HSCs"])
    1
    """
    long_form = " ".join(long_words)
    short_form = " ".join(short_words)
    li = len(long_form) - 1
    lo = long_form.lower()
    # str.lower() of the whole text equals the per-character lowering (scispacy's) unless a
    # character expands (length changes) or a capital sigma takes its final form
    if len(lo) == len(long_form) and "Σ" not in long_form:
        for si in range(len(short_form) - 1, -1, -1):
            c = short_form[si].lower()
            if not c.isalnum():
                continue
            if len(c) != 1:
                return None
            k = lo.rfind(c, 0, li + 1)
            if si == 0:
                while k > 0 and long_form[k - 1].isalnum():
                    k = lo.rfind(c, 0, k)
            if k < 0:
                return None
            li = k - 1
    else:
        li = _match_slow(long_form, short_form)
        if li is None:
            return None
    li += 1
    total = 0
    for i, w in enumerate(long_words):
        total += len(w) + long_ws[i]
        if total > li:
            return i
    return 0


def _match_slow(long_form: str, short_form: str) -> int | None:
    """The character loop of Schwartz & Hearst, one character at a time (any text)."""
    li = len(long_form) - 1
    si = len(short_form) - 1
    while si >= 0:
        c = short_form[si].lower()
        if not c.isalnum():
            si -= 1
            continue
        while (li >= 0 and long_form[li].lower() != c) or \
                (si == 0 and li > 0 and long_form[li - 1].isalnum()):
            li -= 1
        if li < 0:
            return None
        li -= 1
        si -= 1
    return li


def _has_unbalanced_brackets(words: Sequence[str]) -> bool:
    depth = 0
    for t in words:
        if t == "(":
            depth += 1
        elif t == ")":
            if not depth:
                return True
            depth -= 1
    return depth != 0


def find_definitions(words: Sequence[str], ws: Sequence[bool],
                     spans: list[tuple[int, int]] | None = None) -> list[Definition]:
    """The Schwartz & Hearst definitions of a tokenized text, first definition wins.

    Parameters
    ----------
    words, ws : sequences
        Token texts and whether each token is followed by a space.
    spans : list of (start, end), optional
        The bracket contents (:func:`parenthesis_spans`, computed when omitted).

    Returns
    -------
    list of Definition
        ``(short_start, short_end, long_start, long_end)`` in text order.
    """
    if spans is None:
        spans = parenthesis_spans(words)
    out: list[Definition] = []
    seen_long: set[str] = set()
    seen_short: set[str] = set()
    for start, end in spans:
        if end - start > 8 or start == 1:
            continue
        if end - start > 3:  # SF (long form)
            s0, s1, l0, l1 = start - 2, start - 1, start, end
            if _has_unbalanced_brackets(words[l0:l1]):
                continue
        else:  # long form (SF)
            s0, s1 = start, end
            n = sum(map(len, words[s0:s1]))
            l0, l1 = max(start - min(n + 5, n * 2) - 1, 0), start - 1
        short_words = words[s0:s1]
        short = _text(words, ws, s0, s1)
        if not short_form_ok(short_words, short):
            continue
        k = long_form_start(words[l0:l1], ws[l0:l1], short_words)
        if k is None:
            continue
        l0 += k
        long = _text(words, ws, l0, l1)
        if long in seen_long or short in seen_short:
            continue
        seen_long.add(long)
        seen_short.add(short)
        out.append((s0, s1, l0, l1))
    return out
