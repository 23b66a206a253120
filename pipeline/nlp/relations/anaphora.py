"""Anaphora: ``they``, ``these cells``, ``these drugs`` and the referent of the next sentence.

The sentence state carries three discourse referents from earlier sentences: the main cell
(``referent``, for ``these cells``), the last non-cell agent (``agent``, for ``these drugs`` and
``the vesicles``) and the previous sentence's first subject (``lead``, for ``they`` after a
plural product). :func:`main_cell` picks the cell the next sentence's anaphors resolve to.

Example
-------
>>> from pipeline.model import Mention
>>> from pipeline.nlp.relations.units import units_of
>>> msc = Mention(0, 4, "MSCs", "CELL_TYPE")
>>> anaphor_ref(SentenceState.of(units_of("they", "secrete"), referent=msc), 0) is msc
True
"""
from __future__ import annotations

from ...model import Mention
from .state import SentenceState
from .units import Found, Unit
from .words import AGENT_NOUNS, CELL_NOUNS

__all__ = ["is_pronoun", "anaphor_ref", "main_cell"]


def is_pronoun(st: SentenceState, j: int) -> bool:
    """``they`` or ``these cells/drugs`` at ``j`` (resolvable or not)."""
    if j < 0 or st.units[j].is_ent:
        return False
    w = st.units[j].low
    return w == "they" or (j > 0 and (w in CELL_NOUNS or w in AGENT_NOUNS)
                           and st.units[j - 1].low in ("these", "those", "such"))


def anaphor_ref(st: SentenceState, j: int) -> Mention | None:
    """The mention an anaphor at ``j`` refers to: ``these cells`` the main cell,
    ``these drugs``/``the vesicles`` the last non-cell agent, ``they`` the previous
    sentence's non-cell lead subject (``Exosomes reduced X. They ...``) else the cell."""
    if j < 0 or st.units[j].is_ent:
        return None
    w = st.units[j].low
    prev = st.units[j - 1].low if j > 0 else ""
    if w == "they":
        if st.lead is not None and st.lead.type in ("THERAPY", "MOLECULE") \
                and st.lead.text.lower().endswith(("s", "evs", "ex", "exo")):
            return st.lead        # a plural product ("Exosomes ... They ...")
        return st.referent
    if w in CELL_NOUNS and prev in ("these", "those", "such"):
        return st.referent
    if w in AGENT_NOUNS and prev in ("these", "those", "such", "the", "this", "both"):
        return st.agent
    return None


def main_cell(found: list[Found], units: list[Unit], referent: Mention | None
               ) -> Mention | None:
    """The cell a following ``they``/``these cells`` refers to: kept when this sentence itself
    starts with an anaphor, else the first cell subject, else the first cell before a verb."""
    words = [x.low for x in units[:3] if not x.is_ent]
    if words and (words[0] in ("they", "their") or (
            len(words) > 1 and words[0] in ("these", "such") and words[1] in CELL_NOUNS)):
        return referent
    for f in found:
        if f.subj.type == "CELL_TYPE":
            return f.subj
    for x in units:
        if x.trig is not None and x.trig.kind in ("V", "P"):
            break
        if x.is_ent and x.mention.type == "CELL_TYPE":
            return x.mention
    return referent
