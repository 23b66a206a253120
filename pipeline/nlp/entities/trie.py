"""The lexicon as a term trie: build it, match-time lookups, and its file format.

:class:`TermTrie` keeps terms keyed by their joined sub-token keys (:mod:`.keys`) with the
set of proper key prefixes; :func:`build_term_trie` fills one from lexicon rows, and
:meth:`TermTrie.to_disk` / :meth:`TermTrie.from_disk` write and read it (msgpack, with a
format version inside the file that loading checks). :func:`load_term_trie` (in
:mod:`.loading`) builds the project lexicon's trie once and caches the file per user.

>>> t = build_term_trie([("hepatic stellate cells", "CELL_TYPE", "CL:0000632",
...                       "hepatic stellate cell", False, 100)])
>>> t.lookup("Hepatic stellate cell")[0].concept
'CL:0000632'
"""
from __future__ import annotations

import gc
import os
import re
from pathlib import Path
from typing import Any, Iterable, Iterator, NamedTuple

import srsly

from ..wordlists import FUNCTION_WORDS
from .keys import SEP, TYPE_PRIORITY, relaxed_case_ok, subtoken_keys

__all__ = ["TRIE_FORMAT", "TrieEntry", "TermTrie", "LexiconRow", "build_term_trie",
           "defined_only"]

#: Bump when the trie layout or key function changes: files of another version are rebuilt.
TRIE_FORMAT = "9"

#: ``(term, type, concept, name, case_sensitive, priority)`` of one lexicon row.
LexiconRow = tuple[str, str, str, str, bool, int]


class TrieEntry(NamedTuple):
    """What a matched term stands for."""

    type: str
    concept: str
    name: str
    priority: int
    exact: tuple[str, ...] | None = None   # set for case-sensitive entries


