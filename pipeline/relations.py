"""Relation extraction: the public API and the ``mscgraph_relations`` spaCy component.

:func:`extract_relations` walks the sentences of a Doc with entities, builds the units of each
(:mod:`pipeline.relation_units`), runs the rules (:mod:`pipeline.relation_rules`, whose
docstring gives the rule overview and what is not supported) and deduplicates the results per
sentence, carrying discourse referents (``they``, ``these drugs``) to the next sentence.
:class:`RelationExtractor` is a thin shell that maps offsets back to the original text and sets
``Doc._.relations``. Trigger and polarity lexicons live in :mod:`pipeline.relation_lexicon`
(re-exported here), word classes in :mod:`pipeline.relation_words`.

Example
-------
>>> import spacy
>>> nlp = spacy.blank("en"); _ = nlp.add_pipe("sentencizer")
>>> doc = nlp("MSCs secrete HGF.")
>>> doc.ents = [doc.char_span(0, 4, label="CELL_TYPE", kb_id="CL:0000134"),
...             doc.char_span(13, 16, label="CYTOKINE", kb_id="HGNC:4893")]
>>> [r.triple for r in extract_relations(doc)]
[('CL:0000134', 'SECRETES', 'HGNC:4893')]
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from .model import Mention, Relation
from .relation_lexicon import Polarity, Trigger, TriggerLexicon, load_polarity, load_triggers
from .relation_rules import _SentenceRules, _main_cell
from .relation_units import MentionOf, _default_mention, _doc_words, _sentence_units
from .relation_words import _ANAPHORS

__all__ = [
    "Trigger", "TriggerLexicon", "Polarity", "load_triggers", "load_polarity",
    "extract_relations", "RelationExtractor", "make_relation_extractor",
]



def extract_relations(doc: Any, *, mention_of: MentionOf | None = None,
                      sentence_of: Callable[[Any], tuple[str, int, int]] | None = None,
                      triggers: TriggerLexicon | None = None,
                      polarity: Polarity | None = None) -> list[Relation]:
    """Relations of a spaCy ``Doc`` whose ``ents`` and sentences are set.

    Parameters
    ----------
    doc : spacy.tokens.Doc
        Doc with entities (``label_`` = type, ``kb_id_`` = concept) and sentence boundaries.
    mention_of : callable, optional
        Span -> :class:`~pipeline.model.Mention` (default: Doc offsets; pass a mapper when the
        Doc text was normalized so mentions carry original-text offsets).
    sentence_of : callable, optional
        Sentence span -> ``(text, start, end)`` in the original text (default: Doc offsets).
    triggers, polarity : optional
        Lexicons; default: the committed data files.

    Returns
    -------
    list of Relation
        Deduplicated per sentence, self-loops dropped, in text order.
    """
    lex = triggers or load_triggers()
    pol = polarity or load_polarity()
    mention_of = mention_of or _default_mention
    sentence_of = sentence_of or (lambda s: (s.text, s.start_char, s.end_char))
    ents = sorted(doc.ents, key=lambda e: e.start)
    words = _doc_words(doc)
    out: list[Relation] = []
    referent: Mention | None = None
    agent: Mention | None = None
    lead: Mention | None = None
    ei = 0
    for sent in doc.sents:
        while ei < len(ents) and ents[ei].end <= sent.start:
            ei += 1
        sent_ents = []
        k = ei
        while k < len(ents) and ents[k].start < sent.end:
            if ents[k].start >= sent.start and ents[k].end <= sent.end:
                sent_ents.append(ents[k])
            k += 1
        if not sent_ents or (len(sent_ents) == 1 and not _ANAPHORS.intersection(
                words[sent.start:sent.end])):
            # no pair of arguments possible; a lone cell becomes the referent
            if sent_ents and sent_ents[0].label_ == "CELL_TYPE":
                referent = mention_of(sent_ents[0])
            lead = None
            continue
        units = _sentence_units(sent, sent_ents, mention_of, lex, words)
        if not any(x.trig for x in units) and len(sent_ents) < 2:
            referent = _main_cell([], units, referent)
            lead = None
            continue
        rules = _SentenceRules(units, lex, pol, referent, agent, lead)
        rules.run()
        text, s0, s1 = sentence_of(sent)
        seen: set[tuple[str, str, str, bool, bool]] = set()
        for f in rules.found:
            if f.subj.concept_key == f.obj.concept_key or f.subj == f.obj:
                continue
            key = (f.subj.concept_key, f.pred, f.obj.concept_key, f.negated, f.hedged)
            if key in seen:
                continue
            seen.add(key)
            out.append(Relation(f.subj, f.pred, f.obj, f.negated, f.hedged, text, s0, s1))
        referent = _main_cell(rules.found, units, referent)
        subjects = [f.subj for f in rules.found if f.pred != "TREATS"]
        lead = subjects[0] if subjects else None
        agent = next((m for m in subjects if m.type in ("THERAPY", "MOLECULE")), agent)
    return out


# --------------------------------------------------------------------------------------------
# spaCy component (thin shell)


_USER_DATA_KEY = "mscgraph_relations"


def _get_relations(doc: Any) -> list[Relation] | None:
    data = doc.user_data.get(_USER_DATA_KEY)
    return None if data is None else [Relation.from_json(d) for d in data]


def _set_relations(doc: Any, value: Iterable[Relation] | None) -> None:
    doc.user_data[_USER_DATA_KEY] = None if value is None else [r.to_json() for r in value]


class RelationExtractor:
    """Sets ``Doc._.relations`` (list of :class:`~pipeline.model.Relation`).

    The value is kept as plain JSON data in ``Doc.user_data`` (so Docs serialize with
    ``to_bytes`` and cross processes with ``nlp.pipe(n_process=...)``); the getter rebuilds
    the records.

    Parameters
    ----------
    nlp : Language
        The pipeline (unused; spaCy passes it).
    name : str
        Component name.
    triggers_path, polarity_path : str
        Data files; empty = the committed ``pipeline/data`` files.
    """

    def __init__(self, nlp: Any, name: str = "mscgraph_relations", *, triggers_path: str = "",
                 polarity_path: str = "") -> None:
        from spacy.tokens import Doc
        Doc.set_extension("relations", getter=_get_relations, setter=_set_relations, force=True)
        self.name = name
        self.triggers = load_triggers(triggers_path or None)
        self.polarity = load_polarity(polarity_path or None)

    def __call__(self, doc: Any) -> Any:
        mention_of, sentence_of = _offset_mappers(doc)
        doc._.relations = extract_relations(doc, mention_of=mention_of, sentence_of=sentence_of,
                                            triggers=self.triggers, polarity=self.polarity)
        doc.user_data.pop("mscgraph.words", None)  # the NER's per-run word list, not serializable
        return doc


def _offset_mappers(doc: Any) -> tuple[MentionOf | None, Any]:
    """Mappers to original-text offsets when the NER stage normalized the text.

    The normalization map is built once per Doc (mapping each span through
    ``pipeline.ner.original_offsets`` would rebuild it per call).
    """
    try:
        from . import ner
    except ImportError:
        return None, None
    norm: Any = None
    data = doc._.mscgraph_norm if doc.has_extension("mscgraph_norm") else None
    if isinstance(data, dict) and "original" in data:
        from .text import NormalizedText       # built from plain data: no doc.text pass
        norm = NormalizedText.from_json("", data)
    elif data is None and doc.has_extension("mscgraph_norm"):
        return None, None                       # not normalized: Doc offsets are original
    elif callable(getattr(ner, "_norm_of", None)):
        norm = ner._norm_of(doc)
    if norm is not None:
        def to_original(a: int, b: int) -> tuple[int, int, str]:
            x, y = norm.to_original(a, b)
            return x, y, norm.original[x:y]
    elif callable(getattr(ner, "original_offsets", None)):
        def to_original(a: int, b: int) -> tuple[int, int, str]:
            return ner.original_offsets(doc, a, b)
    else:
        return None, None

    def mention_of(span: Any) -> Mention:
        a, b, text = to_original(span.start_char, span.end_char)
        return _default_mention(span, text, a, b)

    def sentence_of(sent: Any) -> tuple[str, int, int]:
        a, b, text = to_original(sent.start_char, sent.end_char)
        return text, a, b
    return mention_of, sentence_of


def make_relation_extractor(nlp: Any, name: str, triggers_path: str,
                            polarity_path: str) -> RelationExtractor:
    """Factory body of ``mscgraph_relations``."""
    return RelationExtractor(nlp, name, triggers_path=triggers_path, polarity_path=polarity_path)


def _register() -> None:
    try:
        from spacy.language import Language
    except ImportError:  # pragma: no cover
        return
    if "mscgraph_relations" not in Language.factories:
        Language.factory("mscgraph_relations",
                         default_config={"triggers_path": "", "polarity_path": ""},
                         assigns=["doc._.relations"])(make_relation_extractor)


_register()
