"""Lexicon matching over a Doc's tokens, and the choice among overlapping candidates.

:func:`match_trie` walks the :class:`~.trie.TermTrie` from every token (overlapping matches,
one best entry per span: exact case, then priority, then type priority);
:func:`resolve_overlaps` keeps a non-overlapping selection (longest, then priority, then type).
Matches start and end on token boundaries and never cross a hard newline.

>>> resolve_overlaps([Candidate(0, 2, "CELL_TYPE", "CL:1", "a", 10),
...                   Candidate(1, 2, "CYTOKINE", "HGNC:1", "b", 100)])[0].end
2
"""
from __future__ import annotations

from itertools import compress
from operator import attrgetter
from typing import Any, NamedTuple

from spacy.tokens import Doc

from ..state import Candidate, DocState
from ..wordlists import FUNCTION_WORDS
from .keys import SEP, TYPE_PRIORITY, relaxed_case_ok, token_keys
from .trie import TermTrie, TrieEntry

__all__ = ["match_trie", "resolve_overlaps", "start_of", "MISSING"]

#: "Not memoized yet" in the per-trie memo tables (``None`` is a memoized "no entry").
MISSING: Any = object()
_CASED: Any = object()   # a term with case-sensitive entries (see _choose)


class _TokenInfo(NamedTuple):
    """What the trie walk needs of one token text (memoized per trie)."""

    key: str                  # joined lowercase keys ("" when the token has none)
    exact: tuple[str, ...]    # exact keys
    starts: bool              # the key is a term or a term prefix: a walk may start here
    relaxed_first: bool       # relaxed_case_ok(text) of a span starting with this token
    relaxed_inner: bool       # the token has a digit or a capital (later tokens of a span)
    single: TrieEntry | None  # the chosen entry of the one-token span (None: no term)
    walks: bool               # a multi-token match may start here (see match_trie)


_STARTS = attrgetter("starts")


def _token_info(trie: TermTrie, text: str) -> _TokenInfo:
    cache = trie.token_memo
    got = cache.get(text)
    if got is None:
        lo, ex = token_keys(text)
        key = SEP.join(lo)
        if text.isascii() and text.isalpha():
            # no digits; a capital anywhere / after the first letter
            inner, first = not text.islower(), not text[1:].islower() if text[1:] else False
            if len(text) <= 3 and text[0].islower():
                first = False   # a unit ("mM", "cM"), see relaxed_case_ok
        else:
            inner = any(c.isdigit() or c.isupper() for c in text)
            first = relaxed_case_ok(text)
        idx = trie.terms.get(key) if key else None
        single = _chosen_entry(trie, idx, key, ex, first) if idx is not None else None
        lower = text.lower()
        walks = key in trie.prefixes and (lower not in FUNCTION_WORDS or
                                          lower in trie.kept_function_word_walks())
        got = _TokenInfo(key, ex, bool(key) and (idx is not None or key in trie.prefixes),
                         first, inner, single, walks)
        if len(cache) > 500_000:
            cache.clear()
        cache[text] = got
    return got


def match_trie(doc: Doc, trie: TermTrie) -> list[Candidate]:
    """Every lexicon match in ``doc`` (overlapping; one best entry per span).

    Matches start at a token's first sub-token and end at a token's last one; tokens
    without keys (spaces, hyphens) are passed over. Multi-token matches starting with a
    function word are only looked for where one could survive :func:`.passes.generic.is_generic`.
    """
    words = DocState.of(doc).words.text
    cache = trie.token_memo
    # per distinct token text, then map and compress in C (most tokens are memoized)
    for t in set(words).difference(cache):
        _token_info(trie, t)
    infos = list(map(cache.get, words))
    if None in infos:   # the memo was cleared while filling it
        infos = [cache.get(t) or _token_info(trie, t) for t in words]
    n = len(infos)
    terms, prefixes = trie.terms, trie.prefixes
    out: list[Candidate] = []
    for i in compress(range(n), map(_STARTS, infos)):
        info = infos[i]
        e = info.single   # the one-token span, chosen once per token text
        if e is not None:
            out.append(Candidate(i, i + 1, e.type, e.concept or None, e.name, e.priority))
        if not info.walks:
            continue
        key = info.key
        j = i + 1
        while True:
            while j < n and not infos[j].key:
                j += 1
            if j >= n:
                break
            key = key + SEP + infos[j].key
            j += 1
            idx = terms.get(key)
            if idx is not None:
                c = _choose(trie, idx, key, infos, i, j)
                if c is not None:
                    out.append(c)
            if key not in prefixes:
                break
    return out


