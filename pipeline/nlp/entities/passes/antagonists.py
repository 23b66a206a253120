"""Agents against a molecule are not the molecule: ``anti-TGF-β antibody``, ``CXCR4-specific
inhibitor``, ``IL-6 antagonist`` are MOLECULE spans of their own (the agent), with a ``LOCAL:``
id named after the target's canonical name (as the development gold's
``LOCAL:cxcr4_inhibitor``).

>>> agent_id("anti", "TGF-β", "antibodies"), agent_id("", "CXCR4", "inhibitors")
('LOCAL:anti_tgf_beta_antibody', 'LOCAL:cxcr4_inhibitor')
"""
from __future__ import annotations

from spacy.tokens import Doc

from ....normalize import GREEK, singular
from ...state import Candidate, DocState
from ..keys import slug
from ..trie import TermTrie

__all__ = ["AGENT_HEADS", "ANTIBODY_HEADS", "agent_id", "antagonists"]

#: Nouns after a molecule that name an agent acting against it ("X inhibitor").
AGENT_HEADS = frozenset({"inhibitor", "inhibitors", "antagonist", "antagonists", "blocker",
                         "blockers"})
#: Nouns after ``anti-X`` that name the antibody ("anti-X antibody").
ANTIBODY_HEADS = frozenset({"antibody", "antibodies", "mab", "mabs", "serum", "antiserum",
                            "igg"})
_TARGET_TYPES = ("MOLECULE", "CYTOKINE")
_QUALIFIERS = ("specific", "selective")


def agent_id(anti: str, target: str, head: str) -> str:
    """The ``LOCAL:`` id of an agent against ``target`` (``head``: its noun, may be empty)."""
    name = "".join(f" {GREEK[ch]} " if ch in GREEK else ch for ch in target)
    parts = [anti, slug(name), singular(head.lower()) if head else ""]
    return "LOCAL:" + "_".join(p for p in parts if p)


def antagonists(doc: Doc, sel: list[Candidate], trie: TermTrie) -> list[Candidate]:
    """Replace a molecule read inside ``anti-X (antibody)`` or ``X(-specific) inhibitor /
    antagonist / blocker`` by one MOLECULE span of the agent; tokens the agent covers lose
    their other candidates (``antibody``). ``sel`` is non-overlapping and ordered."""
    w = DocState.of(doc).words
    lo, text, ws = w.lower, w.text, w.ws
    n = len(text)
    agents: list[Candidate] = []
    for c in sel:
        if c.type not in _TARGET_TYPES:
            continue
        s, e = c.start, c.end
        anti = s >= 2 and text[s - 1] == "-" and lo[s - 2] == "anti" and not ws[s - 2] \
            and not ws[s - 1]
        j = e
        if j + 1 < n and text[j] == "-" and not ws[j - 1] and lo[j + 1] in _QUALIFIERS:
            j += 2
        elif j < n and lo[j] in _QUALIFIERS:
            j += 1
        if not anti and s > 0 and text[s - 1] == "-" and not ws[s - 1]:
            continue   # "beta-AR antagonist": the target is part of a longer name
        head = ""
        if j < n and (lo[j] in AGENT_HEADS or anti and lo[j] in ANTIBODY_HEADS):
            head, j = text[j], j + 1
        elif not anti or e < n and text[e] == "(":
            # "anti-leukemia inhibitory factor (LIF)" defines the target's abbreviation: an
            # agent here would give every later "LIF" the agent's id
            continue
        else:
            j = e
        start = s - 2 if anti else s
        # the target's canonical name: "PKC inhibitor" and "protein kinase C inhibitor" agree
        target = c.name if c.concept else w.span(s, e)
        agents.append(Candidate(start, j, "MOLECULE", agent_id("anti" if anti else "", target,
                                                               head),
                                w.span(start, j), 30, "agent"))
    if not agents:
        return sel
    kept = [c for c in sel if not any(c.overlaps(a) for a in agents)]
    return sorted(kept + agents, key=lambda c: c.start)
