"""Contradictions across the concept hierarchy, with both sides' evidence and context.

* ``polarity``: ``A INCREASES B`` against ``A' DECREASES/TREATS B'`` where ``A``/``A'`` are the
  same concept or one is narrower than the other, likewise ``B``/``B'``, and some article on
  one side is not an article on the other (a single article's two claims are not a
  contradiction: they are usually two conditions of one study).
* ``negation``: a statement both asserted and negated (from any articles).

>>> from pipeline.model import Evidence
>>> a, b = [Evidence("1", "up", species=("mouse",))], [Evidence("2", "down", study_type="rct")]
>>> rows = contradiction_rows({("M", "INCREASES", "H"): a, ("M", "DECREASES", "H"): b},
...                           {"M": "MSC", "H": "HCC"}, lambda x, y: False, {})
>>> rows[0]["statement_for"], rows[0]["species_for"], rows[0]["study_types_against"]
('MSC INCREASES HCC', 'mouse', 'rct')
"""
from __future__ import annotations

from collections import Counter
from typing import Any, Callable, Mapping, Sequence

from ..model import Evidence

__all__ = ["CONTRADICTION_COLUMNS", "contradiction_rows"]

Key = tuple[str, str, str]

CONTRADICTION_COLUMNS = ["kind", "subject", "object", "statement_for", "statement_against",
                         "pmids_for", "pmids_against", "evidence_for", "evidence_against",
                         "species_for", "species_against", "study_types_for",
                         "study_types_against", "belief_for", "belief_against"]

_UP, _DOWN = ("INCREASES",), ("DECREASES", "TREATS")


def _side(evs: Sequence[Evidence]) -> dict[str, str]:
    pmids = sorted({e.pmid for e in evs})
    species = Counter(s for e in {e.pmid: e for e in evs}.values() for s in e.species)
    studies = Counter(e.study_type for e in {e.pmid: e for e in evs}.values())
    return {"pmids": "|".join(pmids),
            "evidence": "\n".join(f"PMID {e.pmid}: {e.sentence}" for e in evs),
            "species": "|".join(sorted(species)), "study_types": "|".join(sorted(studies))}


def contradiction_rows(evidence: Mapping[Key, Sequence[Evidence]], names: Mapping[str, str],
                       is_narrower: Callable[[str, str], bool], beliefs: Mapping[Key, float]
                       ) -> list[dict[str, Any]]:
    """Rows (:data:`CONTRADICTION_COLUMNS`) over every statement's evidence.

    ``is_narrower(a, b)``: ``a`` is a (transitively) narrower concept than ``b``;
    ``beliefs`` by key (missing: None). Subject and object are named at the more general level.
    """
    def related(a: str, b: str) -> bool:
        return a == b or is_narrower(a, b) or is_narrower(b, a)

    def general(a: str, b: str) -> str:
        return b if is_narrower(a, b) else a

    rows: list[dict[str, Any]] = []
    asserted = {k: [e for e in evs if not e.negated] for k, evs in evidence.items()}
    ups = [k for k in asserted if k[1] in _UP and asserted[k]]
    downs = [k for k in asserted if k[1] in _DOWN and asserted[k]]
    for up in ups:
        for down in downs:
            if not (related(up[0], down[0]) and related(up[2], down[2])):
                continue
            pf, pa = {e.pmid for e in asserted[up]}, {e.pmid for e in asserted[down]}
            if not any(p != q for p in pf for q in pa):
                continue
            f, a = _side(asserted[up]), _side(asserted[down])
            rows.append(_row("polarity", general(up[0], down[0]), general(up[2], down[2]),
                             up, down, f, a, names, beliefs))
    for key, evs in evidence.items():
        neg = [e for e in evs if e.negated]
        if neg and asserted[key]:
            rows.append(_row("negation", key[0], key[2], key, key, _side(asserted[key]),
                             _side(neg), names, beliefs, against_belief=False))
    rows.sort(key=lambda r: (r["kind"], r["subject"], r["object"], r["statement_for"],
                             r["statement_against"]))
    return rows


def _row(kind: str, s: str, o: str, up: Key, down: Key, f: dict[str, str], a: dict[str, str],
         names: Mapping[str, str], beliefs: Mapping[Key, float], *, against_belief: bool = True
         ) -> dict[str, Any]:
    def stmt(k: Key, neg: bool = False) -> str:
        return f"{names[k[0]]} {'NOT ' if neg else ''}{k[1]} {names[k[2]]}"

    return {"kind": kind, "subject": names[s], "object": names[o],
            "statement_for": stmt(up), "statement_against": stmt(down, kind == "negation"),
            "pmids_for": f["pmids"], "pmids_against": a["pmids"],
            "evidence_for": f["evidence"], "evidence_against": a["evidence"],
            "species_for": f["species"], "species_against": a["species"],
            "study_types_for": f["study_types"], "study_types_against": a["study_types"],
            "belief_for": beliefs.get(up),
            "belief_against": beliefs.get(down) if against_belief else None}
