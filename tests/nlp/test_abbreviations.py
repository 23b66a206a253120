"""Tests of pipeline.nlp.abbreviations: the string-based Schwartz & Hearst detection gives the same
definitions as scispacy's ``filter_matches`` + ``find_abbreviation`` (the reference, called
here), and the component resolves the same entities as the Span-based version it replaced.
"""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.nlp.abbreviations import AbbreviationResolver, resolve_abbreviations
from pipeline.nlp.definitions import (find_definitions, long_form_start, parenthesis_spans,
                                      short_form_ok)
from pipeline.benchmark_corpora import BIORED_FILES, NCBI_FILES, parse_pubtator
from pipeline.nlp.entities import resolve_overlaps, set_entities, subtoken_keys
from pipeline.nlp.state import Candidate, DocState
from pipeline.nlp.wordlists import FUNCTION_WORDS

scispacy_abbreviation = pytest.importorskip("scispacy.abbreviation")


# ------------------------------------------------------------------------------- reference

def _reference_brackets(words: list[str], max_len: int = 8) -> list[tuple[int, int, int]]:
    """The bracket candidates of the Span-based component (one token at a time)."""
    out = []
    for i, t in enumerate(words):
        if t != "(":
            continue
        for j in range(i + 1, min(len(words), i + max_len + 2)):
            if words[j] == "(":
                break
            if words[j] == ")":
                if j > i + 1:
                    out.append((0, i + 1, j))
                break
    return out


def reference_definitions(doc: Doc) -> list[tuple[int, int, int, int]]:
    """scispacy's functions on Spans, first definition of a short/long text wins."""
    matches = _reference_brackets([t.text for t in doc])
    out, seen_long, seen_short = [], set(), set()
    for long_cand, short_cand in scispacy_abbreviation.filter_matches(matches, doc):
        short, long = scispacy_abbreviation.find_abbreviation(long_cand, short_cand)
        if long is None or long.text in seen_long or short.text in seen_short:
            continue
        seen_long.add(long.text)
        seen_short.add(short.text)
        out.append((short.start, short.end, long.start, long.end))
    return out