class TermTrie:
    """Terms keyed by their joined sub-token keys, with the set of proper key prefixes.

    A flat layout (``terms``: key -> entry indices, ``prefixes``, ``entries``) that loads
    fast; walking it extends the key one sub-token at a time while it is a prefix. The
    ``*_memo`` tables are per-trie caches of the matcher (:mod:`.match`, :mod:`.productive`).

    >>> t = TermTrie(); t.add("HGF", TrieEntry("CYTOKINE", "HGNC:4893", "HGF", 10))
    >>> t.best("HGF", "CYTOKINE").concept, t.best("HGF", "DISEASE")
    ('HGNC:4893', None)
    """

    def __init__(self) -> None:
        self.terms: dict[str, tuple[int, ...]] = {}
        self.prefixes: set[str] = set()
        self.entries: list[TrieEntry] = []
        # ambiguous ontology acronyms left out of matching (see defined_only): text ->
        # entries; they count where the document names the concept (passes.acronyms)
        self.acronyms: dict[str, tuple[TrieEntry, ...]] = {}
        self._index: dict[TrieEntry, int] = {}
        self.reset_memos()

    def reset_memos(self) -> None:
        """Forget the matcher's per-trie caches (after the terms changed)."""
        # per-token-text walk info and chosen entries, filled by match.match_trie
        self.token_memo: dict[str, Any] = {}
        self.chosen_memo: dict[tuple[str, tuple[str, ...], bool], TrieEntry | None] = {}
        # best entry of terms without case-sensitive entries (else match.CASED)
        self.plain_memo: dict[str, Any] = {}
        # productive-name reading of a token text, filled by productive.productive_candidates
        self.productive_memo: dict[str, tuple[bool, str, str | None, str, int] | None] = {}
        self._kept_walks: frozenset[str] | None = None
        self._acronym_forms: frozenset[str] | None = None

    def acronym_forms(self) -> frozenset[str]:
        """The texts :attr:`acronyms` match: each acronym and its plural ("RA", "AMLs")."""
        if self._acronym_forms is None:
            self._acronym_forms = frozenset(self.acronyms) | frozenset(
                a + "s" for a in self.acronyms)
        return self._acronym_forms

    def kept_function_word_walks(self) -> frozenset[str]:
        """Function words that start a multi-word term with a priority >= 100 entry.

        Other multi-word matches starting with a function word are dropped as generic
        (:func:`.passes.generic.is_generic`), so the trie walk need not start there.
        """
        if self._kept_walks is None:
            heads = {f + SEP: f for f in FUNCTION_WORDS}
            kept = set()
            for key, idx in self.terms.items():
                head = key[:key.find(SEP) + 1]
                if head in heads and any(self.entries[i].priority >= 100 for i in idx):
                    kept.add(heads[head])
            self._kept_walks = frozenset(kept)
        return self._kept_walks

    @property
    def size(self) -> int:
        """Number of (term key, entry) pairs."""
        return sum(len(v) for v in self.terms.values())

    def add(self, term: str, entry: TrieEntry) -> None:
        """Add one term (its keys come from :func:`.keys.subtoken_keys`)."""
        keys = [lo for lo, _ in subtoken_keys(term)]
        if not keys:
            return
        idx = self._index.get(entry)
        if idx is None:
            idx = self._index[entry] = len(self.entries)
            self.entries.append(entry)
        key = SEP.join(keys)
        if self.token_memo or self.chosen_memo or self.plain_memo or self.productive_memo:
            self.reset_memos()
        have = self.terms.get(key, ())
        if idx not in have:
            self.terms[key] = have + (idx,)
        for i in range(1, len(keys)):
            self.prefixes.add(SEP.join(keys[:i]))

    def get(self, key: str) -> list[TrieEntry]:
        """Entries of one joined key."""
        return [self.entries[i] for i in self.terms.get(key, ())]

    def best(self, text: str, *types: str) -> TrieEntry | None:
        """The highest-priority entry of ``text`` among ``types`` (first of equals), or None."""
        hits = [e for e in self.lookup(text) if e.type in types]
        return max(hits, key=lambda e: e.priority) if hits else None

    def lookup(self, text: str) -> list[TrieEntry]:
        """Entries whose term has exactly the keys of ``text`` (case rules applied)."""
        keys = subtoken_keys(text)
        exact = tuple(e for _, e in keys)
        return [e for e in self.get(SEP.join(lo for lo, _ in keys))
                if case_ok(e, exact, text)]

    # -- file format ---------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        """The trie as msgpack bytes, with :data:`TRIE_FORMAT` inside (see :meth:`from_bytes`)."""
        entries = self.entries
        raw = entries.raw if isinstance(entries, LazyEntries) else [tuple(e) for e in entries]
        return srsly.msgpack_dumps({
            "format": TRIE_FORMAT, "terms": self.terms, "prefixes": sorted(self.prefixes),
            "entries": raw,
            "acronyms": {k: [tuple(e) for e in v] for k, v in self.acronyms.items()}})

    @classmethod
    def from_bytes(cls, data: bytes) -> "TermTrie":
        """The trie of :meth:`to_bytes`; ``ValueError`` for another format version."""
        gc_was_on = gc.isenabled()
        gc.disable()  # ~500k new containers: collections during the load only cost time
        try:
            return cls._from_state(srsly.msgpack_loads(data, use_list=False))
        finally:
            if gc_was_on:
                gc.enable()

    @classmethod
    def _from_state(cls, state: Any) -> "TermTrie":
        # msgpack arrays come back as tuples: entry indices and exact keys are tuples in a
        # built trie too
        if not isinstance(state, dict) or state.get("format") != TRIE_FORMAT:
            got = state.get("format") if isinstance(state, dict) else None
            raise ValueError(f"term trie format {got!r}, expected {TRIE_FORMAT!r}: rebuild it "
                             f"with build_term_trie (load_term_trie does so by itself)")
        trie = cls()
        trie.terms = state["terms"]
        trie.prefixes = set(state["prefixes"])
        trie.acronyms = {k: tuple(TrieEntry(*e) for e in v)
                         for k, v in state["acronyms"].items()}
        # entries become TrieEntry objects when first used (a few thousand of ~200k)
        trie.entries = LazyEntries(list(state["entries"]))  # type: ignore[assignment]
        return trie

    def to_disk(self, path: str | Path) -> None:
        """Write the trie to ``path`` atomically (a temporary file, then a rename)."""
        path = Path(path)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(self.to_bytes())
        tmp.replace(path)

    @classmethod
    def from_disk(cls, path: str | Path) -> "TermTrie":
        """The trie written by :meth:`to_disk` (``ValueError`` for another format version)."""
        return cls.from_bytes(Path(path).read_bytes())


