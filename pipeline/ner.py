"""Entity recognition and normalization: spaCy factories over the lexicon and rules.

Pipeline (:func:`build_nlp`), built on ``spacy.blank("en")`` (no pretrained model):

==========================  =================================================================
``mscgraph.tokenizer.v1``   :func:`pipeline.text.normalize_text`, then spaCy's rule tokenizer
                            with biomedical infixes (``CD4+CD25+`` -> ``CD4+ CD25+``,
                            ``(IFN)-γ`` -> ``( IFN ) -γ``); sets ``Doc._.mscgraph_norm``
``mscgraph_sentences``      rule-based sentence starts (not after e.g., vs., i.e., Fig.,
                            et al., initials or decimals; at hard newlines)
``mscgraph_entities``       token-trie lexicon matcher, productive-name patterns (IL-\\d+,
                            CXCL\\d+, MMP-\\d+, miR-\\d+, CD\\d+, TLR\\d, Smad\\d, ...), overlap
                            resolution (longest, then priority, then type), guideline rules
                            (state words, elliptical coordination, interleaved abbreviations,
                            cell therapies as the cell, generic class nouns dropped)
``mscgraph_abbreviations``  :mod:`pipeline.abbreviations`: Schwartz & Hearst definitions +
                            in-document resolution: a short form takes its long form's concept
                            everywhere in the document
``mscgraph_linker``         context rules (HSC = haematopoietic only when the text says so)
                            and ``Span._.canonical_name`` / ``ent.kb_id_``
``mscgraph_relations``      (optional, :mod:`pipeline.relations`)
==========================  =================================================================

Matching works on *sub-token keys* (:func:`subtoken_keys`): a term and a text are split into
letter runs, digit runs and single punctuation marks; hyphens and spaces are ignored, Greek
letters become their names (``TGF-β1`` = ``TGF beta 1`` = ``TGFbeta1``), and plural ``-s``
is stripped (``MSCs`` = ``MSC``). Case-sensitive entries (short symbols) must match the
case, except that a text form with inner capitals or digits (``mTOR`` for ``MTOR``) passes.
Matches start and end on spaCy token boundaries, never cross a hard newline.

Not supported: nested entities (spans never overlap), discontinuous mentions other than the
elliptical ``T and B lymphocytes`` rule, and statistical disambiguation.

Example
-------
>>> nlp = build_nlp(relations=False)                        # doctest: +SKIP
>>> [(m.text, m.concept) for m in doc_mentions(nlp("MSCs secrete HGF."))]   # doctest: +SKIP
[('MSCs', 'CL:0000134'), ('HGF', 'HGNC:4893')]
"""
from __future__ import annotations

import csv
import gc
import gzip
import hashlib
import itertools
import logging
import os
import pickle
import re
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from string import ascii_letters, digits
from typing import Any, Callable, Iterable, Iterator, NamedTuple

import numpy
import spacy
from spacy.attrs import ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex, compile_suffix_regex

from .model import Mention
from .text import NormalizedText, normalize_text

__all__ = [
    "build_nlp", "doc_mentions", "span_mention", "original_offsets", "subtoken_keys",
    "TermTrie", "TrieEntry", "Candidate", "EntityMatcher", "load_term_trie",
    "NormalizingTokenizer", "set_sentence_starts", "resolve_abbreviations", "TYPE_PRIORITY",
]

log = logging.getLogger(__name__)

_DATA = Path(__file__).resolve().parent / "data"
#: Bump when the trie layout or key function changes (invalidates the pickle cache).
TRIE_FORMAT = "8"

#: Tie-break between types when one span maps to several concepts of equal priority.
TYPE_PRIORITY: dict[str, int] = {
    "CELL_TYPE": 7, "CYTOKINE": 6, "DISEASE": 5, "OUTCOME": 4, "THERAPY": 3, "PROCESS": 2,
    "MOLECULE": 1,
}

_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu",
    "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi",
    "χ": "chi", "ψ": "psi", "ω": "omega", "Α": "alpha", "Β": "beta", "Γ": "gamma",
    "Δ": "delta", "Κ": "kappa", "Ω": "omega",
}
_GREEK_TABLE = str.maketrans({k: f" {v} " for k, v in _GREEK.items()})
_GREEK_CAMEL = re.compile(r"(?<=[A-Z])(alpha|beta|gamma|delta|kappa)(?=[0-9A-Z]|\b)")
_SUB_RE = re.compile(r"[^\W\d_]+|\d+|[^\w\s-]")

#: Single-token class nouns that are never entities on their own (guidelines).
GENERIC_NOUNS = frozenset({
    "cell", "cytokine", "chemokine", "factor", "growth factor", "protein", "gene", "molecule",
    "patient", "mice", "mouse", "rat", "tissue", "organ", "drug", "agent", "marker",
    "receptor", "enzyme", "mediator", "compound", "population", "subject", "disease",
    "disorder", "syndrome", "injury", "damage", "lesion", "condition", "treatment", "therapy",
    "serum", "plasma", "blood", "liver", "expression", "level", "activity", "function",
    "group", "model", "study", "stem cell therapy",
})
#: Lexicon terms (joined token keys) that are study-design words, bare regulation words,
#: generic class nouns or diagnostic procedures; curated entries win. Concept clashes of one
#: spelling (``KD`` = knockdown, not Kawasaki disease) belong in ``data/blocklist.tsv``.
NOT_ENTITIES = frozenset({
    "placebo", "growth", "hormone", "nutrient", "up regulation", "upregulation",
    "down regulation", "downregulation", "gene expression", "rna", "mrna", "dna",
    "anti inflammatory", "immunosorbent", "ko", "wt", "control", "vehicle", "saline",
    "weaning", "expression", "secretion", "production", "release", "signal", "pathway",
    "lung", "skin", "kidney", "heart", "brain", "diet", "food", "oil",
    "paraffin", "water", "basal", "type i", "type ii", "clone",
    # generic class nouns, routes and study design (guidelines: not entities)
    "gene deletion", "deletion", "intravenous infusion", "infusion", "injection",
    "intravenous injection", "intraperitoneal injection", "maximum tolerated dose",
    "small interfering rna", "sirna", "antibody", "monoclonal antibody", "antioxidant",
    "antiviral", "amino acid", "nucleotide", "cdna", "allele", "genotype", "haplotype",
    "exon", "intron", "codon", "genome", "homozygote", "heterozygote", "point mutation",
    "promoter region", "microsatellite marker", "transfection", "single nucleotide "
    "polymorphism", "snp",
    # diagnostic procedures are not therapies (THERAPY: therapeutic products and procedures)
    "biopsy", "liver biopsy", "laparoscopy", "staging laparoscopy", "diagnostic laparoscopy",
    "endoscopy", "ultrasound", "ultrasonography",
})
_FUNCTION_WORDS = frozenset({"in", "of", "the", "a", "an", "and", "or", "to", "for", "with",
                             "on", "by", "at", "as", "from", "into", "is", "are", "was"})

#: Words after a cell name that make "<cell> <word>" a cell therapy: annotated as the cell.
PROCEDURE_WORDS = frozenset({
    "transplantation", "transplant", "transplants", "transplanted", "infusion", "infusions",
    "injection", "injections", "administration", "therapy", "therapies", "treatment",
    "transfusion", "engraftment", "implantation", "delivery", "-", "based", "(", ")",
})
_STATE_WORDS = {"CELL_TYPE": {"activated", "quiescent", "senescent", "inactivated"},
                "DISEASE": {"decompensated", "compensated"}}
_VIRUS_RE = re.compile(r"^H[ABCDE]V$")
_SENT_ABBREV = {"al", "fig", "figs", "vs", "e.g", "i.e", "approx", "ca", "cf", "no", "nos",
                "dr", "st", "ref", "refs", "eq", "vol", "pp", "resp", "etc", "i.v", "i.p",
                "s.c", "p.o", "wt", "sp", "spp"}


# ---------------------------------------------------------------------------------------------
# keys

def _singular(w: str) -> str:
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