class ReferenceResolver:
    """The Span-based component before the rewrite (scispacy detection, Span pairs)."""

    _HEADS = frozenset({
        "disease", "syndrome", "disorder", "dysplasia", "dystrophy", "deficiency", "cancer",
        "carcinoma", "tumor", "tumour", "anemia", "anaemia", "failure", "palsy", "atrophy",
        "sclerosis", "leukemia", "leukaemia", "lymphoma", "sarcoma", "melanoma", "glioma",
        "ataxia", "hepatitis", "infection", "injury"})
    _SUFFIX = re.compile(r"(itis|oma|emia|aemia|pathy|plasia|trophy|osis)$")
    _NOT = frozenset({"apoptosis", "mitosis", "meiosis", "exocytosis", "endocytosis",
                      "phagocytosis", "homeostasis", "diagnosis", "prognosis", "anastomosis",
                      "symbiosis", "hypnosis", "osmosis", "genesis"})

    def __init__(self, acronyms: dict | None = None) -> None:
        self.acronyms = acronyms or {}

    def __call__(self, doc: Doc) -> Doc:
        w = DocState.of(doc).words
        matches = _reference_brackets(w.text)
        pairs = []
        for s0, s1, l0, l1 in reference_definitions(doc):
            short, long = doc[s0:s1], doc[l0:l1]
            short._.long_form = long
            pairs.append((short, long))
        pairs += self._fallback(doc, matches, {p[0].start for p in pairs})
        if pairs:
            cands = resolve_overlaps(self._resolve(doc, pairs))
            if [c.as_row() for c in cands] != DocState.of(doc).entity_rows:
                set_entities(doc, cands)
        doc._.abbreviations = [s for s, _ in pairs]
        return doc

    def _fallback(self, doc: Doc, matches: list, have: set[int]) -> list[tuple[Span, Span]]:
        w = DocState.of(doc).words
        ends = {c.end: c for c in DocState.of(doc).candidates()}
        out = []
        for _, s, e in matches:
            if s in have or e - s > 3 or s < 2:
                continue
            short = w.span(s, e)
            if " " in short or not 2 <= len(short) <= 10 or not any(c.isupper() for c in short):
                continue
            ent = ends.get(s - 1)
            if ent is None:
                continue
            tail = [t.text for t in doc[ent.start:ent.end]][-len(short):]
            permuted = short.isalpha() and short.isupper() and len(short) <= 6 and \
                len(tail) == len(short) and all(t[0].isalpha() for t in tail) and \
                sorted(t[0].upper() for t in tail) == sorted(short)
            listed = ent.concept in {x.concept for x in self.acronyms.get(short, ())}
            if w.text[ent.start][:1].lower() != short[:1].lower() and not listed \
                    and not permuted:
                continue
            span = doc[s:e]
            span._.long_form = doc[ent.start:ent.end]
            out.append((span, doc[ent.start:ent.end]))
        return out

    def _disease(self, doc: Doc, start: int, end: int, cands: list) -> Candidate | None:
        w = DocState.of(doc).words
        while start < end and (w.lower[start] in FUNCTION_WORDS
                               or not w.text[start][:1].isalnum()):
            start += 1
        if end - start < 1 or end - start > 6:
            return None
        head = subtoken_keys(w.text[end - 1])
        last = head[-1][0] if head else ""
        if last in self._NOT or not (last in self._HEADS or self._SUFFIX.search(last)):
            return None
        if any(c.start < end and start < c.end for c in cands):
            return None
        return Candidate(start, end, "DISEASE", None, w.span(start, end), 20, "abbrev_long")

    def _resolve(self, doc: Doc, pairs: list[tuple[Span, Span]]) -> list[Candidate]:
        cands = DocState.of(doc).candidates()
        by_end = {c.end: c for c in cands}
        defs: dict = {}
        for short, long in pairs:
            st = short.text
            if len(st) > 8 or len(st) >= len(long.text) \
                    or not any(ch.isupper() or ch.isdigit() for ch in st):
                continue
            key = tuple(e for t in short for _, e in subtoken_keys(t.text))
            if key in defs and defs[key] is not None:
                continue
            e = by_end.get(long.end)
            if e is not None and e.start < long.end and e.end > long.start \
                    and not (e.start <= short.start and short.end <= e.end):
                defs[key] = e
                continue
            disease = self._disease(doc, long.start, long.end, cands)
            if disease is not None:
                cands.append(disease)
                by_end[disease.end] = disease
                defs[key] = disease
            elif key not in defs:
                defs[key] = None
        if not defs:
            return cands
        words, n = DocState.of(doc).words.text, len(doc)
        keys = [tuple(x for _, x in subtoken_keys(t)) for t in words]
        firsts = {k[0] for k in defs if k}
        first_chars = {k[0][:1] for k in firsts}
        new, drop = [], []
        for i in range(n):
            if words[i][:1] not in first_chars or not keys[i] or keys[i][0] not in firsts:
                continue
            for key, e in defs.items():
                got, j = (), i
                while j < n and len(got) < len(key):
                    got += keys[j]
                    j += 1
                if got != key:
                    continue
                if e is None:
                    drop.append((i, j))
                else:
                    new.append(Candidate(i, j, e.type, e.concept, e.name, e.priority, "abbrev"))
        cands = [c for c in cands if (c.start, c.end) not in drop]
        keep = []
        for c in cands:
            inside = [x for x in new if x.overlaps(c)]
            if inside and not any(c.start < x.start or x.end < c.end for x in inside):
                continue
            keep.append(c)
        kept = list(keep)
        keep += [x for x in new if not any(x.overlaps(c) for c in kept)]
        keep.sort(key=lambda c: c.start)
        return keep


# ------------------------------------------------------------------------------ detection

@pytest.fixture(scope="module")
def blank() -> Language:
    return spacy.blank("en")


def _doc(blank: Language, text: str) -> Doc:
    """A Doc of whitespace-separated tokens; ``_`` glues two tokens without a space."""
    words, spaces = [], []
    for chunk in text.split(" "):
        parts = chunk.split("_")
        words += parts
        spaces += [False] * (len(parts) - 1) + [True]
    spaces[-1] = False
    return Doc(blank.vocab, words=words, spaces=spaces)


