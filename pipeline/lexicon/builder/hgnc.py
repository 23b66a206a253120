"""HGNC protein-coding genes, the cytokine typing rule and huCIRA cytokine names."""
from __future__ import annotations

import csv
import gzip
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ...errors import LexiconError
from ..entries import (PRIORITY_CURATED_LIST, PRIORITY_EXACT, PRIORITY_LABEL, PRIORITY_RELATED,
                       PRIORITY_WEAK)
from .candidates import Candidate, GeneType, split_list, usable_term

__all__ = ["Genes", "cytokine_gene", "read_hgnc", "hgnc_candidates", "read_hucira"]

_CYTOKINE_SYMBOL = re.compile(
    r"^(?:IL\d+[A-QS-Z]?|IL\d+F\d+|CXCL\d+|CCL\d+[A-Z]?\d*|XCL\d|CX3CL1|TNF|LTA|LTB|TNFSF\d+[A-Z]?|"
    r"TGFB\d|IFN[A-Z]\d*|IFNL\d|CSF\d|HGF|EGF|FGF\d+|VEGF[A-D]|PGF|PDGF[A-D]|OSM|LIF|CNTF|CTF1|"
    r"CLCF1|IGF\d|AREG|EREG|HBEGF|BTC|EPGN|TGFA|NGF|BDNF|GDF\d+|BMP\d+[AB]?|INHB[A-E]|INHA|AMH|"
    r"KITLG|FLT3LG|TSLP|EPO|THPO|SPP1|MIF|LEP|ADIPOQ|RETN|ANGPT\d|ANGPTL\d|TNFAIP6|INS|EBI3|"
    r"IDO1|CSF1|MSTN|NRG\d|WNT\d+[A-Z]?|SHH|IHH|DHH|STC1|HMGB1|LGALS\d|S100A[89]|DKK\d|SEMA3A)$")


def cytokine_gene(symbol: str, hucira: set[str] | frozenset[str] = frozenset()) -> bool:
    """Whether an HGNC symbol is typed CYTOKINE (huCIRA gene or a cytokine-family pattern)."""
    return symbol in hucira or bool(_CYTOKINE_SYMBOL.match(symbol))


@dataclass
class Genes:
    """HGNC protein-coding genes."""

    symbol: dict[str, str]         # HGNC id -> symbol
    by_symbol: dict[str, str]      # symbol -> HGNC id
    by_uniprot: dict[str, str]     # UniProt -> HGNC id
    rows: list[dict[str, str]]


def read_hgnc(path: Path) -> Genes:
    """Approved HGNC genes (protein-coding rows kept for candidates) from the HGNC TSV."""
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


def hgnc_candidates(genes: Genes, gene_type: GeneType) -> Iterator[Candidate]:
    """Approved symbols and names, aliases and previous symbols (shared aliases ranked lowest)."""
    alias_owners: dict[str, set[str]] = defaultdict(set)
    for r in genes.rows:
        for a in split_list(r.get("Alias symbols", "")) + split_list(r.get("Previous symbols", "")):
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
        if usable_term(name, max_len=80, comma=True):
            yield Candidate(name, etype, hid, sym, "HGNC", PRIORITY_EXACT)
        for kind, prio in (("Alias symbols", PRIORITY_RELATED),
                           ("Previous symbols", PRIORITY_WEAK)):
            for a in split_list(r.get(kind, "")):
                if len(a) <= 2 or not usable_term(a, max_len=30):
                    continue
                shared = len(alias_owners[a.upper()]) > 1
                yield Candidate(a, etype, hid, sym, "HGNC", PRIORITY_WEAK - 1 if shared else prio,
                                alias=True)


def read_hucira(path: Path, genes: Genes, fplx: set[str]) -> tuple[set[str], list[Candidate]]:
    """huCIRA cytokine symbols and their name candidates (gene or FamPlex family)."""
    if not path.exists():
        raise LexiconError(f"{path} not found; pass the shared resources folder")
    symbols: set[str] = set()
    out: list[Candidate] = []
    with open(path, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            gs = split_list(r.get("gene", ""))
            for g in gs:
                symbols.add(g)
            if len(gs) == 1 and gs[0] in genes.by_symbol:
                concept, name = genes.by_symbol[gs[0]], gs[0]
            else:
                fam = re.sub(r"[^A-Za-z0-9]", "", r.get("name", "")).upper()
                if fam not in fplx:
                    continue
                concept, name = "FPLX:" + fam, fam
            terms = [r.get("name", ""), r.get("used cytokines", "")] + split_list(
                r.get("alternative names", ""))
            for t in terms:
                if t and usable_term(t):
                    out.append(Candidate(t, "CYTOKINE", concept, name, "HUCIRA",
                                         PRIORITY_CURATED_LIST))
    return symbols, out