@lru_cache(maxsize=200_000)
def subtoken_keys(text: str) -> tuple[tuple[str, str], ...]:
    """Split ``text`` into ``(lowercase key, exact key)`` pairs used for matching.

    >>> [k for k, _ in subtoken_keys("TGF-β1/Smad")]
    ['tgf', 'beta', '1', '/', 'smad']
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
            w = _singular(w)
        out.append((w.lower(), w))
    return tuple(out)


def _relaxed_case_ok(text: str) -> bool:
    """A text form with inner capitals or digits may match a case-sensitive entry; not a
    short one starting in lower case, which is a unit ("mM", "cM", "nM").

    >>> _relaxed_case_ok("Tgfb1"), _relaxed_case_ok("IL6"), _relaxed_case_ok("mM")
    (True, True, False)
    """
    if len(text) <= 3 and text[:1].islower() and text.isalpha():
        return False
    return any(c.isdigit() for c in text) or any(c.isupper() for c in text[1:])


# ---------------------------------------------------------------------------------------------
# lexicon -> trie

class TrieEntry(NamedTuple):
    """What a matched term stands for."""

    type: str
    concept: str
    name: str
    priority: int
    exact: tuple[str, ...] | None = None   # set for case-sensitive entries


_SEP = "\x1f"


class TermTrie:
    """Terms keyed by their joined sub-token keys, with the set of proper key prefixes.

    A flat layout (``terms``: key -> entry indices, ``prefixes``, ``entries``) that pickles
    and loads fast; walking it extends the key one sub-token at a time while it is a prefix.

    >>> t = TermTrie(); t.add("hepatic stellate cells", TrieEntry("CELL_TYPE", "CL:0000632",
    ...                                                  "hepatic stellate cell", 100))
    >>> t.lookup("Hepatic stellate cell")[0].concept
    'CL:0000632'
    """

    def __init__(self) -> None:
        self.terms: dict[str, tuple[int, ...]] = {}
        self.prefixes: set[str] = set()
        self.entries: list[TrieEntry] = []
        # ambiguous ontology acronyms left out of matching (see _defined_only): text ->
        # entries; they count where the document names the concept (_document_acronyms)
        self.acronyms: dict[str, tuple[TrieEntry, ...]] = {}
        self._index: dict[TrieEntry, int] = {}
        self._reset_caches()

    def _reset_caches(self) -> None:
        # per-token-text walk info and chosen entries, filled by match_trie
        self._tokens: dict[str, Any] = {}
        self._chosen: dict[tuple[str, tuple[str, ...], bool], TrieEntry | None] = {}
        # best entry of terms without case-sensitive entries (else _CASED), filled by _choose
        self._plain: dict[str, Any] = {}
        # productive-name reading of a token text, filled by productive_candidates
        self._productive: dict[str, tuple[bool, str, str | None, str, int] | None] = {}
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
        (:func:`_is_generic`), so the trie walk need not start there.
        """
        if self._kept_walks is None:
            heads = {f + _SEP: f for f in _FUNCTION_WORDS}
            kept = set()
            for key, idx in self.terms.items():
                head = key[:key.find(_SEP) + 1]
                if head in heads and any(self.entries[i].priority >= 100 for i in idx):
                    kept.add(heads[head])
            self._kept_walks = frozenset(kept)
        return self._kept_walks

    @property
    def size(self) -> int:
        """Number of (term key, entry) pairs."""
        return sum(len(v) for v in self.terms.values())

    def add(self, term: str, entry: TrieEntry) -> None:
        """Add one term (its keys come from :func:`subtoken_keys`)."""
        keys = [lo for lo, _ in subtoken_keys(term)]
        if not keys:
            return
        idx = self._index.get(entry)
        if idx is None:
            idx = self._index[entry] = len(self.entries)
            self.entries.append(entry)
        key = _SEP.join(keys)
        if self._tokens or self._chosen or self._plain or self._productive:
            self._reset_caches()
        have = self.terms.get(key, ())
        if idx not in have:
            self.terms[key] = have + (idx,)
        for i in range(1, len(keys)):
            self.prefixes.add(_SEP.join(keys[:i]))

    def __getstate__(self) -> dict[str, Any]:
        entries = self.entries
        raw = entries.raw if isinstance(entries, _LazyEntries) else [tuple(e) for e in entries]
        return {"terms": self.terms, "prefixes": self.prefixes, "entries": raw,
                "acronyms": {k: [tuple(e) for e in v] for k, v in self.acronyms.items()}}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.terms = state["terms"]
        self.prefixes = state["prefixes"]
        self.acronyms = {k: tuple(TrieEntry(*e) for e in v)
                         for k, v in state.get("acronyms", {}).items()}
        # entries become TrieEntry objects when first used (a few thousand of ~200k)
        self.entries = _LazyEntries(state["entries"])  # type: ignore[assignment]
        self._index = {}
        self._reset_caches()

    def get(self, key: str) -> list[TrieEntry]:
        """Entries of one joined key."""
        return [self.entries[i] for i in self.terms.get(key, ())]

    def best(self, text: str, *types: str) -> TrieEntry | None:
        """The highest-priority entry of ``text`` among ``types`` (first of equals), or None.

        >>> t = TermTrie(); t.add("HGF", TrieEntry("CYTOKINE", "HGNC:4893", "HGF", 10))
        >>> t.best("HGF", "CYTOKINE").concept, t.best("HGF", "DISEASE")
        ('HGNC:4893', None)
        """
        hits = [e for e in self.lookup(text) if e.type in types]
        return max(hits, key=lambda e: e.priority) if hits else None

    def lookup(self, text: str) -> list[TrieEntry]:
        """Entries whose term has exactly the keys of ``text`` (case rules applied)."""
        keys = subtoken_keys(text)
        exact = tuple(e for _, e in keys)
        return [e for e in self.get(_SEP.join(lo for lo, _ in keys))
                if _case_ok(e, exact, text)]


class _LazyEntries:
    """A list of :class:`TrieEntry` kept as plain tuples until an item is read (loading
    ~200k named tuples from the trie cache took 0.4 s)."""

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


def _case_ok(entry: TrieEntry, exact: tuple[str, ...], text: str) -> bool:
    if entry.exact is None or entry.exact == exact:
        return True
    return _relaxed_case_ok(text)


def _iter_lexicon_rows() -> Iterator[tuple[str, str, str, str, bool, int]]:
    """``(term, type, concept, name, case_sensitive, priority)`` of the project lexicon.

    Uses :mod:`pipeline.lexicon` when present (generated lexicon + overrides with variants);
    otherwise reads ``data/overrides.tsv`` (and ``data/lexicon.tsv.gz`` if present) directly.
    """
    from .errors import LexiconError
    try:
        from .lexicon import Lexicon  # type: ignore[attr-defined]
        lex = Lexicon.load()
    except (ImportError, LexiconError) as exc:
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


def _lexicon_fingerprint() -> str:
    h = hashlib.sha1(TRIE_FORMAT.encode())
    for name in ("lexicon.tsv.gz", "overrides.tsv", "blocklist.tsv"):
        p = _DATA / name
        if p.is_file():
            h.update(name.encode())
            h.update(p.read_bytes())
    lexmod = Path(__file__).with_name("lexicon.py")
    if lexmod.is_file():
        h.update(lexmod.read_bytes())
    return h.hexdigest()[:16]


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mscgraph"


#: Short all-capital synonyms from the ontologies ("RA", "PMA", "GC", "PBL", "EC") stand for
#: many things in PubMed prose; for these types they match only where the document defines
#: them (the abbreviation resolver then gives the long form's concept) or where a curated
#: row (priority >= 10: labels, curated lists, overrides) names them.
_DEFINED_ONLY_TYPES = frozenset({"DISEASE", "CELL_TYPE", "OUTCOME", "PROCESS", "THERAPY"})
_ACRONYM_RE = re.compile(r"[A-Z][A-Z0-9]{1,3}s?")


def _defined_only(term: str, typ: str, priority: int) -> str | None:
    """The acronym a lexicon row stands for when it is an ambiguous ontology acronym (see
    :data:`_DEFINED_ONLY_TYPES`), else ``None``. Noisy synonyms (priority <= 4) of up to
    five letters are acronyms that lost their case ("gave", "ever", "bac").

    >>> _defined_only("PMA", "DISEASE", 4), _defined_only("HCC", "DISEASE", 50)
    ('PMA', None)
    >>> _defined_only("gave", "DISEASE", 4), _defined_only("gout", "DISEASE", 10)
    ('GAVE', None)
    """
    if priority >= 10 or typ not in _DEFINED_ONLY_TYPES:
        return None
    if _ACRONYM_RE.fullmatch(term):
        return term
    if priority <= 4 and len(term) <= 5 and term.isascii() and term.isalpha():
        return term.upper()
    return None


def _document_acronyms(doc: Doc, sel: list[Candidate], trie: TermTrie) -> list[Candidate]:
    """Ambiguous acronyms (:attr:`TermTrie.acronyms`) that stand for a concept the document
    names elsewhere: ``FRDA`` in an abstract on Friedreich ataxia, ``RA`` next to rheumatoid
    arthritis; in other documents ``RA`` (retinoic acid), ``PMA`` or ``GC`` stay unmatched.

    ``sel`` is ordered and disjoint; the result is too (free tokens only).
    """
    acronyms = trie.acronyms
    if not acronyms or not sel:
        return sel
    words = _words(doc).text
    forms = trie.acronym_forms()
    seen = forms.intersection(words)   # one C-level pass; most documents have none
    if not seen:
        return sel
    hits = [(i, t) for i, t in enumerate(words) if t in seen]
    named = {c.concept for c in sel if c.concept}
    taken = bytearray(len(words))
    for c in sel:
        taken[c.start:c.end] = b"\x01" * (c.end - c.start)
    added = []
    for i, t in hits:
        if taken[i]:
            continue
        entries = acronyms.get(t) or acronyms[t[:-1]]
        ok = [e for e in entries if e.concept in named]
        if ok:
            e = max(ok, key=lambda e: (e.priority, TYPE_PRIORITY.get(e.type, 0)))
            added.append(Candidate(i, i + 1, e.type, e.concept, e.name, e.priority, "acronym"))
    if not added:
        return sel
    return sorted(sel + added, key=_start)


def build_term_trie(rows: Iterable[tuple[str, str, str, str, bool, int]]) -> TermTrie:
    """Build a :class:`TermTrie` from lexicon rows (see :func:`_iter_lexicon_rows`);
    ambiguous ontology acronyms (:func:`_defined_only`) go to :attr:`TermTrie.acronyms`."""
    trie = TermTrie()
    for term, typ, concept, name, cs, prio in rows:
        if len(term) < 2 or typ not in TYPE_PRIORITY:
            continue
        acronym = _defined_only(term, typ, prio)
        if acronym:
            have = trie.acronyms.get(acronym, ())
            if all(e.concept != concept for e in have):
                trie.acronyms[acronym] = have + (TrieEntry(typ, concept, name, prio),)
            continue
        exact = tuple(e for _, e in subtoken_keys(term)) if cs else None
        trie.add(term, TrieEntry(typ, concept, name, prio, exact))
    return trie


