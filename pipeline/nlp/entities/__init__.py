"""Entity recognition over the lexicon: keys, trie, matching, productive names, passes.

Importing this package registers the ``mscgraph_entities`` factory.

>>> from pipeline.nlp.entities import TermTrie, build_term_trie
>>> build_term_trie([("HGF", "CYTOKINE", "HGNC:4893", "HGF", True, 100)]).size
1
"""
from __future__ import annotations

from .component import EntityMatcher, make_entities, set_entities
from .keys import TYPE_PRIORITY, subtoken_keys
from .loading import load_term_trie
from .match import match_trie, resolve_overlaps
from .productive import productive_candidates
from .trie import TermTrie, TrieEntry, build_term_trie

__all__ = [
    "EntityMatcher", "make_entities", "set_entities", "TYPE_PRIORITY", "subtoken_keys",
    "load_term_trie", "match_trie", "resolve_overlaps", "productive_candidates", "TermTrie",
    "TrieEntry", "build_term_trie",
]
