"""Document context: which species a paper studies and what kind of study it is.

The context is carried onto every statement from the document (``Evidence.species``,
``Evidence.study_type``). Sources, strongest first: the article's MeSH headings and
publication types (when an :class:`~pipeline.model.Article` is given), then cue words in the
text (``patients``, ``mice``, ``randomized controlled trial``, ``in vitro``, ``this review``).

Not supported: per-sentence context (a review citing a mouse study is one document context),
and species of cell sources (``human umbilical cord MSCs`` in a mouse model counts as human
too, since the text names humans).

Example
-------
>>> ctx = document_context("MSCs reduced fibrosis in CCl4-treated mice.")
>>> ctx.species, ctx.study_type
(('mouse',), 'animal_model')
"""
from __future__ import annotations

import re
from typing import Iterable, Iterator

from .hedging import speculative
from .model import Article, DocumentContext

__all__ = ["document_context", "species_of", "study_type_of", "reads_as_review",
           "speculative", "MESH_SPECIES", "LITERATURE_CUES", "WordStart"]

#: MeSH descriptor names -> species labels.
MESH_SPECIES: dict[str, str] = {
    "humans": "human", "mice": "mouse", "mice, inbred c57bl": "mouse", "mice, nude": "mouse",
    "mice, knockout": "mouse", "mice, inbred balb c": "mouse", "mice, scid": "mouse",
    "rats": "rat", "rats, sprague-dawley": "rat", "rats, wistar": "rat", "swine": "pig",
    "dogs": "dog", "rabbits": "rabbit", "macaca mulatta": "monkey", "macaca fascicularis": "monkey",
    "haplorhini": "monkey", "sheep": "sheep", "zebrafish": "zebrafish", "cattle": "cow",
    "horses": "horse",
}

class WordStart:
    """A cue pattern whose matches start at the start of a word (after a non-word character
    or at the text's start), as if written with a leading ``\\b``.

    The boundary is checked on each match instead of inside the pattern: a pattern that opens
    with ``\\b`` makes Python's ``re`` try every position, one that opens with its words lets it
    skip to their first letters (ten times faster on an abstract). Every alternative must start
    with a word character, so the boundary means "no word character before".

    ``needles``: substrings every match contains; a text without any is rejected by a few
    substring scans, much cheaper than the regex search over the whole text.

    >>> cue = WordStart(r"rats?\\b")
    >>> cue.search("Pirates and rats"), cue.count("rats, rat, pirates"), cue.search("pirates")
    (True, 2, False)
    >>> WordStart(r"(?:dogs?|canine)\\b", needles=("dog", "canine")).search("canine livers")
    True
    """

    __slots__ = ("rx", "needles")

    def __init__(self, pattern: str, needles: tuple[str, ...] = ()) -> None:
        self.rx = re.compile(pattern)
        self.needles = needles

    def _matches(self, text: str) -> Iterator[re.Match[str]]:
        if self.needles and not any(n in text for n in self.needles):
            return
        pos = 0
        search = self.rx.search
        while (m := search(text, pos)) is not None:
            at = m.start()
            if at and (text[at - 1].isalnum() or text[at - 1] == "_"):
                pos = at + 1  # inside a word: what \b would have refused
            else:
                yield m
                pos = m.end()

    def search(self, text: str) -> bool:
        """Whether the cue occurs in ``text``."""
        return next(self._matches(text), None) is not None

    def count(self, text: str) -> int:
        """Non-overlapping occurrences in ``text``, left to right (as ``re.findall``)."""
        return sum(1 for _ in self._matches(text))


#: Cues in the lower-cased text. The cue patterns whose first letters are rare are
#: :class:`WordStart` (about ten times faster); those opening with common words stay ``\b``
#: patterns, which ``re`` rejects sooner at most positions.
_SPECIES_TEXT: tuple[tuple[str, WordStart], ...] = tuple(
    (label, WordStart(p, needles)) for label, p, needles in (
        ("human", r"(?:patients?|humans?|volunteers?|participants|women|men|children|adults|"
                  r"h(?:bm-|uc-|ad-)?mscs?|subjects with|donors?|outpatients|inpatients)\b", ()),
        ("mouse", r"(?:mice|mouse|murine)\b", ()),
        ("rat", r"(?:rats?|murine rat)\b", ()),
        ("pig", r"(?:pigs?|porcine|swine|minipigs?)\b", ("pig", "porcine", "swine")),
        ("dog", r"(?:dogs?|canine)\b", ("dog", "canine")),
        ("rabbit", r"rabbits?\b", ()),
        ("monkey", r"(?:monkeys?|macaques?|non-human primates?|nonhuman primates?)\b",
         ("monkey", "macaque", "primate")),
        ("sheep", r"(?:sheep|ovine)\b", ("sheep", "ovine")),
        ("zebrafish", r"zebrafish\b", ()),
    ))