def _prune_cache(folder: Path, keep: int) -> None:
    """Remove all but the ``keep`` newest trie pickles."""
    files = sorted(folder.glob("trie-*.pkl"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[keep:]:
        try:
            old.unlink()
        except OSError:
            pass


@lru_cache(maxsize=2)
def load_term_trie(use_cache: bool = True) -> TermTrie:
    """The project lexicon as a trie, built once per process and cached on disk.

    The pickle lives under ``~/.cache/mscgraph/`` (``$XDG_CACHE_HOME``), keyed by a hash of
    the lexicon files and this module.
    """
    key = _lexicon_fingerprint()
    path = _cache_dir() / f"trie-{key}.pkl"
    if use_cache and path.is_file():
        gc_was_on = gc.isenabled()
        gc.disable()  # ~500k new containers: collections during the load only cost time
        try:
            with path.open("rb") as fh:
                return pickle.load(fh)
        except Exception:  # corrupt or incompatible cache: rebuild
            log.warning("ignoring unreadable trie cache %s", path)
        finally:
            if gc_was_on:
                gc.enable()
    t0 = time.perf_counter()
    trie = build_term_trie(_iter_lexicon_rows())
    took = time.perf_counter() - t0
    log.info("built term trie: %d entries in %.2f s", trie.size, took)
    if use_cache and took > 0.3:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as fh:
                pickle.dump(trie, fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(path)
            _prune_cache(path.parent, keep=3)
        except OSError as exc:
            log.warning("could not write trie cache %s: %s", path, exc)
    return trie


# ---------------------------------------------------------------------------------------------
# tokenizer

def _base_tokenizer(nlp: Language) -> Tokenizer:
    infixes = list(nlp.Defaults.infixes) + [
        r"(?<=[0-9]\+)(?=[A-Za-z])",      # CD4+CD25+ -> CD4+ CD25+
        r"[()\[\]]",                      # interleaved abbreviations: interferon (IFN)-γ
        r"/",                             # TGF-β1)/Smad, SDF-1/CXCR4
        r"(?<![0-9]),(?=[A-Za-z(])",      # "(TB),prothrombin time": missing space
        r"(?<=[a-z]);(?=[A-Za-z])",
    ]
    # keep "CD25+" whole: drop the digit-plus suffix rule
    suffixes = [x for x in nlp.Defaults.suffixes if x != r"(?<=[0-9])\+"]
    base = spacy.registry.tokenizers.get("spacy.Tokenizer.v1")()(nlp)
    return Tokenizer(nlp.vocab, rules=base.rules, prefix_search=base.prefix_search,
                     suffix_search=compile_suffix_regex(suffixes).search,
                     infix_finditer=compile_infix_regex(infixes).finditer,
                     token_match=base.token_match, url_match=base.url_match)


_CHUNK_RE = re.compile(r"\S+|\s+")  # \s is str.isspace, as in spaCy's tokenizer loop


#: Chunks whose spaCy tokens follow from their shape (unless a tokenizer exception applies):
#: an optional ``(``, an ASCII word or a number, an optional ``, ; : )`` or a period after a
#: lowercase letter. Each part is one token (checked on probes, see
#: :meth:`NormalizingTokenizer._simple_path_agrees`).
_NO_LEFTS: frozenset[str] = frozenset()
_SIMPLE_CHUNK_RE = re.compile(r"(\()?([A-Za-z]+|[0-9]+)([,;:)]|(?<=[a-z])\.)?")


class _Chunk(NamedTuple):
    """The tokens of one whitespace-delimited chunk, and the exception-pair pieces it starts
    and ends with (see :meth:`NormalizingTokenizer._bridge_pairs`)."""

    words: tuple[str, ...]
    falses: tuple[bool, ...]    # one False per token (trailing-space flags inside a chunk)
    lefts: frozenset[str]       # pair starts that one of the chunk's heads completes
    tails: tuple[str, ...]
    ws: bool                    # a whitespace chunk


class NormalizingTokenizer:
    """Normalize the text (:func:`pipeline.text.normalize_text`), then tokenize it.

    Sets ``Doc._.mscgraph_norm``: ``None`` when the text did not change, else the plain-data
    offset map (:meth:`NormalizedText.to_json`) back to the original text.

    Tokens are those of the wrapped spaCy rule tokenizer. spaCy tokenizes each whitespace-
    delimited chunk on its own, so the tokens of a chunk are memoized (``max_chunks``
    entries, first come first kept) and a document is built with ``Doc(vocab, words,
    spaces)``. An unseen chunk is split by a Python port of spaCy's affix loop with the same
    regexes (:meth:`_port_words`), simple chunks (``word``, ``(word``, ``word,``) without
    regexes (:meth:`_simple_words`); chunks a tokenizer exception may touch go through the
    rule tokenizer, in one call per document.
    Caveat: token-level ``NORM`` values of tokenizer exceptions are not copied (the lexeme's
    norm is used); nothing in this project reads them. Call :meth:`clear_cache` after
    changing the wrapped tokenizer's rules.
    """

    def __init__(self, vocab: Any, tokenizer: Tokenizer, *, max_chunks: int = 200_000) -> None:
        Doc.set_extension("mscgraph_norm", default=None, force=True)
        self.vocab = vocab
        self.tokenizer = tokenizer
        self.max_chunks = max_chunks
        self.clear_cache()

    def clear_cache(self) -> None:
        """Forget the memoized chunk tokens (after changing the rule tokenizer)."""
        self._chunks: dict[str, _Chunk] = {}
        self._bridges: set[tuple[str, str]] | None = None
        # bridge heads by first character, with the pair starts they complete; tails by last
        self._heads_by_char: dict[str, tuple[tuple[str, frozenset[str]], ...]] = {}
        self._tails_by_char: dict[str, tuple[str, ...]] = {}
        self._rule_keys: frozenset[str] = frozenset()
        self._simple_ok = False

    def _bridge_pairs(self) -> set[tuple[str, str]]:
        """Adjacent token pairs of the tokenizer exceptions that affix rules split.

        spaCy's final special-case pass matches such token sequences over the whole document;
        a match across a single space never applies (no exception contains a space) but can
        shadow an overlapping one inside a chunk. So chunks where one may end with the first
        token of a pair and the next (after one space) start with the second are tokenized
        together (see :meth:`words`); no match crosses any other chunk boundary.
        """
        if self._bridges is None:
            t = self.tokenizer
            plain = Tokenizer(self.vocab, rules={}, prefix_search=t.prefix_search,
                              suffix_search=t.suffix_search, infix_finditer=t.infix_finditer,
                              token_match=t.token_match, url_match=t.url_match)
            pairs: set[tuple[str, str]] = set()
            for key in t.rules or {}:
                w = [x.text for x in plain(key)]
                pairs.update(zip(w, w[1:]))
            lefts: dict[str, set[str]] = {}
            for a, b in pairs:
                lefts.setdefault(b, set()).add(a)
            heads: dict[str, list[tuple[str, frozenset[str]]]] = {}
            for b, starts in sorted(lefts.items()):
                heads.setdefault(b[0], []).append((b, frozenset(starts)))
            self._heads_by_char = {c: tuple(v) for c, v in heads.items()}
            tails: dict[str, list[str]] = {}
            for a in sorted({a for a, _ in pairs}):
                tails.setdefault(a[-1], []).append(a)
            self._tails_by_char = {c: tuple(v) for c, v in tails.items()}
            self._rule_keys = frozenset(t.rules or ())
            self._bridges = pairs
            self._simple_ok = self._simple_path_agrees()
        return self._bridges

    def _simple_path_agrees(self) -> bool:
        """Whether :meth:`_simple_words` gives :meth:`_port_words`'s tokens on probe chunks
        (every letter and digit, letter pairs, unit and URL-like words, with each opening
        and closing mark); when not (a customized tokenizer), simple chunks take the port.
        """
        chars = ascii_letters + digits
        stems = list(chars) + [a + b for a in "aeszAESZ09" for b in "aegmsAEGMS09"] + [
            "localhost", "www", "com", "http", "https", "mg", "kg", "km", "am", "pm", "US",
            "Dr", "vs", "al", "eg", "ie", "etc", "st", "Mr", "No", "cm", "Inc", "fig", "Sec"]
        for stem in stems:
            for a in ("", "("):
                for b in ("", ",", ";", ":", ")", "."):
                    chunk = a + stem + b
                    m = _SIMPLE_CHUNK_RE.fullmatch(chunk)
                    got = self._simple_words(chunk, m) if m is not None else None
                    if got is not None and got != self._port_words(chunk):
                        log.warning("tokenizer fast path disabled: %r differs", chunk)
                        return False
        return True

    def __call__(self, text: str) -> Doc:
        norm = normalize_text(text)
        words, spaces = self.words(norm.text)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc._.mscgraph_norm = norm.to_json()
        # the token texts the components read (dropped by mscgraph_linker: not serializable)
        doc.user_data["mscgraph.words"] = _Words(None, words, spaces)
        return doc

    def words(self, text: str) -> tuple[list[str], list[bool]]:
        """Token texts and trailing-space flags of ``text``, as spaCy's tokenizer gives them.

        Chunks joined by one space whose edges may form a tokenizer-exception pair (see
        :meth:`_bridge_pairs`) are tokenized together by spaCy.

        >>> nlp = build_nlp(relations=False)                        # doctest: +SKIP
        >>> nlp.tokenizer.words("CD4+CD25+ Tregs.")                 # doctest: +SKIP
        (['CD4+', 'CD25+', 'Tregs', '.'], [False, True, False, False])
        """
        cache = self._chunks
        get = cache.get
        if self._bridges is None:
            self._bridge_pairs()
        chunks = _CHUNK_RE.findall(text)
        missing = [c for c in chunks if c not in cache]
        learned = self._learn(missing) if missing else cache
        words: list[str] = []
        spaces: list[bool] = []
        tails: tuple[str, ...] = ()     # bridge tails of the chunk before a single space
        window: list[str] | None = None  # chunks joined by bridged single spaces
        first = ""                      # the last chunk that was not bridged to its left
        win_at = 0                      # index in words of that chunk's first token
        for chunk in chunks:
            if chunk == " " and words:
                spaces[-1] = True       # a single space is the previous token's trailing space
                continue
            got = get(chunk) or learned[chunk]
            if got.ws:
                if chunk[0] == " " and words:
                    spaces[-1] = True
                    rest = chunk[1:]
                    got = get(rest) or learned.get(rest) or self._learn([rest])[rest]
                if window:
                    self._retokenize(window, words, spaces, win_at)
                    window = None
                tails = ()
            else:
                if tails and got.lefts and not got.lefts.isdisjoint(tails):
                    if window is None:
                        window = [first]
                    window.append(chunk)
                else:
                    if window:
                        self._retokenize(window, words, spaces, win_at)
                        window = None
                    first, win_at = chunk, len(words)
                tails = got.tails
            words.extend(got.words)
            spaces.extend(got.falses)
        if window:
            self._retokenize(window, words, spaces, win_at)
        return words, spaces

    def _retokenize(self, window: list[str], words: list[str], spaces: list[bool],
                    at: int) -> None:
        """Replace the tokens from ``at`` on by spaCy's tokens of the chunks of ``window``."""
        doc = self.tokenizer(" ".join(window))
        trailing = spaces[-1]   # the space after the window, if any
        words[at:] = [t.text for t in doc]
        spaces[at:] = [bool(t.whitespace_) for t in doc]
        spaces[-1] = trailing

    def _affix_words(self, chunk: str) -> tuple[str, ...] | None:
        """spaCy's tokens of one non-space chunk without building a ``Doc``, or ``None``.

        Simple chunks (:data:`_SIMPLE_CHUNK_RE`) take :meth:`_simple_words`, the rest
        :meth:`_port_words`.
        """
        if self._simple_ok:
            m = _SIMPLE_CHUNK_RE.fullmatch(chunk)
            if m is not None:
                got = self._simple_words(chunk, m)
                if got is not None:
                    return got
        return self._port_words(chunk)

    def _simple_words(self, chunk: str, m: re.Match[str]) -> tuple[str, ...] | None:
        """The tokens of a chunk matching :data:`_SIMPLE_CHUNK_RE` without running the
        affix regexes: an optional ``(``, a word, an optional closing mark, each its own
        token; ``None`` when a string spaCy looks up is an exception key or the tokens
        could start a special-case match."""
        opening, word, closing = m.groups()
        rules = self._rule_keys
        if chunk in rules or word in rules:
            return None
        words: tuple[str, ...] = (word,)
        if opening:
            if chunk[1:] in rules or "(" in rules or ("(", word) in self._bridges:
                return None
            words = ("(", word)
        if closing:
            if chunk[:-1] in rules or closing in rules or (word, closing) in self._bridges:
                return None
            words += (closing,)
        return words

    def _port_words(self, chunk: str) -> tuple[str, ...] | None:
        """spaCy's tokens of one non-space chunk without building a ``Doc``, or ``None``.

        A port of the affix loop of spaCy's ``Tokenizer`` (``_split_affixes`` and
        ``_attach_tokens``, spaCy 3) calling the same prefix, suffix, infix, token-match and
        URL-match functions. ``None`` (tokenize with spaCy) when a tokenizer exception could
        apply: a string the loop looks up is an exception key, or a token or an adjacent
        token pair could start a special-case match (:meth:`_bridge_pairs`).
        """
        t = self.tokenizer
        rules = self._rule_keys
        token_match, url_match = t.token_match, t.url_match
        prefix_search, suffix_search = t.prefix_search, t.suffix_search
        if chunk in rules:
            return None
        string = chunk
        prefixes: list[str] = []
        suffixes: list[str] = []
        last_size = 0
        while string and len(string) != last_size:
            if token_match is not None and token_match(string):
                break
            if string in rules:
                return None
            last_size = len(string)
            m = prefix_search(string) if prefix_search is not None else None
            pre_len = m.end() - m.start() if m is not None else 0
            if pre_len:
                prefix, minus_pre = string[:pre_len], string[pre_len:]
                if minus_pre in rules:
                    return None
            m = suffix_search(string[pre_len:]) if suffix_search is not None else None
            suf_len = m.end() - m.start() if m is not None else 0
            if suf_len:
                suffix, minus_suf = string[-suf_len:], string[:-suf_len]
                if minus_suf in rules:
                    return None
            if pre_len and suf_len and pre_len + suf_len <= len(string):
                string = string[pre_len:-suf_len]
                prefixes.append(prefix)
                suffixes.append(suffix)
            elif pre_len:
                string = minus_pre
                prefixes.append(prefix)
            elif suf_len:
                string = minus_suf
                suffixes.append(suffix)
        words = prefixes
        if string:
            if string in rules:
                return None
            if (token_match is not None and token_match(string)) or \
                    (url_match is not None and url_match(string)):
                words.append(string)
            else:
                start = 0
                for m in (t.infix_finditer(string) if t.infix_finditer is not None else ()):
                    a, b = m.start(), m.end()
                    if a == 0:
                        continue
                    if a != start:
                        words.append(string[start:a])
                    if a != b:
                        words.append(string[a:b])
                    start = b
                if string[start:]:
                    words.append(string[start:])
        words.extend(reversed(suffixes))
        bridges = self._bridges
        for i, w in enumerate(words):
            if w in rules or (i and (words[i - 1], w) in bridges):
                return None
        return tuple(words)

    def _solid(self, chunk: str, words: tuple[str, ...]) -> "_Chunk":
        """The :class:`_Chunk` of a non-space chunk with its tokens ``words``."""
        heads = self._heads_by_char.get(chunk[0])
        lefts = _NO_LEFTS
        if heads:
            for head, starts in heads:
                if chunk.startswith(head):
                    lefts = lefts | starts
        tails = self._tails_by_char.get(chunk[-1])
        return _Chunk(words, (False,) * len(words), lefts,
                      tuple(x for x in tails if chunk.endswith(x)) if tails else (), False)

    def _learn(self, chunks: list[str]) -> dict[str, "_Chunk"]:
        """Tokenize ``chunks`` with the rule tokenizer; remember them while there is room."""
        got: dict[str, _Chunk] = {}
        solid = list(dict.fromkeys(c for c in chunks if not c[0].isspace()))
        for c in dict.fromkeys(c for c in chunks if c[0].isspace()):
            w = tuple(t.text for t in self.tokenizer(c))
            got[c] = _Chunk(w, (False,) * len(w), _NO_LEFTS, (), True)
        if solid:
            self._bridge_pairs()
            hard = []
            for c in solid:
                w = self._affix_words(c)
                if w is None:
                    hard.append(c)
                else:
                    got[c] = self._solid(c, w)
            solid = hard
        if solid:
            # one call; "\n" separators keep the chunks apart (no exception spans a newline)
            doc = self.tokenizer("\n".join(solid))
            k = 0
            toks: list[str] = []
            for t in itertools.chain(doc, (None,)):
                if t is not None and t.text != "\n":
                    toks.append(t.text)
                    continue
                c = solid[k]
                got[c] = self._solid(c, tuple(toks))
                k += 1
                toks = []
        if len(self._chunks) + len(got) <= self.max_chunks:
            self._chunks.update(got)
        return got

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    # serialization delegates to the wrapped rule tokenizer
    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return self.tokenizer.to_bytes(exclude=exclude)

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> "NormalizingTokenizer":
        self.clear_cache()
        self.tokenizer.from_bytes(data, exclude=exclude)
        return self

    def to_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> None:
        self.tokenizer.to_disk(path, exclude=exclude)

    def from_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> "NormalizingTokenizer":
        self.clear_cache()
        self.tokenizer.from_disk(path, exclude=exclude)
        return self


@spacy.registry.tokenizers("mscgraph.tokenizer.v1")
def create_tokenizer() -> Callable[[Language], NormalizingTokenizer]:
    """Registry entry ``mscgraph.tokenizer.v1`` (use in ``[nlp.tokenizer]``)."""
    def make(nlp: Language) -> NormalizingTokenizer:
        return NormalizingTokenizer(nlp.vocab, _base_tokenizer(nlp))
    return make


def _norm_of(doc: Doc) -> NormalizedText:
    d = doc._.mscgraph_norm if Doc.has_extension("mscgraph_norm") else None
    if not d:
        return NormalizedText(doc.text, doc.text)
    # the normalized text itself is not needed for mapping (and doc.text is costly)
    return NormalizedText.from_json("", d)


def original_offsets(doc: Doc, start_char: int, end_char: int, *,
                     norm: NormalizedText | None = None) -> tuple[int, int, str]:
    """Map a character span of ``doc.text`` to ``(start, end, text)`` in the original text."""
    norm = norm or _norm_of(doc)
    a, b = norm.to_original(start_char, end_char)
    return a, b, norm.original[a:b]



class _Words:
    """Token texts of a doc as plain lists (iterating spaCy tokens is slow)."""

    __slots__ = ("text", "lower", "ws", "_cells")

    def __init__(self, doc: Doc | None, text: list[str] | None = None,
                 ws: list[bool] | None = None) -> None:
        if doc is not None:
            strings = doc.vocab.strings
            arr = doc.to_array([ORTH, SPACY]).tolist() if len(doc) else []
            text = [strings[o] for o, _ in arr]
            ws = [bool(sp) for _, sp in arr]
        self.text: list[str] = text or []
        self.lower = [t.lower() for t in self.text]
        self.ws: list[bool] = ws or []
        self._cells: list[int] | None = None

    def cell_nouns(self) -> list[int]:
        """Indices of the tokens ``cell``/``cells`` (any case), ascending; memoized."""
        if self._cells is None:
            out = []
            lower = self.lower
            for word in ("cell", "cells"):
                i = -1
                try:
                    while True:   # list.index scans in C
                        i = lower.index(word, i + 1)
                        out.append(i)
                except ValueError:
                    pass
            out.sort()
            self._cells = out
        return self._cells

    def span(self, a: int, b: int) -> str:
        """The text of tokens ``[a, b)``."""
        parts = []
        for i in range(a, b):
            parts.append(self.text[i])
            if self.ws[i] and i < b - 1:
                parts.append(" ")
        return "".join(parts)


def _words(doc: Doc) -> _Words:
    w = doc.user_data.get("mscgraph.words")
    if w is None or len(w.text) != len(doc):
        w = _Words(doc)
        doc.user_data["mscgraph.words"] = w
    return w


# ---------------------------------------------------------------------------------------------
# sentences

_SENT_MARKS = frozenset({".", "!", "?", "..."})


def set_sentence_starts(doc: Doc) -> Doc:
    """Rule-based sentence starts.

    A sentence starts at the first token, after a hard newline, and after ``.``/``!``/``?``
    followed by a capital, digit or bracket, unless the period closes an abbreviation
    (e.g., i.e., vs., Fig., et al.) or an initial.
    """
    n = len(doc)
    if not n:
        return doc
    w = _words(doc)
    text, ws = w.text, w.ws
    starts = [False] * n
    starts[0] = True
    marks = _SENT_MARKS
    # only marks and whitespace tokens can start a sentence after them
    for i in [k for k, t in enumerate(text) if t in marks or t.isspace()]:
        t = text[i]
        if t not in marks:
            if "\n" in t and i + 1 < n:
                starts[i + 1] = True
        elif i + 1 < n:
            j = i + 1
            while j < n and text[j] in ('"', "'", ")", "]") and not ws[j - 1]:
                j += 1
            if j < n and text[j].isspace():
                j += 1
            if j < n and (ws[i] or ws[j - 1] or text[j - 1].isspace()):
                nxt = text[j]
                prev = w.lower[i - 1] if i > 0 else ""
                # an initial is one Latin letter on its own ("J. Smith"); not the Greek
                # letter or suffix letter of a name ("TNF-α. WJ-MSCs", "IFN-γ. The")
                abbrev = t == "." and (prev.rstrip(".") in _SENT_ABBREV
                                       or (len(prev) == 1 and prev.isascii() and prev.isalpha()
                                           and not (i > 1 and text[i - 2] == "-"
                                                    and not ws[i - 2])))
                if not abbrev and (nxt[:1].isupper() or nxt[:1].isdigit()
                                   or nxt[:1] in "([\"'"):
                    starts[j] = True
    # SENT_START is 1 (start) or -1 (not a start), as uint64
    arr = numpy.full((n, 1), numpy.iinfo(numpy.uint64).max, dtype=numpy.uint64)
    arr[[i for i, x in enumerate(starts) if x], 0] = 1
    doc.from_array([SENT_START], arr)
    return doc


class SentenceSplitter:
    """``mscgraph_sentences``: sets ``Token.is_sent_start`` (see :func:`set_sentence_starts`)."""

    def __init__(self, nlp: Language, name: str = "mscgraph_sentences") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        return set_sentence_starts(doc)


@Language.factory("mscgraph_sentences", default_config={}, assigns=["token.is_sent_start"])
def make_sentences(nlp: Language, name: str) -> SentenceSplitter:
    """Factory of :class:`SentenceSplitter`."""
    return SentenceSplitter(nlp, name)


# ---------------------------------------------------------------------------------------------
# entity matching

@dataclass(slots=True)
class Candidate:
    """A token span ``[start, end)`` with the concept it stands for."""

    start: int
    end: int
    type: str
    concept: str | None
    name: str
    priority: int
    rule: str = "lexicon"

    def overlaps(self, other: "Candidate") -> bool:
        return self.start < other.end and other.start < self.end


_TOKEN_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _token_keys(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(lowercase keys, exact keys)`` of one token, memoized."""
    got = _TOKEN_KEYS.get(text)
    if got is None:
        if text.isascii() and text.isalpha() and (text.islower() or "a" not in text):
            # one letter run without a camel-case Greek name (all of them contain an "a"):
            # subtoken_keys gives the singular word
            w = _singular(text)
            got = ((w.lower(),), (w,))
        else:
            subs = subtoken_keys(text)
            got = (tuple(lo for lo, _ in subs), tuple(ex for _, ex in subs))
        if len(_TOKEN_KEYS) > 500_000:
            _TOKEN_KEYS.clear()
        _TOKEN_KEYS[text] = got
    return got


class _TokenInfo(NamedTuple):
    """What the trie walk needs of one token text (memoized per trie)."""

    key: str                  # joined lowercase keys ("" when the token has none)
    exact: tuple[str, ...]    # exact keys
    starts: bool              # the key is a term or a term prefix: a walk may start here
    relaxed_first: bool       # _relaxed_case_ok(text) of a span starting with this token
    relaxed_inner: bool       # the token has a digit or a capital (later tokens of a span)
    single: TrieEntry | None  # the chosen entry of the one-token span (None: no term)
    walks: bool               # a multi-token match may start here (see match_trie)


def _token_info(trie: TermTrie, text: str) -> _TokenInfo:
    cache = trie._tokens
    got = cache.get(text)
    if got is None:
        lo, ex = _token_keys(text)
        key = _SEP.join(lo)
        if text.isascii() and text.isalpha():
            # no digits; a capital anywhere / after the first letter
            inner, first = not text.islower(), not text[1:].islower() if text[1:] else False
            if len(text) <= 3 and text[0].islower():
                first = False   # a unit ("mM", "cM"), see _relaxed_case_ok
        else:
            inner = any(c.isdigit() or c.isupper() for c in text)
            first = _relaxed_case_ok(text)
        idx = trie.terms.get(key) if key else None
        single = _chosen_entry(trie, idx, key, ex, first) if idx is not None else None
        lower = text.lower()
        walks = key in trie.prefixes and (lower not in _FUNCTION_WORDS or
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
    function word are only looked for where one could survive :func:`_is_generic`.
    """
    words = _words(doc).text
    cache = trie._tokens
    infos = [cache.get(t) or _token_info(trie, t) for t in words]
    n = len(infos)
    terms, prefixes = trie.terms, trie.prefixes
    out: list[Candidate] = []
    for i in range(n):
        info = infos[i]
        if not info.starts:
            continue
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
            key = key + _SEP + infos[j].key
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
    plain = trie._plain
    e = plain.get(key, _MISSING)
    if e is _MISSING:
        # a term without case-sensitive entries: the choice does not depend on the case
        entries = [trie.entries[i] for i in idx]
        e = _best_entry(entries, ()) if all(x.exact is None for x in entries) else _CASED
        if len(plain) > 500_000:
            plain.clear()
        plain[key] = e
    if e is _CASED:
        exact = infos[start].exact if end == start + 1 else \
            tuple(x for k in range(start, end) for x in infos[k].exact)
        # _relaxed_case_ok of the span text, from per-token flags (spaces are neither)
        relaxed = infos[start].relaxed_first or any(infos[k].relaxed_inner
                                                     for k in range(start + 1, end))
        e = _chosen_entry(trie, idx, key, exact, relaxed)
    if e is None:
        return None
    return Candidate(start, end, e.type, e.concept or None, e.name, e.priority)


def _chosen_entry(trie: TermTrie, idx: tuple[int, ...], key: str, exact: tuple[str, ...],
                  relaxed: bool) -> TrieEntry | None:
    """The best entry of term ``key`` for a span with ``exact`` keys (memoized per trie)."""
    memo = trie._chosen
    mkey = (key, exact, relaxed)
    e = memo.get(mkey, _MISSING)
    if e is _MISSING:
        entries = [trie.entries[i] for i in idx]
        e = _best_entry([x for x in entries
                         if x.exact is None or x.exact == exact or relaxed], exact)
        if len(memo) > 500_000:
            memo.clear()
        memo[mkey] = e
    return e


_MISSING: Any = object()
_CASED: Any = object()   # a term with case-sensitive entries (see _choose)


def _best_entry(ok: list[TrieEntry], exact: tuple[str, ...]) -> TrieEntry | None:
    """An exact-case entry beats a relaxed one, then priority, then type priority (first of
    equals wins)."""
    if not ok:
        return None
    return max(ok, key=lambda e: (e.exact is not None and e.exact == exact, e.priority,
                                  TYPE_PRIORITY.get(e.type, 0)))


_PRODUCTIVE = [
    (re.compile(r"^(IL|CXCL|CCL|CX3CL|XCL)-?(\d{1,2})([A-Za-z]?)-?([αβγ]|alpha|beta|gamma)?$"),
     "CYTOKINE"),
    (re.compile(r"^(MMP|TIMP|TLR|ADAM)-?(\d{1,2})()()$"), "MOLECULE"),
    (re.compile(r"^(Smad|SMAD)-?(\d)()()(?:/\d)?$"), "MOLECULE"),
    (re.compile(r"^(CD)(\d{1,3})([a-z]?)()$"), "MOLECULE"),
    (re.compile(r"^(miR|microRNA|MiR)-(\d{1,4})([a-z]?)()$"), "MOLECULE"),
]
_PRODUCTIVE_FIRST = set("ICXMTASCmM")
_GREEK_LETTER = {"α": "A", "β": "B", "γ": "G", "alpha": "A", "beta": "B", "gamma": "G"}


def productive_candidates(doc: Doc, trie: TermTrie) -> list[Candidate]:
    """Candidates for productive gene-family names not (or not fully) in the lexicon.

    The concept is the HGNC symbol's entry when the lexicon has it (``IL-1β`` -> ``IL1B``).
    """
    out = []
    w = _words(doc)
    text = w.text
    n = len(text)
    cache = trie._productive
    for i, txt in enumerate(text):
        if len(txt) < 3 or txt[0] not in _PRODUCTIVE_FIRST:
            continue
        got = cache.get(txt, _MISSING)
        if got is _MISSING:
            got = _productive_reading(trie, txt)
            if len(cache) > 500_000:
                cache.clear()
            cache[txt] = got
        if got is None:
            continue
        mir, typ, concept, name, priority = got
        end = i + 1
        if mir and end + 1 < n and text[end] == "-" and re.match(r"^[35]p$", text[end + 1]):
            end += 2
        out.append(Candidate(i, end, typ, concept, name, priority, "productive"))
    return out


def _productive_reading(trie: TermTrie, txt: str) -> tuple[bool, str, str | None, str,
                                                           int] | None:
    """``(miR name, type, concept, name, priority)`` of a productive name, else ``None``."""
    for rx, typ in _PRODUCTIVE:
        m = rx.match(txt)
        if not m:
            continue
        prefix, num, letter, greek = m.groups()
        symbol = (prefix.upper().replace("MICRORNA", "MIR") + num + (letter or "").upper()
                  + _GREEK_LETTER.get(greek or "", ""))
        mir = prefix.lower() in ("mir", "microrna")
        e = trie.best(symbol, "CYTOKINE", "MOLECULE")
        if e is not None:
            return mir, e.type, e.concept, e.name, 1
        return mir, typ, None, symbol, 0
    return None


def _keys_of(span: Span) -> tuple[str, ...]:
    return tuple(k for t in span for k, _ in subtoken_keys(t.text))


def _drop_cell_therapies(doc: Doc, cands: list[Candidate]) -> list[Candidate]:
    """``MSC transplantation`` is annotated as the cell: drop the longer non-cell match."""
    w = _words(doc)
    cells = {(c.start, c.end) for c in cands if c.type == "CELL_TYPE"}
    cell_ends: dict[int, list[int]] = {}   # start -> ends of the cell spans
    for s, e in cells:
        cell_ends.setdefault(s, []).append(e)
    out = []
    for c in cands:
        if c.type != "CELL_TYPE":
            hit = any(e < c.end and all(t in PROCEDURE_WORDS for t in w.lower[e:c.end])
                      for e in cell_ends.get(c.start, ()))
            if hit:
                continue
            if c.type == "THERAPY" and "derived" in w.lower[c.start:c.end]:
                continue  # "MSC-derived exosomes": split into cell + product
            # "MSC transplantation", "MSC-transplantation", "stem cell (MSC) transplantation"
            if c.type == "THERAPY" and any(e == c.start or (e == c.start - 1 and
                                                            w.text[e] in ("-", ")"))
                                           for _, e in cells) \
                    and all(t in PROCEDURE_WORDS for t in w.lower[c.start:c.end]):
                continue  # "MSC transplantation": the cell only
        out.append(c)
    return out


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
    taken.sort(key=_start)
    return taken


def _overlap_rank(c: Candidate) -> tuple[int, int, int, int]:
    return (c.start - c.end, -c.priority, -TYPE_PRIORITY.get(c.type, 0), c.start)


def _start(c: Candidate) -> int:
    return c.start


#: Whether one token text's keys are a generic noun or a non-entity (see :func:`_is_generic`).
_GENERIC_TOKEN: dict[str, bool] = {}


def _is_generic(doc: Doc, c: Candidate, w: _Words | None = None) -> bool:
    """Class nouns, non-entities, function-word starts, ``long form (ABBR)`` lexicon terms."""
    if c.priority >= 100 and c.rule == "lexicon":
        return False
    if w is None:
        w = _words(doc)
    if c.end - c.start == 1:   # most candidates: the test memoized per token text
        t = w.text[c.start]
        generic = _GENERIC_TOKEN.get(t)
        if generic is None:
            words = " ".join(_token_keys(t)[0])
            generic = words in GENERIC_NOUNS or words in NOT_ENTITIES
            if len(_GENERIC_TOKEN) > 500_000:
                _GENERIC_TOKEN.clear()
            _GENERIC_TOKEN[t] = generic
        if generic:
            return True
    else:
        words = " ".join([k for t in w.text[c.start:c.end] for k in _token_keys(t)[0]])
        if words in GENERIC_NOUNS or words in NOT_ENTITIES:
            return True
    if c.type == "PROCESS" and w.lower[c.end - 1] in ("gene", "genes"):
        return True  # "tumor suppressor genes" is a class of genes, not a process
    if w.lower[c.start] in _FUNCTION_WORDS:
        return True
    # "acute-on-chronic liver failure (ACLF)": the abbreviation is its own mention
    return c.end - c.start > 3 and w.text[c.end - 1] == ")" and "(" in w.text[c.start:c.end] \
        and w.ws[w.text.index("(", c.start, c.end) - 1]


_MARKER_RE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9]*(?:\+|\(\+\)))+$")


def _extend_states(doc: Doc, sel: list[Candidate]) -> None:
    """Keep state words in the span: ``activated HSCs``, ``HBV-related decompensated cirrhosis``.

    Surface-marker prefixes stay part of a cell name too (``CD4+CD25+ Tregs``).
    """
    w = _words(doc)
    for c in sel:
        if c.type == "CELL_TYPE":
            while c.start > 0 and _MARKER_RE.match(w.text[c.start - 1]):
                c.start -= 1
        words = _STATE_WORDS.get(c.type)
        if not words:
            continue
        while c.start > 0 and w.lower[c.start - 1] in words:
            c.start -= 1
        if (c.type == "DISEASE" and c.start >= 3 and w.lower[c.start - 1] in
                ("related", "associated") and w.text[c.start - 2] == "-"
                and _VIRUS_RE.match(w.text[c.start - 3])):
            c.start -= 3


_PATHWAY_HEADS = {"signaling", "signalling", "signal", "pathway", "pathways", "axis",
                  "cascade", "cascades", "axes"}
_CELL_LINE_RE = re.compile(r"^[A-Z][A-Za-z]{0,5}-?\d{1,4}[A-Za-z]?(?:\.\d{1,2})?$")


def _slug(text: str) -> str:
    """``MCF-7`` -> ``mcf_7``; ``HepG2`` -> ``hepg2``."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _phospho(doc: Doc, sel: list[Candidate]) -> None:
    """``p-Akt``, ``p-mTOR``: the phosphorylated form is the molecule's span."""
    w = _words(doc)
    for c in sel:
        if c.type in ("MOLECULE", "CYTOKINE") and c.start >= 2 and w.text[c.start - 1] == "-" \
                and w.lower[c.start - 2] in ("p", "phospho") \
                and not w.ws[c.start - 2] and not w.ws[c.start - 1]:
            c.start -= 2


def _pathways(doc: Doc, sel: list[Candidate], trie: TermTrie) -> list[Candidate]:
    """Named pathways are one PROCESS span: ``mTOR signalling``, ``SDF-1/CXCR4 axis``."""
    w = _words(doc)
    out = list(sel)
    n = len(doc)
    for k, c in enumerate(sel):
        if c.type not in ("MOLECULE", "CYTOKINE"):
            continue
        if k > 0 and sel[k - 1].end >= c.start - 1 and sel[k - 1].type in ("MOLECULE",
                                                                           "CYTOKINE") \
                and c.start > 0 and w.text[c.start - 1] in ("/", "-"):
            continue  # not the first member of a chain
        end = c.end
        j = k
        while j + 1 < len(sel) and sel[j + 1].type in ("MOLECULE", "CYTOKINE") \
                and sel[j + 1].start == end + 1 and w.text[end] in ("/", "-"):
            j += 1
            end = sel[j].end
        h = end
        while h < n and w.lower[h] in _PATHWAY_HEADS and h - end < 3:
            h += 1
        tail = None   # "TLR4/NF-κB signaling pathway": the last member is a lexicon pathway
        if h == end and j + 1 < len(sel) and sel[j + 1].type == "PROCESS" \
                and sel[j + 1].start == end + 1 and w.text[end] == "/" \
                and w.lower[sel[j + 1].end - 1] in _PATHWAY_HEADS:
            tail = sel[j + 1]
            h = tail.end
        if h == end:
            continue
        span_text = w.span(c.start, h)
        e = trie.best(span_text, "PROCESS")
        if e is not None:
            concept, name = e.concept, e.name
        else:
            members = "_".join("".join(k for k, _ in subtoken_keys(w.span(x.start, x.end)))
                               for x in sel[k:j + 1])
            if tail is not None:   # its own name without the pathway words
                last = [k for t in w.text[tail.start:tail.end] for k, _ in subtoken_keys(t)
                        if k not in _PATHWAY_HEADS and k.isalnum()]
                members += "_" + "".join(last)
            concept, name = f"LOCAL:{members}_signaling", span_text
        merged = Candidate(c.start, h, "PROCESS", concept, name, 50, "pathway")
        out = [x for x in out if not x.overlaps(merged)] + [merged]
    out.sort(key=lambda c: c.start)
    return out


_GENE_LIKE_RE = re.compile(r"^(CD|IL|TLR|CXCR|CCR|Th|TH)-?\d")


def _cell_lines(doc: Doc, sel: list[Candidate]) -> list[Candidate]:
    """``MCF-7 cells``, ``LX-2 cells``: cell lines are CELL_TYPE with ``LOCAL:`` ids.

    Edits ``sel`` in place where a cell line wins: a gene/cytokine reading of the line name
    (``C3A cells``) is removed, and ``<line> cell proliferation`` keeps only ``proliferation``.
    """
    w = _words(doc)
    n = len(doc)
    for c in list(sel):
        i = c.start
        if c.end == i + 1 and c.type in ("CYTOKINE", "MOLECULE") and i + 1 < n \
                and w.lower[i + 1] in ("cell", "cells") and _CELL_LINE_RE.match(w.text[i]) \
                and not _GENE_LIKE_RE.match(w.text[i]):
            sel.remove(c)
        elif c.type == "PROCESS" and w.lower[i] in ("cell", "cells") and c.end > i + 1 \
                and i > 0 and _CELL_LINE_RE.match(w.text[i - 1]):
            c.start += 1
    covered = {i for c in sel for i in range(c.start, c.end)}
    names: dict[str, str] = {}
    out = []
    n = len(doc)
    # only a token before "cell(s)" can name a cell line here
    for i in [k - 1 for k in w.cell_nouns() if k]:
        txt = w.text[i]
        if i in covered or i + 1 in covered or not _CELL_LINE_RE.match(txt):
            continue
        end = i + 2
        if end < n and w.lower[end] in ("line", "lines"):
            end += 1
        names[txt] = f"LOCAL:{_slug(txt)}_cell"
        out.append(Candidate(i, end, "CELL_TYPE", names[txt], f"{txt} cell", 40,
                             "cell_line"))
    if names:
        taken = {i for c in out for i in range(c.start, c.end)}
        for i, txt in enumerate(w.text):
            if txt in names and i not in covered and i not in taken:
                out.append(Candidate(i, i + 1, "CELL_TYPE", names[txt], f"{txt} cell", 40,
                                     "cell_line"))
    return out


#: Well-known cell lines of liver research, tagged without a following "cells"
#: (``HepG2 proliferation``); others need ``<line> cells`` once in the document.
KNOWN_CELL_LINES = frozenset({
    "HepG2", "Hep3B", "Huh7", "Huh-7", "HuH-7", "LX-2", "LX2", "L02", "LO2", "AML12",
    "SMMC-7721", "HL-7702", "BEL-7402", "MHCC97H", "HCCLM3", "Hepa1-6", "RAW264.7", "THP-1",
})
#: Abbreviated vesicle / medium products after ``<cell>-`` (``UC-MSC-Ex``, ``BMSC-EVs``).
_PRODUCT_SUFFIXES = {
    "Ex": ("MESH:D055354", "exosomes"), "Exs": ("MESH:D055354", "exosomes"),
    "Exo": ("MESH:D055354", "exosomes"), "Exos": ("MESH:D055354", "exosomes"),
    "EV": ("MESH:D000067128", "extracellular vesicles"),
    "EVs": ("MESH:D000067128", "extracellular vesicles"),
    "sEV": ("MESH:D000067128", "extracellular vesicles"),
    "sEVs": ("MESH:D000067128", "extracellular vesicles"),
    "CM": ("MESH:D017077", "conditioned medium"),
}
_TUMOR_WORDS = frozenset({"tumor", "tumour", "tumors", "tumours"})
_SUPPRESSOR_ROLES = frozenset({"role", "roles", "function", "functions", "activity", "effect",
                               "effects", "that", "which", "protein", "proteins"})
_TUMOR_MEASURES = frozenset({"volume", "volumes", "weight", "weights", "size", "sizes",
                             "burden"})
_MODIFIER_HYPHEN = frozenset({"inducible", "induced", "responsive", "activated", "regulated",
                              "stimulating", "associated", "related", "binding"})
_MOLECULE_HEADS = frozenset({"factor", "factors", "protein", "proteins", "gene", "genes",
                             "kinase", "receptor", "antigen", "antigens"})
_HYPHEN_LINE_RE = re.compile(r"^[A-Z]{2,5}-[A-Z]{1,3}\d{1,4}[A-Za-z]?$")


def _guideline_spans(doc: Doc, sel: list[Candidate], trie: TermTrie) -> list[Candidate]:
    """Span and type conventions of the guidelines on selected candidates.

    - ``tumor suppressor`` is no disease; ``tumour volume/weight/size`` is one OUTCOME span;
    - ``Hepatitis B virus X protein`` is a MOLECULE span, not the disease;
    - a name inside a molecule name (``hypoxia-inducible factor``) is no mention of its own;
    - ``UC-MSC-Ex``, ``BMSC-EVs``: the cell plus the product (as ``MSC-derived exosomes``);
    - cell lines (``HSC-T6 cells``, ``HepG2``) are one CELL_TYPE span with a ``LOCAL:`` id.

    >>> _slug("HSC-T6")
    'hsc_t6'
    """
    w = _words(doc)
    lo, text, ws = w.lower, w.text, w.ws
    n = len(text)
    out: list[Candidate] = []
    extra: list[Candidate] = []
    for c in sel:
        e = c.end
        if c.type == "DISEASE" and e - c.start == 1 and lo[c.start] in _TUMOR_WORDS and e < n:
            if lo[e] in ("suppressor", "suppressive") and e + 1 < n \
                    and lo[e + 1] in _SUPPRESSOR_ROLES:
                continue  # "tumor suppressor role/function of X" (NCBI-disease tags the
                # modifier in "tumor suppressor gene(s)"; kept there for that benchmark)
            if lo[e] in _TUMOR_MEASURES:
                word = "burden" if lo[e] == "burden" else lo[e].rstrip("s")
                extra.append(Candidate(c.start, e + 1, "OUTCOME", f"LOCAL:tumor_{word}",
                                       f"tumor {word}", 30, "tumor_measure"))
                continue
        if c.type == "DISEASE" and e + 1 < n and lo[e] == "virus":
            head = next((k for k in range(e + 1, min(e + 4, n)) if lo[k] in _MOLECULE_HEADS
                         and lo[k] != "factor"), None)
            if head is not None:
                extra.append(Candidate(c.start, head + 1, "MOLECULE", None,
                                       w.span(c.start, head + 1), 30, "viral_protein"))
                continue
        if c.type not in ("MOLECULE", "CYTOKINE") and e + 2 < n and text[e] == "-" \
                and not ws[e - 1] and not ws[e] and lo[e + 1] in _MODIFIER_HYPHEN \
                and lo[e + 2] in _MOLECULE_HEADS:
            continue  # "hypoxia-inducible factor": part of a molecule name
        if c.type == "CELL_TYPE" and e + 1 < n and text[e] == "-" and not ws[e - 1] \
                and not ws[e] and text[e + 1] in _PRODUCT_SUFFIXES:
            concept, name = _PRODUCT_SUFFIXES[text[e + 1]]
            extra.append(Candidate(e + 1, e + 2, "THERAPY", concept, name, 30, "product"))
        out.append(c)
    # cell lines: "HSC-T6 cells" (tokens HSC - T6), well-known names on their own
    lines: list[Candidate] = []
    if "-" in text:
        for i in range(1, n - 2):
            if text[i] == "-" and not ws[i - 1] and not ws[i] and lo[i + 2] in ("cell", "cells") \
                    and _HYPHEN_LINE_RE.match(text[i - 1] + "-" + text[i + 1]):
                name = text[i - 1] + "-" + text[i + 1]
                lines.append(Candidate(i - 1, i + 3, "CELL_TYPE", f"LOCAL:{_slug(name)}_cell",
                                       f"{name} cell", 40, "cell_line"))
    if not KNOWN_CELL_LINES.isdisjoint(text):
        for i, t in enumerate(text):
            if t in KNOWN_CELL_LINES:
                end = i + 2 if i + 1 < n and lo[i + 1] in ("cell", "cells") else i + 1
                lines.append(Candidate(i, end, "CELL_TYPE", f"LOCAL:{_slug(t)}_cell",
                                       f"{t} cell", 40, "cell_line"))
    new = extra + lines
    if not new:
        return out if len(out) != len(sel) else sel
    out = [c for c in out if not any(c.overlaps(x) for x in new)]
    out = resolve_overlaps(out + new)
    return out


_DEFICIENT = {"deficiency", "deficient", "deficiencies"}


def _deficiencies(doc: Doc, sel: list[Candidate], trie: TermTrie) -> list[Candidate]:
    """``C9 deficiency``, ``HPRT-deficient``, ``deficiency of X``: one DISEASE span."""
    w = _words(doc)
    out = list(sel)
    n = len(doc)
    for c in sel:
        if c.type not in ("MOLECULE", "CYTOKINE"):
            continue
        span = None
        j = c.end + (1 if c.end < n and w.text[c.end] == "-" else 0)
        if j < n and w.lower[j] in _DEFICIENT:
            span = (c.start, j + 1)
        elif c.start >= 2 and w.lower[c.start - 1] == "of" and w.lower[c.start - 2] in _DEFICIENT:
            span = (c.start - 2, c.end)
        if span is None:
            continue
        text = w.span(*span)
        e = trie.best(text, "DISEASE")
        merged = Candidate(span[0], span[1], "DISEASE", e.concept if e else None,
                           e.name if e else text, 30, "deficiency")
        out = [x for x in out if not x.overlaps(merged)] + [merged]
    out.sort(key=lambda c: c.start)
    return out


#: Lineage and state adjectives that make "<adjective> cells" a cell type.
CELL_ADJECTIVES = frozenset({
    "lymphoid", "myeloid", "erythroid", "leukemic", "leukaemic", "monocytic",
    "myelomonocytic", "lymphoblastoid", "erythroleukemic", "granulocytic", "megakaryocytic",
    "hematopoietic", "haematopoietic", "mononuclear", "lymphoblastic", "myeloblastic",
    "neoplastic", "effector", "plasmacytoid", "erythroleukemia", "hepatoma", "glioma",
    "melanoma", "glioblastoma", "carcinoma", "leukemia", "lymphoma", "myeloma", "cholangiocarcinoma",
})
#: Nouns after a cell name that make it a modifier (``T-cell receptor``), not a cell mention.
_CELL_MODIFIED = frozenset({"receptor", "receptors", "antigen", "antigens", "lymphoma",
                            "lymphomas", "leukemia", "leukemias", "leukaemia", "factor",
                            "factors", "specific", "hybridoma", "hybridomas", "marker",
                            "markers", "epitope", "epitopes", "mitogen", "mitogens"})


def _cell_phrases(doc: Doc, sel: list[Candidate], trie: TermTrie) -> list[Candidate]:
    """``lymphoid cells``, ``leukemic cells`` are cell types; ``T-cell receptor`` is not one.

    Adds ``<lineage adjective> cells`` (concept from the lexicon when it has the phrase)
    where nothing else was found, and drops cell mentions used as modifiers.
    """
    w = _words(doc)
    n = len(doc)
    out = []
    for c in sel:
        if c.type == "CELL_TYPE" and c.end < n:
            j = c.end + (1 if w.text[c.end] == "-" and c.end + 1 < n else 0)
            if w.lower[j] in _CELL_MODIFIED and w.lower[c.end - 1] in ("cell", "t", "b"):
                continue
        out.append(c)
    covered = {i for c in out for i in range(c.start, c.end)}
    for i in [k - 1 for k in w.cell_nouns() if k]:
        if i in covered or i + 1 in covered:
            continue
        if w.lower[i] not in CELL_ADJECTIVES:
            if _MARKER_RE.match(w.text[i]):   # "CD34+ cells", "CD4+CD25+ cells"
                start = i   # "CD4+CD25+" is two tokens
                while start > 0 and start - 1 not in covered and not w.ws[start - 1] \
                        and _MARKER_RE.match(w.text[start - 1]):
                    start -= 1
                out.append(_marker_cells(w, start, i + 2, trie))
            continue
        text = w.span(i, i + 2)
        e = trie.best(text, "CELL_TYPE")
        out.append(Candidate(i, i + 2, "CELL_TYPE", e.concept if e else None,
                             e.name if e else text, 20, "cell_phrase"))
        # a disease reading of the adjective ("glioblastoma" in "glioblastoma cells") yields
        out = [x for x in out if not (x.start == i and x.end == i + 1)]
    out.sort(key=lambda c: c.start)
    return out


def _marker_cells(w: _Words, start: int, end: int, trie: TermTrie) -> Candidate:
    """``CD34+ cells`` (tokens ``[start, end - 1)`` are the markers): a CELL_TYPE named by
    its surface markers, with the lexicon's concept or ``LOCAL:cd34_positive_cell``."""
    text = w.span(start, end)
    e = trie.best(text, "CELL_TYPE")
    if e is not None:
        return Candidate(start, end, "CELL_TYPE", e.concept, e.name, 20, "cell_phrase")
    markers = re.findall(r"([A-Za-z][A-Za-z0-9]*)(?:\+|\(\+\))", w.span(start, end - 1))
    slug = "_".join(f"{_slug(m)}_positive" for m in markers)
    name = "".join(f"{m}+" for m in markers) + " cell"
    return Candidate(start, end, "CELL_TYPE", f"LOCAL:{slug}_cell", name, 20, "cell_phrase")


def _elliptical(doc: Doc, sel: list[Candidate], trie: TermTrie) -> list[Candidate]:
    """``T and B lymphocytes`` -> ``T`` (T cell) + ``B lymphocytes`` (B cell)."""
    w = _words(doc)
    covered = {i for c in sel for i in range(c.start, c.end)}
    extra = []
    for c in sel:
        if c.type != "CELL_TYPE" or c.end - c.start < 2 or c.start < 2:
            continue
        conj = w.lower[c.start - 1]
        if conj not in ("and", "or", ",", "/"):
            continue
        xi = c.start - 2
        x = w.text[xi]
        if xi in covered or len(x) > 6 or not x[:1].isalnum():
            continue
        rest = w.span(c.start + 1, c.end)
        e = trie.best(f"{x} {rest}", c.type)
        if e is not None:
            extra.append(Candidate(xi, xi + 1, e.type, e.concept, e.name, e.priority,
                                   "elliptical"))
    return extra


_SUFFIX_RE = re.compile(r"^-?(\d{1,2}[a-z]?|[α-ω]\d?|alpha|beta|gamma|kappa)$")


def _interleaved(doc: Doc, sel: list[Candidate], trie: TermTrie) -> list[Candidate]:
    """``interferon (IFN)-γ``, ``cyclooxygenase (COX)-2`` stay one span."""
    w = _words(doc)
    out = list(sel)
    by_end = {c.end: c for c in sel}
    n = len(doc)
    for i, t in enumerate(w.text):
        if t != "(" or i == 0:
            continue
        k = i + 1
        while k < n and k - i <= 3 and w.text[k] != ")":
            k += 1
        if k >= n - 1 or w.text[k] != ")" or w.ws[k] or k == i + 1:
            continue
        suf = w.text[k + 1]
        if not _SUFFIX_RE.match(suf):
            continue
        short = w.span(i + 1, k)
        sep = "" if suf.startswith("-") else "-"
        hits = trie.lookup(short + sep + suf) or trie.lookup(short + suf)
        long_c = by_end.get(i)
        start = long_c.start if long_c else i - 1
        if not hits:
            hits = trie.lookup(w.span(start, i) + sep + suf)
        if not hits:
            continue
        if not long_c and not w.text[start][:1].lower() == short[:1].lower():
            continue
        e = max(hits, key=lambda e: (e.priority, TYPE_PRIORITY.get(e.type, 0)))
        merged = Candidate(start, k + 2, e.type, e.concept, e.name, e.priority, "interleaved")
        out = [c for c in out if not c.overlaps(merged)] + [merged]
    out.sort(key=lambda c: c.start)
    return out


class EntityMatcher:
    """``mscgraph_entities``: lexicon + patterns + rules -> ``doc.ents``.

    Sets ``doc.ents`` (``label_`` = type, ``kb_id_`` = concept id) and
    ``Span._.canonical_name`` on each entity.

    Parameters
    ----------
    nlp : Language
        The pipeline.
    name : str
        Component name.
    use_cache : bool
        Cache the compiled lexicon trie under ``~/.cache/mscgraph/``.
    productive : bool
        Add the productive-name patterns (IL-\\d+, CXCL\\d+, ...).
    """

    def __init__(self, nlp: Language, name: str = "mscgraph_entities", *,
                 use_cache: bool = True, productive: bool = True,
                 trie: TermTrie | None = None) -> None:
        _register_span_extension()
        self.name = name
        self.productive = productive
        self.use_cache = use_cache
        self._trie = trie

    @property
    def trie(self) -> TermTrie:
        """The lexicon trie (loaded on first use; assign one to use another lexicon)."""
        if self._trie is None:
            self._trie = load_term_trie(self.use_cache)
        return self._trie

    @trie.setter
    def trie(self, value: TermTrie) -> None:
        self._trie = value

    def candidates(self, doc: Doc) -> list[Candidate]:
        """Resolved, rule-adjusted candidates of ``doc`` (no side effects)."""
        cands = match_trie(doc, self.trie)
        if self.productive:
            cands += productive_candidates(doc, self.trie)
        cands = _drop_cell_therapies(doc, cands)
        w = _words(doc)
        cands = [c for c in cands if not _is_generic(doc, c, w)]
        sel = resolve_overlaps(cands)
        sel = _interleaved(doc, sel, self.trie)
        _phospho(doc, sel)
        sel = _pathways(doc, sel, self.trie)
        sel = _deficiencies(doc, sel, self.trie)
        _extend_states(doc, sel)
        sel = _guideline_spans(doc, sel, self.trie)
        sel = sel + _cell_lines(doc, sel)
        sel = _cell_phrases(doc, resolve_overlaps(sel), self.trie)
        sel = resolve_overlaps(sel + _elliptical(doc, sel, self.trie))
        return _document_acronyms(doc, sel, self.trie)

    def __call__(self, doc: Doc) -> Doc:
        set_entities(doc, self.candidates(doc))
        return doc


_CANDS_KEY = "mscgraph.entities"


def _canonical_name(span: Span) -> str | None:
    """Getter of ``Span._.canonical_name``: the name the matcher gave this span."""
    for c in span.doc.user_data.get(_CANDS_KEY, ()):
        if c[0] == span.start and c[1] == span.end:
            return c[4]
    return None


def _register_span_extension() -> None:
    Span.set_extension("canonical_name", getter=_canonical_name, force=True)


def set_entities(doc: Doc, cands: list[Candidate]) -> None:
    """Write candidates to ``doc.ents`` (``Span._.canonical_name`` reads their names)."""
    sel = resolve_overlaps(cands)
    # what the doc.ents setter does, without rebuilding the spans
    doc.set_ents([Span(doc, c.start, c.end, label=c.type, kb_id=c.concept or "") for c in sel],
                 default="outside")
    # plain data, so docs stay serializable (nlp.pipe with n_process > 1)
    doc.user_data[_CANDS_KEY] = _as_rows(sel)


def _as_rows(cands: list[Candidate]) -> list[list[Any]]:
    """The plain-data record of candidates kept in ``doc.user_data``."""
    return [[c.start, c.end, c.type, c.concept, c.name, c.priority, c.rule] for c in cands]


def doc_candidates(doc: Doc) -> list[Candidate]:
    """The entities of ``doc`` as candidates (from the matcher's record, else ``doc.ents``)."""
    sel = doc.user_data.get(_CANDS_KEY)
    if sel is not None:
        return [Candidate(*c) for c in sel]
    return [Candidate(e.start, e.end, e.label_, e.kb_id_ or None, e.text, 50, "ent")
            for e in doc.ents]


@Language.factory("mscgraph_entities",
                  default_config={"use_cache": True, "productive": True},
                  assigns=["doc.ents", "span._.canonical_name"])
def make_entities(nlp: Language, name: str, use_cache: bool, productive: bool) -> EntityMatcher:
    """Factory of :class:`EntityMatcher`."""
    return EntityMatcher(nlp, name, use_cache=use_cache, productive=productive)


# ---------------------------------------------------------------------------------------------
# abbreviations: ``mscgraph_abbreviations`` lives in pipeline/abbreviations.py; imported here,
# after the names it uses, so that importing pipeline.ner registers the factory

from . import abbreviations as _abbreviations  # noqa: E402

_MOVED = frozenset({"resolve_abbreviations", "AbbreviationResolver", "make_abbreviations"})


def __getattr__(name: str) -> Any:
    """Names that moved to :mod:`pipeline.abbreviations` (still importable from here)."""
    if name in _MOVED:
        return getattr(_abbreviations, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---------------------------------------------------------------------------------------------
# linker

_HAEMATO_RE = re.compile(r"ha?ematopoietic|hematopoiesis|haematopoiesis|bone marrow transplant",
                         re.I)


_LIVER_RE = re.compile(r"liver|hepat|cirrho")


def link_context(doc: Doc) -> None:
    """Context rules over the whole document.

    - HSC means haematopoietic stem cell only when the text says so (else hepatic stellate
      cell, as the guidelines ask for liver papers).
    - A bare "fibrosis" is liver fibrosis (``MESH:D008103``, the guidelines' liver-context id)
      only in a text about the liver; elsewhere ("renal fibrosis ... fibrosis") it is
      ``MESH:D005355`` Fibrosis.
    """
    rows = doc.user_data.get(_CANDS_KEY)   # the entities as plain data (cheaper than ents)
    if not (rows if rows is not None else doc.ents):
        return
    text = _norm_of(doc).original
    lower = text.lower()
    # substring tests first: the case-insensitive regex search costs more
    haemato = "stellate" not in lower and ("ematopoie" in lower or "marrow transplant" in lower) \
        and _HAEMATO_RE.search(text) is not None
    other_organ = "fibros" in lower and not _LIVER_RE.search(lower)
    if not (haemato or other_organ):
        return
    cands = doc_candidates(doc)
    w = _words(doc)
    changed = False
    for c in cands:
        if haemato and c.concept == "CL:0000632" \
                and w.span(c.start, c.end).rstrip("s").upper() == "HSC":
            c.concept, c.name, changed = "CL:0000037", "hematopoietic stem cell", True
        elif other_organ and c.concept == "MESH:D008103" \
                and w.span(c.start, c.end).lower() in ("fibrosis", "fibroses"):
            c.concept, c.name, changed = "MESH:D005355", "Fibrosis", True
    if changed:
        set_entities(doc, cands)


class Linker:
    """``mscgraph_linker``: context disambiguation and canonical names.

    Ensures every entity has ``ent.kb_id_`` (possibly empty) and ``Span._.canonical_name``.
    """

    def __init__(self, nlp: Language, name: str = "mscgraph_linker", *,
                 context_rules: bool = True, keep_words: bool = False) -> None:
        _register_span_extension()
        self.name = name
        self.context_rules = context_rules
        self.keep_words = keep_words

    def __call__(self, doc: Doc) -> Doc:
        if self.context_rules:
            link_context(doc)
        if not self.keep_words:  # a per-run cache, not serializable: the last reader drops it
            doc.user_data.pop("mscgraph.words", None)
        return doc


@Language.factory("mscgraph_linker", default_config={"context_rules": True,
                                                      "keep_words": False},
                  assigns=["span._.canonical_name"])
def make_linker(nlp: Language, name: str, context_rules: bool, keep_words: bool) -> Linker:
    """Factory of :class:`Linker` (``keep_words``: leave the tokenizer's word list on the Doc
    for a later component, which then removes it)."""
    return Linker(nlp, name, context_rules=context_rules, keep_words=keep_words)


# ---------------------------------------------------------------------------------------------
# public API

def build_nlp(*, relations: bool = True, use_cache: bool = True,
              serializable: bool = False) -> Language:
    """The full pipeline on ``spacy.blank("en")``.

    Parameters
    ----------
    relations : bool
        Add ``mscgraph_relations`` when :mod:`pipeline.relations` is importable.
    use_cache : bool
        Cache the compiled lexicon trie under ``~/.cache/mscgraph/``.
    serializable : bool
        Keep ``Doc._.abbreviations`` as plain dicts (scispacy's ``make_serializable``) so
        ``nlp.pipe(..., n_process=2)`` works.
    """
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers":
                                                            "mscgraph.tokenizer.v1"}}})
    nlp.add_pipe("mscgraph_sentences")
    nlp.add_pipe("mscgraph_entities", config={"use_cache": use_cache})
    nlp.add_pipe("mscgraph_abbreviations", config={"make_serializable": serializable})
    if relations:
        try:
            from .nlp import relations as _rel  # noqa: F401  (registers the factory)
        except ImportError:
            log.warning("pipeline.relations not importable; building without relations")
        relations = "mscgraph_relations" in Language.factories
    # the relation rules reuse the tokenizer's word list and drop it when done
    nlp.add_pipe("mscgraph_linker", config={"keep_words": relations})
    if relations:
        nlp.add_pipe("mscgraph_relations")
    return nlp


