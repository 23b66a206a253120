"""Domain lexicon: terms -> typed concepts, its loader, normalization and variant generator.

The lexicon maps surface terms to concepts of the seven entity types of the annotation
guidelines. A compact, generated table is committed as ``pipeline/data/lexicon.tsv.gz`` (built
from ``../shared/resources`` by :func:`pipeline.lexicon.builder.build_lexicon`, see
``scripts/build_lexicon.py`` and the top-level ``NOTICE``), so a fresh install needs no
third-party data.

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

Modules: :mod:`.normalize` (matching key), :mod:`.variants` (spelling variants),
:mod:`.entries` (entries, TSV format, block list, data paths), :mod:`.table` (the loaded
:class:`Lexicon`), :mod:`.xrefs` (id equivalences), :mod:`.hierarchy` (broader / narrower
concepts); :mod:`.builder` rebuilds the tables from
``../shared/resources`` and imports these modules, never the reverse.
"""
from __future__ import annotations

from .entries import (DATA_DIR, DEFAULT_BLOCKLIST, DEFAULT_CURATED, DEFAULT_LEXICON,
                      DEFAULT_OVERRIDES, DEFAULT_XREFS, ENTITY_TYPES, Blocklist, LexiconEntry,
                      read_lexicon_tsv, write_lexicon_tsv)
from .hierarchy import DEFAULT_HIERARCHY, Hierarchy, HierarchyRow, default_hierarchy
from .normalize import is_case_sensitive, normalize_key, normalize_surface
from .table import Lexicon, default_lexicon
from .variants import msc_tissue_forms, term_variants
from .xrefs import load_xrefs, same_concept

__all__ = [
    "LexiconEntry", "Lexicon", "ENTITY_TYPES", "DATA_DIR", "DEFAULT_LEXICON",
    "DEFAULT_OVERRIDES", "DEFAULT_CURATED", "DEFAULT_BLOCKLIST", "DEFAULT_XREFS",
    "default_lexicon", "normalize_key", "normalize_surface", "is_case_sensitive",
    "term_variants", "msc_tissue_forms", "load_xrefs", "same_concept", "read_lexicon_tsv",
    "write_lexicon_tsv", "Blocklist", "Hierarchy", "HierarchyRow", "DEFAULT_HIERARCHY",
    "default_hierarchy",
]
