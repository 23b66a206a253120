"""The project lexicon's term trie: built once, then read from a per-user cache file.

The file (:meth:`.trie.TermTrie.to_disk`) lives under ``~/.cache/mscgraph/``
(``$XDG_CACHE_HOME``), named by a fingerprint of the lexicon data files, the lexicon code
and :data:`.trie.TRIE_FORMAT`; a file of another format version is rebuilt. It is not
shipped: the generated lexicon is built locally (``scripts/build_lexicon.py``).

>>> lexicon_fingerprint() == lexicon_fingerprint()
True
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import logging
import os
import time
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from ...errors import LexiconError
from ...lexicon import Lexicon
from .trie import TRIE_FORMAT, LexiconRow, TermTrie, build_term_trie

__all__ = ["iter_lexicon_rows", "lexicon_fingerprint", "cache_dir", "load_term_trie"]

log = logging.getLogger(__name__)

_PKG = Path(__file__).resolve().parents[2]
_DATA = _PKG / "data"


def iter_lexicon_rows() -> Iterator[LexiconRow]:
    """``(term, type, concept, name, case_sensitive, priority)`` of the project lexicon.

    Uses :class:`pipeline.lexicon.Lexicon` (generated lexicon + overrides with variants);
    when it cannot load, reads ``data/overrides.tsv`` (and ``data/lexicon.tsv.gz`` if
    present) directly.
    """
    try:
        lex = Lexicon.load()
    except LexiconError as exc:
        log.warning("project lexicon unavailable (%s); matching overrides.tsv only", exc)
    else:
        for term, typ, concept, name, _source, cs, prio in lex.iter_rows():
            yield term, typ, concept, name, bool(cs), int(prio)
        return
    for path in (_DATA / "lexicon.tsv.gz", _DATA / "overrides.tsv"):
        if not path.is_file():
            continue
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
            for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                if not row.get("term") or row["term"].startswith("#"):
                    continue
                yield (row["term"], row["type"], row["concept"], row.get("name") or row["term"],
                       row.get("case_sensitive", "0") in ("1", "true", "True"),
                       int(row.get("priority") or (100 if "overrides" in path.name else 10)))


def lexicon_fingerprint() -> str:
    """A hash of what the trie is built from (data files, lexicon code, trie format)."""
    h = hashlib.sha1(TRIE_FORMAT.encode())
    for name in ("lexicon.tsv.gz", "overrides.tsv", "blocklist.tsv"):
        p = _DATA / name
        if p.is_file():
            h.update(name.encode())
            h.update(p.read_bytes())
    lexmod = _PKG / "lexicon.py"
    code = [lexmod] if lexmod.is_file() else sorted((_PKG / "lexicon").glob("**/*.py"))
    for p in code:
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def cache_dir() -> Path:
    """The per-user cache folder of the trie files."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mscgraph"


def _prune_cache(folder: Path, keep: int) -> None:
    """Remove all but the ``keep`` newest trie files."""
    files = sorted(folder.glob("trie-*.msgpack"), key=lambda p: p.stat().st_mtime,
                   reverse=True)
    for old in files[keep:]:
        try:
            old.unlink()
        except OSError:
            pass


@lru_cache(maxsize=2)
def load_term_trie(use_cache: bool = True) -> TermTrie:
    """The project lexicon as a trie, built once per process and cached on disk."""
    path = cache_dir() / f"trie-{lexicon_fingerprint()}.msgpack"
    if use_cache and path.is_file():
        try:
            return TermTrie.from_disk(path)
        except Exception:  # corrupt file or another format version: rebuild
            log.warning("ignoring unreadable trie cache %s", path)
    t0 = time.perf_counter()
    trie = build_term_trie(iter_lexicon_rows())
    took = time.perf_counter() - t0
    log.info("built term trie: %d entries in %.2f s", trie.size, took)
    if use_cache and took > 0.3:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            trie.to_disk(path)
            _prune_cache(path.parent, keep=3)
        except OSError as exc:
            log.warning("could not write trie cache %s: %s", path, exc)
    return trie