TRICKY = [
    "hepatic stellate cells ( HSCs ) drive fibrosis ; HSCs proliferate",
    "acute_-_on_-_chronic liver failure ( ACLF ) and ( ACLF ) again",
    "the TNF ( tumour necrosis factor alpha level ) rose",
    "IL ( a b ( c d ) e ) and x ( ( y ) )",
    "( HSC ) at start , then hepatic stellate cell ( HSC ) twice : hepatic stellate cell ( HSC )",
    "5 fluorouracil ( 5-FU ) and mitomycin C ( MMC )",
    "ataxia_-_telangiectasia ( A-T ) patients",
    "transforming growth factor β ( TGF-β ) and ΣIGMA Σtuff ( ΣS )",
    "İstanbul İnstitute ( İI ) and Straße ( SS )",
    "liver ( ) empty and ( a b c d e f g h i ) too long",
    "bone_marrow_mesenchymal ( BMM ) glued words",
    "a b c d e f g h i j k l m n o p ( ABCDEFGHIJ ) long short form",
    "very long words ( abcdefghijk ) and ( x1 )",
    "alpha smooth muscle actin ( α-SMA ) and ( αSMA )",
    "MSC ( mesenchymal stromal cell ) and MSC ( mesenchymal stem cells here )",
    "nonalcoholic steatohepatitis ( NASH ) ; non alcoholic fatty liver ( NAFL ) ( NASH )",
    "x ( AB ) y ( AB ) z ( AB )",
    "carbon tetrachloride ( CCl4 ) and ( CCl_4 )",
]


@pytest.mark.parametrize("text", TRICKY)
def test_definitions_equal_scispacy_on_tricky_sentences(blank: Language, text: str) -> None:
    doc = _doc(blank, text)
    words = [t.text for t in doc]
    ws = [bool(t.whitespace_) for t in doc]
    assert parenthesis_spans(words) == [(s, e) for _, s, e in _reference_brackets(words)]
    assert find_definitions(words, ws) == reference_definitions(doc)


def test_definitions_equal_scispacy_on_random_token_soup(blank: Language) -> None:
    vocab = ["(", ")", "(", ")", "liver", "Fibrosis", "of", "the", "HSC", "HSCs", "a", "ab",
             "AB", "α-SMA", "Σa", "İx", "-", "/", "x1", "12", "TGF-β", "Cell", "cells",
             "ALF", "acute", "failure", "mesenchymal", "stem", "MSC", "Ab-C", "bc", "ΣΣ"]
    rng = random.Random(7)
    for _ in range(400):
        n = rng.randint(3, 30)
        words = [rng.choice(vocab) for _ in range(n)]
        spaces = [rng.random() < 0.8 for _ in range(n)]
        doc = Doc(blank.vocab, words=words, spaces=spaces)
        assert find_definitions(words, spaces) == reference_definitions(doc), words


def test_long_form_start_equals_find_abbreviation(blank: Language) -> None:
    rng = random.Random(3)
    letters = "abcdeHSCΣσİiß-1 "
    for _ in range(2000):
        words = ["".join(rng.choice(letters) for _ in range(rng.randint(1, 6))).strip() or "x"
                 for _ in range(rng.randint(1, 6))]
        spaces = [rng.random() < 0.7 for _ in words]
        short = "".join(rng.choice(letters.strip()) for _ in range(rng.randint(1, 4)))
        doc = Doc(blank.vocab, words=words + [short], spaces=spaces + [False])
        _, long = scispacy_abbreviation.find_abbreviation(doc[:-1], doc[-1:])
        got = long_form_start(words, spaces, [short])
        assert (None if long is None else long.start) == got, (words, spaces, short)


def test_short_form_filter_equals_scispacy(blank: Language) -> None:
    for text in ["HSCs", "5-FU", "a", "A-T", "ABCDEFGHIJ", "IL 6", "TGF-β", "(x)", "x1 y2"]:
        doc = _doc(blank, text)
        assert short_form_ok([t.text for t in doc], doc.text) == \
            scispacy_abbreviation.short_form_filter(doc[:]), text


def test_no_bracket_no_definition() -> None:
    assert find_definitions(["no", "brackets", "here"], [True, True, False]) == []
    assert parenthesis_spans(["a", "(", "b"]) == []