class LazyEntries:
    """A list of :class:`TrieEntry` kept as plain tuples until an item is read (loading
    ~200k named tuples from the trie file took 0.4 s)."""

    __slots__ = ("raw", "_made")

    def __init__(self, raw: list[tuple[Any, ...]]) -> None:
        self.raw = raw
        self._made: dict[int, TrieEntry] = {}

    def __getitem__(self, i: int) -> TrieEntry:
        e = self._made.get(i)
        if e is None:
            e = self._made[i] = TrieEntry(*self.raw[i])
        return e

    def __len__(self) -> int:
        return len(self.raw)

    def __iter__(self) -> Iterator[TrieEntry]:
        return (self[i] for i in range(len(self.raw)))

    def append(self, entry: TrieEntry) -> None:
        self._made[len(self.raw)] = entry
        self.raw.append(tuple(entry))


def case_ok(entry: TrieEntry, exact: tuple[str, ...], text: str) -> bool:
    """Whether ``text`` (with exact keys ``exact``) may stand for ``entry``."""
    if entry.exact is None or entry.exact == exact:
        return True
    return relaxed_case_ok(text)


#: Short all-capital synonyms from the ontologies ("RA", "PMA", "GC", "PBL", "EC") stand for
#: many things in PubMed prose; for these types they match only where the document defines
#: them (the abbreviation resolver then gives the long form's concept) or where a curated
#: row (priority >= 10: labels, curated lists, overrides) names them.
_DEFINED_ONLY_TYPES = frozenset({"DISEASE", "CELL_TYPE", "OUTCOME", "PROCESS", "THERAPY"})
_ACRONYM_RE = re.compile(r"[A-Z][A-Z0-9]{1,3}s?")


def defined_only(term: str, typ: str, priority: int) -> str | None:
    """The acronym a lexicon row stands for when it is an ambiguous ontology acronym (see
    :data:`_DEFINED_ONLY_TYPES`), else ``None``. Noisy synonyms (priority <= 4) of up to
    five letters are acronyms that lost their case ("gave", "ever", "bac").

    >>> defined_only("PMA", "DISEASE", 4), defined_only("HCC", "DISEASE", 50)
    ('PMA', None)
    >>> defined_only("gave", "DISEASE", 4), defined_only("gout", "DISEASE", 10)
    ('GAVE', None)
    """
    if priority >= 10 or typ not in _DEFINED_ONLY_TYPES:
        return None
    if _ACRONYM_RE.fullmatch(term):
        return term
    if priority <= 4 and len(term) <= 5 and term.isascii() and term.isalpha():
        return term.upper()
    return None


def build_term_trie(rows: Iterable[LexiconRow]) -> TermTrie:
    """Build a :class:`TermTrie` from lexicon rows; ambiguous ontology acronyms
    (:func:`defined_only`) go to :attr:`TermTrie.acronyms`."""
    trie = TermTrie()
    for term, typ, concept, name, cs, prio in rows:
        if len(term) < 2 or typ not in TYPE_PRIORITY:
            continue
        acronym = defined_only(term, typ, prio)
        if acronym:
            have = trie.acronyms.get(acronym, ())
            if all(e.concept != concept for e in have):
                trie.acronyms[acronym] = have + (TrieEntry(typ, concept, name, prio),)
            continue
        exact = tuple(e for _, e in subtoken_keys(term)) if cs else None
        trie.add(term, TrieEntry(typ, concept, name, prio, exact))
    return trie
