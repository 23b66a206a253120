"""Relation lexicons: trigger words and mention polarity, read from ``pipeline/data``.

* :class:`TriggerLexicon` (``data/triggers.tsv``, ``form<TAB>class<TAB>kind``): verb,
  participle, gerund, nominalization and multi-word trigger forms indexed by their first word;
  ``LOF`` rows are loss-of-function words (they flip a relation's sign). Each form also matches
  its spelling variants (:func:`spelling_variants`): hyphenated, spaced and joined prefixes
  (``up-regulated`` / ``up regulated`` / ``upregulated``) and the misspellings of
  ``trigger_spellings`` in ``data/words.toml`` (``secret`` for ``secrete``).
* :class:`Polarity` (``data/relation_polarity.tsv``, ``match<TAB>value<TAB>class``): whether a
  mention is ``bad``, ``good``, a ``therapy`` or ``diagnostic``, by concept, term or type.

Both loaders are cached per path. The rules that use them are in
:mod:`pipeline.nlp.relations.rules`; :mod:`pipeline.nlp.relations` re-exports this module's API.

Example
-------
>>> load_triggers().match(["mscs", "secrete", "hgf"], 1).cls
'SEC'
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from ...model import Mention
from ..wordlists import TRIGGER_SPELLINGS

__all__ = ["Trigger", "TriggerLexicon", "Polarity", "load_triggers", "load_polarity",
           "spelling_variants"]

#: Prefixes written joined, hyphenated or spaced (``upregulate``, ``up-regulate``).
_PREFIXES = ("up", "down", "over", "under")

_DATA = Path(__file__).resolve().parents[2] / "data"


@dataclass(frozen=True, slots=True)
class Trigger:
    """One trigger form: surface words, relation class and grammatical kind."""

    words: tuple[str, ...]
    cls: str
    kind: str


@dataclass
class TriggerLexicon:
    """Trigger forms indexed by their first word (longest match wins)."""

    by_first: dict[str, list[Trigger]] = field(default_factory=dict)
    lof: frozenset[str] = frozenset()

    def add(self, trig: Trigger) -> None:
        lst = self.by_first.setdefault(trig.words[0], [])
        lst.append(trig)
        lst.sort(key=lambda t: (-len(t.words), t.kind != "A"))

    def match(self, words: list[str], i: int) -> Trigger | None:
        """The longest trigger starting at ``words[i]`` (verb readings before nouns)."""
        for t in self.by_first.get(words[i], ()):
            n = len(t.words)
            if tuple(words[i:i + n]) == t.words:
                return t
        return None


def _rows(path: str | None, default: str) -> Iterator[list[str]]:
    """The first three tab-separated fields of each line of ``path`` (else ``data/<default>``),
    blank lines and ``#`` comments skipped."""
    p = Path(path) if path else _DATA / default
    for line in p.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")[:3]


