"""Relation extraction: the public API and the ``mscgraph_relations`` spaCy component.

For every sentence the entities of ``doc.ents`` and the remaining tokens become a flat list of
units (:mod:`.units`). Trigger words from ``data/triggers.tsv`` (verbs, participles, gerunds,
nominalizations, multi-word connectives; :mod:`.lexicon`) are located, and for each trigger the
rules (:mod:`.dispatch` picks one per construction, :mod:`.rules` holds them) find

* the **subject** (:mod:`.subjects`): the nearest entity group on the left in the same clause;
  the antecedent of a relative pronoun (``X, which suppresses Y``); the subject of the
  governing verb for ``by/through/via`` means and for coordinated verbs (``X reduces A and
  improves B``); the agent after ``by`` for passives and nominalizations (``Y was suppressed by
  X``, ``inhibition of Y by X``); the entity before ``-mediated/-induced/-derived``; the
  previous sentences' referents for ``they``/``these cells``/``these drugs``
  (:mod:`.anaphora`); the exposure of the study group in result statements (``X-treated mice
  showed lower Y``, ``Y was lower in the X group``);
* the **objects** (:mod:`.objects`): the coordinated entities on the right up to a clause
  boundary, through ``the proliferation of``-style chains; an entity before
  ``-induced/-associated/-related`` only qualifies the head after it;
* **sign** (``improve`` depends on whether the object is bad or good,
  ``data/relation_polarity.tsv``; loss of function flips it: ``knockdown of X``, ``X siRNA``,
  ``X neutralizing antibody``, ``X inhibitor``; a therapy without X that fails, ``MSCs lacking X
  did not reduce Y``, states that X reduces Y), **negation** (cut at ``but``) and **hedging**
  scopes, a question hedging all it states (:mod:`.sign`, :mod:`.scopes`).

A cell that only names whose process is acted on (``reduced hepatocyte apoptosis``) is no object;
cells taken from treated animals (``DCs from MSC-treated mice``) are the subject, not the
treatment; a verb after a closed relative clause shares the main clause's subject. Trigger
forms match their hyphen, spacing and listed misspelling variants (:mod:`.lexicon`).

``TREATS`` comes from ``X for Y`` / ``X in patients with Y`` patterns and from therapies that act
in a stated disease context (:mod:`.rules.therapy`). Not supported: relations across sentences
(other than the anaphora rules), nested clauses needing a parse, and comparisons between two
named agents (``X was more potent than Y``).

:func:`extract_relations` walks the sentences, runs the rules on a
:class:`~.state.SentenceState` per sentence and deduplicates the results, carrying discourse
referents to the next sentence. :class:`RelationExtractor` is a thin shell that maps offsets
back to the original text and sets ``Doc._.relations``.

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

from ...model import Mention, Relation
from ..state import DocState, doc_mentions, span_to_mention
from .anaphora import main_cell
from .dispatch import run
from .lexicon import Polarity, Trigger, TriggerLexicon, load_polarity, load_triggers
from .model import load_model, trigger_words
from .scoring import model_relations
from .roles import DENIED_KEY, Role, denied_roles
from .state import SentenceState
from .units import MentionOf, default_mention, doc_words, sentence_units
from .words import ANAPHORS

__all__ = [
    "Trigger", "TriggerLexicon", "Polarity", "load_triggers", "load_polarity",
    "extract_relations", "RelationExtractor", "make_relation_extractor",
]


def extract_relations(doc: Any, *, mention_of: MentionOf | None = None,
                      sentence_of: Callable[[Any], tuple[str, int, int]] | None = None,
                      triggers: TriggerLexicon | None = None,
                      polarity: Polarity | None = None,
                      denied: set[Role] | None = None) -> list[Relation]:
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
    denied : set, optional
        Filled with the argument roles the grammar rules out (:func:`.roles.denied_roles`),
        for the learned model to respect.

    Returns
    -------
    list of Relation
        Deduplicated per sentence, self-loops dropped, in text order.
    """
    lex = triggers or load_triggers()
    pol = polarity or load_polarity()
    mention_of = mention_of or default_mention
    sentence_of = sentence_of or (lambda s: (s.text, s.start_char, s.end_char))
    ents = sorted(doc.ents, key=lambda e: e.start)
    words = doc_words(doc)
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
        if not sent_ents or (len(sent_ents) == 1 and not ANAPHORS.intersection(
                words[sent.start:sent.end])):
            # no pair of arguments possible; a lone cell becomes the referent
            if sent_ents and sent_ents[0].label_ == "CELL_TYPE":
                referent = mention_of(sent_ents[0])
            lead = None
            continue
        units = sentence_units(sent, sent_ents, mention_of, lex, words)
        if not any(x.trig for x in units) and len(sent_ents) < 2:
            referent = main_cell([], units, referent)
            lead = None
            continue
        st = SentenceState(units, lex, pol, referent, agent, lead)
        run(st)
        if denied is not None:
            denied |= denied_roles(units)
        text, s0, s1 = sentence_of(sent)
        seen: set[tuple[str, str, str, bool, bool]] = set()
        for f in st.found:
            if f.subj.concept_key == f.obj.concept_key or f.subj == f.obj:
                continue
            key = (f.subj.concept_key, f.pred, f.obj.concept_key, f.negated, f.hedged)
            if key in seen:
                continue
            seen.add(key)
            out.append(Relation(f.subj, f.pred, f.obj, f.negated, f.hedged, text, s0, s1))
        referent = main_cell(st.found, units, referent)
        subjects = [f.subj for f in st.found if f.pred != "TREATS"]
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
    model_path : str
        The learned relation model (:mod:`.model`): empty = the committed
        ``pipeline/data/relation_model.json.gz`` when present; ``"none"`` = rules only.
    """

    def __init__(self, nlp: Any, name: str = "mscgraph_relations", *, triggers_path: str = "",
                 polarity_path: str = "", model_path: str = "") -> None:
        from spacy.tokens import Doc
        Doc.set_extension("relations", getter=_get_relations, setter=_set_relations, force=True)
        self.name = name
        self.triggers = load_triggers(triggers_path or None)
        self.polarity = load_polarity(polarity_path or None)
        self.model = None if model_path == "none" else load_model(model_path or None)
        self.trigger_words = trigger_words(self.triggers)

    def __call__(self, doc: Any) -> Any:
        mention_of, sentence_of, mentions = _offset_mappers(doc)
        denied: set[Role] = set()
        rels = extract_relations(doc, mention_of=mention_of, sentence_of=sentence_of,
                                 triggers=self.triggers, polarity=self.polarity, denied=denied)
        if self.model is not None and len(mentions) > 1:
            sentences = [sentence_of(s)[1:] for s in doc.sents]
            rels += model_relations(DocState.of(doc).norm.original, mentions, sentences, rels,
                                    self.model, self.trigger_words, self.polarity,
                                    denied=denied)
        doc.user_data[DENIED_KEY] = sorted(denied)
        doc._.relations = rels
        DocState.of(doc).drop_words()  # the tokenizer's per-run token texts: not serializable
        return doc


def _offset_mappers(doc: Any) -> tuple[MentionOf, Any, list[Mention]]:
    """Relation arguments are the document's mentions; sentences map to original offsets.

    ``mention_of(span)`` returns the very :class:`~pipeline.model.Mention` that
    :func:`~pipeline.nlp.state.doc_mentions` gives for that entity (same span, same trimming,
    same canonical name), so a concept never gets a second synonym from its relations.
    ``sentence_of(sent)`` maps a sentence to ``(text, start, end)`` of the original text.
    """
    state = DocState.of(doc)
    norm = state.norm
    mentions = doc_mentions(doc)
    by_span = {(e.start, e.end): m for e, m in zip(doc.ents, mentions)}

    def mention_of(span: Any) -> Mention:
        m = by_span.get((span.start, span.end))
        return m if m is not None else span_to_mention(doc, span, norm=norm)

    if not norm.segments and state.data.get("norm") is None:
        def sentence_of(sent: Any) -> tuple[str, int, int]:
            return sent.text, sent.start_char, sent.end_char
    else:
        def sentence_of(sent: Any) -> tuple[str, int, int]:
            a, b = norm.to_original(sent.start_char, sent.end_char)
            return norm.original[a:b], a, b
    return mention_of, sentence_of, mentions


def make_relation_extractor(nlp: Any, name: str, triggers_path: str, polarity_path: str,
                            model_path: str) -> RelationExtractor:
    """Factory body of ``mscgraph_relations``."""
    return RelationExtractor(nlp, name, triggers_path=triggers_path, polarity_path=polarity_path,
                             model_path=model_path)


def _register() -> None:
    from spacy.language import Language
    if "mscgraph_relations" not in Language.factories:
        Language.factory("mscgraph_relations",
                         default_config={"triggers_path": "", "polarity_path": "",
                                         "model_path": ""},
                         assigns=["doc._.relations"])(make_relation_extractor)


_register()