# ----------------------------------------------------------------------------- component

ROWS = [  # term, type, concept, name, case_sensitive, priority
    ("hepatic stellate cell", "CELL_TYPE", "CL:0000632", "hepatic stellate cell", False, 100),
    ("HSC", "CELL_TYPE", "CL:0000632", "hepatic stellate cell", True, 100),
    ("acute liver failure", "DISEASE", "MESH:D017114", "acute liver failure", False, 100),
    ("mesenchymal stem cells", "CELL_TYPE", "CL:0000134", "mesenchymal stem cell", False, 100),
    ("MSC", "CELL_TYPE", "CL:0000134", "mesenchymal stem cell", True, 100),
]


@pytest.fixture(scope="module")
def nlp() -> Language:
    from small_lexicon import lexicon_pipeline
    return lexicon_pipeline(ROWS)


def _state(doc: Doc) -> tuple:
    abbrs = [(s.start, s.end, s._.long_form.start, s._.long_form.end)
             for s in doc._.abbreviations]
    return ([(e.start, e.end, e.label_, e.kb_id_) for e in doc.ents],
            DocState.of(doc).entity_rows, abbrs)


def _compare(nlp: Language, texts: list[str]) -> int:
    new = AbbreviationResolver(nlp)
    old = ReferenceResolver(new.acronyms)
    skip = ["mscgraph_abbreviations", "mscgraph_linker"]
    defined = 0
    for doc in nlp.pipe(texts, disable=skip, batch_size=64):
        a, b = new(doc.copy()), old(doc.copy())
        assert _state(a) == _state(b), doc.text[:80]
        defined += len(a._.abbreviations)
    return defined


def test_component_resolves_like_reference(nlp: Language) -> None:
    texts = ["Hepatic stellate cells (HSCs) are activated. HSCs proliferate.",
             "In acute liver failure (ALF), MSCs help; ALF is lethal.",
             "The Norrie disease (ND) gene; ND is rare. Morbus X (MX) too.",
             "Kids with ataxia-telangiectasia (A-T) and HSC (here: hair shaft cells).",
             "No definitions here at all.", "( ) ( MSC ) (MSC)"]
    assert _compare(nlp, texts) > 2
    doc = nlp(texts[0])
    assert [(s.text, s._.long_form.text) for s in doc._.abbreviations] == \
        [("HSCs", "Hepatic stellate cells")]


def test_public_resolve_abbreviations_takes_span_pairs(nlp: Language) -> None:
    doc = nlp("Hepatic stellate cells (HSCs) are activated. HSCs proliferate.")
    cands = resolve_abbreviations(doc, [(doc[4:5], doc[0:3]), (doc[4:5], None)])
    assert [(c.start, c.end, c.concept) for c in cands if c.rule == "abbrev"] == \
        [(4, 5, "CL:0000632"), (9, 10, "CL:0000632")]


def _shared_texts(shared: Path) -> list[str]:
    """real_texts.jsonl + the NCBI-disease and BioRED abstracts (distinct PMIDs)."""
    texts = [json.loads(line)["text"] for line in
             (shared / "corpora" / "real_texts.jsonl").open(encoding="utf-8") if line.strip()]
    root = shared / "resources" / "corpora"
    by_pmid: dict[str, str] = {}
    for rel in [*NCBI_FILES.values(), *BIORED_FILES.values()]:
        if (root / rel).is_file():
            with (root / rel).open(encoding="utf-8") as fh:
                for d in parse_pubtator(fh):
                    by_pmid.setdefault(d.pmid, d.text)
    return texts + [by_pmid[p] for p in sorted(by_pmid)]


@pytest.fixture(scope="module")
def full_nlp() -> Language:
    from pipeline.nlp import build_nlp
    return build_nlp(relations=False)


def test_same_definitions_and_entities_on_shared_corpora(shared_dir: Path,
                                                         full_nlp: Language) -> None:
    texts = _shared_texts(shared_dir)
    for doc in full_nlp.pipe(texts, disable=["mscgraph_abbreviations", "mscgraph_linker"]):
        w = DocState.of(doc).words
        assert find_definitions(w.text, w.ws) == reference_definitions(doc), doc.text[:80]
    assert _compare(full_nlp, texts) > 500
