"""The loaded lexicon (:class:`Lexicon`): an indexed term table with case rules and overrides.

>>> lex = Lexicon.from_entries([LexiconEntry("IL-10", "CYTOKINE", "HGNC:5962", "IL10", "curated")])
>>> lex.concept_name("HGNC:5962")
'IL10'
"""
from __future__ import annotations

import functools
import gzip
import logging
import time
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import LexiconError
from .entries import (DEFAULT_LEXICON, DEFAULT_OVERRIDES, HEADER,
                      PRIORITY_OVERRIDE, Blocklist, LexiconEntry, read_lexicon_tsv)
from .normalize import is_case_sensitive, normalize_surface
from .variants import term_variants

__all__ = ["Lexicon", "Row", "default_lexicon"]

logger = logging.getLogger(__name__)

Row = tuple  # (term, type, concept, name, source, case_sensitive: bool, priority: int)


class Lexicon:
    """An indexed term table with case rules.

    Build with :meth:`load`; query with :meth:`lookup`. The generated table is kept as its raw,
    sorted TSV lines (indexed by the lower-cased term; rows are parsed on demand), which keeps
    loading well under a second; overrides and :meth:`from_entries` rows are held parsed.
    """

    def __init__(self, rows: Iterable[Row] = (), *, lines: list[str] | None = None,
                 source: str = "<memory>") -> None:
        self._extra: list[Row] = list(rows)
        self._extra_idx: dict[str, list[int]] = {}
        for i, r in enumerate(self._extra):
            self._extra_idx.setdefault(r[0].lower(), []).append(i)
        lines = lines or []
        lower = [ln.partition("\t")[0].lower() for ln in lines]
        if any(a > b for a, b in zip(lower, lower[1:])):
            logger.warning("%s is not sorted by term; sorting in memory (rebuild it)", source)
            order = sorted(range(len(lines)), key=lower.__getitem__)
            lines = [lines[i] for i in order]
            lower = [lower[i] for i in order]
        self._lines = lines
        self._lower = lower
        n = len(lower)
        self._first: dict[str, int] = dict(zip(reversed(lower), range(n - 1, -1, -1)))
        self._blocked: set[int] = set()
        self._source = source
        self._concepts: dict[str, tuple[str, str, int]] | None = None
        self._entries: list[LexiconEntry] | None = None

    # -- construction ---------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path | None = None, overrides: str | Path | None | bool = None,
             blocklist: str | Path | None | bool = None) -> "Lexicon":
        """Load the generated table plus overrides, applying the block list.

        Parameters
        ----------
        path : path, optional
            Lexicon TSV (``.gz`` or plain); default the committed :data:`DEFAULT_LEXICON`.
        overrides : path or False, optional
            Hand-curated TSV with the same columns (default :data:`DEFAULT_OVERRIDES` when it
            exists; ``False`` for none). Blank priorities become 100 and the variant generator
            is applied. Override rows rank first among equal priorities and are never blocked.
        blocklist : path or False, optional
            Block list (default :data:`DEFAULT_BLOCKLIST`; ``False`` for none), applied to the
            generated rows (the build applies it too; this matters after editing the list).
            Rows whose source starts with ``curated`` are exempt.

        Raises
        ------
        LexiconError
            When a file is missing or malformed.
        """
        t0 = time.perf_counter()
        path = Path(path) if path is not None else DEFAULT_LEXICON
        if not path.exists():
            raise LexiconError(f"lexicon file {path} not found; run 'mscgraph lexicon build "
                               f"--resources ../shared/resources' or reinstall the package")
        extra: list[Row] = []
        if overrides is not False:
            opath = Path(overrides) if overrides not in (None, True) else DEFAULT_OVERRIDES
            if opath.exists():
                extra = _expand_entries(read_lexicon_tsv(
                    opath, default_source="override", default_priority=PRIORITY_OVERRIDE))
            elif overrides not in (None, True):
                raise LexiconError(f"overrides file {opath} not found")
        lex = cls(extra, lines=_read_lines(path), source=str(path))
        if blocklist is not False:
            bl = Blocklist.load(blocklist if blocklist not in (None, True) else None)
            for key in list(bl.rules) + sorted(bl.stopwords):
                for i in lex._block_range(key):
                    if _row_blocked(bl, lex._row(i)):
                        lex._blocked.add(i)
        logger.info("lexicon %s: %d rows (%d blocked) loaded in %.2f s", path.name, len(lex),
                    len(lex._blocked), time.perf_counter() - t0)
        return lex

    @classmethod
    def from_entries(cls, entries: Iterable[LexiconEntry]) -> "Lexicon":
        """A lexicon over given entries (terms normalized; no variants added)."""
        return cls([(normalize_surface(e.term), e.type, e.concept, e.name, e.source,
                     bool(e.case_sensitive), int(e.priority)) for e in entries])

    # -- internals ------------------------------------------------------------------------------
    def _row(self, i: int) -> Row:
        f = self._lines[i].split("\t")
        return (f[0], f[1], f[2], f[3], f[4], f[5] == "1", int(f[6]))

    def _block_range(self, key: str) -> range:
        i = self._first.get(key)
        if i is None:
            return range(0)
        j = i
        n = len(self._lower)
        while j < n and self._lower[j] == key:
            j += 1
        return range(i, j)

    # -- queries --------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._extra) + len(self._lines) - len(self._blocked)

    def lookup(self, term: str) -> list[LexiconEntry]:
        """Entries whose key matches ``term``, highest priority first (one per concept+type).

        Case-sensitive entries match the exact case (after :func:`normalize_surface`); others
        match case-insensitively. Equal priorities keep overrides first, then file order.

        >>> lex = Lexicon.from_entries([LexiconEntry("ALT", "OUTCOME", "MESH:D000410",
        ...     "Alanine Transaminase", "curated", True, 50)])
        >>> [e.concept for e in lex.lookup("ALT")], lex.lookup("alt")
        (['MESH:D000410'], [])
        """
        surface = normalize_surface(term)
        key = surface.lower()
        cands: list[tuple[int, int, Row]] = []
        for i in self._extra_idx.get(key, ()):
            r = self._extra[i]
            if not r[5] or r[0] == surface:
                cands.append((-r[6], i, r))
        off = len(self._extra)
        for i in self._block_range(key):
            if i in self._blocked:
                continue
            r = self._row(i)
            if not r[5] or r[0] == surface:
                cands.append((-r[6], off + i, r))
        cands.sort(key=lambda c: (c[0], c[1]))
        seen: set[tuple[str, str]] = set()
        out = []
        for _, _, r in cands:
            if (r[2], r[1]) not in seen:
                seen.add((r[2], r[1]))
                out.append(LexiconEntry(*r))
        return out

    def iter_rows(self) -> Iterator[Row]:
        """All rows ``(term, type, concept, name, source, case_sensitive, priority)``:
        overrides first, then the generated table (blocked rows skipped)."""
        yield from self._extra
        blocked = self._blocked
        for i, line in enumerate(self._lines):
            if i not in blocked:
                f = line.split("\t")
                yield (f[0], f[1], f[2], f[3], f[4], f[5] == "1", int(f[6]))

    def keys(self, *, case_sensitive: bool) -> set[str]:
        """All matching keys of one case mode (for building a matcher)."""
        return {r[0] if r[5] else r[0].lower() for r in self.iter_rows()
                if r[5] == case_sensitive}

    @property
    def entries(self) -> list[LexiconEntry]:
        """All entries (built on first access; about 0.5 s for the full table)."""
        if self._entries is None:
            self._entries = [LexiconEntry(*r) for r in self.iter_rows()]
        return self._entries

    def _concept_index(self) -> dict[str, tuple[str, str, int]]:
        if self._concepts is None:
            idx: dict[str, tuple[str, str, int]] = {}
            for r in self.iter_rows():
                cur = idx.get(r[2])
                if cur is None or r[6] > cur[2]:
                    idx[r[2]] = (r[3], r[1], r[6])
            self._concepts = idx
        return self._concepts

    def concept_name(self, concept_id: str) -> str | None:
        """Canonical name of a concept (from its highest-priority entry), or None."""
        hit = self._concept_index().get(concept_id)
        return hit[0] if hit else None

    def concept_type(self, concept_id: str) -> str | None:
        """Entity type of a concept (from its highest-priority entry), or None."""
        hit = self._concept_index().get(concept_id)
        return hit[1] if hit else None

    def stats(self) -> dict[str, Counter]:
        """Row counts by type, by source (variants folded in) and by concept namespace."""
        by_type: Counter = Counter()
        by_source: Counter = Counter()
        by_ns: Counter = Counter()
        for r in self.iter_rows():
            by_type[r[1]] += 1
            by_source[r[4].split("+", 1)[0]] += 1
            by_ns[r[2].split(":", 1)[0]] += 1
        return {"type": by_type, "source": by_source, "namespace": by_ns}