_PT_RCT = ("randomized controlled trial", "pragmatic clinical trial")
_PT_TRIAL = ("clinical trial", "controlled clinical trial", "clinical trial, phase",
             "multicenter study", "clinical trial protocol")
_PT_STUDY = ("observational study", "case reports", "comparative study", "evaluation study",
             "clinical study", "validation study")
_PT_REVIEW = ("review", "systematic review", "meta-analysis", "scoping review")

_RE_REVIEW = re.compile(
    r"\b(?:this|the present|our|narrative|systematic|comprehensive|scoping|mini-?) ?review\b|"
    r"\b(?:we|this (?:article|paper|chapter)|herein,? we) (?:review|reviews|summari[sz]es?|"
    r"discuss(?:es)?|highlights?|outlines?|provides? an overview|give an overview)\b|"
    r"\bhere,? we (?:review|summari[sz]e)\b|\bmeta-analysis\b|"
    r"\breview (?:article|of the literature)\b|"
    r"\b(?:overview|summary) of (?:the )?(?:current|recent)\b")
#: Substrings every :data:`_RE_REVIEW` match contains (a cheap test before the search).
_REVIEW_NEEDLES = ("review", "summari", "discuss", "highlight", "outline", "overview",
                   "meta-analysis", "summary")
# A review without a review cue still reads as a summary of the literature: several of these
# cues and none of a primary study's (a finding of "we", a methods section, numbers of subjects).
_RE_LITERATURE = re.compile(
    r"\b(?:studies|trials|reports|data|findings) (?:have|has) (?:shown|demonstrated|reported|"
    r"suggested|revealed|indicated|been)\b|"
    r"\b(?:numerous|several|many|recent|previous|some|other|most|various) "
    r"(?:preclinical |clinical |animal |experimental )?(?:studies|trials|reports)\b|"
    r"\bhas been (?:extensively|widely|increasingly) (?:demonstrated|studied|reported|"
    r"investigated)\b|"
    r"\bfuture (?:directions|perspectives|research|studies)\b|\brecent (?:advances|progress|"
    r"developments)\b|\bcurrent (?:knowledge|evidence|understanding|status)\b|\bin conclusion\b")
_RE_PRIMARY = re.compile(
    r"\b(?:we|our group) (?:have |also |have also |then |further |first )?(?:found|observed|"
    r"investigated|examined|enrolled|recruited|randomi[sz]ed|treated|performed|conducted|"
    r"assessed|evaluated|analy[sz]ed|compared|measured|report|demonstrated?|show|showed|"
    r"studied|used|established|isolated|induced|aimed|sought|determined|"
    r"identified|characteri[sz]ed|tested|generated|developed|cloned|detected)\b|"
    r"\b(?:this|the present|our|the current) (?:study|trial|work|experiment)\b|"
    r"\b(?:methods?|results?|patients and methods|materials and methods):|"
    r"\bwere (?:randomi[sz]ed|enrolled|recruited|included|divided|assigned|allocated|treated|"
    r"injected|transplanted|infused)\b|\bp ?[<=>] ?0?\.\d|\bn ?= ?\d")
#: Literature cues a text needs (without primary-study cues) to read as a review.
LITERATURE_CUES = 2

_RE_RCT = WordStart(r"randomi[sz]ed,?(?: [a-z-]+,?){0,4} (?:controlled )?(?:clinical )?trials?\b|"
                    r"randomi[sz]ed controlled\b|placebo-controlled\b|double-blind\b",
                    ("randomi", "placebo-controlled", "double-blind"))
_RE_TRIAL = re.compile(r"\b(?:clinical trials?|phase (?:i{1,3}|[1-3])(?:/(?:i{1,3}|[1-3]))?|"
                       r"open-label|single-arm|this trial|the trial|nct\d{8}|enrolled|"
                       r"will be (?:randomi[sz]ed|enrolled|included)|primary (?:outcome|endpoint)|"
                       r"safety and efficacy|efficacy and safety|will (?:receive|undergo))\b")
#: Substrings every :data:`_RE_TRIAL` match contains (a cheap test before the search).
_TRIAL_NEEDLES = ("trial", "phase i", "phase 1", "phase 2", "phase 3", "open-label",
                  "single-arm", "nct", "enrolled", "will be ", "will receive", "will undergo",
                  "primary outcome", "primary endpoint", "safety and efficacy",
                  "efficacy and safety")
