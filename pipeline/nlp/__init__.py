"""The spaCy pipeline of the project: entities, abbreviations, context linking (+ relations).

:func:`build_nlp` chains registered factories on ``spacy.blank("en")`` (no pretrained model):

==========================  =================================================================
``mscgraph.tokenizer.v1``   :func:`pipeline.normalize.normalize_text`, then spaCy's rule
                            tokenizer with biomedical infixes (:mod:`.tokenizer`)
``mscgraph_sentences``      rule-based sentence starts (:mod:`.sentences`)
``mscgraph_entities``       lexicon trie, productive names, guideline passes (:mod:`.entities`)
``mscgraph_abbreviations``  Schwartz & Hearst definitions + in-document resolution
                            (:mod:`.abbreviations`)
``mscgraph_linker``         context rules and canonical names (:mod:`.linker`)
``mscgraph_relations``      (optional, :mod:`pipeline.nlp.relations`)
==========================  =================================================================

The per-document state of the components is one :class:`~.state.DocState`
(``doc._.mscgraph``); :func:`doc_mentions` / :func:`span_to_mention` turn entities into
:class:`~pipeline.model.Mention` objects with offsets into the original text.

Example
-------
>>> nlp = build_nlp(relations=False)                        # doctest: +SKIP
>>> [(m.text, m.concept) for m in doc_mentions(nlp("MSCs secrete HGF."))]   # doctest: +SKIP
[('MSCs', 'CL:0000134'), ('HGF', 'HGNC:4893')]
"""
from __future__ import annotations

import logging

import spacy
from spacy.language import Language

from .abbreviations import AbbreviationResolver, resolve_abbreviations
from .entities import (TYPE_PRIORITY, EntityMatcher, TermTrie, TrieEntry, build_term_trie,
                       load_term_trie, subtoken_keys)
from .linker import Linker
from .sentences import SentenceSplitter, set_sentence_starts
from .state import (Candidate, DocState, doc_mentions, norm_of, original_offsets,
                    span_to_mention)
from .tokenizer import NormalizingTokenizer

__all__ = [
    "build_nlp", "doc_mentions", "span_to_mention", "original_offsets", "norm_of", "DocState",
    "Candidate", "subtoken_keys", "TermTrie", "TrieEntry", "build_term_trie", "load_term_trie",
    "EntityMatcher", "NormalizingTokenizer", "SentenceSplitter", "set_sentence_starts",
    "AbbreviationResolver", "resolve_abbreviations", "Linker", "TYPE_PRIORITY",
]

log = logging.getLogger(__name__)


def build_nlp(*, relations: bool = True, use_cache: bool = True,
              serializable: bool = False) -> Language:
    """The full pipeline on ``spacy.blank("en")``.

    Parameters
    ----------
    relations : bool
        Add ``mscgraph_relations`` (from :mod:`pipeline.nlp.relations`).
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
        from . import relations as _rel  # noqa: F401  (registers the factory)
        relations = "mscgraph_relations" in Language.factories
    # the relation rules reuse the tokenizer's word list and drop it when done
    nlp.add_pipe("mscgraph_linker", config={"keep_words": relations})
    if relations:
        nlp.add_pipe("mscgraph_relations")
    return nlp
