"""``mscgraph_entities``: lexicon matches + productive names + guideline passes -> ``doc.ents``.

:class:`EntityMatcher` matches the lexicon trie (:mod:`.match`), adds productive gene-family
names (:mod:`.productive`) and runs the guideline passes in their declared order
(:data:`.passes.PASSES`); :func:`set_entities` writes the result to ``doc.ents`` and to the
Doc state (canonical names for ``Span._.canonical_name``).

Not supported: nested entities (spans never overlap), discontinuous mentions other than the
elliptical ``T and B lymphocytes`` rule, and statistical disambiguation.

>>> import spacy
>>> from pipeline.nlp.entities.trie import build_term_trie
>>> nlp = spacy.blank("en")
>>> m = EntityMatcher(nlp, trie=build_term_trie([("HGF", "CYTOKINE", "HGNC:4893", "HGF",
...                                                 True, 100)]))
>>> [(e.text, e.kb_id_) for e in m(nlp("MSCs secrete HGF")).ents]
[('HGF', 'HGNC:4893')]
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..state import Candidate, DocState, register_extensions
from .loading import load_term_trie
from .match import match_trie, resolve_overlaps
from .passes import run_passes
from .productive import productive_candidates
from .trie import TermTrie

__all__ = ["EntityMatcher", "set_entities", "make_entities"]


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
    trie : TermTrie, optional
        The lexicon trie (default: the project lexicon's, loaded on first use).
    """

    def __init__(self, nlp: Language, name: str = "mscgraph_entities", *,
                 use_cache: bool = True, productive: bool = True,
                 trie: TermTrie | None = None) -> None:
        register_extensions()
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
        trie = self.trie
        cands = match_trie(doc, trie)
        if self.productive:
            cands += productive_candidates(doc, trie)
        return run_passes(doc, cands, trie)

    def __call__(self, doc: Doc) -> Doc:
        set_entities(doc, self.candidates(doc))
        return doc


def set_entities(doc: Doc, cands: list[Candidate]) -> None:
    """Write candidates to ``doc.ents`` and their record (with the names) to the Doc state."""
    sel = resolve_overlaps(cands)
    # what the doc.ents setter does, without rebuilding the spans
    doc.set_ents([Span(doc, c.start, c.end, label=c.type, kb_id=c.concept or "") for c in sel],
                 default="outside")
    # plain data, so docs stay serializable (nlp.pipe with n_process > 1)
    DocState.of(doc).set_entity_rows([c.as_row() for c in sel])


@Language.factory("mscgraph_entities",
                  default_config={"use_cache": True, "productive": True},
                  assigns=["doc.ents", "span._.canonical_name"])
def make_entities(nlp: Language, name: str, use_cache: bool, productive: bool) -> EntityMatcher:
    """Factory of :class:`EntityMatcher`."""
    return EntityMatcher(nlp, name, use_cache=use_cache, productive=productive)