def span_mention(doc: Doc, span: Span, *, norm: NormalizedText | None = None) -> Mention:
    """The :class:`~pipeline.model.Mention` of an entity span, offsets into the original.

    Hyphens and slashes left at the edges by tokenization (``CCl4-``) are trimmed.
    """
    a, b, text = original_offsets(doc, span.start_char, span.end_char, norm=norm)
    if len(text) > 1 and (text[-1] in "-/" or text[0] in "-/"):
        stripped = text.rstrip("-/")
        b -= len(text) - len(stripped)
        text = stripped.lstrip("-/")
        a = b - len(text)
    name = (span._.canonical_name if Span.has_extension("canonical_name") else None) or text
    return Mention(a, b, text, span.label_, span.kb_id_ or None, name)


def doc_mentions(doc: Doc) -> list[Mention]:
    """Every entity of ``doc`` as a :class:`~pipeline.model.Mention` (original offsets).

    Canonical names come from the matcher's record in one pass (the ``Span._`` getter
    scans it per span); entities set by other code fall back to :func:`span_mention`.
    """
    norm = _norm_of(doc)
    rows = doc.user_data.get(_CANDS_KEY)
    if not rows:
        return [span_mention(doc, e, norm=norm) for e in doc.ents]
    names = {(r[0], r[1], r[2]): r[4] for r in rows}
    original = norm.original
    plain = not norm.segments
    out = []
    for e in doc.ents:
        label = e.label_
        name = names.get((e.start, e.end, label))
        if name is None:
            out.append(span_mention(doc, e, norm=norm))
            continue
        a, b = e.start_char, e.end_char
        if not plain:
            a, b = norm.to_original(a, b)
        text = original[a:b]
        if len(text) > 1 and (text[-1] in "-/" or text[0] in "-/"):
            stripped = text.rstrip("-/")
            b -= len(text) - len(stripped)
            text = stripped.lstrip("-/")
            a = b - len(text)
        out.append(Mention(a, b, text, label, e.kb_id_ or None, name or text))
    return out
