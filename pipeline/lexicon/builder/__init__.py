"""Build the lexicon and xrefs tables from ``../shared/resources`` (needs the shared folder).

One reader per resource (:mod:`.mesh`, :mod:`.cl`, :mod:`.hgnc`, :mod:`.famplex`,
:mod:`.hpo`) yields :class:`~.candidates.Candidate` rows; :mod:`.merge` adds generated
variants, applies the block list and the alias-collision filter, keeps the best row per
(key, case mode, concept, type), sorts and writes. The runtime (:mod:`pipeline.lexicon`) never
imports this package; the committed ``lexicon.tsv.gz`` is its output.

Not supported: OWL reasoning (CL is read line by line with regular expressions), obsolete or
deprecated classes (dropped), MeSH supplementary concepts (C ids are not in the label file).
"""
from __future__ import annotations

import time
from pathlib import Path

from ..entries import DEFAULT_CURATED, DEFAULT_LEXICON, DEFAULT_XREFS, Blocklist
from ..hierarchy import DEFAULT_HIERARCHY
from .merge import BuildStats, build
from .xrefs import build_xrefs

__all__ = ["BuildStats", "build_lexicon", "build_xrefs"]


def build_lexicon(resources_dir: str | Path, out_path: str | Path = DEFAULT_LEXICON, *,
                  curated: str | Path | None = None, blocklist: str | Path | None = None,
                  xrefs_out: str | Path | None = DEFAULT_XREFS,
                  hierarchy_out: str | Path | None = DEFAULT_HIERARCHY) -> BuildStats:
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
    hierarchy_out : path or None
        Also write the concept hierarchy (child, parent pairs of lexicon concepts; None: skip).

    Raises
    ------
    LexiconError
        When a resource file is missing.
    """
    t0 = time.perf_counter()
    stats = build(Path(resources_dir), Path(out_path),
                  curated=Path(curated) if curated else DEFAULT_CURATED,
                  blocklist=Blocklist.load(blocklist),
                  hierarchy_out=Path(hierarchy_out) if hierarchy_out is not None else None)
    if xrefs_out is not None:
        stats.xref_pairs = build_xrefs(resources_dir, xrefs_out)
    stats.seconds = time.perf_counter() - t0
    return stats