def spelling_variants(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Other token sequences that write trigger ``words``: a hyphenated word as the tokenizer
    splits it and with the hyphen dropped or spaced; a joined prefix hyphenated or spaced; a
    listed misspelling of a word (``trigger_spellings`` in ``data/words.toml``).

    >>> spelling_variants(("up-regulated",))
    [('up', '-', 'regulated'), ('up', 'regulated'), ('upregulated',)]
    >>> spelling_variants(("downregulation", "of"))[:2]
    [('down', '-', 'regulation', 'of'), ('down', 'regulation', 'of')]
    """
    out: list[tuple[str, ...]] = []
    for i, w in enumerate(words):
        head, tail = words[:i], words[i + 1:]
        parts = w.split("-")
        if len(parts) == 2 and all(p.isalpha() for p in parts):
            out += [head + (parts[0], "-", parts[1]) + tail, head + tuple(parts) + tail,
                    head + ("".join(parts),) + tail]
        else:
            pre = next((p for p in _PREFIXES if w.startswith(p) and len(w) > len(p) + 5
                        and w[len(p):].startswith(("regulat", "express"))), None)
            if pre:
                out += [head + (pre, "-", w[len(pre):]) + tail, head + (pre, w[len(pre):]) + tail]
    wrong = {v: [m for m, c in TRIGGER_SPELLINGS.items() if c == v] for v in words}
    for i, w in enumerate(words):
        out += [words[:i] + (m,) + words[i + 1:] for m in wrong[w]]
    return [v for v in dict.fromkeys(out) if v != words]


@lru_cache(maxsize=4)
def load_triggers(path: str | None = None) -> TriggerLexicon:
    """Read the trigger lexicon (``form<TAB>class<TAB>kind``; ``#`` starts a comment).

    >>> lex = load_triggers()
    >>> lex.match(["msc", "inhibited", "x"], 1).cls
    'DEC'
    """
    lex = TriggerLexicon()
    lof: set[str] = set()
    rows: list[Trigger] = []
    for form, cls, kind in _rows(path, "triggers.tsv"):
        if cls == "LOF":
            lof.add(form)
            continue
        rows.append(Trigger(tuple(form.lower().split()), cls, kind))
    listed = {t.words for t in rows}
    added: set[tuple[tuple[str, ...], str, str]] = set()
    for t in rows:
        lex.add(t)
    for t in rows:      # a listed form keeps its own readings; a variant only adds
        for v in spelling_variants(t.words):
            if v not in listed and (v, t.cls, t.kind) not in added:
                added.add((v, t.cls, t.kind))
                lex.add(Trigger(v, t.cls, t.kind))
    lex.lof = frozenset(lof | {m for m, c in TRIGGER_SPELLINGS.items() if c in lof}
                        | {w.replace("-", "") for w in lof})
    return lex


@dataclass
class Polarity:
    """Bad / good / therapy judgements of mentions (``data/relation_polarity.tsv``)."""

    by_type: dict[str, str] = field(default_factory=dict)
    by_concept: dict[str, str] = field(default_factory=dict)
    terms: list[tuple[str, str]] = field(default_factory=list)
    _therapy_cache: dict[tuple[Any, ...], bool] = field(default_factory=dict, repr=False)
    _sign_cache: dict[tuple[Any, ...], str] = field(default_factory=dict, repr=False)

    def classes(self, m: Mention) -> set[str]:
        """All classes of a mention (``{"bad"}``, ``{"therapy"}``, ...)."""
        out: set[str] = set()
        if m.concept and m.concept in self.by_concept:
            out.add(self.by_concept[m.concept])
        text = f" {m.text.lower()} | {m.name.lower()} "
        for term, cls in self.terms:
            if term in text:
                out.add(cls)
        if m.type in self.by_type:
            out.add(self.by_type[m.type])
        return out

    def sign(self, m: Mention) -> str:
        """``"bad"``, ``"good"`` or ``""`` (concept beats term beats type)."""
        key = (m.concept, m.text, m.name, m.type)
        hit = self._sign_cache.get(key)
        if hit is None:
            if len(self._sign_cache) >= 100_000:  # bounded over a long run
                self._sign_cache.clear()
            hit = self._sign_cache[key] = self._sign(m)
        return hit

    def _sign(self, m: Mention) -> str:
        if m.concept and self.by_concept.get(m.concept) in ("bad", "good"):
            return self.by_concept[m.concept]
        text = f" {m.text.lower()} | {m.name.lower()} "
        for term, cls in self.terms:
            if cls in ("bad", "good") and term in text:
                return cls
        cls = self.by_type.get(m.type, "")
        return cls if cls in ("bad", "good") else ""

    def is_therapy(self, m: Mention) -> bool:
        """An intervention (``therapy`` class and no ``diagnostic`` class: a biopsy or a
        staging laparoscopy typed THERAPY treats nothing)."""
        key = (m.concept, m.text, m.type)
        hit = self._therapy_cache.get(key)
        if hit is None:
            cls = self.classes(m)
            hit = self._therapy_cache[key] = "therapy" in cls and "diagnostic" not in cls
        return hit


@lru_cache(maxsize=4)
def load_polarity(path: str | None = None) -> Polarity:
    """Read ``relation_polarity.tsv`` (``match<TAB>value<TAB>class``).

    >>> load_polarity().sign(Mention(0, 3, "ALT", "OUTCOME"))
    'bad'
    """
    pol = Polarity()
    for kind, value, cls in _rows(path, "relation_polarity.tsv"):
        if kind == "type":
            pol.by_type[value] = cls
        elif kind == "concept":
            pol.by_concept[value] = cls
        else:
            # word-boundary-ish match: pad short terms with spaces
            term = value.lower()
            pol.terms.append((f" {term} " if len(term) <= 4 else term, cls))
    return pol
