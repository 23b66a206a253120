"""Lexicon entries, their TSV format and the block list; data paths and priorities.

>>> LexiconEntry("IL-10", "CYTOKINE", "HGNC:5962", "IL10", "HGNC", True).to_row()[5:]
('1', '10')
"""
from __future__ import annotations

import gzip
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterable

from ..errors import LexiconError
from ..model import ENTITY_TYPES
from .normalize import is_case_sensitive, normalize_key

__all__ = [
    "LexiconEntry", "Blocklist", "read_lexicon_tsv", "write_lexicon_tsv", "ENTITY_TYPES",
    "HEADER", "DATA_DIR", "DEFAULT_LEXICON", "DEFAULT_OVERRIDES", "DEFAULT_CURATED",
    "DEFAULT_BLOCKLIST", "DEFAULT_XREFS", "PRIORITY_OVERRIDE", "PRIORITY_CURATED",
    "PRIORITY_CURATED_LIST", "PRIORITY_LABEL", "PRIORITY_EXACT", "PRIORITY_RELATED",
    "PRIORITY_WEAK",
]

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_LEXICON = DATA_DIR / "lexicon.tsv.gz"
DEFAULT_OVERRIDES = DATA_DIR / "overrides.tsv"
DEFAULT_CURATED = DATA_DIR / "curated.tsv"
DEFAULT_BLOCKLIST = DATA_DIR / "blocklist.tsv"
DEFAULT_XREFS = DATA_DIR / "xrefs.tsv.gz"

HEADER = ("term", "type", "concept", "name", "source", "case_sensitive", "priority")

PRIORITY_OVERRIDE = 100
PRIORITY_CURATED = 50
PRIORITY_CURATED_LIST = 45
PRIORITY_LABEL = 10
PRIORITY_EXACT = 9
PRIORITY_RELATED = 6
PRIORITY_WEAK = 4


@dataclass(frozen=True)
class LexiconEntry:
    """One term -> concept mapping.

    Attributes
    ----------
    term : str
        Surface form (stored in :func:`normalize_surface` form for generated entries).
    type : str
        Entity type, one of :data:`ENTITY_TYPES`.
    concept : str
        Concept id (``CL:0000134``, ``HGNC:5962``, ``MESH:D008103``, ``LOCAL:...``).
    name : str
        Canonical name of the concept (HGNC symbol for genes).
    source : str
        Where the term came from (``CL``, ``MESH``, ``HGNC``, ``FPLX``, ``HUCIRA``, ``DOID``,
        ``MONDO``, ``HP``, ``curated``, ``override``), ``+variant`` for generated variants.
    case_sensitive : bool
        Match case exactly.
    priority : int
        Tie-breaker: higher wins.
    """

    term: str
    type: str
    concept: str
    name: str
    source: str
    case_sensitive: bool = False
    priority: int = PRIORITY_LABEL

    @property
    def key(self) -> str:
        """The matching key of this entry (:func:`normalize_key` with its case rule)."""
        return normalize_key(self.term, self.case_sensitive)

    def to_row(self) -> tuple[str, ...]:
        """The TSV row."""
        return (self.term, self.type, self.concept, self.name, self.source,
                "1" if self.case_sensitive else "0", str(self.priority))


def _open_text(path: Path, mode: str = "rt") -> IO[str]:
    if str(path).endswith(".gz"):
        return gzip.open(path, mode, encoding="utf-8", newline="")
    return open(path, mode, encoding="utf-8", newline="")


def read_lexicon_tsv(path: str | Path, *, default_source: str = "curated",
                     default_priority: int = PRIORITY_CURATED) -> list[LexiconEntry]:
    """Read a hand-written lexicon TSV (header line, ``#`` comments, blank fields allowed).

    Blank ``source``/``case_sensitive``/``priority`` take ``default_source``, the automatic
    rule :func:`is_case_sensitive` and ``default_priority``. Raises :class:`LexiconError` naming
    the line of a malformed row.
    """
    path = Path(path)
    out: list[LexiconEntry] = []
    with _open_text(path) as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\r\n")
            if not line.strip() or line.startswith("#") or \
                    (lineno == 1 and line.startswith("term\t")):
                continue
            f = line.split("\t")
            if len(f) < 3:
                raise LexiconError(f"{path}:{lineno}: expected at least term, type, concept "
                                   f"separated by tabs, got {line!r}")
            f += [""] * (7 - len(f))
            term, etype, concept, name, source, cs, prio = (x.strip() for x in f[:7])
            if etype not in ENTITY_TYPES:
                raise LexiconError(f"{path}:{lineno}: unknown type {etype!r}; use one of "
                                   f"{', '.join(ENTITY_TYPES)}")
            try:
                priority = int(prio) if prio else default_priority
            except ValueError:
                raise LexiconError(f"{path}:{lineno}: priority must be an integer, got {prio!r}")
            out.append(LexiconEntry(term, etype, concept, name or term, source or default_source,
                                    (cs == "1") if cs else is_case_sensitive(term), priority))
    return out


def write_lexicon_tsv(entries: Iterable[LexiconEntry], path: str | Path) -> int:
    """Write entries deterministically (as given; sort first), gzip with ``mtime=0``.

    Returns the number of rows written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    buf.write("\t".join(HEADER) + "\n")
    n = 0
    for e in entries:
        buf.write("\t".join(e.to_row()) + "\n")
        n += 1
    data = buf.getvalue().encode("utf-8")
    if str(path).endswith(".gz"):
        with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                                    compresslevel=9, mtime=0) as gz:
            gz.write(data)
    else:
        path.write_bytes(data)
    return n


# ----------------------------------------------------------------------------------------------
# Block list
# ----------------------------------------------------------------------------------------------

@dataclass
class Blocklist:
    """Terms never to map, globally or for a concept / concept prefix.

    File ``pipeline/data/blocklist.tsv``: ``term  concept  reason`` with ``concept`` one of
    ``*`` (any concept), an id (``HGNC:7321``) or a prefix ending in ``:`` (``HGNC:``: any gene).
    A ``reason`` of ``stopword`` marks a common English word: it blocks case-insensitive
    entries and non-approved-symbol entries of that spelling.
    """

    rules: dict[str, list[str]] = field(default_factory=dict)
    stopwords: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Blocklist":
        """Read the block list file (default :data:`DEFAULT_BLOCKLIST`; missing -> empty)."""
        path = Path(path) if path is not None else DEFAULT_BLOCKLIST
        bl = cls()
        if not path.exists():
            logger.warning("block list %s not found; nothing blocked", path)
            return bl
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#") or line.startswith("term\t"):
                continue
            f = line.split("\t")
            if len(f) < 2:
                raise LexiconError(f"{path}:{lineno}: expected 'term<TAB>concept<TAB>reason'")
            term, concept = f[0].strip(), f[1].strip() or "*"
            reason = f[2].strip() if len(f) > 2 else ""
            if reason == "stopword":
                bl.stopwords.add(normalize_key(term))
            else:
                bl.rules.setdefault(normalize_key(term), []).append(concept)
        return bl

    def blocks(self, term: str, concept: str, *, case_sensitive: bool = False,
               approved_symbol: bool = False) -> bool:
        """Whether ``term`` must not map to ``concept``."""
        key = normalize_key(term)
        for c in self.rules.get(key, ()):
            if c == "*" or c == concept or (c.endswith(":") and concept.startswith(c)):
                return True
        if key in self.stopwords:
            return not (case_sensitive and approved_symbol and term.isupper())
        return False