def _choose(trie: TermTrie, idx: tuple[int, ...], key: str,
            infos: list[_TokenInfo], start: int, end: int) -> Candidate | None:
    """The best entry of term ``key`` for tokens ``[start, end)``, as a candidate."""
    plain = trie.plain_memo
    e = plain.get(key, MISSING)
    if e is MISSING:
        # a term without case-sensitive entries: the choice does not depend on the case
        entries = [trie.entries[i] for i in idx]
        e = _best_entry(entries, ()) if all(x.exact is None for x in entries) else _CASED
        if len(plain) > 500_000:
            plain.clear()
        plain[key] = e
    if e is _CASED:
        exact = infos[start].exact if end == start + 1 else \
            tuple(x for k in range(start, end) for x in infos[k].exact)
        # relaxed_case_ok of the span text, from per-token flags (spaces are neither)
        relaxed = infos[start].relaxed_first or any(infos[k].relaxed_inner
                                                     for k in range(start + 1, end))
        e = _chosen_entry(trie, idx, key, exact, relaxed)
    if e is None:
        return None
    return Candidate(start, end, e.type, e.concept or None, e.name, e.priority)


def _chosen_entry(trie: TermTrie, idx: tuple[int, ...], key: str, exact: tuple[str, ...],
                  relaxed: bool) -> TrieEntry | None:
    """The best entry of term ``key`` for a span with ``exact`` keys (memoized per trie)."""
    memo = trie.chosen_memo
    mkey = (key, exact, relaxed)
    e = memo.get(mkey, MISSING)
    if e is MISSING:
        entries = [trie.entries[i] for i in idx]
        e = _best_entry([x for x in entries
                         if x.exact is None or x.exact == exact or relaxed], exact)
        if len(memo) > 500_000:
            memo.clear()
        memo[mkey] = e
    return e




def _best_entry(ok: list[TrieEntry], exact: tuple[str, ...]) -> TrieEntry | None:
    """An exact-case entry beats a relaxed one, then priority, then type priority (first of
    equals wins)."""
    if not ok:
        return None
    return max(ok, key=lambda e: (e.exact is not None and e.exact == exact, e.priority,
                                  TYPE_PRIORITY.get(e.type, 0)))


def resolve_overlaps(cands: list[Candidate]) -> list[Candidate]:
    """Non-overlapping selection: longest first, then priority, then type priority."""
    if len(cands) < 2:
        return list(cands)
    end = -1
    for c in cands:   # already ordered and disjoint (often so): nothing to choose
        if c.start < end or c.end <= c.start:
            break
        end = c.end
    else:
        return list(cands)
    taken: list[Candidate] = []
    used = bytearray(max(c.end for c in cands))
    for c in sorted(cands, key=_overlap_rank):
        s, e = c.start, c.end
        if used.find(1, s, e) >= 0:
            continue
        taken.append(c)
        used[s:e] = b"\x01" * (e - s)
    taken.sort(key=start_of)
    return taken


def _overlap_rank(c: Candidate) -> tuple[int, int, int, int]:
    return (c.start - c.end, -c.priority, -TYPE_PRIORITY.get(c.type, 0), c.start)


def start_of(c: Candidate) -> int:
    """Sort key: the first token of a candidate."""
    return c.start
