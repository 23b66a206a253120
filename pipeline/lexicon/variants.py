"""Spelling variants of lexicon terms (Greek, hyphen, number, organ word, marker, MSC forms).

>>> sorted(v for v in term_variants("IL-10") if v.startswith("IL"))
['IL 10', 'IL-10', 'IL10']
"""
from __future__ import annotations

import re

from .normalize import GREEK_NAMES, is_case_sensitive, normalize_surface

__all__ = ["term_variants", "msc_tissue_forms", "singular_noun"]

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


def singular_noun(word: str) -> str | None:
    """Singular of an English plural noun, or None when ``word`` does not look plural (term
    variants; the matcher's key rule is :func:`pipeline.normalize.singular`).

    >>> [singular_noun(w) for w in ("therapies", "media", "cells", "fibrosis")]
    ['therapy', 'medium', 'cell', None]
    """
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
    if lw.endswith("s") and (s := singular_noun(last)):
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
        greek, latin = GREEK_NAMES[name]
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
                       parts[i + 1] in GREEK_NAMES or len(parts[i + 1]) <= 2
                       for i in range(len(parts) - 1))
        if any(p.lower().startswith(_NO_JOIN) for p in parts[1:]):
            joinable = False
        if joinable and " " not in term:
            out.add(term.replace("-", ""))
        elif term.count("-") == 1:
            left, right = term.split("-")
            lw = left.rsplit(" ", 1)[-1]
            if not right.lower().startswith(_NO_JOIN) and (
                    len(lw) <= 4 or right[:1].isdigit() or right.split(" ")[0] in GREEK_NAMES):
                out.add(left + right)
    if " " in term and term.count(" ") <= 4:
        # "TGF beta1" -> "TGF-beta1"; "T cell" -> "T-cell"
        words = term.split(" ")
        for i in range(len(words) - 1):
            if (_SHORT_WORD.fullmatch(words[i]) and words[i + 1][:1].isalnum()) or \
                    words[i + 1] in GREEK_NAMES or words[i + 1][:1].isdigit() or \
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