_RE_CLIN = WordStart(r"(?:retrospective(?:ly)?|prospective(?:ly)?|cohort|case series|"
                     r"case report|patients (?:were|who)|we (?:analy[sz]ed|enrolled|recruited)|"
                     r"cross-sectional)\b",
                     ("retrospective", "prospective", "cohort", "case series", "case report",
                      "patients w", "we analy", "we enrolled", "we recruited", "cross-sectional"))
_RE_ANIMAL = WordStart(r"(?:mice|mouse|rats?|murine|pigs?|porcine|swine|dogs?|rabbits?|"
                       r"monkeys?|macaques?|zebrafish|sheep|animal models?|in vivo)\b")
_RE_VITRO = WordStart(r"(?:in vitro|in-vitro|cell lines?|cultured|co-?culture[sd]?|"
                      r"conditioned medi(?:um|a)|transwell)\b",
                      ("in vitro", "in-vitro", "cell line", "culture", "conditioned medi",
                       "transwell"))
_RE_PATIENT = WordStart(r"patients?\b")

# All text patterns are lower-case and run on the lower-cased text (one ``str.lower()`` per
# document instead of case-insensitive matching in every pattern: several times faster).


def _mesh_names(article: Article | None) -> list[str]:
    if article is None:
        return []
    return [m.name.lower() for m in article.mesh_headings]


def _has_any(text: str, needles: tuple[str, ...]) -> bool:
    return any(n in text for n in needles)


def species_of(text: str, mesh_names: Iterable[str] = ()) -> tuple[str, ...]:
    """Sorted species labels from MeSH heading names and text cues.

    >>> species_of("Rats and patients were studied.")
    ('human', 'rat')
    """
    found = {MESH_SPECIES[n] for n in mesh_names if n in MESH_SPECIES}
    text = text.lower()
    for label, rx in _SPECIES_TEXT:
        if label not in found and rx.search(text):
            found.add(label)
    return tuple(sorted(found))


def reads_as_review(text: str) -> bool:
    """Whether ``text`` (lower-case) summarizes literature: :data:`LITERATURE_CUES` or more
    literature cues (``numerous studies``, ``trials have shown``, ``future directions``) and
    no primary-study cue (``we found``, ``this study``, ``were randomized``, ``p < 0.05``).

    >>> reads_as_review("numerous clinical trials have been initiated. future directions ...")
    True
    >>> reads_as_review("previous studies have shown this. we found the opposite.")
    False
    """
    if _RE_PRIMARY.search(text):
        return False
    return len(_RE_LITERATURE.findall(text)) >= LITERATURE_CUES


def study_type_of(text: str, publication_types: Iterable[str] = ()) -> str:
    """One of :data:`~pipeline.model.STUDY_TYPES` from publication types, then text cues.

    >>> study_type_of("A randomized controlled trial of MSC infusion in cirrhosis.")
    'rct'
    >>> study_type_of("", ["Journal Article", "Review"])
    'review'
    """
    pts = [p.lower() for p in publication_types]
    text = text.lower()
    if any(p in _PT_RCT for p in pts):
        return "rct"
    if any(p.startswith(_PT_TRIAL) for p in pts):
        return "clinical_trial"
    if any(p in _PT_REVIEW for p in pts):
        return "review"
    if any(p in _PT_STUDY for p in pts) and _RE_PATIENT.search(text):
        return "clinical_study"
    if (_has_any(text, _REVIEW_NEEDLES) and _RE_REVIEW.search(text)) or reads_as_review(text):
        return "review"
    if _RE_RCT.search(text):
        return "rct"
    if _has_any(text, _TRIAL_NEEDLES) and _RE_TRIAL.search(text):
        return "clinical_trial"
    animal = _RE_ANIMAL.count(text)
    vitro = _RE_VITRO.count(text)
    if _RE_CLIN.search(text) and _RE_PATIENT.search(text) and not animal:
        return "clinical_study"
    if animal and animal >= vitro:
        return "animal_model"
    if vitro:
        return "in_vitro"
    if _RE_PATIENT.search(text) and not animal:
        return "clinical_study"
    return "unknown"



def document_context(text: str, article: Article | None = None) -> DocumentContext:
    """Species and study type of a document (``text``: title + abstract).

    Parameters
    ----------
    text : str
        The text extraction ran on.
    article : Article, optional
        Supplies MeSH headings and publication types, which beat text cues.

    Returns
    -------
    DocumentContext
    """
    text = text or ""
    pts = article.publication_types if article is not None else ()
    return DocumentContext(species=species_of(text, _mesh_names(article)),
                           study_type=study_type_of(text, pts))