def _read_lines(path: Path) -> list[str]:
    try:
        if str(path).endswith(".gz"):
            with open(path, "rb") as fh:
                text = gzip.decompress(fh.read()).decode("utf-8")
        else:
            text = path.read_text(encoding="utf-8")
    except (OSError, EOFError, UnicodeDecodeError, gzip.BadGzipFile) as exc:
        raise LexiconError(f"cannot read lexicon {path}: {exc}; rebuild it with "
                           f"'mscgraph lexicon build'") from exc
    lines = text.split("\n")
    if not lines or not lines[0].startswith("term\t"):
        raise LexiconError(f"{path}: missing header line {chr(9).join(HEADER)!r}")
    lines = [ln for ln in lines[1:] if ln]
    for ln in (lines[:1] + lines[-1:]):
        if ln.count("\t") != 6:
            raise LexiconError(f"{path}: malformed row {ln!r} (expected 7 tab-separated fields)")
    return lines


def _row_blocked(bl: Blocklist, r: Row) -> bool:
    if r[4].startswith("curated"):
        return False
    return bl.blocks(r[0], r[2], case_sensitive=r[5],
                     approved_symbol=r[2].startswith("HGNC:") and r[0] == r[3])


def _expand_entries(entries: Iterable[LexiconEntry]) -> list[Row]:
    """Rows for hand-written entries plus their generated variants (deduplicated)."""
    out: list[Row] = []
    seen: set[tuple[str, bool, str, str]] = set()
    for e in entries:
        base = normalize_surface(e.term)
        variants = sorted(term_variants(e.term, entity_type=e.type) - {e.term})
        for i, v in enumerate([base] + variants):
            v = normalize_surface(v)
            cs = e.case_sensitive if v == base else is_case_sensitive(v)
            k = (v if cs else v.lower(), cs, e.concept, e.type)
            if k in seen:
                continue
            seen.add(k)
            out.append((v, e.type, e.concept, e.name, e.source if i == 0 else
                        e.source + "+variant", cs, e.priority if i == 0 else e.priority - 1))
    return out


@functools.lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The committed lexicon with overrides and block list, loaded once per process."""
    return Lexicon.load()
